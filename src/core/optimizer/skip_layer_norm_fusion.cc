// SkipLayerNormalization fusion: LayerNormalization over the last axis of Add(input, skip), where
// skip has input's shape or its trailing dims, becomes com.microsoft SkipLayerNormalization. A
// 1-D bias added to either operand just before (Add(y, bias), read only there) is folded in as the
// bias input. Other readers of the sum use the fused node's input_skip_bias_sum output; the
// LayerNormalization's Mean and InvStdDev map to its mean and inv_std_var outputs (float only).
#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// True if `skip`, without leading 1s, matches the trailing dims of `input`.
bool IsSkipFor(const NodeArg* skip, const NodeArg* input) {
  const int rs = Rank(skip), ri = Rank(input);
  if (rs < 1 || ri < 1) return false;
  auto sd = *skip->Shape();
  int first = 0;
  while (first < rs - 1 && sd[first] == 1) ++first;
  if (rs - first > ri) return false;
  for (int k = first; k < rs; ++k)
    if (!SameDim(skip, k, input, ri - rs + k)) return false;
  return true;
}

// True if b is 1-D over x's last dimension (so x + b has x's shape).
bool IsLastDimBias(const NodeArg* x, const NodeArg* b) {
  const int r = Rank(x);
  return r >= 1 && Rank(b) == 1 && SameDim(b, 0, x, r - 1) && b->ElementType() == x->ElementType();
}

bool TryFuse(Graph& g, Node& ln) {
  if (!IsOp(ln, "LayerNormalization") || !Input(ln, 0) || !Input(ln, 1)) return false;
  NodeArg* x = ln.MutableInputDefs()[0];
  const int rank = Rank(x);
  if (rank < 1 || !IsFloatType(x->ElementType())) return false;
  const int64_t axis = IntAttr(ln, "axis", -1);
  if (axis != -1 && axis != rank - 1) return false;
  if (IntAttr(ln, "stash_type", 1) != 1 && x->ElementType() != DataType::kFloat) return false;
  NodeArg* gamma = ln.MutableInputDefs()[1];
  NodeArg* beta = Input(ln, 2) ? ln.MutableInputDefs()[2] : nullptr;
  if (!IsLastDimBias(x, gamma) || (beta && !IsLastDimBias(x, beta))) return false;
  for (size_t i = 1; i < ln.OutputDefs().size() && i < 3; ++i) {
    const NodeArg* o = ln.OutputDefs()[i];
    if (o->Exists() && o->ElementType() != DataType::kFloat) return false;
  }

  Node* add = InputProducer(g, ln, 0);
  if (!add || !IsOp(*add, "Add") || add->InputDefs().size() != 2) return false;

  for (size_t s = 0; s < 2; ++s) {
    NodeArg* input = add->MutableInputDefs()[s];
    NodeArg* skip = add->MutableInputDefs()[1 - s];
    if (!input->Exists() || !skip->Exists() || !SameShape(input, x) || !IsSkipFor(skip, input) ||
        input->ElementType() != skip->ElementType())
      continue;
    // Fold a bias added to one operand just before.
    NodeArg* bias = nullptr;
    std::vector<NodeIndex> interior = {add->Index()};
    for (NodeArg** operand : {&skip, &input}) {
      Node* p = g.GetProducerNode((*operand)->Name());
      if (bias || !p || !IsOp(*p, "Add") || p->InputDefs().size() != 2 || !OnlyFeeds(g, *operand, *add)) continue;
      for (size_t k = 0; k < 2; ++k) {
        NodeArg* y = p->MutableInputDefs()[k];
        NodeArg* b = p->MutableInputDefs()[1 - k];
        if (y->Exists() && b->Exists() && SameShape(y, *operand) && IsLastDimBias(*operand, b)) {
          *operand = y;
          bias = b;
          interior.push_back(p->Index());
          break;
        }
      }
    }
    std::vector<NodeArg*> outputs = {ln.MutableOutputDefs()[0], NoValue(g), NoValue(g), NoValue(g)};
    for (size_t i = 1; i < ln.OutputDefs().size() && i < 3; ++i) outputs[i] = ln.MutableOutputDefs()[i];
    const bool sum_used = g.IsGraphOutput(x->Name()) || g.GetConsumerNodes(x->Name()).size() > 1;
    if (sum_used) outputs[3] = add->MutableOutputDefs()[0];
    while (!outputs.back()->Exists()) outputs.pop_back();
    std::vector<NodeArg*> inputs = {input, skip, gamma, beta ? beta : NoValue(g)};
    if (bias) inputs.push_back(bias);
    while (!inputs.back()->Exists()) inputs.pop_back();
    NodeAttributes attrs;
    attrs["epsilon"] = MakeAttr("epsilon", FloatAttr(ln, "epsilon", 1e-5f));
    if (sum_used) {
      g.RemoveNode(add->Index());
      interior.erase(interior.begin());
    }
    g.RemoveNode(ln.Index());
    AddFusedNode(g, "SkipLayerNormalization", kMSDomain, inputs, outputs, attrs);
    FinishRewrite(g, interior);
    return true;
  }
  return false;
}

class SkipLayerNormFusion final : public GraphTransformer {
 public:
  SkipLayerNormFusion() : GraphTransformer("SkipLayerNormFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateSkipLayerNormFusion() { return std::make_unique<SkipLayerNormFusion>(); }

}  // namespace ortlite
