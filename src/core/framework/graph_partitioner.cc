#include "core/framework/graph_partitioner.h"

#include <unordered_set>

#include "core/framework/logging.h"
#include "core/framework/memcpy.h"

namespace ortlite {

namespace {

std::string Label(const Node& n) {
  return MakeString("'", n.Name(), "' (", n.Domain().empty() ? "" : n.Domain() + ".", n.OpType(), ")");
}

void NodeToProto(const Node& n, onnx::NodeProto& np) {
  np.set_name(n.Name());
  np.set_op_type(n.OpType());
  np.set_domain(n.Domain());
  for (const NodeArg* a : n.InputDefs()) np.add_input(a->Name());
  for (const NodeArg* a : n.OutputDefs()) np.add_output(a->Name());
  for (const auto& [k, v] : n.GetAttributes()) {
    auto* ap = np.add_attribute();
    *ap = v;
    if (const Graph* sub = n.GetSubgraph(k)) sub->ToProto(*ap->mutable_g());
  }
}

}  // namespace

IExecutionProvider* GraphPartitioner::ProviderOf(const Node& node) const {
  for (IExecutionProvider* p : providers_)
    if (p->Type() == node.GetExecutionProviderType()) return p;
  return nullptr;
}

void AssignSubgraphsToCpu(Graph& graph, const IExecutionProvider& cpu) {
  for (Node* n : graph.Nodes()) {
    if (n->GetExecutionProviderType().empty()) {
      std::string why;
      if (!cpu.GetKernelRegistry()->TryFind(*n, &why)) {
        ThrowError(ErrorCode::kNotImplemented, "node ", Label(*n), " in subgraph '", graph.Name(), "': ", why);
      }
      n->SetExecutionProviderType(cpu.Type());
    }
    for (const auto& [attr, sub] : n->Subgraphs()) AssignSubgraphsToCpu(*n->GetMutableSubgraph(attr), cpu);
  }
}

void GraphPartitioner::Partition(Graph& graph, const std::string& model_dir, CompiledFunctions& compiled) {
  std::map<NodeIndex, std::vector<std::string>> declines;
  for (IExecutionProvider* ep : providers_) {
    std::unordered_set<NodeIndex> unassigned;
    for (Node* n : graph.Nodes())
      if (n->GetExecutionProviderType().empty()) unassigned.insert(n->Index());
    if (unassigned.empty()) break;
    GraphViewer viewer(graph, &unassigned);
    CapabilityReport cap_report;
    auto caps = ep->GetCapability(viewer, &cap_report);
    for (const auto& [idx, why] : cap_report.declined) declines[idx].push_back(ep->Type() + ": " + why);

    std::vector<Node*> fused_nodes;
    for (const auto& cap : caps) {
      const IndexedSubGraph& sub = *cap->sub_graph;
      bool all_free = !sub.nodes.empty();
      for (NodeIndex i : sub.nodes) {
        Node* n = graph.GetNode(i);
        if (!n || !n->GetExecutionProviderType().empty()) all_free = false;
      }
      if (!all_free) continue;
      if (sub.meta_def) {
        fused_nodes.push_back(&Fuse(graph, sub, *ep, model_dir));
      } else {
        for (NodeIndex i : sub.nodes) graph.GetNode(i)->SetExecutionProviderType(ep->Type());
      }
    }
    if (!fused_nodes.empty()) {
      graph.Resolve();
      std::vector<std::unique_ptr<GraphViewer>> viewers;
      std::vector<FusedNodeAndGraph> to_compile;
      for (Node* n : fused_nodes) {
        viewers.push_back(std::make_unique<GraphViewer>(*n->FusedBody()));
        to_compile.push_back(FusedNodeAndGraph{*n, *viewers.back()});
      }
      std::vector<NodeComputeInfo> infos = ep->Compile(to_compile);
      ORTLITE_ENFORCE(infos.size() == fused_nodes.size(), "provider ", ep->Type(), " compiled ", infos.size(),
                      " of ", fused_nodes.size(), " fused nodes");
      for (size_t k = 0; k < infos.size(); ++k) compiled[fused_nodes[k]->Name()] = std::move(infos[k]);
    }
  }

  for (Node* n : graph.Nodes()) {
    if (n->GetExecutionProviderType().empty()) {
      std::string reasons;
      for (const auto& r : declines[n->Index()]) reasons += (reasons.empty() ? "" : "; ") + r;
      ThrowError(ErrorCode::kNotImplemented, "no provider can run node ", Label(*n), " at opset ", n->SinceVersion(),
                 reasons.empty() ? std::string() : ": " + reasons);
    }
  }
  // Report: who took what, and why others declined.
  for (NodeIndex i : graph.TopologicalOrder()) {
    const Node* n = graph.GetNode(i);
    if (!n) continue;
    std::string line = MakeString("node ", Label(*n), " -> ", n->GetExecutionProviderType());
    if (n->NodeType() == Node::Type::kFused) {
      line += MakeString(" [fused subgraph of ", n->FusedBody()->NumberOfNodes(), " nodes]");
    }
    auto it = declines.find(i);
    if (it != declines.end())
      for (const auto& r : it->second) line += " (declined by " + r + ")";
    report_.push_back(line);
  }
  InsertCopies(graph);
  graph.Resolve();
  for (const auto& line : report_) LogVerbose(log_id_, line, log_min_);
}

Node& GraphPartitioner::Fuse(Graph& graph, const IndexedSubGraph& sub, IExecutionProvider& ep,
                             const std::string& model_dir) {
  std::unordered_set<NodeIndex> members(sub.nodes.begin(), sub.nodes.end());
  std::vector<NodeIndex> ordered;
  for (NodeIndex i : graph.TopologicalOrder())
    if (members.count(i)) ordered.push_back(i);

  std::vector<NodeArg*> inputs, outputs;
  std::unordered_set<std::string> seen_in, produced;
  for (NodeIndex i : ordered)
    for (NodeArg* o : graph.GetNode(i)->MutableOutputDefs())
      if (o->Exists()) produced.insert(o->Name());
  for (NodeIndex i : ordered) {
    Node* n = graph.GetNode(i);
    auto add_input = [&](NodeArg* a) {
      if (a->Exists() && !produced.count(a->Name()) && seen_in.insert(a->Name()).second) inputs.push_back(a);
    };
    for (NodeArg* a : n->MutableInputDefs()) add_input(a);
    for (NodeArg* a : n->MutableImplicitInputDefs()) add_input(a);
  }
  for (NodeIndex i : ordered) {
    for (NodeArg* o : graph.GetNode(i)->MutableOutputDefs()) {
      if (!o->Exists()) continue;
      bool external = graph.IsGraphOutput(o->Name());
      for (Node* c : graph.GetConsumerNodes(o->Name()))
        if (!members.count(c->Index())) external = true;
      if (external) outputs.push_back(o);
    }
  }

  const std::string name = MakeString(ep.Type(), "_", sub.meta_def->name, "_", fused_count_++);
  onnx::GraphProto body;
  body.set_name(name);
  std::unordered_set<std::string> typed;
  auto add_vi = [&](google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const NodeArg* a) {
    auto* vi = list->Add();
    vi->set_name(a->Name());
    if (a->TypeAsProto()) *vi->mutable_type() = *a->TypeAsProto();
    typed.insert(a->Name());
  };
  std::vector<std::string> constants;
  for (const NodeArg* a : inputs) {
    if (graph.IsConstantInitializer(a->Name(), true)) {
      constants.push_back(a->Name());
    } else {
      add_vi(body.mutable_input(), a);
    }
  }
  for (const NodeArg* a : outputs) add_vi(body.mutable_output(), a);
  for (NodeIndex i : ordered) {
    const Node* n = graph.GetNode(i);
    NodeToProto(*n, *body.add_node());
    for (const NodeArg* o : n->OutputDefs())
      if (o->Exists() && !typed.count(o->Name()) && o->TypeAsProto()) add_vi(body.mutable_value_info(), o);
  }
  auto body_graph = std::make_unique<Graph>(graph.OpsetImports());
  body_graph->LoadFromProto(body, model_dir);
  for (const std::string& name : constants) body_graph->CopyInitializerFrom(graph, name);  // mapped data is shared
  for (NodeIndex i : ordered) graph.RemoveNode(i);
  Node& fused = graph.AddFusedNode(name, sub.meta_def->name, sub.meta_def->domain, inputs, outputs, std::move(body_graph));
  fused.SetSinceVersion(sub.meta_def->since_version);
  fused.SetExecutionProviderType(ep.Type());
  return fused;
}

void GraphPartitioner::InsertCopies(Graph& graph) {
  std::map<std::string, IExecutionProvider*> by_type;
  IExecutionProvider* host_provider = nullptr;
  for (IExecutionProvider* p : providers_) {
    by_type[p->Type()] = p;
    if (!host_provider && p->Device().type == OrtDevice::kCpu) host_provider = p;
  }
  auto kernel_def = [&](const Node& n) -> const KernelDef* {
    IExecutionProvider* p = by_type[n.GetExecutionProviderType()];
    if (!p || !p->GetKernelRegistry() || n.NodeType() == Node::Type::kFused) return nullptr;
    const KernelCreateInfo* k = p->GetKernelRegistry()->TryFind(n);
    return k ? &k->def : nullptr;
  };
  auto contains = [](const std::vector<int>& v, int x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  // Device a value lives on, from its producer.
  auto value_device = [&](const std::string& name) -> std::pair<OrtDevice, IExecutionProvider*> {
    Node* p = graph.GetProducerNode(name);
    if (!p) return {OrtDevice{}, host_provider};
    IExecutionProvider* ep = by_type[p->GetExecutionProviderType()];
    const KernelDef* def = kernel_def(*p);
    for (size_t k = 0; k < p->OutputDefs().size(); ++k) {
      if (p->OutputDefs()[k]->Name() == name && def && contains(def->host_outputs, static_cast<int>(k)))
        return {OrtDevice{}, ep};
    }
    return {ep->Device(), ep};
  };

  std::map<std::pair<std::string, OrtDevice>, NodeArg*> copies;
  auto copy_of = [&](NodeArg* src, OrtDevice target, IExecutionProvider* device_ep) -> NodeArg* {
    auto key = std::make_pair(src->Name(), target);
    auto it = copies.find(key);
    if (it != copies.end()) return it->second;
    const bool to_device = target.type != OrtDevice::kCpu;
    NodeArg& dst = graph.GetOrCreateNodeArg(graph.GenerateNodeArgName(src->Name() + (to_device ? "_on_device" : "_on_host")),
                                            src->TypeAsProto());
    Node& copy = graph.AddNode(graph.GenerateNodeName(to_device ? kMemcpyFromHost : kMemcpyToHost),
                               to_device ? kMemcpyFromHost : kMemcpyToHost, kOrtliteInternalDomain, {src}, {&dst});
    copy.SetSinceVersion(1);
    copy.SetExecutionProviderType(device_ep->Type());
    report_.push_back(MakeString("copy ", copy.OpType(), " of '", src->Name(), "' for ", device_ep->Type()));
    copies[key] = &dst;
    return &dst;
  };

  for (Node* n : graph.Nodes()) {
    if (n->OpType() == kMemcpyFromHost || n->OpType() == kMemcpyToHost) continue;
    IExecutionProvider* ep = by_type[n->GetExecutionProviderType()];
    const KernelDef* def = kernel_def(*n);
    auto fix = [&](NodeArg*& arg, bool host_only) {
      if (!arg->Exists()) return;
      const OrtDevice want = host_only ? OrtDevice{} : ep->Device();
      auto [have, src_ep] = value_device(arg->Name());
      if (have == want) return;
      if (want.type != OrtDevice::kCpu && have.type != OrtDevice::kCpu) {
        arg = copy_of(copy_of(arg, OrtDevice{}, src_ep), want, ep);
      } else if (want.type != OrtDevice::kCpu) {
        arg = copy_of(arg, want, ep);
      } else {
        arg = copy_of(arg, want, src_ep);
      }
    };
    auto& ins = n->MutableInputDefs();
    for (size_t k = 0; k < ins.size(); ++k) fix(ins[k], def && contains(def->host_inputs, static_cast<int>(k)));
    for (NodeArg*& a : n->MutableImplicitInputDefs()) fix(a, true);
  }
  // Graph outputs must be on the host: the producer writes a device value, a copy brings it back.
  for (const NodeArg* out : graph.GetOutputs()) {
    auto [have, src_ep] = value_device(out->Name());
    if (have.type == OrtDevice::kCpu) continue;
    Node* producer = graph.GetProducerNode(out->Name());
    NodeArg& device_arg = graph.GetOrCreateNodeArg(graph.GenerateNodeArgName(out->Name() + "_on_device"), out->TypeAsProto());
    for (NodeArg*& o : producer->MutableOutputDefs())
      if (o->Name() == out->Name()) o = &device_arg;
    for (Node* c : graph.GetConsumerNodes(out->Name()))
      for (NodeArg*& a : c->MutableInputDefs())
        if (a->Name() == out->Name() && c->GetExecutionProviderType() == src_ep->Type()) a = &device_arg;
    NodeArg* host_arg = graph.GetNodeArg(out->Name());
    Node& copy = graph.AddNode(graph.GenerateNodeName(kMemcpyToHost), kMemcpyToHost, kOrtliteInternalDomain,
                               {&device_arg}, {host_arg});
    copy.SetSinceVersion(1);
    copy.SetExecutionProviderType(src_ep->Type());
    report_.push_back(MakeString("copy MemcpyToHost of graph output '", out->Name(), "' for ", src_ep->Type()));
  }
}

}  // namespace ortlite
