// The inter-op pool: Eigen's work-stealing ThreadPool (spin briefly, then block). Parallel
// execution runs logic streams on it; it is never used for intra-op work.
#pragma once
#include <functional>
#include <memory>


namespace ortlite {

class InterOpPool {
 public:
  InterOpPool(int num_threads, bool allow_spinning);
  ~InterOpPool();
  int NumThreads() const { return num_threads_; }
  void Schedule(std::function<void()> task);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int num_threads_;
};

// Runs `task` on `pool`; throws if there is no pool (plans with several streams need one).
void ScheduleOnInterOpPool(InterOpPool* pool, std::function<void()> task);

}  // namespace ortlite
