// One-input elementwise math: Abs, Neg, Sign, Exp, Log, Sqrt, Reciprocal, Floor, Ceil, Round,
// the trigonometric and hyperbolic functions, Erf, IsNaN, IsInf and Not. 16-bit floats are
// computed in float.
#include <cmath>
#include <limits>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/elementwise.h"
#include "providers/cpu/math/vector_math.h"

namespace ortlite {
namespace {

using namespace elementwise;

// A unary op: Types it accepts, a per-element cost, Apply(T) -> T and optionally
// ApplyFloatArray for a vectorised float path.
template <typename Op>
class UnaryKernel final : public OpKernel {
 public:
  explicit UnaryKernel(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), x.GetElementType());
    VisitType<typename Op::Types>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          if constexpr (std::is_same_v<T, float> && HasFloatArray<Op>::value) {
            RunFloatArray(ctx.GetThreadPool(), x.NumElements(), x.Data<float>(), y->MutableData<float>(), kMediumCost,
                          [](const float* in, float* out, int64_t n) { Op::ApplyFloatArray(in, out, n); });
          } else {
            RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<T>(), y->MutableData<T>(), Op::kCost,
                     [](T v) { return Op::Apply(v); });
          }
        },
        node().OpType().c_str());
  }
};

// Ops defined on floating types by a function of the compute type.
#define ORTLITE_FLOAT_UNARY_OP(Name, cost, expr)        \
  struct Name##Op {                                      \
    using Types = FloatTypes;                            \
    static constexpr double kCost = cost;                \
    template <typename T>                                \
    static T Apply(T v) {                                \
      return ViaCompute(v, [](auto x) { return expr; }); \
    }                                                    \
  };

ORTLITE_FLOAT_UNARY_OP(Log, kExpensiveCost, std::log(x))
ORTLITE_FLOAT_UNARY_OP(Sqrt, kMediumCost, std::sqrt(x))
ORTLITE_FLOAT_UNARY_OP(Reciprocal, kMediumCost, 1 / x)
ORTLITE_FLOAT_UNARY_OP(Floor, kCheapCost, std::floor(x))
ORTLITE_FLOAT_UNARY_OP(Ceil, kCheapCost, std::ceil(x))
// nearbyint rounds half to even in the default rounding mode, as Round requires.
ORTLITE_FLOAT_UNARY_OP(Round, kCheapCost, std::nearbyint(x))
ORTLITE_FLOAT_UNARY_OP(Sin, kExpensiveCost, std::sin(x))
ORTLITE_FLOAT_UNARY_OP(Cos, kExpensiveCost, std::cos(x))
ORTLITE_FLOAT_UNARY_OP(Tan, kExpensiveCost, std::tan(x))
ORTLITE_FLOAT_UNARY_OP(Asin, kExpensiveCost, std::asin(x))
ORTLITE_FLOAT_UNARY_OP(Acos, kExpensiveCost, std::acos(x))
ORTLITE_FLOAT_UNARY_OP(Atan, kExpensiveCost, std::atan(x))
ORTLITE_FLOAT_UNARY_OP(Sinh, kExpensiveCost, std::sinh(x))
ORTLITE_FLOAT_UNARY_OP(Cosh, kExpensiveCost, std::cosh(x))
ORTLITE_FLOAT_UNARY_OP(Asinh, kExpensiveCost, std::asinh(x))
ORTLITE_FLOAT_UNARY_OP(Acosh, kExpensiveCost, std::acosh(x))
ORTLITE_FLOAT_UNARY_OP(Atanh, kExpensiveCost, std::atanh(x))
#undef ORTLITE_FLOAT_UNARY_OP

struct ExpOp {
  using Types = FloatTypes;
  static constexpr double kCost = kExpensiveCost;
  template <typename T>
  static T Apply(T v) {
    return ViaCompute(v, [](auto x) { return std::exp(x); });
  }
  static void ApplyFloatArray(const float* x, float* y, int64_t n) { vector_math::Exp(x, y, n); }
};

template <typename T>
inline T FlipSignBit(T v) {
  return T::FromBits(static_cast<uint16_t>(v.val ^ 0x8000u));
}

struct AbsOp {
  using Types = AllNumericTypes;
  static constexpr double kCost = kCheapCost;
  template <typename T>
  static T Apply(T v) {
    if constexpr (kIsHalf<T>) {
      return T::FromBits(static_cast<uint16_t>(v.val & 0x7fffu));
    } else if constexpr (std::is_floating_point_v<T>) {
      return std::abs(v);
    } else if constexpr (std::is_signed_v<T>) {
      // The most negative value wraps to itself, as two's complement negation does.
      return v < 0 ? static_cast<T>(WrapType<T>(0) - static_cast<WrapType<T>>(v)) : v;
    } else {
      return v;
    }
  }
};

struct NegOp {
  using Types = SignedNumericTypes;
  static constexpr double kCost = kCheapCost;
  template <typename T>
  static T Apply(T v) {
    if constexpr (kIsHalf<T>) {
      return FlipSignBit(v);
    } else if constexpr (std::is_floating_point_v<T>) {
      return -v;
    } else {
      return static_cast<T>(WrapType<T>(0) - static_cast<WrapType<T>>(v));
    }
  }
};

struct SignOp {
  using Types = AllNumericTypes;
  static constexpr double kCost = kCheapCost;
  template <typename T>
  static T Apply(T v) {
    if constexpr (kIsFloat<T>) {
      return ViaCompute(v, [](auto x) -> decltype(x) {
        if (std::isnan(x)) return x;
        return static_cast<decltype(x)>((x > 0) - (x < 0));
      });
    } else if constexpr (std::is_signed_v<T>) {
      return static_cast<T>((v > 0) - (v < 0));
    } else {
      return static_cast<T>(v > 0);
    }
  }
};

struct ErfOp {
  using Types = AllNumericTypes;
  static constexpr double kCost = kExpensiveCost;
  template <typename T>
  static T Apply(T v) {
    if constexpr (kIsFloat<T>) {
      return ViaCompute(v, [](auto x) { return std::erf(x); });
    } else {
      // erf of an integer is in [-1, 1]; the cast truncates it like numpy's astype.
      return static_cast<T>(std::erf(static_cast<double>(v)));
    }
  }
  static void ApplyFloatArray(const float* x, float* y, int64_t n) { vector_math::Erf(x, y, n); }
};

class IsNaNKernel final : public OpKernel {
 public:
  explicit IsNaNKernel(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), DataType::kBool);
    VisitType<FloatTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<T>(), y->MutableData<bool>(), kCheapCost,
                   [](T v) {
                     const auto c = ToCompute(v);
                     return c != c;
                   });
        },
        "IsNaN");
  }
};

class IsInfKernel final : public OpKernel {
 public:
  explicit IsInfKernel(const OpKernelInfo& info)
      : OpKernel(info),
        detect_negative_(info.GetAttrOrDefault<int64_t>("detect_negative", 1) != 0),
        detect_positive_(info.GetAttrOrDefault<int64_t>("detect_positive", 1) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), DataType::kBool);
    const bool neg = detect_negative_, pos = detect_positive_;
    VisitType<FloatTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<T>(), y->MutableData<bool>(), kCheapCost,
                   [neg, pos](T v) {
                     const auto c = ToCompute(v);
                     using C = decltype(c);
                     const C inf = std::numeric_limits<C>::infinity();
                     return (pos && c == inf) || (neg && c == -inf);
                   });
        },
        "IsInf");
  }

 private:
  bool detect_negative_, detect_positive_;
};

class NotKernel final : public OpKernel {
 public:
  explicit NotKernel(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    ORTLITE_CHECK_ARG(x.GetElementType() == DataType::kBool, "Not takes a bool tensor, got ",
                      DataTypeName(x.GetElementType()));
    Tensor* y = ctx.Output(0, x.Shape(), DataType::kBool);
    RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<bool>(), y->MutableData<bool>(), kCheapCost,
             [](bool v) { return !v; });
  }
};

ONNX_CPU_KERNEL(Abs, 1, UnaryKernel<AbsOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Neg, 1, UnaryKernel<NegOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Sign, 9, UnaryKernel<SignOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Exp, 1, UnaryKernel<ExpOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Log, 1, UnaryKernel<LogOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Sqrt, 1, UnaryKernel<SqrtOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Reciprocal, 1, UnaryKernel<ReciprocalOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Floor, 1, UnaryKernel<FloorOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Ceil, 1, UnaryKernel<CeilOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Round, 11, UnaryKernel<RoundOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Sin, 7, UnaryKernel<SinOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Cos, 7, UnaryKernel<CosOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Tan, 7, UnaryKernel<TanOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Asin, 7, UnaryKernel<AsinOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Acos, 7, UnaryKernel<AcosOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Atan, 7, UnaryKernel<AtanOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Sinh, 9, UnaryKernel<SinhOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Cosh, 9, UnaryKernel<CoshOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Asinh, 9, UnaryKernel<AsinhOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Acosh, 9, UnaryKernel<AcoshOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Atanh, 9, UnaryKernel<AtanhOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(Erf, 9, UnaryKernel<ErfOp>, KernelDefBuilder())
ONNX_CPU_KERNEL(IsNaN, 9, IsNaNKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(IsInf, 10, IsInfKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Not, 1, NotKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
