// Shared by ConvBNFusion, ConvAddFusion and ConvMulFusion: reading a Conv's constant weight and
// bias, and writing folded ones back as new initializers.
#pragma once
#include <optional>
#include <vector>

#include "core/graph/graph.h"

namespace ortlite {
namespace opt {

struct ConvWeights {
  DataType type = DataType::kUndefined;
  std::vector<int64_t> w_dims;  // (M, C/group, k...)
  std::vector<double> w;
  std::vector<double> b;  // M values (zeros when the Conv has no bias)
  int64_t Channels() const { return w_dims[0]; }
  int OutputRank() const { return static_cast<int>(w_dims.size()); }
  // Elements of W per output channel.
  int64_t PerChannel() const { return Channels() == 0 ? 0 : static_cast<int64_t>(w.size()) / Channels(); }
};

// The weights of an ONNX Conv whose W (and B, if present) are float-typed constant initializers
// and whose output feeds only `consumer`.
std::optional<ConvWeights> ReadFoldableConv(const Graph& g, const Node& conv, const Node& consumer);

// Gives `conv` the weights in `cw` (as new initializers) and makes it produce the output of
// `folded`, which is removed; the old weights are dropped if nothing else reads them.
void ReplaceConvWeights(Graph& g, Node& conv, const ConvWeights& cw, Node& folded);

}  // namespace opt
}  // namespace ortlite
