// SGEMM throughput in GFLOP/s (the "GFLOPS" counter) and as a fraction of the measured FMA peak of
// the cores used ("peak_fraction", see fma_peak.h): square sizes, skinny shapes (few rows, as in
// batch-1 MatMul/Gemm layers and a transformer encoder's projections), a transposed B, and the
// same products with a pre-packed operand. Threads: the last argument (1 or 2). ORTLITE_MAX_ISA
// caps the micro-kernel as for the library.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/framework/thread_pool.h"
#include "bench_util.h"
#include "fma_peak.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace {

// Every benchmark here takes M, N, K, threads.
double Flops(const benchmark::State& state) {
  return 2.0 * static_cast<double>(state.range(0)) * static_cast<double>(state.range(1)) *
         static_cast<double>(state.range(2));
}

// Random A (M x K) and B (K x N, or N x K when transposed), C, and the benchmark's thread pool.
struct GemmOperands {
  explicit GemmOperands(const benchmark::State& state)
      : M(state.range(0)), N(state.range(1)), K(state.range(2)), threads(static_cast<int>(state.range(3))),
        A(bench::RandomFloats(static_cast<size_t>(M * K), 1)), B(bench::RandomFloats(static_cast<size_t>(K * N), 2)),
        C(static_cast<size_t>(M * N)), pool(threads) {}
  int64_t M, N, K;
  int threads;
  std::vector<float> A, B, C;
  ThreadPool pool;
};

// Times `run` (one product into g.C), reporting GFLOPS and the fraction of the FMA peak.
template <typename Run>
void TimeGemm(benchmark::State& state, GemmOperands& g, Run&& run) {
  bench::PeakFollower peak(Flops(state), g.threads);
  for (auto _ : state) {
    run();
    benchmark::DoNotOptimize(g.C.data());
    peak.AfterIteration(state);
  }
  const double gflop = Flops(state) * static_cast<double>(state.iterations()) / 1e9;
  state.counters["GFLOPS"] = benchmark::Counter(gflop, benchmark::Counter::kIsRate);
  peak.Report(state);
}

void BM_Sgemm(benchmark::State& state) {
  GemmOperands g(state);
  TimeGemm(state, g, [&] {
    Sgemm(false, false, g.M, g.N, g.K, 1.f, g.A.data(), g.K, g.B.data(), g.N, 0.f, g.C.data(), g.N, &g.pool);
  });
}

// op(B) = B^T, B stored N x K: Gemm with transB = 1 (a Linear layer's weight) and attention's
// Q x K^T.
void BM_SgemmTransB(benchmark::State& state) {
  GemmOperands g(state);
  TimeGemm(state, g, [&] {
    Sgemm(false, true, g.M, g.N, g.K, 1.f, g.A.data(), g.K, g.B.data(), g.K, 0.f, g.C.data(), g.N, &g.pool);
  });
}

// B (the weight of a MatMul/Gemm) packed once outside the timed loop.
void BM_SgemmPackedB(benchmark::State& state) {
  GemmOperands g(state);
  const PackedSgemmB packed = PackSgemmB(false, g.K, g.N, g.B.data(), g.N);
  TimeGemm(state, g, [&] {
    SgemmWithPackedB(false, g.M, 1.f, g.A.data(), g.K, packed, 0.f, g.C.data(), g.N, &g.pool);
  });
}

// A (the weight of a Conv) packed once.
void BM_SgemmPackedA(benchmark::State& state) {
  GemmOperands g(state);
  const PackedSgemmA packed = PackSgemmA(false, g.M, g.K, g.A.data(), g.K);
  TimeGemm(state, g, [&] {
    SgemmWithPackedA(packed, false, g.N, g.B.data(), g.N, g.C.data(), g.N, GemmEpilogue{}, &g.pool);
  });
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
