// Clip: limits values to [min, max]. Before opset 11 the bounds are float attributes; from 11
// they are optional one-element inputs of the data's type.
#include <limits>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/elementwise.h"
#include "providers/cpu/math/vector_kernels.h"

namespace ortlite {
namespace {

using namespace elementwise;

class ClipKernel final : public OpKernel {
 public:
  explicit ClipKernel(const OpKernelInfo& info) : OpKernel(info), bounds_are_inputs_(info.SinceVersion() >= 11) {
    if (!bounds_are_inputs_) {
      has_min_attr_ = info.HasAttr("min");
      has_max_attr_ = info.HasAttr("max");
      min_attr_ = info.GetAttrOrDefault<float>("min", 0.0f);
      max_attr_ = info.GetAttrOrDefault<float>("max", 0.0f);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), x.GetElementType());
    VisitType<AllNumericTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          using C = decltype(ToCompute(T()));
          C lo = std::numeric_limits<C>::lowest();
          C hi = std::numeric_limits<C>::max();
          if (bounds_are_inputs_) {
            ReadBound<T>(ctx, 1, "min", lo);
            ReadBound<T>(ctx, 2, "max", hi);
          } else {
            if (has_min_attr_) lo = static_cast<C>(min_attr_);
            if (has_max_attr_) hi = static_cast<C>(max_attr_);
          }
          if constexpr (std::is_same_v<T, float>) {
            // Same semantics, vectorised (vector_kernels.h).
            const vector_kernels::ClipFn clip = vector_kernels::ActiveVectorKernels().clip;
            RunFloatArray(ctx.GetThreadPool(), x.NumElements(), x.Data<float>(), y->MutableData<float>(), kCheapCost,
                          [clip, lo, hi](const float* in, float* out, int64_t n) { clip(in, out, n, lo, hi); });
            return;
          }
          // Two one-sided selects keep NaN inputs NaN and give `max` everywhere when min > max.
          RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<T>(), y->MutableData<T>(), kCheapCost, [lo, hi](T v) {
            C c = ToCompute(v);
            c = c < lo ? lo : c;
            c = c > hi ? hi : c;
            return FromCompute<T>(c);
          });
        },
        "Clip");
  }

 private:
  template <typename T, typename C>
  static void ReadBound(OpKernelContext& ctx, int index, const char* name, C& bound) {
    const Tensor* t = ctx.Input(index);
    if (t == nullptr) return;
    ORTLITE_CHECK_ARG(t->NumElements() == 1, "Clip ", name, " must hold one value, got shape ",
                      t->Shape().ToString());
    ORTLITE_CHECK_ARG(t->GetElementType() == DataTypeFor<T>(), "Clip ", name, " has element type ",
                      DataTypeName(t->GetElementType()), ", expected ", DataTypeName(DataTypeFor<T>()));
    bound = ToCompute(t->Data<T>()[0]);
  }

  bool bounds_are_inputs_;
  bool has_min_attr_ = false, has_max_attr_ = false;
  float min_attr_ = 0.0f, max_attr_ = 0.0f;
};

ONNX_CPU_KERNEL(Clip, 1, ClipKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
