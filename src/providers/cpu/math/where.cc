// Where: picks X or Y by a boolean condition, all three broadcast together (numpy rules).
#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/elementwise.h"

namespace ortlite {
namespace {

using namespace elementwise;

class WhereKernel final : public OpKernel {
 public:
  explicit WhereKernel(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& cond = ctx.RequiredInput(0);
    const Tensor& x = ctx.RequiredInput(1);
    const Tensor& y = ctx.RequiredInput(2);
    ORTLITE_CHECK_ARG(cond.GetElementType() == DataType::kBool, "Where condition must be bool, got ",
                      DataTypeName(cond.GetElementType()));
    ORTLITE_CHECK_ARG(x.GetElementType() == y.GetElementType(), "Where X and Y differ in element type: ",
                      DataTypeName(x.GetElementType()), " and ", DataTypeName(y.GetElementType()));
    const BroadcastPlan plan({cond.Shape(), x.Shape(), y.Shape()});
    Tensor* out = ctx.Output(0, plan.OutputShape(), x.GetElementType());
    VisitType<AllTensorTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const bool* pc = cond.Data<bool>();
          const T* px = x.Data<T>();
          const T* py = y.Data<T>();
          T* po = out->MutableData<T>();
          ThreadPool::TryParallelFor(ctx.GetThreadPool(), plan.Total(), kCheapCost, [&](int64_t begin, int64_t end) {
            plan.ForRuns(begin, end, [&](int64_t out_off, const int64_t* off, const int64_t* stride, int64_t count) {
              const bool* c = pc + off[0];
              const T* a = px + off[1];
              const T* b = py + off[2];
              T* o = po + out_off;
              if (stride[0] == 1 && stride[1] == 1 && stride[2] == 1) {
                for (int64_t i = 0; i < count; ++i) o[i] = c[i] ? a[i] : b[i];
              } else {
                const int64_t sc = stride[0], sa = stride[1], sb = stride[2];
                for (int64_t i = 0; i < count; ++i) o[i] = c[i * sc] ? a[i * sa] : b[i * sb];
              }
            });
          });
        },
        "Where");
  }
};

ONNX_CPU_KERNEL(Where, 9, WhereKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
