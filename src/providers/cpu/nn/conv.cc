// Conv (opset 1, 11): N-D convolution (1 to 3 spatial dims) with groups, dilations, strides,
// explicit or automatic padding and an optional bias.
//
// Per image and group: Y_g[M/G, out] = W_g[M/G, C/G * kernel] x col[C/G * kernel, out], where col
// is the im2col expansion of the input, built a band of output rows at a time so its memory stays
// bounded. Pointwise convolutions use the input directly as col; depthwise ones (one input channel
// per group) run a direct loop, as their GEMMs would be a single row.
#include <algorithm>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {
namespace {

// Elements of col scratch per band; bounds memory at 8 MiB of floats.
constexpr int64_t kColBudget = int64_t{1} << 21;
// Multiply-adds below which an (image, group) GEMM runs on one thread.
constexpr double kSmallGemmWork = 1 << 22;

struct ConvProblem {
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  Geometry3D g;
};

template <typename T>
void DepthwiseConv(const T* x, const T* w, const T* bias, T* y, const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize(), ks = g.KernelSize();
  const int64_t m_per_group = p.out_channels / p.group;
  const int64_t out_w = g.out[2];
  const int64_t planes = p.batch * p.out_channels;
  ThreadPool::TryParallelFor(pool, planes, static_cast<double>(out_size * ks * 2), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const int64_t n = plane / p.out_channels, m = plane % p.out_channels;
      const T* xp = x + (n * p.in_channels + m / m_per_group) * in_size;
      const T* wp = w + m * ks;
      T* yp = y + plane * out_size;
      std::fill(yp, yp + out_size, bias ? bias[m] : T(0));
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
  });
}

template <typename T>
void RunConv(const T* x, const T* w, const T* bias, T* y, const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize(), ks = g.KernelSize();
  const int64_t c_per_group = p.in_channels / p.group;
  const int64_t m_per_group = p.out_channels / p.group;
  if (c_per_group == 1 && p.group > 1) {
    DepthwiseConv(x, w, bias, y, p, pool);
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
  bool pointwise = ks == 1;
  for (int d = 0; d < 3; ++d) {
    pointwise = pointwise && g.stride[d] == 1 && g.pad_begin[d] == 0 && g.pad_end[d] == 0;
  }
  const int64_t out_w = g.out[2];
  const int64_t out_rows = g.out[0] * g.out[1];
  const int64_t rows_per_band =
      std::clamp<int64_t>(kColBudget / std::max<int64_t>(1, col_rows * out_w), 1, std::max<int64_t>(1, out_rows));
  const size_t col_size = pointwise ? 0 : static_cast<size_t>(col_rows * rows_per_band * out_w);

  // One (image, group) GEMM chain; `inner` is the pool its GEMMs and im2col may use.
  auto run_one = [&](int64_t n, int64_t gi, std::vector<T>& col, ThreadPool* inner) {
    const T* xg = x + (n * p.in_channels + gi * c_per_group) * in_size;
    const T* wg = w + gi * m_per_group * col_rows;
    T* yg = y + (n * p.out_channels + gi * m_per_group) * out_size;
    if (pointwise) {
      GemmFp(false, false, m_per_group, out_size, c_per_group, T(1), wg, col_rows, xg, in_size, beta, yg, out_size,
             inner);
      return;
    }
    col.resize(col_size);
    for (int64_t r0 = 0; r0 < out_rows; r0 += rows_per_band) {
      const int64_t r1 = std::min(out_rows, r0 + rows_per_band);
      const int64_t cols = (r1 - r0) * out_w;
      Im2Col(xg, c_per_group, g, r0, r1, col.data(), inner);
      GemmFp(false, false, m_per_group, cols, col_rows, T(1), wg, col_rows, col.data(), cols, beta, yg + r0 * out_w,
             out_size, inner);
    }
  };
  // Many small GEMMs (grouped convs, batches of small images) parallelise better one per thread
  // than each across all threads.
  const int64_t tasks = p.batch * p.group;
  const double task_work = static_cast<double>(m_per_group) * col_rows * out_size;
  if (tasks >= 2 * ThreadPool::DegreeOfParallelism(pool) && task_work < kSmallGemmWork) {
    ThreadPool::TryParallelFor(pool, tasks, 2.0 * task_work, [&](int64_t begin, int64_t end) {
      std::vector<T> col;
      for (int64_t t = begin; t < end; ++t) run_one(t / p.group, t % p.group, col, nullptr);
    });
    return;
  }
  std::vector<T> col;
  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t gi = 0; gi < p.group; ++gi) run_one(n, gi, col, pool);
  }
}

class Conv final : public OpKernel {
 public:
  explicit Conv(const OpKernelInfo& info)
      : OpKernel(info), attrs_(info), group_(info.GetAttrOrDefault<int64_t>("group", 1)) {
    ORTLITE_CHECK_ARG(group_ > 0, "group must be positive, got ", group_);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const Tensor& W = ctx.RequiredInput(1);
    const Tensor* B = ctx.Input(2);
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
    Tensor* Y = ctx.Output(0, TensorShape(ydims));
    if (Y->NumElements() == 0) return;

    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (kIs16BitFloat<T>) {
        const std::vector<float> x = ToComputeVector<float>(X), w = ToComputeVector<float>(W);
        const std::vector<float> b = B ? ToComputeVector<float>(*B) : std::vector<float>();
        std::vector<float> y(static_cast<size_t>(Y->NumElements()));
        RunConv<float>(x.data(), w.data(), B ? b.data() : nullptr, y.data(), p, ctx.GetThreadPool());
        T* out = Y->MutableData<T>();
        for (size_t i = 0; i < y.size(); ++i) out[i] = FromCompute<T>(y[i]);
      } else {
        RunConv<T>(X.Data<T>(), W.Data<T>(), B ? B->Data<T>() : nullptr, Y->MutableData<T>(), p,
                   ctx.GetThreadPool());
      }
    }, "Conv");
  }

 private:
  SpatialAttributes attrs_;
  int64_t group_;
};

}  // namespace

ONNX_CPU_KERNEL(Conv, 1, Conv, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
