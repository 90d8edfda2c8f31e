// Builds the SequentialExecutionPlan: streams of steps, and for every value how it gets memory.
//
// Intermediate tensors whose size is known from inferred shapes are packed into one arena per
// run: each gets [first_step, last_step] in execution order, and a greedy best-fit places larger
// blocks first at the lowest offset not used by any block alive at the same time. An output may
// take over the buffer of an input that dies at its node when the kernel allows it (FusedConv's Y
// over its residual Z), saving the copy and the cache misses of a separate buffer; and the inputs
// of a channel Concat at batch 1 are produced where they belong in its output, so the Concat
// copies nothing.
#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <sstream>
#include <unordered_map>

#include "core/framework/session_state.h"

namespace ortlite {

namespace {

using Kind = AllocPlanPerValue::Kind;

size_t AlignUp(size_t n) { return (n + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment; }

// Bytes of a value with a fully static tensor shape; 0 if unknown or not a plain tensor.
size_t StaticBytes(const NodeArg* arg) {
  if (!arg || !arg->IsTensorType()) return 0;
  const DataType t = arg->ElementType();
  if (t == DataType::kUndefined || t == DataType::kString) return 0;
  auto shape = arg->Shape();
  if (!shape) return 0;
  int64_t n = 1;
  for (int64_t d : *shape) {
    if (d < 0) return 0;
    n *= d;
  }
  return AlignUp(static_cast<size_t>(n) * DataTypeSize(t));
}

struct Block {
  size_t offset, bytes;
  int first, last;
};

// How static values share blocks: a value that takes over its donor's buffer (donor_of) shares
// the donor's block at the same offset; a Concat input placed in its output (slice_of) lives at
// its byte offset inside the output's block. A shared block is busy from the first member's
// production to the last member's last use.
struct SharedBlocks {
  std::vector<int> donor_of;            // -1: none
  std::vector<int> slice_of;            // -1: none
  std::vector<size_t> slice_offset;     // bytes, when slice_of >= 0
};

void PlaceStatic(std::vector<AllocPlanPerValue>& plan, const std::vector<int>& candidates, const SharedBlocks& shared,
                 size_t& arena) {
  std::vector<int> root(plan.size(), -1);
  std::vector<size_t> delta(plan.size(), 0);
  std::vector<int> by_step = candidates;  // donors and Concat outputs resolve before their members
  std::stable_sort(by_step.begin(), by_step.end(), [&](int a, int b) { return plan[a].first_step < plan[b].first_step; });
  for (int v : by_step) {
    if (shared.slice_of[v] >= 0) continue;
    const int d = shared.donor_of[v];
    root[v] = d >= 0 ? root[d] : v;
    delta[v] = d >= 0 ? delta[d] : 0;
  }
  for (int v : by_step) {
    if (shared.slice_of[v] < 0) continue;
    const int parent = shared.slice_of[v];
    root[v] = root[parent];
    delta[v] = delta[parent] + shared.slice_offset[v];
  }
  std::vector<int> block_first(plan.size(), INT32_MAX), block_last(plan.size(), -1);
  std::vector<int> roots;
  for (int v : candidates) {
    const int r = root[v];
    block_first[r] = std::min(block_first[r], plan[v].first_step);
    block_last[r] = std::max(block_last[r], plan[v].last_step);
    if (r == v) roots.push_back(v);
  }
  std::stable_sort(roots.begin(), roots.end(), [&](int a, int b) { return plan[a].bytes > plan[b].bytes; });
  std::vector<Block> placed;
  arena = 0;
  for (int v : roots) {
    AllocPlanPerValue& p = plan[v];
    const int first = block_first[v], last = block_last[v];
    std::vector<std::pair<size_t, size_t>> busy;
    for (const Block& b : placed)
      if (b.first <= last && first <= b.last) busy.emplace_back(b.offset, b.offset + b.bytes);
    std::sort(busy.begin(), busy.end());
    size_t offset = 0, best = SIZE_MAX, best_gap = SIZE_MAX;
    for (const auto& [start, end] : busy) {
      if (start > offset && start - offset >= p.bytes && start - offset < best_gap) {
        best = offset;
        best_gap = start - offset;
      }
      offset = std::max(offset, end);
    }
    if (best == SIZE_MAX) best = offset;
    p.offset = best;
    placed.push_back(Block{best, p.bytes, first, last});
    arena = std::max(arena, best + p.bytes);
  }
  for (int v : candidates) plan[v].offset = plan[root[v]].offset + delta[v];
}

// For each static value, the static input whose buffer it takes over (-1: none): the kernel
// allows it (KernelDef::may_inplace), the sizes match, the input is read by nothing after this
// node and only once by it, and no other output took it already.
void FindInplaceDonors(const SessionState& state, const SequentialExecutionPlan& plan, SharedBlocks& shared) {
  const auto& values = plan.allocation_plan;
  std::vector<int>& donor_of = shared.donor_of;
  std::vector<bool> donated(values.size(), false);
  for (size_t step = 0; step < plan.execution_order.size(); ++step) {
    const auto* info = state.GetNodeInfo(plan.execution_order[step]);
    for (const auto& [in, out] : info->may_inplace) {
      if (in < 0 || out < 0 || static_cast<size_t>(in) >= info->inputs.size() ||
          static_cast<size_t>(out) >= info->outputs.size()) {
        continue;
      }
      const int u = info->inputs[in], v = info->outputs[out];
      if (u < 0 || v < 0 || donated[u] || donor_of[v] >= 0) continue;
      if (values[u].kind != Kind::kStatic || values[v].kind != Kind::kStatic) continue;
      if (values[u].bytes != values[v].bytes || values[u].last_step != static_cast<int>(step)) continue;
      const auto reads = std::count(info->inputs.begin(), info->inputs.end(), u) +
                         std::count(info->implicit_inputs.begin(), info->implicit_inputs.end(), u);
      if (reads != 1) continue;
      donor_of[v] = u;
      donated[u] = true;
    }
  }
}

// Inputs of a Concat that can be produced straight into their place in its output: the output
// is one contiguous run per input (every dimension before the axis is 1), all are static, each
// input is read by nothing else and starts at an aligned byte offset, and no input already
// shares a block in another way (an in-place donor, or a Concat output with slices of its own).
void FindConcatSlices(const SessionState& state, const SequentialExecutionPlan& plan, SharedBlocks& shared) {
  const auto& values = plan.allocation_plan;
  const Graph& graph = state.GetGraph();
  std::vector<bool> has_slices(values.size(), false), donated(values.size(), false);
  for (int d : shared.donor_of)
    if (d >= 0) donated[d] = true;
  for (size_t step = 0; step < plan.execution_order.size(); ++step) {
    const auto* info = state.GetNodeInfo(plan.execution_order[step]);
    const Node& node = *info->node;
    if (node.OpType() != "Concat" || !node.Domain().empty() || info->outputs.size() != 1) continue;
    const int v = info->outputs[0];
    if (v < 0 || values[v].kind != Kind::kStatic || shared.slice_of[v] >= 0) continue;
    const NodeArg* out_arg = graph.GetNodeArg(state.ValueName(v));
    const auto out_shape = out_arg ? out_arg->Shape() : std::nullopt;
    if (!out_shape || out_shape->empty()) continue;
    const auto* axis_attr = node.GetAttribute("axis");
    int64_t axis = axis_attr ? axis_attr->i() : 1;
    const int64_t rank = static_cast<int64_t>(out_shape->size());
    if (axis < 0) axis += rank;
    if (axis < 0 || axis >= rank) continue;
    bool contiguous = true;
    for (int64_t k = 0; k < axis; ++k) contiguous &= (*out_shape)[k] == 1;
    if (!contiguous) continue;
    const size_t element = DataTypeSize(out_arg->ElementType());
    bool ok = !info->inputs.empty();
    std::vector<size_t> offsets;
    size_t offset = 0;
    for (size_t i = 0; ok && i < info->inputs.size(); ++i) {
      const int u = info->inputs[i];
      const NodeArg* in_arg = u >= 0 ? graph.GetNodeArg(state.ValueName(u)) : nullptr;
      const auto in_shape = in_arg ? in_arg->Shape() : std::nullopt;
      ok = u >= 0 && values[u].kind == Kind::kStatic && values[u].last_step == static_cast<int>(step) &&
           std::count(info->inputs.begin(), info->inputs.end(), u) == 1 && shared.donor_of[u] < 0 && !donated[u] &&
           !has_slices[u] && shared.slice_of[u] < 0 && in_shape && in_shape->size() == out_shape->size() &&
           offset % kBufferAlignment == 0;
      if (!ok) break;
      int64_t n = 1;
      for (int64_t d : *in_shape) n *= d;
      offsets.push_back(offset);
      offset += static_cast<size_t>(n) * element;
    }
    if (!ok || AlignUp(offset) != values[v].bytes) continue;
    for (size_t i = 0; i < info->inputs.size(); ++i) {
      shared.slice_of[info->inputs[i]] = v;
      shared.slice_offset[info->inputs[i]] = offsets[i];
    }
    has_slices[v] = true;
  }
}

}  // namespace

SequentialExecutionPlan CreateExecutionPlan(const SessionState& state) {
  SequentialExecutionPlan plan;
  const Graph& graph = state.GetGraph();
  for (NodeIndex i : graph.TopologicalOrder())
    if (graph.GetNode(i)) plan.execution_order.push_back(i);

  auto& values = plan.allocation_plan;
  values.resize(state.NumValues());
  for (const NodeArg* a : graph.GetInputsIncludingInitializers()) values[state.ValueIndex(a->Name())].kind = Kind::kPreExisting;
  for (const auto& [name, t] : graph.Initializers()) values[state.ValueIndex(name)].kind = Kind::kPreExisting;
  for (int idx : state.OuterScopeIndices()) values[idx].kind = Kind::kPreExisting;
  for (int idx : state.GraphOutputIndices())
    if (values[idx].kind != Kind::kPreExisting) values[idx].kind = Kind::kAllocateOutput;

  for (size_t step = 0; step < plan.execution_order.size(); ++step) {
    const auto* info = state.GetNodeInfo(plan.execution_order[step]);
    const int s = static_cast<int>(step);
    for (size_t k = 0; k < info->outputs.size(); ++k) {
      const int idx = info->outputs[k];
      if (idx < 0) continue;
      values[idx].first_step = s;
      values[idx].last_step = std::max(values[idx].last_step, s);
      values[idx].location = info->output_locations[k];
    }
    auto use = [&](int idx) {
      if (idx < 0) return;
      values[idx].last_step = std::max(values[idx].last_step, s);
      ++values[idx].use_count;
    };
    for (int idx : info->inputs) use(idx);
    for (int idx : info->implicit_inputs) use(idx);
  }

  const bool parallel = state.Config().parallel && state.GetInterOpPool() && plan.execution_order.size() > 1;
  if (state.Config().mem_pattern && !parallel) {
    std::vector<int> candidates;
    for (size_t idx = 0; idx < values.size(); ++idx) {
      AllocPlanPerValue& p = values[idx];
      if (p.kind != Kind::kAllocate || p.first_step < 0 || p.location.device.type != OrtDevice::kCpu) continue;
      const size_t bytes = StaticBytes(graph.GetNodeArg(state.ValueName(static_cast<int>(idx))));
      if (bytes == 0) continue;
      p.kind = Kind::kStatic;
      p.bytes = bytes;
      candidates.push_back(static_cast<int>(idx));
    }
    SharedBlocks shared;
    shared.donor_of.assign(values.size(), -1);
    shared.slice_of.assign(values.size(), -1);
    shared.slice_offset.assign(values.size(), 0);
    FindInplaceDonors(state, plan, shared);
    FindConcatSlices(state, plan, shared);
    PlaceStatic(values, candidates, shared, plan.arena_bytes);
  }

  if (!parallel) {
    auto stream = std::make_unique<LogicStream>();
    for (NodeIndex i : plan.execution_order) stream->steps.push_back(std::make_unique<LaunchKernelStep>(i));
    plan.streams.push_back(std::move(stream));
    return plan;
  }

  // Parallel: at most one stream per inter-op thread plus the caller. A node continues the chain
  // of its first producer when that producer ended a stream; otherwise it starts on the least
  // loaded stream. Cross-stream edges become notify/wait pairs.
  const size_t num_streams = static_cast<size_t>(state.GetInterOpPool()->NumThreads()) + 1;
  std::vector<int> stream_of(graph.MaxNodeIndex(), -1);
  std::vector<NodeIndex> last_in_stream(num_streams, SIZE_MAX);
  std::vector<size_t> load(num_streams, 0);
  std::vector<std::vector<NodeIndex>> members(num_streams);
  for (NodeIndex i : plan.execution_order) {
    const Node* n = graph.GetNode(i);
    int chosen = -1;
    for (const NodeArg* a : n->InputDefs()) {
      const Node* p = a->Exists() ? graph.GetProducerNode(a->Name()) : nullptr;
      if (p && stream_of[p->Index()] >= 0 && last_in_stream[stream_of[p->Index()]] == p->Index()) {
        chosen = stream_of[p->Index()];
        break;
      }
    }
    if (chosen < 0) chosen = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    stream_of[i] = chosen;
    last_in_stream[chosen] = i;
    ++load[chosen];
    members[chosen].push_back(i);
  }
  std::unordered_map<NodeIndex, size_t> notification_of;
  auto needs_notification = [&](NodeIndex producer) {
    auto it = notification_of.find(producer);
    if (it != notification_of.end()) return it->second;
    const size_t id = plan.num_notifications++;
    notification_of[producer] = id;
    return id;
  };
  std::map<NodeIndex, std::vector<size_t>> waits;
  for (NodeIndex i : plan.execution_order) {
    const Node* n = graph.GetNode(i);
    std::vector<const NodeArg*> reads(n->InputDefs().begin(), n->InputDefs().end());
    reads.insert(reads.end(), n->ImplicitInputDefs().begin(), n->ImplicitInputDefs().end());
    std::vector<size_t> w;
    for (const NodeArg* a : reads) {
      const Node* p = a->Exists() ? graph.GetProducerNode(a->Name()) : nullptr;
      if (p && stream_of[p->Index()] != stream_of[i]) {
        const size_t id = needs_notification(p->Index());
        if (std::find(w.begin(), w.end(), id) == w.end()) w.push_back(id);
      }
    }
    if (!w.empty()) waits[i] = w;
  }
  for (size_t s = 0; s < num_streams; ++s) {
    if (members[s].empty() && s > 0) continue;
    auto stream = std::make_unique<LogicStream>();
    for (NodeIndex i : members[s]) {
      for (size_t id : waits[i]) stream->steps.push_back(std::make_unique<WaitOnEPStep>(id));
      stream->steps.push_back(std::make_unique<LaunchKernelStep>(i));
      auto it = notification_of.find(i);
      if (it != notification_of.end()) stream->steps.push_back(std::make_unique<ActivateNotificationStep>(it->second));
    }
    plan.streams.push_back(std::move(stream));
  }
  // Graph outputs of other streams must be complete before stream 0 returns.
  for (size_t s = 1; s < plan.streams.size(); ++s) {
    const size_t barrier = plan.num_barriers++;
    plan.streams[s]->steps.push_back(std::make_unique<BarrierStep>(barrier));
    plan.streams[0]->steps.push_back(std::make_unique<BarrierStep>(barrier));
  }
  return plan;
}

std::string SequentialExecutionPlan::ToString() const {
  std::ostringstream os;
  for (size_t s = 0; s < streams.size(); ++s) {
    os << "stream " << s << ":\n";
    for (const auto& step : streams[s]->steps) os << "  " << step->ToString() << "\n";
  }
  os << "arena bytes: " << arena_bytes << "\n";
  return os.str();
}

}  // namespace ortlite
