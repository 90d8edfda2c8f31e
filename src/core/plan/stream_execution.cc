#include "core/plan/stream_execution.h"

#include "core/framework/inter_op_pool.h"

namespace ortlite {

StreamExecutionContext::StreamExecutionContext(const SessionState& state, ExecutionFrame& frame,
                                               const SequentialExecutionPlan& plan)
    : state_(state), frame_(frame), plan_(plan), barrier_counts_(plan.num_barriers) {
  for (size_t i = 0; i < plan.num_notifications; ++i) notifications_.push_back(std::make_unique<Notification>());
  for (size_t i = 0; i < plan.num_barriers; ++i) {
    barriers_.push_back(std::make_unique<Notification>());
    barrier_counts_[i].store(2);  // a barrier joins two streams
  }
}

void StreamExecutionContext::RecordError(std::exception_ptr e) {
  {
    std::lock_guard<std::mutex> lock(error_mu_);
    if (!error_) error_ = e;
  }
  aborted_.store(true);
  for (auto& n : notifications_) n->Wake();
  for (auto& b : barriers_) b->Wake();
}

void StreamExecutionContext::RunStream(size_t stream) {
  try {
    for (const auto& step : plan_.streams[stream]->steps) {
      if (aborted_.load(std::memory_order_relaxed)) break;
      if (!step->Execute(*this, stream)) break;
    }
  } catch (...) {
    RecordError(std::current_exception());
  }
}

void StreamExecutionContext::TriggerStream(size_t stream) {
  running_.fetch_add(1);
  auto task = [this, stream] {
    RunStream(stream);
    if (running_.fetch_sub(1) == 1) {
      std::lock_guard<std::mutex> lock(done_mu_);
      done_cv_.notify_all();
    }
  };
  ScheduleOnInterOpPool(state_.GetInterOpPool(), task);
}

void StreamExecutionContext::RunAllStreams() {
  const size_t n = plan_.streams.size();
  // Streams started by a TriggerDownstreamStep wait for it; the others start now.
  std::vector<bool> triggered(n, false);
  for (const auto& stream : plan_.streams)
    for (const auto& step : stream->steps)
      if (auto* t = dynamic_cast<const TriggerDownstreamStep*>(step.get())) triggered[t->Target()] = true;
  for (size_t s = 1; s < n; ++s)
    if (!triggered[s]) TriggerStream(s);
  if (n > 0) RunStream(0);
  if (n > 1) {
    std::unique_lock<std::mutex> lock(done_mu_);
    done_cv_.wait(lock, [&] { return running_.load() == 0; });
  }
  if (error_) std::rethrow_exception(error_);
}

void StreamExecutionContext::ArriveAtBarrier(size_t id) {
  if (barrier_counts_[id].fetch_sub(1) == 1) {
    barriers_[id]->Notify();
  } else {
    barriers_[id]->Wait(aborted_);
  }
}

bool LaunchKernelStep::Execute(StreamExecutionContext& ctx, size_t) const {
  ctx.RunNode(node_);
  return true;
}

bool ActivateNotificationStep::Execute(StreamExecutionContext& ctx, size_t) const {
  ctx.GetNotification(id_).Notify();
  return true;
}

bool WaitOnEPStep::Execute(StreamExecutionContext& ctx, size_t) const {
  ctx.GetNotification(id_).Wait(ctx.Aborted());
  return !ctx.Aborted().load();
}

bool BarrierStep::Execute(StreamExecutionContext& ctx, size_t) const {
  ctx.ArriveAtBarrier(id_);
  return !ctx.Aborted().load();
}

bool TriggerDownstreamStep::Execute(StreamExecutionContext& ctx, size_t) const {
  ctx.TriggerStream(stream_);
  return true;
}

}  // namespace ortlite
