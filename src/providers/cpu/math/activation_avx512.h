// The activations GEMM and convolution tiles apply while their results are still in AVX-512
// registers (those KernelAppliesActivation names). Include only from *_avx512.cc files.
#pragma once
#include <immintrin.h>

#include "providers/cpu/math/gemm.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace avx512 {

// p0, p1: Clip's min and max, or LeakyRelu's alpha in p0. Kinds not applied in registers pass v.
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

}  // namespace avx512
}  // namespace ortlite
