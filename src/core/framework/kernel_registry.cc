#include "core/framework/kernel_registry.h"

#include "core/framework/tensorprotoutils.h"
#include "onnx/defs/schema.h"

namespace ortlite {

namespace {

std::string Key(const std::string& domain, const std::string& op) {
  return (domain == "ai.onnx" ? std::string() : domain) + ':' + op;
}

// The element type bound to type parameter `type_str` in this node, if any arg using it has a
// known tensor type (or a sequence/optional of tensors).
DataType BoundType(const Node& node, const onnx::OpSchema& schema, const std::string& type_str) {
  auto elem = [](const NodeArg* a) -> DataType {
    const onnx::TypeProto* t = a->TypeAsProto();
    while (t) {
      if (t->has_tensor_type()) return static_cast<DataType>(t->tensor_type().elem_type());
      if (t->has_sequence_type()) t = &t->sequence_type().elem_type();
      else if (t->has_optional_type()) t = &t->optional_type().elem_type();
      else return DataType::kUndefined;
    }
    return DataType::kUndefined;
  };
  auto scan = [&](const std::vector<onnx::OpSchema::FormalParameter>& formals, const std::vector<NodeArg*>& args) {
    for (size_t i = 0; i < args.size(); ++i) {
      if (formals.empty()) break;
      const size_t fi = std::min(i, formals.size() - 1);
      if (fi < i && formals[fi].GetOption() != onnx::OpSchema::Variadic) break;
      if (formals[fi].GetTypeStr() != type_str || !args[i]->Exists()) continue;
      DataType t = elem(args[i]);
      if (t != DataType::kUndefined) return t;
    }
    return DataType::kUndefined;
  };
  DataType t = scan(schema.inputs(), node.InputDefs());
  if (t == DataType::kUndefined) t = scan(schema.outputs(), node.OutputDefs());
  return t;
}

}  // namespace

void KernelRegistry::Register(KernelDef def, KernelCreateFn create) {
  by_op_[Key(def.domain, def.op_type)].push_back(KernelCreateInfo{std::move(def), std::move(create)});
}

bool KernelRegistry::HasOp(const std::string& domain, const std::string& op_type) const {
  return by_op_.count(Key(domain, op_type)) > 0 || (fallback_ && fallback_->HasOp(domain, op_type));
}

const KernelCreateInfo* KernelRegistry::TryFind(const Node& node, std::string* why_not) const {
  auto it = by_op_.find(Key(node.Domain(), node.OpType()));
  if (it == by_op_.end() && fallback_) return fallback_->TryFind(node, why_not);
  if (it == by_op_.end()) {
    if (why_not) *why_not = MakeString("no kernel for op '", node.OpType(), "'", node.Domain().empty() ? "" : " in domain '" + node.Domain() + "'");
    return nullptr;
  }
  const int version = node.SinceVersion();
  std::string reason;
  bool version_matched = false;
  for (const auto& info : it->second) {
    const KernelDef& d = info.def;
    if (version < d.since_version || version > d.end_version) continue;
    version_matched = true;
    bool types_ok = true;
    if (node.Schema()) {
      for (const auto& [type_str, allowed] : d.type_constraints) {
        const DataType bound = BoundType(node, *node.Schema(), type_str);
        if (bound == DataType::kUndefined) continue;  // unknown: the kernel checks at run time
        if (std::find(allowed.begin(), allowed.end(), bound) == allowed.end()) {
          types_ok = false;
          reason = MakeString("no kernel for ", type_str, "=", DataTypeName(bound));
          break;
        }
      }
    }
    if (types_ok) return &info;
  }
  if (fallback_) {
    if (const KernelCreateInfo* k = fallback_->TryFind(node, nullptr)) return k;
  }
  if (why_not) {
    *why_not = version_matched ? reason + " (op " + node.OpType() + ", opset " + std::to_string(version) + ")"
                               : MakeString("no kernel for op '", node.OpType(), "' at opset version ", version);
  }
  return nullptr;
}

std::vector<const KernelCreateInfo*> KernelRegistry::All() const {
  std::vector<const KernelCreateInfo*> out;
  for (const auto& [k, v] : by_op_)
    for (const auto& i : v) out.push_back(&i);
  return out;
}

KernelRegistry& CpuKernelRegistry() {
  static KernelRegistry registry;
  return registry;
}

}  // namespace ortlite
