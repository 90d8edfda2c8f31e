// BM_FmaPeak: the per-core fp32 peak (GFLOPS counter), and the FMA loop the GEMM benchmarks'
// peak_fraction compares with.
//
// The loop keeps 12 independent accumulator chains: with a 4-cycle FMA latency and two FMA ports
// at least 8 chains are needed to issue an FMA on both ports every cycle; 12 leave headroom for
// latency variation, make the loop control negligible and still fit the 16 ymm registers of AVX2
// beside the two operands. The functions carry their own target attributes because this
// directory is built without ISA flags.
#include "fma_peak.h"

#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <algorithm>
#include <chrono>

#include "providers/cpu/common/cpu_features.h"

namespace ortlite {
namespace bench {
namespace {

// The operands come from memory the compiler cannot see through, and every chain starts from its
// own value, so nothing folds or merges.
volatile float g_multiplier = 0.999999f;
volatile float g_addend = 1e-7f;
volatile float g_start = 0.5f;

// One FMA on each of the 12 chains c0..c11.
#define ORTLITE_FMA_ROUND(fmadd)                                                                    \
  c0 = fmadd(c0, x, y), c1 = fmadd(c1, x, y), c2 = fmadd(c2, x, y), c3 = fmadd(c3, x, y);         \
  c4 = fmadd(c4, x, y), c5 = fmadd(c5, x, y), c6 = fmadd(c6, x, y), c7 = fmadd(c7, x, y);         \
  c8 = fmadd(c8, x, y), c9 = fmadd(c9, x, y), c10 = fmadd(c10, x, y), c11 = fmadd(c11, x, y)

#define ORTLITE_FMA_CHAINS(set1)                                                                    \
  const float s = g_start;                                                                         \
  auto c0 = set1(s), c1 = set1(s + 1), c2 = set1(s + 2), c3 = set1(s + 3), c4 = set1(s + 4);       \
  auto c5 = set1(s + 5), c6 = set1(s + 6), c7 = set1(s + 7), c8 = set1(s + 8), c9 = set1(s + 9);   \
  auto c10 = set1(s + 10), c11 = set1(s + 11)

#define ORTLITE_FMA_SUM(add) \
  add(add(add(add(c0, c1), add(c2, c3)), add(add(c4, c5), add(c6, c7))), add(add(c8, c9), add(c10, c11)))

}  // namespace

__attribute__((target("avx512f"))) double FmaLoopAvx512(int64_t iterations) {
  const __m512 x = _mm512_set1_ps(g_multiplier), y = _mm512_set1_ps(g_addend);
  ORTLITE_FMA_CHAINS(_mm512_set1_ps);
  for (int64_t i = 0; i < iterations; ++i) {
    ORTLITE_FMA_ROUND(_mm512_fmadd_ps);
  }
  benchmark::DoNotOptimize(ORTLITE_FMA_SUM(_mm512_add_ps));
  return 12.0 * 2.0 * 16.0 * static_cast<double>(iterations);
}

__attribute__((target("avx2,fma"))) double FmaLoopAvx2(int64_t iterations) {
  const __m256 x = _mm256_set1_ps(g_multiplier), y = _mm256_set1_ps(g_addend);
  ORTLITE_FMA_CHAINS(_mm256_set1_ps);
  for (int64_t i = 0; i < iterations; ++i) {
    ORTLITE_FMA_ROUND(_mm256_fmadd_ps);
  }
  benchmark::DoNotOptimize(ORTLITE_FMA_SUM(_mm256_add_ps));
  return 12.0 * 2.0 * 8.0 * static_cast<double>(iterations);
}

namespace {

void BM_FmaPeak(benchmark::State& state) {
  const int64_t iterations = 1 << 20;
  double flops = 0;
  for (auto _ : state) flops += RunFmaLoop(iterations);
  if (flops == 0) state.SkipWithError("no AVX2/AVX-512 on this host");
  state.counters["GFLOPS"] = benchmark::Counter(flops / 1e9, benchmark::Counter::kIsRate);
  state.SetLabel(IsaName(ActiveIsa()));
}

BENCHMARK(BM_FmaPeak);

}  // namespace

double RunFmaLoop(int64_t iterations) {
  switch (ActiveIsa()) {
    case IsaLevel::kAvx512: return FmaLoopAvx512(iterations);
    case IsaLevel::kAvx2: return FmaLoopAvx2(iterations);
    default: return 0;
  }
}

double FmaFlopsPerIteration() { return RunFmaLoop(1); }

double FmaPeakGflops() {
  static const double peak = [] {
    // Best of several ~12 ms runs: the shared machine only ever slows a run down.
    double best = 0;
    for (int run = 0; run < 10; ++run) {
      const auto start = std::chrono::steady_clock::now();
      const double flops = RunFmaLoop(1 << 22);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (seconds > 0) best = std::max(best, flops / seconds / 1e9);
    }
    return best;
  }();
  return peak;
}

// Pausing and resuming the timer costs a few microseconds: below ~0.25 ms per iteration that
// would show in the work's own time.
constexpr double kMinFollowedFlops = 5e7;

PeakFollower::PeakFollower(double flops, int threads) : flops_per_core_(flops / std::max(threads, 1)) {
  const double per_iteration = FmaFlopsPerIteration();
  follow_ = per_iteration > 0 && flops_per_core_ >= kMinFollowedFlops;
  if (follow_) fma_iterations_ = static_cast<int64_t>(flops_per_core_ / per_iteration + 0.5);
}

void PeakFollower::AfterIteration(benchmark::State& state) {
  if (!follow_) return;
  state.PauseTiming();
  const auto start = std::chrono::steady_clock::now();
  RunFmaLoop(fma_iterations_);
  fma_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.ResumeTiming();
}

void PeakFollower::Report(benchmark::State& state) const {
  double value = 0;
  if (follow_) {
    value = fma_seconds_;
  } else if (FmaPeakGflops() > 0) {
    value = flops_per_core_ * static_cast<double>(state.iterations()) / (FmaPeakGflops() * 1e9);
  } else {
    return;
  }
  state.counters["peak_fraction"] = benchmark::Counter(value, benchmark::Counter::kIsRate);
}

}  // namespace bench
}  // namespace ortlite
