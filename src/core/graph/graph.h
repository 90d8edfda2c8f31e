// The graph IR: Model > Graph > Node, with NodeArg values carrying inferred types and shapes.
// Nodes live in a vector indexed by NodeIndex; removed nodes leave a null slot so indices stay
// stable through transformations. Resolve() rebuilds producer/consumer maps and the topological
// order after edits.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/framework/data_types.h"
#include "core/graph/mapped_file.h"
#include "onnx/onnx_pb.h"

namespace onnx {
class OpSchema;
}

namespace ortlite {

using NodeIndex = size_t;
class Graph;
class ExternalDataSource;

class NodeArg {
 public:
  NodeArg(std::string name, const onnx::TypeProto* type);
  const std::string& Name() const { return name_; }
  // An empty name marks an omitted optional input/output.
  bool Exists() const { return !name_.empty(); }
  // nullptr when the type is unknown (inference could not determine it).
  const onnx::TypeProto* TypeAsProto() const { return has_type_ ? &type_ : nullptr; }
  void SetType(const onnx::TypeProto& type);
  // Merges inferred information into the current type (keeps known dims).
  void UpdateType(const onnx::TypeProto& type);
  // Tensor element type, or kUndefined for non-tensor or unknown types.
  DataType ElementType() const;
  // Tensor dims with -1 for unknown/symbolic dims; nullopt if the rank is unknown.
  std::optional<std::vector<int64_t>> Shape() const;
  bool IsTensorType() const { return has_type_ && type_.has_tensor_type(); }

 private:
  std::string name_;
  onnx::TypeProto type_;
  bool has_type_ = false;
};

using NodeAttributes = std::unordered_map<std::string, onnx::AttributeProto>;

class Node {
 public:
  enum class Type { kPrimitive, kFused };

  NodeIndex Index() const { return index_; }
  const std::string& Name() const { return name_; }
  const std::string& OpType() const { return op_type_; }
  const std::string& Domain() const { return domain_; }
  const std::string& Description() const { return description_; }
  Type NodeType() const { return node_type_; }
  // The opset version of the operator's schema this node resolves to (its since_version).
  int SinceVersion() const { return since_version_; }
  void SetSinceVersion(int v) { since_version_ = v; }
  const onnx::OpSchema* Schema() const { return schema_; }
  void SetSchema(const onnx::OpSchema* s) { schema_ = s; }

  const NodeAttributes& GetAttributes() const { return attributes_; }
  NodeAttributes& MutableAttributes() { return attributes_; }
  const onnx::AttributeProto* GetAttribute(const std::string& name) const;

  const std::vector<NodeArg*>& InputDefs() const { return inputs_; }
  const std::vector<NodeArg*>& OutputDefs() const { return outputs_; }
  std::vector<NodeArg*>& MutableInputDefs() { return inputs_; }
  std::vector<NodeArg*>& MutableOutputDefs() { return outputs_; }
  // Values from enclosing graphs that this node's subgraphs read.
  const std::vector<NodeArg*>& ImplicitInputDefs() const { return implicit_inputs_; }
  std::vector<NodeArg*>& MutableImplicitInputDefs() { return implicit_inputs_; }

  const std::string& GetExecutionProviderType() const { return ep_type_; }
  void SetExecutionProviderType(std::string ep) { ep_type_ = std::move(ep); }

  // Subgraphs held by graph-valued attributes (If's branches, Loop/Scan bodies).
  const std::map<std::string, std::unique_ptr<Graph>>& Subgraphs() const { return subgraphs_; }
  Graph* GetMutableSubgraph(const std::string& attr_name);
  const Graph* GetSubgraph(const std::string& attr_name) const;
  // For a fused node: the graph of the nodes it replaced.
  const Graph* FusedBody() const { return fused_body_.get(); }

 private:
  friend class Graph;
  NodeIndex index_ = 0;
  std::string name_, op_type_, domain_, description_;
  Type node_type_ = Type::kPrimitive;
  int since_version_ = -1;
  const onnx::OpSchema* schema_ = nullptr;
  NodeAttributes attributes_;
  std::vector<NodeArg*> inputs_, outputs_, implicit_inputs_;
  std::string ep_type_;
  std::map<std::string, std::unique_ptr<Graph>> subgraphs_;
  std::unique_ptr<Graph> fused_body_;
};

class Graph {
 public:
  // `parent` is the graph that holds the node owning this subgraph (nullptr for the main graph).
  Graph(std::unordered_map<std::string, int> opset_imports, Graph* parent = nullptr, const Node* parent_node = nullptr);
  ~Graph();
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  // Builds the IR from a GraphProto (types from value_info/inputs/outputs; subgraphs recursively).
  // Initializers are moved out of `proto`; those with external data keep it where it is, read
  // through `external_data` (by default, external-data files in model_dir, mapped on demand).
  void LoadFromProto(onnx::GraphProto& proto, const std::string& model_dir,
                     ExternalDataSource* external_data = nullptr);

  const std::string& Name() const { return name_; }
  void SetName(std::string n) { name_ = std::move(n); }
  const std::unordered_map<std::string, int>& OpsetImports() const { return opset_imports_; }
  // Declares a domain's opset (passes that insert contrib ops add "com.microsoft").
  void AddOpsetImport(const std::string& domain, int version) { opset_imports_.emplace(domain, version); }
  Graph* ParentGraph() const { return parent_; }
  const Node* ParentNode() const { return parent_node_; }

  // Values.
  NodeArg* GetNodeArg(const std::string& name) const;
  NodeArg& GetOrCreateNodeArg(const std::string& name, const onnx::TypeProto* type);
  const std::vector<const NodeArg*>& GetInputs() const { return inputs_; }  // graph inputs without initializers
  const std::vector<const NodeArg*>& GetInputsIncludingInitializers() const { return inputs_with_initializers_; }
  const std::vector<const NodeArg*>& GetOutputs() const { return outputs_; }
  void SetInputs(std::vector<const NodeArg*> inputs);
  void SetOutputs(std::vector<const NodeArg*> outputs) { outputs_ = std::move(outputs); }
  bool IsGraphOutput(const std::string& name) const;

  // Initializers: name, type and dims as TensorProto. Small and generated ones hold their data
  // there too; large ones loaded from a file keep it in a mapping of that file (GetMappedData),
  // and their TensorProto says data_location EXTERNAL. Read data through InitializerToTensor
  // (tensorprotoutils.h), which handles both.
  const std::map<std::string, onnx::TensorProto>& Initializers() const { return initializers_; }
  const onnx::TensorProto* GetInitializer(const std::string& name, bool search_outer_scope = false) const;
  // Where initializer `name`'s data is mapped, or nullptr when its TensorProto holds it.
  const MappedBytes* GetMappedData(const std::string& name, bool search_outer_scope = false) const;
  void AddInitializer(const onnx::TensorProto& t);
  // An initializer whose data stays in a mapping; `metadata` gives its name, type and dims.
  void AddMappedInitializer(const onnx::TensorProto& metadata, MappedBytes bytes);
  // Adds initializer `name` of `source` (or of its enclosing graphs) to this graph. Mapped data
  // is shared, not copied.
  void CopyInitializerFrom(const Graph& source, const std::string& name);
  // Removes an initializer; pages of its mapped data that were read are given back.
  void RemoveInitializer(const std::string& name);
  // Copies mapped data of this graph and its subgraphs into their TensorProtos and lets go of
  // the mappings, e.g. before the mapped file is overwritten.
  void DetachMappedData();
  // True if initializers of this graph or its subgraphs are mapped from the file at `path`.
  bool MapsFile(const std::string& path) const;
  // An initializer that is not also a graph input (so a feed cannot override it).
  bool IsConstantInitializer(const std::string& name, bool search_outer_scope = false) const;

  // Nodes.
  Node& AddNode(const std::string& name, const std::string& op_type, const std::string& domain,
                const std::vector<NodeArg*>& inputs, const std::vector<NodeArg*>& outputs,
                const NodeAttributes* attributes = nullptr, const std::string& description = "");
  // Adds a node that stands for `body`, the nodes it replaced (compile-based providers).
  Node& AddFusedNode(const std::string& name, const std::string& op_type, const std::string& domain,
                     const std::vector<NodeArg*>& inputs, const std::vector<NodeArg*>& outputs,
                     std::unique_ptr<Graph> body);
  void RemoveNode(NodeIndex index);
  Node* GetNode(NodeIndex index) const { return index < nodes_.size() ? nodes_[index].get() : nullptr; }
  size_t MaxNodeIndex() const { return nodes_.size(); }
  int NumberOfNodes() const { return num_nodes_; }
  std::vector<Node*> Nodes() const;

  // Edges and order (valid after Resolve()).
  void Resolve();
  Node* GetProducerNode(const std::string& arg_name) const;
  std::vector<Node*> GetConsumerNodes(const std::string& arg_name) const;
  const std::vector<NodeIndex>& TopologicalOrder() const { return topo_order_; }

  // Runs the onnx library's type/shape inference for every node and stores results on NodeArgs.
  // Schema lookup also sets each node's SinceVersion. Throws naming the node on failure.
  void InferTypesAndShapes();

  // Serialises the graph (used for saving optimised models and for dumps). Without
  // `with_mapped_data`, mapped initializers stay external references that only this process can
  // resolve (enough for type inference, which reads only small constants).
  void ToProto(onnx::GraphProto& proto, bool with_mapped_data = true) const;

  // Values read by this graph (or its nested subgraphs) that come from an enclosing scope.
  std::vector<std::string> OuterScopeValueNames() const;

  // Looks up schemas (and since-versions) for nodes that have none yet, e.g. nodes added by passes.
  void ResolveSchemas();

  std::string GenerateNodeArgName(const std::string& base);
  std::string GenerateNodeName(const std::string& base);

 private:
  void ComputeImplicitInputs();
  // The graph (this or an enclosing one) whose initializer `name` is visible here, or nullptr.
  const Graph* InitializerOwner(const std::string& name, bool search_outer_scope) const;

  std::string name_;
  std::unordered_map<std::string, int> opset_imports_;
  Graph* parent_ = nullptr;
  const Node* parent_node_ = nullptr;
  std::unordered_map<std::string, std::unique_ptr<NodeArg>> node_args_;
  std::vector<const NodeArg*> inputs_, inputs_with_initializers_, outputs_;
  std::map<std::string, onnx::TensorProto> initializers_;
  std::unordered_map<std::string, MappedBytes> mapped_data_;
  std::vector<std::unique_ptr<Node>> nodes_;
  int num_nodes_ = 0;
  std::unordered_map<std::string, NodeIndex> producer_;
  std::unordered_map<std::string, std::vector<NodeIndex>> consumers_;
  std::vector<NodeIndex> topo_order_;
  std::vector<onnx::ValueInfoProto> value_info_;  // kept for ToProto
  int name_counter_ = 0;
};

}  // namespace ortlite
