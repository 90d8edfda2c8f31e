// MatMul transpose fusion: a MatMul (or FusedMatMul) operand produced by a Transpose that swaps
// only the last two axes (read nowhere else) is read untransposed, and the fused node's transA or
// transB is toggled instead.
#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool SwapsLastTwo(const Node& t) {
  if (!IsOp(t, "Transpose") || !Input(t, 0)) return false;
  const int rank = Rank(t.InputDefs()[0]);
  auto perm = IntsAttr(t, "perm");
  if (rank < 2) return false;
  if (!perm) return rank == 2;  // the default reverses the dims
  if (static_cast<int>(perm->size()) != rank) return false;
  for (int i = 0; i < rank - 2; ++i)
    if ((*perm)[i] != i) return false;
  return (*perm)[rank - 2] == rank - 1 && (*perm)[rank - 1] == rank - 2;
}

bool TryFuse(Graph& g, Node& mm) {
  const bool fused = IsOp(mm, "FusedMatMul", kMSDomain);
  if ((!IsOp(mm, "MatMul") && !fused) || mm.InputDefs().size() != 2) return false;
  if (!IsFloatType(mm.OutputDefs()[0]->ElementType())) return false;
  NodeAttributes attrs = fused ? mm.GetAttributes() : NodeAttributes{};
  std::vector<NodeArg*> inputs = {mm.MutableInputDefs()[0], mm.MutableInputDefs()[1]};
  std::vector<NodeIndex> interior;
  for (size_t i = 0; i < 2; ++i) {
    Node* t = InputProducer(g, mm, i);
    if (!t || !SwapsLastTwo(*t) || !OnlyFeeds(g, inputs[i], mm) || inputs[0] == inputs[1]) continue;
    const char* name = i == 0 ? "transA" : "transB";
    attrs[name] = MakeAttr(name, IntAttr(mm, name, 0) == 0 ? int64_t{1} : int64_t{0});
    inputs[i] = t->MutableInputDefs()[0];
    interior.push_back(t->Index());
  }
  if (interior.empty()) return false;
  NodeArg* out = mm.MutableOutputDefs()[0];
  g.RemoveNode(mm.Index());
  AddFusedNode(g, "FusedMatMul", kMSDomain, inputs, {out}, attrs);
  FinishRewrite(g, interior);
  return true;
}

class MatMulTransposeFusion final : public GraphTransformer {
 public:
  MatMulTransposeFusion() : GraphTransformer("MatMulTransposeFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateMatMulTransposeFusion() { return std::make_unique<MatMulTransposeFusion>(); }

}  // namespace ortlite
