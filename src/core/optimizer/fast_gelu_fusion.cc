// FastGelu fusion: the tanh approximation
//   0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
// with x^3 as Pow(x, 3), x * (x * x) or (x * x) * x, every product and sum in either operand order
// and the outer product in the orders of gelu_pattern.h, becomes com.microsoft FastGelu.
#include "core/framework/kernel_registry.h"
#include "core/optimizer/gelu_pattern.h"
#include "core/optimizer/graph_transformer.h"

namespace ortlite {

namespace {

using namespace opt;

Node* Producer(const Graph& g, const NodeArg* v, const char* op) {
  Node* p = v ? g.GetProducerNode(v->Name()) : nullptr;
  return p && IsOp(*p, op) && p->InputDefs().size() == 2 ? p : nullptr;
}

// True if `v` is x^3; appends the nodes computing it.
bool IsCube(const Graph& g, const NodeArg* v, const NodeArg* x, std::vector<NodeIndex>& nodes) {
  if (Node* pow = Producer(g, v, "Pow")) {
    if (pow->InputDefs()[0] != x || !IsScalarFor(g, Input(*pow, 1), 3.0, x, 0.0)) return false;
    nodes.push_back(pow->Index());
    return true;
  }
  Node* outer = Producer(g, v, "Mul");
  if (!outer) return false;
  for (size_t s = 0; s < 2; ++s) {
    if (outer->InputDefs()[s] != x) continue;
    Node* square = Producer(g, OtherInput(*outer, s), "Mul");
    if (square && square->InputDefs()[0] == x && square->InputDefs()[1] == x) {
      nodes.push_back(outer->Index());
      nodes.push_back(square->Index());
      return true;
    }
  }
  return false;
}

bool TryFuse(Graph& g, Node& tanh) {
  if (!IsOp(tanh, "Tanh") || !Input(tanh, 0)) return false;
  std::vector<NodeIndex> interior = {tanh.Index()};
  // sqrt(2/pi) * inner
  Node* scale = Producer(g, tanh.InputDefs()[0], "Mul");
  if (!scale) return false;
  for (size_t s = 0; s < 2; ++s) {
    Node* inner = Producer(g, Input(*scale, s), "Add");
    if (!inner || !ScalarConstant(g, OtherInput(*scale, s))) continue;
    // inner = x + 0.044715 * x^3
    for (size_t xi = 0; xi < 2; ++xi) {
      NodeArg* x = inner->MutableInputDefs()[xi];
      if (!IsFloatType(x->ElementType()) || !IsScalarFor(g, OtherInput(*scale, s), 0.7978845608028654, x)) continue;
      Node* cubic = Producer(g, OtherInput(*inner, xi), "Mul");
      if (!cubic) continue;
      for (size_t ci = 0; ci < 2; ++ci) {
        std::vector<NodeIndex> nodes = interior;
        if (!IsScalarFor(g, Input(*cubic, ci), 0.044715, x) || !IsCube(g, OtherInput(*cubic, ci), x, nodes)) continue;
        auto tail = MatchGeluTail(g, tanh.OutputDefs()[0], x);
        if (!tail) continue;
        nodes.insert(nodes.end(), tail->nodes.begin(), tail->nodes.end());
        nodes.push_back(scale->Index());
        nodes.push_back(inner->Index());
        nodes.push_back(cubic->Index());
        NodeArg* out = tail->last->MutableOutputDefs()[0];
        g.RemoveNode(tail->last->Index());
        AddFusedNode(g, "FastGelu", kMSDomain, {x}, {out});
        FinishRewrite(g, nodes);
        return true;
      }
    }
  }
  return false;
}

class FastGeluFusion final : public GraphTransformer {
 public:
  FastGeluFusion() : GraphTransformer("FastGeluFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateFastGeluFusion() { return std::make_unique<FastGeluFusion>(); }

}  // namespace ortlite
