// Removes Mul and Div by a constant 1 (x * 1 and x / 1 are x exactly, NaN and signed zeros
// included) when the constant cannot broadcast x to a larger shape: it holds one element and has
// no more dims than x. Exporters leave such nodes behind, e.g. torch's attention scaling by 1.0.
// (x + 0 is not removed: -0 + 0 is +0.)
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool TryRemove(Graph& g, Node& n) {
  const bool mul = IsOp(n, "Mul"), div = IsOp(n, "Div");
  if ((!mul && !div) || n.InputDefs().size() != 2 || n.SinceVersion() < 7) return false;
  for (size_t one = div ? 1 : 0; one < 2; ++one) {
    const NodeArg* c = Input(n, one);
    NodeArg* x = n.MutableInputDefs()[1 - one];
    if (!c || !x->Exists()) continue;
    const onnx::TensorProto* p = ConstantProto(g, c);
    if (!p || p->data_type() != static_cast<int>(x->ElementType())) continue;
    std::optional<double> v = ScalarConstant(g, c);
    if (!v || *v != 1.0) continue;
    if (p->dims_size() > 0 && (Rank(x) < 0 || p->dims_size() > Rank(x))) continue;
    const NodeArg* y = n.OutputDefs()[0];
    if (!CanRedirect(g, y)) return false;
    RedirectConsumers(g, y, x);
    const std::string constant = c->Name();
    g.RemoveNode(n.Index());
    FinishRewrite(g, {}, {constant});
    return true;
  }
  return false;
}

class ArithmeticIdentityElimination final : public GraphTransformer {
 public:
  ArithmeticIdentityElimination() : GraphTransformer("ArithmeticIdentityElimination", TransformerLevel::kBasic) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryRemove); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateArithmeticIdentityElimination() {
  return std::make_unique<ArithmeticIdentityElimination>();
}

}  // namespace ortlite
