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
  const __mmask16 keep = _mm512_cmp_ps_mask(x, Splat(kExpFlushArg), _CMP_NLT_UQ);  // NaN kept
  // max(lo, x) and min(hi, x) return x when it is NaN, so NaN flows through to the result.
  x = _mm512_min_ps(Splat(kExpMaxArg), _mm512_max_ps(Splat(kExpMinArg), x));
  const V fn = _mm512_roundscale_ps(_mm512_mul_ps(x, Splat(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = _mm512_fnmadd_ps(fn, Splat(kLn2Hi), x);
  r = _mm512_fnmadd_ps(fn, Splat(kLn2Lo), r);
  const V p = _mm512_add_ps(_mm512_fmadd_ps(Horner(r, kExpPoly), _mm512_mul_ps(r, r), r), Splat(1.0f));
  // p * 2^n, overflowing to inf; flushed lanes are zeroed without computing a tiny product.
  return _mm512_maskz_scalef_ps(keep, p, fn);
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

// An 8-entry table in the low half of a register, for _mm512_permutexvar_ps with indices 0..7.
inline V Table(const float (&t)[8]) { return _mm512_castps256_ps512(_mm256_loadu_ps(t)); }

// The interval polynomial P_k(z - c_k + z_lo) and offset s_k of the erf table (vector_kernels.h)
// for z in [0, 4) or NaN (which lands in interval 0 and stays NaN): erf = s + P, erfc = 1 - s - P.
inline V ErfTable(V z, V z_lo, V* offset) {
  const __m512i k = _mm512_cvttps_epi32(_mm512_add_ps(z, z));
  const V t = _mm512_add_ps(_mm512_sub_ps(z, _mm512_permutexvar_ps(k, Table(kErfTableCenter))), z_lo);
  V acc = _mm512_permutexvar_ps(k, Table(kErfTablePoly[8]));
  for (int j = 7; j >= 0; --j) acc = _mm512_fmadd_ps(acc, t, _mm512_permutexvar_ps(k, Table(kErfTablePoly[j])));
  *offset = _mm512_permutexvar_ps(k, Table(kErfTableOffset));
  return acc;
}

inline V Erf(V x) {
  // min(limit, |x|) keeps NaN; past 4 the last interval gives 1 - 1.5e-8, which rounds to 1.
  const V z = _mm512_min_ps(Splat(kErfTableLimit), Abs(x));
  V offset;
  const V p = ErfTable(z, _mm512_setzero_ps(), &offset);
  return WithSignOf(_mm512_add_ps(offset, p), x);
}

inline V Gelu(V x) {
  // u = x / sqrt 2 as hi + lo; z = |u| with the correction carrying u's sign flip.
  const V u = _mm512_mul_ps(x, Splat(kSqrtHalf));
  const V u_lo = _mm512_fmadd_ps(x, Splat(kSqrtHalfLo), _mm512_fmsub_ps(x, Splat(kSqrtHalf), u));
  const V sign = _mm512_and_ps(u, Splat(-0.0f));
  const V au = _mm512_xor_ps(u, sign);
  V offset;
  const V p = ErfTable(_mm512_min_ps(Splat(kErfTableLimit), au), _mm512_xor_ps(u_lo, sign), &offset);
  // erfc(|u|), 0 past |u| = 4 (and for NaN, which x * phi turns back into NaN).
  const __mmask16 in_table = Less(au, Splat(kErfSaturation));
  const V half_erfc = _mm512_maskz_mul_ps(in_table, Splat(0.5f), _mm512_sub_ps(_mm512_sub_ps(Splat(1.0f), offset), p));
  const __mmask16 non_negative = _mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GE_OQ);
  const V phi = _mm512_mask_sub_ps(half_erfc, non_negative, Splat(1.0f), half_erfc);
  // Far out on the negative side phi is 0 and the result -0; gelu(-inf) is -inf * 0 = NaN, as
  // the formula gives.
  return _mm512_mul_ps(x, phi);
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

// Lanes to process before y reaches a 64-byte boundary (0 when it is there): memory-bound maps
// peel them so the main loop's loads and stores do not split cache lines (half the L2 bandwidth
// otherwise; thread slices start anywhere).
inline int64_t LanesToAlignment(const float* y, int64_t n) {
  const int64_t lanes = static_cast<int64_t>((64 - (reinterpret_cast<uintptr_t>(y) & 63)) & 63) / 4;
  return lanes < n ? lanes : n;
}

// Memory-bound maps: an aligning masked head, then two vectors an iteration.
template <typename F>
inline void MapBinary(const float* a, const float* b, float* y, int64_t n, F f) {
  int64_t i = LanesToAlignment(y, n);
  if (i > 0) {
    const __mmask16 m = TailMask(i);
    _mm512_mask_storeu_ps(y, m, f(_mm512_maskz_loadu_ps(m, a), _mm512_maskz_loadu_ps(m, b)));
  }
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
  int64_t i = LanesToAlignment(y, n);
  if (i > 0) {
    const __mmask16 m = TailMask(i);
    _mm512_mask_storeu_ps(y, m, f(_mm512_maskz_loadu_ps(m, x)));
  }
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

void ExpAvx512(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Exp(v); });
}
void TanhAvx512(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Tanh(v); });
}
void SigmoidAvx512(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Sigmoid(v); });
}
void ErfAvx512(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Erf(v); });
}
void GeluAvx512(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Gelu(v); });
}

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

void AddAvx512(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm512_add_ps(u, v); });
}
void SubAvx512(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm512_sub_ps(u, v); });
}
void MulAvx512(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm512_mul_ps(u, v); });
}
void DivAvx512(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm512_div_ps(u, v); });
}

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

}  // namespace

const VectorKernels& Avx512VectorKernels() {
  static const VectorKernels kernels = [] {
    VectorKernels k{};
    k.name = "avx512";
    k.exp = ExpAvx512;
    k.tanh = TanhAvx512;
    k.sigmoid = SigmoidAvx512;
    k.erf = ErfAvx512;
    k.gelu = GeluAvx512;
    k.relu = ReluAvx512;
    k.clip = ClipAvx512;
    k.add = AddAvx512;
    k.sub = SubAvx512;
    k.mul = MulAvx512;
    k.div = DivAvx512;
    k.add_scalar = AddScalarAvx512;
    k.mul_scalar = MulScalarAvx512;
    k.reduce_sum = ReduceSumAvx512;
    k.reduce_max = ReduceMaxAvx512;
    k.softmax_row = SoftmaxRowAvx512;
    k.log_softmax_row = LogSoftmaxRowAvx512;
    k.layer_norm_row = LayerNormRowAvx512;
    return k;
  }();
  return kernels;
}

}  // namespace vector_kernels
}  // namespace ortlite
