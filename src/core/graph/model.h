// Model: a loaded ONNX model — metadata, opset imports and the main Graph.
#pragma once
#include <map>
#include <memory>
#include <string>

#include "core/graph/graph.h"

namespace ortlite {

struct ModelMetadata {
  std::string producer_name, producer_version, graph_name, domain, description, graph_description;
  int64_t version = 0;
  int64_t ir_version = 0;
  std::map<std::string, std::string> custom;
};

class Model {
 public:
  // Lowest and highest IR versions accepted.
  static constexpr int64_t kMinIrVersion = 3;
  static constexpr int64_t kMaxIrVersion = 9;

  // Loads and validates a model; external data files are resolved relative to the model's folder
  // (for LoadFromBytes: `model_dir`). Runs type and shape inference. Throws OrtliteError with
  // kNoSuchFile / kInvalidProtobuf / kInvalidGraph and a message naming what is wrong.
  static std::unique_ptr<Model> LoadFromFile(const std::string& path);
  static std::unique_ptr<Model> LoadFromBytes(const void* data, size_t size, const std::string& model_dir = "");
  static std::unique_ptr<Model> LoadFromProto(onnx::ModelProto proto, const std::string& model_dir);
  // `external_data` resolves initializers stored outside their TensorProto (default: files in
  // model_dir).
  static std::unique_ptr<Model> LoadFromProto(onnx::ModelProto proto, const std::string& model_dir,
                                              ExternalDataSource* external_data);

  Graph& MainGraph() { return *graph_; }
  const Graph& MainGraph() const { return *graph_; }
  const ModelMetadata& Metadata() const { return metadata_; }
  const std::string& ModelDir() const { return model_dir_; }

  // The model as ONNX with the current (possibly optimised) graph.
  onnx::ModelProto ToProto() const;

 private:
  ModelMetadata metadata_;
  std::string model_dir_;
  std::unique_ptr<Graph> graph_;
};

}  // namespace ortlite
