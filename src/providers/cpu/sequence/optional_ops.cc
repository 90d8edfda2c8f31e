// The optional-type operators (opset 15): Optional wraps a value (or, with only the `type`
// attribute, makes an empty optional), OptionalHasElement tests it, OptionalGetElement unwraps it.
// An optional holding a value is the value itself; an empty one is a default OrtValue.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

// The value itself, except that a tensor shared with something else (a session constant, say) is
// copied so that a fetched output cannot reach it.
OrtValue Unaliased(const OrtValue& v) { return v.IsTensor() ? OrtValue(controlflow::Detached(v.Get())) : v; }

class Optional final : public OpKernel {
 public:
  explicit Optional(const OpKernelInfo& info) : OpKernel(info) {
    ORTLITE_CHECK_ARG(info.HasInput(0) || info.HasAttr("type"),
                      "Optional without an input needs the 'type' attribute");
  }

  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* v = ctx.InputValue(0);
    ctx.SetOutput(0, v ? Unaliased(*v) : OrtValue());
  }
};

class OptionalHasElement final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* v = ctx.InputValue(0);
    *ctx.Output(0, TensorShape(), DataType::kBool)->MutableData<bool>() = v && v->IsAllocated();
  }
};

class OptionalGetElement final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* v = ctx.InputValue(0);
    ORTLITE_CHECK_ARG(v && v->IsAllocated(), "OptionalGetElement: the optional input is empty");
    ctx.SetOutput(0, Unaliased(*v));
  }
};

}  // namespace

ONNX_CPU_KERNEL(Optional, 15, Optional, KernelDefBuilder())
ONNX_CPU_KERNEL(OptionalHasElement, 15, OptionalHasElement, KernelDefBuilder())
ONNX_CPU_KERNEL(OptionalGetElement, 15, OptionalGetElement, KernelDefBuilder())

}  // namespace ortlite
