// Conv + activation and Conv + Add (residual) fusion into com.microsoft FusedConv, whose CPU kernel
// runs the bias, the residual and the activation in the GEMM's final store instead of separate
// passes over the output:
//   Act(Conv(X, W, B))            -> FusedConv(X, W, B, activation=Act)
//   Add(Conv(X, W, B), Z)         -> FusedConv(X, W, B, Z)        (Z of the Conv output's shape)
//   Act(FusedConv(X, W, B, Z))    -> FusedConv(X, W, B, Z, activation=Act)
// Act is Relu, Clip (constant bounds), LeakyRelu, Sigmoid, Tanh or HardSigmoid. Only float
// tensors; the Conv output must feed nothing else.
#include <cfloat>

#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

struct FusedActivation {
  std::string name;
  std::vector<float> params;
};

// The activation `n` computes, if FusedConv can run it.
std::optional<FusedActivation> ReadActivation(const Graph& g, const Node& n) {
  if (IsOp(n, "Relu")) return FusedActivation{"Relu", {}};
  if (IsOp(n, "Sigmoid")) return FusedActivation{"Sigmoid", {}};
  if (IsOp(n, "Tanh")) return FusedActivation{"Tanh", {}};
  if (IsOp(n, "LeakyRelu")) return FusedActivation{"LeakyRelu", {FloatAttr(n, "alpha", 0.01f)}};
  if (IsOp(n, "HardSigmoid")) {
    return FusedActivation{"HardSigmoid", {FloatAttr(n, "alpha", 0.2f), FloatAttr(n, "beta", 0.5f)}};
  }
  if (IsOp(n, "Clip")) {
    float lo = -FLT_MAX, hi = FLT_MAX;
    if (n.SinceVersion() < 11) {
      lo = FloatAttr(n, "min", lo);
      hi = FloatAttr(n, "max", hi);
    } else {
      // Bounds are optional inputs; they must be constants to become attributes.
      for (size_t i = 1; i < 3; ++i) {
        const NodeArg* bound = Input(n, i);
        if (!bound) continue;
        const std::optional<double> v = ScalarConstant(g, bound);
        if (!v) return std::nullopt;
        (i == 1 ? lo : hi) = static_cast<float>(*v);
      }
    }
    return FusedActivation{"Clip", {lo, hi}};
  }
  return std::nullopt;
}

bool IsFusedConv(const Node& n) { return IsOp(n, "FusedConv", kMSDomain); }

// A Conv, or a FusedConv without an activation yet, whose only output feeds only `consumer`.
bool FusableConv(const Graph& g, const Node& conv, const Node& consumer) {
  if (!IsOp(conv, "Conv") && !(IsFusedConv(conv) && !conv.GetAttribute("activation"))) return false;
  if (conv.OutputDefs().size() != 1) return false;
  const NodeArg* y = conv.OutputDefs()[0];
  return y->ElementType() == DataType::kFloat && OnlyFeeds(g, y, consumer);
}

onnx::AttributeProto StringAttr(const std::string& name, const std::string& value) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(value);
  return a;
}

onnx::AttributeProto FloatsAttr(const std::string& name, const std::vector<float>& values) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOATS);
  for (float v : values) a.add_floats(v);
  return a;
}

// Replaces `conv` and `consumer` by one FusedConv writing the consumer's output.
void Replace(Graph& g, Node& conv, Node& consumer, NodeArg* residual, const FusedActivation* act) {
  std::vector<NodeArg*> inputs;
  for (size_t i = 0; i < 3; ++i) {
    NodeArg* a = i < conv.InputDefs().size() ? conv.MutableInputDefs()[i] : nullptr;
    inputs.push_back(a ? a : NoValue(g));
  }
  if (conv.InputDefs().size() > 3 && conv.InputDefs()[3]->Exists()) residual = conv.MutableInputDefs()[3];
  if (residual) {
    inputs.push_back(residual);
  } else {
    while (!inputs.empty() && !inputs.back()->Exists()) inputs.pop_back();
  }
  NodeAttributes attrs = conv.GetAttributes();
  if (act) {
    attrs["activation"] = StringAttr("activation", act->name);
    if (!act->params.empty()) attrs["activation_params"] = FloatsAttr("activation_params", act->params);
  }
  NodeArg* out = consumer.MutableOutputDefs()[0];
  const NodeIndex conv_index = conv.Index();
  g.RemoveNode(consumer.Index());
  AddFusedNode(g, "FusedConv", kMSDomain, inputs, {out}, attrs);
  FinishRewrite(g, {conv_index});
}

bool TryFuseActivation(Graph& g, Node& act_node) {
  if (act_node.OutputDefs().size() != 1 || !Input(act_node, 0)) return false;
  const std::optional<FusedActivation> act = ReadActivation(g, act_node);
  if (!act) return false;
  Node* conv = InputProducer(g, act_node, 0);
  if (!conv || !FusableConv(g, *conv, act_node)) return false;
  Replace(g, *conv, act_node, nullptr, &*act);
  return true;
}

bool TryFuseAdd(Graph& g, Node& add) {
  if (!IsOp(add, "Add") || add.InputDefs().size() != 2 || add.OutputDefs().size() != 1) return false;
  for (size_t side = 0; side < 2; ++side) {
    Node* conv = InputProducer(g, add, side);
    NodeArg* z = add.MutableInputDefs()[1 - side];
    if (!conv || !z->Exists() || !FusableConv(g, *conv, add)) continue;
    // A FusedConv that already adds a residual cannot take a second one.
    if (conv->InputDefs().size() > 3 && conv->InputDefs()[3]->Exists()) continue;
    // Z must have exactly the Conv output's shape (no broadcasting in FusedConv).
    const auto ys = StaticShape(conv->OutputDefs()[0]);
    const auto zs = StaticShape(z);
    if (!ys || !zs || *ys != *zs || z->ElementType() != DataType::kFloat) continue;
    if (z == conv->OutputDefs()[0]) continue;
    Replace(g, *conv, add, z, nullptr);
    return true;
  }
  return false;
}

class ConvActivationFusion final : public GraphTransformer {
 public:
  ConvActivationFusion() : GraphTransformer("ConvActivationFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override {
    // Residual adds first, so the activation after them joins the same FusedConv.
    const bool added = RewriteEach(graph, TryFuseAdd);
    const bool activated = RewriteEach(graph, TryFuseActivation);
    return added || activated;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateConvActivationFusion() { return std::make_unique<ConvActivationFusion>(); }

}  // namespace ortlite
