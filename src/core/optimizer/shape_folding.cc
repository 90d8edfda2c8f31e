// Shape and Size of a value whose shape inference gave every dimension are constants: they are
// replaced by initializers, which lets ConstantFolding evaluate the shape arithmetic exporters
// emit (Shape -> Gather -> Div -> Slice ...). Feeds are checked against the declared dims, so the
// inferred static shapes hold at run time.
#include <algorithm>

#include "core/framework/tensorprotoutils.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

class ShapeFolding final : public GraphTransformer {
 public:
  ShapeFolding() : GraphTransformer("ShapeFolding", TransformerLevel::kBasic) {}

  bool Apply(Graph& graph, const TransformContext&) const override {
    bool changed = false;
    for (Node* n : graph.Nodes()) {
      const bool is_shape = IsOp(*n, "Shape"), is_size = IsOp(*n, "Size");
      if (!is_shape && !is_size) continue;
      const NodeArg* x = Input(*n, 0);
      const NodeArg* y = n->OutputDefs().empty() ? nullptr : n->OutputDefs()[0];
      if (!x || !y || !y->Exists() || !x->IsTensorType()) continue;
      // A value of the enclosing graph seen from a subgraph may be fed with any shape.
      if (graph.ParentGraph() && graph.IsGraphOutput(y->Name())) continue;
      std::optional<std::vector<int64_t>> dims = StaticShape(x);
      if (!dims) continue;
      Tensor value;
      if (is_shape) {
        const int64_t rank = static_cast<int64_t>(dims->size());
        int64_t start = IntAttr(*n, "start", 0), end = IntAttr(*n, "end", rank);
        if (start < 0) start += rank;
        if (end < 0) end += rank;
        start = std::clamp<int64_t>(start, 0, rank);
        end = std::clamp<int64_t>(end, 0, rank);
        std::vector<int64_t> part;
        for (int64_t i = start; i < end; ++i) part.push_back((*dims)[i]);
        value = Tensor::FromVector<int64_t>(part, TensorShape({static_cast<int64_t>(part.size())}));
      } else {
        int64_t size = 1;
        for (int64_t d : *dims) size *= d;
        value = Tensor::FromVector<int64_t>({size}, TensorShape(std::vector<int64_t>{}));
      }
      const std::string name = y->Name();
      graph.RemoveNode(n->Index());
      graph.AddInitializer(TensorToProto(value, name));
      changed = true;
    }
    if (changed) graph.Resolve();
    return changed;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateShapeFolding() { return std::make_unique<ShapeFolding>(); }

}  // namespace ortlite
