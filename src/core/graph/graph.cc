#include "core/graph/graph.h"

#include <algorithm>
#include <queue>
#include <set>
#include <unordered_set>

#include "core/common/status.h"
#include "core/framework/tensorprotoutils.h"
#include "core/graph/external_data_source.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

namespace ortlite {

// ---- NodeArg ---------------------------------------------------------------------------------

NodeArg::NodeArg(std::string name, const onnx::TypeProto* type) : name_(std::move(name)) {
  if (type && type->value_case() != onnx::TypeProto::VALUE_NOT_SET) SetType(*type);
}

void NodeArg::SetType(const onnx::TypeProto& type) {
  type_ = type;
  has_type_ = true;
}

void NodeArg::UpdateType(const onnx::TypeProto& type) {
  if (type.value_case() == onnx::TypeProto::VALUE_NOT_SET) return;
  if (!has_type_ || !type_.has_tensor_type() || !type.has_tensor_type()) {
    SetType(type);
    return;
  }
  // Keep dims we already know when the new type has them symbolic or unknown.
  onnx::TypeProto merged = type;
  auto* mt = merged.mutable_tensor_type();
  if (mt->elem_type() == 0) mt->set_elem_type(type_.tensor_type().elem_type());
  if (!mt->has_shape() && type_.tensor_type().has_shape()) {
    *mt->mutable_shape() = type_.tensor_type().shape();
  } else if (mt->has_shape() && type_.tensor_type().has_shape() &&
             mt->shape().dim_size() == type_.tensor_type().shape().dim_size()) {
    for (int i = 0; i < mt->shape().dim_size(); ++i) {
      auto* d = mt->mutable_shape()->mutable_dim(i);
      const auto& old = type_.tensor_type().shape().dim(i);
      if (!d->has_dim_value() && old.has_dim_value()) d->set_dim_value(old.dim_value());
    }
  }
  type_ = merged;
}

DataType NodeArg::ElementType() const {
  if (!has_type_ || !type_.has_tensor_type()) return DataType::kUndefined;
  return static_cast<DataType>(type_.tensor_type().elem_type());
}

std::optional<std::vector<int64_t>> NodeArg::Shape() const {
  if (!IsTensorType() || !type_.tensor_type().has_shape()) return std::nullopt;
  std::vector<int64_t> dims;
  for (const auto& d : type_.tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
  return dims;
}

// ---- Node ------------------------------------------------------------------------------------

const onnx::AttributeProto* Node::GetAttribute(const std::string& name) const {
  auto it = attributes_.find(name);
  return it == attributes_.end() ? nullptr : &it->second;
}

Graph* Node::GetMutableSubgraph(const std::string& attr_name) {
  auto it = subgraphs_.find(attr_name);
  return it == subgraphs_.end() ? nullptr : it->second.get();
}

const Graph* Node::GetSubgraph(const std::string& attr_name) const {
  auto it = subgraphs_.find(attr_name);
  return it == subgraphs_.end() ? nullptr : it->second.get();
}

// ---- Graph -----------------------------------------------------------------------------------

Graph::Graph(std::unordered_map<std::string, int> opset_imports, Graph* parent, const Node* parent_node)
    : opset_imports_(std::move(opset_imports)), parent_(parent), parent_node_(parent_node) {}

Graph::~Graph() = default;

NodeArg* Graph::GetNodeArg(const std::string& name) const {
  auto it = node_args_.find(name);
  return it == node_args_.end() ? nullptr : it->second.get();
}

NodeArg& Graph::GetOrCreateNodeArg(const std::string& name, const onnx::TypeProto* type) {
  auto it = node_args_.find(name);
  if (it != node_args_.end()) {
    if (type && !it->second->TypeAsProto()) it->second->SetType(*type);
    return *it->second;
  }
  auto arg = std::make_unique<NodeArg>(name, type);
  NodeArg& ref = *arg;
  node_args_.emplace(name, std::move(arg));
  return ref;
}

void Graph::SetInputs(std::vector<const NodeArg*> inputs) {
  inputs_with_initializers_ = std::move(inputs);
  inputs_.clear();
  for (const NodeArg* a : inputs_with_initializers_) {
    if (!initializers_.count(a->Name())) inputs_.push_back(a);
  }
}

bool Graph::IsGraphOutput(const std::string& name) const {
  for (const NodeArg* a : outputs_)
    if (a->Name() == name) return true;
  return false;
}

const Graph* Graph::InitializerOwner(const std::string& name, bool search_outer_scope) const {
  if (initializers_.count(name)) return this;
  if (search_outer_scope && parent_) {
    // A name defined locally (as input or node output) shadows the outer scope.
    if (GetProducerNode(name)) return nullptr;
    for (const NodeArg* a : inputs_with_initializers_)
      if (a->Name() == name) return nullptr;
    return parent_->InitializerOwner(name, true);
  }
  return nullptr;
}

const onnx::TensorProto* Graph::GetInitializer(const std::string& name, bool search_outer_scope) const {
  const Graph* owner = InitializerOwner(name, search_outer_scope);
  return owner ? &owner->initializers_.at(name) : nullptr;
}

const MappedBytes* Graph::GetMappedData(const std::string& name, bool search_outer_scope) const {
  const Graph* owner = InitializerOwner(name, search_outer_scope);
  if (!owner) return nullptr;
  auto it = owner->mapped_data_.find(name);
  return it == owner->mapped_data_.end() ? nullptr : &it->second;
}

void Graph::AddInitializer(const onnx::TensorProto& t) {
  mapped_data_.erase(t.name());
  initializers_[t.name()] = t;
  onnx::TypeProto type;
  auto* tt = type.mutable_tensor_type();
  tt->set_elem_type(t.data_type());
  auto* shape = tt->mutable_shape();
  for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
  GetOrCreateNodeArg(t.name(), nullptr).SetType(type);
}

void Graph::AddMappedInitializer(const onnx::TensorProto& metadata, MappedBytes bytes) {
  AddInitializer(metadata);
  mapped_data_[metadata.name()] = std::move(bytes);
}

void Graph::CopyInitializerFrom(const Graph& source, const std::string& name) {
  const onnx::TensorProto* t = source.GetInitializer(name, true);
  ORTLITE_ENFORCE(t, "no initializer '", name, "' to copy");
  if (const MappedBytes* mapped = source.GetMappedData(name, true)) {
    AddMappedInitializer(*t, *mapped);
  } else {
    AddInitializer(*t);
  }
}

void Graph::RemoveInitializer(const std::string& name) {
  initializers_.erase(name);
  auto it = mapped_data_.find(name);
  if (it == mapped_data_.end()) return;
  it->second.DropPages();
  mapped_data_.erase(it);
}

void Graph::DetachMappedData() {
  for (auto& [name, bytes] : mapped_data_) {
    onnx::TensorProto& t = initializers_.at(name);
    t.set_raw_data(bytes.ToString());
    t.clear_external_data();
    t.set_data_location(onnx::TensorProto::DEFAULT);
  }
  mapped_data_.clear();
  for (auto& n : nodes_)
    if (n)
      for (auto& [attr, sub] : n->subgraphs_) sub->DetachMappedData();
}

bool Graph::MapsFile(const std::string& path) const {
  for (const auto& [name, bytes] : mapped_data_)
    if (bytes.file && bytes.file->IsFile(path)) return true;
  for (const auto& n : nodes_)
    if (n)
      for (const auto& [attr, sub] : n->subgraphs_)
        if (sub->MapsFile(path)) return true;
  return false;
}

bool Graph::IsConstantInitializer(const std::string& name, bool search_outer_scope) const {
  if (initializers_.count(name)) {
    for (const NodeArg* a : inputs_with_initializers_)
      if (a->Name() == name) return false;
    return true;
  }
  if (search_outer_scope && parent_) {
    if (GetProducerNode(name)) return false;
    for (const NodeArg* a : inputs_with_initializers_)
      if (a->Name() == name) return false;
    return parent_->IsConstantInitializer(name, true);
  }
  return false;
}

Node& Graph::AddNode(const std::string& name, const std::string& op_type, const std::string& domain,
                     const std::vector<NodeArg*>& inputs, const std::vector<NodeArg*>& outputs,
                     const NodeAttributes* attributes, const std::string& description) {
  auto node = std::make_unique<Node>();
  node->index_ = nodes_.size();
  node->name_ = name;
  node->op_type_ = op_type;
  node->domain_ = domain == "ai.onnx" ? "" : domain;
  node->description_ = description;
  node->inputs_ = inputs;
  node->outputs_ = outputs;
  if (attributes) node->attributes_ = *attributes;
  Node& ref = *node;
  nodes_.push_back(std::move(node));
  ++num_nodes_;
  return ref;
}

Node& Graph::AddFusedNode(const std::string& name, const std::string& op_type, const std::string& domain,
                          const std::vector<NodeArg*>& inputs, const std::vector<NodeArg*>& outputs,
                          std::unique_ptr<Graph> body) {
  Node& n = AddNode(name, op_type, domain, inputs, outputs);
  n.node_type_ = Node::Type::kFused;
  n.fused_body_ = std::move(body);
  n.since_version_ = 1;
  return n;
}

void Graph::RemoveNode(NodeIndex index) {
  if (index < nodes_.size() && nodes_[index]) {
    nodes_[index].reset();
    --num_nodes_;
  }
}

std::vector<Node*> Graph::Nodes() const {
  std::vector<Node*> out;
  for (const auto& n : nodes_)
    if (n) out.push_back(n.get());
  return out;
}

Node* Graph::GetProducerNode(const std::string& arg_name) const {
  auto it = producer_.find(arg_name);
  return it == producer_.end() ? nullptr : GetNode(it->second);
}

std::vector<Node*> Graph::GetConsumerNodes(const std::string& arg_name) const {
  std::vector<Node*> out;
  auto it = consumers_.find(arg_name);
  if (it != consumers_.end())
    for (NodeIndex i : it->second)
      if (Node* n = GetNode(i)) out.push_back(n);
  return out;
}

std::string Graph::GenerateNodeArgName(const std::string& base) {
  std::string name;
  do {
    name = base + "_ortlite_" + std::to_string(name_counter_++);
  } while (node_args_.count(name));
  return name;
}

std::string Graph::GenerateNodeName(const std::string& base) {
  std::unordered_set<std::string> used;
  for (const auto& n : nodes_)
    if (n) used.insert(n->Name());
  std::string name;
  do {
    name = base + "_" + std::to_string(name_counter_++);
  } while (used.count(name));
  return name;
}

namespace {
std::string NodeLabel(const Node& n) {
  return MakeString("node '", n.Name(), "' (op ", n.Domain().empty() ? "" : n.Domain() + ".", n.OpType(), ")");
}
}  // namespace

void Graph::LoadFromProto(onnx::GraphProto& proto, const std::string& model_dir, ExternalDataSource* external_data) {
  name_ = proto.name();
  std::unique_ptr<ExternalDataSource> own_source;
  for (auto& t : *proto.mutable_initializer()) {
    if (t.name().empty()) ThrowError(ErrorCode::kInvalidGraph, "graph '", name_, "' has an initializer without a name");
    onnx::TensorProto empty;
    empty.set_name(t.name());
    empty.set_data_type(t.data_type());
    *empty.mutable_dims() = t.dims();
    if (t.data_location() == onnx::TensorProto::EXTERNAL && t.data_type() != onnx::TensorProto::STRING) {
      if (!external_data) {
        own_source = std::make_unique<ExternalDataSource>(model_dir);
        external_data = own_source.get();
      }
      MappedBytes bytes = external_data->Resolve(t);
      AddMappedInitializer(empty, std::move(bytes));
    } else {
      LoadExternalData(t, model_dir);  // strings cannot be mapped; the data must be parsed
      AddInitializer(empty);
    }
    initializers_[t.name()].Swap(&t);
  }
  for (const auto& vi : proto.value_info()) {
    GetOrCreateNodeArg(vi.name(), vi.has_type() ? &vi.type() : nullptr);
    value_info_.push_back(vi);
  }
  std::vector<const NodeArg*> inputs;
  for (const auto& vi : proto.input()) {
    NodeArg& a = GetOrCreateNodeArg(vi.name(), nullptr);
    if (vi.has_type() && vi.type().value_case() != onnx::TypeProto::VALUE_NOT_SET) a.SetType(vi.type());
    inputs.push_back(&a);
  }
  SetInputs(inputs);
  std::vector<const NodeArg*> outputs;
  for (const auto& vi : proto.output()) {
    NodeArg& a = GetOrCreateNodeArg(vi.name(), vi.has_type() ? &vi.type() : nullptr);
    outputs.push_back(&a);
  }
  std::unordered_set<std::string> node_names;
  for (int i = 0; i < proto.node_size(); ++i) {
    const auto& np = proto.node(i);
    std::vector<NodeArg*> ins, outs;
    for (const auto& in : np.input()) ins.push_back(&GetOrCreateNodeArg(in, nullptr));
    for (const auto& out : np.output()) outs.push_back(&GetOrCreateNodeArg(out, nullptr));
    NodeAttributes attrs;
    for (const auto& a : np.attribute()) {
      if (a.name().empty()) ThrowError(ErrorCode::kInvalidGraph, "node '", np.name(), "' has an attribute without a name");
      attrs[a.name()] = a;
    }
    std::string name = np.name();
    if (name.empty() || node_names.count(name)) name = np.op_type() + "_" + std::to_string(i) + (name.empty() ? "" : "_" + name);
    node_names.insert(name);
    Node& node = AddNode(name, np.op_type(), np.domain(), ins, outs, &attrs, np.doc_string());
    for (auto& [attr_name, attr] : node.attributes_) {
      if (attr.type() == onnx::AttributeProto::GRAPH || attr.has_g()) {
        auto sub = std::make_unique<Graph>(opset_imports_, this, &node);
        if (!external_data) {
          own_source = std::make_unique<ExternalDataSource>(model_dir);
          external_data = own_source.get();
        }
        sub->LoadFromProto(*attr.mutable_g(), model_dir, external_data);
        node.subgraphs_[attr_name] = std::move(sub);
        attr.clear_g();  // the IR is the one copy now; ToProto writes it back
      } else if (attr.graphs_size() > 0) {
        ThrowError(ErrorCode::kNotImplemented, NodeLabel(node), ": attribute '", attr_name,
                   "' holds a list of graphs, which no ONNX operator uses");
      }
    }
  }
  SetOutputs(outputs);
  ResolveSchemas();
  Resolve();
}

void Graph::ResolveSchemas() {
  for (auto& n : nodes_) {
    if (!n || n->node_type_ == Node::Type::kFused) continue;
    if (n->schema_ || n->since_version_ > 0) continue;
    const std::string& domain = n->domain_;
    if (domain == "ortlite.internal") {  // the engine's own helper ops have one version
      n->since_version_ = 1;
      continue;
    }
    auto it = opset_imports_.find(domain);
    if (it == opset_imports_.end() && domain.empty()) it = opset_imports_.find("ai.onnx");
    const int opset = it == opset_imports_.end() ? -1 : it->second;
    if (opset < 0) {
      ThrowError(ErrorCode::kInvalidGraph, NodeLabel(*n), ": the model imports no opset for domain '", domain, "'");
    }
    const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(n->op_type_, opset, domain);
    n->schema_ = schema;
    n->since_version_ = schema ? schema->SinceVersion() : opset;
    for (auto& [name, sub] : n->subgraphs_) sub->ResolveSchemas();
  }
}

void Graph::ComputeImplicitInputs() {
  for (auto& n : nodes_) {
    if (!n || n->subgraphs_.empty()) continue;
    std::set<std::string> names;
    for (auto& [attr, sub] : n->subgraphs_) {
      sub->Resolve();
      for (const auto& s : sub->OuterScopeValueNames()) names.insert(s);
    }
    n->implicit_inputs_.clear();
    for (const auto& s : names) n->implicit_inputs_.push_back(&GetOrCreateNodeArg(s, nullptr));
  }
}

std::vector<std::string> Graph::OuterScopeValueNames() const {
  std::unordered_set<std::string> local;
  for (const NodeArg* a : inputs_with_initializers_) local.insert(a->Name());
  for (const auto& [name, t] : initializers_) local.insert(name);
  for (const auto& n : nodes_)
    if (n)
      for (const NodeArg* o : n->outputs_) local.insert(o->Name());
  std::vector<std::string> outer;
  std::unordered_set<std::string> seen;
  auto consider = [&](const NodeArg* a) {
    if (a->Exists() && !local.count(a->Name()) && seen.insert(a->Name()).second) outer.push_back(a->Name());
  };
  for (const auto& n : nodes_) {
    if (!n) continue;
    for (const NodeArg* a : n->inputs_) consider(a);
    for (const NodeArg* a : n->implicit_inputs_) consider(a);
  }
  for (const NodeArg* a : outputs_) consider(a);
  return outer;
}

void Graph::Resolve() {
  ComputeImplicitInputs();
  producer_.clear();
  consumers_.clear();
  for (const auto& n : nodes_) {
    if (!n) continue;
    for (const NodeArg* o : n->outputs_) {
      if (!o->Exists()) continue;
      auto [it, inserted] = producer_.emplace(o->Name(), n->index_);
      if (!inserted) {
        ThrowError(ErrorCode::kInvalidGraph, "value '", o->Name(), "' is produced by two nodes: '",
                   GetNode(it->second)->Name(), "' and '", n->Name(), "'");
      }
    }
  }
  for (const auto& n : nodes_) {
    if (!n) continue;
    for (const NodeArg* a : n->inputs_)
      if (a->Exists()) consumers_[a->Name()].push_back(n->index_);
    for (const NodeArg* a : n->implicit_inputs_) consumers_[a->Name()].push_back(n->index_);
  }
  // Kahn's algorithm; ties broken by node index so the order is stable and close to the file's.
  std::vector<int> pending(nodes_.size(), 0);
  for (const auto& n : nodes_) {
    if (!n) continue;
    std::unordered_set<NodeIndex> deps;
    auto add = [&](const NodeArg* a) {
      if (!a->Exists()) return;
      auto it = producer_.find(a->Name());
      if (it != producer_.end() && it->second != n->index_) deps.insert(it->second);
    };
    for (const NodeArg* a : n->inputs_) add(a);
    for (const NodeArg* a : n->implicit_inputs_) add(a);
    pending[n->index_] = static_cast<int>(deps.size());
  }
  std::priority_queue<NodeIndex, std::vector<NodeIndex>, std::greater<NodeIndex>> ready;
  for (const auto& n : nodes_)
    if (n && pending[n->index_] == 0) ready.push(n->index_);
  topo_order_.clear();
  while (!ready.empty()) {
    NodeIndex i = ready.top();
    ready.pop();
    topo_order_.push_back(i);
    std::unordered_set<NodeIndex> released;
    for (const NodeArg* o : nodes_[i]->outputs_) {
      if (!o->Exists()) continue;
      auto it = consumers_.find(o->Name());
      if (it == consumers_.end()) continue;
      for (NodeIndex c : it->second)
        if (c != i && released.insert(c).second && --pending[c] == 0) ready.push(c);
    }
  }
  if (static_cast<int>(topo_order_.size()) != num_nodes_) {
    for (const auto& n : nodes_)
      if (n && pending[n->index_] > 0)
        ThrowError(ErrorCode::kInvalidGraph, "graph '", name_, "' has a cycle through ", NodeLabel(*n));
  }
}

void Graph::InferTypesAndShapes() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  for (const auto& [domain, version] : opset_imports_) {
    auto* op = model.add_opset_import();
    op->set_domain(domain);
    op->set_version(version);
  }
  ToProto(*model.mutable_graph(), /*with_mapped_data=*/false);
  onnx::ShapeInferenceOptions options{false, 0, true};
  try {
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    ThrowError(ErrorCode::kInvalidGraph, "type and shape inference failed: ", e.what());
  }
  for (const auto& vi : model.graph().value_info())
    if (NodeArg* a = GetNodeArg(vi.name())) a->UpdateType(vi.type());
  for (const auto& vi : model.graph().output())
    if (NodeArg* a = GetNodeArg(vi.name())) a->UpdateType(vi.type());
}

void Graph::ToProto(onnx::GraphProto& proto, bool with_mapped_data) const {
  proto.Clear();
  proto.set_name(name_);
  auto set_vi = [&](onnx::ValueInfoProto* vi, const NodeArg* a) {
    vi->set_name(a->Name());
    if (a->TypeAsProto()) *vi->mutable_type() = *a->TypeAsProto();
  };
  for (const NodeArg* a : inputs_with_initializers_) set_vi(proto.add_input(), a);
  for (const NodeArg* a : outputs_) set_vi(proto.add_output(), a);
  for (const auto& [name, t] : initializers_) {
    onnx::TensorProto* out = proto.add_initializer();
    *out = t;
    auto mapped = mapped_data_.find(name);
    if (with_mapped_data && mapped != mapped_data_.end()) {
      out->set_raw_data(mapped->second.ToString());
      out->clear_external_data();
      out->set_data_location(onnx::TensorProto::DEFAULT);
    }
  }
  std::unordered_set<std::string> io;
  for (const NodeArg* a : inputs_with_initializers_) io.insert(a->Name());
  for (const NodeArg* a : outputs_) io.insert(a->Name());
  for (NodeIndex i : topo_order_) {
    const Node* n = GetNode(i);
    if (!n) continue;
    auto* np = proto.add_node();
    np->set_name(n->Name());
    np->set_op_type(n->OpType());
    np->set_domain(n->Domain());
    if (!n->Description().empty()) np->set_doc_string(n->Description());
    for (const NodeArg* a : n->InputDefs()) np->add_input(a->Name());
    for (const NodeArg* a : n->OutputDefs()) {
      np->add_output(a->Name());
      if (a->Exists() && a->TypeAsProto() && !io.count(a->Name()) && !initializers_.count(a->Name())) {
        set_vi(proto.add_value_info(), a);
      }
    }
    std::vector<std::string> names;
    for (const auto& [k, v] : n->GetAttributes()) names.push_back(k);
    std::sort(names.begin(), names.end());
    for (const auto& k : names) {
      auto* ap = np->add_attribute();
      *ap = n->GetAttributes().at(k);
      if (const Graph* sub = n->GetSubgraph(k)) sub->ToProto(*ap->mutable_g(), with_mapped_data);
    }
  }
}

}  // namespace ortlite
