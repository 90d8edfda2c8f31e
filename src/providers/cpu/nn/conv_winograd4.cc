// Winograd F(4x4, 3x3) (conv_winograd.h): the weight transform and the scalar reference input and
// output transforms. The matrices are those of Lavin and Gray's paper, interpolating at
// 0, 1, -1, 2, -2 and infinity:
//   B^T = [[4,  0, -5,  0, 1, 0],     G = [[ 1/4,     0,    0],     A^T = [[1, 1,  1, 1,  1, 0],
//          [0, -4, -4,  1, 1, 0],          [-1/6,  -1/6, -1/6],            [0, 1, -1, 2, -2, 0],
//          [0,  4, -4, -1, 1, 0],          [-1/6,   1/6, -1/6],            [0, 1,  1, 4,  4, 0],
//          [0, -2, -1,  2, 1, 0],          [1/24, 1/12,  1/6],            [0, 1, -1, 8, -8, 1]]
//          [0,  2, -1, -2, 1, 0],          [1/24, -1/12, 1/6],
//          [0,  4,  0, -5, 0, 1]]          [   0,     0,    1]]
#include <cstdint>

#include "providers/cpu/nn/conv_winograd.h"

namespace ortlite {
namespace nn {

namespace {

// G applied to the 3 values at stride `s` of g.
void WeightColumn(const float* g, int s, float (&out)[6]) {
  const float a = g[0], b = g[s], c = g[2 * s];
  out[0] = a / 4;
  out[1] = -(a + b + c) / 6;
  out[2] = -(a - b + c) / 6;
  out[3] = a / 24 + b / 12 + c / 6;
  out[4] = a / 24 - b / 12 + c / 6;
  out[5] = c;
}

// B^T applied to the 6 values d[0], d[s], .., d[5s].
template <typename Get>
void InputColumn(Get d, float (&out)[6]) {
  out[0] = 4 * d(0) - 5 * d(2) + d(4);
  out[1] = -4 * d(1) - 4 * d(2) + d(3) + d(4);
  out[2] = 4 * d(1) - 4 * d(2) - d(3) + d(4);
  out[3] = -2 * d(1) - d(2) + 2 * d(3) + d(4);
  out[4] = 2 * d(1) - d(2) - 2 * d(3) + d(4);
  out[5] = 4 * d(1) - 5 * d(3) + d(5);
}

// A^T applied to the 6 values m(0) .. m(5).
template <typename Get>
void OutputColumn(Get m, float (&out)[4]) {
  out[0] = m(0) + m(1) + m(2) + m(3) + m(4);
  out[1] = m(1) - m(2) + 2 * m(3) - 2 * m(4);
  out[2] = m(1) + m(2) + 4 * m(3) + 4 * m(4);
  out[3] = m(1) - m(2) + 8 * m(3) - 8 * m(4) + m(5);
}

}  // namespace

void Winograd4WeightTransform(const float* w, int64_t out_channels, int64_t in_channels, float* u, size_t plane) {
  for (int64_t m = 0; m < out_channels; ++m) {
    for (int64_t c = 0; c < in_channels; ++c) {
      const float* g = w + (m * in_channels + c) * 9;
      float t[3][6];  // (G g)^T: column j of g through G
      for (int j = 0; j < 3; ++j) WeightColumn(g + j, 3, t[j]);
      for (int i = 0; i < 6; ++i) {
        const float row[3] = {t[0][i], t[1][i], t[2][i]};
        float r[6];
        WeightColumn(row, 1, r);
        for (int j = 0; j < 6; ++j) u[static_cast<size_t>(i * 6 + j) * plane + static_cast<size_t>(m * in_channels + c)] = r[j];
      }
    }
  }
}

void Winograd4InputTransformReference(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                      float* v, int64_t v_stride) {
  const int64_t in_h = g.in[1], in_w = g.in[2];
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float* plane = x + ch * in_h * in_w;
    for (int64_t i = 0; i < b.rows; ++i) {
      for (int64_t c = 0; c < b.row_pitch; ++c) {
        // The 6x6 input window of tile (row0 + i, c), zero outside the image.
        float d[6][6];
        for (int r = 0; r < 6; ++r) {
          const int64_t ih = 4 * (b.row0 + i) - g.pad_begin[1] + r;
          for (int s = 0; s < 6; ++s) {
            const int64_t iw = 4 * c - g.pad_begin[2] + s;
            d[r][s] = ih >= 0 && ih < in_h && iw >= 0 && iw < in_w ? plane[ih * in_w + iw] : 0.f;
          }
        }
        float t[6][6];  // t[s][r] = (B^T d)[r][s]
        for (int s = 0; s < 6; ++s) InputColumn([&](int r) { return d[r][s]; }, t[s]);
        const int64_t at = WinogradPanelOffset(channels, b.panel, ch, i * b.row_pitch + c);
        for (int r = 0; r < 6; ++r) {
          float row[6];
          InputColumn([&](int s) { return t[s][r]; }, row);
          for (int s = 0; s < 6; ++s) v[(r * 6 + s) * v_stride + at] = row[s];
        }
      }
    }
  }
}

void Winograd4OutputTransformReference(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                       const WinogradBlock& b, const float* bias, const float* residual,
                                       const Activation& act, float* y) {
  const int64_t columns = b.Columns();
  for (int64_t ch = 0; ch < channels; ++ch) {
    for (int64_t i = 0; i < b.rows; ++i) {
      for (int64_t c = 0; c < b.tiles_w; ++c) {
        const int64_t column = ch * columns + i * b.row_pitch + c;
        float s[6][4];  // s[q][r] = (A^T M)[r][q]
        for (int q = 0; q < 6; ++q) OutputColumn([&](int r) { return m[(r * 6 + q) * m_stride + column]; }, s[q]);
        float out[4][4];
        for (int r = 0; r < 4; ++r) OutputColumn([&](int q) { return s[q][r]; }, out[r]);
        WinogradStoreTileReference(&out[0][0], 4, ch, b.row0 + i, c, g, bias, residual, act, y);
      }
    }
  }
}

}  // namespace nn
}  // namespace ortlite
