// Elementwise activation functions: Relu, LeakyRelu, PRelu, Elu, Selu, Celu, Sigmoid,
// HardSigmoid, HardSwish, Softplus, Softsign, ThresholdedRelu, Tanh, Shrink and
// com.microsoft Gelu. Attributes are read once; 16-bit floats are computed in float.
#include <cmath>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/elementwise.h"
#include "providers/cpu/math/vector_math.h"

namespace ortlite {
namespace {

using namespace elementwise;

// An activation: constructed from the node's attributes; Types it accepts; kCost; Apply(T) -> T;
// optionally ApplyFloatArray for a vectorised float path.
template <typename Op>
class ActivationKernel final : public OpKernel {
 public:
  explicit ActivationKernel(const OpKernelInfo& info) : OpKernel(info), op_(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), x.GetElementType());
    const Op op = op_;
    VisitType<typename Op::Types>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          if constexpr (std::is_same_v<T, float> && HasFloatArray<Op>::value) {
            RunFloatArray(ctx.GetThreadPool(), x.NumElements(), x.Data<float>(), y->MutableData<float>(), kMediumCost,
                          [op](const float* in, float* out, int64_t n) { op.ApplyFloatArray(in, out, n); });
          } else {
            RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<T>(), y->MutableData<T>(), Op::kCost,
                     [op](T v) { return op.Apply(v); });
          }
        },
        node().OpType().c_str());
  }

 private:
  Op op_;
};

// Float-only activations: Apply computes f in the compute type.
template <typename Derived>
struct FloatActivation {
  using Types = FloatTypes;
  template <typename T>
  T Apply(T v) const {
    return ViaCompute(v, [this](auto x) { return static_cast<const Derived*>(this)->F(x); });
  }
};

using ReluTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t>;

struct ReluOp {
  using Types = ReluTypes;
  static constexpr double kCost = kCheapCost;
  explicit ReluOp(const OpKernelInfo&) {}
  void ApplyFloatArray(const float* x, float* y, int64_t n) const { vector_math::Relu(x, y, n); }
  template <typename T>
  T Apply(T v) const {
    // Written so NaN passes through, like numpy.maximum(x, 0).
    return ViaCompute(v, [](auto x) { return x < 0 ? decltype(x)(0) : x; });
  }
};

struct LeakyReluOp : FloatActivation<LeakyReluOp> {
  static constexpr double kCost = kCheapCost;
  float alpha;
  explicit LeakyReluOp(const OpKernelInfo& info) : alpha(info.GetAttrOrDefault<float>("alpha", 0.01f)) {}
  template <typename C>
  C F(C x) const {
    return x < 0 ? static_cast<C>(alpha) * x : x;
  }
};

struct EluOp : FloatActivation<EluOp> {
  static constexpr double kCost = kExpensiveCost;
  float alpha;
  explicit EluOp(const OpKernelInfo& info) : alpha(info.GetAttrOrDefault<float>("alpha", 1.0f)) {}
  template <typename C>
  C F(C x) const {
    return x < 0 ? static_cast<C>(alpha) * std::expm1(x) : x;
  }
};

struct SeluOp : FloatActivation<SeluOp> {
  static constexpr double kCost = kExpensiveCost;
  float alpha, gamma;
  explicit SeluOp(const OpKernelInfo& info)
      : alpha(info.GetAttrOrDefault<float>("alpha", 1.67326319217681884765625f)),
        gamma(info.GetAttrOrDefault<float>("gamma", 1.05070102214813232421875f)) {}
  template <typename C>
  C F(C x) const {
    const C g = static_cast<C>(gamma);
    return x > 0 ? g * x : g * static_cast<C>(alpha) * std::expm1(x);
  }
};

struct CeluOp : FloatActivation<CeluOp> {
  static constexpr double kCost = kExpensiveCost;
  float alpha;
  explicit CeluOp(const OpKernelInfo& info) : alpha(info.GetAttrOrDefault<float>("alpha", 1.0f)) {
    ORTLITE_CHECK_ARG(alpha != 0.0f, "Celu alpha must not be 0");
  }
  template <typename C>
  C F(C x) const {
    const C a = static_cast<C>(alpha);
    return x > 0 ? x : a * std::expm1(x / a);
  }
};

struct SigmoidOp : FloatActivation<SigmoidOp> {
  static constexpr double kCost = kExpensiveCost;
  explicit SigmoidOp(const OpKernelInfo&) {}
  void ApplyFloatArray(const float* x, float* y, int64_t n) const { vector_math::Sigmoid(x, y, n); }
  template <typename C>
  C F(C x) const {
    // exp of a non-positive argument only: no overflow for large |x|.
    if (x >= 0) return 1 / (1 + std::exp(-x));
    const C e = std::exp(x);
    return e / (1 + e);
  }
};

struct HardSigmoidOp : FloatActivation<HardSigmoidOp> {
  static constexpr double kCost = kCheapCost;
  float alpha, beta;
  explicit HardSigmoidOp(const OpKernelInfo& info)
      : alpha(info.GetAttrOrDefault<float>("alpha", 0.2f)), beta(info.GetAttrOrDefault<float>("beta", 0.5f)) {}
  template <typename C>
  C F(C x) const {
    const C v = static_cast<C>(alpha) * x + static_cast<C>(beta);
    return v < 0 ? C(0) : (v > 1 ? C(1) : v);
  }
};

struct HardSwishOp : FloatActivation<HardSwishOp> {
  static constexpr double kCost = kCheapCost;
  explicit HardSwishOp(const OpKernelInfo&) {}
  template <typename C>
  C F(C x) const {
    const C v = x / C(6) + C(0.5);
    return x * (v < 0 ? C(0) : (v > 1 ? C(1) : v));
  }
};

struct SoftplusOp : FloatActivation<SoftplusOp> {
  static constexpr double kCost = kExpensiveCost;
  explicit SoftplusOp(const OpKernelInfo&) {}
  template <typename C>
  C F(C x) const {
    return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
  }
};

struct SoftsignOp : FloatActivation<SoftsignOp> {
  static constexpr double kCost = kMediumCost;
  explicit SoftsignOp(const OpKernelInfo&) {}
  template <typename C>
  C F(C x) const {
    return x / (1 + std::abs(x));
  }
};

struct ThresholdedReluOp : FloatActivation<ThresholdedReluOp> {
  static constexpr double kCost = kCheapCost;
  float alpha;
  explicit ThresholdedReluOp(const OpKernelInfo& info) : alpha(info.GetAttrOrDefault<float>("alpha", 1.0f)) {}
  template <typename C>
  C F(C x) const {
    return x > static_cast<C>(alpha) ? x : C(0);
  }
};

struct TanhOp : FloatActivation<TanhOp> {
  static constexpr double kCost = kExpensiveCost;
  explicit TanhOp(const OpKernelInfo&) {}
  void ApplyFloatArray(const float* x, float* y, int64_t n) const { vector_math::Tanh(x, y, n); }
  template <typename C>
  C F(C x) const {
    return std::tanh(x);
  }
};

struct GeluOp : FloatActivation<GeluOp> {
  static constexpr double kCost = kExpensiveCost;
  explicit GeluOp(const OpKernelInfo&) {}
  void ApplyFloatArray(const float* x, float* y, int64_t n) const { vector_math::Gelu(x, y, n); }
  template <typename C>
  C F(C x) const {
    return C(0.5) * x * (1 + std::erf(x * static_cast<C>(0.70710678118654752440)));
  }
};

struct ShrinkOp {
  using Types = AllNumericTypes;
  static constexpr double kCost = kCheapCost;
  float bias, lambd;
  explicit ShrinkOp(const OpKernelInfo& info)
      : bias(info.GetAttrOrDefault<float>("bias", 0.0f)), lambd(info.GetAttrOrDefault<float>("lambd", 0.5f)) {}
  template <typename T>
  T Apply(T v) const {
    if constexpr (kIsFloat<T>) {
      return ViaCompute(v, [this](auto x) {
        using C = decltype(x);
        const C l = static_cast<C>(lambd), b = static_cast<C>(bias);
        return x < -l ? x + b : (x > l ? x - b : C(0));
      });
    } else {
      const double x = static_cast<double>(v);
      const double l = lambd, b = bias;
      return FloatToInt<T>(x < -l ? x + b : (x > l ? x - b : 0.0));
    }
  }
};

// PRelu: slope broadcasts to X (unidirectionally from opset 7). Earlier models also give a
// per-channel slope of shape {C} for X of shape {N, C, ...}.
class PReluKernel final : public OpKernel {
 public:
  explicit PReluKernel(const OpKernelInfo& info) : OpKernel(info), legacy_(info.SinceVersion() < 7) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& slope = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(x.GetElementType() == slope.GetElementType(), "PRelu X and slope differ in element type: ",
                      DataTypeName(x.GetElementType()), " and ", DataTypeName(slope.GetElementType()));
    const TensorShape slope_shape = AlignedSlopeShape(x.Shape(), slope.Shape());
    const BroadcastPlan plan({x.Shape(), slope_shape}, x.Shape());
    Tensor* y = ctx.Output(0, x.Shape(), x.GetElementType());
    using PReluTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                uint16_t, uint32_t, uint64_t>;
    VisitType<PReluTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          RunBinary(ctx.GetThreadPool(), plan, x.Data<T>(), slope.Data<T>(), y->MutableData<T>(), kCheapCost,
                    [](T v, T s) {
                      if constexpr (kIsHalf<T>) {
                        const float f = v.ToFloat();
                        return f < 0 ? T(f * s.ToFloat()) : v;
                      } else if constexpr (std::is_floating_point_v<T>) {
                        return v < 0 ? v * s : v;
                      } else {
                        using W = WrapType<T>;
                        return v < 0 ? static_cast<T>(static_cast<W>(v) * static_cast<W>(s)) : v;
                      }
                    });
        },
        "PRelu");
  }

 private:
  TensorShape AlignedSlopeShape(const TensorShape& x, const TensorShape& slope) const {
    if (legacy_) {
      if (slope.Size() == 1) return TensorShape(std::vector<int64_t>{});
      if (slope.NumDimensions() == 1 && x.NumDimensions() >= 2 && slope[0] == x[1]) {
        std::vector<int64_t> dims(x.NumDimensions() - 1, 1);
        dims[0] = slope[0];
        return TensorShape(dims);
      }
    }
    bool ok = slope.NumDimensions() <= x.NumDimensions();
    for (size_t k = 0; ok && k < slope.NumDimensions(); ++k) {
      const int64_t d = slope[slope.NumDimensions() - 1 - k];
      ok = d == 1 || d == x[x.NumDimensions() - 1 - k];
    }
    ORTLITE_CHECK_ARG(ok, "PRelu slope of shape ", slope.ToString(), " does not broadcast to X of shape ",
                      x.ToString());
    return slope;
  }

  bool legacy_;
};

ONNX_CPU_KERNEL(Relu, 1, ActivationKernel<ReluOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(LeakyRelu, 1, ActivationKernel<LeakyReluOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Elu, 1, ActivationKernel<EluOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Selu, 1, ActivationKernel<SeluOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Celu, 12, ActivationKernel<CeluOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Sigmoid, 1, ActivationKernel<SigmoidOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(HardSigmoid, 1, ActivationKernel<HardSigmoidOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(HardSwish, 14, ActivationKernel<HardSwishOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Softplus, 1, ActivationKernel<SoftplusOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Softsign, 1, ActivationKernel<SoftsignOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(ThresholdedRelu, 10, ActivationKernel<ThresholdedReluOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Tanh, 1, ActivationKernel<TanhOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Shrink, 9, ActivationKernel<ShrinkOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(PRelu, 1, PReluKernel, KernelDefBuilder())
CPU_KERNEL_EX(Gelu, kMSDomain, 1, 1, ActivationKernel<GeluOp>, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
