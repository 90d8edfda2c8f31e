#include "core/graph/graph_viewer.h"

namespace ortlite {

GraphViewer::GraphViewer(const Graph& graph, const std::unordered_set<NodeIndex>* node_filter) : graph_(graph) {
  filtered_ = node_filter != nullptr;
  for (NodeIndex i : graph.TopologicalOrder()) {
    if (!graph.GetNode(i)) continue;
    if (filtered_ && !node_filter->count(i)) continue;
    order_.push_back(i);
    visible_.insert(i);
  }
}

const Node* GraphViewer::GetNode(NodeIndex i) const {
  if (filtered_ && !visible_.count(i)) return nullptr;
  return graph_.GetNode(i);
}

const onnx::TensorProto* GraphViewer::GetConstantInitializer(const std::string& name) const {
  return graph_.IsConstantInitializer(name, true) ? graph_.GetInitializer(name, true) : nullptr;
}

std::vector<const Node*> GraphViewer::GetConsumerNodes(const std::string& arg) const {
  std::vector<const Node*> out;
  for (Node* n : graph_.GetConsumerNodes(arg))
    if (GetNode(n->Index())) out.push_back(n);
  return out;
}

}  // namespace ortlite
