#include "core/plan/execution_frame.h"

#include <condition_variable>
#include <mutex>

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"
#include "core/plan/stream_execution.h"

namespace ortlite {

using Kind = AllocPlanPerValue::Kind;

ExecutionFrame::ExecutionFrame(const SessionState& state, const RunContext& run)
    : state_(state), run_(run), values_(state.NumValues()), remaining_uses_(state.NumValues()) {
  const auto& plan = state.Plan().allocation_plan;
  for (size_t i = 0; i < plan.size(); ++i) remaining_uses_[i].store(plan[i].use_count, std::memory_order_relaxed);
  arena_ = state.AcquireArena();
}

ExecutionFrame::~ExecutionFrame() {
  values_.clear();
  state_.ReleaseArena(std::move(arena_));
}

Tensor ExecutionFrame::AllocateTensor(int index, DataType type, const TensorShape& shape, const MemoryInfo& location,
                                      const AllocatorPtr& allocator) {
  if (index >= 0 && arena_) {
    const AllocPlanPerValue& p = state_.Plan().allocation_plan[index];
    const size_t bytes = static_cast<size_t>(shape.Size()) * DataTypeSize(type);
    if (p.kind == Kind::kStatic && type != DataType::kString && bytes <= p.bytes) {
      for (int64_t d : shape.GetDims()) ORTLITE_CHECK_ARG(d >= 0, "invalid output shape ", shape.ToString());
      return Tensor(type, shape, static_cast<char*>(arena_.get()) + p.offset, location, arena_);
    }
  }
  return Tensor(type, shape, allocator);
}

void ExecutionFrame::ReleaseAfter(const SessionState::NodeInfo& node) {
  const auto& plan = state_.Plan().allocation_plan;
  auto release = [&](int idx) {
    if (idx < 0) return;
    const Kind k = plan[idx].kind;
    if (k != Kind::kAllocate && k != Kind::kStatic) return;
    if (remaining_uses_[idx].fetch_sub(1, std::memory_order_acq_rel) == 1) values_[idx] = OrtValue();
  };
  for (int idx : node.inputs) release(idx);
  for (int idx : node.implicit_inputs) release(idx);
  for (int idx : node.outputs) {
    if (idx >= 0 && plan[idx].use_count == 0 && (plan[idx].kind == Kind::kAllocate || plan[idx].kind == Kind::kStatic))
      values_[idx] = OrtValue();
  }
}

// ---- OpKernelContext -----------------------------------------------------------------------

OpKernelContext::OpKernelContext(ExecutionFrame& frame, const Node& node, const SessionState& state, ThreadPool* pool,
                                 const std::vector<int>& input_indices, const std::vector<int>& implicit_indices,
                                 const std::vector<int>& output_indices)
    : frame_(frame),
      node_(node),
      state_(state),
      pool_(pool),
      input_indices_(input_indices),
      implicit_indices_(implicit_indices),
      output_indices_(output_indices) {}

const OrtValue* OpKernelContext::InputValue(int i) const {
  if (i < 0 || i >= InputCount() || input_indices_[i] < 0) return nullptr;
  return &frame_.Value(input_indices_[i]);
}

const Tensor* OpKernelContext::Input(int i) const {
  const OrtValue* v = InputValue(i);
  if (!v || !v->IsAllocated()) return nullptr;
  if (!v->IsTensor()) {
    ThrowError(ErrorCode::kInvalidArgument, "input ", i, " ('", node_.InputDefs()[i]->Name(), "') is not a tensor");
  }
  return &v->Get();
}

const Tensor& OpKernelContext::RequiredInput(int i) const {
  const Tensor* t = Input(i);
  if (!t) {
    ThrowError(ErrorCode::kInvalidArgument, "required input ", i,
               i < InputCount() ? " ('" + node_.InputDefs()[i]->Name() + "')" : std::string(), " is missing");
  }
  return *t;
}

Tensor* OpKernelContext::Output(int i, const TensorShape& shape) {
  DataType type = DataType::kUndefined;
  if (i < static_cast<int>(node_.OutputDefs().size())) type = node_.OutputDefs()[i]->ElementType();
  if (type == DataType::kUndefined) {
    const Tensor* in0 = InputCount() > 0 ? Input(0) : nullptr;
    ORTLITE_ENFORCE(in0, "the type of output ", i, " is unknown; the kernel must name it");
    type = in0->GetElementType();
  }
  return Output(i, shape, type);
}

Tensor* OpKernelContext::Output(int i, const TensorShape& shape, DataType type) {
  ORTLITE_ENFORCE(i >= 0, "negative output index");
  const SessionState::NodeInfo* info = state_.GetNodeInfo(node_.Index());
  const int idx = i < OutputCount() ? output_indices_[i] : -1;
  const MemoryInfo& loc = i < OutputCount() ? info->output_locations[i] : GetCpuAllocator()->Info();
  const AllocatorPtr alloc = loc.device.type == OrtDevice::kCpu ? GetCpuAllocator() : info->provider->GetAllocator();
  Tensor t = frame_.AllocateTensor(idx, type, shape, loc, alloc);
  if (idx < 0) {
    // An output nobody reads: the kernel still gets somewhere to write.
    scratch_.push_back(std::make_unique<OrtValue>(std::move(t)));
    return &scratch_.back()->GetMutable();
  }
  OrtValue& v = frame_.Value(idx);
  v = OrtValue(std::move(t));
  return &v.GetMutable();
}

void OpKernelContext::SetOutput(int i, OrtValue value) {
  if (i >= OutputCount() || output_indices_[i] < 0) return;
  if (value.IsTensor() && frame_.IsArenaTensor(value.Get())) {
    // A view of arena memory must not outlive its planned lifetime: copy it.
    const Tensor& src = value.Get();
    Tensor* dst = Output(i, src.Shape(), src.GetElementType());
    CopyTensorData(src, *dst);
    return;
  }
  frame_.Value(output_indices_[i]) = std::move(value);
}

bool OpKernelContext::OutputIsUsed(int i) const {
  if (i >= OutputCount() || output_indices_[i] < 0) return false;
  const auto& p = state_.Plan().allocation_plan[output_indices_[i]];
  return p.use_count > 0 || p.kind == Kind::kAllocateOutput;
}

AllocatorPtr OpKernelContext::GetAllocator() const { return GetCpuAllocator(); }

bool OpKernelContext::IsTerminated() const {
  return frame_.Run().terminate && frame_.Run().terminate->load(std::memory_order_relaxed);
}

const Graph& OpKernelContext::Subgraph(const std::string& attr_name) const {
  const Graph* g = node_.GetSubgraph(attr_name);
  ORTLITE_ENFORCE(g, "node has no subgraph attribute '", attr_name, "'");
  return *g;
}

std::vector<OrtValue> OpKernelContext::RunSubgraph(const std::string& attr_name, const std::vector<OrtValue>& inputs) const {
  const SessionState* sub = state_.GetSubgraphState(node_.Index(), attr_name);
  ORTLITE_ENFORCE(sub, "no session state for subgraph '", attr_name, "'");
  const auto& formal = sub->GraphInputIndices();
  ORTLITE_CHECK_ARG(inputs.size() == formal.size(), "subgraph '", attr_name, "' takes ", formal.size(),
                    " inputs, got ", inputs.size());
  std::vector<std::pair<int, OrtValue>> feeds;
  feeds.reserve(formal.size() + sub->OuterScopeIndices().size());
  for (size_t k = 0; k < formal.size(); ++k) feeds.emplace_back(formal[k], inputs[k]);
  for (int outer : sub->OuterScopeIndices()) {
    const int here = state_.ValueIndex(sub->ValueName(outer));
    if (here >= 0) feeds.emplace_back(outer, frame_.Value(here));
  }
  return ExecuteGraph(*sub, std::move(feeds), sub->GraphOutputIndices(), frame_.Run());
}

// ---- executor ------------------------------------------------------------------------------

namespace {

// ORT's profile form: [{"float":[1,3,224,224]},...], one entry per present tensor; and its bytes.
std::string TypeShapes(const std::vector<const OrtValue*>& values, size_t* bytes) {
  std::string s = "[";
  *bytes = 0;
  for (const OrtValue* v : values) {
    if (!v || !v->IsTensor()) continue;
    const Tensor& t = v->Get();
    if (s.size() > 1) s += ",";
    s += MakeString("{\"", DataTypeName(t.GetElementType()), "\":[");
    const auto& dims = t.Shape().GetDims();
    for (size_t k = 0; k < dims.size(); ++k) s += MakeString(k ? "," : "", dims[k]);
    s += "]}";
    *bytes += t.SizeInBytes();
  }
  return s + "]";
}

}  // namespace

void StreamExecutionContext::RunNode(NodeIndex index) {
  const SessionState::NodeInfo* info = state_.GetNodeInfo(index);
  const Node& node = *info->node;
  const RunContext& run = frame_.Run();
  if (run.terminate && run.terminate->load(std::memory_order_relaxed)) {
    ThrowError(ErrorCode::kFail, "Exiting due to terminate flag being set to true.");
  }
  OpKernelContext ctx(frame_, node, state_, state_.IntraOpPool(), info->inputs, info->implicit_inputs, info->outputs);
  const bool profiling = run.profiler && run.profiler->IsEnabled();
  const auto start = profiling ? run.profiler->Now() : Profiler::Clock::time_point{};
  try {
    info->kernel->Compute(ctx);
  } catch (const OrtliteError& e) {
    throw OrtliteError(e.Code() == ErrorCode::kOk ? ErrorCode::kFail : e.Code(),
                       MakeString("Non-zero status code returned while running ", node.OpType(), " node. Name:'",
                                  node.Name(), "' Status Message: ", e.what()));
  } catch (const std::exception& e) {
    ThrowError(ErrorCode::kRuntimeException, "Non-zero status code returned while running ", node.OpType(),
               " node. Name:'", node.Name(), "' Status Message: ", e.what());
  }
  if (profiling) {
    std::vector<const OrtValue*> ins, outs;
    for (int i = 0; i < ctx.InputCount(); ++i) ins.push_back(ctx.InputValue(i));
    for (int idx : info->outputs) outs.push_back(idx >= 0 ? &frame_.Value(idx) : nullptr);
    size_t in_bytes = 0, out_bytes = 0;
    const std::string in_shapes = TypeShapes(ins, &in_bytes), out_shapes = TypeShapes(outs, &out_bytes);
    run.profiler->AddEvent("Node", node.Name() + "_kernel_time", start,
                           {{"op_name", node.OpType()}, {"provider", node.GetExecutionProviderType()}},
                           {{"input_type_shape", in_shapes}, {"output_type_shape", out_shapes},
                            {"node_index", std::to_string(node.Index())},
                            {"activation_size", std::to_string(in_bytes)},
                            {"output_size", std::to_string(out_bytes)}});
  }
  frame_.ReleaseAfter(*info);
}

std::vector<OrtValue> ExecuteGraph(const SessionState& state, std::vector<std::pair<int, OrtValue>> feeds,
                                   const std::vector<int>& fetches, const RunContext& run) {
  ExecutionFrame frame(state, run);
  for (const auto& [idx, value] : state.ConstantValues()) frame.Value(idx) = value;
  for (auto& [idx, value] : feeds) frame.Value(idx) = std::move(value);
  const SequentialExecutionPlan& plan = state.Plan();
  StreamExecutionContext ctx(state, frame, plan);
  ctx.RunAllStreams();
  std::vector<OrtValue> out;
  out.reserve(fetches.size());
  for (int idx : fetches) {
    OrtValue v = frame.Value(idx);
    const auto kind = plan.allocation_plan[idx].kind;
    if (kind == Kind::kPreExisting && v.IsTensor() && state.GetConstantInitializer(state.ValueName(idx))) {
      v = OrtValue(v.Get().Clone());  // the caller must not alias the session's constants
    } else if (v.IsTensor() && frame.IsArenaTensor(v.Get())) {
      v = OrtValue(v.Get().Clone());
    }
    out.push_back(std::move(v));
  }
  return out;
}

}  // namespace ortlite
