// SequentialExecutionPlan: plan > logic stream > execution step, plus the allocation plan.
//
// Nodes are partitioned into logic streams (one per device by default; several per device in
// parallel mode). Each stream is a list of steps: LaunchKernelStep runs one node; the
// synchronisation steps order streams that exchange values: the producer's stream activates a
// notification after the node, the consumer's stream waits on it before its node
// (ActivateNotificationStep / WaitOnEPStep); BarrierStep joins streams; TriggerDownstreamStep
// starts a downstream stream.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/framework/allocator.h"
#include "core/graph/graph.h"

namespace ortlite {

class StreamExecutionContext;

class ExecutionStep {
 public:
  virtual ~ExecutionStep() = default;
  // Runs the step; returns false to stop the stream (an error was recorded in the context).
  virtual bool Execute(StreamExecutionContext& ctx, size_t stream_index) const = 0;
  virtual std::string ToString() const = 0;
};

class LaunchKernelStep final : public ExecutionStep {
 public:
  explicit LaunchKernelStep(NodeIndex node) : node_(node) {}
  NodeIndex GetNodeIndex() const { return node_; }
  bool Execute(StreamExecutionContext& ctx, size_t stream_index) const override;
  std::string ToString() const override { return "Launch kernel of node " + std::to_string(node_); }

 private:
  NodeIndex node_;
};

class ActivateNotificationStep final : public ExecutionStep {
 public:
  explicit ActivateNotificationStep(size_t notification) : id_(notification) {}
  bool Execute(StreamExecutionContext& ctx, size_t stream_index) const override;
  std::string ToString() const override { return "Activate notification " + std::to_string(id_); }

 private:
  size_t id_;
};

class WaitOnEPStep final : public ExecutionStep {
 public:
  explicit WaitOnEPStep(size_t notification) : id_(notification) {}
  bool Execute(StreamExecutionContext& ctx, size_t stream_index) const override;
  std::string ToString() const override { return "Wait on notification " + std::to_string(id_); }

 private:
  size_t id_;
};

class BarrierStep final : public ExecutionStep {
 public:
  explicit BarrierStep(size_t barrier) : id_(barrier) {}
  bool Execute(StreamExecutionContext& ctx, size_t stream_index) const override;
  std::string ToString() const override { return "Barrier " + std::to_string(id_); }

 private:
  size_t id_;
};

class TriggerDownstreamStep final : public ExecutionStep {
 public:
  explicit TriggerDownstreamStep(size_t stream) : stream_(stream) {}
  size_t Target() const { return stream_; }
  bool Execute(StreamExecutionContext& ctx, size_t stream_index) const override;
  std::string ToString() const override { return "Trigger stream " + std::to_string(stream_); }

 private:
  size_t stream_;
};

struct LogicStream {
  OrtDevice device;
  std::vector<std::unique_ptr<ExecutionStep>> steps;
};

// How one value gets its memory.
struct AllocPlanPerValue {
  enum class Kind {
    kPreExisting,     // graph input, outer-scope value or constant initializer: bound before the run
    kAllocate,        // allocated when produced, released after its last use
    kStatic,          // a slice of the run's arena at `offset` (known size, planned lifetime)
    kAllocateOutput,  // a graph output: allocated on its own, handed to the caller
  };
  Kind kind = Kind::kAllocate;
  MemoryInfo location;
  size_t offset = 0;        // kStatic
  size_t bytes = 0;         // kStatic: planned size
  int first_step = -1;      // execution-order position of the producer
  int last_step = -1;       // position of the last consumer
  int use_count = 0;        // consumers (inputs and implicit inputs) across the plan
};

struct SequentialExecutionPlan {
  std::vector<std::unique_ptr<LogicStream>> streams;
  size_t num_notifications = 0;
  size_t num_barriers = 0;
  std::vector<NodeIndex> execution_order;        // all nodes, one valid sequential order
  std::vector<AllocPlanPerValue> allocation_plan;  // by value index
  size_t arena_bytes = 0;                        // peak of statically planned intermediate memory
  std::string ToString() const;
};

}  // namespace ortlite
