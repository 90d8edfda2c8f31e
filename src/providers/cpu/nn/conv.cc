// Conv (opset 1, 11): N-D convolution (1 to 3 spatial dims) with groups, dilations, strides,
// explicit or automatic padding and an optional bias. The same kernel serves com.microsoft
// FusedConv (contrib/fused_conv.cc), which adds an activation and an optional residual input Z.
//
// float (and 16-bit floats, computed in float): per image and group,
//   Y_g[M/G, out] = act(W_g[M/G, C/G * kernel] x col[C/G * kernel, out] + bias + Z_g)
// with W_g packed once into the GEMM micro-kernel's panels (at session start when W is a constant)
// and col never materialised: the GEMM asks for blocks of it already in panel layout (im2col
// straight into the packed B operand; a pointwise convolution reads the input as B directly).
// Bias, residual and activation run in the GEMM's final store. Depthwise convolutions (one input
// channel per group) run a direct loop instead, as their GEMMs would be a single row.
// double: im2col in bands of output rows + Dgemm.
#include <algorithm>
#include <optional>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "core/framework/session_state.h"
#include "providers/cpu/nn/nn_common.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {
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

// One output plane per task; bias, residual and activation applied per plane while it is hot.
template <typename T>
void DepthwiseConv(const T* x, const T* w, const T* bias, const T* residual, const Activation& act, T* y,
                   const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize(), ks = g.KernelSize();
  const int64_t m_per_group = p.MPerGroup();
  const int64_t planes = p.batch * p.out_channels;
  ThreadPool::TryParallelFor(pool, planes, static_cast<double>(out_size * ks * 2), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const int64_t n = plane / p.out_channels, m = plane % p.out_channels;
      const T* xp = x + (n * p.in_channels + m / m_per_group) * in_size;
      T* yp = y + plane * out_size;
      const T b = bias ? bias[m] : T(0);
      if constexpr (std::is_same_v<T, float>) {
        if (!DepthwiseConvPlaneFast(xp, w + m * ks, b, yp, g)) DepthwisePlaneReference(xp, w + m * ks, b, yp, g);
        FinishPlane(yp, residual ? residual + plane * out_size : nullptr, act, out_size);
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

void RunConvGemm(const float* x, const std::vector<PackedSgemmA>& packed, const float* bias, const float* residual,
                 const Activation& act, float* y, const ConvProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t in_size = g.InSize(), out_size = g.OutSize();
  const int64_t c_per_group = p.CPerGroup(), m_per_group = p.MPerGroup();
  const bool pointwise = p.Pointwise();

  auto run_one = [&](int64_t n, int64_t gi, ThreadPool* inner) {
    const float* xg = x + (n * p.in_channels + gi * c_per_group) * in_size;
    const int64_t y_offset = (n * p.out_channels + gi * m_per_group) * out_size;
    GemmEpilogue ep;
    ep.row_bias = bias ? bias + gi * m_per_group : nullptr;
    ep.residual = residual ? residual + y_offset : nullptr;
    ep.ld_residual = out_size;
    ep.activation = act;
    if (pointwise) {
      SgemmWithPackedA(packed[gi], false, out_size, xg, in_size, y + y_offset, out_size, ep, inner);
    } else {
      SgemmWithPackedA(packed[gi], out_size, Im2ColPacker(xg, g), y + y_offset, out_size, ep, inner);
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
        fused_(info.node().OpType() == "FusedConv") {
    ORTLITE_CHECK_ARG(group_ > 0, "group must be positive, got ", group_);
    if (fused_) {
      activation_ = Activation::FromName(info.GetAttrOrDefault<std::string>("activation", ""),
                                         info.GetAttrOrDefault<std::vector<float>>("activation_params", {}));
    }
    const Tensor* W = info.TryGetConstantInput(1);
    if (W && info.GetSessionState().Config().prepacking) PrepackWeights(*W);
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
  // per group for the GEMM. Checked against W's shape at run time.
  struct PreparedWeights {
    std::vector<int64_t> dims;
    std::vector<float> converted;  // empty when W is float (its data is used in place)
    const float* data = nullptr;
    std::vector<PackedSgemmA> packed;  // per group; empty for depthwise
  };

  void PrepareInto(const Tensor& W, PreparedWeights& pw, bool for_depthwise) const {
    pw.dims = W.Shape().GetDims();
    if (W.GetElementType() == DataType::kFloat) {
      pw.data = W.Data<float>();
    } else {
      pw.converted = ToComputeVector<float>(W);
      pw.data = pw.converted.data();
    }
    if (for_depthwise) return;
    const int64_t m_per_group = pw.dims[0] / group_;
    const int64_t k = W.Shape().SizeFromDimension(1);
    pw.packed.reserve(static_cast<size_t>(group_));
    for (int64_t gi = 0; gi < group_; ++gi) {
      pw.packed.push_back(PackSgemmA(false, m_per_group, k, pw.data + gi * m_per_group * k, k));
    }
  }

  void PrepackWeights(const Tensor& W) {
    const DataType t = W.GetElementType();
    if (t != DataType::kFloat && t != DataType::kFloat16 && t != DataType::kBFloat16) return;
    const auto& wd = W.Shape().GetDims();
    if (wd.size() < 3 || wd[0] % group_ != 0 || W.NumElements() == 0) return;
    // Depthwise when each group sees one input channel (wd[1] == 1) and there are several groups.
    prepared_.emplace();
    PrepareInto(W, *prepared_, wd[1] == 1 && group_ > 1);
  }

  void RunFloat(const float* x, const Tensor& W, const float* bias, const float* residual, float* y,
                const ConvProblem& p, ThreadPool* pool) const {
    const PreparedWeights* pw = nullptr;
    PreparedWeights local;
    if (prepared_ && prepared_->dims == W.Shape().GetDims()) {
      pw = &*prepared_;
    } else {
      PrepareInto(W, local, p.Depthwise());
      pw = &local;
    }
    // The GEMM writes partial sums before it adds the residual, so Z must not share Y's memory.
    std::vector<float> residual_copy;
    if (residual == y) {
      residual_copy.assign(residual, residual + p.batch * p.out_channels * p.g.OutSize());
      residual = residual_copy.data();
    }
    if (p.Depthwise()) {
      DepthwiseConv<float>(x, pw->data, bias, residual, activation_, y, p, pool);
      return;
    }
    RunConvGemm(x, pw->packed, bias, residual, activation_, y, p, pool);
  }

  SpatialAttributes attrs_;
  int64_t group_;
  bool fused_;
  Activation activation_;
  std::optional<PreparedWeights> prepared_;
};

}  // namespace

bool DepthwiseConvPlaneAvx512(const float* x, const float* w, float bias, float* y, const Geometry3D& g);

bool DepthwiseConvPlaneFast(const float* x, const float* w, float bias, float* y, const Geometry3D& g) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  return avx512 && DepthwiseConvPlaneAvx512(x, w, bias, y, g);
}

std::unique_ptr<OpKernel> CreateConvKernel(const OpKernelInfo& info) { return std::make_unique<ConvKernel>(info); }

ONNX_CPU_KERNEL(Conv, 1, ConvKernel, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
