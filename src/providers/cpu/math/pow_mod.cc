// Pow (base and exponent of independent types), Mod (integer and fmod semantics) and BitShift,
// all with numpy broadcasting.
#include <cmath>
#include <string>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/binary_common.h"

namespace ortlite {
namespace {

using namespace elementwise;

// Exact integer power by squaring, wrapping on overflow like repeated multiplication would.
template <typename T, typename E>
T IntegerPower(T base, E exponent) {
  using W = WrapType<T>;
  if constexpr (std::is_signed_v<E>) {
    if (exponent < 0) {
      // Only 1 and -1 have integer reciprocal powers; others truncate to 0.
      ORTLITE_CHECK_ARG(base != 0, "Pow: integer 0 raised to a negative power");
      if (base == 1) return 1;
      if constexpr (std::is_signed_v<T>) {
        if (base == -1) return (exponent % 2 == 0) ? T(1) : T(-1);
      }
      return 0;
    }
  }
  W result = 1;
  W b = static_cast<W>(base);
  using UE = std::make_unsigned_t<E>;
  for (UE e = static_cast<UE>(exponent); e != 0; e >>= 1) {
    if (e & 1u) result = static_cast<W>(result * b);
    b = static_cast<W>(b * b);
  }
  return static_cast<T>(result);
}

template <typename T, typename E>
inline T PowScalar(T base, E exponent) {
  if constexpr (kIsFloat<T>) {
    if constexpr (std::is_same_v<T, double> || std::is_same_v<E, double>) {
      return FromCompute<T>(std::pow(static_cast<double>(ToCompute(base)), static_cast<double>(ToCompute(exponent))));
    } else if constexpr (kIsFloat<E>) {
      return FromCompute<T>(std::pow(static_cast<float>(ToCompute(base)), static_cast<float>(ToCompute(exponent))));
    } else {
      // Integer exponents can exceed float's exact range.
      return FromCompute<T>(std::pow(static_cast<double>(ToCompute(base)), static_cast<double>(exponent)));
    }
  } else if constexpr (kIsFloat<E>) {
    return FloatToInt<T>(std::pow(static_cast<double>(base), static_cast<double>(ToCompute(exponent))));
  } else {
    return IntegerPower<T, E>(base, exponent);
  }
}

class PowKernel final : public BinaryKernelBase {
 public:
  explicit PowKernel(const OpKernelInfo& info) : BinaryKernelBase(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& e = ctx.RequiredInput(1);
    const BroadcastPlan plan = MakePlan(x, e);
    Tensor* y = ctx.Output(0, plan.OutputShape(), x.GetElementType());
    ThreadPool* pool = ctx.GetThreadPool();
    VisitType<AllNumericTypes>(
        x.GetElementType(),
        [&](auto base_tag) {
          using T = typename decltype(base_tag)::type;
          const T* px = x.Data<T>();
          T* py = y->MutableData<T>();
          VisitType<AllNumericTypes>(
              e.GetElementType(),
              [&](auto exp_tag) {
                using E = typename decltype(exp_tag)::type;
                const E* pe = e.Data<E>();
                if constexpr (std::is_same_v<T, float> && std::is_same_v<E, float>) {
                  // Squaring is common (variance, norms) and exact as a multiply.
                  if (e.NumElements() == 1 && pe[0] == 2.0f) {
                    RunBinary(pool, plan, px, pe, py, kCheapCost, [](float v, float) { return v * v; });
                    return;
                  }
                }
                RunBinary(pool, plan, px, pe, py, kExpensiveCost, [](T v, E p) { return PowScalar<T, E>(v, p); });
              },
              "Pow exponent");
        },
        "Pow");
  }
};

template <typename T>
inline T ModScalar(T a, T b, bool fmod) {
  if constexpr (kIsHalf<T>) {
    return T(ModScalar<float>(a.ToFloat(), b.ToFloat(), fmod));
  } else if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(a, b);
    // Python-style remainder takes the divisor's sign.
    if (!fmod && r != 0 && ((r < 0) != (b < 0))) r += b;
    return r;
  } else {
    ORTLITE_CHECK_ARG(b != 0, "Mod: integer division by zero");
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) return 0;  // INT_MIN % -1 traps on x86
      T r = static_cast<T>(a % b);
      if (!fmod && r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      return r;
    } else {
      return static_cast<T>(a % b);
    }
  }
}

class ModKernel final : public BinaryKernelBase {
 public:
  explicit ModKernel(const OpKernelInfo& info)
      : BinaryKernelBase(info), fmod_(info.GetAttrOrDefault<int64_t>("fmod", 0) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    CheckSameType(a, b);
    const BroadcastPlan plan = MakePlan(a, b);
    Tensor* y = ctx.Output(0, plan.OutputShape(), a.GetElementType());
    const bool fmod = fmod_;
    VisitType<AllNumericTypes>(
        a.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          RunBinary(ctx.GetThreadPool(), plan, a.Data<T>(), b.Data<T>(), y->MutableData<T>(), kMediumCost,
                    [fmod](T x, T z) { return ModScalar<T>(x, z, fmod); });
        },
        "Mod");
  }

 private:
  bool fmod_;
};

class BitShiftKernel final : public BinaryKernelBase {
 public:
  explicit BitShiftKernel(const OpKernelInfo& info) : BinaryKernelBase(info) {
    const std::string direction = info.GetAttr<std::string>("direction");
    ORTLITE_CHECK_ARG(direction == "LEFT" || direction == "RIGHT",
                      "BitShift direction must be LEFT or RIGHT, got '", direction, "'");
    left_ = direction == "LEFT";
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    CheckSameType(a, b);
    const BroadcastPlan plan = MakePlan(a, b);
    Tensor* y = ctx.Output(0, plan.OutputShape(), a.GetElementType());
    using UnsignedTypes = TypeList<uint8_t, uint16_t, uint32_t, uint64_t>;
    VisitType<UnsignedTypes>(
        a.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          constexpr T kBits = static_cast<T>(sizeof(T) * 8);
          // Shifting by the width or more is undefined in C++; every bit is shifted out.
          if (left_) {
            RunBinary(ctx.GetThreadPool(), plan, a.Data<T>(), b.Data<T>(), y->MutableData<T>(), kCheapCost,
                      [](T v, T s) { return s >= kBits ? T(0) : static_cast<T>(v << s); });
          } else {
            RunBinary(ctx.GetThreadPool(), plan, a.Data<T>(), b.Data<T>(), y->MutableData<T>(), kCheapCost,
                      [](T v, T s) { return s >= kBits ? T(0) : static_cast<T>(v >> s); });
          }
        },
        "BitShift");
  }

 private:
  bool left_ = true;
};

ONNX_CPU_KERNEL(Pow, 1, PowKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Mod, 10, ModKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(BitShift, 11, BitShiftKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
