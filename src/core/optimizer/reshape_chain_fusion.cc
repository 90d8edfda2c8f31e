// Collapses chains of Reshape / Flatten / Squeeze / Unsqueeze into one Reshape of the chain's first
// input. The last op of a pair becomes (or stays) a Reshape whose target is
//   - the output's fully known shape, or
//   - the last op's own constant Reshape target when it has no 0 (copy) entries, which do not
//     depend on the shape of what is being reshaped.
// The earlier op stays while anything else reads it.
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

class ReshapeChainFusion final : public GraphTransformer {
 public:
  ReshapeChainFusion() : GraphTransformer("ReshapeChainFusion", TransformerLevel::kBasic) {}

  bool Apply(Graph& graph, const TransformContext&) const override {
    if (OnnxOpset(graph) < 5) return false;
    return RewriteEach(graph, [](Graph& g, Node& n) { return TryCollapse(g, n); });
  }

 private:
  static bool TryCollapse(Graph& graph, Node& node) {
    Node* n = &node;
    if (!IsViewOp(*n)) return false;
    Node* first = InputProducer(graph, *n, 0);
    if (!first || !IsViewOp(*first)) return false;
    NodeArg* source = first->MutableInputDefs()[0];
    if (!source->IsTensorType()) return false;

    NodeArg* target = nullptr;
    bool zero_is_literal = false;
    if (n->OpType() == "Reshape") {
      auto t = ConstantInts(graph, Input(*n, 1));
      const bool allow_zero = IntAttr(*n, "allowzero", 0) != 0;
      bool has_zero = false;
      if (t)
        for (int64_t d : *t) has_zero |= d == 0;
      if (t && (!has_zero || allow_zero)) target = n->MutableInputDefs()[1];
    }
    if (!target) {
      auto dims = StaticShape(n->OutputDefs()[0]);
      if (!dims) return false;
      for (int64_t d : *dims) zero_is_literal |= d == 0;
      if (zero_is_literal && OnnxOpset(graph) < 14) return false;
      target = &AddInt64Constant(graph, n->Name() + "_shape", *dims, {static_cast<int64_t>(dims->size())});
    }

    std::vector<std::string> old_constants;
    if (const NodeArg* s = Input(*first, 1)) old_constants.push_back(s->Name());
    if (n->OpType() == "Reshape") {
      if (n->MutableInputDefs()[1] != target) old_constants.push_back(n->InputDefs()[1]->Name());
      n->MutableInputDefs()[0] = source;
      n->MutableInputDefs()[1] = target;
      if (zero_is_literal) n->MutableAttributes()["allowzero"] = MakeAttr("allowzero", int64_t{1});
    } else {
      // Replace the Flatten/Squeeze/Unsqueeze by a Reshape producing the same value.
      NodeAttributes attrs;
      if (zero_is_literal) attrs["allowzero"] = MakeAttr("allowzero", int64_t{1});
      NodeArg* out = n->MutableOutputDefs()[0];
      if (const NodeArg* axes = Input(*n, 1)) old_constants.push_back(axes->Name());
      graph.RemoveNode(n->Index());
      AddFusedNode(graph, "Reshape", "", {source, target}, {out}, attrs);
    }
    FinishRewrite(graph, {first->Index()}, old_constants);
    return true;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateReshapeChainFusion() { return std::make_unique<ReshapeChainFusion>(); }

}  // namespace ortlite
