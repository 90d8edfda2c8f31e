// AVX-512 transforms of the Winograd F(2x2, 3x3) convolution (conv_winograd.h): 16 tiles of one
// tile row per vector, or of two tile rows at most 8 tiles wide (row pitch 8). A tile's 4 input
// columns 2c - pad .. 2c - pad + 3 are the even and odd lanes of two pairs of loads; its 2 output
// columns interleave into one row of 32 values (or two rows of 16).
#include <immintrin.h>

#include <algorithm>

#include "providers/cpu/math/activation_avx512.h"
#include "providers/cpu/nn/conv_winograd.h"

namespace ortlite {
namespace nn {

using avx512::EvenLanes;
using avx512::LaneRange;
using avx512::OddLanes;

namespace {

// B^T d B of the 16 tiles in d (d[r][s]: window row r, window column s), stored as the 16
// consecutive values at dst in every V_xi (v_stride floats apart).
__attribute__((always_inline)) inline void StoreInputTiles(const __m512 (&d)[4][4], float* dst, int64_t v_stride) {
  __m512 t[4][4];
#pragma GCC unroll 4
  for (int s = 0; s < 4; ++s) {
    t[0][s] = _mm512_sub_ps(d[0][s], d[2][s]);
    t[1][s] = _mm512_add_ps(d[1][s], d[2][s]);
    t[2][s] = _mm512_sub_ps(d[2][s], d[1][s]);
    t[3][s] = _mm512_sub_ps(d[1][s], d[3][s]);
  }
#pragma GCC unroll 4
  for (int r = 0; r < 4; ++r) {
    _mm512_storeu_ps(dst + (r * 4 + 0) * v_stride, _mm512_sub_ps(t[r][0], t[r][2]));
    _mm512_storeu_ps(dst + (r * 4 + 1) * v_stride, _mm512_add_ps(t[r][1], t[r][2]));
    _mm512_storeu_ps(dst + (r * 4 + 2) * v_stride, _mm512_sub_ps(t[r][2], t[r][1]));
    _mm512_storeu_ps(dst + (r * 4 + 3) * v_stride, _mm512_sub_ps(t[r][1], t[r][3]));
  }
}

// Row pitch 8 (at most 8 tiles per row): tile rows i and i + 1 share a vector, lanes 0-7 and
// 8-15, so that small images fill the vectors. A tile row's window columns all lie in the
// first 18 input columns.
void InputTransformRowPairs(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b, float* v,
                            int64_t v_stride) {
  const int64_t in_h = g.in[1], in_w = g.in[2], pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  // Loads of input columns -pad_l.. and -pad_l + 2.. (zero outside the row).
  const __mmask16 first = LaneRange(pad_l, in_w + pad_l), second = LaneRange(pad_l - 2, in_w + pad_l - 2);
  const __m512i evens = EvenLanes(), odds = OddLanes();
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float* plane = x + ch * in_h * in_w;
    // Input row ih in lanes 0-7 of each window column, row ih + 2 in lanes 8-15.
    auto load_rows = [&](int64_t ih, __m512 (&d)[4]) __attribute__((always_inline)) {
      __m512 a[2], c[2];
      for (int h = 0; h < 2; ++h) {
        const int64_t row = ih + 2 * h;
        if (row < 0 || row >= in_h) {
          a[h] = c[h] = _mm512_setzero_ps();
          continue;
        }
        const float* src = plane + row * in_w;
        a[h] = _mm512_maskz_loadu_ps(first, src - pad_l);
        c[h] = _mm512_maskz_loadu_ps(second, src - pad_l + 2);
      }
      d[0] = _mm512_permutex2var_ps(a[0], evens, a[1]);
      d[1] = _mm512_permutex2var_ps(a[0], odds, a[1]);
      d[2] = _mm512_permutex2var_ps(c[0], evens, c[1]);
      d[3] = _mm512_permutex2var_ps(c[0], odds, c[1]);
    };
    for (int64_t i = 0; i < b.rows; i += 2) {
      const int64_t ih = 2 * (b.row0 + i) - pad_t;
      __m512 d[4][4];
#pragma GCC unroll 4
      for (int r = 0; r < 4; ++r) load_rows(ih + r, d[r]);
      StoreInputTiles(d, v + WinogradPanelOffset(channels, b.panel, ch, i * b.row_pitch), v_stride);
    }
  }
}

}  // namespace

void WinogradInputTransformAvx512(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                  float* v, int64_t v_stride) {
  if (b.row_pitch == kWinogradPairPitch) return InputTransformRowPairs(x, channels, g, b, v, v_stride);
  const int64_t in_h = g.in[1], in_w = g.in[2], pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  const __m512i evens = EvenLanes(), odds = OddLanes();
  const int64_t groups = b.row_pitch / 16;
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float* plane = x + ch * in_h * in_w;
    for (int64_t q = 0; q < groups; ++q) {
      // The four loads of a row (input columns col, col + 16, col + 2, col + 18) are masked
      // alike in every row of the group.
      const int64_t col = 32 * q - pad_l;
      const int64_t starts[4] = {col, col + 16, col + 2, col + 18};
      __mmask16 m[4];
      for (int k = 0; k < 4; ++k) m[k] = LaneRange(-starts[k], in_w - starts[k]);
      // Input row ih as the 4 window columns of the group's 16 tiles. The first group also
      // fetches the row of the next channel (the planes lie far apart, beyond what the hardware
      // prefetcher follows).
      auto load_row = [&](int64_t ih, __m512 (&d)[4]) __attribute__((always_inline)) {
        if (ih < 0 || ih >= in_h) {
          for (int s = 0; s < 4; ++s) d[s] = _mm512_setzero_ps();
          return;
        }
        if (q == 0 && ch + 1 < channels) {
          const float* next = plane + (in_h + ih) * in_w;
          for (int64_t k = 0; k < in_w; k += 16) _mm_prefetch(reinterpret_cast<const char*>(next + k), _MM_HINT_T0);
          _mm_prefetch(reinterpret_cast<const char*>(next + in_w - 1), _MM_HINT_T0);
        }
        const float* row = plane + ih * in_w + col;
        const __m512 a0 = _mm512_maskz_loadu_ps(m[0], row), a1 = _mm512_maskz_loadu_ps(m[1], row + 16);
        const __m512 b0 = _mm512_maskz_loadu_ps(m[2], row + 2), b1 = _mm512_maskz_loadu_ps(m[3], row + 18);
        d[0] = _mm512_permutex2var_ps(a0, evens, a1);
        d[1] = _mm512_permutex2var_ps(a0, odds, a1);
        d[2] = _mm512_permutex2var_ps(b0, evens, b1);
        d[3] = _mm512_permutex2var_ps(b0, odds, b1);
      };
      // Consecutive tile rows share two input rows: carry them over.
      __m512 d[4][4];
      const int64_t ih0 = 2 * b.row0 - pad_t;
      load_row(ih0, d[0]);
      load_row(ih0 + 1, d[1]);
      for (int64_t i = 0; i < b.rows; ++i) {
        load_row(ih0 + 2 * i + 2, d[2]);
        load_row(ih0 + 2 * i + 3, d[3]);
        StoreInputTiles(d, v + WinogradPanelOffset(channels, b.panel, ch, i * b.row_pitch + 16 * q), v_stride);
#pragma GCC unroll 4
        for (int s = 0; s < 4; ++s) {
          d[0][s] = d[2][s];
          d[1][s] = d[3][s];
        }
      }
    }
  }
}

void WinogradOutputTransformAvx512(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                   const WinogradBlock& b, const float* bias, const float* residual,
                                   const Activation& act, float* y) {
  const int64_t out_h = g.out[1], out_w = g.out[2], columns = b.Columns();
  const __m512i low = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const __m512i high = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
  const bool in_register = gemm_detail::KernelAppliesActivation(act.kind);
  const __m512 p0 = _mm512_set1_ps(act.alpha), p1 = _mm512_set1_ps(act.beta);
  for (int64_t ch = 0; ch < channels; ++ch) {
    const __m512 vbias = _mm512_set1_ps(bias ? bias[ch] : 0.f);
    float* plane = y + ch * out_h * out_w;
    const float* res_plane = residual ? residual + ch * out_h * out_w : nullptr;
    // 16 output values of row oh from column ow, plus bias (in even/odd), residual, activation.
    auto store = [&](__m512 r, int64_t oh, int64_t ow, __mmask16 mask) __attribute__((always_inline)) {
      if (res_plane) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, res_plane + oh * out_w + ow));
      if (in_register) r = avx512::Activate(r, act.kind, p0, p1);
      _mm512_mask_storeu_ps(plane + oh * out_w + ow, mask, r);
    };
    // With row pitch 8 a vector holds tile rows i (lanes 0-7) and i + 1 (lanes 8-15).
    const bool pairs = b.row_pitch == kWinogradPairPitch;
    for (int64_t i = 0; i < b.rows; i += pairs ? 2 : 1) {
      const int64_t oh0 = 2 * (b.row0 + i);
      for (int64_t c0 = 0; c0 < b.tiles_w; c0 += 16) {
        const float* src = m + ch * columns + i * b.row_pitch + c0;
        __m512 s[2][4];
#pragma GCC unroll 4
        for (int q = 0; q < 4; ++q) {
          const __m512 v0 = _mm512_loadu_ps(src + (0 + q) * m_stride), v1 = _mm512_loadu_ps(src + (4 + q) * m_stride);
          const __m512 v2 = _mm512_loadu_ps(src + (8 + q) * m_stride), v3 = _mm512_loadu_ps(src + (12 + q) * m_stride);
          s[0][q] = _mm512_add_ps(_mm512_add_ps(v0, v1), v2);
          s[1][q] = _mm512_sub_ps(_mm512_sub_ps(v1, v2), v3);
        }
        const int64_t ow0 = 2 * c0;
        const __mmask16 lo_mask = LaneRange(0, out_w - ow0), hi_mask = LaneRange(0, out_w - ow0 - 16);
#pragma GCC unroll 2
        for (int r = 0; r < 2; ++r) {
          const int64_t oh = oh0 + r;
          if (oh >= out_h) break;
          const __m512 even = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(s[r][0], s[r][1]), s[r][2]), vbias);
          const __m512 odd = _mm512_add_ps(_mm512_sub_ps(_mm512_sub_ps(s[r][1], s[r][2]), s[r][3]), vbias);
          // Lanes 0-7 and 8-15 of even and odd, interleaved.
          const __m512 lo = _mm512_permutex2var_ps(even, low, odd), hi = _mm512_permutex2var_ps(even, high, odd);
          store(lo, oh, ow0, lo_mask);
          if (!pairs) {
            store(hi, oh, ow0 + 16, hi_mask);
          } else if (i + 1 < b.rows && oh + 2 < out_h) {
            store(hi, oh + 2, 0, lo_mask);
          }
        }
      }
    }
    if (!in_register) {
      for (int64_t i = 0; i < b.rows; ++i) {
        const int64_t oh0 = 2 * (b.row0 + i), rows = std::min<int64_t>(2, out_h - oh0);
        ApplyActivation(act, plane + oh0 * out_w, rows * out_w);
      }
    }
  }
}

}  // namespace nn
}  // namespace ortlite
