// Conversions between onnx::TensorProto / TypeProto and ortlite's Tensor / OrtValue.
#pragma once
#include <string>

#include "core/framework/ort_value.h"
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

// SequenceProto / OptionalProto / MapProto values, as test data stores them.
OrtValue ValueFromSequenceProto(const onnx::SequenceProto& proto);
OrtValue ValueFromOptionalProto(const onnx::OptionalProto& proto);

// Replaces external data references in `proto` with raw_data read from files relative to
// `model_dir`. A location that is absolute or leaves model_dir is refused (kInvalidArgument).
void LoadExternalData(onnx::TensorProto& proto, const std::string& model_dir);

// The element type of a tensor TypeProto, kUndefined otherwise.
DataType ElementTypeOf(const onnx::TypeProto& type);
// A human-readable type string: tensor(float), seq(tensor(int64)), optional(...).
std::string TypeToString(const onnx::TypeProto* type);

}  // namespace ortlite
