// Constant folding: a node whose inputs are all constant initializers is run once at session
// start on the CPU provider and replaced by initializers holding its outputs. Constant nodes are
// folded the same way. Non-deterministic ops and nodes with subgraphs are left alone.
#include <algorithm>
#include <unordered_set>

#include "core/framework/execution_provider.h"
#include "core/framework/logging.h"
#include "core/framework/session_state.h"
#include "core/framework/tensorprotoutils.h"
#include "core/optimizer/graph_transformer.h"
#include "core/plan/execution_frame.h"

namespace ortlite {

namespace {

const std::unordered_set<std::string>& NonDeterministicOps() {
  static const std::unordered_set<std::string> ops = {"RandomNormal", "RandomUniform", "RandomNormalLike",
                                                      "RandomUniformLike", "Multinomial", "Bernoulli", "Dropout"};
  return ops;
}

bool Foldable(const Graph& graph, const Node& n, const KernelRegistry& cpu) {
  if (n.NodeType() != Node::Type::kPrimitive || !n.Subgraphs().empty()) return false;
  if (n.Domain() != "" && n.Domain() != "ai.onnx.ml") return false;
  if (NonDeterministicOps().count(n.OpType())) return false;
  for (const NodeArg* a : n.InputDefs())
    if (a->Exists() && !graph.IsConstantInitializer(a->Name())) return false;
  for (const NodeArg* a : n.OutputDefs()) {
    if (!a->Exists()) continue;
    if (!a->IsTensorType()) return false;  // sequences and optionals stay as nodes
  }
  return cpu.TryFind(n) != nullptr;
}

// Runs `node` alone on the CPU provider with its constant inputs.
std::vector<OrtValue> RunAlone(const Graph& graph, const Node& node, const std::string& model_dir) {
  onnx::GraphProto g;
  g.set_name("constant_folding");
  auto* np = g.add_node();
  np->set_name(node.Name());
  np->set_op_type(node.OpType());
  np->set_domain(node.Domain());
  for (const NodeArg* a : node.InputDefs()) np->add_input(a->Name());
  for (const NodeArg* a : node.OutputDefs()) {
    np->add_output(a->Name());
    if (!a->Exists()) continue;
    auto* vi = g.add_output();
    vi->set_name(a->Name());
    if (a->TypeAsProto()) *vi->mutable_type() = *a->TypeAsProto();
  }
  for (const auto& [k, v] : node.GetAttributes()) *np->add_attribute() = v;
  Graph tiny(graph.OpsetImports());
  tiny.LoadFromProto(g, model_dir);
  // Mapped constants are shared with the tiny graph, not copied.
  std::unordered_set<std::string> added;
  for (const NodeArg* a : node.InputDefs())
    if (a->Exists() && added.insert(a->Name()).second) tiny.CopyInitializerFrom(graph, a->Name());
  CpuExecutionProvider cpu;
  for (Node* n : tiny.Nodes()) n->SetExecutionProviderType(cpu.Type());
  SessionStateConfig config;
  config.mem_pattern = false;
  SessionState state(tiny, {&cpu}, nullptr, nullptr, nullptr, config);
  state.Initialize();
  RunContext run;
  return ExecuteGraph(state, {}, state.GraphOutputIndices(), run);
}

// Shape and Size of a value whose inferred shape is fully static are constants too.
bool FoldStaticShape(Graph& graph, Node& n) {
  if (!n.Domain().empty() || (n.OpType() != "Shape" && n.OpType() != "Size") || n.InputDefs().empty()) return false;
  const NodeArg* out = n.OutputDefs()[0];
  if (!out->Exists() || (graph.IsGraphOutput(out->Name()) && graph.ParentGraph())) return false;
  auto dims = n.InputDefs()[0]->Shape();
  if (!dims || !n.InputDefs()[0]->IsTensorType()) return false;
  for (int64_t d : *dims)
    if (d < 0) return false;
  Tensor value;
  if (n.OpType() == "Size") {
    int64_t size = 1;
    for (int64_t d : *dims) size *= d;
    value = Tensor::FromVector<int64_t>({size}, TensorShape(std::vector<int64_t>{}));
  } else {
    const int64_t rank = static_cast<int64_t>(dims->size());
    int64_t start = 0, end = rank;
    if (const auto* a = n.GetAttribute("start")) start = a->i();
    if (const auto* a = n.GetAttribute("end")) end = a->i();
    if (start < 0) start += rank;
    if (end < 0) end += rank;
    start = std::clamp<int64_t>(start, 0, rank);
    end = std::clamp<int64_t>(end, 0, rank);
    std::vector<int64_t> slice(dims->begin() + start, dims->begin() + std::max(start, end));
    value = Tensor::FromVector<int64_t>(slice, TensorShape({static_cast<int64_t>(slice.size())}));
  }
  graph.AddInitializer(TensorToProto(value, out->Name()));
  graph.RemoveNode(n.Index());
  return true;
}

class ConstantFolding final : public GraphTransformer {
 public:
  ConstantFolding() : GraphTransformer("ConstantFolding", TransformerLevel::kBasic) {}

  bool Apply(Graph& graph, const TransformContext& ctx) const override {
    const KernelRegistry& cpu = CpuKernelRegistry();
    bool changed = false;
    std::vector<std::string> folded_inputs;
    for (NodeIndex i : std::vector<NodeIndex>(graph.TopologicalOrder())) {
      Node* n = graph.GetNode(i);
      if (!n) continue;
      if (FoldStaticShape(graph, *n)) {
        changed = true;
        continue;
      }
      if (!Foldable(graph, *n, cpu)) continue;
      std::vector<OrtValue> outs;
      try {
        outs = RunAlone(graph, *n, ctx.model_dir);
      } catch (const std::exception& e) {
        // The node fails on its constant inputs; leave it to fail (or not) at run time.
        LogVerbose(ctx.log_id, MakeString("constant folding skipped node '", n->Name(), "': ", e.what()), ctx.log_min);
        continue;
      }
      size_t k = 0;
      for (const NodeArg* a : n->OutputDefs()) {
        if (!a->Exists()) continue;
        graph.AddInitializer(TensorToProto(outs[k++].Get(), a->Name()));
      }
      for (const NodeArg* a : n->InputDefs())
        if (a->Exists()) folded_inputs.push_back(a->Name());
      graph.RemoveNode(i);
      changed = true;
    }
    if (changed) {
      graph.Resolve();
      // Constants only the folded nodes read are dead now (their mapped pages go back too).
      for (const std::string& name : folded_inputs) {
        if (graph.IsConstantInitializer(name) && !graph.IsGraphOutput(name) && graph.GetConsumerNodes(name).empty())
          graph.RemoveInitializer(name);
      }
    }
    return changed;
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateConstantFolding() { return std::make_unique<ConstantFolding>(); }

}  // namespace ortlite
