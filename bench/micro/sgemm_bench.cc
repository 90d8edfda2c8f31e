// SGEMM throughput in GFLOP/s (the "GFLOPS" counter): square sizes, skinny shapes (few rows, as in
// batch-1 MatMul/Gemm layers), and the same product with a pre-packed B operand. Threads: the
// second argument (1 or 2). ORTLITE_MAX_ISA caps the micro-kernel as for the library.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/framework/thread_pool.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace {

std::vector<float> RandomVector(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

void SetFlops(benchmark::State& state, double M, double N, double K) {
  state.counters["GFLOPS"] =
      benchmark::Counter(2.0 * M * N * K * static_cast<double>(state.iterations()) / 1e9,
                         benchmark::Counter::kIsRate);
}

// Args: M, N, K, threads.
void BM_Sgemm(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  for (auto _ : state) {
    Sgemm(false, false, M, N, K, 1.f, A.data(), K, B.data(), N, 0.f, C.data(), N, &pool);
    benchmark::DoNotOptimize(C.data());
  }
  SetFlops(state, M, N, K);
}

// B (the weight of a MatMul/Gemm) packed once outside the timed loop.
void BM_SgemmPackedB(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  const PackedSgemmB packed = PackSgemmB(false, K, N, B.data(), N);
  for (auto _ : state) {
    SgemmWithPackedB(false, M, 1.f, A.data(), K, packed, 0.f, C.data(), N, &pool);
    benchmark::DoNotOptimize(C.data());
  }
  SetFlops(state, M, N, K);
}

// A (the weight of a Conv) packed once.
void BM_SgemmPackedA(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  const PackedSgemmA packed = PackSgemmA(false, M, K, A.data(), K);
  for (auto _ : state) {
    SgemmWithPackedA(packed, false, N, B.data(), N, C.data(), N, GemmEpilogue{}, &pool);
    benchmark::DoNotOptimize(C.data());
  }
  SetFlops(state, M, N, K);
}

template <int kThreads>
void SquareArgs(benchmark::internal::Benchmark* b) {
  for (int64_t n : {256, 512, 768, 1024}) b->Args({n, n, n, kThreads});
}

template <int kThreads>
void SkinnyArgs(benchmark::internal::Benchmark* b) {
  for (int64_t m : {1, 4, 16, 64, 128})
    for (auto kn : {std::pair<int64_t, int64_t>{1024, 1024}, {4096, 1024}, {1024, 4096}, {768, 3072}})
      b->Args({m, kn.second, kn.first, kThreads});
}

// Conv-like shapes: M = output channels, N = output pixels, K = C * kernel.
template <int kThreads>
void ConvLikeArgs(benchmark::internal::Benchmark* b) {
  b->Args({64, 3136, 576, kThreads});   // resnet50 layer1 3x3
  b->Args({64, 12544, 147, kThreads});  // resnet50 conv1 7x7
  b->Args({256, 196, 2304, kThreads});  // layer3 3x3
  b->Args({512, 49, 4608, kThreads});   // layer4 3x3
  b->Args({2048, 49, 512, kThreads});   // layer4 1x1 expand
  b->Args({16, 3025, 64, kThreads});    // squeezenet fire squeeze
  b->Args({96, 3136, 24, kThreads});    // mobilenet_v2 expand
}

// One thread is timed by its CPU time, which a shared machine disturbs less; two threads by the
// wall clock.
#define ORTLITE_GEMM_BENCH(fn, args)                                                             \
  BENCHMARK(fn)->Apply(args<1>)->ArgNames({"M", "N", "K", "threads"});                          \
  BENCHMARK(fn)->Apply(args<2>)->ArgNames({"M", "N", "K", "threads"})->UseRealTime();

ORTLITE_GEMM_BENCH(BM_Sgemm, SquareArgs)
ORTLITE_GEMM_BENCH(BM_Sgemm, SkinnyArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedB, SkinnyArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedA, ConvLikeArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedA, SquareArgs)

}  // namespace
}  // namespace ortlite
