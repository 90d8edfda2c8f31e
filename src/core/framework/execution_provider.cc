#include "core/framework/execution_provider.h"

#include "core/framework/memcpy.h"
#include "core/framework/session_state.h"

namespace ortlite {

std::vector<std::unique_ptr<ComputeCapability>> IExecutionProvider::GetCapability(const GraphViewer& graph,
                                                                                  CapabilityReport* report) const {
  std::vector<std::unique_ptr<ComputeCapability>> caps;
  const KernelRegistry* registry = GetKernelRegistry();
  if (!registry) return caps;
  for (NodeIndex i : graph.GetNodesInTopologicalOrder()) {
    const Node* node = graph.GetNode(i);
    std::string why;
    if (registry->TryFind(*node, &why)) {
      auto cap = std::make_unique<ComputeCapability>();
      cap->sub_graph = std::make_unique<IndexedSubGraph>();
      cap->sub_graph->nodes.push_back(i);
      caps.push_back(std::move(cap));
    } else if (report) {
      report->declined[i] = why;
    }
  }
  return caps;
}

namespace {

class MemcpyKernel final : public OpKernel {
 public:
  explicit MemcpyKernel(const OpKernelInfo& info) : OpKernel(info), provider_(info.GetExecutionProvider()) {}
  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* in = ctx.InputValue(0);
    ORTLITE_ENFORCE(in && in->IsTensor(), "copy nodes move tensors only");
    const Tensor& src = in->Get();
    Tensor* dst = ctx.Output(0, src.Shape(), src.GetElementType());
    provider_.CopyTensor(src, *dst);
  }

 private:
  const IExecutionProvider& provider_;
};

}  // namespace

void RegisterMemcpyKernels(KernelRegistry& registry, const std::string& provider_type) {
  auto create = [](const OpKernelInfo& info) -> std::unique_ptr<OpKernel> { return std::make_unique<MemcpyKernel>(info); };
  registry.Register(KernelDefBuilder().HostInput(0).Build(kMemcpyFromHost, kOrtliteInternalDomain, 1, INT_MAX, provider_type), create);
  registry.Register(KernelDefBuilder().HostOutput(0).Build(kMemcpyToHost, kOrtliteInternalDomain, 1, INT_MAX, provider_type), create);
}

}  // namespace ortlite
