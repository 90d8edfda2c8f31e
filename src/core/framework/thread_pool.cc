#include "core/framework/thread_pool.h"

#include <omp.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <exception>
#include <mutex>

namespace ortlite {

namespace {
// Below this much work (in cycles) the fork/join cost outweighs the gain.
constexpr double kMinParallelCost = 40000.0;
// ParallelForParts claims at least this much work (in cycles) at a time.
constexpr double kMinClaimCycles = 10000.0;

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

namespace {
// The unclaimed items [front, back) of one part, packed in one word so that the owner (taking
// from the front) and thieves (taking from the back) claim with one compare-and-swap.
class alignas(64) PartQueue {
 public:
  void Reset(int64_t begin, int64_t end) {
    base_ = begin;
    state_.store(Pack(0, static_cast<uint32_t>(end - begin)), std::memory_order_relaxed);
  }
  // Up to `max_count` items from the front (owner) or back (thief); false when none are left.
  bool Claim(bool from_front, int64_t max_count, int64_t& begin, int64_t& end) {
    uint64_t old = state_.load(std::memory_order_relaxed);
    for (;;) {
      const uint32_t front = static_cast<uint32_t>(old), back = static_cast<uint32_t>(old >> 32);
      if (front >= back) return false;
      const uint32_t left = back - front;
      const uint32_t take = static_cast<uint32_t>(std::clamp<int64_t>(max_count, 1, left));
      const uint64_t next = from_front ? Pack(front + take, back) : Pack(front, back - take);
      if (state_.compare_exchange_weak(old, next, std::memory_order_relaxed)) {
        begin = base_ + (from_front ? front : back - take);
        end = begin + take;
        return true;
      }
    }
  }
  int64_t Left() const {
    const uint64_t s = state_.load(std::memory_order_relaxed);
    const uint32_t front = static_cast<uint32_t>(s), back = static_cast<uint32_t>(s >> 32);
    return front < back ? back - front : 0;
  }

 private:
  static uint64_t Pack(uint32_t front, uint32_t back) { return static_cast<uint64_t>(back) << 32 | front; }
  int64_t base_ = 0;
  std::atomic<uint64_t> state_{0};
};
}  // namespace

void ThreadPool::ParallelForParts(ThreadPool* pool, const std::vector<int64_t>& bounds, double cost_per_part,
                                  const std::function<void(int64_t, int64_t)>& fn) {
  const int64_t parts = static_cast<int64_t>(bounds.size()) - 1;
  if (parts < 1 || bounds.back() <= bounds.front()) return;
  const int threads = DegreeOfParallelism(pool);
  if (parts == 1 || RunsInline(threads, parts, static_cast<double>(parts) * std::max(cost_per_part, 1.0))) {
    fn(bounds.front(), bounds.back());
    return;
  }
  // Claims are atomic read-modify-writes on a line the other threads read: each should cover at
  // least kMinClaimCycles of work.
  const double item_cost = std::max(cost_per_part, 1.0) * static_cast<double>(parts) /
                           static_cast<double>(bounds.back() - bounds.front());
  const int64_t min_claim = std::max<int64_t>(1, static_cast<int64_t>(kMinClaimCycles / item_cost));
  for (int64_t p = 0; p < parts; ++p) {
    // Queues count items in 32 bits; parts beyond that run as ParallelForStatic's blocks.
    if (bounds[static_cast<size_t>(p) + 1] - bounds[static_cast<size_t>(p)] > int64_t{UINT32_MAX}) {
      ParallelForStatic(pool, parts, cost_per_part, [&](int64_t first, int64_t last) {
        for (int64_t q = first; q < last; ++q) fn(bounds[static_cast<size_t>(q)], bounds[static_cast<size_t>(q) + 1]);
      });
      return;
    }
  }
  // On the stack for the usual few parts.
  constexpr int64_t kInlineParts = 8;
  std::array<PartQueue, kInlineParts> inline_queues;
  std::vector<PartQueue> heap_queues(parts > kInlineParts ? static_cast<size_t>(parts) : 0);
  PartQueue* const queues = parts > kInlineParts ? heap_queues.data() : inline_queues.data();
  for (int64_t p = 0; p < parts; ++p) {
    queues[p].Reset(bounds[static_cast<size_t>(p)], bounds[static_cast<size_t>(p) + 1]);
  }
  const int team = static_cast<int>(std::min<int64_t>(threads, parts));
  ErrorSlot errors;
#pragma omp parallel num_threads(team)
  {
    const int64_t t = omp_get_thread_num(), n = omp_get_num_threads();
    int64_t begin = 0, end = 0;
    // Own parts first (one per thread when the team is whole): half of the part, then a quarter
    // of what is left per claim, so that few claims are made and what a slow owner has not
    // reached stays open to thieves.
    for (int64_t p = parts * t / n; p < parts * (t + 1) / n; ++p) {
      PartQueue& q = queues[p];
      int64_t share = 2;
      while (q.Claim(true, std::max(min_claim, q.Left() / share), begin, end)) {
        share = 4;
        errors.Run([&] { fn(begin, end); });
      }
    }
    // Then the fullest of the others, half of what is left there at a time.
    for (;;) {
      PartQueue* victim = nullptr;
      int64_t most = 0;
      for (int64_t p = 0; p < parts; ++p) {
        const int64_t left = queues[p].Left();
        if (left > most) most = left, victim = &queues[p];
      }
      if (!victim) break;
      if (victim->Claim(false, std::max(min_claim, (most + 1) / 2), begin, end)) errors.Run([&] { fn(begin, end); });
    }
  }
  errors.Rethrow();
}

void ThreadPool::ParallelForParts(ThreadPool* pool, int64_t total, double cost_per_unit,
                                  const std::function<void(int64_t, int64_t)>& fn) {
  if (total <= 0) return;
  const int64_t parts = std::min<int64_t>(DegreeOfParallelism(pool), total);
  if (RunsInline(static_cast<int>(parts), total, static_cast<double>(total) * std::max(cost_per_unit, 1.0))) {
    fn(0, total);
    return;
  }
  std::vector<int64_t> bounds(static_cast<size_t>(parts) + 1);
  for (int64_t p = 0; p <= parts; ++p) bounds[static_cast<size_t>(p)] = total * p / parts;
  ParallelForParts(pool, bounds, static_cast<double>(total) / static_cast<double>(parts) * std::max(cost_per_unit, 1.0),
                   fn);
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
