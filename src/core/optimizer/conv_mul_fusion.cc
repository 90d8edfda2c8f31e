// Conv followed by Mul with a constant that varies only along the output channels folds into the
// Conv: W'[m] = W[m] * c[m], B'[m] = B[m] * c[m].
#include "core/optimizer/conv_fold_utils.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool TryFold(Graph& g, Node& mul) {
  if (!IsOp(mul, "Mul") || mul.InputDefs().size() != 2) return false;
  for (size_t side = 0; side < 2; ++side) {
    Node* conv = InputProducer(g, mul, side);
    if (!conv || Input(mul, 1 - side) == nullptr) continue;
    auto cw = ReadFoldableConv(g, *conv, mul);
    if (!cw) continue;
    const onnx::TensorProto* c = ConstantProto(g, Input(mul, 1 - side));
    if (!c || static_cast<DataType>(c->data_type()) != cw->type) continue;
    auto values = PerChannelConstant(g, Input(mul, 1 - side), cw->OutputRank(), cw->Channels());
    if (!values) continue;
    const int64_t per = cw->PerChannel();
    for (int64_t m = 0; m < cw->Channels(); ++m) {
      for (int64_t j = 0; j < per; ++j) cw->w[m * per + j] *= (*values)[m];
      cw->b[m] *= (*values)[m];
    }
    ReplaceConvWeights(g, *conv, *cw, mul);
    return true;
  }
  return false;
}

class ConvMulFusion final : public GraphTransformer {
 public:
  ConvMulFusion() : GraphTransformer("ConvMulFusion", TransformerLevel::kBasic) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFold); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateConvMulFusion() { return std::make_unique<ConvMulFusion>(); }

}  // namespace ortlite
