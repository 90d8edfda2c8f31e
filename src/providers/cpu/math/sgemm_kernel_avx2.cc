// f32 GEMM micro-kernel for AVX2 + FMA: a 6 x 16 tile of C in 12 ymm accumulators.
#include <immintrin.h>

#include <cstdint>

namespace ortlite {
namespace gemm_detail {

namespace {
constexpr int kMr = 6;
constexpr int kNr = 16;
}  // namespace

void SgemmKernelAvx2_6x16(int64_t k, const float* __restrict a, const float* __restrict b, float* __restrict c,
                          int64_t ldc, int64_t m, int64_t n, float alpha, float beta) {
  __m256 acc[kMr][2];
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = _mm256_setzero_ps();
  for (int64_t p = 0; p < k; ++p) {
    const __m256 b0 = _mm256_loadu_ps(b);
    const __m256 b1 = _mm256_loadu_ps(b + 8);
#pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      const __m256 ai = _mm256_broadcast_ss(a + i);
      acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += kNr;
  }
  const __m256 va = _mm256_set1_ps(alpha);
  const __m256 vb = _mm256_set1_ps(beta);
  if (m == kMr && n == kNr) {
#pragma GCC unroll 6
    for (int i = 0; i < kMr; ++i) {
      float* row = c + i * ldc;
      __m256 r0 = _mm256_mul_ps(acc[i][0], va);
      __m256 r1 = _mm256_mul_ps(acc[i][1], va);
      if (beta != 0.f) {
        r0 = _mm256_fmadd_ps(_mm256_loadu_ps(row), vb, r0);
        r1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8), vb, r1);
      }
      _mm256_storeu_ps(row, r0);
      _mm256_storeu_ps(row + 8, r1);
    }
    return;
  }
  // Edge tile: spill to a buffer and copy the valid part.
  alignas(32) float tile[kMr][kNr];
  for (int i = 0; i < kMr; ++i) {
    _mm256_store_ps(tile[i], _mm256_mul_ps(acc[i][0], va));
    _mm256_store_ps(tile[i] + 8, _mm256_mul_ps(acc[i][1], va));
  }
  for (int64_t i = 0; i < m; ++i) {
    float* row = c + i * ldc;
    if (beta == 0.f) {
      for (int64_t j = 0; j < n; ++j) row[j] = tile[i][j];
    } else {
      for (int64_t j = 0; j < n; ++j) row[j] = tile[i][j] + beta * row[j];
    }
  }
}

}  // namespace gemm_detail
}  // namespace ortlite
