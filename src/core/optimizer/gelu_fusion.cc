// Gelu fusion: the erf form 0.5 * x * (1 + erf(x / sqrt(2))) (x / sqrt(2) also as x * (1/sqrt(2)),
// the product in any of the orders torch emits, see gelu_pattern.h) becomes com.microsoft Gelu.
#include "core/framework/kernel_registry.h"
#include "core/optimizer/gelu_pattern.h"
#include "core/optimizer/graph_transformer.h"

namespace ortlite {

namespace {

using namespace opt;

// x when `v` is x / sqrt(2) or x * (1 / sqrt(2)).
NodeArg* ScaledBySqrtHalf(const Graph& g, const NodeArg* v, Node** producer) {
  Node* p = v ? g.GetProducerNode(v->Name()) : nullptr;
  if (!p || p->InputDefs().size() != 2) return nullptr;
  *producer = p;
  if (IsOp(*p, "Div")) {
    NodeArg* x = p->MutableInputDefs()[0];
    return IsScalarFor(g, Input(*p, 1), 1.4142135623730951, x) ? x : nullptr;
  }
  if (IsOp(*p, "Mul")) {
    for (size_t s = 0; s < 2; ++s) {
      NodeArg* x = p->MutableInputDefs()[s];
      if (IsScalarFor(g, OtherInput(*p, s), 0.7071067811865476, x)) return x;
    }
  }
  return nullptr;
}

bool TryFuse(Graph& g, Node& erf) {
  if (!IsOp(erf, "Erf") || !Input(erf, 0)) return false;
  Node* scale = nullptr;
  NodeArg* x = ScaledBySqrtHalf(g, erf.InputDefs()[0], &scale);
  if (!x || !IsFloatType(x->ElementType())) return false;
  auto tail = MatchGeluTail(g, erf.OutputDefs()[0], x);
  if (!tail) return false;
  NodeArg* out = tail->last->MutableOutputDefs()[0];
  std::vector<NodeIndex> interior = tail->nodes;
  interior.push_back(erf.Index());
  interior.push_back(scale->Index());
  g.RemoveNode(tail->last->Index());
  AddFusedNode(g, "Gelu", kMSDomain, {x}, {out});
  FinishRewrite(g, interior);
  return true;
}

class GeluFusion final : public GraphTransformer {
 public:
  GeluFusion() : GraphTransformer("GeluFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateGeluFusion() { return std::make_unique<GeluFusion>(); }

}  // namespace ortlite
