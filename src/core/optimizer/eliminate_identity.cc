// Removes nodes that only forward their input in inference: Identity, and Dropout whose mask is
// unused (and not in training mode). Consumers are rewired to the node's input.
#include "core/optimizer/graph_transformer.h"

namespace ortlite {

namespace {

bool CanRewire(const Graph& graph, const Node& node) {
  const NodeArg* out = node.OutputDefs()[0];
  if (graph.IsGraphOutput(out->Name())) return false;
  for (const Node* c : graph.GetConsumerNodes(out->Name())) {
    // A subgraph reads the value by name; it cannot be renamed from here.
    for (const NodeArg* a : c->ImplicitInputDefs())
      if (a->Name() == out->Name()) return false;
  }
  return true;
}

void Rewire(Graph& graph, Node& node) {
  NodeArg* in = node.MutableInputDefs()[0];
  const std::string out = node.OutputDefs()[0]->Name();
  for (Node* c : graph.GetConsumerNodes(out))
    for (NodeArg*& a : c->MutableInputDefs())
      if (a->Name() == out) a = in;
  graph.RemoveNode(node.Index());
}

class IdentityElimination final : public GraphTransformer {
 public:
  IdentityElimination() : GraphTransformer("EliminateIdentity", TransformerLevel::kBasic) {}
  bool Apply(Graph& graph, const TransformContext&) const override {
    bool changed = false;
    for (Node* n : graph.Nodes()) {
      if (n->OpType() != "Identity" || !n->Domain().empty() || n->InputDefs().empty()) continue;
      if (!n->InputDefs()[0]->IsTensorType() || !CanRewire(graph, *n)) continue;
      Rewire(graph, *n);
      changed = true;
    }
    if (changed) graph.Resolve();
    return changed;
  }
};

class DropoutElimination final : public GraphTransformer {
 public:
  DropoutElimination() : GraphTransformer("EliminateDropout", TransformerLevel::kBasic) {}
  bool Apply(Graph& graph, const TransformContext&) const override {
    bool changed = false;
    for (Node* n : graph.Nodes()) {
      if (n->OpType() != "Dropout" || !n->Domain().empty() || n->InputDefs().empty()) continue;
      // training_mode (input 2 from opset 12) must be absent or a constant false.
      if (n->InputDefs().size() > 2 && n->InputDefs()[2]->Exists()) {
        const onnx::TensorProto* t = graph.GetInitializer(n->InputDefs()[2]->Name());
        if (!t || !graph.IsConstantInitializer(t->name())) continue;
        const bool training = t->has_raw_data() ? (!t->raw_data().empty() && t->raw_data()[0] != 0)
                                                : (t->int32_data_size() > 0 && t->int32_data(0) != 0);
        if (training) continue;
      }
      if (const auto* is_test = n->GetAttribute("is_test"); is_test && is_test->i() == 0 && n->SinceVersion() < 7) continue;
      if (n->OutputDefs().size() > 1 && n->OutputDefs()[1]->Exists()) {
        const std::string& mask = n->OutputDefs()[1]->Name();
        if (graph.IsGraphOutput(mask) || !graph.GetConsumerNodes(mask).empty()) continue;
      }
      if (!CanRewire(graph, *n)) continue;
      Rewire(graph, *n);
      changed = true;
    }
    if (changed) graph.Resolve();
    return changed;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateIdentityElimination() { return std::make_unique<IdentityElimination>(); }
std::unique_ptr<GraphTransformer> CreateDropoutElimination() { return std::make_unique<DropoutElimination>(); }

}  // namespace ortlite
