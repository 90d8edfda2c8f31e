// Kernel definitions and registries. A kernel is registered once, beside its code:
//
//   ONNX_CPU_KERNEL(Relu, 14, ReluKernel, KernelDefBuilder().TypeConstraint("T", FloatTypes()))
//   ONNX_CPU_VERSIONED_KERNEL(Relu, 6, 13, ReluKernel, KernelDefBuilder())
//   CPU_KERNEL_EX(Gelu, "com.microsoft", 1, 1, GeluKernel, KernelDefBuilder())
//
// A registration covers [since, end] of the operator's opset history and, optionally, the element
// types per type-constraint name of the operator's schema ("T", "T1", ...). Without a type
// constraint the kernel accepts any type and is expected to switch on it inside Compute.
#pragma once
#include <climits>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/framework/op_kernel.h"

namespace ortlite {

constexpr const char* kCpuExecutionProvider = "CPUExecutionProvider";
constexpr const char* kOnnxDomain = "";
constexpr const char* kMLDomain = "ai.onnx.ml";
constexpr const char* kMSDomain = "com.microsoft";
constexpr const char* kPreviewTrainingDomain = "ai.onnx.preview.training";

struct KernelDef {
  std::string op_type;
  std::string domain;
  std::string provider;
  int since_version = 1;
  int end_version = INT_MAX;
  std::map<std::string, std::vector<DataType>> type_constraints;
  // Inputs the kernel reads on the host even when its provider's device is another (shapes, axes).
  std::vector<int> host_inputs;
  // Outputs the kernel writes to host memory (MemcpyToHost).
  std::vector<int> host_outputs;
  // (input, output) pairs where the kernel is correct when the output's buffer is the input's:
  // the planner may then give the output that buffer if the input is not read afterwards.
  std::vector<std::pair<int, int>> may_inplace;
};

class KernelDefBuilder {
 public:
  KernelDefBuilder& TypeConstraint(const std::string& name, std::vector<DataType> types) {
    def_.type_constraints[name] = std::move(types);
    return *this;
  }
  KernelDefBuilder& HostInput(int index) {
    def_.host_inputs.push_back(index);
    return *this;
  }
  KernelDefBuilder& HostOutput(int index) {
    def_.host_outputs.push_back(index);
    return *this;
  }
  KernelDefBuilder& MayInplace(int input, int output) {
    def_.may_inplace.emplace_back(input, output);
    return *this;
  }
  KernelDef Build(const std::string& op, const std::string& domain, int since, int end,
                  const std::string& provider) const {
    KernelDef d = def_;
    d.op_type = op;
    d.domain = domain;
    d.since_version = since;
    d.end_version = end;
    d.provider = provider;
    return d;
  }

 private:
  KernelDef def_;
};

// The DataTypes of a TypeList, for TypeConstraint(): TypesOf(FloatTypes()).
template <typename... Ts>
std::vector<DataType> TypesOf(TypeList<Ts...>) {
  return {DataTypeFor<Ts>()...};
}
template <typename... Ts>
std::vector<DataType> TypesOf() {
  return {DataTypeFor<Ts>()...};
}

using KernelCreateFn = std::function<std::unique_ptr<OpKernel>(const OpKernelInfo&)>;

struct KernelCreateInfo {
  KernelDef def;
  KernelCreateFn create;
};

class KernelRegistry {
 public:
  KernelRegistry() = default;
  // A registry consulted after this one (custom-op registries fall back to the CPU kernels).
  explicit KernelRegistry(const KernelRegistry* fallback) : fallback_(fallback) {}
  void Register(KernelDef def, KernelCreateFn create);
  // The first registration matching node's domain, op type, since-version and input/output
  // element types; nullptr with `why_not` set (if given) to the reason otherwise.
  const KernelCreateInfo* TryFind(const Node& node, std::string* why_not = nullptr) const;
  // Every registration, for coverage reports.
  std::vector<const KernelCreateInfo*> All() const;
  bool HasOp(const std::string& domain, const std::string& op_type) const;

 private:
  std::unordered_map<std::string, std::vector<KernelCreateInfo>> by_op_;  // key: domain + ':' + op
  const KernelRegistry* fallback_ = nullptr;
};

// The registry the CPU provider's kernels register into at static-initialisation time.
KernelRegistry& CpuKernelRegistry();

struct KernelRegistrar {
  KernelRegistrar(KernelRegistry& reg, KernelDef def, KernelCreateFn fn) { reg.Register(std::move(def), std::move(fn)); }
};

}  // namespace ortlite

#define ORTLITE_CONCAT_IMPL(a, b) a##b
#define ORTLITE_CONCAT(a, b) ORTLITE_CONCAT_IMPL(a, b)

#define CPU_KERNEL_EX(op, domain, since, end, Class, builder)                                          \
  static ::ortlite::KernelRegistrar ORTLITE_CONCAT(kernel_registrar_, __COUNTER__)(                   \
      ::ortlite::CpuKernelRegistry(),                                                                  \
      (builder).Build(#op, domain, since, end, ::ortlite::kCpuExecutionProvider),                      \
      [](const ::ortlite::OpKernelInfo& info) -> std::unique_ptr<::ortlite::OpKernel> {                \
        return std::make_unique<Class>(info);                                                          \
      });

#define ONNX_CPU_KERNEL(op, since, Class, builder) CPU_KERNEL_EX(op, "", since, INT_MAX, Class, builder)
#define ONNX_CPU_VERSIONED_KERNEL(op, since, end, Class, builder) CPU_KERNEL_EX(op, "", since, end, Class, builder)
