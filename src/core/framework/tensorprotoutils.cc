#include "core/framework/tensorprotoutils.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ortlite {

namespace {

template <typename T, typename Field>
void CopyTypedField(const Field& field, Tensor& t, const std::string& name) {
  const int64_t n = t.NumElements();
  if (field.size() != n) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", name, "' holds ", field.size(), " values, its dims need ", n);
  }
  T* dst = static_cast<T*>(t.MutableDataRaw());
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(field.Get(static_cast<int>(i)));
}

}  // namespace

Tensor TensorFromProto(const onnx::TensorProto& proto) {
  if (!IsValidDataType(proto.data_type())) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "' has unsupported data type ", proto.data_type());
  }
  const DataType type = static_cast<DataType>(proto.data_type());
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims) {
    if (d < 0) ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "' has a negative dimension");
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "' refers to external data that was not loaded");
  }
  Tensor t(type, TensorShape(dims), GetCpuAllocator());
  const int64_t n = t.NumElements();
  const std::string& name = proto.name();
  if (type == DataType::kString) {
    if (proto.string_data_size() != n) {
      ThrowError(ErrorCode::kInvalidProtobuf, "string tensor '", name, "' holds ", proto.string_data_size(),
                 " values, its dims need ", n);
    }
    auto* s = t.MutableData<std::string>();
    for (int64_t i = 0; i < n; ++i) s[i] = proto.string_data(static_cast<int>(i));
    return t;
  }
  if (proto.has_raw_data()) {
    if (proto.raw_data().size() != t.SizeInBytes()) {
      ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", name, "' has ", proto.raw_data().size(),
                 " bytes of raw data, its type and dims need ", t.SizeInBytes());
    }
    if (t.SizeInBytes()) std::memcpy(t.MutableDataRaw(), proto.raw_data().data(), t.SizeInBytes());
    return t;
  }
  if (n == 0) return t;
  switch (type) {
    case DataType::kFloat: CopyTypedField<float>(proto.float_data(), t, name); break;
    case DataType::kDouble: CopyTypedField<double>(proto.double_data(), t, name); break;
    case DataType::kInt64: CopyTypedField<int64_t>(proto.int64_data(), t, name); break;
    case DataType::kUInt64: CopyTypedField<uint64_t>(proto.uint64_data(), t, name); break;
    case DataType::kUInt32: CopyTypedField<uint32_t>(proto.uint64_data(), t, name); break;
    case DataType::kInt32: CopyTypedField<int32_t>(proto.int32_data(), t, name); break;
    case DataType::kInt16: CopyTypedField<int16_t>(proto.int32_data(), t, name); break;
    case DataType::kUInt16: CopyTypedField<uint16_t>(proto.int32_data(), t, name); break;
    case DataType::kInt8: CopyTypedField<int8_t>(proto.int32_data(), t, name); break;
    case DataType::kUInt8: CopyTypedField<uint8_t>(proto.int32_data(), t, name); break;
    case DataType::kBool: CopyTypedField<bool>(proto.int32_data(), t, name); break;
    case DataType::kFloat16:
    case DataType::kBFloat16: CopyTypedField<uint16_t>(proto.int32_data(), t, name); break;
    case DataType::kComplex64: {
      if (proto.float_data_size() != 2 * n) ThrowError(ErrorCode::kInvalidProtobuf, "complex tensor '", name, "' size mismatch");
      std::memcpy(t.MutableDataRaw(), proto.float_data().data(), t.SizeInBytes());
      break;
    }
    case DataType::kComplex128: {
      if (proto.double_data_size() != 2 * n) ThrowError(ErrorCode::kInvalidProtobuf, "complex tensor '", name, "' size mismatch");
      std::memcpy(t.MutableDataRaw(), proto.double_data().data(), t.SizeInBytes());
      break;
    }
    default: ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", name, "' has unsupported data type");
  }
  return t;
}

Tensor TensorViewFromProto(const onnx::TensorProto& proto) {
  const bool viewable = proto.has_raw_data() && IsValidDataType(proto.data_type()) &&
                        proto.data_type() != onnx::TensorProto::STRING &&
                        proto.data_location() != onnx::TensorProto::EXTERNAL;
  if (!viewable) return TensorFromProto(proto);
  const DataType type = static_cast<DataType>(proto.data_type());
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0) return TensorFromProto(proto);  // reports the error
    n *= d;
  }
  if (static_cast<size_t>(n) * DataTypeSize(type) != proto.raw_data().size()) return TensorFromProto(proto);
  return Tensor(type, TensorShape(dims), const_cast<char*>(proto.raw_data().data()), GetCpuAllocator()->Info());
}

onnx::TensorProto TensorToProto(const Tensor& tensor, const std::string& name) {
  onnx::TensorProto p;
  p.set_name(name);
  p.set_data_type(static_cast<int>(tensor.GetElementType()));
  for (int64_t d : tensor.Shape().GetDims()) p.add_dims(d);
  if (tensor.GetElementType() == DataType::kString) {
    const auto* s = tensor.Data<std::string>();
    for (int64_t i = 0; i < tensor.NumElements(); ++i) p.add_string_data(s[i]);
  } else {
    p.set_raw_data(tensor.DataRaw(), tensor.SizeInBytes());
  }
  return p;
}

OrtValue ValueFromSequenceProto(const onnx::SequenceProto& proto) {
  TensorSeq seq;
  switch (proto.elem_type()) {
    case onnx::SequenceProto::TENSOR:
      for (const auto& t : proto.tensor_values()) seq.values.emplace_back(TensorFromProto(t));
      break;
    case onnx::SequenceProto::SEQUENCE:
      for (const auto& s : proto.sequence_values()) seq.values.push_back(ValueFromSequenceProto(s));
      break;
    case onnx::SequenceProto::OPTIONAL:
      for (const auto& o : proto.optional_values()) seq.values.push_back(ValueFromOptionalProto(o));
      break;
    default:
      ThrowError(ErrorCode::kInvalidProtobuf, "sequence '", proto.name(), "' has an unsupported element kind");
  }
  if (!seq.values.empty() && seq.values[0].IsTensor()) seq.elem_type = seq.values[0].Get().GetElementType();
  return OrtValue(std::move(seq));
}

OrtValue ValueFromOptionalProto(const onnx::OptionalProto& proto) {
  switch (proto.elem_type()) {
    case onnx::OptionalProto::TENSOR:
      return proto.has_tensor_value() ? OrtValue(TensorFromProto(proto.tensor_value())) : OrtValue();
    case onnx::OptionalProto::SEQUENCE:
      return proto.has_sequence_value() ? ValueFromSequenceProto(proto.sequence_value()) : OrtValue();
    case onnx::OptionalProto::UNDEFINED:
      return OrtValue();
    default:
      ThrowError(ErrorCode::kInvalidProtobuf, "optional '", proto.name(), "' has an unsupported element kind");
  }
}

void LoadExternalData(onnx::TensorProto& proto, const std::string& model_dir) {
  if (proto.data_location() != onnx::TensorProto::EXTERNAL) return;
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : proto.external_data()) {
    if (kv.key() == "location") location = kv.value();
    else if (kv.key() == "offset") offset = std::stoll(kv.value());
    else if (kv.key() == "length") length = std::stoll(kv.value());
  }
  namespace fs = std::filesystem;
  if (location.empty()) ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data has no location");
  const fs::path rel(location);
  if (rel.is_absolute()) {
    ThrowError(ErrorCode::kInvalidArgument, "tensor '", proto.name(), "': external data location '", location,
               "' is absolute; it must be relative to the model's folder");
  }
  const fs::path base = fs::weakly_canonical(fs::path(model_dir.empty() ? "." : model_dir));
  const fs::path full = fs::weakly_canonical(base / rel);
  auto [bi, fi] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (bi != base.end()) {
    ThrowError(ErrorCode::kInvalidArgument, "tensor '", proto.name(), "': external data location '", location,
               "' points outside the model's folder");
  }
  std::ifstream in(full, std::ios::binary);
  if (!in) ThrowError(ErrorCode::kNoSuchFile, "tensor '", proto.name(), "': cannot open external data file '", full.string(), "'");
  in.seekg(0, std::ios::end);
  const int64_t file_size = in.tellg();
  if (offset < 0 || offset > file_size) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data offset ", offset, " is past the end of '", location, "'");
  }
  if (length < 0) length = file_size - offset;
  if (offset + length > file_size) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data [", offset, ", ", offset + length,
               ") is past the end of '", location, "' (", file_size, " bytes)");
  }
  std::string data(static_cast<size_t>(length), '\0');
  in.seekg(offset);
  in.read(data.data(), length);
  proto.set_raw_data(std::move(data));
  proto.clear_external_data();
  proto.set_data_location(onnx::TensorProto::DEFAULT);
}

DataType ElementTypeOf(const onnx::TypeProto& type) {
  return type.has_tensor_type() ? static_cast<DataType>(type.tensor_type().elem_type()) : DataType::kUndefined;
}

std::string TypeToString(const onnx::TypeProto* type) {
  if (!type) return "unknown";
  switch (type->value_case()) {
    case onnx::TypeProto::kTensorType:
      return MakeString("tensor(", DataTypeName(static_cast<DataType>(type->tensor_type().elem_type())), ")");
    case onnx::TypeProto::kSequenceType:
      return "seq(" + TypeToString(&type->sequence_type().elem_type()) + ")";
    case onnx::TypeProto::kOptionalType:
      return "optional(" + TypeToString(&type->optional_type().elem_type()) + ")";
    case onnx::TypeProto::kMapType:
      return MakeString("map(", DataTypeName(static_cast<DataType>(type->map_type().key_type())), ",",
                        TypeToString(&type->map_type().value_type()), ")");
    default:
      return "unknown";
  }
}

}  // namespace ortlite
