// Runs a plan's logic streams: stream 0 on the calling thread, the others on the inter-op pool,
// ordered by notifications. The first error stops every stream and is rethrown.
#pragma once
#include <atomic>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <vector>

#include "core/plan/execution_frame.h"

namespace ortlite {

class Notification {
 public:
  void Notify() {
    std::lock_guard<std::mutex> lock(mu_);
    ready_ = true;
    cv_.notify_all();
  }
  // Waits until notified or `abort` is set.
  void Wait(const std::atomic<bool>& abort) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return ready_ || abort.load(); });
  }
  void Wake() { cv_.notify_all(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool ready_ = false;
};

class StreamExecutionContext {
 public:
  StreamExecutionContext(const SessionState& state, ExecutionFrame& frame, const SequentialExecutionPlan& plan);

  void RunAllStreams();
  void RunNode(NodeIndex index);
  Notification& GetNotification(size_t id) { return *notifications_[id]; }
  void ArriveAtBarrier(size_t id);
  const std::atomic<bool>& Aborted() const { return aborted_; }
  void TriggerStream(size_t stream);

 private:
  void RunStream(size_t stream);
  void RecordError(std::exception_ptr e);

  const SessionState& state_;
  ExecutionFrame& frame_;
  const SequentialExecutionPlan& plan_;
  std::vector<std::unique_ptr<Notification>> notifications_;
  std::vector<std::unique_ptr<Notification>> barriers_;
  std::vector<std::atomic<int>> barrier_counts_;
  std::atomic<bool> aborted_{false};
  std::mutex error_mu_;
  std::exception_ptr error_;
  std::atomic<int> running_{0};
  std::mutex done_mu_;
  std::condition_variable done_cv_;
};

}  // namespace ortlite
