#include "core/framework/op_kernel.h"

#include "core/framework/execution_provider.h"
#include "core/framework/session_state.h"
#include "core/framework/tensorprotoutils.h"

namespace ortlite {

OpKernelInfo::OpKernelInfo(const Node& node, const KernelDef& def, const IExecutionProvider& provider,
                           const SessionState& session_state)
    : node_(node), def_(def), provider_(provider), session_state_(session_state) {}

const Tensor* OpKernelInfo::TryGetConstantInput(size_t i) const {
  if (!HasInput(i)) return nullptr;
  return session_state_.ConstantInputForKernel(node_, i);
}

void OpKernelInfo::MarkConstantInputPrePacked(size_t i) const {
  if (HasInput(i)) session_state_.MarkConstantInputPrePacked(node_, i);
}

void OpKernelInfo::MarkConstantInputReadAsBytes(size_t i) const {
  if (HasInput(i)) session_state_.MarkConstantInputReadAsBytes(node_, i);
}

std::shared_ptr<const void> OpKernelInfo::SharedPrePack(
    size_t i, const std::string& format, const std::function<std::shared_ptr<const void>(const Tensor&)>& pack) const {
  if (!HasInput(i)) return nullptr;
  return session_state_.SharedPrePack(node_, i, format, pack);
}

AllocatorPtr OpKernelInfo::GetAllocator() const { return provider_.GetAllocator(); }

namespace {

const onnx::AttributeProto& Required(const Node& node, const std::string& name) {
  const onnx::AttributeProto* a = node.GetAttribute(name);
  if (!a) ThrowError(ErrorCode::kInvalidArgument, "required attribute '", name, "' is missing");
  return *a;
}

[[noreturn]] void WrongType(const std::string& name, const char* want) {
  ThrowError(ErrorCode::kInvalidArgument, "attribute '", name, "' is not of type ", want);
}

}  // namespace

template <>
int64_t OpKernelInfo::GetAttr<int64_t>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (a.type() != onnx::AttributeProto::INT && !a.has_i()) WrongType(name, "int");
  return a.i();
}

template <>
float OpKernelInfo::GetAttr<float>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (a.type() == onnx::AttributeProto::INT) return static_cast<float>(a.i());
  if (a.type() != onnx::AttributeProto::FLOAT && !a.has_f()) WrongType(name, "float");
  return a.f();
}

template <>
std::string OpKernelInfo::GetAttr<std::string>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (a.type() != onnx::AttributeProto::STRING && !a.has_s()) WrongType(name, "string");
  return a.s();
}

template <>
std::vector<int64_t> OpKernelInfo::GetAttr<std::vector<int64_t>>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (a.type() != onnx::AttributeProto::INTS && a.type() != onnx::AttributeProto::UNDEFINED) WrongType(name, "ints");
  return std::vector<int64_t>(a.ints().begin(), a.ints().end());
}

template <>
std::vector<float> OpKernelInfo::GetAttr<std::vector<float>>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (a.type() != onnx::AttributeProto::FLOATS && a.type() != onnx::AttributeProto::UNDEFINED) WrongType(name, "floats");
  return std::vector<float>(a.floats().begin(), a.floats().end());
}

template <>
std::vector<std::string> OpKernelInfo::GetAttr<std::vector<std::string>>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (a.type() != onnx::AttributeProto::STRINGS && a.type() != onnx::AttributeProto::UNDEFINED) WrongType(name, "strings");
  return std::vector<std::string>(a.strings().begin(), a.strings().end());
}

template <>
Tensor OpKernelInfo::GetAttr<Tensor>(const std::string& name) const {
  const auto& a = Required(node_, name);
  if (!a.has_t()) WrongType(name, "tensor");
  return TensorFromProto(a.t());
}

}  // namespace ortlite
