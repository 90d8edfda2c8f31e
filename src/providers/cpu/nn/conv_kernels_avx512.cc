// AVX-512 pieces of the convolution: im2col straight into GEMM panels, and the depthwise plane
// (16 output columns per vector, masked at the image borders; planes at most 8 columns wide two
// to a vector; stride-2 3x3 planes padded by one column on the left read each input row once).
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "providers/cpu/math/activation_avx512.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/nn/spatial_attributes.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace nn {

namespace {

using avx512::LaneRange;

// Copies `len` (<= 32) values src[t] for t in [valid_begin, valid_end), zeros elsewhere, to d.
inline void CopyRun(const float* src, int64_t len, int64_t valid_begin, int64_t valid_end, float* d) {
  if (valid_begin <= 0 && valid_end >= len) {
    // Inside the row: plain loads (masked loads are slower when lanes are masked off).
    _mm512_mask_storeu_ps(d, LaneRange(0, len), _mm512_loadu_ps(src));
    if (len > 16) _mm512_mask_storeu_ps(d + 16, LaneRange(0, len - 16), _mm512_loadu_ps(src + 16));
    return;
  }
  const __m512 lo = _mm512_maskz_loadu_ps(LaneRange(valid_begin, valid_end), src);
  _mm512_mask_storeu_ps(d, LaneRange(0, len), lo);
  if (len > 16) {
    const __m512 hi = _mm512_maskz_loadu_ps(LaneRange(valid_begin - 16, valid_end - 16), src + 16);
    _mm512_mask_storeu_ps(d + 16, LaneRange(0, len - 16), hi);
  }
}

// Copies the run d[t] = src[2t] for t < len (<= 32) where 0 <= first + 2t < limit (src = row +
// first), zero elsewhere: two loads and an even-lane permute per 16 outputs.
inline void CopyRunStride2(const float* row, int64_t first, int64_t limit, int64_t len, float* d) {
  const __m512i even = avx512::EvenLanes();
  for (int64_t h = 0; h < len; h += 16) {
    const int64_t start = first + 2 * h;  // input column of output lane 0 of this half
    const __m512 lo = _mm512_maskz_loadu_ps(LaneRange(-start, limit - start), row + start);
    const __m512 hi = _mm512_maskz_loadu_ps(LaneRange(-start - 16, limit - start - 16), row + start + 16);
    _mm512_mask_storeu_ps(d + h, LaneRange(0, len - h), _mm512_permutex2var_ps(lo, even, hi));
  }
}

}  // namespace

void Im2ColPanelsAvx512(const float* x, const Geometry3D& g, int64_t row0, int64_t rows, int64_t col0, int64_t cols,
                        int nr, float* dst) {
  thread_local std::vector<PanelSegment> segments;
  thread_local std::vector<int64_t> panel_begin;
  thread_local std::vector<Im2ColRow> row_info;
  BuildPanelSegments(g, col0, cols, nr, segments, panel_begin);
  BuildIm2ColRows(g, row0, rows, row_info);
  ZeroPanelTail(rows, cols, nr, dst);
  const int64_t s = g.stride[2], in_w = g.in[2];
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  const int64_t panels = static_cast<int64_t>(panel_begin.size()) - 1;
  // Panel by panel, so the writes stream through each panel (see Im2ColPanelsReference).
  for (int64_t p = 0; p < panels; ++p) {
    float* panel = dst + p * rows * nr;
    const PanelSegment* seg_begin = segments.data() + panel_begin[p];
    const PanelSegment* seg_end = segments.data() + panel_begin[p + 1];
    for (int64_t r = 0; r < rows; ++r) {
      const Im2ColRow& ri = row_info[r];
      for (const PanelSegment* seg = seg_begin; seg != seg_end; ++seg) {
        float* d = panel + r * nr + seg->lane;
        const int64_t id = seg->id0 + ri.dd, ih = seg->ih0 + ri.dh;
        if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
          _mm512_mask_storeu_ps(d, LaneRange(0, seg->len), _mm512_setzero_ps());
          if (seg->len > 16) _mm512_mask_storeu_ps(d + 16, LaneRange(0, seg->len - 16), _mm512_setzero_ps());
          continue;
        }
        const float* src_row = x + ri.plane_offset + (id * g.in[1] + ih) * in_w;
        // Column t reads src_row[first + t * s].
        const int64_t first = seg->iw0 + ri.dw;
        if (s == 1) {
          CopyRun(src_row + first, seg->len, -first, in_w - first, d);
        } else if (s == 2) {
          CopyRunStride2(src_row, first, in_w, seg->len, d);
        } else {
          int64_t b, e;
          ValidOutputRange(seg->len, s, first, in_w, b, e);
          for (int64_t h = 0; h < seg->len; h += 16) {
            const __mmask16 valid = LaneRange(b - h, e - h);
            const __m512i index =
                _mm512_add_epi32(_mm512_mullo_epi32(lane, _mm512_set1_epi32(static_cast<int>(s))),
                                 _mm512_set1_epi32(static_cast<int>(first + h * s)));
            const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, index, src_row, 4);
            _mm512_mask_storeu_ps(d + h, LaneRange(0, seg->len - h), v);
          }
        }
      }
    }
  }
}

namespace {

inline __m512 ActivateVector(__m512 v, const Activation& act) {
  switch (act.kind) {
    case ActivationKind::kRelu: return _mm512_max_ps(v, _mm512_setzero_ps());
    case ActivationKind::kClip:
      return _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(act.alpha)), _mm512_set1_ps(act.beta));
    case ActivationKind::kLeakyRelu: {
      const __mmask16 negative = _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ);
      return _mm512_mask_mul_ps(v, negative, v, _mm512_set1_ps(act.alpha));
    }
    default: return v;
  }
}

inline bool VectorActivation(const Activation& act) {
  return act.kind == ActivationKind::kNone || act.kind == ActivationKind::kRelu ||
         act.kind == ActivationKind::kClip || act.kind == ActivationKind::kLeakyRelu;
}

}  // namespace

// dst[i][t] = act(src[i][t] (+ residual[i][t])) for `rows` rows of `width` values with the given
// row strides: the narrowing copy out of a shifted-grid GEMM's wide output.
void CopyRowsAvx512(const float* src, int64_t src_stride, const float* residual, int64_t residual_stride,
                    const Activation& act, int64_t rows, int64_t width, float* dst, int64_t dst_stride) {
  const bool in_register = VectorActivation(act);
  for (int64_t i = 0; i < rows; ++i) {
    const float* s = src + i * src_stride;
    const float* res = residual ? residual + i * residual_stride : nullptr;
    float* d = dst + i * dst_stride;
    for (int64_t t = 0; t < width; t += 16) {
      const __mmask16 mask = LaneRange(0, width - t);
      __m512 v = _mm512_maskz_loadu_ps(mask, s + t);
      if (res) v = _mm512_add_ps(v, _mm512_maskz_loadu_ps(mask, res + t));
      if (in_register) v = ActivateVector(v, act);
      _mm512_mask_storeu_ps(d + t, mask, v);
    }
    if (!in_register) ApplyActivation(act, d, width);
  }
}

namespace {

// ---- depthwise ---------------------------------------------------------------------------------

// Per output-column vector b and kernel column kw: the lanes whose input column lies inside the
// row (loads outside it read zero; lanes past the output row are masked too). Stride 2 reads two
// consecutive vectors and keeps their even lanes, so it has a mask for each.
struct DepthwiseMasks {
  static constexpr int kMaxVectors = 64;  // output rows up to 1024 columns
  static constexpr int kMaxKernel = 7;
  __mmask16 lo[kMaxVectors][kMaxKernel];
  __mmask16 hi[kMaxVectors][kMaxKernel];

  // For the `vectors` output vectors of a row and kernel columns kw < KW.
  template <int KW, int S>
  void Build(const Geometry3D& g, int64_t vectors) {
    const int64_t in_w = g.in[2], out_w = g.out[2], pad_l = g.pad_begin[2];
    for (int64_t b = 0; b < vectors; ++b) {
      const int64_t valid_out = std::min<int64_t>(16, out_w - b * 16);
      for (int kw = 0; kw < KW; ++kw) {
        // Lane t of the first load reads column c0 + t; of the second (stride 2) c0 + 16 + t.
        const int64_t c0 = b * 16 * S + kw - pad_l;
        const int64_t span = S == 1 ? valid_out : 2 * valid_out - 1;  // input columns the valid lanes use
        lo[b][kw] = LaneRange(std::max<int64_t>(0, -c0), std::min<int64_t>(span, in_w - c0));
        hi[b][kw] = LaneRange(std::max<int64_t>(0, -c0 - 16), std::min<int64_t>(span - 16, in_w - c0 - 16));
      }
    }
  }
};

// The 16 input values output vector b reads for kernel column kw, src being lane 0's column;
// stride 2 takes the even lanes of two loads.
template <int S>
__attribute__((always_inline)) inline __m512 LoadDepthwiseInput(const float* src, const DepthwiseMasks& masks,
                                                                int64_t b, int kw, __m512i even) {
  if (S == 1) return _mm512_maskz_loadu_ps(masks.lo[b][kw], src);
  const __m512 lo = _mm512_maskz_loadu_ps(masks.lo[b][kw], src);
  const __m512 hi = _mm512_maskz_loadu_ps(masks.hi[b][kw], src + 16);
  return _mm512_permutex2var_ps(lo, even, hi);
}

// One group of NV output vectors (16 columns each, starting at vector b0) of output row `oh`.
template <int KH, int KW, int S, int NV>
inline void DepthwiseRowGroup(const float* x, int64_t in_h, int64_t in_w, int64_t ih0, int64_t pad_l, int64_t b0,
                              const __m512 (&wv)[KH][KW], __m512 vbias, const DepthwiseMasks& masks,
                              __mmask16 store_mask_last, const Activation& act, float* yrow) {
  const __m512i even = avx512::EvenLanes();
  __m512 acc[NV];
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) acc[v] = vbias;
#pragma GCC unroll 7
  for (int kh = 0; kh < KH; ++kh) {
    const int64_t ih = ih0 + kh;
    if (ih < 0 || ih >= in_h) continue;
    const float* xrow = x + ih * in_w;
#pragma GCC unroll 7
    for (int kw = 0; kw < KW; ++kw) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        const int64_t b = b0 + v;
        const __m512 in = LoadDepthwiseInput<S>(xrow + b * 16 * S + kw - pad_l, masks, b, kw, even);
        acc[v] = _mm512_fmadd_ps(in, wv[kh][kw], acc[v]);
      }
    }
  }
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    acc[v] = ActivateVector(acc[v], act);
    float* out = yrow + (b0 + v) * 16;
    if (v == NV - 1) {
      _mm512_mask_storeu_ps(out, store_mask_last, acc[v]);
    } else {
      _mm512_storeu_ps(out, acc[v]);
    }
  }
}

template <int KH, int KW, int S>
void DepthwisePlane(const float* x, const float* w, float bias, const Activation& act, float* y, const Geometry3D& g) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  const int64_t vectors = (out_w + 15) / 16;
  __m512 wv[KH][KW];
  for (int i = 0; i < KH; ++i)
    for (int j = 0; j < KW; ++j) wv[i][j] = _mm512_set1_ps(w[i * KW + j]);
  const __m512 vbias = _mm512_set1_ps(bias);
  DepthwiseMasks masks;
  masks.Build<KW, S>(g, vectors);
  const __mmask16 last_mask = LaneRange(0, out_w - (vectors - 1) * 16);
  for (int64_t oh = 0; oh < out_h; ++oh) {
    float* yrow = y + oh * out_w;
    const int64_t ih0 = oh * S - pad_t;
    int64_t b0 = 0;
    for (; b0 + 4 < vectors; b0 += 4) {
      DepthwiseRowGroup<KH, KW, S, 4>(x, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, 0xffff, act, yrow);
    }
    switch (vectors - b0) {
      case 4: DepthwiseRowGroup<KH, KW, S, 4>(x, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, act, yrow); break;
      case 3: DepthwiseRowGroup<KH, KW, S, 3>(x, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, act, yrow); break;
      case 2: DepthwiseRowGroup<KH, KW, S, 2>(x, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, act, yrow); break;
      default: DepthwiseRowGroup<KH, KW, S, 1>(x, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, act, yrow); break;
    }
  }
}

// 3x3 windows: a block of ROWS output rows x NV vectors. Each input row the block reads is
// loaded once per kernel column and multiplied into every output row it contributes to, so the
// ROWS * NV accumulators are independent chains (one row alone would wait on the FMA latency).
template <int S, int ROWS, int NV>
inline void Depthwise3x3Block(const float* x, int64_t in_h, int64_t in_w, int64_t ih0, int64_t pad_l, int rows,
                              int64_t b0, const __m512 (&wv)[3][3], __m512 vbias, const DepthwiseMasks& masks,
                              __mmask16 store_last, int64_t out_w, const Activation& act, float* y) {
  const __m512i even = avx512::EvenLanes();
  constexpr int kInputRows = (ROWS - 1) * S + 3;
  __m512 acc[ROWS][NV];
#pragma GCC unroll 8
  for (int r = 0; r < ROWS; ++r)
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) acc[r][v] = vbias;
#pragma GCC unroll 17
  for (int i = 0; i < kInputRows; ++i) {
    const int64_t ih = ih0 + i;
    if (ih < 0 || ih >= in_h) continue;
    const float* xrow = x + ih * in_w;
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw) {
#pragma GCC unroll 4
      for (int v = 0; v < NV; ++v) {
        const int64_t b = b0 + v;
        const __m512 in = LoadDepthwiseInput<S>(xrow + b * 16 * S + kw - pad_l, masks, b, kw, even);
#pragma GCC unroll 8
        for (int r = 0; r < ROWS; ++r) {
          const int kh = i - r * S;
          // kh is a constant once the loops are unrolled; the clamp only keeps the index in range.
          if (kh >= 0 && kh < 3 && r < rows) {
            acc[r][v] = _mm512_fmadd_ps(in, wv[kh < 0 ? 0 : kh > 2 ? 2 : kh][kw], acc[r][v]);
          }
        }
      }
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < ROWS; ++r) {
    if (r >= rows) break;
    float* yrow = y + r * out_w + b0 * 16;
#pragma GCC unroll 4
    for (int v = 0; v < NV; ++v) {
      const __m512 out = ActivateVector(acc[r][v], act);
      if (v == NV - 1) {
        _mm512_mask_storeu_ps(yrow + 16 * v, store_last, out);
      } else {
        _mm512_storeu_ps(yrow + 16 * v, out);
      }
    }
  }
}

// Rows of the plane in blocks of ROWS, for the vectors [b0, b0 + NV).
template <int S, int ROWS, int NV>
void Depthwise3x3Columns(const float* x, const Geometry3D& g, int64_t b0, const __m512 (&wv)[3][3], __m512 vbias,
                         const DepthwiseMasks& masks, __mmask16 store_last, const Activation& act, float* y) {
  const int64_t out_h = g.out[1], out_w = g.out[2];
  for (int64_t oh = 0; oh < out_h; oh += ROWS) {
    const int rows = static_cast<int>(std::min<int64_t>(ROWS, out_h - oh));
    Depthwise3x3Block<S, ROWS, NV>(x, g.in[1], g.in[2], oh * S - g.pad_begin[1], g.pad_begin[2], rows, b0, wv, vbias,
                                   masks, store_last, out_w, act, y + oh * out_w);
  }
}

// Stride 2 with one column of left padding (the downsampling layers of mobilenet_v2): output
// vector b reads input columns 32b - 1 .. 32b + 31, which two loads of a row hold. The even
// columns serve kernel column 1, the odd ones column 2, and the odd ones moved up a lane (with
// column 32b - 1 entering lane 0) column 0. Each input row is read once, in one pass down the
// plane, for the one or two output rows it feeds: loading every row three times per kernel
// column, with its masks and addresses, took twice as long.
struct Stride2Columns {
  __m512i even, odd;
  __mmask16 lo[DepthwiseMasks::kMaxVectors], hi[DepthwiseMasks::kMaxVectors];
  Stride2Columns(int64_t in_w, int64_t vectors) {
    even = avx512::EvenLanes();
    odd = avx512::OddLanes();
    for (int64_t b = 0; b < vectors; ++b) {
      lo[b] = LaneRange(0, in_w - 32 * b);
      hi[b] = LaneRange(0, in_w - 32 * b - 16);
    }
  }
};

// The three kernel-column vectors t[kw][v] of input row `row` for output vectors b0 + v.
template <int NV>
__attribute__((always_inline)) inline void Stride2Taps(const float* row, int64_t in_w, int64_t b0,
                                                       const Stride2Columns& cols, __m512 (&t)[3][NV]) {
#pragma GCC unroll 2
  for (int v = 0; v < NV; ++v) {
    const int64_t b = b0 + v;
    const float* src = row + 32 * b;
    const __m512 lo = _mm512_maskz_loadu_ps(cols.lo[b], src);
    const __m512 hi = _mm512_maskz_loadu_ps(cols.hi[b], src + 16);
    t[1][v] = _mm512_permutex2var_ps(lo, cols.even, hi);
    t[2][v] = _mm512_permutex2var_ps(lo, cols.odd, hi);
    const __m512 before = b > 0 && 32 * b - 1 < in_w ? _mm512_set1_ps(src[-1]) : _mm512_setzero_ps();
    t[0][v] = _mm512_castsi512_ps(_mm512_alignr_epi32(_mm512_castps_si512(t[2][v]), _mm512_castps_si512(before), 15));
  }
}

// Output vectors [b0, b0 + NV) of every row of a stride-2, left-pad-1 plane.
template <int NV>
void Depthwise3x3Stride2Columns(const float* x, const Geometry3D& g, int64_t b0, const Stride2Columns& cols,
                                const __m512 (&wv)[3][3], __m512 vbias, __mmask16 store_last, const Activation& act,
                                float* y) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2], pad_t = g.pad_begin[1];
  auto valid = [&](int64_t r) { return r >= 0 && r < in_h; };
  auto accumulate = [&](const __m512 (&t)[3][NV], int kh, __m512 (&acc)[NV]) __attribute__((always_inline)) {
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw)
#pragma GCC unroll 2
      for (int v = 0; v < NV; ++v) acc[v] = _mm512_fmadd_ps(t[kw][v], wv[kh][kw], acc[v]);
  };
  __m512 acc[NV], next[NV], t[3][NV];
#pragma GCC unroll 2
  for (int v = 0; v < NV; ++v) acc[v] = vbias;
  // Input row 2 * oh - pad_t + kh feeds output row oh through kernel row kh.
  if (valid(-pad_t)) {
    Stride2Taps<NV>(x - pad_t * in_w, in_w, b0, cols, t);
    accumulate(t, 0, acc);
  }
  for (int64_t oh = 0; oh < out_h; ++oh) {
    const int64_t r1 = 2 * oh - pad_t + 1, r2 = r1 + 1;
    if (valid(r1)) {
      Stride2Taps<NV>(x + r1 * in_w, in_w, b0, cols, t);
      accumulate(t, 1, acc);
    }
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) next[v] = vbias;
    if (valid(r2)) {  // also kernel row 0 of the next output row
      Stride2Taps<NV>(x + r2 * in_w, in_w, b0, cols, t);
      accumulate(t, 2, acc);
      accumulate(t, 0, next);
    }
    float* yrow = y + oh * out_w + b0 * 16;
#pragma GCC unroll 2
    for (int v = 0; v < NV; ++v) {
      const __m512 out = ActivateVector(acc[v], act);
      if (v == NV - 1) {
        _mm512_mask_storeu_ps(yrow + 16 * v, store_last, out);
      } else {
        _mm512_storeu_ps(yrow + 16 * v, out);
      }
      acc[v] = next[v];
    }
  }
}

template <int S>
void Depthwise3x3Plane(const float* x, const float* w, float bias, const Activation& act, float* y,
                       const Geometry3D& g) {
  const int64_t out_w = g.out[2];
  const int64_t vectors = (out_w + 15) / 16;
  __m512 wv[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) wv[i][j] = _mm512_set1_ps(w[i * 3 + j]);
  const __m512 vbias = _mm512_set1_ps(bias);
  const __mmask16 last = LaneRange(0, out_w - (vectors - 1) * 16);
  if (S == 2 && g.pad_begin[2] == 1) {
    const Stride2Columns cols(g.in[2], vectors);
    int64_t b0 = 0;
    for (; b0 + 2 < vectors; b0 += 2) Depthwise3x3Stride2Columns<2>(x, g, b0, cols, wv, vbias, 0xffff, act, y);
    if (vectors - b0 == 2) return Depthwise3x3Stride2Columns<2>(x, g, b0, cols, wv, vbias, last, act, y);
    return Depthwise3x3Stride2Columns<1>(x, g, b0, cols, wv, vbias, last, act, y);
  }
  DepthwiseMasks masks;
  masks.Build<3, S>(g, vectors);
  int64_t b0 = 0;
  for (; b0 + 4 < vectors; b0 += 4) Depthwise3x3Columns<S, 3, 4>(x, g, b0, wv, vbias, masks, 0xffff, act, y);
  switch (vectors - b0) {
    case 4: return Depthwise3x3Columns<S, 3, 4>(x, g, b0, wv, vbias, masks, last, act, y);
    case 3: return Depthwise3x3Columns<S, 4, 3>(x, g, b0, wv, vbias, masks, last, act, y);
    case 2: return Depthwise3x3Columns<S, 6, 2>(x, g, b0, wv, vbias, masks, last, act, y);
    default: return Depthwise3x3Columns<S, 8, 1>(x, g, b0, wv, vbias, masks, last, act, y);
  }
}

// Two planes, lanes 0-7 plane 0 and 8-15 plane 1, whose rows' columns all lie in the first 16 of
// the row (PairRowFits): kernel column kw of output column j reads column S * j + kw - pad_l of
// its plane, taken from one load of each plane's row by a permute (columns left of the row are
// padding, masked to zero). Each input row is loaded once, for the output rows it feeds (three
// at stride 1, one or two at stride 2): loading it per output row and kernel column took about
// twice as long.
template <int S>
bool PairRowFits(const Geometry3D& g) {
  return S * (g.out[2] - 1) + 2 - g.pad_begin[2] <= 15;
}

template <int S>
void Depthwise3x3PlanePairRowsOnce(const float* const (&x)[2], const __m512 (&wv)[3][3], __m512 vbias,
                                   const Activation& act, float* const (&y)[2], const Geometry3D& g) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  const __mmask16 load = LaneRange(0, in_w);
  __m512i index[3];
  __mmask16 inside[3];
  for (int kw = 0; kw < 3; ++kw) {
    alignas(64) int32_t lanes[16];
    inside[kw] = 0;
    for (int j = 0; j < 8; ++j) {
      const int64_t column = S * j + kw - pad_l;
      lanes[j] = static_cast<int32_t>(column & 15);
      lanes[8 + j] = static_cast<int32_t>(16 + (column & 15));
      if (column >= 0) inside[kw] = static_cast<__mmask16>(inside[kw] | (0x101u << j));
    }
    index[kw] = _mm512_load_si512(lanes);
  }
  auto valid = [&](int64_t r) { return r >= 0 && r < in_h; };
  // Input row r times kernel row kh[i] into acc[i], i < n.
  auto accumulate = [&](int64_t r, int n, const int (&kh)[3], __m512* (&acc)[3]) __attribute__((always_inline)) {
    const __m512 a = _mm512_maskz_loadu_ps(load, x[0] + r * in_w);
    const __m512 b = _mm512_maskz_loadu_ps(load, x[1] + r * in_w);
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw) {
      const __m512 t = _mm512_maskz_permutex2var_ps(inside[kw], a, index[kw], b);
#pragma GCC unroll 3
      for (int i = 0; i < 3; ++i) {
        if (i < n) *acc[i] = _mm512_fmadd_ps(t, wv[kh[i]][kw], *acc[i]);
      }
    }
  };
  const __mmask8 store = static_cast<__mmask8>(LaneRange(0, out_w));
  auto store_row = [&](int64_t oh, __m512 v) {
    v = ActivateVector(v, act);
    _mm256_mask_storeu_ps(y[0] + oh * out_w, store, _mm512_castps512_ps256(v));
    _mm256_mask_storeu_ps(y[1] + oh * out_w, store, _mm512_extractf32x8_ps(v, 1));
  };
  // Input row S * oh - pad_t + kh feeds output row oh through kernel row kh.
  __m512 acc0 = vbias, acc1 = vbias, acc2 = vbias;
  __m512* rows[3] = {&acc0, &acc1, &acc2};
  if (S == 2) {
    if (valid(-pad_t)) accumulate(-pad_t, 1, {0, 0, 0}, rows);
    for (int64_t oh = 0; oh < out_h; ++oh) {
      const int64_t r1 = 2 * oh - pad_t + 1, r2 = r1 + 1;
      if (valid(r1)) accumulate(r1, 1, {1, 0, 0}, rows);
      acc1 = vbias;
      if (valid(r2)) accumulate(r2, 2, {2, 0, 0}, rows);  // also kernel row 0 of the next output row
      store_row(oh, acc0);
      acc0 = acc1;
    }
    return;
  }
  if (valid(-pad_t)) accumulate(-pad_t, 1, {0, 0, 0}, rows);
  if (valid(1 - pad_t)) accumulate(1 - pad_t, 2, {1, 0, 0}, rows);
  for (int64_t oh = 0; oh < out_h; ++oh) {
    const int64_t r = oh - pad_t + 2;  // kernel row 2 of oh, 1 of oh + 1, 0 of oh + 2
    acc2 = vbias;
    if (valid(r)) accumulate(r, 3, {2, 1, 0}, rows);
    store_row(oh, acc0);
    acc0 = acc1;
    acc1 = acc2;
  }
}

// Stride-2 pairs whose last output column reads input column 16 (8 output columns, no left
// padding), beyond one load of the row: each kernel column loads 16 lanes from column kw - pad_l
// of each plane and keeps the even ones.
void Depthwise3x3Stride2PlanePairWide(const float* const (&x)[2], const __m512 (&wv)[3][3], __m512 vbias,
                                      const Activation& act, float* const (&y)[2], const Geometry3D& g) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  __mmask16 load_mask[3];
  for (int kw = 0; kw < 3; ++kw) {
    const int64_t c0 = kw - pad_l;
    load_mask[kw] = LaneRange(std::max<int64_t>(0, -c0), std::min<int64_t>(2 * out_w - 1, in_w - c0));
  }
  const __m512i evens = avx512::EvenLanes();
  const __mmask8 store_mask = static_cast<__mmask8>(LaneRange(0, out_w));
  for (int64_t oh = 0; oh < out_h; ++oh) {
    __m512 acc = vbias;
#pragma GCC unroll 3
    for (int kh = 0; kh < 3; ++kh) {
      const int64_t ih = oh * 2 - pad_t + kh;
      if (ih < 0 || ih >= in_h) continue;
      const int64_t offset = ih * in_w - pad_l;
#pragma GCC unroll 3
      for (int kw = 0; kw < 3; ++kw) {
        const __m512 in = _mm512_permutex2var_ps(_mm512_maskz_loadu_ps(load_mask[kw], x[0] + offset + kw), evens,
                                                 _mm512_maskz_loadu_ps(load_mask[kw], x[1] + offset + kw));
        acc = _mm512_fmadd_ps(in, wv[kh][kw], acc);
      }
    }
    acc = ActivateVector(acc, act);
    _mm256_mask_storeu_ps(y[0] + oh * out_w, store_mask, _mm512_castps512_ps256(acc));
    _mm256_mask_storeu_ps(y[1] + oh * out_w, store_mask, _mm512_extractf32x8_ps(acc, 1));
  }
}

}  // namespace

// 2-D depthwise plane (3x3 or 5x5, dilation 1, equal strides 1 or 2, rows up to 1024 columns):
// output rows 16 columns per vector, up to four vectors accumulated together.
// The activation is applied in registers when it is Relu, Clip or LeakyRelu (*activated = true).
bool DepthwiseConvPlaneAvx512(const float* x, const float* w, float bias, const Activation& act, float* y,
                              const Geometry3D& g, bool* activated) {
  // One depth slice: a 3-D convolution with a 1 x k x k kernel over several slices takes the plain loop.
  if (g.in[0] != 1 || g.out[0] != 1 || g.kernel[0] != 1 || g.dilation[1] != 1 || g.dilation[2] != 1 ||
      g.stride[1] != g.stride[2] || g.kernel[1] != g.kernel[2] || g.out[2] > 16 * DepthwiseMasks::kMaxVectors) {
    return false;
  }
  const Activation fused = VectorActivation(act) ? act : Activation{};
  *activated = act.kind != ActivationKind::kNone && VectorActivation(act);
  const int64_t k = g.kernel[1], s = g.stride[2];
  if (k == 3 && s == 1) return Depthwise3x3Plane<1>(x, w, bias, fused, y, g), true;
  if (k == 3 && s == 2) return Depthwise3x3Plane<2>(x, w, bias, fused, y, g), true;
  if (k == 5 && s == 1) return DepthwisePlane<5, 5, 1>(x, w, bias, fused, y, g), true;
  if (k == 5 && s == 2) return DepthwisePlane<5, 5, 2>(x, w, bias, fused, y, g), true;
  return false;
}

// True when DepthwiseConvPlanePairAvx512 computes planes of this geometry: 2-D, 3x3, dilation 1,
// equal strides 1 or 2, output rows at most 8 wide.
bool DepthwisePlanePairFitsAvx512(const Geometry3D& g) {
  return g.in[0] == 1 && g.out[0] == 1 && g.kernel[0] == 1 && g.kernel[1] == 3 && g.kernel[2] == 3 && g.dilation[1] == 1 &&
         g.dilation[2] == 1 && g.stride[1] == g.stride[2] && g.stride[2] <= 2 && g.out[2] <= 8;
}

// Two depthwise planes of a geometry DepthwisePlanePairFitsAvx512 accepts. The activation is
// applied in registers when it is Relu, Clip or LeakyRelu (*activated = true).
void DepthwiseConvPlanePairAvx512(const float* const (&x)[2], const float* const (&w)[2], const float (&bias)[2],
                                  const Activation& act, float* const (&y)[2], const Geometry3D& g,
                                  bool* activated) {
  const Activation fused = VectorActivation(act) ? act : Activation{};
  *activated = act.kind != ActivationKind::kNone && VectorActivation(act);
  // Two planes per vector, lanes 0-7 plane 0 and 8-15 plane 1: one plane per vector would leave
  // more than half of the lanes idle and pay the row loop for each plane alone.
  __m512 wv[3][3];
  for (int i = 0; i < 9; ++i) {
    wv[i / 3][i % 3] = _mm512_insertf32x8(_mm512_set1_ps(w[0][i]), _mm256_set1_ps(w[1][i]), 1);
  }
  const __m512 vbias = _mm512_insertf32x8(_mm512_set1_ps(bias[0]), _mm256_set1_ps(bias[1]), 1);
  // Stride-1 rows (at most 8 outputs) read at most 10 columns: they always fit.
  if (g.stride[2] == 1) return Depthwise3x3PlanePairRowsOnce<1>(x, wv, vbias, fused, y, g);
  if (PairRowFits<2>(g)) return Depthwise3x3PlanePairRowsOnce<2>(x, wv, vbias, fused, y, g);
  Depthwise3x3Stride2PlanePairWide(x, wv, vbias, fused, y, g);
}

}  // namespace nn
}  // namespace ortlite
