// AVX-512 pieces of the convolution: im2col straight into GEMM panels, and the depthwise plane
// (16 output columns per vector, masked at the image borders).
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "providers/cpu/nn/spatial_attributes.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace nn {

namespace {

// Lanes [begin, end) of a 16-lane mask (empty when end <= begin).
inline __mmask16 LaneRange(int64_t begin, int64_t end) {
  begin = std::max<int64_t>(begin, 0);
  end = std::min<int64_t>(end, 16);
  if (end <= begin) return 0;
  const uint32_t upto_end = end >= 32 ? 0xffffffffu : ((1u << end) - 1u);
  const uint32_t below_begin = (1u << begin) - 1u;
  return static_cast<__mmask16>(upto_end & ~below_begin);
}

// Copies `len` (<= 32) values src[t] for t in [valid_begin, valid_end), zeros elsewhere, to d.
inline void CopyRun(const float* src, int64_t len, int64_t valid_begin, int64_t valid_end, float* d) {
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
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
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
  BuildPanelSegments(g, rows, col0, cols, nr, segments);
  ZeroPanelTail(rows, cols, nr, dst);
  const int64_t ks = g.KernelSize(), in_size = g.InSize();
  const int64_t s = g.stride[2];
  const __m512i lane = _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
  int64_t c = row0 / ks, k = row0 % ks;
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t kw = k % g.kernel[2], kh = (k / g.kernel[2]) % g.kernel[1], kd = k / (g.kernel[2] * g.kernel[1]);
    const float* plane = x + c * in_size;
    const int64_t w_offset = kw * g.dilation[2] - g.pad_begin[2];
    const int64_t h_offset = kh * g.dilation[1] - g.pad_begin[1];
    const int64_t d_offset = kd * g.dilation[0] - g.pad_begin[0];
    for (const PanelSegment& seg : segments) {
      float* d = dst + seg.dst_offset + r * nr;
      const int64_t id = seg.od * g.stride[0] + d_offset;
      const int64_t ih = seg.oh * g.stride[1] + h_offset;
      if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
        _mm512_mask_storeu_ps(d, LaneRange(0, seg.len), _mm512_setzero_ps());
        if (seg.len > 16) _mm512_mask_storeu_ps(d + 16, LaneRange(0, seg.len - 16), _mm512_setzero_ps());
        continue;
      }
      const float* src_row = plane + (id * g.in[1] + ih) * g.in[2];
      // Column t reads src_row[(ow0 + t) * s + w_offset].
      const int64_t first = seg.ow0 * s + w_offset;
      if (s == 1) {
        CopyRun(src_row + first, seg.len, -first, g.in[2] - first, d);
        continue;
      }
      if (s == 2) {
        CopyRunStride2(src_row, first, g.in[2], seg.len, d);
        continue;
      }
      int64_t b, e;
      ValidOutputRange(seg.len, s, first, g.in[2], b, e);
      for (int64_t h = 0; h < seg.len; h += 16) {
        const __mmask16 valid = LaneRange(b - h, e - h);
        const __m512i index =
            _mm512_add_epi32(_mm512_mullo_epi32(lane, _mm512_set1_epi32(static_cast<int>(s))),
                             _mm512_set1_epi32(static_cast<int>(first + h * s)));
        const __m512 v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, index, src_row, 4);
        _mm512_mask_storeu_ps(d + h, LaneRange(0, seg.len - h), v);
      }
    }
    if (++k == ks) {
      k = 0;
      ++c;
    }
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
};

// One group of NV output vectors (16 columns each, starting at vector b0) of output row `oh`.
template <int KH, int KW, int S, int NV>
inline void DepthwiseRowGroup(const float* x, int64_t in_h, int64_t in_w, int64_t ih0, int64_t pad_l, int64_t b0,
                              const __m512 (&wv)[KH][KW], __m512 vbias, const DepthwiseMasks& masks,
                              __mmask16 store_mask_last, float* yrow) {
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
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
        const float* src = xrow + (b * 16) * S + kw - pad_l;  // lane 0's input column
        __m512 in;
        if (S == 1) {
          in = _mm512_maskz_loadu_ps(masks.lo[b][kw], src);
        } else {
          const __m512 lo = _mm512_maskz_loadu_ps(masks.lo[b][kw], src);
          const __m512 hi = _mm512_maskz_loadu_ps(masks.hi[b][kw], src + 16);
          in = _mm512_permutex2var_ps(lo, even, hi);
        }
        acc[v] = _mm512_fmadd_ps(in, wv[kh][kw], acc[v]);
      }
    }
  }
#pragma GCC unroll 4
  for (int v = 0; v < NV; ++v) {
    float* out = yrow + (b0 + v) * 16;
    if (v == NV - 1) {
      _mm512_mask_storeu_ps(out, store_mask_last, acc[v]);
    } else {
      _mm512_storeu_ps(out, acc[v]);
    }
  }
}

template <int KH, int KW, int S>
void DepthwisePlane(const float* x, const float* w, float bias, float* y, const Geometry3D& g) {
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  const int64_t vectors = (out_w + 15) / 16;
  __m512 wv[KH][KW];
  for (int i = 0; i < KH; ++i)
    for (int j = 0; j < KW; ++j) wv[i][j] = _mm512_set1_ps(w[i * KW + j]);
  const __m512 vbias = _mm512_set1_ps(bias);
  DepthwiseMasks masks;
  for (int64_t b = 0; b < vectors; ++b) {
    const int64_t valid_out = std::min<int64_t>(16, out_w - b * 16);
    for (int kw = 0; kw < KW; ++kw) {
      // Lane t of the first load reads column c0 + t; of the second (stride 2) c0 + 16 + t.
      const int64_t c0 = b * 16 * S + kw - pad_l;
      const int64_t span = S == 1 ? valid_out : 2 * valid_out - 1;  // input columns the valid lanes use
      masks.lo[b][kw] = LaneRange(std::max<int64_t>(0, -c0), std::min<int64_t>(span, in_w - c0));
      masks.hi[b][kw] = LaneRange(std::max<int64_t>(0, -c0 - 16), std::min<int64_t>(span - 16, in_w - c0 - 16));
    }
  }
  const __mmask16 last_mask = LaneRange(0, out_w - (vectors - 1) * 16);
  for (int64_t od = 0; od < g.out[0]; ++od) {
    const float* xp = x + od * in_h * in_w;
    float* yp = y + od * out_h * out_w;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      float* yrow = yp + oh * out_w;
      const int64_t ih0 = oh * S - pad_t;
      int64_t b0 = 0;
      for (; b0 + 4 < vectors; b0 += 4) {
        DepthwiseRowGroup<KH, KW, S, 4>(xp, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, 0xffff, yrow);
      }
      switch (vectors - b0) {
        case 4: DepthwiseRowGroup<KH, KW, S, 4>(xp, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, yrow); break;
        case 3: DepthwiseRowGroup<KH, KW, S, 3>(xp, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, yrow); break;
        case 2: DepthwiseRowGroup<KH, KW, S, 2>(xp, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, yrow); break;
        default: DepthwiseRowGroup<KH, KW, S, 1>(xp, in_h, in_w, ih0, pad_l, b0, wv, vbias, masks, last_mask, yrow); break;
      }
    }
  }
}

}  // namespace

// 2-D depthwise plane (3x3 or 5x5, dilation 1, equal strides 1 or 2, rows up to 1024 columns):
// output rows 16 columns per vector, up to four vectors accumulated together.
bool DepthwiseConvPlaneAvx512(const float* x, const float* w, float bias, float* y, const Geometry3D& g) {
  if (g.kernel[0] != 1 || g.dilation[1] != 1 || g.dilation[2] != 1 || g.stride[1] != g.stride[2] ||
      g.kernel[1] != g.kernel[2] || g.out[2] > 16 * DepthwiseMasks::kMaxVectors) {
    return false;
  }
  const int64_t k = g.kernel[1], s = g.stride[2];
  if (k == 3 && s == 1) return DepthwisePlane<3, 3, 1>(x, w, bias, y, g), true;
  if (k == 3 && s == 2) return DepthwisePlane<3, 3, 2>(x, w, bias, y, g), true;
  if (k == 5 && s == 1) return DepthwisePlane<5, 5, 1>(x, w, bias, y, g), true;
  if (k == 5 && s == 2) return DepthwisePlane<5, 5, 2>(x, w, bias, y, g), true;
  return false;
}

}  // namespace nn
}  // namespace ortlite
