// Common subexpression elimination: two nodes with the same op, version, attributes and inputs
// compute the same values, so readers of the later one are pointed at the earlier one. Constant
// initializers count as the same input when their type, dims and bytes are equal. Random ops,
// ops with subgraphs and ops outside the ONNX, ONNX-ML and com.microsoft domains (custom kernels
// may keep state) are left alone.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

// Initializers up to this many bytes are compared by content.
constexpr size_t kMaxComparedConstantBytes = 1 << 16;

bool IsCandidate(const Node& n) {
  static const std::unordered_set<std::string> random_ops = {
      "RandomNormal", "RandomUniform", "RandomNormalLike", "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout"};
  if (n.NodeType() != Node::Type::kPrimitive || !n.Subgraphs().empty()) return false;
  const std::string& d = n.Domain();
  if (d != "" && d != "ai.onnx.ml" && d != kMSDomain) return false;
  if (random_ops.count(n.OpType())) return false;
  for (const NodeArg* o : n.OutputDefs())
    if (o->Exists()) return true;
  return false;
}

class CommonSubexpressionElimination final : public GraphTransformer {
 public:
  CommonSubexpressionElimination()
      : GraphTransformer("CommonSubexpressionElimination", TransformerLevel::kBasic) {}

  bool Apply(Graph& graph, const TransformContext&) const override {
    std::unordered_map<std::string, std::string> constant_ids;      // initializer name -> content id
    std::unordered_map<std::string, std::string> content_to_first;  // content -> first initializer name
    auto value_id = [&](const NodeArg* a) -> std::string {
      if (!a->Exists()) return "<none>";
      auto it = constant_ids.find(a->Name());
      if (it != constant_ids.end()) return it->second;
      std::string id = a->Name();
      const onnx::TensorProto* t = ConstantProto(graph, a);
      int64_t count = 1;
      if (t)
        for (int64_t d : t->dims()) count *= d;
      if (t && IsValidDataType(t->data_type()) &&
          count * DataTypeSize(static_cast<DataType>(t->data_type())) <= kMaxComparedConstantBytes) {
        std::optional<Tensor> v = ConstantTensor(graph, a);
        if (v && v->GetElementType() != DataType::kString && v->SizeInBytes() <= kMaxComparedConstantBytes) {
          std::string content = std::to_string(t->data_type()) + ":";
          for (int64_t d : t->dims()) content += std::to_string(d) + ",";
          content += ":";
          content.append(static_cast<const char*>(v->DataRaw()), v->SizeInBytes());
          id = content_to_first.emplace(content, a->Name()).first->second;
        }
      }
      constant_ids.emplace(a->Name(), id);
      return id;
    };

    std::unordered_map<std::string, NodeIndex> seen;
    std::vector<NodeIndex> removed;
    for (NodeIndex i : std::vector<NodeIndex>(graph.TopologicalOrder())) {
      Node* n = graph.GetNode(i);
      if (!n || !IsCandidate(*n)) continue;
      std::string key = n->Domain() + "|" + n->OpType() + "|" + std::to_string(n->SinceVersion()) + "|";
      for (const NodeArg* a : n->InputDefs()) key += value_id(a) + '\x1f';
      key += "|";
      for (const NodeArg* a : n->ImplicitInputDefs()) key += a->Name() + '\x1f';
      key += "|";
      for (const NodeArg* a : n->OutputDefs()) key += a->Exists() ? '1' : '0';
      std::vector<std::string> names;
      for (const auto& [name, attr] : n->GetAttributes()) names.push_back(name);
      std::sort(names.begin(), names.end());
      for (const auto& name : names) key += "|" + n->GetAttributes().at(name).SerializeAsString();

      auto [it, inserted] = seen.emplace(key, i);
      if (inserted) continue;
      Node* first = graph.GetNode(it->second);
      bool redirectable = true;
      for (const NodeArg* o : n->OutputDefs())
        if (o->Exists() && !CanRedirect(graph, o)) redirectable = false;
      if (!redirectable) continue;
      for (size_t k = 0; k < n->OutputDefs().size(); ++k) {
        const NodeArg* o = n->OutputDefs()[k];
        if (o->Exists()) RedirectConsumers(graph, o, first->MutableOutputDefs()[k]);
      }
      graph.RemoveNode(i);
      removed.push_back(i);
    }
    if (removed.empty()) return false;
    FinishRewrite(graph, {});
    return true;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateCommonSubexpressionElimination() {
  return std::make_unique<CommonSubexpressionElimination>();
}

}  // namespace ortlite
