// Tells what kind of busy spell a shared host is in, by timing three loops in turn on one core
// for a while and printing their rates every ~20 ms:
//   zmm  - 12 independent 512-bit FMA chains (the vector units at full width),
//   ymm  - the same with 256-bit FMAs,
//   int  - a chain of dependent scalar integer operations (the clock, nothing shared).
// A drop in zmm/ymm with int steady means another tenant shares the core's vector units (the
// FMA-dense kernels of ortlite lose most then); all three steady while the benchmark models slow
// down means the contention is in the caches or memory.
//   g++ -O2 -mavx512f -mfma -o /tmp/host_probe bench/host_probe.cc && taskset -c 0 /tmp/host_probe 20
#include <immintrin.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

volatile float g_scale = 0.9999f, g_add = 1e-7f;

// Twelve independent chains: enough to keep both FMA ports busy through the FMA latency.
#define HOST_PROBE_FMA_LOOP(Vec, set1, fmadd, add)                                                         \
  const Vec x = set1(g_scale), y = set1(g_add);                                                        \
  Vec c[12];                                                                                           \
  for (int j = 0; j < 12; ++j) c[j] = set1(static_cast<float>(j));                                     \
  for (int64_t i = 0; i < rounds; ++i) {                                                               \
    _Pragma("GCC unroll 12") for (int j = 0; j < 12; ++j) c[j] = fmadd(c[j], x, y);                     \
  }                                                                                                    \
  Vec s = c[0];                                                                                        \
  for (int j = 1; j < 12; ++j) s = add(s, c[j]);                                                       \
  float lanes[16];                                                                                     \
  std::memcpy(lanes, &s, sizeof(float));                                                               \
  return lanes[0]

float Zmm(int64_t rounds) { HOST_PROBE_FMA_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_add_ps); }
float Ymm(int64_t rounds) { HOST_PROBE_FMA_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps); }

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
  constexpr int64_t kRounds = 1 << 20, kSteps = 1 << 23;
  const double start = Now();
  double sink = 0;
  std::printf("time_s zmm_gflops ymm_gflops int_gsteps\n");
  while (Now() - start < seconds) {
    double t = Now();
    sink += Zmm(kRounds);
    const double zmm = 12.0 * 32.0 * kRounds / (Now() - t) / 1e9;
    t = Now();
    sink += Ymm(kRounds);
    const double ymm = 12.0 * 16.0 * kRounds / (Now() - t) / 1e9;
    t = Now();
    sink += static_cast<double>(ScalarChain(kSteps));
    const double scalar = kSteps / (Now() - t) / 1e9;
    std::printf("%.2f %.1f %.1f %.3f\n", Now() - start, zmm, ymm, scalar);
  }
  return sink == 0.125 ? 2 : 0;
}
