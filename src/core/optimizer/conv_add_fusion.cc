// Conv followed by Add of a constant that varies only along the output channels (shapes such as
// (M,1,1) or (1,M,1,1), or a single value) folds into the Conv's bias.
#include "core/optimizer/conv_fold_utils.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool TryFold(Graph& g, Node& add) {
  if (!IsOp(add, "Add") || add.InputDefs().size() != 2) return false;
  for (size_t side = 0; side < 2; ++side) {
    Node* conv = InputProducer(g, add, side);
    if (!conv || Input(add, 1 - side) == nullptr) continue;
    auto cw = ReadFoldableConv(g, *conv, add);
    if (!cw) continue;
    const onnx::TensorProto* c = ConstantProto(g, Input(add, 1 - side));
    if (!c || static_cast<DataType>(c->data_type()) != cw->type) continue;
    auto values = PerChannelConstant(g, Input(add, 1 - side), cw->OutputRank(), cw->Channels());
    if (!values) continue;
    for (int64_t m = 0; m < cw->Channels(); ++m) cw->b[m] += (*values)[m];
    ReplaceConvWeights(g, *conv, *cw, add);
    return true;
  }
  return false;
}

class ConvAddFusion final : public GraphTransformer {
 public:
  ConvAddFusion() : GraphTransformer("ConvAddFusion", TransformerLevel::kBasic) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFold); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateConvAddFusion() { return std::make_unique<ConvAddFusion>(); }

}  // namespace ortlite
