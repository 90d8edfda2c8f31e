// MatMul scale fusion: a MatMul (or FusedMatMul) whose operand is multiplied or divided by a
// one-element constant just before, or whose result is multiplied or divided by one just after,
// becomes com.microsoft FusedMatMul with the factor folded into alpha. The scaled values must have
// no other readers; the constant must not broadcast the operand to more dims.
#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// The factor when `n` is Mul(v, s), Mul(s, v) or Div(v, s) with s a one-element constant that does
// not add dims to v; sets *v.
std::optional<double> ScaleOf(const Graph& g, const Node& n, NodeArg** v) {
  const bool mul = IsOp(n, "Mul"), div = IsOp(n, "Div");
  if ((!mul && !div) || n.InputDefs().size() != 2) return std::nullopt;
  for (size_t s = div ? 1 : 0; s < 2; ++s) {
    NodeArg* value = n.InputDefs()[1 - s];
    const NodeArg* c = Input(n, s);
    std::optional<double> f = ScalarConstant(g, c);
    if (!f || !value->Exists() || !IsScalarFor(g, c, *f, value, 0.0) || c->ElementType() != value->ElementType())
      continue;
    if (div && *f == 0.0) return std::nullopt;
    *v = value;
    return div ? 1.0 / *f : *f;
  }
  return std::nullopt;
}

bool TryFuse(Graph& g, Node& mm) {
  const bool fused = IsOp(mm, "FusedMatMul", kMSDomain);
  if ((!IsOp(mm, "MatMul") && !fused) || mm.InputDefs().size() != 2) return false;
  if (!IsFloatType(mm.OutputDefs()[0]->ElementType())) return false;
  double alpha = fused ? FloatAttr(mm, "alpha", 1.0f) : 1.0;
  std::vector<NodeArg*> inputs = {mm.MutableInputDefs()[0], mm.MutableInputDefs()[1]};
  std::vector<NodeIndex> interior;
  for (size_t i = 0; i < 2; ++i) {
    Node* p = InputProducer(g, mm, i);
    NodeArg* v = nullptr;
    if (!p || !OnlyFeeds(g, inputs[i], mm)) continue;
    if (auto f = ScaleOf(g, *p, &v)) {
      alpha *= *f;
      inputs[i] = v;
      interior.push_back(p->Index());
    }
  }
  NodeArg* out = mm.MutableOutputDefs()[0];
  Node* after = nullptr;
  auto readers = g.GetConsumerNodes(out->Name());
  if (readers.size() == 1 && OnlyFeeds(g, out, *readers[0])) {
    NodeArg* v = nullptr;
    if (auto f = ScaleOf(g, *readers[0], &v); f && v == out) {
      alpha *= *f;
      after = readers[0];
    }
  }
  if (interior.empty() && !after) return false;
  NodeAttributes attrs = fused ? mm.GetAttributes() : NodeAttributes{};
  attrs["alpha"] = MakeAttr("alpha", static_cast<float>(alpha));
  if (after) {
    out = after->MutableOutputDefs()[0];
    g.RemoveNode(after->Index());
  }
  g.RemoveNode(mm.Index());
  AddFusedNode(g, "FusedMatMul", kMSDomain, inputs, {out}, attrs);
  FinishRewrite(g, interior);
  return true;
}

class MatMulScaleFusion final : public GraphTransformer {
 public:
  MatMulScaleFusion() : GraphTransformer("MatMulScaleFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateMatMulScaleFusion() { return std::make_unique<MatMulScaleFusion>(); }

}  // namespace ortlite
