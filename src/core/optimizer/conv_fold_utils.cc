#include "core/optimizer/conv_fold_utils.h"

#include "core/optimizer/pattern_utils.h"

namespace ortlite {
namespace opt {

std::optional<ConvWeights> ReadFoldableConv(const Graph& g, const Node& conv, const Node& consumer) {
  if (!IsOp(conv, "Conv") || conv.OutputDefs().size() != 1) return std::nullopt;
  if (!OnlyFeeds(g, conv.OutputDefs()[0], consumer)) return std::nullopt;
  const onnx::TensorProto* wp = ConstantProto(g, Input(conv, 1));
  if (!wp || wp->dims_size() < 3 || !IsFloatType(static_cast<DataType>(wp->data_type()))) return std::nullopt;
  ConvWeights cw;
  cw.type = static_cast<DataType>(wp->data_type());
  cw.w_dims.assign(wp->dims().begin(), wp->dims().end());
  auto w = ConstantDoubles(g, Input(conv, 1));
  if (!w || cw.w_dims[0] <= 0) return std::nullopt;
  cw.w = std::move(*w);
  if (const NodeArg* b = Input(conv, 2)) {
    auto bv = ConstantDoubles(g, b);
    const onnx::TensorProto* bp = ConstantProto(g, b);
    if (!bv || bp->data_type() != wp->data_type() || static_cast<int64_t>(bv->size()) != cw.Channels())
      return std::nullopt;
    cw.b = std::move(*bv);
  } else {
    cw.b.assign(static_cast<size_t>(cw.Channels()), 0.0);
  }
  return cw;
}

void ReplaceConvWeights(Graph& g, Node& conv, const ConvWeights& cw, Node& folded) {
  std::vector<std::string> old;
  for (const NodeArg* a : conv.InputDefs())
    if (a->Exists()) old.push_back(a->Name());
  for (const NodeArg* a : folded.InputDefs())
    if (a->Exists()) old.push_back(a->Name());
  NodeArg& w = AddConstant(g, conv.Name() + "_W", FloatTensor(cw.type, TensorShape(cw.w_dims), cw.w));
  NodeArg& b = AddConstant(g, conv.Name() + "_B", FloatTensor(cw.type, TensorShape({cw.Channels()}), cw.b));
  auto& inputs = conv.MutableInputDefs();
  inputs[1] = &w;
  if (inputs.size() > 2) {
    inputs[2] = &b;
  } else {
    inputs.push_back(&b);
  }
  conv.MutableOutputDefs()[0] = folded.MutableOutputDefs()[0];
  g.RemoveNode(folded.Index());
  FinishRewrite(g, {}, old);
}

}  // namespace opt
}  // namespace ortlite
