// AVX-512 transforms of the Winograd F(4x4, 3x3) convolution (conv_winograd.h, matrices in
// conv_winograd4.cc): 16 tiles per vector, either 16 of one tile row (row pitch 16) or 8 of two
// tile rows (row pitch 8). Lanes 0-7 and lanes 8-15 each read 32 consecutive input columns (of
// one row, or of the two rows' input rows): window column s of tile lane c is column 4 (c % 8) + s
// of its half, picked from two loads by one permute; columns 4 and 5 come from loads 4 columns
// further on. The output transform interleaves the 4 output columns of each tile back into rows.
#include <immintrin.h>

#include <algorithm>

#include "providers/cpu/math/activation_avx512.h"
#include "providers/cpu/nn/conv_winograd.h"

namespace ortlite {
namespace nn {

using avx512::LaneRange;

namespace {

// Lane c picks element 4 (c % 8) + s of a pair of vectors (s = 0..3).
inline __m512i WindowColumn(int s) {
  return _mm512_add_epi32(_mm512_set_epi32(28, 24, 20, 16, 12, 8, 4, 0, 28, 24, 20, 16, 12, 8, 4, 0),
                          _mm512_set1_epi32(s));
}

// Where one half of the vector (8 tiles) reads an input row: `src` points at the input column of
// its first tile's window column 0 (may lie left of the row: masked), zero when the row is outside
// the image.
struct HalfRow {
  const float* src = nullptr;  // null: outside the image
  __mmask16 mask[4];           // loads at src, src + 16, src + 4, src + 20
};

HalfRow MakeHalfRow(const float* row, int64_t col, int64_t in_w) {
  HalfRow h;
  h.src = row + col;
  const int64_t starts[4] = {col, col + 16, col + 4, col + 20};
  for (int k = 0; k < 4; ++k) h.mask[k] = LaneRange(-starts[k], in_w - starts[k]);
  return h;
}

// The 6 window columns d[0..5] of one input row for the 16 tiles (lanes 0-7 from `lo`, 8-15
// from `hi`).
__attribute__((always_inline)) inline void LoadWindowRow(const HalfRow& lo, const HalfRow& hi, const __m512i (&idx)[4],
                                                         __m512 (&d)[6]) {
  __m512 l[4], h[4];
  for (int k = 0; k < 4; ++k) {
    static constexpr int kOffset[4] = {0, 16, 4, 20};
    l[k] = lo.src ? _mm512_maskz_loadu_ps(lo.mask[k], lo.src + kOffset[k]) : _mm512_setzero_ps();
    h[k] = hi.src ? _mm512_maskz_loadu_ps(hi.mask[k], hi.src + kOffset[k]) : _mm512_setzero_ps();
  }
#pragma GCC unroll 6
  for (int s = 0; s < 6; ++s) {
    const int pair = s < 4 ? 0 : 2;
    const __m512i& i = idx[s < 4 ? s : s - 4];
    d[s] = _mm512_mask_blend_ps(0xff00, _mm512_permutex2var_ps(l[pair], i, l[pair + 1]),
                                _mm512_permutex2var_ps(h[pair], i, h[pair + 1]));
  }
}

// B^T applied to 6 vectors.
__attribute__((always_inline)) inline void InputColumn(const __m512 (&d)[6], __m512 (&out)[6]) {
  const __m512 four = _mm512_set1_ps(4.f), five = _mm512_set1_ps(5.f), two = _mm512_set1_ps(2.f);
  // out0 = 4 d0 - 5 d2 + d4; out5 = 4 d1 - 5 d3 + d5
  out[0] = _mm512_fmadd_ps(four, d[0], _mm512_fnmadd_ps(five, d[2], d[4]));
  out[5] = _mm512_fmadd_ps(four, d[1], _mm512_fnmadd_ps(five, d[3], d[5]));
  // out1,2 = d4 - 4 d2 -/+ (4 d1 - d3)
  const __m512 a = _mm512_fnmadd_ps(four, d[2], d[4]), b = _mm512_fmsub_ps(four, d[1], d[3]);
  out[1] = _mm512_sub_ps(a, b);
  out[2] = _mm512_add_ps(a, b);
  // out3,4 = d4 - d2 -/+ 2 (d1 - d3)
  const __m512 c = _mm512_sub_ps(d[4], d[2]), e = _mm512_mul_ps(two, _mm512_sub_ps(d[1], d[3]));
  out[3] = _mm512_sub_ps(c, e);
  out[4] = _mm512_add_ps(c, e);
}

// A^T applied to 6 vectors.
__attribute__((always_inline)) inline void OutputColumn(__m512 m0, __m512 m1, __m512 m2, __m512 m3, __m512 m4,
                                                        __m512 m5, __m512 (&out)[4]) {
  const __m512 two = _mm512_set1_ps(2.f), four = _mm512_set1_ps(4.f), eight = _mm512_set1_ps(8.f);
  const __m512 p12 = _mm512_add_ps(m1, m2), n12 = _mm512_sub_ps(m1, m2);
  const __m512 p34 = _mm512_add_ps(m3, m4), n34 = _mm512_sub_ps(m3, m4);
  out[0] = _mm512_add_ps(_mm512_add_ps(m0, p12), p34);
  out[1] = _mm512_fmadd_ps(two, n34, n12);
  out[2] = _mm512_fmadd_ps(four, p34, p12);
  out[3] = _mm512_add_ps(_mm512_fmadd_ps(eight, n34, n12), m5);
}

}  // namespace

void Winograd4InputTransformAvx512(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                   float* v, int64_t v_stride) {
  const int64_t in_h = g.in[1], in_w = g.in[2], pad_t = g.pad_begin[1], pad_l = g.pad_begin[2];
  const bool pairs = b.row_pitch == kWinogradPairPitch;
  const __m512i idx[4] = {WindowColumn(0), WindowColumn(1), WindowColumn(2), WindowColumn(3)};
  // Vectors of 16 tiles: per tile row pair with row pitch 8, else per 16 tiles of a row.
  const int64_t groups = pairs ? 1 : b.row_pitch / 16;
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float* plane = x + ch * in_h * in_w;
    auto half_row = [&](int64_t ih, int64_t col) {
      return ih < 0 || ih >= in_h ? HalfRow{} : MakeHalfRow(plane + ih * in_w, col, in_w);
    };
    for (int64_t i = 0; i < b.rows; i += pairs ? 2 : 1) {
      const int64_t ih0 = 4 * (b.row0 + i) - pad_t;
      for (int64_t q = 0; q < groups; ++q) {
        __m512 t[6][6];  // t[s][r]: B^T over the window rows, per window column s
        __m512 d[6][6];
#pragma GCC unroll 6
        for (int r = 0; r < 6; ++r) {
          HalfRow lo, hi;
          if (pairs) {
            lo = half_row(ih0 + r, -pad_l);
            // The second tile row of the pair (absent past the block: zeros, never read).
            hi = i + 1 < b.rows ? half_row(ih0 + 4 + r, -pad_l) : HalfRow{};
          } else {
            lo = half_row(ih0 + r, 64 * q - pad_l);
            hi = half_row(ih0 + r, 64 * q + 32 - pad_l);
          }
          LoadWindowRow(lo, hi, idx, d[r]);
        }
#pragma GCC unroll 6
        for (int s = 0; s < 6; ++s) {
          const __m512 col[6] = {d[0][s], d[1][s], d[2][s], d[3][s], d[4][s], d[5][s]};
          InputColumn(col, t[s]);
        }
        float* dst = v + WinogradPanelOffset(channels, b.panel, ch, i * b.row_pitch + 16 * q);
#pragma GCC unroll 6
        for (int r = 0; r < 6; ++r) {
          const __m512 row[6] = {t[0][r], t[1][r], t[2][r], t[3][r], t[4][r], t[5][r]};
          __m512 out[6];
          InputColumn(row, out);
#pragma GCC unroll 6
          for (int s = 0; s < 6; ++s) _mm512_storeu_ps(dst + (r * 6 + s) * v_stride, out[s]);
        }
      }
    }
  }
}

void Winograd4OutputTransformAvx512(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                    const WinogradBlock& b, const float* bias, const float* residual,
                                    const Activation& act, float* y) {
  const int64_t out_h = g.out[1], out_w = g.out[2], columns = b.Columns();
  const bool pairs = b.row_pitch == kWinogradPairPitch;
  const int64_t groups = pairs ? 1 : (b.tiles_w + 15) / 16;
  // Interleaving a, b (then ab, cd) lane by lane: pairs of 32-bit lanes, then of 64-bit lanes.
  const __m512i zip_lo = _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0);
  const __m512i zip_hi = _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8);
  const __m512i zip2_lo = _mm512_set_epi32(23, 22, 7, 6, 21, 20, 5, 4, 19, 18, 3, 2, 17, 16, 1, 0);
  const __m512i zip2_hi = _mm512_set_epi32(31, 30, 15, 14, 29, 28, 13, 12, 27, 26, 11, 10, 25, 24, 9, 8);
  const bool in_register = gemm_detail::KernelAppliesActivation(act.kind);
  const __m512 p0 = _mm512_set1_ps(act.alpha), p1 = _mm512_set1_ps(act.beta);
  for (int64_t ch = 0; ch < channels; ++ch) {
    const __m512 vbias = _mm512_set1_ps(bias ? bias[ch] : 0.f);
    float* plane = y + ch * out_h * out_w;
    const float* res_plane = residual ? residual + ch * out_h * out_w : nullptr;
    // 16 output values of row oh from column ow (masked to the row), plus residual, activation.
    auto store = [&](__m512 r, int64_t oh, int64_t ow) __attribute__((always_inline)) {
      if (oh >= out_h || ow >= out_w) return;
      const __mmask16 mask = LaneRange(0, out_w - ow);
      if (res_plane) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask, res_plane + oh * out_w + ow));
      if (in_register) r = avx512::Activate(r, act.kind, p0, p1);
      _mm512_mask_storeu_ps(plane + oh * out_w + ow, mask, r);
    };
    for (int64_t i = 0; i < b.rows; i += pairs ? 2 : 1) {
      const int64_t oh0 = 4 * (b.row0 + i);
      const bool second_row = pairs && i + 1 < b.rows;
      for (int64_t q = 0; q < groups; ++q) {
        const float* src = m + ch * columns + i * b.row_pitch + 16 * q;
        __m512 s[6][4];  // s[c][r]: A^T over the 6 transformed rows, per transformed column c
#pragma GCC unroll 6
        for (int c = 0; c < 6; ++c) {
          OutputColumn(_mm512_loadu_ps(src + (0 + c) * m_stride), _mm512_loadu_ps(src + (6 + c) * m_stride),
                       _mm512_loadu_ps(src + (12 + c) * m_stride), _mm512_loadu_ps(src + (18 + c) * m_stride),
                       _mm512_loadu_ps(src + (24 + c) * m_stride), _mm512_loadu_ps(src + (30 + c) * m_stride), s[c]);
        }
#pragma GCC unroll 4
        for (int r = 0; r < 4; ++r) {
          __m512 o[4];
          OutputColumn(s[0][r], s[1][r], s[2][r], s[3][r], s[4][r], s[5][r], o);
          for (int k = 0; k < 4; ++k) o[k] = _mm512_add_ps(o[k], vbias);
          // Tile lane c's 4 columns: lanes 4c .. 4c + 3 of the interleaved vectors.
          const __m512 ab_lo = _mm512_permutex2var_ps(o[0], zip_lo, o[1]), ab_hi = _mm512_permutex2var_ps(o[0], zip_hi, o[1]);
          const __m512 cd_lo = _mm512_permutex2var_ps(o[2], zip_lo, o[3]), cd_hi = _mm512_permutex2var_ps(o[2], zip_hi, o[3]);
          const __m512 tiles0_3 = _mm512_permutex2var_ps(ab_lo, zip2_lo, cd_lo);
          const __m512 tiles4_7 = _mm512_permutex2var_ps(ab_lo, zip2_hi, cd_lo);
          const __m512 tiles8_11 = _mm512_permutex2var_ps(ab_hi, zip2_lo, cd_hi);
          const __m512 tiles12_15 = _mm512_permutex2var_ps(ab_hi, zip2_hi, cd_hi);
          const int64_t oh = oh0 + r;
          if (pairs) {
            store(tiles0_3, oh, 0);
            store(tiles4_7, oh, 16);
            if (second_row) {
              store(tiles8_11, oh + 4, 0);
              store(tiles12_15, oh + 4, 16);
            }
          } else {
            const int64_t ow = 64 * q;
            store(tiles0_3, oh, ow);
            store(tiles4_7, oh, ow + 16);
            store(tiles8_11, oh, ow + 32);
            store(tiles12_15, oh, ow + 48);
          }
        }
      }
    }
    if (!in_register) {
      for (int64_t i = 0; i < b.rows; ++i) {
        const int64_t oh0 = 4 * (b.row0 + i), rows = std::min<int64_t>(4, out_h - oh0);
        if (rows > 0) ApplyActivation(act, plane + oh0 * out_w, rows * out_w);
      }
    }
  }
}

}  // namespace nn
}  // namespace ortlite
