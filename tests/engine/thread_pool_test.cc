// ThreadPool's splits: ParallelForStatic gives each thread one block; ParallelForParts runs
// every item once, each thread taking its own part from the front and the others' from the back,
// and moves the items a stalled thread has not reached to the others.
#include "core/framework/thread_pool.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace ortlite {
namespace {

TEST(ThreadPoolTest, ParallelForStaticGivesEachThreadOneBlock) {
  ThreadPool pool(2);
  for (int64_t total : {1, 2, 3, 10, 1000}) {
    std::vector<int> seen(static_cast<size_t>(total), 0);
    std::vector<std::pair<int64_t, int>> starts;
    std::mutex mu;
    ThreadPool::ParallelForStatic(&pool, total, 1e6, [&](int64_t begin, int64_t end) {
      std::lock_guard<std::mutex> lock(mu);
      starts.push_back({begin, omp_get_thread_num()});
      for (int64_t i = begin; i < end; ++i) ++seen[static_cast<size_t>(i)];
    });
    for (int v : seen) EXPECT_EQ(v, 1) << "total " << total;
    std::sort(starts.begin(), starts.end());
    for (size_t i = 0; i < starts.size(); ++i) EXPECT_EQ(starts[i].second, static_cast<int>(i)) << "total " << total;
  }
}

struct Call {
  int64_t begin, end;
  int thread;
};

// Runs ParallelForParts over `bounds` and returns its calls; each item is checked to run once.
std::vector<Call> RunParts(ThreadPool* pool, const std::vector<int64_t>& bounds, int64_t slow_item = -1) {
  std::vector<Call> calls;
  std::mutex mu;
  ThreadPool::ParallelForParts(pool, bounds, 1e6, [&](int64_t begin, int64_t end) {
    {
      std::lock_guard<std::mutex> lock(mu);
      calls.push_back({begin, end, omp_get_thread_num()});
    }
    if (slow_item >= begin && slow_item < end) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  });
  std::vector<int> seen(static_cast<size_t>(bounds.back() - bounds.front()), 0);
  for (const Call& c : calls) {
    EXPECT_LT(c.begin, c.end);
    for (int64_t i = c.begin; i < c.end; ++i) ++seen[static_cast<size_t>(i - bounds.front())];
  }
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], 1) << "item " << i + bounds.front();
  return calls;
}

TEST(ThreadPoolTest, ParallelForPartsRunsEveryItemOnce) {
  ThreadPool two(2), three(3);
  const std::vector<std::vector<int64_t>> cases = {
      {0, 1}, {0, 0, 1}, {0, 1, 2}, {0, 3, 10}, {0, 500, 1000}, {5, 5, 5}, {7, 7, 40}, {0, 10, 10, 90}, {0, 1, 2, 3}};
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &two, &three}) {
    for (const std::vector<int64_t>& bounds : cases) RunParts(pool, bounds);
  }
  // Owners take from the front and others from the back: in each part, the items its own thread
  // ran come before those the other thread ran.
  for (int rep = 0; rep < 20; ++rep) {
    const std::vector<int64_t> bounds = {0, 300, 1000};
    const std::vector<Call> calls = RunParts(&two, bounds);
    for (int part = 0; part < 2; ++part) {
      int64_t own_end = bounds[part], other_begin = bounds[part + 1];
      for (const Call& c : calls) {
        if (c.begin < bounds[part] || c.begin >= bounds[part + 1]) continue;
        EXPECT_LE(c.end, bounds[part + 1]) << "a call crosses parts";
        if (c.thread == part) {
          own_end = std::max(own_end, c.end);
        } else {
          other_begin = std::min(other_begin, c.begin);
        }
      }
      EXPECT_LE(own_end, other_begin) << "part " << part;
    }
  }
}

TEST(ThreadPoolTest, ParallelForPartsMovesAStalledThreadsItems) {
  ThreadPool two(2);
  // Thread 1 stalls on its first item (in its first claim, half of its part); thread 0 finishes
  // its own part and takes the rest.
  const std::vector<Call> calls = RunParts(&two, {0, 100, 200}, /*slow_item=*/100);
  int64_t taken = 0;
  for (const Call& c : calls) {
    if (c.thread == 0 && c.begin >= 100) taken += c.end - c.begin;
  }
  EXPECT_GE(taken, 40);
}

TEST(ThreadPoolTest, ParallelForPartsEvenSplitCoversTheRange) {
  ThreadPool two(2);
  for (int64_t total : {0, 1, 2, 7, 1000}) {
    std::vector<int> seen(static_cast<size_t>(total), 0);
    std::mutex mu;
    ThreadPool::ParallelForParts(&two, total, 1e6, [&](int64_t begin, int64_t end) {
      std::lock_guard<std::mutex> lock(mu);
      for (int64_t i = begin; i < end; ++i) ++seen[static_cast<size_t>(i)];
    });
    for (int v : seen) EXPECT_EQ(v, 1) << "total " << total;
  }
}

TEST(ThreadPoolTest, ParallelForPartsRunsPartsTooLargeToCountWhole) {
  ThreadPool two(2);
  const int64_t half = int64_t{5} << 30;  // more items than a claim counts in 32 bits
  std::vector<std::pair<int64_t, int64_t>> calls;
  std::mutex mu;
  ThreadPool::ParallelForParts(&two, std::vector<int64_t>{0, half, 2 * half}, 1e6, [&](int64_t begin, int64_t end) {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back({begin, end});
  });
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(calls, (std::vector<std::pair<int64_t, int64_t>>{{0, half}, {half, 2 * half}}));
}

TEST(ThreadPoolTest, ParallelForPartsRethrowsTheFirstError) {
  ThreadPool two(2);
  EXPECT_THROW(ThreadPool::ParallelForParts(&two, std::vector<int64_t>{0, 50, 100}, 1e6,
                                            [](int64_t begin, int64_t) {
                                              if (begin >= 50) throw std::runtime_error("part 1 failed");
                                            }),
               std::runtime_error);
}

}  // namespace
}  // namespace ortlite
