// Binary elementwise operators with numpy broadcasting: Add, Sub, Mul, Div, the comparisons
// (Equal, Greater, Less, GreaterOrEqual, LessOrEqual) and the logical And, Or, Xor. Before opset 7
// these operators broadcast only when asked (`broadcast`=1), aligning B to A at `axis`.
#include "providers/cpu/math/binary_common.h"

#include <string>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

using namespace elementwise;

enum class Arith { kAdd, kSub, kMul, kDiv };

template <Arith kOp, typename T>
inline T ArithScalar(T a, T b) {
  if constexpr (kIsHalf<T>) {
    return T(ArithScalar<kOp, float>(a.ToFloat(), b.ToFloat()));
  } else if constexpr (std::is_floating_point_v<T>) {
    if constexpr (kOp == Arith::kAdd) return a + b;
    if constexpr (kOp == Arith::kSub) return a - b;
    if constexpr (kOp == Arith::kMul) return a * b;
    if constexpr (kOp == Arith::kDiv) return a / b;
  } else {
    using W = WrapType<T>;
    if constexpr (kOp == Arith::kAdd) return static_cast<T>(static_cast<W>(a) + static_cast<W>(b));
    if constexpr (kOp == Arith::kSub) return static_cast<T>(static_cast<W>(a) - static_cast<W>(b));
    if constexpr (kOp == Arith::kMul) return static_cast<T>(static_cast<W>(a) * static_cast<W>(b));
    if constexpr (kOp == Arith::kDiv) {
      ORTLITE_CHECK_ARG(b != 0, "integer division by zero");
      if constexpr (std::is_signed_v<T>) {
        // INT_MIN / -1 traps on x86; negation wraps to the same value.
        if (b == -1) return static_cast<T>(W(0) - static_cast<W>(a));
      }
      return static_cast<T>(a / b);
    }
  }
}

template <Arith kOp>
class ArithmeticKernel final : public BinaryKernelBase {
 public:
  explicit ArithmeticKernel(const OpKernelInfo& info) : BinaryKernelBase(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    CheckSameType(a, b);
    const BroadcastPlan plan = MakePlan(a, b);
    Tensor* y = ctx.Output(0, plan.OutputShape(), a.GetElementType());
    const double cost = kOp == Arith::kDiv ? kMediumCost : kCheapCost;
    VisitType<AllNumericTypes>(
        a.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          RunBinary(ctx.GetThreadPool(), plan, a.Data<T>(), b.Data<T>(), y->MutableData<T>(), cost,
                    [](T x, T z) { return ArithScalar<kOp, T>(x, z); });
        },
        OpName());
  }
};

enum class Compare { kEqual, kGreater, kLess, kGreaterOrEqual, kLessOrEqual };

template <Compare kOp, typename T>
inline bool CompareScalar(const T& a, const T& b) {
  if constexpr (kIsHalf<T>) {
    return CompareScalar<kOp, float>(a.ToFloat(), b.ToFloat());
  } else {
    if constexpr (kOp == Compare::kEqual) return a == b;
    if constexpr (kOp == Compare::kGreater) return a > b;
    if constexpr (kOp == Compare::kLess) return a < b;
    if constexpr (kOp == Compare::kGreaterOrEqual) return a >= b;
    if constexpr (kOp == Compare::kLessOrEqual) return a <= b;
  }
}

// Equal also compares booleans and strings; the orderings only numbers.
using EqualTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                            uint32_t, uint64_t, bool, std::string>;

template <Compare kOp>
class CompareKernel final : public BinaryKernelBase {
 public:
  explicit CompareKernel(const OpKernelInfo& info) : BinaryKernelBase(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    CheckSameType(a, b);
    const BroadcastPlan plan = MakePlan(a, b);
    Tensor* y = ctx.Output(0, plan.OutputShape(), DataType::kBool);
    auto run = [&](auto tag) {
      using T = typename decltype(tag)::type;
      RunBinary(ctx.GetThreadPool(), plan, a.Data<T>(), b.Data<T>(), y->MutableData<bool>(), kCheapCost,
                [](const T& x, const T& z) { return CompareScalar<kOp, T>(x, z); });
    };
    if constexpr (kOp == Compare::kEqual) {
      VisitType<EqualTypes>(a.GetElementType(), run, OpName());
    } else {
      VisitType<AllNumericTypes>(a.GetElementType(), run, OpName());
    }
  }
};

enum class Logic { kAnd, kOr, kXor };

template <Logic kOp>
class LogicalKernel final : public BinaryKernelBase {
 public:
  explicit LogicalKernel(const OpKernelInfo& info) : BinaryKernelBase(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(a.GetElementType() == DataType::kBool && b.GetElementType() == DataType::kBool, OpName(),
                      " takes bool inputs, got ", DataTypeName(a.GetElementType()), " and ",
                      DataTypeName(b.GetElementType()));
    const BroadcastPlan plan = MakePlan(a, b);
    Tensor* y = ctx.Output(0, plan.OutputShape(), DataType::kBool);
    RunBinary(ctx.GetThreadPool(), plan, a.Data<bool>(), b.Data<bool>(), y->MutableData<bool>(), kCheapCost,
              [](bool x, bool z) {
                if constexpr (kOp == Logic::kAnd) return x && z;
                if constexpr (kOp == Logic::kOr) return x || z;
                if constexpr (kOp == Logic::kXor) return x != z;
              });
  }
};

using AddKernel = ArithmeticKernel<Arith::kAdd>;
using SubKernel = ArithmeticKernel<Arith::kSub>;
using MulKernel = ArithmeticKernel<Arith::kMul>;
using DivKernel = ArithmeticKernel<Arith::kDiv>;
using EqualKernel = CompareKernel<Compare::kEqual>;
using GreaterKernel = CompareKernel<Compare::kGreater>;
using LessKernel = CompareKernel<Compare::kLess>;
using GreaterOrEqualKernel = CompareKernel<Compare::kGreaterOrEqual>;
using LessOrEqualKernel = CompareKernel<Compare::kLessOrEqual>;
using AndKernel = LogicalKernel<Logic::kAnd>;
using OrKernel = LogicalKernel<Logic::kOr>;
using XorKernel = LogicalKernel<Logic::kXor>;

ONNX_CPU_KERNEL(Add, 1, AddKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Sub, 1, SubKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Mul, 1, MulKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Div, 1, DivKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Equal, 1, EqualKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Greater, 1, GreaterKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Less, 1, LessKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(GreaterOrEqual, 12, GreaterOrEqualKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(LessOrEqual, 12, LessOrEqualKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(And, 1, AndKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Or, 1, OrKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Xor, 1, XorKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
