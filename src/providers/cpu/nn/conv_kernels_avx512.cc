// AVX-512 pieces of the convolution: im2col straight into GEMM panels, and the depthwise plane
// (16 output columns per vector, masked at the image borders).
#include <immintrin.h>

#include <algorithm>
#include <vector>

#include "providers/cpu/nn/spatial_attributes.h"

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
    for (const PanelSegment& seg : segments) {
      float* d = dst + seg.dst_offset + r * nr;
      const int64_t id = seg.od * g.stride[0] - g.pad_begin[0] + kd * g.dilation[0];
      const int64_t ih = seg.oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
      if (id < 0 || id >= g.in[0] || ih < 0 || ih >= g.in[1]) {
        _mm512_mask_storeu_ps(d, LaneRange(0, seg.len), _mm512_setzero_ps());
        if (seg.len > 16) _mm512_mask_storeu_ps(d + 16, LaneRange(0, seg.len - 16), _mm512_setzero_ps());
        continue;
      }
      const float* src_row = plane + (id * g.in[1] + ih) * g.in[2];
      // Column t reads src_row[(ow0 + t) * s + w_offset].
      const int64_t first = seg.ow0 * s + w_offset;
      int64_t b, e;
      ValidOutputRange(seg.len, s, first, g.in[2], b, e);
      if (s == 1) {
        CopyRun(src_row + first, seg.len, b, e, d);
        continue;
      }
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

// 2-D depthwise plane, dilation 1, stride 1 or 2: for each output row, 16 columns at a time,
// y = bias + sum over the kernel window, loads masked where the window leaves the image.
bool DepthwiseConvPlaneAvx512(const float* x, const float* w, float bias, float* y, const Geometry3D& g) {
  if (g.kernel[0] != 1 || g.dilation[1] != 1 || g.dilation[2] != 1 || g.stride[1] != g.stride[2] ||
      (g.stride[2] != 1 && g.stride[2] != 2) || g.kernel[1] > 7 || g.kernel[2] > 7) {
    return false;
  }
  const int64_t s = g.stride[2];
  const int64_t in_h = g.in[1], in_w = g.in[2], out_h = g.out[1], out_w = g.out[2];
  const int64_t kh_n = g.kernel[1], kw_n = g.kernel[2];
  const int64_t pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  __m512 wv[7][7];
  for (int64_t i = 0; i < kh_n; ++i)
    for (int64_t j = 0; j < kw_n; ++j) wv[i][j] = _mm512_set1_ps(w[i * kw_n + j]);
  const __m512 vbias = _mm512_set1_ps(bias);
  // Even lanes of two 16-lane vectors: the stride-2 columns.
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
  for (int64_t od = 0; od < g.out[0]; ++od) {
    const float* xp = x + od * in_h * in_w;
    float* yp = y + od * out_h * out_w;
    for (int64_t oh = 0; oh < out_h; ++oh) {
      float* yrow = yp + oh * out_w;
      const int64_t ih0 = oh * s - pad_t;
      const int64_t kh_begin = std::max<int64_t>(0, -ih0), kh_end = std::min<int64_t>(kh_n, in_h - ih0);
      for (int64_t ow = 0; ow < out_w; ow += 16) {
        const __mmask16 out_mask = LaneRange(0, out_w - ow);
        __m512 acc = vbias;
        const int64_t iw0 = ow * s - pad_l;  // input column of lane 0, kernel column 0
        // Whole vectors inside the row for every kernel column: no masks needed.
        const bool interior = iw0 >= 0 && iw0 + (s == 1 ? 15 : 31) + kw_n - 1 < in_w;
        for (int64_t kh = kh_begin; kh < kh_end; ++kh) {
          const float* xrow = xp + (ih0 + kh) * in_w;
          for (int64_t kw = 0; kw < kw_n; ++kw) {
            const int64_t iw = iw0 + kw;
            __m512 v;
            if (s == 1) {
              v = interior ? _mm512_loadu_ps(xrow + iw) : _mm512_maskz_loadu_ps(LaneRange(-iw, in_w - iw), xrow + iw);
            } else {
              // Lane t reads xrow[iw + 2t]: lanes of two consecutive 16-value loads.
              __m512 lo, hi;
              if (interior) {
                lo = _mm512_loadu_ps(xrow + iw);
                hi = _mm512_loadu_ps(xrow + iw + 16);
              } else {
                lo = _mm512_maskz_loadu_ps(LaneRange(-iw, in_w - iw), xrow + iw);
                hi = _mm512_maskz_loadu_ps(LaneRange(-iw - 16, in_w - iw - 16), xrow + iw + 16);
              }
              v = _mm512_permutex2var_ps(lo, even, hi);
            }
            acc = _mm512_fmadd_ps(v, wv[kh][kw], acc);
          }
        }
        _mm512_mask_storeu_ps(yrow + ow, out_mask, acc);
      }
    }
  }
  return true;
}

}  // namespace nn
}  // namespace ortlite
