// Removes Casts that change nothing: a Cast to the element type its input already has, and the
// first Cast of a pair Cast(Cast(x, A), B) when x -> A is exact for every value (a widening such as
// float -> double or int32 -> int64), since then B is reached from x just as from the widened value.
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// True if every value of type `from` is represented exactly in `to`.
bool IsExactWidening(DataType from, DataType to) {
  using D = DataType;
  if (from == to) return true;
  switch (from) {
    case D::kBool:
      return to != D::kString && to != D::kComplex64 && to != D::kComplex128 && to != D::kUndefined;
    case D::kFloat16:
    case D::kBFloat16:
      return to == D::kFloat || to == D::kDouble;
    case D::kFloat:
      return to == D::kDouble;
    case D::kInt8:
      return to == D::kInt16 || to == D::kInt32 || to == D::kInt64 || to == D::kFloat || to == D::kDouble ||
             to == D::kFloat16;
    case D::kUInt8:
      return to == D::kUInt16 || to == D::kUInt32 || to == D::kUInt64 || to == D::kInt16 || to == D::kInt32 ||
             to == D::kInt64 || to == D::kFloat || to == D::kDouble || to == D::kFloat16;
    case D::kInt16:
      return to == D::kInt32 || to == D::kInt64 || to == D::kFloat || to == D::kDouble;
    case D::kUInt16:
      return to == D::kUInt32 || to == D::kUInt64 || to == D::kInt32 || to == D::kInt64 || to == D::kFloat ||
             to == D::kDouble;
    case D::kInt32:
      return to == D::kInt64 || to == D::kDouble;
    case D::kUInt32:
      return to == D::kUInt64 || to == D::kInt64 || to == D::kDouble;
    default:
      return false;
  }
}

bool IsPlainCast(const Node& n) {
  if (!IsOp(n, "Cast") || !Input(n, 0) || n.OutputDefs().empty()) return false;
  // Casts from or to strings format and parse text; saturate only matters for float8 targets.
  const DataType in = n.InputDefs()[0]->ElementType();
  const DataType out = static_cast<DataType>(IntAttr(n, "to", 0));
  return in != DataType::kUndefined && in != DataType::kString && out != DataType::kString;
}

class CastElimination final : public GraphTransformer {
 public:
  CastElimination() : GraphTransformer("CastElimination", TransformerLevel::kBasic) {}

  bool Apply(Graph& graph, const TransformContext&) const override {
    bool changed = false;
    std::vector<NodeIndex> candidates;
    for (NodeIndex i : std::vector<NodeIndex>(graph.TopologicalOrder())) {
      Node* n = graph.GetNode(i);
      if (!n || !IsPlainCast(*n)) continue;
      NodeArg* x = n->MutableInputDefs()[0];
      const NodeArg* y = n->OutputDefs()[0];
      const DataType to = static_cast<DataType>(IntAttr(*n, "to", 0));
      if (x->ElementType() == to && x->IsTensorType()) {
        if (!CanRedirect(graph, y)) continue;
        RedirectConsumers(graph, y, x);
        graph.RemoveNode(i);
        changed = true;
        continue;
      }
      Node* first = InputProducer(graph, *n, 0);
      if (!first || !IsPlainCast(*first)) continue;
      NodeArg* source = first->MutableInputDefs()[0];
      if (!IsExactWidening(source->ElementType(), x->ElementType())) continue;
      n->MutableInputDefs()[0] = source;
      candidates.push_back(first->Index());
      changed = true;
    }
    if (changed) FinishRewrite(graph, candidates);
    return changed;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateCastElimination() { return std::make_unique<CastElimination>(); }

}  // namespace ortlite
