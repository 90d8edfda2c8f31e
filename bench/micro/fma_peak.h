// The per-core fp32 multiply-add peak of this machine, measured (not taken from a data sheet):
// the yardstick the GEMM benchmarks report their fraction of.
//
// The turbo clock of a shared machine drifts by 10-20% within seconds, so a peak measured once
// flatters or penalises whatever runs later. PeakFollower therefore measures the peak alongside
// the benchmark: after each timed iteration it runs, untimed, the same number of flops per core
// as FMAs and compares the two times.
#pragma once
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>

namespace ortlite {
namespace bench {

// `iterations` rounds of 12 independent FMA chains of 512-bit (AVX-512F) or 256-bit (AVX2+FMA)
// vectors; both return the flops executed. Call only on hosts with the ISA.
double FmaLoopAvx512(int64_t iterations);
double FmaLoopAvx2(int64_t iterations);

// Runs `iterations` rounds of independent vector FMAs at the widest ISA the library would use
// (AVX-512, else AVX2+FMA) and returns the flops executed (0 on hosts with neither).
double RunFmaLoop(int64_t iterations);
// Flops of one RunFmaLoop iteration (0 without AVX2).
double FmaFlopsPerIteration();

// GFLOP/s of RunFmaLoop on the calling thread: the best of a few short runs, measured on first
// call and remembered for the rest of the process.
double FmaPeakGflops();

class PeakFollower {
 public:
  // `flops` per benchmark iteration, spread over `threads` cores.
  PeakFollower(double flops, int threads);

  // After the work of an iteration: FMAs worth the same flops per core, outside the timing.
  // Iterations too short to pause the timer around are compared with FmaPeakGflops() instead.
  void AfterIteration(benchmark::State& state);

  // Sets the "peak_fraction" counter: the time the FMAs took over the time the work took (a rate
  // counter, so the library divides by the benchmark's own time; it prints with a "/s").
  void Report(benchmark::State& state) const;

 private:
  double flops_per_core_ = 0;
  int64_t fma_iterations_ = 0;
  double fma_seconds_ = 0;
  bool follow_ = false;
};

}  // namespace bench
}  // namespace ortlite
