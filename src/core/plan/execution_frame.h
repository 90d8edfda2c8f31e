// ExecutionFrame: the values of one run of one graph, and how outputs get their memory.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "core/framework/profiler.h"
#include "core/framework/session_state.h"

namespace ortlite {

// Per-run settings shared by a graph and its subgraphs.
struct RunContext {
  const std::atomic<bool>* terminate = nullptr;
  Profiler* profiler = nullptr;
  std::string log_id;
};

class ExecutionFrame {
 public:
  ExecutionFrame(const SessionState& state, const RunContext& run);
  ~ExecutionFrame();

  const SessionState& State() const { return state_; }
  const RunContext& Run() const { return run_; }
  OrtValue& Value(int index) { return values_[index]; }
  // Memory for value `index` with `shape`: an arena slice when planned, else from `location`'s
  // allocator.
  Tensor AllocateTensor(int index, DataType type, const TensorShape& shape, const MemoryInfo& location,
                        const AllocatorPtr& allocator);
  // True if `t` points into this run's arena (its memory is reused after the value's lifetime).
  bool IsArenaTensor(const Tensor& t) const { return arena_ && t.Buffer() == arena_; }
  // Called after a node ran: drops values whose last consumer it was.
  void ReleaseAfter(const SessionState::NodeInfo& node);

 private:
  const SessionState& state_;
  const RunContext& run_;
  std::vector<OrtValue> values_;
  std::vector<std::atomic<int>> remaining_uses_;
  std::shared_ptr<void> arena_;
};

// Runs `state`'s graph. `feeds` bind value indices (graph inputs, outer-scope values); the result
// holds the values of `fetches` in order. Errors name the node and op.
std::vector<OrtValue> ExecuteGraph(const SessionState& state, std::vector<std::pair<int, OrtValue>> feeds,
                                   const std::vector<int>& fetches, const RunContext& run);

}  // namespace ortlite
