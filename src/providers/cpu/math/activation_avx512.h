// Helpers the AVX-512 GEMM and convolution tiles share: the activations they apply while their
// results are still in registers (those KernelAppliesActivation names), lane masks and the
// even- and odd-lane permutations. Include only from *_avx512.cc files.
#pragma once
#include <immintrin.h>

#include "providers/cpu/math/gemm.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace avx512 {

// Permutation indices picking the even and the odd lanes of two vectors. Functions, not
// namespace-scope constants: those could be initialised with AVX-512 instructions at load time,
// also on hosts without them.
inline __m512i EvenLanes() { return _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0); }
inline __m512i OddLanes() { return _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1); }

// The first n of 16 lanes (none for n <= 0, all for n >= 16).
inline __mmask16 FirstLanes(int64_t n) {
  return n >= 16 ? __mmask16(0xffff) : n <= 0 ? __mmask16(0) : __mmask16((1u << n) - 1u);
}

// Lanes [begin, end) of 16, clamped to [0, 16) (none when end <= begin).
inline __mmask16 LaneRange(int64_t begin, int64_t end) {
  return static_cast<__mmask16>(FirstLanes(end) & ~FirstLanes(begin));
}

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
