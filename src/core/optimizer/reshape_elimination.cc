// Removes Reshape, Flatten, Squeeze and Unsqueeze nodes whose output has exactly the shape of their
// input: both shapes fully known and equal, or a Reshape whose constant target keeps every dim
// (each entry copies with 0, repeats the known dim, or is the single -1 among otherwise kept dims).
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool ReshapeKeepsShape(const Graph& graph, const Node& n) {
  if (n.OpType() != "Reshape") return false;
  auto target = ConstantInts(graph, Input(n, 1));
  auto in = n.InputDefs()[0]->Shape();
  if (!target || !in || target->size() != in->size()) return false;
  const bool allow_zero = IntAttr(n, "allowzero", 0) != 0;
  int inferred = 0;
  for (size_t i = 0; i < target->size(); ++i) {
    const int64_t t = (*target)[i], d = (*in)[i];
    if (t == 0 && !allow_zero) continue;
    if (t == -1) {
      ++inferred;
      continue;
    }
    if (d < 0 || t != d) return false;
  }
  // With every other dim kept, the one -1 takes the remaining dim; zero-sized inputs make -1 ambiguous.
  if (inferred > 1) return false;
  if (inferred == 1) {
    for (int64_t d : *in)
      if (d == 0) return false;
  }
  return true;
}

class ReshapeElimination final : public GraphTransformer {
 public:
  ReshapeElimination() : GraphTransformer("ReshapeElimination", TransformerLevel::kBasic) {}

  bool Apply(Graph& graph, const TransformContext&) const override {
    std::vector<NodeIndex> candidates;
    for (Node* n : graph.Nodes()) {
      if (!IsViewOp(*n)) continue;
      NodeArg* x = n->MutableInputDefs()[0];
      const NodeArg* y = n->OutputDefs()[0];
      if (!x->IsTensorType() || !CanRedirect(graph, y)) continue;
      auto xs = StaticShape(x), ys = StaticShape(y);
      const bool same = (xs && ys && *xs == *ys) || ReshapeKeepsShape(graph, *n);
      if (!same) continue;
      RedirectConsumers(graph, y, x);
      candidates.push_back(n->Index());
    }
    if (candidates.empty()) return false;
    std::vector<std::string> shapes;
    for (NodeIndex i : candidates)
      if (const NodeArg* s = Input(*graph.GetNode(i), 1)) shapes.push_back(s->Name());
    FinishRewrite(graph, candidates, shapes);
    return true;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateReshapeElimination() { return std::make_unique<ReshapeElimination>(); }

}  // namespace ortlite
