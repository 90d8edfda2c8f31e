// Conv + MaxPool fusion into ConvMaxPool (ortlite.internal), whose CPU kernel computes the
// convolution in bands of output rows and pools each band while it is in cache, so the
// convolution's full output is never written out:
//   MaxPool(Conv(X, W, B))       -> ConvMaxPool(X, W, B, pool_*=MaxPool's attributes)
//   MaxPool(FusedConv(X, W, B))  -> ConvMaxPool(X, W, B, activation=..., pool_*=...)
// 2-D float convolutions without a residual input; the MaxPool must not produce Indices and must
// be the convolution output's only consumer.
#include "core/framework/kernel_registry.h"
#include "core/framework/memcpy.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// MaxPool attributes the kernel reads with the "pool_" prefix.
constexpr const char* kPoolAttributes[] = {"kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations"};

bool TryFuse(Graph& g, Node& pool) {
  if (!IsOp(pool, "MaxPool") || pool.InputDefs().empty() || pool.OutputDefs().empty()) return false;
  if (pool.OutputDefs().size() > 1 && pool.OutputDefs()[1]->Exists()) return false;  // Indices
  Node* conv = InputProducer(g, pool, 0);
  if (!conv) return false;
  const bool fused = IsOp(*conv, "FusedConv", kMSDomain);
  if (!IsOp(*conv, "Conv") && !fused) return false;
  if (conv->OutputDefs().size() != 1 || conv->InputDefs().size() > 3) return false;
  const NodeArg* y = conv->OutputDefs()[0];
  if (y->ElementType() != DataType::kFloat || Rank(y) != 4 || !OnlyFeeds(g, y, pool)) return false;

  NodeAttributes attrs = conv->GetAttributes();
  for (const char* name : kPoolAttributes) {
    const auto it = pool.GetAttributes().find(name);
    if (it == pool.GetAttributes().end()) continue;
    onnx::AttributeProto a = it->second;
    a.set_name(std::string("pool_") + name);
    attrs[a.name()] = a;
  }
  std::vector<NodeArg*> inputs(conv->MutableInputDefs().begin(), conv->MutableInputDefs().end());
  NodeArg* out = pool.MutableOutputDefs()[0];
  const NodeIndex conv_index = conv->Index();
  g.RemoveNode(pool.Index());
  AddFusedNode(g, "ConvMaxPool", kOrtliteInternalDomain, inputs, {out}, attrs);
  FinishRewrite(g, {conv_index});
  return true;
}

class ConvPoolFusion final : public GraphTransformer {
 public:
  ConvPoolFusion() : GraphTransformer("ConvPoolFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateConvPoolFusion() { return std::make_unique<ConvPoolFusion>(); }

}  // namespace ortlite
