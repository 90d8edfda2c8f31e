// GraphViewer: a read-only view of a Graph handed to providers and passes; optionally restricted
// to a subset of its nodes (the ones no provider has taken yet).
#pragma once
#include <unordered_set>
#include <vector>

#include "core/graph/graph.h"

namespace ortlite {

class GraphViewer {
 public:
  // `node_filter`: when given, only these nodes are visible.
  explicit GraphViewer(const Graph& graph, const std::unordered_set<NodeIndex>* node_filter = nullptr);

  const Graph& GetGraph() const { return graph_; }
  const std::string& Name() const { return graph_.Name(); }
  // Visible nodes in topological order.
  const std::vector<NodeIndex>& GetNodesInTopologicalOrder() const { return order_; }
  int NumberOfNodes() const { return static_cast<int>(order_.size()); }
  // nullptr if the index is not visible.
  const Node* GetNode(NodeIndex i) const;
  const std::vector<const NodeArg*>& GetInputs() const { return graph_.GetInputs(); }
  const std::vector<const NodeArg*>& GetOutputs() const { return graph_.GetOutputs(); }
  // Initializer metadata; a large initializer's data may be mapped rather than in its TensorProto
  // (Graph::GetMappedData): read data with InitializerToTensor (tensorprotoutils.h).
  const std::map<std::string, onnx::TensorProto>& GetAllInitializedTensors() const { return graph_.Initializers(); }
  bool IsConstantInitializer(const std::string& name) const { return graph_.IsConstantInitializer(name, true); }
  const onnx::TensorProto* GetConstantInitializer(const std::string& name) const;
  const Node* GetProducerNode(const std::string& arg) const { return graph_.GetProducerNode(arg); }
  std::vector<const Node*> GetConsumerNodes(const std::string& arg) const;
  const std::unordered_map<std::string, int>& DomainToVersionMap() const { return graph_.OpsetImports(); }
  bool IsSubgraph() const { return graph_.ParentGraph() != nullptr; }

 private:
  const Graph& graph_;
  std::vector<NodeIndex> order_;
  std::unordered_set<NodeIndex> visible_;
  bool filtered_ = false;
};

}  // namespace ortlite
