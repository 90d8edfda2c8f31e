// Conv followed by an inference-mode BatchNormalization with constant parameters becomes one Conv:
//   factor = scale / sqrt(var + epsilon)
//   W'[m] = W[m] * factor[m],  B'[m] = (B[m] - mean[m]) * factor[m] + bias[m]
#include <cmath>

#include "core/optimizer/conv_fold_utils.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool TryFold(Graph& g, Node& bn) {
  if (!IsOp(bn, "BatchNormalization") || bn.InputDefs().size() < 5) return false;
  // Only the normalised output may be used: the statistics outputs belong to training.
  for (size_t i = 1; i < bn.OutputDefs().size(); ++i) {
    const NodeArg* o = bn.OutputDefs()[i];
    if (o->Exists() && (g.IsGraphOutput(o->Name()) || ConsumerCount(g, o) > 0)) return false;
  }
  if (IntAttr(bn, "training_mode", 0) != 0 || IntAttr(bn, "spatial", 1) != 1) return false;
  if (bn.SinceVersion() < 7 && IntAttr(bn, "is_test", 0) == 0) return false;
  Node* conv = InputProducer(g, bn, 0);
  if (!conv) return false;
  auto cw = ReadFoldableConv(g, *conv, bn);
  if (!cw) return false;
  std::vector<double> p[4];  // scale, bias, mean, var
  for (int k = 0; k < 4; ++k) {
    const onnx::TensorProto* t = ConstantProto(g, Input(bn, k + 1));
    auto v = ConstantDoubles(g, Input(bn, k + 1));
    if (!t || !v || t->dims_size() != 1 || static_cast<int64_t>(v->size()) != cw->Channels()) return false;
    p[k] = std::move(*v);
  }
  const double epsilon = FloatAttr(bn, "epsilon", 1e-5f);
  const int64_t per = cw->PerChannel();
  for (int64_t m = 0; m < cw->Channels(); ++m) {
    const double factor = p[0][m] / std::sqrt(p[3][m] + epsilon);
    for (int64_t j = 0; j < per; ++j) cw->w[m * per + j] *= factor;
    cw->b[m] = (cw->b[m] - p[2][m]) * factor + p[1][m];
  }
  ReplaceConvWeights(g, *conv, *cw, bn);
  return true;
}

class ConvBNFusion final : public GraphTransformer {
 public:
  ConvBNFusion() : GraphTransformer("ConvBNFusion", TransformerLevel::kBasic) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFold); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateConvBNFusion() { return std::make_unique<ConvBNFusion>(); }

}  // namespace ortlite
