// Builds the SequentialExecutionPlan: streams of steps, and for every value how it gets memory.
//
// Intermediate tensors whose size is known from inferred shapes are packed into one arena per
// run: each gets [first_step, last_step] in execution order, and a greedy best-fit places larger
// blocks first at the lowest offset not used by any block alive at the same time.
#include <algorithm>
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

void PlaceStatic(std::vector<AllocPlanPerValue>& plan, const std::vector<int>& candidates, size_t& arena) {
  std::vector<int> order = candidates;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return plan[a].bytes > plan[b].bytes; });
  std::vector<Block> placed;
  arena = 0;
  for (int v : order) {
    AllocPlanPerValue& p = plan[v];
    std::vector<std::pair<size_t, size_t>> busy;
    for (const Block& b : placed)
      if (b.first <= p.last_step && p.first_step <= b.last) busy.emplace_back(b.offset, b.offset + b.bytes);
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
    placed.push_back(Block{best, p.bytes, p.first_step, p.last_step});
    arena = std::max(arena, best + p.bytes);
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
    PlaceStatic(values, candidates, plan.arena_bytes);
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
