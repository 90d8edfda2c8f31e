#include "core/graph/model.h"

#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <unordered_set>

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"
#include "core/graph/external_data_source.h"
#include "core/graph/payload_lifting.h"
#include "onnx/shape_inference/implementation.h"

namespace ortlite {

namespace {

// Tensor attributes are parsed with their node, so their external data is read in. So is that of
// small initializers, which type inference may read (shape operands); larger initializers keep
// theirs where it is, mapped when the graph is built.
void ResolveExternalDataInGraph(onnx::GraphProto& g, const std::string& dir) {
  for (auto& t : *g.mutable_initializer()) {
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    int64_t length = -1;
    bool lifted = false;
    for (const auto& kv : t.external_data()) {
      if (kv.key() == "length") length = std::stoll(kv.value());
      lifted |= kv.key() == kLiftedSliceKey;
    }
    if (!lifted && length >= 0 && length < static_cast<int64_t>(kMinLiftedPayloadBytes)) LoadExternalData(t, dir);
  }
  for (auto& n : *g.mutable_node()) {
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_t()) LoadExternalData(*a.mutable_t(), dir);
      if (a.has_g()) ResolveExternalDataInGraph(*a.mutable_g(), dir);
    }
  }
}

void ParseModel(const void* data, size_t size, onnx::ModelProto& proto) {
  if (size == 0) ThrowError(ErrorCode::kInvalidProtobuf, "the model is empty");
  if (size > static_cast<size_t>(INT32_MAX)) {
    ThrowError(ErrorCode::kInvalidProtobuf, "the model is larger than 2 GB; store its weights as external data");
  }
  if (!proto.ParseFromArray(data, static_cast<int>(size))) {
    ThrowError(ErrorCode::kInvalidProtobuf, "the model is not a valid ONNX protobuf (truncated or corrupt)");
  }
}

// Every node input must come from somewhere: a node, a graph input, an initializer, or (in a
// subgraph) an enclosing scope. A truncated model typically fails here.
void CheckValuesDefined(const Graph& graph) {
  std::unordered_set<std::string> defined;
  for (const NodeArg* a : graph.GetInputsIncludingInitializers()) defined.insert(a->Name());
  for (const auto& [name, t] : graph.Initializers()) defined.insert(name);
  for (Node* n : graph.Nodes())
    for (const NodeArg* o : n->OutputDefs()) defined.insert(o->Name());
  for (Node* n : graph.Nodes()) {
    for (const NodeArg* a : n->InputDefs()) {
      if (a->Exists() && !defined.count(a->Name())) {
        ThrowError(ErrorCode::kInvalidGraph, "node '", n->Name(), "' (op ", n->OpType(), ") reads '", a->Name(),
                   "', which no node, graph input or initializer defines");
      }
    }
    for (const NodeArg* a : n->ImplicitInputDefs()) {
      if (!defined.count(a->Name())) {
        ThrowError(ErrorCode::kInvalidGraph, "a subgraph of node '", n->Name(), "' (op ", n->OpType(), ") reads '",
                   a->Name(), "', which no enclosing graph defines");
      }
    }
  }
  for (const NodeArg* o : graph.GetOutputs()) {
    if (!defined.count(o->Name())) {
      ThrowError(ErrorCode::kInvalidGraph, "graph output '", o->Name(), "' is not produced by any node");
    }
  }
}

}  // namespace

std::unique_ptr<Model> Model::LoadFromFile(const std::string& path) {
  // The file stays mapped: large initializers are read from the mapping rather than copied into
  // the parsed message (payload_lifting.h), so their bytes are never in memory twice, and pages
  // no kernel reads never become resident.
  std::shared_ptr<const MappedFile> file = MappedFile::Open(path, "model file");
  try {
    const std::string dir = std::filesystem::path(path).parent_path().string();
    onnx::ModelProto proto;
    LiftedPayloads lifted;
    if (file->Size() <= static_cast<size_t>(INT32_MAX) &&
        LiftLargePayloads(file->Data(), file->Size(), kMinLiftedPayloadBytes, &lifted)) {
      ParseModel(lifted.compact.data(), lifted.compact.size(), proto);
      lifted.compact = std::string();
      ExternalDataSource source(dir, file, std::move(lifted.slices));
      return LoadFromProto(std::move(proto), dir, &source);
    }
    ParseModel(file->Data(), file->Size(), proto);
    file.reset();
    return LoadFromProto(std::move(proto), dir);
  } catch (const OrtliteError& e) {
    throw OrtliteError(e.Code(), MakeString("model '", path, "': ", e.what()));
  }
}

std::unique_ptr<Model> Model::LoadFromBytes(const void* data, size_t size, const std::string& model_dir) {
  onnx::ModelProto proto;
  ParseModel(data, size, proto);
  return LoadFromProto(std::move(proto), model_dir);
}

std::unique_ptr<Model> Model::LoadFromProto(onnx::ModelProto proto, const std::string& model_dir) {
  return LoadFromProto(std::move(proto), model_dir, nullptr);
}

std::unique_ptr<Model> Model::LoadFromProto(onnx::ModelProto proto, const std::string& model_dir,
                                            ExternalDataSource* external_data) {
  auto model = std::make_unique<Model>();
  model->model_dir_ = model_dir;
  if (!proto.has_graph()) ThrowError(ErrorCode::kInvalidProtobuf, "the model has no graph (truncated or not an ONNX model)");
  if (proto.ir_version() < kMinIrVersion || proto.ir_version() > kMaxIrVersion) {
    ThrowError(ErrorCode::kInvalidGraph, "unsupported IR version ", proto.ir_version(), " (supported: ", kMinIrVersion,
               "-", kMaxIrVersion, ")");
  }
  auto& md = model->metadata_;
  md.producer_name = proto.producer_name();
  md.producer_version = proto.producer_version();
  md.domain = proto.domain();
  md.description = proto.doc_string();
  md.version = proto.model_version();
  md.ir_version = proto.ir_version();
  md.graph_name = proto.graph().name();
  md.graph_description = proto.graph().doc_string();
  for (const auto& kv : proto.metadata_props()) md.custom[kv.key()] = kv.value();

  std::unordered_map<std::string, int> opsets;
  for (const auto& op : proto.opset_import()) {
    const std::string domain = op.domain() == "ai.onnx" ? "" : op.domain();
    opsets[domain] = static_cast<int>(op.version());
  }
  if (!opsets.count("")) {
    // IR 3 models may omit the default domain's import; ONNX then means opset 1.
    opsets[""] = 1;
  }
  ResolveExternalDataInGraph(*proto.mutable_graph(), model_dir);

  // Types and shapes for every value, from the onnx library. Per-node inference errors are not
  // fatal here: kernels check their inputs at run time.
  try {
    onnx::ShapeInferenceOptions options{false, 0, true};
    onnx::shape_inference::InferShapes(proto, onnx::OpSchemaRegistry::Instance(), options);
  } catch (const std::exception& e) {
    LogWarning("", MakeString("type and shape inference stopped early: ", e.what()));
  }

  model->graph_ = std::make_unique<Graph>(opsets);
  model->graph_->LoadFromProto(*proto.mutable_graph(), model_dir, external_data);
  CheckValuesDefined(*model->graph_);
  return model;
}

onnx::ModelProto Model::ToProto() const {
  onnx::ModelProto p;
  p.set_ir_version(metadata_.ir_version);
  p.set_producer_name(metadata_.producer_name);
  p.set_producer_version(metadata_.producer_version);
  p.set_domain(metadata_.domain);
  p.set_model_version(metadata_.version);
  p.set_doc_string(metadata_.description);
  for (const auto& [k, v] : metadata_.custom) {
    auto* kv = p.add_metadata_props();
    kv->set_key(k);
    kv->set_value(v);
  }
  for (const auto& [domain, version] : graph_->OpsetImports()) {
    auto* op = p.add_opset_import();
    op->set_domain(domain);
    op->set_version(version);
  }
  graph_->ToProto(*p.mutable_graph());
  return p;
}

}  // namespace ortlite
