#include "providers/cpu/nn/conv_winograd.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include "providers/cpu/common/cpu_features.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {

namespace {

// Fewer input or output channels than this leave the GEMMs too short to pay for the transforms.
// From 8 up, Winograd ran 1.4 to 1.9 times as fast as the direct tiles on 56x56 images with 8 to
// 64 channels in and out (1 and 2 threads, isolated layers); squeezenet's 16 -> 64 channel 55x55
// layers 1.6 times. At 8 in and 8 out the two were level.
constexpr int64_t kMinWinogradChannels = 8;
// Smaller images are dominated by their weights, which the Winograd form makes 16/9 larger and
// which then stream from memory for few tiles: resnet50's 14x14 layers (256 channels) run 20-25 %
// faster as Winograd, its 7x7 ones (512 channels) 40 % slower; squeezenet's 13x13 ones (48 and 64
// to 192 and 256 channels) 20 % faster (per-node profiles, 1 and 2 threads).
constexpr int64_t kMinWinogradOutputPositions = 13 * 13;
// Images at least this wide run as F(4x4) tiles: 5 or more tiles per row fill the vectors of
// the transforms (two rows of up to 8 tiles, or 16 tiles of one row). Measured on resnet50
// (per-node profiles, 1 thread): its 56x56 layers 24-30 % faster than F(2x2), its 28x28 ones 4-8 %
// (equal at 2 threads); squeezenet's 27x27 ones 12-20 %. Narrower images leave too many lanes
// idle: the 14x14 layers ran 2.2 times as long.
constexpr int64_t kMinWinograd4Width = 17;
// Floats of V (and of M) per block: half a MiB each, so that both stay in L2 between the
// transforms and the GEMMs.
constexpr int64_t kBlockFloats = 128 * 1024;
// On one thread, transformed weights smaller than this (2 MiB) stay in L2 from one block to the
// next, so running the image whole would save nothing and hold V and M for all of it: squeezenet's
// 13x13 and 27x27 layers ran as fast in blocks, with a peak working set 1.4 MB smaller.
constexpr int64_t kWholeImageMinWeightFloats = 4 * kBlockFloats;

int64_t RoundUp(int64_t v, int64_t unit) { return (v + unit - 1) / unit * unit; }

// Grow-only per-thread buffers for V and M, 64-byte aligned (every V_xi and M_xi row of panels
// then starts on a cache line) and zero when first grown (the panel columns past a block's last
// tile are read, never written).
float* AlignedThreadBuffer(int which, int64_t floats) {
  thread_local std::vector<float> buffers[2];
  std::vector<float>& buffer = buffers[which];
  const size_t needed = static_cast<size_t>(floats) + 16;
  if (buffer.size() < needed) buffer.assign(needed, 0.f);
  const uintptr_t address = reinterpret_cast<uintptr_t>(buffer.data());
  return buffer.data() + (64 - address % 64) % 64 / sizeof(float);
}

}  // namespace

bool WinogradApplies(const Geometry3D& g, int64_t in_channels, int64_t out_channels, int64_t group) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  if (!avx512 || group != 1 || in_channels < kMinWinogradChannels || out_channels < kMinWinogradChannels) return false;
  if (g.kernel[0] != 1 || g.in[0] != 1 || g.kernel[1] != 3 || g.kernel[2] != 3) return false;
  for (int d = 1; d < 3; ++d) {
    if (g.stride[d] != 1 || g.dilation[d] != 1 || g.pad_begin[d] > 1 || g.pad_end[d] > 1) return false;
  }
  return g.out[1] * g.out[2] >= kMinWinogradOutputPositions;
}

int WinogradTileFor(const Geometry3D& g) {
  return g.out[2] >= kMinWinograd4Width ? 4 : 2;
}

WinogradWeights PackWinogradWeights(const float* w, int64_t out_channels, int64_t in_channels, int tile) {
  const int positions = WinogradPositionsFor(tile);
  std::vector<float> u(static_cast<size_t>(positions * out_channels * in_channels));
  const size_t plane = static_cast<size_t>(out_channels * in_channels);
  // U = G g G^T with G = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]] for F(2x2).
  if (tile == 4) Winograd4WeightTransform(w, out_channels, in_channels, u.data(), plane);
  for (int64_t m = 0; m < out_channels && tile == 2; ++m) {
    for (int64_t c = 0; c < in_channels; ++c) {
      const float* g = w + (m * in_channels + c) * 9;
      float t[4][3];  // G g
      for (int j = 0; j < 3; ++j) {
        t[0][j] = g[j];
        t[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        t[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        t[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; ++i) {
        const float r[4] = {t[i][0], 0.5f * (t[i][0] + t[i][1] + t[i][2]), 0.5f * (t[i][0] - t[i][1] + t[i][2]),
                            t[i][2]};
        for (int j = 0; j < 4; ++j) u[static_cast<size_t>(i * 4 + j) * plane + static_cast<size_t>(m * in_channels + c)] = r[j];
      }
    }
  }
  WinogradWeights pw;
  pw.tile = tile;
  pw.out_channels = out_channels;
  pw.in_channels = in_channels;
  for (int xi = 0; xi < positions; ++xi) {
    pw.u.push_back(PackSgemmA(false, out_channels, in_channels, u.data() + xi * plane, in_channels));
  }
  return pw;
}

void WinogradInputTransformReference(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                     float* v, int64_t v_stride) {
  const int64_t in_h = g.in[1], in_w = g.in[2];
  for (int64_t ch = 0; ch < channels; ++ch) {
    const float* plane = x + ch * in_h * in_w;
    for (int64_t i = 0; i < b.rows; ++i) {
      for (int64_t c = 0; c < b.row_pitch; ++c) {
        // The 4x4 input window of tile (row0 + i, c), zero outside the image.
        float d[4][4];
        for (int r = 0; r < 4; ++r) {
          const int64_t ih = 2 * (b.row0 + i) - g.pad_begin[1] + r;
          for (int s = 0; s < 4; ++s) {
            const int64_t iw = 2 * c - g.pad_begin[2] + s;
            d[r][s] = ih >= 0 && ih < in_h && iw >= 0 && iw < in_w ? plane[ih * in_w + iw] : 0.f;
          }
        }
        // B^T d B with B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]].
        float t[4][4];
        for (int s = 0; s < 4; ++s) {
          t[0][s] = d[0][s] - d[2][s];
          t[1][s] = d[1][s] + d[2][s];
          t[2][s] = d[2][s] - d[1][s];
          t[3][s] = d[1][s] - d[3][s];
        }
        const int64_t at = WinogradPanelOffset(channels, b.panel, ch, i * b.row_pitch + c);
        for (int r = 0; r < 4; ++r) {
          const float row[4] = {t[r][0] - t[r][2], t[r][1] + t[r][2], t[r][2] - t[r][1], t[r][1] - t[r][3]};
          for (int s = 0; s < 4; ++s) v[(r * 4 + s) * v_stride + at] = row[s];
        }
      }
    }
  }
}

void WinogradOutputTransformReference(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                      const WinogradBlock& b, const float* bias, const float* residual,
                                      const Activation& act, float* y) {
  const int64_t columns = b.Columns();
  for (int64_t ch = 0; ch < channels; ++ch) {
    for (int64_t i = 0; i < b.rows; ++i) {
      for (int64_t c = 0; c < b.tiles_w; ++c) {
        const int64_t column = ch * columns + i * b.row_pitch + c;
        float v[4][4];
        for (int xi = 0; xi < kWinogradPositions; ++xi) v[xi / 4][xi % 4] = m[xi * m_stride + column];
        // A^T v A with A^T = [[1, 1, 1, 0], [0, 1, -1, -1]].
        float s[2][4];
        for (int q = 0; q < 4; ++q) {
          s[0][q] = v[0][q] + v[1][q] + v[2][q];
          s[1][q] = v[1][q] - v[2][q] - v[3][q];
        }
        float out[2][2];
        for (int r = 0; r < 2; ++r) {
          out[r][0] = s[r][0] + s[r][1] + s[r][2];
          out[r][1] = s[r][1] - s[r][2] - s[r][3];
        }
        WinogradStoreTileReference(&out[0][0], 2, ch, b.row0 + i, c, g, bias, residual, act, y);
      }
    }
  }
}

void WinogradStoreTileReference(const float* out, int tile, int64_t ch, int64_t tile_row, int64_t tile_col,
                                const Geometry3D& g, const float* bias, const float* residual, const Activation& act,
                                float* y) {
  const int64_t out_h = g.out[1], out_w = g.out[2];
  for (int r = 0; r < tile; ++r) {
    const int64_t oh = tile * tile_row + r;
    for (int q = 0; q < tile && oh < out_h; ++q) {
      const int64_t ow = tile * tile_col + q;
      if (ow >= out_w) continue;
      const int64_t at = (ch * out_h + oh) * out_w + ow;
      float value = out[r * tile + q] + (bias ? bias[ch] : 0.f);
      if (residual) value += residual[at];
      y[at] = ActivationReference(act, value);
    }
  }
}

void RunWinogradConv(const WinogradWeights& w, const WinogradProblem& p, ThreadPool* pool, bool reference) {
  const Geometry3D& g = p.g;
  const int64_t channels = w.in_channels, outputs = w.out_channels;
  const int64_t in_size = g.InSize(), out_size = g.OutSize();
  const int tile = w.tile, positions = WinogradPositionsFor(tile);
  const int64_t tiles_h = (g.out[1] + tile - 1) / tile, tiles_w = (g.out[2] + tile - 1) / tile;
  const int64_t row_pitch = tiles_w <= kWinogradPairPitch ? kWinogradPairPitch : RoundUp(tiles_w, 16);
  const int threads = ThreadPool::DegreeOfParallelism(pool);
  // Tile rows per block: V and M within kBlockFloats each. A small image (resnet50's 14x14) runs
  // whole if that at most doubles them: its transformed weights, larger than the image, then
  // stream once per image instead of once per block (on one thread, only weights that would not
  // stay in L2). With several threads, at least two blocks per thread when the images allow (so
  // that threads stay balanced). A whole image shared by more threads than there are images is
  // split per thread: as F(4x4), into bands of tile rows; as F(2x2), by output channels, each
  // thread transforming the whole input.
  const int64_t row_floats = positions * std::max(channels, outputs) * row_pitch;
  const bool whole_image = tiles_h * row_floats <= 2 * kBlockFloats &&
                           (threads > 1 || positions * channels * outputs >= kWholeImageMinWeightFloats);
  const bool shared_image = whole_image && threads > 1 && p.batch < threads;
  // Each band streams all the transformed weights, where a channel split streams a share of them
  // per thread, but the F(4x4) input transform repeated on every thread costs more: resnet50's
  // 28x28 layers (128 channels) ran 1.3 times faster as bands at 2 threads (per-node profiles),
  // squeezenet's 27x27 ones (32 to 128 channels) 1.15 times. Its 14x14 F(2x2) layers gained
  // nothing from bands.
  const bool row_bands = shared_image && tile == 4 && tiles_h >= 2 * threads;
  int64_t block_rows = whole_image ? tiles_h : std::max<int64_t>(1, kBlockFloats / row_floats);
  if (row_bands) {
    block_rows = (tiles_h + threads - 1) / threads;
  } else if (threads > 1 && !whole_image) {
    const int64_t blocks_per_image = (2 * threads + p.batch - 1) / p.batch;
    block_rows = std::min(block_rows, std::max<int64_t>(1, tiles_h / blocks_per_image));
  }
  // Tile rows pair up in the vectors of row pitch 8.
  if (row_pitch == kWinogradPairPitch && block_rows < tiles_h) block_rows = std::max<int64_t>(2, block_rows / 2 * 2);
  const int64_t blocks = (tiles_h + block_rows - 1) / block_rows;
  const int64_t panel = w.u.front().Kernel().nr, mr = w.u.front().Kernel().mr;
  const int64_t max_columns = RoundUp(block_rows * row_pitch, panel);
  // Output channel parts: whole GEMM row panels.
  const int64_t parts = shared_image && !row_bands ? std::min<int64_t>(threads, (outputs + mr - 1) / mr) : 1;
  auto part_begin = [&](int64_t part) { return std::min(outputs, (outputs + mr - 1) / mr * part / parts * mr); };
  // Each thread's M holds the rows of the largest part.
  int64_t part_rows = 0;
  for (int64_t part = 0; part < parts; ++part) part_rows = std::max(part_rows, part_begin(part + 1) - part_begin(part));
  const double item_cost =
      static_cast<double>(positions * channels * outputs * max_columns) / 32.0 / static_cast<double>(parts);
  const auto input_transform = tile == 4 ? (reference ? Winograd4InputTransformReference : Winograd4InputTransformAvx512)
                                         : (reference ? WinogradInputTransformReference : WinogradInputTransformAvx512);
  const auto output_transform = tile == 4
                                    ? (reference ? Winograd4OutputTransformReference : Winograd4OutputTransformAvx512)
                                    : (reference ? WinogradOutputTransformReference : WinogradOutputTransformAvx512);

  ThreadPool::ParallelForParts(pool, p.batch * blocks * parts, item_cost, [&](int64_t begin, int64_t end) {
    // One cache line more than the planes need: strides that are multiples of 4 KiB would put
    // the lines a transform step touches (one per xi) into the same L1 set.
    const int64_t v_stride = channels * max_columns + 16, m_stride = part_rows * max_columns + 16;
    float* const v = AlignedThreadBuffer(0, positions * v_stride);
    float* const m = AlignedThreadBuffer(1, positions * m_stride);
    for (int64_t item = begin; item < end; ++item) {
      const int64_t n = item / (blocks * parts), first_row = item / parts % blocks * block_rows;
      const int64_t m0 = part_begin(item % parts), m1 = part_begin(item % parts + 1);
      WinogradBlock b;
      b.row0 = first_row;
      b.rows = std::min(block_rows, tiles_h - first_row);
      b.tiles_w = tiles_w;
      b.row_pitch = row_pitch;
      b.panel = panel;
      const int64_t columns = b.Columns();
      input_transform(p.x + n * channels * in_size, channels, g, b, v, v_stride);
      for (int xi = 0; xi < positions; ++xi) {
        SgemmWithPackedABRows(w.u[static_cast<size_t>(xi)], m0, m1, columns, v + xi * v_stride, m + xi * m_stride,
                              columns);
      }
      // M holds rows m0..m1 of the product: channels m0..m1 of y.
      const int64_t y_offset = (n * outputs + m0) * out_size;
      const float* bias = p.bias ? p.bias + m0 : nullptr;
      const float* residual = p.residual ? p.residual + y_offset : nullptr;
      output_transform(m, m_stride, m1 - m0, g, b, bias, residual, p.activation, p.y + y_offset);
    }
  });
}

}  // namespace nn
}  // namespace ortlite
