// Winograd F(2x2, 3x3) and F(4x4, 3x3) convolutions (Lavin and Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016) for 3x3 stride-1 float convolutions with many channels:
// each T x T block of output positions (a tile, T = 2 or 4) comes from a (T + 2) x (T + 2)
// window of the input through
//   Y = A^T [ (G g G^T) (.) (B^T d B) ] A,
// so the 9 T^2 multiply-adds a tile costs per channel pair in the direct form become (T + 2)^2:
// 16 instead of 36 for T = 2, 36 instead of 144 for T = 4. The element-wise products of all
// channel pairs are (T + 2)^2 GEMMs, one per transformed position xi:
//   M_xi[M, tiles] = U_xi[M, C] x V_xi[C, tiles],
// with U (the transformed weights) packed once at session start. Tiles run in blocks whose V
// and M stay in L2 (small images whole, so that U streams once); the input transform writes V
// for a block, the GEMMs read it, and the output transform turns M into output rows, adding bias
// and residual and applying the activation.
#pragma once
#include <cstdint>
#include <vector>

#include "core/framework/thread_pool.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {

constexpr int kWinogradPositions = 16;  // transformed positions per F(2x2) tile (4 x 4)

// Transformed positions of a tile of T x T outputs.
inline int WinogradPositionsFor(int tile) { return (tile + 2) * (tile + 2); }

// U_xi = (G g G^T)[xi] for every output and input channel, packed as GEMM A operands.
struct WinogradWeights {
  int tile = 2;  // T: outputs per tile side
  int64_t out_channels = 0, in_channels = 0;
  std::vector<PackedSgemmA> u;  // (T + 2)^2 entries, each [out_channels, in_channels]
  bool Empty() const { return u.empty(); }
};

// True when the Winograd path runs this convolution on this host: AVX-512, 2-D, 3x3, stride 1,
// dilation 1, pads at most 1, one group, and enough channels for the GEMMs to pay for the
// transforms.
bool WinogradApplies(const Geometry3D& g, int64_t in_channels, int64_t out_channels, int64_t group);

// The tile size that runs a convolution WinogradApplies to fastest: 4 where the image is wide
// enough to fill the transforms' vectors with 4x4 tiles, else 2.
int WinogradTileFor(const Geometry3D& g);

// `w` is the ONNX weight tensor [M, C, 3, 3]; `tile` 2 or 4.
WinogradWeights PackWinogradWeights(const float* w, int64_t out_channels, int64_t in_channels, int tile = 2);

struct WinogradProblem {
  const float* x = nullptr;  // [batch, C, in_h, in_w]
  int64_t batch = 0;
  Geometry3D g;
  const float* bias = nullptr;      // [M] or null
  const float* residual = nullptr;  // Y's shape or null; may be y itself
  Activation activation;
  float* y = nullptr;  // [batch, M, out_h, out_w]
};

// Runs the convolution with the AVX-512 transforms, or with the scalar reference transforms when
// `reference` (tests compare the two).
void RunWinogradConv(const WinogradWeights& w, const WinogradProblem& p, ThreadPool* pool, bool reference = false);

// The row pitch of images at most 8 tiles wide: two tile rows per 16 columns (the AVX-512
// transforms put them in one vector).
constexpr int64_t kWinogradPairPitch = 8;

// A block of tiles: tile rows [row0, row0 + rows) of one image, all tiles_w tiles of each (with
// T x T tiles, tile (r, c) covers output rows T r .. T r + T - 1 and columns T c .. T c + T - 1;
// the transforms called know T). In the
// transformed operands tile (row0 + i, c) is column i * row_pitch + c (row_pitch:
// kWinogradPairPitch for at most 8 tiles, else tiles_w rounded up to 16; the columns past tiles_w
// hold values no output reads).
struct WinogradBlock {
  int64_t row0 = 0, rows = 0, tiles_w = 0, row_pitch = 0;
  int64_t panel = 32;  // columns per B panel: the GEMM micro-kernel's nr (a multiple of 16 for AVX-512)
  int64_t Columns() const { return rows * row_pitch; }
};

// Where column j of channel row `ch` lies in a V_xi of `channels` rows in panels of `panel`
// columns.
inline int64_t WinogradPanelOffset(int64_t channels, int64_t panel, int64_t ch, int64_t j) {
  return j / panel * channels * panel + ch * panel + j % panel;
}

// V_xi (kWinogradPositions of them, v_stride floats apart) for `channels` channels of x
// (channel-major planes of g.in[1] x g.in[2], zero outside), in the GEMM's B panel layout: panel
// q holds columns [q * b.panel, (q + 1) * b.panel) as `channels` rows of b.panel floats.
void WinogradInputTransformAvx512(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                  float* v, int64_t v_stride);
void WinogradInputTransformReference(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                     float* v, int64_t v_stride);
// y (channel-major planes of g.out[1] x g.out[2]) for the block's tiles from M_xi (row-major
// [channels, b.Columns()], m_stride floats apart), plus bias[ch] and the residual (y's layout;
// may be y), then the activation.
void WinogradOutputTransformAvx512(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                   const WinogradBlock& b, const float* bias, const float* residual,
                                   const Activation& act, float* y);
void WinogradOutputTransformReference(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                      const WinogradBlock& b, const float* bias, const float* residual,
                                      const Activation& act, float* y);

// The reference output transforms' store: channel ch of tile (tile_row, tile_col)'s tile x tile
// outputs `out` (row-major; those past the image's edge dropped), plus bias[ch] and the residual,
// then the activation.
void WinogradStoreTileReference(const float* out, int tile, int64_t ch, int64_t tile_row, int64_t tile_col,
                                const Geometry3D& g, const float* bias, const float* residual, const Activation& act,
                                float* y);

// The same four transforms for F(4x4, 3x3) blocks (36 V_xi and M_xi), in
// conv_winograd4.cc and conv_winograd4_avx512.cc.
void Winograd4InputTransformAvx512(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                   float* v, int64_t v_stride);
void Winograd4InputTransformReference(const float* x, int64_t channels, const Geometry3D& g, const WinogradBlock& b,
                                      float* v, int64_t v_stride);
void Winograd4OutputTransformAvx512(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                    const WinogradBlock& b, const float* bias, const float* residual,
                                    const Activation& act, float* y);
void Winograd4OutputTransformReference(const float* m, int64_t m_stride, int64_t channels, const Geometry3D& g,
                                       const WinogradBlock& b, const float* bias, const float* residual,
                                       const Activation& act, float* y);
// U_xi (36 planes of out_channels x in_channels, `plane` floats apart) of the ONNX weights `w`.
void Winograd4WeightTransform(const float* w, int64_t out_channels, int64_t in_channels, float* u, size_t plane);

}  // namespace nn
}  // namespace ortlite
