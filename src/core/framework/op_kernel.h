// The kernel interface: OpKernelInfo (what a kernel learns at session start), OpKernelContext
// (what it sees at run time) and OpKernel itself. Kernels are registered beside their code with
// the macros in kernel_registry.h.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/framework/ort_value.h"
#include "core/framework/tensor.h"
#include "core/framework/thread_pool.h"
#include "core/graph/graph.h"

namespace ortlite {

class IExecutionProvider;
class SessionState;
class ExecutionFrame;
struct KernelDef;

class OpKernelInfo {
 public:
  OpKernelInfo(const Node& node, const KernelDef& def, const IExecutionProvider& provider,
               const SessionState& session_state);

  const Node& node() const { return node_; }
  const KernelDef& GetKernelDef() const { return def_; }
  const IExecutionProvider& GetExecutionProvider() const { return provider_; }
  const SessionState& GetSessionState() const { return session_state_; }
  int SinceVersion() const { return node_.SinceVersion(); }
  size_t InputCount() const { return node_.InputDefs().size(); }
  size_t OutputCount() const { return node_.OutputDefs().size(); }
  const NodeArg* InputDef(size_t i) const { return i < InputCount() ? node_.InputDefs()[i] : nullptr; }
  const NodeArg* OutputDef(size_t i) const { return i < OutputCount() ? node_.OutputDefs()[i] : nullptr; }
  // True when input i is present (not omitted).
  bool HasInput(size_t i) const { return i < InputCount() && node_.InputDefs()[i]->Exists(); }

  // Attributes. Supported T: int64_t, float, std::string, std::vector<int64_t>,
  // std::vector<float>, std::vector<std::string>, Tensor (from a tensor attribute).
  bool HasAttr(const std::string& name) const { return node_.GetAttribute(name) != nullptr; }
  template <typename T>
  T GetAttr(const std::string& name) const;  // throws naming the node if absent or of another type
  template <typename T>
  T GetAttrOrDefault(const std::string& name, const T& default_value) const {
    return HasAttr(name) ? GetAttr<T>(name) : default_value;
  }
  const onnx::AttributeProto* GetAttrProto(const std::string& name) const { return node_.GetAttribute(name); }

  // If input i is a constant initializer, returns it: host memory, aligned, readable while the
  // kernel is being created and, unless the kernel marks it pre-packed, for the session's life.
  const Tensor* TryGetConstantInput(size_t i) const;

  // Constant inputs a kernel has pre-packed. After MarkConstantInputPrePacked(i) the kernel must
  // not read input i's data at run time (its type and shape stay valid): once every kernel that
  // read the initializer did so, the session lets go of its memory, so the weight is resident
  // only in packed form. No effect for inputs that are not constants.
  void MarkConstantInputPrePacked(size_t i) const;
  // The kernel reads constant input i at run time only bytewise (memcpy): its data need not be
  // aligned for its element type, so it can stay in the model file's mapping, where pages the
  // kernel never reads (embedding rows no token selects) never become resident.
  void MarkConstantInputReadAsBytes(size_t i) const;
  // The pre-packed form of constant input i in `format` (a name for the layout and everything it
  // depends on), shared by all kernels of the graph that pack the same initializer the same way;
  // `pack` runs for the first one only. nullptr if input i is not a constant.
  template <typename Packed>
  std::shared_ptr<const Packed> GetOrPrePackConstantInput(
      size_t i, const std::string& format, const std::function<std::shared_ptr<const Packed>(const Tensor&)>& pack) const {
    return std::static_pointer_cast<const Packed>(
        SharedPrePack(i, format, [&](const Tensor& t) -> std::shared_ptr<const void> { return pack(t); }));
  }

  AllocatorPtr GetAllocator() const;

 private:
  std::shared_ptr<const void> SharedPrePack(size_t i, const std::string& format,
                                            const std::function<std::shared_ptr<const void>(const Tensor&)>& pack) const;

  const Node& node_;
  const KernelDef& def_;
  const IExecutionProvider& provider_;
  const SessionState& session_state_;
};

class OpKernelContext {
 public:
  OpKernelContext(ExecutionFrame& frame, const Node& node, const SessionState& state, ThreadPool* pool,
                  const std::vector<int>& input_indices, const std::vector<int>& implicit_indices,
                  const std::vector<int>& output_indices);

  const Node& node() const { return node_; }
  int InputCount() const { return static_cast<int>(input_indices_.size()); }
  int OutputCount() const { return static_cast<int>(output_indices_.size()); }
  // The tensor bound to input i; nullptr if the input is omitted, beyond the count, or an optional
  // holding no value. Throws if the value is not a tensor.
  const Tensor* Input(int i) const;
  // The value bound to input i (tensor, sequence, map or none); nullptr if omitted.
  const OrtValue* InputValue(int i) const;
  // Required input: throws naming the node when it is missing.
  const Tensor& RequiredInput(int i) const;

  // Allocates output i with `shape`. The element type is the inferred type of the output (or of
  // input 0 when inference could not tell); pass `type` to choose it. Never returns nullptr:
  // outputs the graph does not use get a scratch buffer.
  Tensor* Output(int i, const TensorShape& shape);
  Tensor* Output(int i, const TensorShape& shape, DataType type);
  // Sets output i to any value (a sequence, a map, an optional none, or a tensor built elsewhere).
  void SetOutput(int i, OrtValue value);
  // True if output i is consumed by something (a node or the graph's outputs).
  bool OutputIsUsed(int i) const;

  ThreadPool* GetThreadPool() const { return pool_; }
  AllocatorPtr GetAllocator() const;  // for temporary buffers

  // Runs the subgraph of graph attribute `attr_name` (If branches, Loop/Scan bodies). `inputs`
  // bind the subgraph's formal inputs in order; outer-scope values it reads are bound from this
  // node's implicit inputs. Outputs are returned in the subgraph's output order.
  std::vector<OrtValue> RunSubgraph(const std::string& attr_name, const std::vector<OrtValue>& inputs) const;
  // Number of formal inputs/outputs of a subgraph attribute.
  const Graph& Subgraph(const std::string& attr_name) const;

  bool IsTerminated() const;

 private:
  ExecutionFrame& frame_;
  const Node& node_;
  const SessionState& state_;
  ThreadPool* pool_;
  const std::vector<int>& input_indices_;
  const std::vector<int>& implicit_indices_;
  const std::vector<int>& output_indices_;
  std::vector<std::unique_ptr<OrtValue>> scratch_;
};

class OpKernel {
 public:
  explicit OpKernel(const OpKernelInfo& info) : node_(info.node()) {}
  virtual ~OpKernel() = default;
  virtual void Compute(OpKernelContext& ctx) const = 0;
  const Node& node() const { return node_; }

 private:
  const Node& node_;
};

template <> int64_t OpKernelInfo::GetAttr<int64_t>(const std::string&) const;
template <> float OpKernelInfo::GetAttr<float>(const std::string&) const;
template <> std::string OpKernelInfo::GetAttr<std::string>(const std::string&) const;
template <> std::vector<int64_t> OpKernelInfo::GetAttr<std::vector<int64_t>>(const std::string&) const;
template <> std::vector<float> OpKernelInfo::GetAttr<std::vector<float>>(const std::string&) const;
template <> std::vector<std::string> OpKernelInfo::GetAttr<std::vector<std::string>>(const std::string&) const;
template <> Tensor OpKernelInfo::GetAttr<Tensor>(const std::string&) const;

}  // namespace ortlite
