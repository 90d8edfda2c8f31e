// f32 GEMM micro-kernel for AVX-512: a 12 x 32 tile of C in 24 zmm accumulators. Each k step
// loads one packed row of B (two zmm) and broadcasts the 12 packed values of A. The fused
// epilogue (row bias, residual, Relu/Clip/LeakyRelu) runs on the accumulators before the store.
#include <immintrin.h>

#include <cstdint>

#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace gemm_detail {

namespace {
constexpr int kMr = 12;
constexpr int kNr = 32;

inline __m512 Activate(__m512 v, ActivationKind kind, __m512 p0, __m512 p1) {
  switch (kind) {
    case ActivationKind::kRelu: return _mm512_max_ps(v, _mm512_setzero_ps());
    case ActivationKind::kClip: return _mm512_min_ps(_mm512_max_ps(v, p0), p1);
    case ActivationKind::kLeakyRelu: {
      const __mmask16 negative = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ);
      return _mm512_mask_mul_ps(v, negative, v, p0);
    }
    default: return v;
  }
}
}  // namespace

void SgemmKernelAvx512_12x32(int64_t k, const float* __restrict a, const float* __restrict b, float* __restrict c,
                             int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                             const GemmEpilogueT<float>* ep) {
  __m512 acc[kMr][2];
#pragma GCC unroll 12
  for (int i = 0; i < kMr; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
  // The tile's rows of C are written at the end; start fetching them now.
#pragma GCC unroll 12
  for (int i = 0; i < kMr; ++i) {
    if (i < m) {
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
    }
  }
  for (int64_t p = 0; p < k; ++p) {
    const __m512 b0 = _mm512_loadu_ps(b);
    const __m512 b1 = _mm512_loadu_ps(b + 16);
#pragma GCC unroll 12
    for (int i = 0; i < kMr; ++i) {
      const __m512 ai = _mm512_set1_ps(a[i]);
      acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
    }
    a += kMr;
    b += kNr;
  }
  const __m512 va = _mm512_set1_ps(alpha);
  const __m512 vb = _mm512_set1_ps(beta);
  const __mmask16 mask0 = n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1u);
  const __mmask16 mask1 = n >= 32 ? __mmask16(0xffff) : n > 16 ? __mmask16((1u << (n - 16)) - 1u) : __mmask16(0);
  const ActivationKind kind = ep ? ep->activation.kind : ActivationKind::kNone;
  const __m512 p0 = _mm512_set1_ps(ep ? ep->activation.alpha : 0.f);
  const __m512 p1 = _mm512_set1_ps(ep ? ep->activation.beta : 0.f);
#pragma GCC unroll 12
  for (int i = 0; i < kMr; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
    __m512 r0 = alpha == 1.f ? acc[i][0] : _mm512_mul_ps(acc[i][0], va);
    __m512 r1 = alpha == 1.f ? acc[i][1] : _mm512_mul_ps(acc[i][1], va);
    if (beta != 0.f) {
      r0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask0, row), vb, r0);
      r1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask1, row + 16), vb, r1);
    }
    if (ep) {
      if (ep->row_bias) {
        const __m512 bias = _mm512_set1_ps(ep->row_bias[i]);
        r0 = _mm512_add_ps(r0, bias);
        r1 = _mm512_add_ps(r1, bias);
      }
      if (ep->residual) {
        const float* res = ep->residual + i * ep->ld_residual;
        r0 = _mm512_add_ps(r0, _mm512_maskz_loadu_ps(mask0, res));
        r1 = _mm512_add_ps(r1, _mm512_maskz_loadu_ps(mask1, res + 16));
      }
      r0 = Activate(r0, kind, p0, p1);
      r1 = Activate(r1, kind, p0, p1);
    }
    _mm512_mask_storeu_ps(row, mask0, r0);
    _mm512_mask_storeu_ps(row + 16, mask1, r1);
  }
}

}  // namespace gemm_detail
}  // namespace ortlite
