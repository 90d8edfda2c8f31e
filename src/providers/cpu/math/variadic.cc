// Sum, Mean, Max and Min over any number of inputs with numpy broadcasting. The inputs are
// folded into an accumulator of the output's shape (float for 16-bit floats) one at a time.
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/elementwise.h"

namespace ortlite {
namespace {

using namespace elementwise;

enum class Fold { kSum, kMean, kMax, kMin };

template <Fold kOp, typename C>
inline C Combine(C a, C b) {
  if constexpr (kOp == Fold::kSum || kOp == Fold::kMean) {
    if constexpr (std::is_floating_point_v<C>) {
      return a + b;
    } else {
      return static_cast<C>(static_cast<WrapType<C>>(a) + static_cast<WrapType<C>>(b));
    }
  } else if constexpr (std::is_floating_point_v<C>) {
    // NaN wins, as in numpy.maximum/minimum.
    if constexpr (kOp == Fold::kMax) return (a >= b || a != a) ? a : b;
    if constexpr (kOp == Fold::kMin) return (a <= b || a != a) ? a : b;
  } else {
    if constexpr (kOp == Fold::kMax) return a >= b ? a : b;
    if constexpr (kOp == Fold::kMin) return a <= b ? a : b;
  }
}

template <Fold kOp>
class FoldKernel final : public OpKernel {
 public:
  explicit FoldKernel(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const int n = ctx.InputCount();
    ORTLITE_CHECK_ARG(n >= 1, node().OpType(), " needs at least one input");
    std::vector<const Tensor*> inputs;
    std::vector<TensorShape> shapes;
    for (int i = 0; i < n; ++i) {
      inputs.push_back(&ctx.RequiredInput(i));
      shapes.push_back(inputs.back()->Shape());
      ORTLITE_CHECK_ARG(inputs.back()->GetElementType() == inputs[0]->GetElementType(), node().OpType(),
                        " inputs differ in element type: ", DataTypeName(inputs[0]->GetElementType()), " and ",
                        DataTypeName(inputs.back()->GetElementType()));
    }
    const TensorShape out_shape = BroadcastShapes(shapes);
    Tensor* y = ctx.Output(0, out_shape, inputs[0]->GetElementType());
    const int64_t total = out_shape.Size();
    if (total == 0) return;
    ThreadPool* pool = ctx.GetThreadPool();

    VisitType<AllNumericTypes>(
        inputs[0]->GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          using Acc = std::conditional_t<kIsHalf<T>, float, T>;
          // The output doubles as the accumulator unless it shares memory with an input folded
          // in after the first pass (which would be overwritten before it is read).
          bool output_aliases_input = false;
          for (int k = 2; k < n; ++k) output_aliases_input |= inputs[k]->DataRaw() == y->DataRaw();
          std::vector<Acc> scratch;
          Acc* acc = nullptr;
          if constexpr (!kIsHalf<T>) {
            if (!output_aliases_input) acc = y->MutableData<T>();
          }
          if (acc == nullptr) {
            scratch.resize(static_cast<size_t>(total));
            acc = scratch.data();
          }

          if (n == 1) {
            RunUnary(pool, total, inputs[0]->Data<T>(), acc, kCheapCost, [](T v) { return Acc(ToCompute(v)); });
          } else {
            const BroadcastPlan first({shapes[0], shapes[1]}, out_shape);
            RunBinary(pool, first, inputs[0]->Data<T>(), inputs[1]->Data<T>(), acc, kCheapCost,
                      [](T a, T b) { return Combine<kOp, Acc>(ToCompute(a), ToCompute(b)); });
            for (int k = 2; k < n; ++k) {
              const BroadcastPlan next({out_shape, shapes[k]}, out_shape);
              RunBinary(pool, next, static_cast<const Acc*>(acc), inputs[k]->Data<T>(), acc, kCheapCost,
                        [](Acc a, T b) { return Combine<kOp, Acc>(a, ToCompute(b)); });
            }
          }

          if constexpr (kOp == Fold::kMean) {
            const Acc count = static_cast<Acc>(n);
            RunUnary(pool, total, static_cast<const Acc*>(acc), acc, kCheapCost, [count](Acc v) { return v / count; });
          }
          if (!scratch.empty()) {
            RunUnary(pool, total, static_cast<const Acc*>(acc), y->MutableData<T>(), kCheapCost,
                     [](Acc v) { return FromCompute<T>(v); });
          }
        },
        node().OpType().c_str());
  }
};

ONNX_CPU_KERNEL(Sum, 1, FoldKernel<Fold::kSum>, KernelDefBuilder())
ONNX_CPU_KERNEL(Mean, 1, FoldKernel<Fold::kMean>, KernelDefBuilder())
ONNX_CPU_KERNEL(Max, 1, FoldKernel<Fold::kMax>, KernelDefBuilder())
ONNX_CPU_KERNEL(Min, 1, FoldKernel<Fold::kMin>, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
