// AVX-512 float MaxPool / AveragePool planes (2-D windows, dilation 1, horizontal stride 1 or 2):
// each output row 16 columns per vector; loads masked where the window leaves the image (those
// lanes read -inf for max, 0 for average). Stride 2 loads two vectors and keeps the even lanes.
#include <immintrin.h>

#include <algorithm>
#include <limits>

#include "providers/cpu/nn/spatial_attributes.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace nn {

namespace {

inline __mmask16 Lanes(int64_t begin, int64_t end) {
  begin = std::max<int64_t>(begin, 0);
  end = std::min<int64_t>(end, 16);
  if (end <= begin) return 0;
  return static_cast<__mmask16>(((1u << end) - 1u) & ~((1u << begin) - 1u));
}

constexpr int kMaxVectors = 64;  // output rows up to 1024 columns
constexpr int kMaxKernel = 8;

// The even lanes of lo:hi, i.e. input columns c0, c0 + 2, ... for a stride-2 window column.
inline __m512 LoadColumns(const float* src, int stride, __mmask16 lo_mask, __mmask16 hi_mask, __m512 fill) {
  const __m512 lo = _mm512_mask_loadu_ps(fill, lo_mask, src);
  if (stride == 1) return lo;
  const __m512i even = _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0);
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
      lo[b][kw] = Lanes(-c0, std::min<int64_t>(span, in_w - c0));
      hi[b][kw] = Lanes(-c0 - 16, std::min<int64_t>(span - 16, in_w - c0 - 16));
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
      const __mmask16 store = Lanes(0, out_w - b * 16);
      if (average) acc = _mm512_div_ps(acc, _mm512_maskz_loadu_ps(store, divisor + oh * out_w + b * 16));
      _mm512_mask_storeu_ps(yrow + b * 16, store, acc);
    }
  }
}

}  // namespace nn
}  // namespace ortlite
