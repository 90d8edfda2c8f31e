// The vector kernels for AVX2 + FMA: 8 floats a vector, vmaskmovps for the tails.
// Algorithms and coefficients as documented in vector_kernels.h.
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#include "providers/cpu/math/vector_kernels.h"

namespace ortlite {
namespace vector_kernels {
namespace {

using namespace coeffs;
using V = __m256;
constexpr int64_t kLanes = 8;

// Eight all-ones then eight zeros: the 8 entries from kTailMaskTable + 8 - count enable the
// first `count` lanes.
alignas(64) constexpr int32_t kTailMaskTable[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

inline V Splat(float v) { return _mm256_set1_ps(v); }
inline __m256i TailMask(int64_t count) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kTailMaskTable + kLanes - count));
}
inline V LoadTail(const float* p, __m256i mask) { return _mm256_maskload_ps(p, mask); }
inline void StoreTail(float* p, __m256i mask, V v) { _mm256_maskstore_ps(p, mask, v); }
inline V Abs(V v) { return _mm256_andnot_ps(Splat(-0.0f), v); }
// |mag| with the sign of `sign` (mag must be non-negative).
inline V WithSignOf(V mag, V sign) { return _mm256_or_ps(mag, _mm256_and_ps(sign, Splat(-0.0f))); }
// Lanes of `if_true` where mask is set, else `if_false`.
inline V Select(V mask, V if_true, V if_false) { return _mm256_blendv_ps(if_false, if_true, mask); }
inline V Less(V a, V b) { return _mm256_cmp_ps(a, b, _CMP_LT_OQ); }

inline float HorizontalSum(V v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float HorizontalMax(V v) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

template <int N>
inline V Horner(V u, const float (&c)[N]) {
  V acc = Splat(c[N - 1]);
  for (int k = N - 2; k >= 0; --k) acc = _mm256_fmadd_ps(acc, u, Splat(c[k]));
  return acc;
}

inline V Exp(V x) {
  const V keep = _mm256_cmp_ps(x, Splat(kExpFlushArg), _CMP_NLT_UQ);  // NaN kept
  // max(lo, x) and min(hi, x) return x when it is NaN, so NaN flows through to the result.
  x = _mm256_min_ps(Splat(kExpMaxArg), _mm256_max_ps(Splat(kExpMinArg), x));
  const V fn = _mm256_round_ps(_mm256_mul_ps(x, Splat(kLog2e)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  V r = _mm256_fnmadd_ps(fn, Splat(kLn2Hi), x);
  r = _mm256_fnmadd_ps(fn, Splat(kLn2Lo), r);
  const V p = _mm256_add_ps(_mm256_fmadd_ps(Horner(r, kExpPoly), _mm256_mul_ps(r, r), r), Splat(1.0f));
  // 2^n as two powers of two (n in [-127, 128] needs both ends of the exponent range), and
  // flushed lanes zeroed before the multiply so no tiny product is formed.
  const __m256i n = _mm256_cvtps_epi32(fn);
  const __m256i n1 = _mm256_srai_epi32(n, 1);
  const __m256i n2 = _mm256_sub_epi32(n, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  const V s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  const V s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(_mm256_and_ps(p, keep), s1), s2);
}

inline V Tanh(V x) {
  const V ax = Abs(x);
  const V x2 = _mm256_mul_ps(x, x);
  // x + x^3 P(x^2) is +0 for x = -0; or-ing in x's sign bit restores -0 (the sign is x's anyway).
  const V small =
      _mm256_or_ps(_mm256_fmadd_ps(_mm256_mul_ps(x, x2), Horner(x2, kTanhPoly), x), _mm256_and_ps(x, Splat(-0.0f)));
  const V e = Exp(_mm256_mul_ps(ax, Splat(-2.0f)));
  const V one = Splat(1.0f);
  const V large = WithSignOf(_mm256_div_ps(_mm256_sub_ps(one, e), _mm256_add_ps(one, e)), x);
  return Select(Less(ax, Splat(kTanhPolyLimit)), small, large);
}

// 1 / (1 + exp(-x)): a chain of monotone roundings, so the result is monotone too.
inline V Sigmoid(V x) {
  const V one = Splat(1.0f);
  return _mm256_div_ps(one, _mm256_add_ps(one, Exp(_mm256_sub_ps(_mm256_setzero_ps(), x))));
}

inline V Table(const float (&t)[8]) { return _mm256_loadu_ps(t); }

// The interval polynomial P_k(z - c_k + z_lo) and offset s_k of the erf table (vector_kernels.h)
// for z in [0, 4) or NaN (which lands in interval 0 and stays NaN): erf = s + P, erfc = 1 - s - P.
inline V ErfTable(V z, V z_lo, V* offset) {
  const __m256i k = _mm256_cvttps_epi32(_mm256_add_ps(z, z));
  const V t = _mm256_add_ps(_mm256_sub_ps(z, _mm256_permutevar8x32_ps(Table(kErfTableCenter), k)), z_lo);
  V acc = _mm256_permutevar8x32_ps(Table(kErfTablePoly[8]), k);
  for (int j = 7; j >= 0; --j) acc = _mm256_fmadd_ps(acc, t, _mm256_permutevar8x32_ps(Table(kErfTablePoly[j]), k));
  *offset = _mm256_permutevar8x32_ps(Table(kErfTableOffset), k);
  return acc;
}

inline V Erf(V x) {
  // min(limit, |x|) keeps NaN; past 4 the last interval gives 1 - 1.5e-8, which rounds to 1.
  const V z = _mm256_min_ps(Splat(kErfTableLimit), Abs(x));
  V offset;
  const V p = ErfTable(z, _mm256_setzero_ps(), &offset);
  return WithSignOf(_mm256_add_ps(offset, p), x);
}

inline V Gelu(V x) {
  // u = x / sqrt 2 as hi + lo; z = |u| with the correction carrying u's sign flip.
  const V u = _mm256_mul_ps(x, Splat(kSqrtHalf));
  const V u_lo = _mm256_fmadd_ps(x, Splat(kSqrtHalfLo), _mm256_fmsub_ps(x, Splat(kSqrtHalf), u));
  const V sign = _mm256_and_ps(u, Splat(-0.0f));
  const V au = _mm256_xor_ps(u, sign);
  V offset;
  const V p = ErfTable(_mm256_min_ps(Splat(kErfTableLimit), au), _mm256_xor_ps(u_lo, sign), &offset);
  // erfc(|u|), 0 past |u| = 4 (and for NaN, which x * phi turns back into NaN).
  const V erfc = _mm256_and_ps(_mm256_sub_ps(_mm256_sub_ps(Splat(1.0f), offset), p), Less(au, Splat(kErfSaturation)));
  const V half_erfc = _mm256_mul_ps(Splat(0.5f), erfc);
  const V non_negative = _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GE_OQ);
  const V phi = Select(non_negative, _mm256_sub_ps(Splat(1.0f), half_erfc), half_erfc);
  // Far out on the negative side phi is 0 and the result -0; gelu(-inf) is -inf * 0 = NaN, as
  // the formula gives.
  return _mm256_mul_ps(x, phi);
}

template <typename F>
inline void MapUnary(const float* x, float* y, int64_t n, F f) {
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i m = TailMask(n - i);
    StoreTail(y + i, m, f(LoadTail(x + i, m)));
  }
}

// Lanes to process before y reaches a 32-byte boundary (0 when it is there): memory-bound maps
// peel them so the main loop's loads and stores do not split cache lines (half the L2 bandwidth
// otherwise; thread slices start anywhere).
inline int64_t LanesToAlignment(const float* y, int64_t n) {
  const int64_t lanes = static_cast<int64_t>((32 - (reinterpret_cast<uintptr_t>(y) & 31)) & 31) / 4;
  return lanes < n ? lanes : n;
}

// Memory-bound maps: an aligning masked head, then two vectors an iteration.
template <typename F>
inline void MapCheap(const float* x, float* y, int64_t n, F f) {
  int64_t i = LanesToAlignment(y, n);
  if (i > 0) {
    const __m256i m = TailMask(i);
    StoreTail(y, m, f(LoadTail(x, m)));
  }
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V r0 = f(_mm256_loadu_ps(x + i));
    const V r1 = f(_mm256_loadu_ps(x + i + kLanes));
    _mm256_storeu_ps(y + i, r0);
    _mm256_storeu_ps(y + i + kLanes, r1);
  }
  MapUnary(x + i, y + i, n - i, f);
}

template <typename F>
inline void MapBinary(const float* a, const float* b, float* y, int64_t n, F f) {
  int64_t i = LanesToAlignment(y, n);
  if (i > 0) {
    const __m256i m = TailMask(i);
    StoreTail(y, m, f(LoadTail(a, m), LoadTail(b, m)));
  }
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V r0 = f(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i));
    const V r1 = f(_mm256_loadu_ps(a + i + kLanes), _mm256_loadu_ps(b + i + kLanes));
    _mm256_storeu_ps(y + i, r0);
    _mm256_storeu_ps(y + i + kLanes, r1);
  }
  for (; i + kLanes <= n; i += kLanes) _mm256_storeu_ps(y + i, f(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
  if (i < n) {
    const __m256i m = TailMask(n - i);
    StoreTail(y + i, m, f(LoadTail(a + i, m), LoadTail(b + i, m)));
  }
}

void ExpAvx2(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Exp(v); });
}
void TanhAvx2(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Tanh(v); });
}
void SigmoidAvx2(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Sigmoid(v); });
}
void ErfAvx2(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Erf(v); });
}
void GeluAvx2(const float* x, float* y, int64_t n) {
  MapUnary(x, y, n, [](V v) { return Gelu(v); });
}

void ReluAvx2(const float* x, float* y, int64_t n) {
  const V zero = _mm256_setzero_ps();
  MapCheap(x, y, n, [zero](V v) { return _mm256_max_ps(zero, v); });
}

void ClipAvx2(const float* x, float* y, int64_t n, float lo, float hi) {
  const V vlo = Splat(lo), vhi = Splat(hi);
  // max(lo, x) is lo only when lo > x, min(hi, c) is hi only when hi < c: NaN x passes through
  // and hi wins when lo > hi, as Clip specifies.
  MapCheap(x, y, n, [vlo, vhi](V v) { return _mm256_min_ps(vhi, _mm256_max_ps(vlo, v)); });
}

void AddAvx2(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm256_add_ps(u, v); });
}
void SubAvx2(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm256_sub_ps(u, v); });
}
void MulAvx2(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm256_mul_ps(u, v); });
}
void DivAvx2(const float* a, const float* b, float* y, int64_t n) {
  MapBinary(a, b, y, n, [](V u, V v) { return _mm256_div_ps(u, v); });
}

void AddScalarAvx2(const float* a, float b, float* y, int64_t n) {
  const V vb = Splat(b);
  MapCheap(a, y, n, [vb](V v) { return _mm256_add_ps(v, vb); });
}
void MulScalarAvx2(const float* a, float b, float* y, int64_t n) {
  const V vb = Splat(b);
  MapCheap(a, y, n, [vb](V v) { return _mm256_mul_ps(v, vb); });
}

float ReduceSumAvx2(const float* x, int64_t n) {
  V acc0 = _mm256_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  int64_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(x + i));
    acc1 = _mm256_add_ps(acc1, _mm256_loadu_ps(x + i + kLanes));
    acc2 = _mm256_add_ps(acc2, _mm256_loadu_ps(x + i + 2 * kLanes));
    acc3 = _mm256_add_ps(acc3, _mm256_loadu_ps(x + i + 3 * kLanes));
  }
  for (; i + kLanes <= n; i += kLanes) acc0 = _mm256_add_ps(acc0, _mm256_loadu_ps(x + i));
  if (i < n) acc1 = _mm256_add_ps(acc1, LoadTail(x + i, TailMask(n - i)));
  return HorizontalSum(_mm256_add_ps(_mm256_add_ps(acc0, acc1), _mm256_add_ps(acc2, acc3)));
}

float ReduceMaxAvx2(const float* x, int64_t n) {
  const V neg_inf = Splat(-INFINITY);
  V acc0 = neg_inf, acc1 = neg_inf;
  V nan = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V v0 = _mm256_loadu_ps(x + i), v1 = _mm256_loadu_ps(x + i + kLanes);
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v0, v1, _CMP_UNORD_Q));
    acc0 = _mm256_max_ps(acc0, v0);
    acc1 = _mm256_max_ps(acc1, v1);
  }
  for (; i < n; i += kLanes) {
    V v;
    if (n - i >= kLanes) {
      v = _mm256_loadu_ps(x + i);
    } else {
      const __m256i m = TailMask(n - i);
      v = Select(_mm256_castsi256_ps(m), LoadTail(x + i, m), neg_inf);
    }
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    acc0 = _mm256_max_ps(acc0, v);
  }
  if (_mm256_movemask_ps(nan)) return NAN;
  return HorizontalMax(_mm256_max_ps(acc0, acc1));
}

void SoftmaxRowAvx2(const float* x, float* y, int64_t n) {
  const V vmax = Splat(ReduceMaxAvx2(x, n));
  V sum = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const V e = Exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax));
    _mm256_storeu_ps(y + i, e);
    sum = _mm256_add_ps(sum, e);
  }
  if (i < n) {
    const __m256i m = TailMask(n - i);
    const V e = _mm256_and_ps(Exp(_mm256_sub_ps(LoadTail(x + i, m), vmax)), _mm256_castsi256_ps(m));
    StoreTail(y + i, m, e);
    sum = _mm256_add_ps(sum, e);
  }
  MulScalarAvx2(y, 1.0f / HorizontalSum(sum), y, n);
}

void LogSoftmaxRowAvx2(const float* x, float* y, int64_t n) {
  const V vmax = Splat(ReduceMaxAvx2(x, n));
  V sum = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) sum = _mm256_add_ps(sum, Exp(_mm256_sub_ps(_mm256_loadu_ps(x + i), vmax)));
  if (i < n) {
    const __m256i m = TailMask(n - i);
    sum = _mm256_add_ps(sum, _mm256_and_ps(Exp(_mm256_sub_ps(LoadTail(x + i, m), vmax)), _mm256_castsi256_ps(m)));
  }
  const V log_sum = Splat(std::log(HorizontalSum(sum)));
  MapCheap(x, y, n, [vmax, log_sum](V v) { return _mm256_sub_ps(_mm256_sub_ps(v, vmax), log_sum); });
}

void LayerNormRowAvx2(const float* x, const float* scale, const float* bias, float* y, int64_t n, float epsilon,
                      float* mean_out, float* inv_std_out) {
  const float mean = ReduceSumAvx2(x, n) / static_cast<float>(n);
  const V vmean = Splat(mean);
  V sq0 = _mm256_setzero_ps(), sq1 = sq0;
  int64_t i = 0;
  for (; i + 2 * kLanes <= n; i += 2 * kLanes) {
    const V d0 = _mm256_sub_ps(_mm256_loadu_ps(x + i), vmean);
    const V d1 = _mm256_sub_ps(_mm256_loadu_ps(x + i + kLanes), vmean);
    sq0 = _mm256_fmadd_ps(d0, d0, sq0);
    sq1 = _mm256_fmadd_ps(d1, d1, sq1);
  }
  for (; i + kLanes <= n; i += kLanes) {
    const V d = _mm256_sub_ps(_mm256_loadu_ps(x + i), vmean);
    sq0 = _mm256_fmadd_ps(d, d, sq0);
  }
  if (i < n) {
    const __m256i m = TailMask(n - i);
    const V d = _mm256_and_ps(_mm256_sub_ps(LoadTail(x + i, m), vmean), _mm256_castsi256_ps(m));
    sq1 = _mm256_fmadd_ps(d, d, sq1);
  }
  const float var = HorizontalSum(_mm256_add_ps(sq0, sq1)) / static_cast<float>(n);
  const float inv_std = 1.0f / std::sqrt(var + epsilon);
  const V vinv = Splat(inv_std);
  auto normalize = [&](V xv, V sv) { return _mm256_mul_ps(_mm256_mul_ps(_mm256_sub_ps(xv, vmean), vinv), sv); };
  for (i = 0; i + kLanes <= n; i += kLanes) {
    const V t = normalize(_mm256_loadu_ps(x + i), _mm256_loadu_ps(scale + i));
    _mm256_storeu_ps(y + i, bias ? _mm256_add_ps(t, _mm256_loadu_ps(bias + i)) : t);
  }
  if (i < n) {
    const __m256i m = TailMask(n - i);
    const V t = normalize(LoadTail(x + i, m), LoadTail(scale + i, m));
    StoreTail(y + i, m, bias ? _mm256_add_ps(t, LoadTail(bias + i, m)) : t);
  }
  *mean_out = mean;
  *inv_std_out = inv_std;
}

}  // namespace

const VectorKernels& Avx2VectorKernels() {
  static const VectorKernels kernels = [] {
    VectorKernels k{};
    k.name = "avx2";
    k.exp = ExpAvx2;
    k.tanh = TanhAvx2;
    k.sigmoid = SigmoidAvx2;
    k.erf = ErfAvx2;
    k.gelu = GeluAvx2;
    k.relu = ReluAvx2;
    k.clip = ClipAvx2;
    k.add = AddAvx2;
    k.sub = SubAvx2;
    k.mul = MulAvx2;
    k.div = DivAvx2;
    k.add_scalar = AddScalarAvx2;
    k.mul_scalar = MulScalarAvx2;
    k.reduce_sum = ReduceSumAvx2;
    k.reduce_max = ReduceMaxAvx2;
    k.softmax_row = SoftmaxRowAvx2;
    k.log_softmax_row = LogSoftmaxRowAvx2;
    k.layer_norm_row = LayerNormRowAvx2;
    return k;
  }();
  return kernels;
}

}  // namespace vector_kernels
}  // namespace ortlite
