// Window geometry shared by Conv, ConvTranspose and the pooling operators: the kernel_shape,
// strides, dilations, pads, auto_pad and ceil_mode attributes, resolved against an input shape.
//
// Kernels work on up to three spatial dimensions. Lower ranks are promoted to 3-D by prepending
// dimensions of size 1 (kernel 1, stride 1, no padding), which keeps the innermost dimension
// innermost and lets one loop nest serve 1-D, 2-D and 3-D.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/framework/op_kernel.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace nn {

enum class AutoPad { kNotSet, kSameUpper, kSameLower, kValid };

AutoPad ParseAutoPad(const std::string& value);

constexpr size_t kMaxSpatialRank = 3;

// A window operation over three spatial dimensions (index 0 outermost).
struct Geometry3D {
  int64_t in[3] = {1, 1, 1};
  int64_t out[3] = {1, 1, 1};
  int64_t kernel[3] = {1, 1, 1};
  int64_t stride[3] = {1, 1, 1};
  int64_t dilation[3] = {1, 1, 1};
  int64_t pad_begin[3] = {0, 0, 0};
  int64_t pad_end[3] = {0, 0, 0};

  int64_t InSize() const { return in[0] * in[1] * in[2]; }
  int64_t OutSize() const { return out[0] * out[1] * out[2]; }
  int64_t KernelSize() const { return kernel[0] * kernel[1] * kernel[2]; }
};

class SpatialAttributes {
 public:
  // Reads kernel_shape, strides, dilations, pads, auto_pad and ceil_mode if present, each name
  // after `prefix` (a fused node keeps its second op's attributes as "pool_kernel_shape", ...).
  explicit SpatialAttributes(const OpKernelInfo& info, const std::string& prefix = "");

  // Resolves a forward window op (Conv, pools) for the input's spatial dims. `kernel` overrides
  // the kernel_shape attribute when non-empty (Conv takes it from W). Throws on inconsistent
  // attributes or an input smaller than the window.
  Geometry3D ResolveForward(const std::vector<int64_t>& in_spatial, const std::vector<int64_t>& kernel) const;

  // The spatial output dims of a resolved geometry for a rank-`spatial_rank` op.
  static std::vector<int64_t> OutputSpatial(const Geometry3D& g, size_t spatial_rank);

  const std::vector<int64_t>& KernelShape() const { return kernel_shape_; }
  const std::vector<int64_t>& Strides() const { return strides_; }
  const std::vector<int64_t>& Dilations() const { return dilations_; }
  const std::vector<int64_t>& Pads() const { return pads_; }
  AutoPad GetAutoPad() const { return auto_pad_; }
  bool CeilMode() const { return ceil_mode_; }

  // Checks the attribute lengths against `rank` spatial dims and fills defaults; returns the
  // strides/dilations/pads to use (pads as begin..., end...).
  void Normalize(size_t rank, std::vector<int64_t>& strides, std::vector<int64_t>& dilations,
                 std::vector<int64_t>& pads) const;

 private:
  std::vector<int64_t> kernel_shape_, strides_, dilations_, pads_;
  AutoPad auto_pad_ = AutoPad::kNotSet;
  bool ceil_mode_ = false;
};

// The range [begin, end) of output positions o in [0, count) whose input o * stride + offset
// lies in [0, limit): where one kernel offset reads inside the input row.
inline void ValidOutputRange(int64_t count, int64_t stride, int64_t offset, int64_t limit, int64_t& begin,
                             int64_t& end) {
  begin = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  const int64_t last = limit - 1 - offset;
  end = last < 0 ? 0 : last / stride + 1;
  begin = begin < count ? begin : count;
  end = end < begin ? begin : (end > count ? count : end);
}

// Copies the window of every output position in [row_begin, row_end) output rows (a row being
// the out[2] positions of one (od, oh) pair) for every (channel, kernel offset) into `col`:
// col[(c * kernel_size + k) * cols + (row - row_begin) * out[2] + ow], zero where the window
// reaches into the padding. `x` holds `channels` planes of g.InSize() elements.
template <typename T>
void Im2Col(const T* x, int64_t channels, const Geometry3D& g, int64_t row_begin, int64_t row_end, T* col,
            ThreadPool* pool);

// The adjoint of Im2Col for the same band of output rows: adds each col entry into the input
// position it would have been read from (entries that fall in the padding are dropped). Used by
// ConvTranspose, whose output image is the "input" of this geometry.
template <typename T>
void Col2ImAdd(const T* col, int64_t channels, const Geometry3D& g, int64_t row_begin, int64_t row_end, T* x,
               ThreadPool* pool);

// Rows [row0, row0 + rows) x columns [col0, col0 + cols) of the im2col matrix of `x` (as in
// Im2Col: row = (channel, kernel offset), column = output position) written as nr-wide panels in
// the layout of SgemmBPacker: column col0 + p*nr + j, row row0 + r at dst[p * rows * nr + r * nr + j],
// columns of the last panel beyond `cols` zero. Vectorised where the host allows;
// Im2ColPanelsReference is the plain version.
// A run of the panel columns that lies in one output row and one panel.
struct PanelSegment {
  int64_t panel, lane, len;  // columns [lane, lane + len) of panel `panel`
  // Input coordinates read by the first column for kernel offset (0, 0, 0) (may be in the padding).
  int64_t id0, ih0, iw0;
};
// One row of the im2col matrix: a channel plane and a kernel offset (dilation applied).
struct Im2ColRow {
  int64_t plane_offset;
  int64_t dd, dh, dw;
};
// The segments of columns [col0, col0 + cols), in panel order; `panel_begin[p]` indexes the first
// segment of panel p (size panels + 1).
void BuildPanelSegments(const Geometry3D& g, int64_t col0, int64_t cols, int nr, std::vector<PanelSegment>& out,
                        std::vector<int64_t>& panel_begin);
void BuildIm2ColRows(const Geometry3D& g, int64_t row0, int64_t rows, std::vector<Im2ColRow>& out);
// Zeroes the columns of the last panel beyond `cols` (every row).
void ZeroPanelTail(int64_t rows, int64_t cols, int nr, float* dst);

void Im2ColPanels(const float* x, const Geometry3D& g, int64_t row0, int64_t rows, int64_t col0, int64_t cols, int nr,
                  float* dst);
void Im2ColPanelsReference(const float* x, const Geometry3D& g, int64_t row0, int64_t rows, int64_t col0,
                           int64_t cols, int nr, float* dst);

// One output plane of a depthwise convolution (y = bias + window sums) by a SIMD path; returns
// false when the host or the geometry has none (the caller runs the plain loop). Sets *activated
// when it also applied `act`.
bool DepthwiseConvPlaneFast(const float* x, const float* w, float bias, const Activation& act, float* y,
                            const Geometry3D& g, bool* activated);

}  // namespace nn
}  // namespace ortlite
