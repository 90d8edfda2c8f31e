// The vector kernels for AVX-512 (F, DQ): 16 floats a vector, masked loads and stores for the
// tails, vscalefps for exact 2^n scaling (it rounds subnormal results once and overflows to inf).
// Algorithms and coefficients as documented in vector_kernels.h.
// GCC 12 warns about the deliberately undefined pass-through operand inside the AVX-512
// intrinsics (_mm512_undefined_ps) once they are inlined; the warning is spurious.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "providers/cpu/math/vector_kernels.h"

namespace ortlite {
namespace vector_kernels {
namespace {

using namespace coeffs;
using V = __m512;
constexpr int64_t kLanes = 16;

inline V Splat(float v) { return _mm512_set1_ps(v); }
inline __mmask16 TailMask(int64_t count) { return static_cast<__mmask16>((1u << count) - 1u); }
inline V Abs(V v) { return _mm512_abs_ps(v); }
// |mag| with the sign of `sign` (mag must be non-negative).
inline V WithSignOf(V mag, V sign) { return _mm512_or_ps(mag, _mm512_and_ps(sign, Splat(-0.0f))); }
inline __mmask16 Less(V a, V b) { return _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ); }

template <int N>
inline V Horner(V u, const float (&c)[N]) {
  V acc = Splat(c[N - 1]);
  for (int k = N - 2; k >= 0; --k) acc = _mm512_fmadd_ps(acc, u, Splat(c[k]));
  return acc;
}

inline V Exp(V x) {
  // max(lo, x) and min(hi, x) return x when it is NaN, so NaN flows through to the result.
  x = _mm512_min_ps(Splat(kExpMaxArg), _mm512_max_ps(Splat(kExpMinArg), x));
  const V fn = _mm512_roundscale_ps(_mm512_mul_ps(x, Splat(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = _mm512_fnmadd_ps(fn, Splat(kLn2Hi), x);
  r = _mm512_fnmadd_ps(fn, Splat(kLn2Lo), r);
  const V p = _mm512_add_ps(_mm512_fmadd_ps(Horner(r, kExpPoly), _mm512_mul_ps(r, r), r), Splat(1.0f));
  return _mm512_scalef_ps(p, fn);
}

inline V Tanh(V x) {
  const V ax = Abs(x);
  const V x2 = _mm512_mul_ps(x, x);
  // x + x^3 P(x^2) is +0 for x = -0; or-ing in x's sign bit restores -0 (the sign is x's anyway).
  const V small =
      _mm512_or_ps(_mm512_fmadd_ps(_mm512_mul_ps(x, x2), Horner(x2, kTanhPoly), x), _mm512_and_ps(x, Splat(-0.0f)));
  const V e = Exp(_mm512_mul_ps(ax, Splat(-2.0f)));
  const V one = Splat(1.0f);
  const V large = WithSignOf(_mm512_div_ps(_mm512_sub_ps(one, e), _mm512_add_ps(one, e)), x);
  return _mm512_mask_blend_ps(Less(ax, Splat(kTanhPolyLimit)), large, small);
}

// 1 / (1 + exp(-x)): a chain of monotone roundings, so the result is monotone too.
inline V Sigmoid(V x) {
  const V one = Splat(1.0f);
  return _mm512_div_ps(one, _mm512_add_ps(one, Exp(_mm512_sub_ps(_mm512_setzero_ps(), x))));
}

// erfc(z) = exp(-z^2) h(z), given z^2 exactly as z2_hi + z2_lo (rounding z^2 would cost a relative
// error of up to z^2 * 2^-24 in exp(-z^2)); z_poly = min(z, kErfSaturation) feeds h.
inline V ErfcTail(V z2_hi, V z2_lo, V z_poly) {
  V e = Exp(_mm512_sub_ps(_mm512_setzero_ps(), z2_hi));
  e = _mm512_fnmadd_ps(e, z2_lo, e);
  return _mm512_mul_ps(e, Horner(_mm512_sub_ps(z_poly, Splat(kErfcCenter)), kErfcPoly));
}

inline V Erf(V x) {
  const V ax = Abs(x);
  const V small = _mm512_fmadd_ps(x, Horner(_mm512_mul_ps(x, x), kErfPolyMinusX), x);
  const V z = _mm512_min_ps(Splat(kErfSaturation), ax);
  const V z2 = _mm512_mul_ps(z, z);
  const V large = WithSignOf(_mm512_sub_ps(Splat(1.0f), ErfcTail(z2, _mm512_fmsub_ps(z, z, z2), z)), x);
  return _mm512_mask_blend_ps(Less(ax, Splat(kErfPolyLimit)), large, small);
}

inline V Gelu(V x) {
  const V half = Splat(0.5f);
  const V u = _mm512_mul_ps(x, Splat(kSqrtHalf));
  const V au = Abs(u);
  const V phi_small = _mm512_fmadd_ps(_mm512_mul_ps(u, Horner(_mm512_mul_ps(u, u), kErfPoly)), half, half);
  // z^2 = x^2 / 2 exactly from x (u's rounding would cost 2^-23 z^2 relative in exp(-z^2)). Past
  // |x| = 14.85 exp(-z^2) is 0; the clamp keeps -inf from giving inf * 0 in ErfcTail.
  const V ax = _mm512_min_ps(Splat(14.85f), Abs(x));
  const V ax2 = _mm512_mul_ps(ax, ax);
  const V erfc = ErfcTail(_mm512_mul_ps(ax2, half), _mm512_mul_ps(_mm512_fmsub_ps(ax, ax, ax2), half),
                         _mm512_min_ps(Splat(kErfSaturation), au));
  const V half_erfc = _mm512_mul_ps(half, erfc);
  const __mmask16 non_negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
  const V phi_large = _mm512_mask_blend_ps(non_negative, half_erfc, _mm512_sub_ps(Splat(1.0f), half_erfc));
  const V phi = _mm512_mask_blend_ps(Less(au, Splat(kErfPolyLimit)), phi_large, phi_small);
  // phi is 0 only far out on the negative side: the result is -0 there, also for x = -inf.
  const __mmask16 zero = _mm512_cmp_ps_mask(phi, _mm512_setzero_ps(), _CMP_EQ_OQ);
  return _mm512_mask_blend_ps(zero, _mm512_mul_ps(x, phi), Splat(-0.0f));
}

template <typename F>
inline void MapUnary(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) _mm512_storeu_ps(y + i, f(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 m = TailMask(n - i);
    _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

// Memory-bound maps: two vectors an iteration.
template <typename F>
inline void MapBinary(const float* a, const float* b, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V r0 = f(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i));
    const V r1 = f(_mm512_loadu_ps(a + i + kLanes), _mm512_loadu_ps(b + i + kLanes));
    _mm512_storeu_ps(y + i, r0);
    _mm512_storeu_ps(y + i + kLanes, r1);
  }
  for (; i < n; i += kLanes) {
    const __mmask16 m = n - i >= kLanes ? static_cast<__mmask16>(0xffff) : TailMask(n - i);
    _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i)));
  }
}

template <typename F>
inline void MapCheap(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V r0 = f(_mm512_loadu_ps(x + i));
    const V r1 = f(_mm512_loadu_ps(x + i + kLanes));
    _mm512_storeu_ps(y + i, r0);
    _mm512_storeu_ps(y + i + kLanes, r1);
  }
  for (; i < n; i += kLanes) {
    const __mmask16 m = n - i >= kLanes ? static_cast<__mmask16>(0xffff) : TailMask(n - i);
    _mm512_mask_storeu_ps(y + i, m, f(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

void ExpAvx512(const float* x, float* y, int64_t n) { MapUnary(x, y, n, [](V v) { return Exp(v); }); }
void TanhAvx512(const float* x, float* y, int64_t n) { MapUnary(x, y, n, [](V v) { return Tanh(v); }); }
void SigmoidAvx512(const float* x, float* y, int64_t n) { MapUnary(x, y, n, [](V v) { return Sigmoid(v); }); }
void ErfAvx512(const float* x, float* y, int64_t n) { MapUnary(x, y, n, [](V v) { return Erf(v); }); }
void GeluAvx512(const float* x, float* y, int64_t n) { MapUnary(x, y, n, [](V v) { return Gelu(v); }); }

void ReluAvx512(const float* x, float* y, int64_t n) {
  const V zero = _mm512_setzero_ps();
  MapCheap(x, y, n, [zero](V v) { return _mm512_max_ps(zero, v); });
}

void ClipAvx512(const float* x, float* y, int64_t n, float lo, float hi) {
  const V vlo = Splat(lo), vhi = Splat(hi);
  // max(lo, x) is lo only when lo > x, min(hi, c) is hi only when hi < c: NaN x passes through
  // and hi wins when lo > hi, as Clip specifies.
  MapCheap(x, y, n, [vlo, vhi](V v) { return _mm512_min_ps(vhi, _mm512_max_ps(vlo, v)); });
}

void AddAvx512(const float* a, const float* b, float* y, int64_t n) { MapBinary(a, b, y, n, [](V u, V v) { return _mm512_add_ps(u, v); }); }
void SubAvx512(const float* a, const float* b, float* y, int64_t n) { MapBinary(a, b, y, n, [](V u, V v) { return _mm512_sub_ps(u, v); }); }
void MulAvx512(const float* a, const float* b, float* y, int64_t n) { MapBinary(a, b, y, n, [](V u, V v) { return _mm512_mul_ps(u, v); }); }
void DivAvx512(const float* a, const float* b, float* y, int64_t n) { MapBinary(a, b, y, n, [](V u, V v) { return _mm512_div_ps(u, v); }); }

void AddScalarAvx512(const float* a, float b, float* y, int64_t n) {
  const V vb = Splat(b);
  MapCheap(a, y, n, [vb](V v) { return _mm512_add_ps(v, vb); });
}
void MulScalarAvx512(const float* a, float b, float* y, int64_t n) {
  const V vb = Splat(b);
  MapCheap(a, y, n, [vb](V v) { return _mm512_mul_ps(v, vb); });
}

float ReduceSumAvx512(const float* x, int64_t n) {
  V acc0 = _mm512_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  int64_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    acc0 = _mm512_add_ps(acc0, _mm512_loadu_ps(x + i));
    acc1 = _mm512_add_ps(acc1, _mm512_loadu_ps(x + i + kLanes));
    acc2 = _mm512_add_ps(acc2, _mm512_loadu_ps(x + i + 2 * kLanes));
    acc3 = _mm512_add_ps(acc3, _mm512_loadu_ps(x + i + 3 * kLanes));
  }
  for (; i < n; i += kLanes) {
    const __mmask16 m = n - i >= kLanes ? static_cast<__mmask16>(0xffff) : TailMask(n - i);
    acc0 = _mm512_add_ps(acc0, _mm512_maskz_loadu_ps(m, x + i));
  }
  return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3)));
}

float ReduceMaxAvx512(const float* x, int64_t n) {
  const V neg_inf = Splat(-INFINITY);
  V acc0 = neg_inf, acc1 = neg_inf;
  __mmask16 nan = 0;
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V v0 = _mm512_loadu_ps(x + i), v1 = _mm512_loadu_ps(x + i + kLanes);
    nan |= _mm512_cmp_ps_mask(v0, v1, _CMP_UNORD_Q);
    acc0 = _mm512_max_ps(acc0, v0);
    acc1 = _mm512_max_ps(acc1, v1);
  }
  for (; i < n; i += kLanes) {
    const __mmask16 m = n - i >= kLanes ? static_cast<__mmask16>(0xffff) : TailMask(n - i);
    const V v = _mm512_mask_loadu_ps(neg_inf, m, x + i);
    nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
    acc0 = _mm512_max_ps(acc0, v);
  }
  if (nan) return NAN;
  return _mm512_reduce_max_ps(_mm512_max_ps(acc0, acc1));
}

void SoftmaxRowAvx512(const float* x, float* y, int64_t n) {
  const V vmax = Splat(ReduceMaxAvx512(x, n));
  V sum = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const V e = Exp(_mm512_sub_ps(_mm512_loadu_ps(x + i), vmax));
    _mm512_storeu_ps(y + i, e);
    sum = _mm512_add_ps(sum, e);
  }
  if (i < n) {
    const __mmask16 m = TailMask(n - i);
    const V e = Exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), vmax));
    _mm512_mask_storeu_ps(y + i, m, e);
    sum = _mm512_mask_add_ps(sum, m, sum, e);
  }
  MulScalarAvx512(y, 1.0f / _mm512_reduce_add_ps(sum), y, n);
}

void LogSoftmaxRowAvx512(const float* x, float* y, int64_t n) {
  const float max = ReduceMaxAvx512(x, n);
  const V vmax = Splat(max);
  V sum = _mm512_setzero_ps();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) sum = _mm512_add_ps(sum, Exp(_mm512_sub_ps(_mm512_loadu_ps(x + i), vmax)));
  if (i < n) {
    const __mmask16 m = TailMask(n - i);
    sum = _mm512_mask_add_ps(sum, m, sum, Exp(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), vmax)));
  }
  const V log_sum = Splat(std::log(_mm512_reduce_add_ps(sum)));
  MapCheap(x, y, n, [vmax, log_sum](V v) { return _mm512_sub_ps(_mm512_sub_ps(v, vmax), log_sum); });
}

void LayerNormRowAvx512(const float* x, const float* scale, const float* bias, float* y, int64_t n, float epsilon,
                        float* mean_out, float* inv_std_out) {
  const float mean = ReduceSumAvx512(x, n) / static_cast<float>(n);
  const V vmean = Splat(mean);
  V sq0 = _mm512_setzero_ps(), sq1 = sq0;
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V d0 = _mm512_sub_ps(_mm512_loadu_ps(x + i), vmean);
    const V d1 = _mm512_sub_ps(_mm512_loadu_ps(x + i + kLanes), vmean);
    sq0 = _mm512_fmadd_ps(d0, d0, sq0);
    sq1 = _mm512_fmadd_ps(d1, d1, sq1);
  }
  for (; i < n; i += kLanes) {
    const __mmask16 m = n - i >= kLanes ? static_cast<__mmask16>(0xffff) : TailMask(n - i);
    const V d = _mm512_maskz_sub_ps(m, _mm512_maskz_loadu_ps(m, x + i), vmean);
    sq0 = _mm512_fmadd_ps(d, d, sq0);
  }
  const float var = _mm512_reduce_add_ps(_mm512_add_ps(sq0, sq1)) / static_cast<float>(n);
  const float inv_std = 1.0f / std::sqrt(var + epsilon);
  const V vinv = Splat(inv_std);
  for (i = 0; i < n; i += kLanes) {
    const __mmask16 m = n - i >= kLanes ? static_cast<__mmask16>(0xffff) : TailMask(n - i);
    const V t = _mm512_mul_ps(_mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, x + i), vmean), vinv),
                              _mm512_maskz_loadu_ps(m, scale + i));
    _mm512_mask_storeu_ps(y + i, m, bias ? _mm512_add_ps(t, _mm512_maskz_loadu_ps(m, bias + i)) : t);
  }
  *mean_out = mean;
  *inv_std_out = inv_std;
}

const VectorKernels kAvx512Kernels = {
    "avx512",         ExpAvx512,           TanhAvx512,        SigmoidAvx512,   ErfAvx512,
    GeluAvx512,       ReluAvx512,          ClipAvx512,        AddAvx512,       SubAvx512,
    MulAvx512,        DivAvx512,           AddScalarAvx512,   MulScalarAvx512, ReduceSumAvx512,
    ReduceMaxAvx512,  SoftmaxRowAvx512,    LogSoftmaxRowAvx512, LayerNormRowAvx512,
};

}  // namespace

const VectorKernels& Avx512VectorKernels() { return kAvx512Kernels; }

}  // namespace vector_kernels
}  // namespace ortlite
