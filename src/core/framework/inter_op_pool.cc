#include "core/framework/inter_op_pool.h"

#define EIGEN_USE_THREADS
#include <unsupported/Eigen/CXX11/ThreadPool>

#include "core/common/status.h"

namespace ortlite {

struct InterOpPool::Impl {
  Impl(int n, bool spin) : pool(n, spin) {}
  Eigen::ThreadPool pool;
};

InterOpPool::InterOpPool(int num_threads, bool allow_spinning)
    : impl_(std::make_unique<Impl>(num_threads < 1 ? 1 : num_threads, allow_spinning)), num_threads_(num_threads) {}

InterOpPool::~InterOpPool() = default;

void InterOpPool::Schedule(std::function<void()> task) { impl_->pool.Schedule(std::move(task)); }

void ScheduleOnInterOpPool(InterOpPool* pool, std::function<void()> task) {
  ORTLITE_ENFORCE(pool, "a parallel plan needs an inter-op thread pool");
  pool->Schedule(std::move(task));
}

}  // namespace ortlite
