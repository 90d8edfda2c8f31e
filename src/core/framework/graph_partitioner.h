// Device assignment: each provider, in priority order, takes the nodes it can run; compile-based
// capabilities are fused into single nodes and compiled; copy nodes are inserted wherever a value
// crosses devices.
#pragma once
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/framework/execution_provider.h"

namespace ortlite {

// Compiled fused nodes, by fused node name.
using CompiledFunctions = std::unordered_map<std::string, NodeComputeInfo>;

class GraphPartitioner {
 public:
  GraphPartitioner(std::vector<IExecutionProvider*> providers, std::string log_id, int log_min = -1)
      : providers_(std::move(providers)), log_id_(std::move(log_id)), log_min_(log_min) {}

  // Assigns every node of `graph` (subgraphs' nodes go to the CPU provider). Throws naming the
  // node, op and reasons when no provider takes a node.
  void Partition(Graph& graph, const std::string& model_dir, CompiledFunctions& compiled);

  // One line per decision (provider per node, fused subgraphs, declines with reasons).
  const std::vector<std::string>& Report() const { return report_; }

 private:
  Node& Fuse(Graph& graph, const IndexedSubGraph& sub, IExecutionProvider& ep, const std::string& model_dir);
  void InsertCopies(Graph& graph);
  IExecutionProvider* ProviderOf(const Node& node) const;

  std::vector<IExecutionProvider*> providers_;
  std::string log_id_;
  int log_min_;
  std::vector<std::string> report_;
  int fused_count_ = 0;
};

// Assigns every node of a subgraph (recursively) to the CPU provider, checking kernels exist.
void AssignSubgraphsToCpu(Graph& graph, const IExecutionProvider& cpu);

}  // namespace ortlite
