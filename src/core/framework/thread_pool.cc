#include "core/framework/thread_pool.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <mutex>

namespace ortlite {

namespace {
// Below this much work (in cycles) the fork/join cost outweighs the gain.
constexpr double kMinParallelCost = 40000.0;

// An exception must not leave an OpenMP region; the first one is kept and rethrown after it.
class ErrorSlot {
 public:
  template <typename F>
  void Run(F&& f) {
    try {
      f();
    } catch (...) {
      std::lock_guard<std::mutex> lock(mu_);
      if (!first_) first_ = std::current_exception();
    }
  }
  void Rethrow() {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mu_;
  std::exception_ptr first_;
};
// Work too small to split, or no threads to split it over.
bool RunsInline(int threads, int64_t total, double work) {
  return threads <= 1 || total == 1 || work < kMinParallelCost;
}
}  // namespace

void ThreadPool::TryParallelFor(ThreadPool* pool, int64_t total, double cost_per_unit,
                                const std::function<void(int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  const int threads = DegreeOfParallelism(pool);
  const double work = static_cast<double>(total) * std::max(cost_per_unit, 1.0);
  if (RunsInline(threads, total, work)) {
    fn(0, total);
    return;
  }
  const int64_t max_blocks = std::max<int64_t>(1, static_cast<int64_t>(work / (kMinParallelCost / 4)));
  const int64_t blocks = std::min<int64_t>({total, static_cast<int64_t>(threads) * 4, max_blocks});
  const int team = static_cast<int>(std::min<int64_t>(threads, blocks));
  ErrorSlot errors;
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
  for (int64_t b = 0; b < blocks; ++b) {
    const int64_t begin = total * b / blocks;
    const int64_t end = total * (b + 1) / blocks;
    if (begin < end) errors.Run([&] { fn(begin, end); });
  }
  errors.Rethrow();
}

void ThreadPool::ParallelForStatic(ThreadPool* pool, int64_t total, double cost_per_unit,
                                   const std::function<void(int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  const int threads = DegreeOfParallelism(pool);
  const double work = static_cast<double>(total) * std::max(cost_per_unit, 1.0);
  if (RunsInline(threads, total, work)) {
    fn(0, total);
    return;
  }
  const int team = static_cast<int>(std::min<int64_t>(threads, total));
  ErrorSlot errors;
#pragma omp parallel num_threads(team)
  {
    const int64_t t = omp_get_thread_num(), n = omp_get_num_threads();
    const int64_t begin = total * t / n, end = total * (t + 1) / n;
    if (begin < end) errors.Run([&] { fn(begin, end); });
  }
  errors.Rethrow();
}

void ThreadPool::TrySimpleParallelFor(ThreadPool* pool, int64_t n, const std::function<void(int64_t)>& fn) {
  const int threads = DegreeOfParallelism(pool);
  if (threads <= 1 || n <= 1) {
    for (int64_t i = 0; i < n; ++i) fn(i);
    return;
  }
  const int team = static_cast<int>(std::min<int64_t>(threads, n));
  ErrorSlot errors;
#pragma omp parallel for num_threads(team) schedule(dynamic, 1)
  for (int64_t i = 0; i < n; ++i) errors.Run([&] { fn(i); });
  errors.Rethrow();
}

}  // namespace ortlite
