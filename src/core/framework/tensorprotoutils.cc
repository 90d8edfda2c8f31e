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

void CheckRawSize(const onnx::TensorProto& proto, size_t have, size_t need) {
  if (have != need) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "' has ", have,
               " bytes of raw data, its type and dims need ", need);
  }
}

// Type and dims of `proto`, checked.
std::pair<DataType, TensorShape> TypeAndShape(const onnx::TensorProto& proto) {
  if (!IsValidDataType(proto.data_type())) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "' has unsupported data type ", proto.data_type());
  }
  std::vector<int64_t> dims(proto.dims().begin(), proto.dims().end());
  for (int64_t d : dims) {
    if (d < 0) ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "' has a negative dimension");
  }
  return {static_cast<DataType>(proto.data_type()), TensorShape(dims)};
}

}  // namespace

namespace {

// Type and dims of `proto` for `size` bytes of raw data, checked against each other.
std::pair<DataType, TensorShape> RawTypeAndShape(const onnx::TensorProto& proto, size_t size) {
  auto [type, shape] = TypeAndShape(proto);
  if (type == DataType::kString) {
    ThrowError(ErrorCode::kInvalidProtobuf, "string tensor '", proto.name(), "' cannot hold raw or external data");
  }
  // Compared by division: dims of a corrupt model may overflow a product.
  const uint64_t count = static_cast<uint64_t>(shape.Size());
  const size_t element = DataTypeSize(type);
  const bool fits = count == 0 ? size == 0 : size % element == 0 && size / element == count;
  if (!fits) CheckRawSize(proto, size, static_cast<size_t>(count * element));
  return {type, shape};
}

}  // namespace

Tensor TensorFromRawBytes(const onnx::TensorProto& proto, const void* data, size_t size) {
  auto [type, shape] = RawTypeAndShape(proto, size);
  Tensor t(type, shape, GetCpuAllocator());
  if (size) std::memcpy(t.MutableDataRaw(), data, size);
  return t;
}

Tensor TensorViewOfRawBytes(const onnx::TensorProto& proto, const void* data, size_t size,
                            std::shared_ptr<void> keep_alive) {
  auto [type, shape] = RawTypeAndShape(proto, size);
  return Tensor(type, shape, const_cast<void*>(data), GetCpuAllocator()->Info(), std::move(keep_alive));
}

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
    CheckRawSize(proto, proto.raw_data().size(), t.SizeInBytes());
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

Tensor TensorFromMappedBytes(const onnx::TensorProto& proto, const MappedBytes& bytes) {
  const Tensor view = TensorViewOfRawBytes(proto, bytes.Data(), bytes.size, nullptr);  // checks the size
  // Large copies take whole pages: they are often freed again soon (once pre-packed).
  constexpr size_t kPageAllocated = size_t{64} << 10;
  Tensor copy(view.GetElementType(), view.Shape(), bytes.size >= kPageAllocated ? GetPageAllocator() : GetCpuAllocator());
  if (bytes.size) bytes.file->CopyTo(bytes.offset, bytes.size, copy.MutableDataRaw());
  return copy;
}

Tensor InitializerToTensor(const Graph& graph, const std::string& name, bool search_outer_scope) {
  const onnx::TensorProto* proto = graph.GetInitializer(name, search_outer_scope);
  if (!proto) ThrowError(ErrorCode::kInvalidArgument, "there is no initializer '", name, "'");
  if (const MappedBytes* mapped = graph.GetMappedData(name, search_outer_scope)) {
    return TensorFromMappedBytes(*proto, *mapped);
  }
  return TensorFromProto(*proto);
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

ExternalDataLocation LocateExternalData(const onnx::TensorProto& proto, const std::string& model_dir) {
  ExternalDataLocation where;
  for (const auto& kv : proto.external_data()) {
    if (kv.key() == "location") where.location = kv.value();
    else if (kv.key() == "offset") where.offset = std::stoll(kv.value());
    else if (kv.key() == "length") where.length = std::stoll(kv.value());
  }
  namespace fs = std::filesystem;
  if (where.location.empty()) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data has no location");
  }
  const fs::path rel(where.location);
  if (rel.is_absolute()) {
    ThrowError(ErrorCode::kInvalidArgument, "tensor '", proto.name(), "': external data location '", where.location,
               "' is absolute; it must be relative to the model's folder");
  }
  const fs::path base = fs::weakly_canonical(fs::path(model_dir.empty() ? "." : model_dir));
  const fs::path full = fs::weakly_canonical(base / rel);
  auto [bi, fi] = std::mismatch(base.begin(), base.end(), full.begin(), full.end());
  if (bi != base.end()) {
    ThrowError(ErrorCode::kInvalidArgument, "tensor '", proto.name(), "': external data location '", where.location,
               "' points outside the model's folder");
  }
  where.path = full.string();
  return where;
}

std::pair<size_t, size_t> ExternalDataRange(const onnx::TensorProto& proto, const ExternalDataLocation& where,
                                            int64_t file_size) {
  int64_t offset = where.offset, length = where.length;
  if (offset < 0 || offset > file_size) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data offset ", offset,
               " is past the end of '", where.location, "'");
  }
  if (length < 0) length = file_size - offset;
  if (length > file_size - offset) {
    ThrowError(ErrorCode::kInvalidProtobuf, "tensor '", proto.name(), "': external data [", offset, ", ",
               offset + length, ") is past the end of '", where.location, "' (", file_size, " bytes)");
  }
  return {static_cast<size_t>(offset), static_cast<size_t>(length)};
}

void LoadExternalData(onnx::TensorProto& proto, const std::string& model_dir) {
  if (proto.data_location() != onnx::TensorProto::EXTERNAL) return;
  const ExternalDataLocation where = LocateExternalData(proto, model_dir);
  std::ifstream in(where.path, std::ios::binary);
  if (!in) {
    ThrowError(ErrorCode::kNoSuchFile, "tensor '", proto.name(), "': cannot open external data file '", where.path, "'");
  }
  in.seekg(0, std::ios::end);
  const auto [offset, length] = ExternalDataRange(proto, where, static_cast<int64_t>(in.tellg()));
  std::string data(length, '\0');
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(data.data(), static_cast<std::streamsize>(length));
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
