// Conversions between onnx::TensorProto / TypeProto and ortlite's Tensor / OrtValue.
#pragma once
#include <memory>
#include <string>
#include <utility>

#include "core/framework/ort_value.h"
#include "core/graph/graph.h"
#include "onnx/onnx_pb.h"
#include "onnx/onnx-data.pb.h"

namespace ortlite {

// Reads a TensorProto (raw_data or typed fields; external data must already be resolved) into a
// new host tensor. Throws kInvalidProtobuf naming the tensor if its data does not match its dims.
Tensor TensorFromProto(const onnx::TensorProto& proto);
onnx::TensorProto TensorToProto(const Tensor& tensor, const std::string& name);
// Like TensorFromProto, but a non-string tensor stored as raw_data is not copied: the result
// points into `proto`, which must outlive it and stay unchanged.
Tensor TensorViewFromProto(const onnx::TensorProto& proto);
// The tensor described by `proto` (type, dims) whose raw little-endian data is [data, data+size),
// as an aligned copy, or as a view holding `keep_alive` (the caller checks alignment). Throws
// kInvalidProtobuf naming the tensor when the size does not match.
Tensor TensorFromRawBytes(const onnx::TensorProto& proto, const void* data, size_t size);
Tensor TensorViewOfRawBytes(const onnx::TensorProto& proto, const void* data, size_t size,
                            std::shared_ptr<void> keep_alive);

// An aligned copy of a tensor whose data is mapped, read from the file without touching the
// mapping, so the data is never resident twice.
Tensor TensorFromMappedBytes(const onnx::TensorProto& proto, const MappedBytes& bytes);
// Initializer `name` of `graph` (searching enclosing graphs when asked) as a new aligned host
// tensor, whether its data is in its TensorProto or mapped. Throws like TensorFromProto.
Tensor InitializerToTensor(const Graph& graph, const std::string& name, bool search_outer_scope = false);

// SequenceProto / OptionalProto / MapProto values, as test data stores them.
OrtValue ValueFromSequenceProto(const onnx::SequenceProto& proto);
OrtValue ValueFromOptionalProto(const onnx::OptionalProto& proto);

// Replaces external data references in `proto` with raw_data read from files relative to
// `model_dir`. A location that is absolute or leaves model_dir is refused (kInvalidArgument).
void LoadExternalData(onnx::TensorProto& proto, const std::string& model_dir);

// The file and byte range an external-data tensor names. LocateExternalData checks the location
// (present, relative, inside model_dir); ExternalDataRange checks the range against the file's
// size and resolves length -1 ("to the end"), returning (offset, length).
struct ExternalDataLocation {
  std::string location;  // as written in the model
  std::string path;      // resolved
  int64_t offset = 0;
  int64_t length = -1;
};
ExternalDataLocation LocateExternalData(const onnx::TensorProto& proto, const std::string& model_dir);
std::pair<size_t, size_t> ExternalDataRange(const onnx::TensorProto& proto, const ExternalDataLocation& where,
                                            int64_t file_size);

// The element type of a tensor TypeProto, kUndefined otherwise.
DataType ElementTypeOf(const onnx::TypeProto& type);
// A human-readable type string: tensor(float), seq(tensor(int64)), optional(...).
std::string TypeToString(const onnx::TypeProto* type);

}  // namespace ortlite
