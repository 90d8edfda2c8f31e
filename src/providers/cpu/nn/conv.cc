// Conv (opset 1, 11): N-D convolution (1 to 3 spatial dims) with groups, dilations, strides,
// explicit or automatic padding and an optional bias. The same kernel serves com.microsoft
// FusedConv (contrib/fused_conv.cc), which adds an activation and an optional residual input Z.
//
// float (and 16-bit floats, computed in float), weights packed once (at session start when W is
// a constant):
//  - 3x3 stride-1 convolutions with many channels and images of at least 14x14 on AVX-512
//    hosts: Winograd F(4x4, 3x3) or, for images narrower than 17, F(2x2, 3x3) (conv_winograd.h):
//    36 (or 16) GEMMs on transformed tiles, 4 (or 2.25) times fewer multiply-adds;
//  - other 1-D and 2-D convolutions on AVX-512 hosts: the direct tiles of conv_direct.h, which read
//    the input in place (zero-padded) and split the work over threads themselves;
//  - otherwise, per image and group,
//      Y_g[M/G, out] = act(W_g[M/G, C/G * kernel] x col[C/G * kernel, out] + bias + Z_g)
//    with W_g in the GEMM micro-kernel's panels and col never materialised: the GEMM asks for
//    blocks of it already in panel layout (a pointwise convolution reads the input as B).
// Bias, residual and activation run in the final store. Depthwise convolutions (one input
// channel per group) run a direct loop instead, as their GEMMs would be a single row.
// double: im2col in bands of output rows + Dgemm.
#include <algorithm>
#include <optional>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "core/framework/memcpy.h"
#include "core/framework/session_state.h"
#include "providers/cpu/nn/conv_direct.h"
#include "providers/cpu/nn/conv_pool.h"
#include "providers/cpu/nn/conv_winograd.h"
#include "providers/cpu/nn/nn_common.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {

// conv_kernels_avx512.cc
bool DepthwiseConvPlaneAvx512(const float* x, const float* w, float bias, const Activation& act, float* y,
                              const Geometry3D& g, bool* activated);
bool DepthwisePlanePairFitsAvx512(const Geometry3D& g);
void DepthwiseConvPlanePairAvx512(const float* const (&x)[2], const float* const (&w)[2], const float (&bias)[2],
                                  const Activation& act, float* const (&y)[2], const Geometry3D& g,
                                  bool* activated);
void CopyRowsAvx512(const float* src, int64_t src_stride, const float* residual, int64_t residual_stride,
                    const Activation& act, int64_t rows, int64_t width, float* dst, int64_t dst_stride);

namespace {

// Elements of col scratch per band (double path); bounds memory at 16 MiB.
constexpr int64_t kColBudget = int64_t{1} << 21;
// Multiply-adds below which an (image, group) GEMM runs on one thread.
constexpr double kSmallGemmWork = 1 << 22;

struct ConvProblem {
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  Geometry3D g;

  int64_t CPerGroup() const { return in_channels / group; }
  int64_t MPerGroup() const { return out_channels / group; }
  bool Depthwise() const { return CPerGroup() == 1 && group > 1; }
  bool Pointwise() const {
    bool pointwise = g.KernelSize() == 1;
    for (int d = 0; d < 3; ++d) {
      pointwise = pointwise && g.stride[d] == 1 && g.pad_begin[d] == 0 && g.pad_end[d] == 0;
    }
    return pointwise;
  }
};

// ---- depthwise -------------------------------------------------------------------------------

// y += residual, then the activation, over one output plane.
void FinishPlane(float* y, const float* residual, const Activation& act, int64_t n) {
  if (residual) {
    for (int64_t i = 0; i < n; ++i) y[i] += residual[i];
  }
  ApplyActivation(act, y, n);
}

template <typename T>
void DepthwisePlaneReference(const T* xp, const T* wp, T bias, T* yp, const Geometry3D& g) {
  const int64_t out_w = g.out[2];
  std::fill(yp, yp + g.OutSize(), bias);
  for (int64_t od = 0; od < g.out[0]; ++od) {
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      T* yrow = yp + (od * g.out[1] + oh) * out_w;
      for (int64_t kd = 0; kd < g.kernel[0]; ++kd) {
        const int64_t id = od * g.stride[0] - g.pad_begin[0] + kd * g.dilation[0];
        if (id < 0 || id >= g.in[0]) continue;
        for (int64_t kh = 0; kh < g.kernel[1]; ++kh) {
          const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
          if (ih < 0 || ih >= g.in[1]) continue;
          const T* xrow = xp + (id * g.in[1] + ih) * g.in[2];
          const T* wrow = wp + (kd * g.kernel[1] + kh) * g.kernel[2];
          for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
            const int64_t offset = kw * g.dilation[2] - g.pad_begin[2];
            const int64_t s = g.stride[2];
            int64_t ow_begin, ow_end;
            ValidOutputRange(out_w, s, offset, g.in[2], ow_begin, ow_end);
            const T wv = wrow[kw];
            if (s == 1) {
              const T* xs = xrow + (ow_begin + offset);
              T* ys = yrow + ow_begin;
              for (int64_t i = 0; i < ow_end - ow_begin; ++i) ys[i] += wv * xs[i];
            } else {
              for (int64_t ow = ow_begin; ow < ow_end; ++ow) yrow[ow] += wv * xrow[ow * s + offset];
            }
          }
        }
      }
    }
  }
}

// Planes whose output rows are at most 8 wide (3x3 windows) go two to a vector on AVX-512 hosts.
bool DepthwisePairsApply(const Geometry3D& g) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  return avx512 && DepthwisePlanePairFitsAvx512(g);
}

// One output plane per task (or a pair, see DepthwisePairsApply); bias, residual and activation
// applied per plane while it is hot.
template <typename T>
void DepthwiseConv(const T* x, const T* w, const T* bias, const T* residual, const Activation& act, T* y,
                   const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize(), ks = g.KernelSize();
  const int64_t m_per_group = p.MPerGroup();
  const int64_t planes = p.batch * p.out_channels;
  auto input_plane = [&](int64_t plane) {
    return x + (plane / p.out_channels * p.in_channels + plane % p.out_channels / m_per_group) * in_size;
  };
  // Small planes go two at a time where the host has a kernel for it (one task per pair).
  bool pairs = false;
  if constexpr (std::is_same_v<T, float>) pairs = planes >= 2 && DepthwisePairsApply(g);
  const int64_t tasks = pairs ? (planes + 1) / 2 : planes;
  const double task_cost = static_cast<double>(out_size * ks * 2) * (pairs ? 2 : 1);
  ThreadPool::ParallelForParts(pool, tasks, task_cost, [&](int64_t task_begin, int64_t task_end) {
    int64_t begin = task_begin, end = task_end;
    if constexpr (std::is_same_v<T, float>) {
      if (pairs) {
        begin = 2 * task_begin;
        end = std::min(planes, 2 * task_end);
        for (; begin + 1 < end; begin += 2) {
          const int64_t m[2] = {begin % p.out_channels, (begin + 1) % p.out_channels};
          const float* const xs[2] = {input_plane(begin), input_plane(begin + 1)};
          const float* const ws[2] = {w + m[0] * ks, w + m[1] * ks};
          const float bs[2] = {bias ? bias[m[0]] : 0.f, bias ? bias[m[1]] : 0.f};
          float* const ys[2] = {y + begin * out_size, y + (begin + 1) * out_size};
          bool activated = false;
          DepthwiseConvPlanePairAvx512(xs, ws, bs, residual ? Activation{} : act, ys, g, &activated);
          for (int i = 0; i < 2; ++i) {
            FinishPlane(ys[i], residual ? residual + (begin + i) * out_size : nullptr, activated ? Activation{} : act,
                        out_size);
          }
        }
      }
    }
    // Planes one at a time (the last one of an odd count, when in pairs).
    for (int64_t plane = begin; plane < end; ++plane) {
      const int64_t m = plane % p.out_channels;
      const T* xp = input_plane(plane);
      T* yp = y + plane * out_size;
      const T b = bias ? bias[m] : T(0);
      if constexpr (std::is_same_v<T, float>) {
        // The SIMD plane applies the activation itself, unless a residual must come first.
        bool activated = false;
        if (!DepthwiseConvPlaneFast(xp, w + m * ks, b, residual ? Activation{} : act, yp, g, &activated)) {
          DepthwisePlaneReference(xp, w + m * ks, b, yp, g);
        }
        FinishPlane(yp, residual ? residual + plane * out_size : nullptr, activated ? Activation{} : act, out_size);
      } else {
        DepthwisePlaneReference(xp, w + m * ks, b, yp, g);
      }
    }
  });
}

// ---- GEMM path (float) -----------------------------------------------------------------------

// The im2col matrix of one group as a B operand, produced block by block in panel layout.
SgemmBPacker Im2ColPacker(const float* xg, const Geometry3D& g) {
  return [xg, &g](int64_t row0, int64_t rows, int64_t col0, int64_t cols, int nr, float* dst) {
    Im2ColPanels(xg, g, row0, rows, col0, cols, nr, dst);
  };
}

// 2-D convolutions as a GEMM over shifted rows of the zero-padded image. For stride 1, with the
// output computed on the padded width Wp (out_h x Wp positions, the last Wp - out_w of each row
// discarded), im2col row (c, kh, kw) is padded plane c shifted by kh * Wp + kw: B is a set of row
// offsets into the padded copy and im2col is never built. Stride s splits the padded image into
// s x s phase planes (rows and columns congruent mod s), each of width Wq = ceil(Wp / s); offset
// (kh, kw) then reads phase (kh % s, kw % s) shifted by (kh / s) * Wq + kw / s, again one grid of
// out_h x Wq positions. Used while the discarded columns cost few GEMM panels (wide images).
struct ShiftedGrid {
  int64_t stride = 1;
  int64_t hq = 0, wq = 0;        // a phase plane
  int64_t columns = 0;           // out_h * wq
  std::vector<int> phase_index;  // stride*stride entries: position among the phases in use, or -1
  int64_t phases = 0;
};

std::optional<ShiftedGrid> ShiftedGridFor(const ConvProblem& p) {
  const Geometry3D& g = p.g;
  const int64_t s = g.stride[2];
  if (g.kernel[0] != 1 || g.in[0] != 1 || g.stride[1] != s || s > 4) return std::nullopt;
  if (g.KernelSize() == 1 && s == 1) return std::nullopt;  // pointwise: B is the input itself
  ShiftedGrid grid;
  grid.stride = s;
  grid.hq = (g.in[1] + g.pad_begin[1] + g.pad_end[1] + s - 1) / s;
  grid.wq = (g.in[2] + g.pad_begin[2] + g.pad_end[2] + s - 1) / s;
  grid.columns = g.out[1] * grid.wq;
  constexpr int64_t kPanel = 32;
  const int64_t dense_panels = (g.OutSize() + kPanel - 1) / kPanel;
  const int64_t shifted_panels = (grid.columns + kPanel - 1) / kPanel;
  if (shifted_panels * 100 > dense_panels * 112) return std::nullopt;
  grid.phase_index.assign(static_cast<size_t>(s * s), -1);
  for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
    for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
      int& index = grid.phase_index[((kh * g.dilation[1]) % s) * s + (kw * g.dilation[2]) % s];
      if (index < 0) index = static_cast<int>(grid.phases++);
    }
  return grid;
}

// Grow-only per-thread buffers for the phase planes and the wide GEMM output.
std::vector<float>& ThreadBuffer(int which) {
  thread_local std::vector<float> buffers[2];
  return buffers[which];
}

void RunShiftedGemm(const float* xg, const PackedSgemmA& packed, const GemmEpilogue& ep, float* yg,
                    const ConvProblem& p, const ShiftedGrid& grid, ThreadPool* inner) {
  const Geometry3D& g = p.g;
  const int64_t channels = p.CPerGroup(), m = p.MPerGroup(), s = grid.stride;
  const int64_t in_h = g.in[1], in_w = g.in[2], plane = grid.hq * grid.wq;
  const int64_t channel_stride = grid.phases * plane;
  // Reads run up to 32 columns past the last position: slack after the last plane.
  std::vector<float>& phases = ThreadBuffer(0);
  phases.resize(static_cast<size_t>(channels * channel_stride + grid.wq + 64));
  std::fill(phases.begin() + channels * channel_stride, phases.end(), 0.f);
  for (int64_t c = 0; c < channels; ++c) {
    const float* src = xg + c * in_h * in_w;
    for (int64_t ph = 0; ph < s; ++ph) {
      for (int64_t pw = 0; pw < s; ++pw) {
        const int index = grid.phase_index[ph * s + pw];
        if (index < 0) continue;
        float* dst = phases.data() + c * channel_stride + index * plane;
        for (int64_t q = 0; q < grid.hq; ++q) {
          float* row = dst + q * grid.wq;
          const int64_t h = q * s + ph - g.pad_begin[1];
          if (h < 0 || h >= in_h) {
            std::fill(row, row + grid.wq, 0.f);
            continue;
          }
          const float* in_row = src + h * in_w;
          // Columns t with 0 <= t * s + pw - pad < in_w read the input; the rest are padding.
          int64_t b, e;
          ValidOutputRange(grid.wq, s, pw - g.pad_begin[2], in_w, b, e);
          std::fill(row, row + b, 0.f);
          if (s == 1) {
            std::copy(in_row + b + pw - g.pad_begin[2], in_row + e + pw - g.pad_begin[2], row + b);
          } else {
            for (int64_t t = b; t < e; ++t) row[t] = in_row[t * s + pw - g.pad_begin[2]];
          }
          std::fill(row + e, row + grid.wq, 0.f);
        }
      }
    }
  }
  std::vector<int64_t> offsets(static_cast<size_t>(channels * g.KernelSize()));
  for (int64_t c = 0, r = 0; c < channels; ++c)
    for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
      for (int64_t kw = 0; kw < g.kernel[2]; ++kw, ++r) {
        const int64_t dh = kh * g.dilation[1], dw = kw * g.dilation[2];
        const int index = grid.phase_index[(dh % s) * s + dw % s];
        offsets[r] = c * channel_stride + index * plane + (dh / s) * grid.wq + dw / s;
      }

  // The wide output; bias (and the activation when there is no residual) applied by the GEMM.
  std::vector<float>& wide = ThreadBuffer(1);
  wide.resize(static_cast<size_t>(m * grid.columns));
  GemmEpilogue gemm_ep;
  gemm_ep.row_bias = ep.row_bias;
  if (!ep.residual) gemm_ep.activation = ep.activation;
  SgemmWithPackedA(packed, grid.columns, phases.data(), offsets.data(), wide.data(), grid.columns, gemm_ep, inner);

  const int64_t out_h = g.out[1], out_w = g.out[2], out_size = out_h * out_w;
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  if (avx512) {
    // Output rows of every channel: wide row (i, oh) is at i * columns + oh * wq.
    for (int64_t i = 0; i < m; ++i) {
      CopyRowsAvx512(wide.data() + i * grid.columns, grid.wq, ep.residual ? ep.residual + i * ep.ld_residual : nullptr,
                     out_w, ep.residual ? ep.activation : Activation{}, out_h, out_w, yg + i * out_size, out_w);
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const float* src = wide.data() + i * grid.columns + oh * grid.wq;
      float* dst = yg + i * out_size + oh * out_w;
      if (ep.residual) {
        const float* res = ep.residual + i * ep.ld_residual + oh * out_w;
        for (int64_t j = 0; j < out_w; ++j) dst[j] = src[j] + res[j];
        ApplyActivation(ep.activation, dst, out_w);
      } else {
        std::copy(src, src + out_w, dst);
      }
    }
  }
}

// How a (non-depthwise) float convolution runs: on AVX-512 hosts Winograd (conv_winograd.h) for
// the 3x3 stride-1 ones it pays for, the direct tiles (conv_direct.h) for every other 1-D and
// 2-D convolution; otherwise, and for 3-D ones, a GEMM Y_g[M, positions] = W_g x col with W_g
// packed into the micro-kernel's row panels.
enum class ConvLayout { kDepthwise, kWinograd, kWinograd4, kDirect, kChannelMajor };

bool IsWinograd(ConvLayout layout) { return layout == ConvLayout::kWinograd || layout == ConvLayout::kWinograd4; }

ConvLayout ChooseLayout(const ConvProblem& p) {
  if (p.Depthwise()) return ConvLayout::kDepthwise;
  if (WinogradApplies(p.g, p.in_channels, p.out_channels, p.group)) {
    return WinogradTileFor(p.g) == 4 ? ConvLayout::kWinograd4 : ConvLayout::kWinograd;
  }
  if (DirectConvApplies(p.g, p.CPerGroup(), p.group)) return ConvLayout::kDirect;
  return ConvLayout::kChannelMajor;
}

// The packed weights of one convolution in the layout its Compute uses.
struct PackedConvWeights {
  ConvLayout layout = ConvLayout::kChannelMajor;
  std::vector<PackedSgemmA> channel_major;  // per group
  DirectConvWeights direct;
  WinogradWeights winograd;
};

void RunConvGemm(const float* x, const PackedConvWeights& weights, const float* bias, const float* residual,
                 const Activation& act, float* y, const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize();
  const int64_t c_per_group = p.CPerGroup(), m_per_group = p.MPerGroup();
  const bool pointwise = p.Pointwise();
  const std::optional<ShiftedGrid> shifted = pointwise ? std::nullopt : ShiftedGridFor(p);

  auto run_one = [&](int64_t n, int64_t gi, ThreadPool* inner) {
    const float* xg = x + (n * p.in_channels + gi * c_per_group) * in_size;
    const int64_t y_offset = (n * p.out_channels + gi * m_per_group) * out_size;
    GemmEpilogue ep;
    ep.row_bias = bias ? bias + gi * m_per_group : nullptr;
    ep.residual = residual ? residual + y_offset : nullptr;
    ep.ld_residual = out_size;
    ep.activation = act;
    const PackedSgemmA& packed = weights.channel_major[gi];
    if (pointwise) {
      SgemmWithPackedA(packed, false, out_size, xg, in_size, y + y_offset, out_size, ep, inner);
    } else if (shifted) {
      RunShiftedGemm(xg, packed, ep, y + y_offset, p, *shifted, inner);
    } else {
      SgemmWithPackedA(packed, out_size, Im2ColPacker(xg, g), y + y_offset, out_size, ep, inner);
    }
  };
  // Many small GEMMs (grouped convs, batches of small images) parallelise better one per thread
  // than each across all threads.
  const int64_t tasks = p.batch * p.group;
  const double task_work = static_cast<double>(m_per_group) * c_per_group * g.KernelSize() * out_size;
  if (tasks >= 2 * ThreadPool::DegreeOfParallelism(pool) && task_work < kSmallGemmWork) {
    ThreadPool::TryParallelFor(pool, tasks, 2.0 * task_work, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; ++t) run_one(t / p.group, t % p.group, nullptr);
    });
    return;
  }
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t gi = 0; gi < p.group; ++gi) run_one(n, gi, pool);
  }
}

// ---- double path -----------------------------------------------------------------------------

template <typename T>
void RunConvIm2Col(const T* x, const T* w, const T* bias, T* y, const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize(), ks = g.KernelSize();
  const int64_t c_per_group = p.CPerGroup(), m_per_group = p.MPerGroup();
  if (p.Depthwise()) {
    DepthwiseConv<T>(x, w, bias, nullptr, Activation{}, y, p, pool);
    return;
  }
  if (bias) {
    for (int64_t n = 0; n < p.batch; ++n)
      for (int64_t m = 0; m < p.out_channels; ++m) {
        T* plane = y + (n * p.out_channels + m) * out_size;
        std::fill(plane, plane + out_size, bias[m]);
      }
  }
  const T beta = bias ? T(1) : T(0);
  const int64_t col_rows = c_per_group * ks;
  const bool pointwise = p.Pointwise();
  const int64_t out_w = g.out[2];
  const int64_t out_rows = g.out[0] * g.out[1];
  const int64_t rows_per_band =
      std::clamp<int64_t>(kColBudget / std::max<int64_t>(1, col_rows * out_w), 1, std::max<int64_t>(1, out_rows));
  std::vector<T> col;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t gi = 0; gi < p.group; ++gi) {
      const T* xg = x + (n * p.in_channels + gi * c_per_group) * in_size;
      const T* wg = w + gi * m_per_group * col_rows;
      T* yg = y + (n * p.out_channels + gi * m_per_group) * out_size;
      if (pointwise) {
        GemmFp(false, false, m_per_group, out_size, c_per_group, T(1), wg, col_rows, xg, in_size, beta, yg, out_size,
               pool);
        continue;
      }
      col.resize(static_cast<size_t>(col_rows * rows_per_band * out_w));
      for (int64_t r0 = 0; r0 < out_rows; r0 += rows_per_band) {
        const int64_t r1 = std::min(out_rows, r0 + rows_per_band);
        const int64_t cols = (r1 - r0) * out_w;
        Im2Col(xg, c_per_group, g, r0, r1, col.data(), pool);
        GemmFp(false, false, m_per_group, cols, col_rows, T(1), wg, col_rows, col.data(), cols, beta,
               yg + r0 * out_w, out_size, pool);
      }
    }
  }
}

// ---- the kernel ------------------------------------------------------------------------------

class ConvKernel final : public OpKernel {
 public:
  explicit ConvKernel(const OpKernelInfo& info)
      : OpKernel(info),
        attrs_(info),
        group_(info.GetAttrOrDefault<int64_t>("group", 1)),
        fused_(info.node().OpType() == "FusedConv" || info.node().OpType() == "ConvMaxPool") {
    ORTLITE_CHECK_ARG(group_ > 0, "group must be positive, got ", group_);
    if (info.node().OpType() == "ConvMaxPool") {
      pool_attrs_.emplace(info, "pool_");
      ORTLITE_CHECK_ARG(!pool_attrs_->KernelShape().empty(), "ConvMaxPool requires the pool_kernel_shape attribute");
    }
    if (fused_) {
      activation_ = Activation::FromName(info.GetAttrOrDefault<std::string>("activation", ""),
                                         info.GetAttrOrDefault<std::vector<float>>("activation_params", {}));
    }
    const Tensor* W = info.TryGetConstantInput(1);
    if (W && info.GetSessionState().Config().prepacking) PrepackWeights(info, *W);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const Tensor& W = ctx.RequiredInput(1);
    const Tensor* B = ctx.Input(2);
    const Tensor* Z = fused_ ? ctx.Input(3) : nullptr;
    const auto& xd = X.Shape().GetDims();
    const auto& wd = W.Shape().GetDims();
    ORTLITE_CHECK_ARG(xd.size() >= 3, "Conv input must have rank >= 3 (N, C, spatial...), got ",
                      X.Shape().ToString());
    ORTLITE_CHECK_ARG(wd.size() == xd.size(), "Conv weight rank ", wd.size(), " differs from input rank ",
                      xd.size());
    ORTLITE_CHECK_ARG(W.GetElementType() == X.GetElementType(), "Conv weight type differs from input type");
    ConvProblem p;
    p.batch = xd[0];
    p.in_channels = xd[1];
    p.out_channels = wd[0];
    p.group = group_;
    ORTLITE_CHECK_ARG(p.in_channels % group_ == 0 && p.out_channels % group_ == 0, "channels (", p.in_channels,
                      " in, ", p.out_channels, " out) are not divisible by group ", group_);
    ORTLITE_CHECK_ARG(wd[1] * group_ == p.in_channels, "weight shape ", W.Shape().ToString(),
                      " does not match input channels ", p.in_channels, " with group ", group_);
    const std::vector<int64_t> kernel(wd.begin() + 2, wd.end());
    if (!attrs_.KernelShape().empty()) {
      ORTLITE_CHECK_ARG(attrs_.KernelShape() == kernel, "kernel_shape does not match the weight shape ",
                        W.Shape().ToString());
    }
    if (B) {
      ORTLITE_CHECK_ARG(B->GetElementType() == X.GetElementType(), "Conv bias type differs from input type");
      ORTLITE_CHECK_ARG(B->NumElements() == p.out_channels && B->Shape().NumDimensions() == 1, "bias shape ",
                        B->Shape().ToString(), " must be {", p.out_channels, "}");
    }
    const std::vector<int64_t> in_spatial(xd.begin() + 2, xd.end());
    p.g = attrs_.ResolveForward(in_spatial, kernel);

    std::vector<int64_t> ydims = {p.batch, p.out_channels};
    for (int64_t d : SpatialAttributes::OutputSpatial(p.g, in_spatial.size())) ydims.push_back(d);
    const TensorShape yshape(ydims);
    if (pool_attrs_) {
      ORTLITE_CHECK_ARG(X.GetElementType() == DataType::kFloat, "ConvMaxPool supports float only");
      const std::vector<int64_t> conv_spatial(ydims.begin() + 2, ydims.end());
      const Geometry3D pool_g = pool_attrs_->ResolveForward(conv_spatial, {});
      std::vector<int64_t> pdims = {p.batch, p.out_channels};
      for (int64_t d : SpatialAttributes::OutputSpatial(pool_g, conv_spatial.size())) pdims.push_back(d);
      Tensor* Y = ctx.Output(0, TensorShape(pdims));
      if (Y->NumElements() == 0) return;
      RunFloatPooled(X.Data<float>(), W, B ? B->Data<float>() : nullptr, Y->MutableData<float>(), p, pool_g,
                     ctx.GetThreadPool());
      return;
    }
    if (Z) {
      ORTLITE_CHECK_ARG(Z->GetElementType() == X.GetElementType(), "FusedConv Z type differs from input type");
      ORTLITE_CHECK_ARG(Z->Shape() == yshape, "FusedConv Z shape ", Z->Shape().ToString(),
                        " must equal the output shape ", yshape.ToString());
    }
    Tensor* Y = ctx.Output(0, yshape);
    if (Y->NumElements() == 0) return;
    ThreadPool* pool = ctx.GetThreadPool();

    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, double>) {
        ORTLITE_CHECK_ARG(!fused_, "FusedConv supports float types only");
        RunConvIm2Col<double>(X.Data<double>(), W.Data<double>(), B ? B->Data<double>() : nullptr,
                              Y->MutableData<double>(), p, pool);
      } else if constexpr (std::is_same_v<T, float>) {
        RunFloat(X.Data<float>(), W, B ? B->Data<float>() : nullptr, Z ? Z->Data<float>() : nullptr,
                 Y->MutableData<float>(), p, pool);
      } else {
        const std::vector<float> x = ToComputeVector<float>(X);
        const std::vector<float> b = B ? ToComputeVector<float>(*B) : std::vector<float>();
        const std::vector<float> z = Z ? ToComputeVector<float>(*Z) : std::vector<float>();
        std::vector<float> y(static_cast<size_t>(Y->NumElements()));
        RunFloat(x.data(), W, B ? b.data() : nullptr, Z ? z.data() : nullptr, y.data(), p, pool);
        T* out = Y->MutableData<T>();
        for (size_t i = 0; i < y.size(); ++i) out[i] = FromCompute<T>(y[i]);
      }
    }, fused_ ? "FusedConv" : "Conv");
  }

 private:
  // Weights in float (converted from 16-bit types) and, unless the convolution is depthwise, packed
  // per group for the GEMM in the layout ChooseLayout picks. Checked against W's shape and the
  // problem's layout at run time.
  struct PreparedWeights {
    std::vector<int64_t> dims;
    std::vector<float> converted;  // empty when W is float (its data is used in place)
    const float* data = nullptr;
    PackedConvWeights packed;
  };

  void PrepareInto(const Tensor& W, ConvLayout layout, PreparedWeights& pw) const {
    pw.dims = W.Shape().GetDims();
    if (W.GetElementType() == DataType::kFloat) {
      pw.data = W.Data<float>();
    } else {
      pw.converted = ToComputeVector<float>(W);
      pw.data = pw.converted.data();
    }
    pw.packed.layout = layout;
    if (layout == ConvLayout::kDepthwise) return;
    const int64_t m_per_group = pw.dims[0] / group_;
    const int64_t k = W.Shape().SizeFromDimension(1);
    if (layout == ConvLayout::kDirect) {
      pw.packed.direct = PackDirectConvWeights(pw.data, pw.dims[0], group_, k);
      return;
    }
    if (IsWinograd(layout)) {
      pw.packed.winograd =
          PackWinogradWeights(pw.data, pw.dims[0], pw.dims[1], layout == ConvLayout::kWinograd4 ? 4 : 2);
      return;
    }
    for (int64_t gi = 0; gi < group_; ++gi) {
      const float* wg = pw.data + gi * m_per_group * k;
      pw.packed.channel_major.push_back(PackSgemmA(false, m_per_group, k, wg, k));
    }
  }

  // The layout for the shapes shape inference found, when they are all known.
  std::optional<ConvLayout> ExpectedLayout(const OpKernelInfo& info, const Tensor& W) const {
    const auto xs = info.InputDef(0) ? info.InputDef(0)->Shape() : std::nullopt;
    const auto& wd = W.Shape().GetDims();
    if (!xs || xs->size() != wd.size() || xs->size() < 3) return std::nullopt;
    for (int64_t d : *xs)
      if (d <= 0) return std::nullopt;
    ConvProblem p;
    p.batch = (*xs)[0];
    p.in_channels = (*xs)[1];
    p.out_channels = wd[0];
    p.group = group_;
    if (p.in_channels != wd[1] * group_) return std::nullopt;
    try {
      p.g = attrs_.ResolveForward(std::vector<int64_t>(xs->begin() + 2, xs->end()),
                                  std::vector<int64_t>(wd.begin() + 2, wd.end()));
    } catch (const std::exception&) {
      return std::nullopt;  // reported with the real input at run time
    }
    return ChooseLayout(p);
  }

  void PrepackWeights(const OpKernelInfo& info, const Tensor& W) {
    const DataType t = W.GetElementType();
    if (t != DataType::kFloat && t != DataType::kFloat16 && t != DataType::kBFloat16) return;
    const auto& wd = W.Shape().GetDims();
    if (wd.size() < 3 || wd[0] % group_ != 0 || W.NumElements() == 0) return;
    ConvLayout layout = wd[1] == 1 && group_ > 1 ? ConvLayout::kDepthwise : ConvLayout::kChannelMajor;
    const std::optional<ConvLayout> expected =
        layout == ConvLayout::kDepthwise ? std::nullopt : ExpectedLayout(info, W);
    if (expected) layout = *expected;
    prepared_.emplace();
    PrepareInto(W, layout, *prepared_);
    // With every shape known the run-time layout is this one, so the packed copy is all Compute
    // reads and the session may release the original (depthwise reads W itself).
    if (expected) {
      prepared_->data = nullptr;
      prepared_->converted = {};
      info.MarkConstantInputPrePacked(1);
      weights_released_ = true;
    }
  }

  // The weights packed at session start, or packed now into `local` for a shape seen only now.
  const PreparedWeights& WeightsFor(const Tensor& W, ConvLayout layout, PreparedWeights& local) const {
    if (prepared_ && prepared_->dims == W.Shape().GetDims() && prepared_->packed.layout == layout) return *prepared_;
    ORTLITE_CHECK_ARG(!weights_released_, "the input's shape differs from the one the weights were packed for "
                      "at session start");
    PrepareInto(W, layout, local);
    return local;
  }

  static DirectConvProblem DirectProblem(const float* x, const float* bias, const float* residual,
                                         const Activation& act, float* y, const ConvProblem& p) {
    DirectConvProblem dp;
    dp.x = x;
    dp.batch = p.batch;
    dp.in_channels = p.in_channels;
    dp.out_channels = p.out_channels;
    dp.group = p.group;
    dp.g = p.g;
    dp.bias = bias;
    dp.residual = residual;
    dp.activation = act;
    dp.y = y;
    return dp;
  }

  // y = MaxPool(conv): in row bands when the direct tiles allow, else the convolution whole into
  // a scratch buffer of the calling thread, then the pool.
  void RunFloatPooled(const float* x, const Tensor& W, const float* bias, float* y, const ConvProblem& p,
                      const Geometry3D& pool_g, ThreadPool* pool) const {
    const ConvLayout layout = ChooseLayout(p);
    if (layout == ConvLayout::kDirect) {
      PreparedWeights local;
      const PreparedWeights& pw = WeightsFor(W, layout, local);
      if (RunDirectConvMaxPool(pw.packed.direct, DirectProblem(x, bias, nullptr, activation_, nullptr, p), pool_g, y,
                               pool)) {
        return;
      }
    }
    thread_local std::vector<float> conv_out;
    conv_out.resize(static_cast<size_t>(p.batch * p.out_channels * p.g.OutSize()));
    RunFloat(x, W, bias, nullptr, conv_out.data(), p, pool);
    MaxPoolFloat(conv_out.data(), y, p.batch * p.out_channels, pool_g, pool);
  }

  void RunFloat(const float* x, const Tensor& W, const float* bias, const float* residual, float* y,
                const ConvProblem& p, ThreadPool* pool) const {
    const ConvLayout layout = ChooseLayout(p);
    PreparedWeights local;
    const PreparedWeights* pw = &WeightsFor(W, layout, local);
    // The GEMM writes partial sums before it adds the residual, and the depthwise loop adds it
    // after writing a whole plane, so Z must not share Y's memory there. A direct tile reads each
    // residual value just before it overwrites it: Z may be Y.
    std::vector<float> residual_copy;
    if (residual == y && layout != ConvLayout::kDirect && !IsWinograd(layout)) {
      residual_copy.assign(residual, residual + p.batch * p.out_channels * p.g.OutSize());
      residual = residual_copy.data();
    }
    if (layout == ConvLayout::kDepthwise) {
      DepthwiseConv<float>(x, pw->data, bias, residual, activation_, y, p, pool);
      return;
    }
    if (layout == ConvLayout::kDirect) {
      RunDirectConv(pw->packed.direct, DirectProblem(x, bias, residual, activation_, y, p), pool);
      return;
    }
    if (IsWinograd(layout)) {
      WinogradProblem wp;
      wp.x = x;
      wp.batch = p.batch;
      wp.g = p.g;
      wp.bias = bias;
      wp.residual = residual;
      wp.activation = activation_;
      wp.y = y;
      RunWinogradConv(pw->packed.winograd, wp, pool);
      return;
    }
    RunConvGemm(x, pw->packed, bias, residual, activation_, y, p, pool);
  }

  SpatialAttributes attrs_;
  std::optional<SpatialAttributes> pool_attrs_;  // ConvMaxPool's pool_* attributes
  int64_t group_;
  bool fused_;
  Activation activation_;
  std::optional<PreparedWeights> prepared_;
  bool weights_released_ = false;  // W was packed for the only layout it can run in and let go
};

}  // namespace

bool DepthwiseConvPlaneFast(const float* x, const float* w, float bias, const Activation& act, float* y,
                            const Geometry3D& g, bool* activated) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  return avx512 && DepthwiseConvPlaneAvx512(x, w, bias, act, y, g, activated);
}

std::unique_ptr<OpKernel> CreateConvKernel(const OpKernelInfo& info) { return std::make_unique<ConvKernel>(info); }

ONNX_CPU_KERNEL(Conv, 1, ConvKernel, KernelDefBuilder())
// Conv (or FusedConv without a residual) followed by MaxPool, fused by ConvPoolFusion.
CPU_KERNEL_EX(ConvMaxPool, kOrtliteInternalDomain, 1, 1, ConvKernel, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
