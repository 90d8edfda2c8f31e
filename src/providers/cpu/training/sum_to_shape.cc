// ortlite.internal SumToShape(G, X): sums G over the axes along which X was broadcast to G's
// shape, giving a tensor of X's shape. Gradient expansion uses it for broadcasting ops.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"

namespace ortlite {
namespace {

class SumToShape final : public OpKernel {
 public:
  using OpKernel::OpKernel;
  void Compute(OpKernelContext& ctx) const override {
    const Tensor& g = ctx.RequiredInput(0);
    const Tensor& like = ctx.RequiredInput(1);
    const TensorShape& target = like.Shape();
    ORTLITE_CHECK_ARG(BroadcastShapes({g.Shape(), target}) == g.Shape(), "cannot sum ", g.Shape().ToString(),
                      " down to ", target.ToString());
    Tensor* out = ctx.Output(0, target, g.GetElementType());
    VisitType<TypeList<float, double>>(g.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      T* o = out->MutableData<T>();
      std::fill(o, o + out->NumElements(), T(0));
      const T* in = g.Data<T>();
      BroadcastIndexer idx({target}, g.Shape());
      ForEachBroadcast(idx, [&](int64_t gi, const int64_t* ti) { o[ti[0]] += in[gi]; });
    }, "SumToShape");
  }
};

}  // namespace

CPU_KERNEL_EX(SumToShape, "ortlite.internal", 1, INT_MAX, SumToShape, KernelDefBuilder())

}  // namespace ortlite
