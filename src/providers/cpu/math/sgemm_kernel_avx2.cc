// f32 GEMM micro-kernel for AVX2 + FMA: a 6 x 16 tile of C in 12 ymm accumulators. The fused
// epilogue (row bias, residual, Relu/Clip/LeakyRelu) runs on the accumulators before the store.
#include <immintrin.h>

#include <cstdint>

#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace gemm_detail {

namespace {
constexpr int kMr = 6;
constexpr int kNr = 16;

inline __m256 Activate(__m256 v, ActivationKind kind, __m256 p0, __m256 p1) {
  switch (kind) {
    case ActivationKind::kRelu: return _mm256_max_ps(v, _mm256_setzero_ps());
    case ActivationKind::kClip: return _mm256_min_ps(_mm256_max_ps(v, p0), p1);
    case ActivationKind::kLeakyRelu: {
      const __m256 negative = _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_LT_OQ);
      return _mm256_blendv_ps(v, _mm256_mul_ps(v, p0), negative);
    }
    default: return v;
  }
}
}  // namespace

void SgemmKernelAvx2_6x16(int64_t k, const float* __restrict a, const float* __restrict b, float* __restrict c,
                          int64_t ldc, int64_t m, int64_t n, float alpha, float beta, const GemmEpilogueT<float>* ep) {
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
  const ActivationKind kind = ep ? ep->activation.kind : ActivationKind::kNone;
  const __m256 p0 = _mm256_set1_ps(ep ? ep->activation.alpha : 0.f);
  const __m256 p1 = _mm256_set1_ps(ep ? ep->activation.beta : 0.f);
  const bool full = m == kMr && n == kNr;
  // Edge tiles are finished in a buffer and the valid part copied out.
  alignas(32) float tile[kMr][kNr];
#pragma GCC unroll 6
  for (int i = 0; i < kMr; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
    __m256 r0 = _mm256_mul_ps(acc[i][0], va);
    __m256 r1 = _mm256_mul_ps(acc[i][1], va);
    if (full) {
      if (beta != 0.f) {
        r0 = _mm256_fmadd_ps(_mm256_loadu_ps(row), vb, r0);
        r1 = _mm256_fmadd_ps(_mm256_loadu_ps(row + 8), vb, r1);
      }
      if (ep) {
        if (ep->row_bias) {
          const __m256 bias = _mm256_set1_ps(ep->row_bias[i]);
          r0 = _mm256_add_ps(r0, bias);
          r1 = _mm256_add_ps(r1, bias);
        }
        if (ep->residual) {
          const float* res = ep->residual + i * ep->ld_residual;
          r0 = _mm256_add_ps(r0, _mm256_loadu_ps(res));
          r1 = _mm256_add_ps(r1, _mm256_loadu_ps(res + 8));
        }
        r0 = Activate(r0, kind, p0, p1);
        r1 = Activate(r1, kind, p0, p1);
      }
      _mm256_storeu_ps(row, r0);
      _mm256_storeu_ps(row + 8, r1);
      continue;
    }
    _mm256_store_ps(tile[i], r0);
    _mm256_store_ps(tile[i] + 8, r1);
    for (int64_t j = 0; j < n; ++j) {
      float v = tile[i][j];
      if (beta != 0.f) v += beta * row[j];
      if (ep) {
        if (ep->row_bias) v += ep->row_bias[i];
        if (ep->residual) v += ep->residual[i * ep->ld_residual + j];
        switch (kind) {
          case ActivationKind::kRelu: v = v > 0.f ? v : 0.f; break;
          case ActivationKind::kClip: v = v < ep->activation.alpha ? ep->activation.alpha : v;
                                      v = v > ep->activation.beta ? ep->activation.beta : v; break;
          case ActivationKind::kLeakyRelu: v = v >= 0.f ? v : ep->activation.alpha * v; break;
          default: break;
        }
      }
      row[j] = v;
    }
  }
}

}  // namespace gemm_detail
}  // namespace ortlite
