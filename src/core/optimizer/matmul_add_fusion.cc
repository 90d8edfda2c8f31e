// MatMul + Add fusion: MatMul(A, B) with 2-D A and B whose (M, N) result is read only by an Add
// of C, where C broadcasts unidirectionally to (M, N) (e.g. a bias of N values), becomes
// Gemm(A, B, C). Float types only.
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// True if c broadcasts to y's 2-D shape without growing it.
bool BroadcastsTo(const NodeArg* c, const NodeArg* y) {
  const int rc = Rank(c);
  if (rc < 0 || rc > 2 || Rank(y) != 2) return false;
  auto cd = *c->Shape();
  for (int k = 0; k < rc; ++k)
    if (cd[k] != 1 && !SameDim(c, k, y, 2 - rc + k)) return false;
  return true;
}

bool TryFuse(Graph& g, Node& mm) {
  if (!IsOp(mm, "MatMul") || mm.InputDefs().size() != 2 || OnnxOpset(g) < 7) return false;
  NodeArg* a = mm.MutableInputDefs()[0];
  NodeArg* b = mm.MutableInputDefs()[1];
  NodeArg* y = mm.MutableOutputDefs()[0];
  if (Rank(a) != 2 || Rank(b) != 2 || Rank(y) != 2 || !IsFloatType(y->ElementType())) return false;
  auto readers = g.GetConsumerNodes(y->Name());
  if (readers.size() != 1 || !OnlyFeeds(g, y, *readers[0])) return false;
  Node& add = *readers[0];
  if (!IsOp(add, "Add") || add.InputDefs().size() != 2 || add.SinceVersion() < 7) return false;
  const size_t side = add.InputDefs()[0] == y ? 0 : 1;
  NodeArg* c = add.MutableInputDefs()[1 - side];
  if (add.InputDefs()[side] != y || !c->Exists() || c == y || c->ElementType() != y->ElementType() ||
      !BroadcastsTo(c, y))
    return false;
  NodeArg* out = add.MutableOutputDefs()[0];
  g.RemoveNode(add.Index());
  g.RemoveNode(mm.Index());
  AddFusedNode(g, "Gemm", "", {a, b, c}, {out});
  FinishRewrite(g, {});
  return true;
}

class MatMulAddFusion final : public GraphTransformer {
 public:
  MatMulAddFusion() : GraphTransformer("MatMulAddFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateMatMulAddFusion() { return std::make_unique<MatMulAddFusion>(); }

}  // namespace ortlite
