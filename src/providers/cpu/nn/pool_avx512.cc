// AVX-512 float MaxPool / AveragePool planes (2-D windows, dilation 1, horizontal stride 1 or 2):
// each output row 16 columns per vector; loads masked where the window leaves the image (those
// lanes read -inf for max, 0 for average). Stride 2 loads two vectors and keeps the even lanes.
#include <immintrin.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "providers/cpu/math/activation_avx512.h"
#include "providers/cpu/nn/spatial_attributes.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace nn {

namespace {

using avx512::LaneRange;

constexpr int kMaxVectors = 64;  // output rows up to 1024 columns
constexpr int kMaxKernel = 8;

// The even lanes of lo:hi, i.e. input columns c0, c0 + 2, ... for a stride-2 window column.
inline __m512 LoadColumns(const float* src, int stride, __mmask16 lo_mask, __mmask16 hi_mask, __m512 fill) {
  const __m512 lo = _mm512_mask_loadu_ps(fill, lo_mask, src);
  if (stride == 1) return lo;
  const __m512i even = avx512::EvenLanes();
  const __m512 hi = _mm512_mask_loadu_ps(fill, hi_mask, src + 16);
  return _mm512_permutex2var_ps(lo, even, hi);
}

}  // namespace

bool PoolPlaneAvx512Handles(const Geometry3D& g) {
  return g.kernel[0] == 1 && g.out[0] == 1 && g.dilation[1] == 1 && g.dilation[2] == 1 &&
         (g.stride[2] == 1 || g.stride[2] == 2) && g.kernel[2] <= kMaxKernel && g.out[2] <= 16 * kMaxVectors;
}

// One plane of a geometry PoolPlaneAvx512Handles accepts. `average`: AveragePool, dividing each
// output by divisor[output index]; else MaxPool.
void PoolPlaneAvx512(bool average, const float* x, float* y, const Geometry3D& g, const float* divisor) {
  const int64_t sw = g.stride[2];
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t kh_n = g.kernel[1], kw_n = g.kernel[2];
  const int64_t vectors = (out_w + 15) / 16;
  __mmask16 lo[kMaxVectors][kMaxKernel], hi[kMaxVectors][kMaxKernel];
  for (int64_t b = 0; b < vectors; ++b) {
    const int64_t valid_out = std::min<int64_t>(16, out_w - b * 16);
    const int64_t span = sw == 1 ? valid_out : 2 * valid_out - 1;
    for (int64_t kw = 0; kw < kw_n; ++kw) {
      const int64_t c0 = b * 16 * sw + kw - g.pad_begin[2];
      lo[b][kw] = LaneRange(-c0, std::min<int64_t>(span, in_w - c0));
      hi[b][kw] = LaneRange(-c0 - 16, std::min<int64_t>(span - 16, in_w - c0 - 16));
    }
  }
  const __m512 fill = _mm512_set1_ps(average ? 0.f : -std::numeric_limits<float>::infinity());
  for (int64_t oh = 0; oh < out_h; ++oh) {
    const int64_t ih0 = oh * g.stride[1] - g.pad_begin[1];
    const int64_t kh_begin = std::max<int64_t>(0, -ih0), kh_end = std::min<int64_t>(kh_n, in_h - ih0);
    float* yrow = y + oh * out_w;
    for (int64_t b = 0; b < vectors; ++b) {
      __m512 acc = fill;
      for (int64_t kh = kh_begin; kh < kh_end; ++kh) {
        const float* xrow = x + (ih0 + kh) * in_w;
        for (int64_t kw = 0; kw < kw_n; ++kw) {
          const float* src = xrow + b * 16 * sw + kw - g.pad_begin[2];
          const __m512 v = LoadColumns(src, static_cast<int>(sw), lo[b][kw], hi[b][kw], fill);
          acc = average ? _mm512_add_ps(acc, v) : _mm512_max_ps(acc, v);
        }
      }
      const __mmask16 store = LaneRange(0, out_w - b * 16);
      if (average) acc = _mm512_div_ps(acc, _mm512_maskz_loadu_ps(store, divisor + oh * out_w + b * 16));
      _mm512_mask_storeu_ps(yrow + b * 16, store, acc);
    }
  }
}

namespace {

// Square K x K windows with equal strides S, separably: the window maximum (or sum) along each
// input row once, then along the columns of those row results, which consecutive output rows
// share. Only the vectors whose windows reach past the row use masked loads (a merge-masked load
// costs an extra uop on the shuffle port the stride-2 even/odd split also needs).
template <int K, int S, bool AVERAGE>
void PoolPlanesSeparable(const float* x, float* y, int64_t planes, const Geometry3D& g, const float* divisor) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2], pad_l = g.pad_begin[2];
  const int64_t in_size = in_h * in_w, out_size = out_h * out_w;
  const int64_t vectors = (out_w + 15) / 16;
  __mmask16 lo[kMaxVectors][K], hi[kMaxVectors][K];
  // Whether the columns the valid lanes read all lie inside the row: then plain loads serve (the
  // other lanes read past the row end, into the next row, and are never stored).
  bool inside[kMaxVectors];
  for (int64_t b = 0; b < vectors; ++b) {
    const int64_t valid_out = std::min<int64_t>(16, out_w - b * 16);
    const int64_t span = S == 1 ? valid_out : 2 * valid_out - 1;
    inside[b] = true;
    for (int kw = 0; kw < K; ++kw) {
      const int64_t c0 = b * 16 * S + kw - pad_l;
      lo[b][kw] = LaneRange(-c0, std::min<int64_t>(span, in_w - c0));
      hi[b][kw] = LaneRange(-c0 - 16, std::min<int64_t>(span - 16, in_w - c0 - 16));
      inside[b] = inside[b] && c0 >= 0 && c0 + span <= in_w;
    }
  }
  // Plain loads may not run past the end of the input: the rows that would use masked loads.
  const float* plain_end = x + planes * in_size - (16 * S + K);
  const __m512 fill = _mm512_set1_ps(AVERAGE ? 0.f : -std::numeric_limits<float>::infinity());
  auto combine = [](__m512 a, __m512 b) { return AVERAGE ? _mm512_add_ps(a, b) : _mm512_max_ps(a, b); };
  const __m512i even = avx512::EvenLanes();
  const __m512i odd = avx512::OddLanes();
  thread_local std::vector<float> row_results;
  row_results.resize(static_cast<size_t>(in_h * vectors * 16));
  float* rows = row_results.data();
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * in_size;
    float* yp = y + plane * out_size;
    for (int64_t ih = 0; ih < in_h; ++ih) {
      const float* xrow = xp + ih * in_w;
      for (int64_t b = 0; b < vectors; ++b) {
        const float* src = xrow + b * 16 * S - pad_l;
        __m512 acc;
        if (!inside[b] || src > plain_end) {
          acc = LoadColumns(src, S, lo[b][0], hi[b][0], fill);
#pragma GCC unroll 3
          for (int kw = 1; kw < K; ++kw) acc = combine(acc, LoadColumns(src + kw, S, lo[b][kw], hi[b][kw], fill));
        } else if (S == 1) {
          acc = _mm512_loadu_ps(src);
#pragma GCC unroll 3
          for (int kw = 1; kw < K; ++kw) acc = combine(acc, _mm512_loadu_ps(src + kw));
        } else {
          const __m512 l0 = _mm512_loadu_ps(src), h0 = _mm512_loadu_ps(src + 16);
          acc = combine(_mm512_permutex2var_ps(l0, even, h0), _mm512_permutex2var_ps(l0, odd, h0));
          if (K == 3) {
            const __m512 l2 = _mm512_loadu_ps(src + 2), h2 = _mm512_loadu_ps(src + 18);
            acc = combine(acc, _mm512_permutex2var_ps(l2, even, h2));
          }
        }
        _mm512_storeu_ps(rows + (ih * vectors + b) * 16, acc);
      }
    }
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const int64_t ih0 = oh * S - g.pad_begin[1];
      const int64_t kh_begin = std::max<int64_t>(0, -ih0), kh_end = std::min<int64_t>(K, in_h - ih0);
      for (int64_t b = 0; b < vectors; ++b) {
        __m512 acc = fill;
        for (int64_t kh = kh_begin; kh < kh_end; ++kh) {
          acc = combine(acc, _mm512_loadu_ps(rows + ((ih0 + kh) * vectors + b) * 16));
        }
        const __mmask16 store = LaneRange(0, out_w - b * 16);
        if (AVERAGE) acc = _mm512_div_ps(acc, _mm512_maskz_loadu_ps(store, divisor + oh * out_w + b * 16));
        _mm512_mask_storeu_ps(yp + oh * out_w + b * 16, store, acc);
      }
    }
  }
}

// 3x3 windows at stride 2 (the CNN stem pool), columns first: the maximum (or sum) of each
// output row's three input rows, column by column, held in registers over the padded row
// (NV vectors), then the even/odd/next-even column split of that. No intermediate buffer, and
// the shuffles run once per output row instead of once per input row.
// Lanes 2..15 of a followed by lanes 0..1 of b.
inline __m512 ShiftTwo(__m512 a, __m512 b) {
  return _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(b), _mm512_castps_si512(a), 2));
}

template <int NV, bool AVERAGE>
void Pool3x3Stride2Planes(const float* x, float* y, int64_t planes, const Geometry3D& g, const float* divisor) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2], pad_l = g.pad_begin[2];
  const int64_t in_size = in_h * in_w, out_size = out_h * out_w;
  const float fill_value = AVERAGE ? 0.f : -std::numeric_limits<float>::infinity();
  const __m512 fill = _mm512_set1_ps(fill_value);
  auto combine = [](__m512 a, __m512 b) { return AVERAGE ? _mm512_add_ps(a, b) : _mm512_max_ps(a, b); };
  // Vector v covers padded columns [16v, 16v + 16), input columns 16v - pad_l + lane.
  __mmask16 load_mask[NV];
  bool full[NV];
  for (int v = 0; v < NV; ++v) {
    load_mask[v] = LaneRange(pad_l - 16 * v, pad_l + in_w - 16 * v);
    full[v] = load_mask[v] == 0xffff;
  }
  const __m512i even = avx512::EvenLanes();
  const __m512i odd = avx512::OddLanes();
  constexpr int kOut = (NV + 1) / 2;  // output vectors: 16 outputs read 32 padded columns (+2)
  for (int64_t plane = 0; plane < planes; ++plane) {
    const float* xp = x + plane * in_size;
    float* yp = y + plane * out_size;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const int64_t ih0 = oh * 2 - g.pad_begin[1];
      const int64_t kh_begin = std::max<int64_t>(0, -ih0), kh_end = std::min<int64_t>(3, in_h - ih0);
      __m512 col[NV + 1];
#pragma GCC unroll 8
      for (int v = 0; v <= NV; ++v) col[v] = fill;
      for (int64_t kh = kh_begin; kh < kh_end; ++kh) {
        const float* row = xp + (ih0 + kh) * in_w - pad_l;
#pragma GCC unroll 8
        for (int v = 0; v < NV; ++v) {
          const __m512 in =
              full[v] ? _mm512_loadu_ps(row + 16 * v) : _mm512_mask_loadu_ps(fill, load_mask[v], row + 16 * v);
          col[v] = combine(col[v], in);
        }
      }
#pragma GCC unroll 4
      for (int b = 0; b < kOut; ++b) {
        const __m512 lo = col[2 * b], hi = 2 * b + 1 < NV ? col[2 * b + 1] : fill;
        const __m512 next = 2 * b + 2 < NV ? col[2 * b + 2] : fill;
        // Columns 2 .. 33 of the pair (lo, hi) and the vector after: the third column of each window.
        const __m512 lo2 = ShiftTwo(lo, hi), hi2 = ShiftTwo(hi, next);
        __m512 out = combine(combine(_mm512_permutex2var_ps(lo, even, hi), _mm512_permutex2var_ps(lo, odd, hi)),
                             _mm512_permutex2var_ps(lo2, even, hi2));
        const __mmask16 store = LaneRange(0, out_w - 16 * b);
        if (store == 0) break;
        if (AVERAGE) out = _mm512_div_ps(out, _mm512_maskz_loadu_ps(store, divisor + oh * out_w + 16 * b));
        _mm512_mask_storeu_ps(yp + oh * out_w + 16 * b, store, out);
      }
    }
  }
}

template <bool AVERAGE>
bool Pool3x3Stride2Dispatch(const float* x, float* y, int64_t planes, const Geometry3D& g, const float* divisor) {
  // Padded columns the outputs read: 2 * out_w + 1.
  switch ((2 * g.out[2] + 1 + 15) / 16) {
    case 1: return Pool3x3Stride2Planes<1, AVERAGE>(x, y, planes, g, divisor), true;
    case 2: return Pool3x3Stride2Planes<2, AVERAGE>(x, y, planes, g, divisor), true;
    case 3: return Pool3x3Stride2Planes<3, AVERAGE>(x, y, planes, g, divisor), true;
    case 4: return Pool3x3Stride2Planes<4, AVERAGE>(x, y, planes, g, divisor), true;
    case 5: return Pool3x3Stride2Planes<5, AVERAGE>(x, y, planes, g, divisor), true;
    case 6: return Pool3x3Stride2Planes<6, AVERAGE>(x, y, planes, g, divisor), true;
    case 7: return Pool3x3Stride2Planes<7, AVERAGE>(x, y, planes, g, divisor), true;
    case 8: return Pool3x3Stride2Planes<8, AVERAGE>(x, y, planes, g, divisor), true;
    default: return false;
  }
}

}  // namespace

bool PoolPlanesSeparableAvx512Handles(const Geometry3D& g) {
  const int64_t k = g.kernel[1], s = g.stride[1];
  return PoolPlaneAvx512Handles(g) && g.kernel[2] == k && g.stride[2] == s && (k == 2 || k == 3) &&
         (s == 1 || s == 2) && s <= k;
}

// `planes` planes of a geometry PoolPlanesSeparableAvx512Handles accepts.
void PoolPlanesSeparableAvx512(bool average, const float* x, float* y, int64_t planes, const Geometry3D& g,
                               const float* divisor) {
  const int key = static_cast<int>(g.kernel[1] * 10 + g.stride[1]);
  switch (key) {
    case 21: return average ? PoolPlanesSeparable<2, 1, true>(x, y, planes, g, divisor)
                            : PoolPlanesSeparable<2, 1, false>(x, y, planes, g, divisor);
    case 22: return average ? PoolPlanesSeparable<2, 2, true>(x, y, planes, g, divisor)
                            : PoolPlanesSeparable<2, 2, false>(x, y, planes, g, divisor);
    case 31: return average ? PoolPlanesSeparable<3, 1, true>(x, y, planes, g, divisor)
                            : PoolPlanesSeparable<3, 1, false>(x, y, planes, g, divisor);
    default:
      if (average ? Pool3x3Stride2Dispatch<true>(x, y, planes, g, divisor)
                  : Pool3x3Stride2Dispatch<false>(x, y, planes, g, divisor)) {
        return;
      }
      return average ? PoolPlanesSeparable<3, 2, true>(x, y, planes, g, divisor)
                     : PoolPlanesSeparable<3, 2, false>(x, y, planes, g, divisor);
  }
}

}  // namespace nn
}  // namespace ortlite
