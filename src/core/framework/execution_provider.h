// IExecutionProvider: a device and the kernels or compiler that run nodes on it.
//
// Two kinds: kernel-based providers (the CPU provider) take single nodes and run them with
// kernels from their KernelRegistry; compile-based providers group nodes into subgraphs
// (ComputeCapability with a MetaDef), which the partitioner fuses into one node each and hands to
// Compile() as FusedNodeAndGraph. A provider whose device is not the host gets copy nodes
// (MemcpyFromHost / MemcpyToHost) at its boundaries.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/framework/allocator.h"
#include "core/framework/kernel_registry.h"
#include "core/graph/graph_viewer.h"

namespace ortlite {

struct IndexedSubGraph {
  // Set when the nodes should be fused into one node compiled by the provider.
  struct MetaDef {
    std::string name;                 // op type of the fused node
    std::string domain = "ortlite.fused";
    int since_version = 1;
  };
  std::vector<NodeIndex> nodes;
  std::unique_ptr<MetaDef> meta_def;
};

struct ComputeCapability {
  std::unique_ptr<IndexedSubGraph> sub_graph;
};

// Why a provider did not take a node, for verbose reports ("no silent slow paths").
struct CapabilityReport {
  std::map<NodeIndex, std::string> declined;
};

struct FusedNodeAndGraph {
  const Node& fused_node;
  const GraphViewer& filtered_graph;  // the nodes the fused node replaced
};

// What Compile() returns per fused node. `compute` runs the fused node.
struct NodeComputeInfo {
  std::function<void*(const Node& fused_node)> create_state;
  std::function<void(void* state, OpKernelContext& ctx)> compute;
  std::function<void(void* state)> release_state;
};

class IExecutionProvider {
 public:
  IExecutionProvider(std::string type, OrtDevice device) : type_(std::move(type)), device_(device) {}
  virtual ~IExecutionProvider() = default;

  const std::string& Type() const { return type_; }
  const OrtDevice& Device() const { return device_; }

  // The nodes of `graph` this provider takes. The default takes every visible node that has a
  // kernel in GetKernelRegistry(), one node per capability, and reports the rest as declined.
  virtual std::vector<std::unique_ptr<ComputeCapability>> GetCapability(const GraphViewer& graph,
                                                                        CapabilityReport* report) const;
  virtual const KernelRegistry* GetKernelRegistry() const { return nullptr; }
  // Compile-based providers: one NodeComputeInfo per fused node.
  virtual std::vector<NodeComputeInfo> Compile(const std::vector<FusedNodeAndGraph>& fused) {
    ThrowError(ErrorCode::kEpFail, "provider ", type_, " claimed fused subgraphs but cannot compile them");
  }
  virtual AllocatorPtr GetAllocator() const { return GetCpuAllocator(); }
  // Copies between host and this provider's device (either direction).
  virtual void CopyTensor(const Tensor& src, Tensor& dst) const { CopyTensorData(src, dst); }

 private:
  std::string type_;
  OrtDevice device_;
};

class CpuExecutionProvider : public IExecutionProvider {
 public:
  // `custom_kernels` (optional): a registry searched before the built-in kernels (custom ops).
  explicit CpuExecutionProvider(std::shared_ptr<KernelRegistry> custom_kernels = nullptr)
      : IExecutionProvider(kCpuExecutionProvider, OrtDevice{}), custom_(std::move(custom_kernels)) {}
  const KernelRegistry* GetKernelRegistry() const override {
    return custom_ ? custom_.get() : &CpuKernelRegistry();
  }

 private:
  std::shared_ptr<KernelRegistry> custom_;
};

}  // namespace ortlite
