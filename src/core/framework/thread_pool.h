// Intra-op parallelism. Kernels split work with ThreadPool::TryParallelFor; the backend (OpenMP
// today) stays behind this one call so it can be swapped after measuring.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

namespace ortlite {

class ThreadPool {
 public:
  explicit ThreadPool(int num_threads) : num_threads_(num_threads < 1 ? 1 : num_threads) {}
  int NumThreads() const { return num_threads_; }

  // Runs fn(begin, end) over [0, total) split into contiguous blocks. `cost_per_unit` is a rough
  // cost of one unit in cycles; small totals run inline on the calling thread. `pool` may be null
  // (runs inline).
  static void TryParallelFor(ThreadPool* pool, int64_t total, double cost_per_unit,
                             const std::function<void(int64_t begin, int64_t end)>& fn);
  // Runs fn(begin, end) over [0, total) in one contiguous block per thread, block i always on
  // pool thread i (0 being the caller). Kernels that split their data alike this way (Conv,
  // depthwise Conv, pooling and Concat all split by channel) find what the previous kernel wrote
  // in the same core's caches. Small totals run inline, as with TryParallelFor.
  static void ParallelForStatic(ThreadPool* pool, int64_t total, double cost_per_unit,
                                const std::function<void(int64_t begin, int64_t end)>& fn);
  // Runs fn(begin, end) over the items of `bounds.size() - 1` parts, part p holding items
  // [bounds[p], bounds[p + 1]), every item exactly once. Pool thread p runs its own part in order
  // from the front, as ParallelForStatic would; a thread done with its part then takes the items
  // left in the others, from their backs, so that a thread slowed by a busy neighbour on its core
  // does not hold up the rest. Each call covers consecutive items of one part. Fewer than two
  // parts, or small work, run inline.
  static void ParallelForParts(ThreadPool* pool, const std::vector<int64_t>& bounds, double cost_per_part,
                               const std::function<void(int64_t begin, int64_t end)>& fn);
  // ParallelForParts over [0, total) in one equal part per thread: ParallelForStatic's split, with
  // the ends of slow threads' blocks taken over by the others.
  static void ParallelForParts(ThreadPool* pool, int64_t total, double cost_per_unit,
                               const std::function<void(int64_t begin, int64_t end)>& fn);
  // Runs fn(i) for i in [0, n) with one task per index, in parallel when a pool has threads.
  static void TrySimpleParallelFor(ThreadPool* pool, int64_t n, const std::function<void(int64_t)>& fn);
  static int DegreeOfParallelism(const ThreadPool* pool) { return pool ? pool->num_threads_ : 1; }

 private:
  int num_threads_;
};

}  // namespace ortlite
