// Tells what kind of busy spell a shared host is in, by timing three loops in turn on one core
// for a while and printing their rates every ~20 ms:
//   zmm  - 12 independent 512-bit FMA chains (the vector units at full width),
//   ymm  - the same with 256-bit FMAs,
//   int  - a chain of dependent scalar integer operations (the clock, nothing shared).
// A drop in zmm/ymm with int steady means another tenant shares the core's vector units (the
// FMA-dense kernels of ortlite lose most then); all three steady while the benchmark models slow
// down means the contention is in the caches or memory.
// The FMA loops are the micro-benchmarks' (bench/micro/fma_peak.h).
//   taskset -c 0 ./build/bench/ortlite_host_probe 20
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "micro/fma_peak.h"
#include "providers/cpu/common/cpu_features.h"

namespace {

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

int64_t ScalarChain(int64_t steps) {
  int64_t a = 0, b = 1;
  for (int64_t i = 0; i < steps; ++i) {
    a += i ^ b;
    b += a >> 1;
  }
  return a + b;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
  if (ortlite::ActiveIsa() != ortlite::IsaLevel::kAvx512) {
    std::printf("the probe needs AVX-512\n");
    return 1;
  }
  constexpr int64_t kRounds = 1 << 20, kSteps = 1 << 23;
  const double start = Now();
  int64_t sink = 0;
  std::printf("time_s zmm_gflops ymm_gflops int_gsteps\n");
  while (Now() - start < seconds) {
    double t = Now();
    const double zmm = ortlite::bench::FmaLoopAvx512(kRounds) / (Now() - t) / 1e9;
    t = Now();
    const double ymm = ortlite::bench::FmaLoopAvx2(kRounds) / (Now() - t) / 1e9;
    t = Now();
    sink += ScalarChain(kSteps);
    const double scalar = kSteps / (Now() - t) / 1e9;
    std::printf("%.2f %.1f %.1f %.3f\n", Now() - start, zmm, ymm, scalar);
  }
  return sink == 42 ? 2 : 0;  // keeps the scalar chain live
}
