// If: runs then_branch or else_branch by a boolean condition and forwards that branch's outputs,
// which may be tensors, sequences or optionals (If-13/16).
#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

class If final : public OpKernel {
 public:
  explicit If(const OpKernelInfo& info) : OpKernel(info) {
    for (const char* branch : {"then_branch", "else_branch"}) {
      const Graph* g = info.node().GetSubgraph(branch);
      ORTLITE_CHECK_ARG(g != nullptr, "If needs the graph attribute '", branch, "'");
      ORTLITE_CHECK_ARG(g->GetInputs().empty(), "If's ", branch, " must not have inputs, it has ",
                        g->GetInputs().size());
      ORTLITE_CHECK_ARG(g->GetOutputs().size() >= info.OutputCount(), "If has ", info.OutputCount(),
                        " outputs but its ", branch, " yields only ", g->GetOutputs().size());
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const bool cond = controlflow::ReadScalarBool(ctx.RequiredInput(0), "If condition");
    std::vector<OrtValue> outputs = ctx.RunSubgraph(cond ? "then_branch" : "else_branch", {});
    for (int i = 0; i < ctx.OutputCount(); ++i) controlflow::SetSubgraphOutput(ctx, i, std::move(outputs[i]));
  }
};

}  // namespace

ONNX_CPU_KERNEL(If, 1, If, KernelDefBuilder())

}  // namespace ortlite
