// Direct 1-D/2-D float convolution without an im2col matrix: each register tile holds up to
// kMaxTilePositions output positions of one output row (of two or three whole rows when the
// rows are narrow; for a pointwise convolution, of the flattened image) times 16 or 32 output
// channels. A k step broadcasts the tile's input values
// (read in place from the zero-padded image, so any stride works) against one packed row of
// weights; the tile is transposed in registers into the NCHW output, with bias, residual and
// activation applied on the way out. Channel tiles (short k loops, few channels, large pointwise
// images, the stride-2 stems) instead keep 8 channels x 48 positions and store rows as they are;
// at stride 2 they read a copy of the input whose rows hold the even columns, then the odd ones.
//
// Work is split across threads as (image, group, channel block, position tile) items of equal
// cost, so two threads always get balanced work, even for a 16-channel convolution of a large
// image. Layers whose images outweigh their weights give each thread a band of output rows
// across all channels instead, so that it reads the rows it wrote in the layer before. A thread
// done with its share takes over the items another has not reached (ThreadPool::ParallelForParts):
// on a shared host one core is often slowed by a neighbour.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "core/framework/thread_pool.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {

constexpr int kMaxTilePositions = 14;
// Tiles prefetch the input rows of k step p + kDirectConvRowsAhead while at step p.
constexpr int kDirectConvRowsAhead = 8;

// One register tile: positions j < `positions`, channels c < `channels` of a block.
//   y[c * channel_stride + j] = act(bias[c] + residual[c * channel_stride + j]
//                                   + sum_p w[p * width + c] * x[k_offsets[p] + j * stride])
struct DirectConvTile {
  const float* x = nullptr;            // input of position 0 at k offset 0
  const int32_t* k_offsets = nullptr;  // k entries, then kDirectConvRowsAhead readable ones
  int64_t k = 0;
  const float* w = nullptr;            // k groups of `width` floats, 64-byte aligned
  const float* bias = nullptr;         // the block's first channel, or null
  const float* residual = nullptr;     // the block's first channel at position 0, or null
  float* y = nullptr;                  // the block's first channel at position 0
  int64_t channel_stride = 0;          // between channels of y (and residual)
  int channels = 0;                    // valid channels of the block, <= width
  int width = 0;                       // 16 or 32
  const Activation* activation = nullptr;
  // Multi-row tiles: position j lies in output row j / row_width of the tile, whose input starts
  // row_stride floats after the previous row's; row_width 0 means one row (or flat positions).
  int row_width = 0;
  int64_t row_stride = 0;
  // Where the tile this thread computes next writes (and reads its residual): its rows are
  // fetched while this tile computes. next_y null when this tile is the thread's last.
  const float* next_y = nullptr;
  const float* next_residual = nullptr;
  int next_channels = 0;
  int next_positions = 0;
};

using DirectConvTileFn = void (*)(const DirectConvTile&);

// The tile kernel for `positions` (1..kMaxTilePositions), `width` (16 or 32) and input `stride`
// (1 or 2); nullptr when the host has no SIMD version. The reference serves any stride.
DirectConvTileFn DirectConvTileAvx512(int positions, int width, int stride);
void DirectConvTileReference(const DirectConvTile& t, int positions, int stride);

// Output rows narrower than kMaxTilePositions / 2 fill a tile with `rows` whole rows of
// `row_width` positions (t.row_width, t.row_stride), so each weight loaded serves as many
// positions as in a wide row. Row widths kMinMultiRowWidth..kMaxTilePositions / 2.
constexpr int kMinMultiRowWidth = 4;
int MultiRowTileRows(int64_t row_width);  // rows per tile, or 1 when rows are not combined
DirectConvTileFn DirectConvRowsTileAvx512(int row_width, int rows, int width, int stride);

// The same product for up to kMaxChannelTilePositions consecutive positions reading consecutive
// input columns (stride 1; stride-2 convolutions read a column-split copy), computed
// channel-major: 8 channels x 16-position vectors, stored straight into the output rows. Cheaper
// than transposing when k is small.
constexpr int kMaxChannelTilePositions = 48;
void DirectConvChannelTileAvx512(const DirectConvTile& t, int positions);

// dst (out_h x out_w) = the in_h x in_w plane x placed at (pad_top, pad_left), zeros around it.
void DirectConvPadPlaneAvx512(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top, int64_t pad_left,
                              int64_t out_h, int64_t out_w, float* dst);
void DirectConvPadPlaneReference(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top, int64_t pad_left,
                                 int64_t out_h, int64_t out_w, float* dst);
// The same padded plane with each row's columns split: the even ones (0, 2, ...) first, then the
// odd ones. A stride-2 row of positions then reads consecutive columns of one half.
void DirectConvPadSplitPlaneAvx512(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top, int64_t pad_left,
                                   int64_t out_h, int64_t out_w, float* dst);
void DirectConvPadSplitPlaneReference(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top,
                                      int64_t pad_left, int64_t out_h, int64_t out_w, float* dst);

// A run of output positions computed by one tile.
struct DirectConvRun {
  int64_t x_offset;  // in the input plane the tiles read, of position 0 at k offset 0
  int64_t y_offset;  // in the output plane
  int positions;
};

// dst[j] = row[j * stride] for j < count: the positions a strided pointwise convolution reads.
void DirectConvSubsampleRowAvx512(const float* row, int64_t count, int64_t stride, float* dst);

struct DirectConvPlan;
struct DirectConvPlanCache;

// The weights of every group as blocks of up to 32 output channels, each k x width (16 or 32)
// floats, zero beyond the block's channels. Built once for constant weights.
struct DirectConvWeights {
  int64_t group = 0, m_per_group = 0, k = 0;
  int64_t blocks_per_group = 0;
  std::vector<int64_t> block_offset;  // group * blocks_per_group entries, in floats
  std::vector<int> block_width;       // per block of a group
  std::unique_ptr<float[], gemm_detail::FreeDeleter> data;
  // The last plan (work split, offsets) RunDirectConv built for these weights, reused while the
  // shapes and thread count stay the same.
  std::shared_ptr<DirectConvPlanCache> plan_cache;

  bool Empty() const { return !data; }
};

// `w` is the ONNX weight tensor [M, C/G, kernel...]; k = C/G * kernel size.
DirectConvWeights PackDirectConvWeights(const float* w, int64_t out_channels, int64_t group, int64_t k);

// True when the direct path runs this convolution on this host (AVX-512; 1-D or 2-D; column
// stride 1 or 2; not depthwise).
bool DirectConvApplies(const Geometry3D& g, int64_t c_per_group, int64_t group);

// Which tiles compute the convolution: chosen from the shape, or forced (tests, benchmarks).
enum class DirectConvTiles { kAuto, kPositionMajor, kChannelMajor };

struct DirectConvProblem {
  const float* x = nullptr;
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  Geometry3D g;
  const float* bias = nullptr;
  const float* residual = nullptr;  // Y's shape; may be y itself (each value is read before written)
  Activation activation;
  float* y = nullptr;
  DirectConvTiles tiles = DirectConvTiles::kAuto;  // kChannelMajor needs column stride 1 or 2
};

// Runs the convolution with the SIMD tiles, or with DirectConvTileReference when `reference`
// (tests compare the two).
void RunDirectConv(const DirectConvWeights& w, const DirectConvProblem& p, ThreadPool* pool, bool reference = false);

// Output rows in bands, for a consumer that takes each band while it is in cache (ConvMaxPool):
// the single-thread plan of `p`, looked up once for every band.
class DirectConvRowBands {
 public:
  DirectConvRowBands(const DirectConvWeights& w, const DirectConvProblem& p);
  // True when every run of tiles lies in one output row and p has no residual, as Run needs.
  bool Applies() const;
  // Whether the tiles read a copy of the input (padded, column-split or subsampled) rather than
  // p.x itself.
  bool CopiesInput() const;
  // Floats of one image's copy, with room for the tiles' prefetches past its last plane.
  int64_t ImageCopyFloats() const;
  // The rows [*lo, *hi) of the tiles' input planes that output rows [row_begin, row_end) read.
  void InputRows(int64_t row_begin, int64_t row_end, int64_t* lo, int64_t* hi) const;
  // Writes rows [lo, hi) of every plane of image n's copy into `image_copy` (ImageCopyFloats()
  // floats), on the calling thread: each thread copies the rows its bands read while they are
  // about to be read, instead of one pass over the whole input before the bands.
  void CopyInputRows(int64_t n, int64_t lo, int64_t hi, float* image_copy) const;
  // Image n of p.x, the tiles' input when CopiesInput() is false.
  const float* ImageInput(int64_t n) const;
  // Output rows [row_begin, row_end), every channel, on the calling thread, reading one image's
  // input (ImageInput, or a copy holding the rows InputRows names): row r of channel m goes to
  // y[m * y_channel_stride + (r - row_begin) * out_w].
  void Run(const float* image_input, int64_t row_begin, int64_t row_end, float* y, int64_t y_channel_stride) const;

 private:
  const DirectConvWeights& w_;
  const DirectConvProblem& p_;
  std::shared_ptr<const DirectConvPlan> plan_;
};

}  // namespace nn
}  // namespace ortlite
