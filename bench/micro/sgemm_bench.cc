// SGEMM throughput in GFLOP/s (the "GFLOPS" counter) and as a fraction of the measured FMA peak of
// the cores used ("peak_fraction", see fma_peak.h): square sizes, skinny shapes (few rows, as in
// batch-1 MatMul/Gemm layers and a transformer encoder's projections), a transposed B, and the
// same products with a pre-packed operand. Threads: the last argument (1 or 2). ORTLITE_MAX_ISA
// caps the micro-kernel as for the library.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/framework/thread_pool.h"
#include "fma_peak.h"
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

// Every benchmark here takes M, N, K, threads.
double Flops(const benchmark::State& state) {
  return 2.0 * static_cast<double>(state.range(0)) * static_cast<double>(state.range(1)) *
         static_cast<double>(state.range(2));
}

void SetFlops(benchmark::State& state, const bench::PeakFollower& peak) {
  const double gflop = Flops(state) * static_cast<double>(state.iterations()) / 1e9;
  state.counters["GFLOPS"] = benchmark::Counter(gflop, benchmark::Counter::kIsRate);
  peak.Report(state);
}

// Args: M, N, K, threads.
void BM_Sgemm(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  bench::PeakFollower peak(Flops(state), static_cast<int>(state.range(3)));
  for (auto _ : state) {
    Sgemm(false, false, M, N, K, 1.f, A.data(), K, B.data(), N, 0.f, C.data(), N, &pool);
    benchmark::DoNotOptimize(C.data());
    peak.AfterIteration(state);
  }
  SetFlops(state, peak);
}

// op(B) = B^T, B stored N x K: Gemm with transB = 1 (a Linear layer's weight) and attention's
// Q x K^T.
void BM_SgemmTransB(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  bench::PeakFollower peak(Flops(state), static_cast<int>(state.range(3)));
  for (auto _ : state) {
    Sgemm(false, true, M, N, K, 1.f, A.data(), K, B.data(), K, 0.f, C.data(), N, &pool);
    benchmark::DoNotOptimize(C.data());
    peak.AfterIteration(state);
  }
  SetFlops(state, peak);
}

// B (the weight of a MatMul/Gemm) packed once outside the timed loop.
void BM_SgemmPackedB(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  const PackedSgemmB packed = PackSgemmB(false, K, N, B.data(), N);
  bench::PeakFollower peak(Flops(state), static_cast<int>(state.range(3)));
  for (auto _ : state) {
    SgemmWithPackedB(false, M, 1.f, A.data(), K, packed, 0.f, C.data(), N, &pool);
    benchmark::DoNotOptimize(C.data());
    peak.AfterIteration(state);
  }
  SetFlops(state, peak);
}

// A (the weight of a Conv) packed once.
void BM_SgemmPackedA(benchmark::State& state) {
  const int64_t M = state.range(0), N = state.range(1), K = state.range(2);
  ThreadPool pool(static_cast<int>(state.range(3)));
  const auto A = RandomVector(static_cast<size_t>(M * K), 1), B = RandomVector(static_cast<size_t>(K * N), 2);
  std::vector<float> C(static_cast<size_t>(M * N));
  const PackedSgemmA packed = PackSgemmA(false, M, K, A.data(), K);
  bench::PeakFollower peak(Flops(state), static_cast<int>(state.range(3)));
  for (auto _ : state) {
    SgemmWithPackedA(packed, false, N, B.data(), N, C.data(), N, GemmEpilogue{}, &pool);
    benchmark::DoNotOptimize(C.data());
    peak.AfterIteration(state);
  }
  SetFlops(state, peak);
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

// A transformer encoder's projections (hidden 384, FFN 1536) at sequence length 128, and the same
// weights applied to a few rows.
template <int kThreads>
void EncoderArgs(benchmark::internal::Benchmark* b) {
  for (int64_t m : {1, 4, 8, 16, 128})
    for (auto kn : {std::pair<int64_t, int64_t>{384, 384}, {384, 1152}, {384, 1536}, {1536, 384}})
      b->Args({m, kn.second, kn.first, kThreads});
}

template <int kThreads>
void TransBArgs(benchmark::internal::Benchmark* b) {
  b->Args({128, 384, 384, kThreads});  // attention output projection (Gemm transB = 1)
  b->Args({128, 128, 64, kThreads});   // one head's scores, Q x K^T
  b->Args({1024, 1024, 1024, kThreads});
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
  b->Args({64, 3136, 256, kThreads});   // layer1 1x1 reduce
  b->Args({256, 3136, 64, kThreads});   // layer1 1x1 expand
  b->Args({128, 3136, 256, kThreads});  // layer2 first 1x1
  b->Args({512, 784, 128, kThreads});   // layer2 1x1 expand
}

// One thread is timed by its CPU time, which a shared machine disturbs less; two threads by the
// wall clock.
#define ORTLITE_GEMM_BENCH(fn, args)                                                             \
  BENCHMARK(fn)->Apply(args<1>)->ArgNames({"M", "N", "K", "threads"});                          \
  BENCHMARK(fn)->Apply(args<2>)->ArgNames({"M", "N", "K", "threads"})->UseRealTime();

ORTLITE_GEMM_BENCH(BM_Sgemm, SquareArgs)
ORTLITE_GEMM_BENCH(BM_Sgemm, SkinnyArgs)
ORTLITE_GEMM_BENCH(BM_Sgemm, EncoderArgs)
ORTLITE_GEMM_BENCH(BM_SgemmTransB, TransBArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedB, SkinnyArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedB, EncoderArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedA, ConvLikeArgs)
ORTLITE_GEMM_BENCH(BM_SgemmPackedA, SquareArgs)

}  // namespace
}  // namespace ortlite
