// Bias + Gelu fusion: Gelu(Add(x, b)) with b a 1-D tensor over x's last dimension becomes
// com.microsoft BiasGelu(x, b); FastGelu(Add(x, b)) becomes FastGelu(x, b). The Add's result
// must feed only the activation.
#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// True if `b` is 1-D with x's (known) last dimension, so x + b has x's shape.
bool IsLastDimBias(const NodeArg* x, const NodeArg* b) {
  auto xs = x->Shape();
  auto bs = b->Shape();
  return xs && bs && !xs->empty() && bs->size() == 1 && (*bs)[0] >= 0 && (*bs)[0] == xs->back() &&
         x->ElementType() == b->ElementType();
}

bool TryFuse(Graph& g, Node& act) {
  const bool gelu = IsOp(act, "Gelu", kMSDomain);
  const bool fast = IsOp(act, "FastGelu", kMSDomain) && act.InputDefs().size() == 1;
  if ((!gelu && !fast) || !Input(act, 0)) return false;
  Node* add = InputProducer(g, act, 0);
  if (!add || !IsOp(*add, "Add") || add->InputDefs().size() != 2 || !OnlyFeeds(g, add->OutputDefs()[0], act))
    return false;
  for (size_t s = 0; s < 2; ++s) {
    NodeArg* x = add->MutableInputDefs()[s];
    NodeArg* b = add->MutableInputDefs()[1 - s];
    if (!x->Exists() || !b->Exists() || !IsFloatType(x->ElementType()) || !IsLastDimBias(x, b)) continue;
    NodeArg* out = act.MutableOutputDefs()[0];
    const NodeIndex add_index = add->Index();
    g.RemoveNode(act.Index());
    AddFusedNode(g, gelu ? "BiasGelu" : "FastGelu", kMSDomain, {x, b}, {out});
    FinishRewrite(g, {add_index});
    return true;
  }
  return false;
}

class BiasGeluFusion final : public GraphTransformer {
 public:
  BiasGeluFusion() : GraphTransformer("BiasGeluFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateBiasGeluFusion() { return std::make_unique<BiasGeluFusion>(); }

}  // namespace ortlite
