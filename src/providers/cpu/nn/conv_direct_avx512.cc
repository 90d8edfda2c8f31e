// AVX-512 pieces of the direct convolution (see conv_direct.h):
//  - position tiles: R positions x 16 * NB channels in R * NB accumulators (R <= 14, NB <= 2: at
//    most 28 of the 32 zmm registers), transposed into the output rows at the end;
//  - channel tiles: 8 channels x up to 3 vectors of 16 positions, stored as they are;
//  - the zero-padded (for stride-2 channel tiles, also column-split) and the subsampled copies of
//    the input they read.
#include <immintrin.h>

#include <algorithm>
#include <array>
#include <utility>

#include "providers/cpu/math/activation_avx512.h"
#include "providers/cpu/nn/conv_direct.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace nn {

namespace {

// Weights are read once per tile and stream from L2: fetch this many k steps ahead into L1.
constexpr int kWeightStepsAhead = 16;
// The first tile of a block reads its weights from memory (a layer's weights are evicted by the
// rest of the network), where the hardware prefetcher stops at every 4 KiB page. Fetching into
// L2 this many steps ahead (24 KiB with 32-channel blocks) hides that latency; for later tiles the
// fetch hits L2. Measured on resnet50 at 1 thread: the layers whose weights outweigh their images
// 5-11 % faster, the whole model 3-6 %; 48 and 96 steps gained less, 384 nothing, and an L3 hint
// lost.
constexpr int kWeightStepsAheadL2 = 192;
// Input lines a tile reads next (the following tile of the row starts R * stride floats on).
// The rows of the coming k steps are fetched too: channel rows lie 4 KiB or more apart in large
// images, beyond what the hardware's stride prefetcher follows.
constexpr int kInputFloatsAhead = 32;

using avx512::Activate;
using avx512::FirstLanes;

// On return r[c] lane j holds what r[j] lane c held.
__attribute__((always_inline)) inline void Transpose16(__m512 (&r)[16]) {
  __m512 t[16];
#pragma GCC unroll 8
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
#pragma GCC unroll 4
  for (int i = 0; i < 16; i += 4) {
    const __m512d a = _mm512_castps_pd(t[i]), b = _mm512_castps_pd(t[i + 1]);
    const __m512d c = _mm512_castps_pd(t[i + 2]), d = _mm512_castps_pd(t[i + 3]);
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  // r[4q + j] now holds, in 128-bit lane L, rows 4q..4q+3 of column 4L + j.
#pragma GCC unroll 4
  for (int j = 0; j < 4; ++j) {
    const __m512 lo01 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0x44);
    const __m512 lo23 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0x44);
    const __m512 hi01 = _mm512_shuffle_f32x4(r[j], r[4 + j], 0xee);
    const __m512 hi23 = _mm512_shuffle_f32x4(r[8 + j], r[12 + j], 0xee);
    t[j] = _mm512_shuffle_f32x4(lo01, lo23, 0x88);
    t[4 + j] = _mm512_shuffle_f32x4(lo01, lo23, 0xdd);
    t[8 + j] = _mm512_shuffle_f32x4(hi01, hi23, 0x88);
    t[12 + j] = _mm512_shuffle_f32x4(hi01, hi23, 0xdd);
  }
#pragma GCC unroll 16
  for (int i = 0; i < 16; ++i) r[i] = t[i];
}

// The output rows (and residual rows) of a tile are touched only at its end, scattered over as
// many channel rows as it has channels: more streams than the hardware prefetcher follows. Fetch
// every line of the next tile's rows now, so they arrive while this tile computes.
inline void PrefetchTileRows(const DirectConvTile& t) {
  if (!t.next_y) return;
  const int last = t.next_positions - 1;
  for (int c = 0; c < t.next_channels; ++c) {
    const float* y = t.next_y + c * t.channel_stride;
    for (int j = 0; j < last; j += 16) __builtin_prefetch(y + j, 1, 3);
    __builtin_prefetch(y + last, 1, 3);
    if (t.next_residual) {
      const float* r = t.next_residual + c * t.channel_stride;
      for (int j = 0; j < last; j += 16) _mm_prefetch(reinterpret_cast<const char*>(r + j), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r + last), _MM_HINT_T0);
    }
  }
}

// The packed weights kWeightStepsAhead k steps on into L1 and kWeightStepsAheadL2 into L2 (NB
// vectors per step).
template <int NB>
__attribute__((always_inline)) inline void PrefetchWeights(const float* w) {
#pragma GCC unroll 2
  for (int v = 0; v < NB; ++v) {
    _mm_prefetch(reinterpret_cast<const char*>(w + kWeightStepsAhead * 16 * NB + 16 * v), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(w + kWeightStepsAheadL2 * 16 * NB + 16 * v), _MM_HINT_T1);
  }
}

// The accumulators start at the bias (a vector of 16 channels); the output rows of the next
// tile start on their way.
template <int R, int NB>
__attribute__((always_inline)) inline void StartTile(const DirectConvTile& t, __m512 (&acc)[R][NB]) {
#pragma GCC unroll 2
  for (int v = 0; v < NB; ++v) {
    const int count = std::min(16, t.channels - 16 * v);
    const __m512 bias = t.bias && count > 0 ? _mm512_maskz_loadu_ps(FirstLanes(count), t.bias + 16 * v)
                                            : _mm512_setzero_ps();
#pragma GCC unroll 14
    for (int j = 0; j < R; ++j) acc[j][v] = bias;
  }
  PrefetchTileRows(t);
}

// Transposes the accumulators into the tile's output rows, adding the residual and applying
// the activation on the way.
template <int R, int NB>
__attribute__((always_inline)) inline void StoreTile(const DirectConvTile& t, __m512 (&acc)[R][NB]) {
  const Activation& act = *t.activation;
  const bool in_register = gemm_detail::KernelAppliesActivation(act.kind);
  // With a residual the activation comes after it is added, in the transposed layout.
  const ActivationKind early = t.residual || !in_register ? ActivationKind::kNone : act.kind;
  const ActivationKind late = t.residual && in_register ? act.kind : ActivationKind::kNone;
  const __m512 p0 = _mm512_set1_ps(act.alpha), p1 = _mm512_set1_ps(act.beta);
  const __mmask16 store = FirstLanes(R);
#pragma GCC unroll 2
  for (int v = 0; v < NB; ++v) {
    const int first = 16 * v;
    const int count = std::min(16, t.channels - first);
    if (count <= 0) break;
    __m512 r[16];
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) r[j] = j < R ? Activate(acc[j][v], early, p0, p1) : _mm512_setzero_ps();
    Transpose16(r);
    float* y = t.y + first * t.channel_stride;
    const float* res = t.residual ? t.residual + first * t.channel_stride : nullptr;
#pragma GCC unroll 16
    for (int c = 0; c < 16; ++c) {
      if (c < count) {
        __m512 out = r[c];
        if (res) {
          out = Activate(_mm512_add_ps(out, _mm512_maskz_loadu_ps(store, res + c * t.channel_stride)), late, p0, p1);
        }
        _mm512_mask_storeu_ps(y + c * t.channel_stride, store, out);
      }
    }
  }
  if (!in_register) {
    for (int c = 0; c < t.channels; ++c) ApplyActivation(act, t.y + c * t.channel_stride, R);
  }
}

// A tile's store reads its residual rows and writes its output rows, one short piece in each of
// as many channel rows as it has channels (in place when the residual is the output): too many
// streams for the hardware prefetcher, and lines the previous tile's fetch (PrefetchTileRows)
// may have lost from L1 by then. So the last steps of the k loop each fetch one of those lines.
// Measured on resnet50 at 1 thread: the 1x1 expansions with a residual 3-7 % faster, the whole
// model 1.5 %. Position tiles fetch in their very last steps (a 14-position tile's step takes
// about 14 cycles; fetching 16 steps earlier measured 1-3 % slower on their layers); channel
// tiles, whose groups of 8 channels each have a short k loop, fetch a group's lines (up to 24)
// so that the last goes out 24 steps before its loop ends.

// The k step at which the first of `lines` such fetches goes out, `lead` steps before the end.
inline int64_t OwnLinesBegin(int64_t k, int64_t lines, int64_t lead) {
  return std::max<int64_t>(0, k - lines - lead);
}

// Line i (< 2 * t.channels) of a position tile's rows: the first or last position of channel
// i / 2 (a tile's positions are consecutive in every channel row).
__attribute__((always_inline)) inline void PrefetchOwnLine(const DirectConvTile& t, int64_t i, int R) {
  const float* base = t.residual ? t.residual : t.y;
  __builtin_prefetch(base + (i >> 1) * t.channel_stride + (i & 1) * (R - 1), 1, 3);
}

// Runs step(p) for every k step, fetching line i of the tile's rows (fetch(i), i < lines) at
// the steps OwnLinesBegin gives.
template <typename Step, typename Fetch>
__attribute__((always_inline)) inline void RunSteps(int64_t k, int64_t lines, int64_t lead, Step&& step,
                                                     Fetch&& fetch) {
  int64_t p = 0;
  for (const int64_t begin = OwnLinesBegin(k, lines, lead); p < begin; ++p) step(p);
  for (int64_t i = 0; i < lines && p < k; ++p, ++i) {
    fetch(i);
    step(p);
  }
  for (; p < k; ++p) step(p);
}

template <int R, int NB, int S>
void PositionTile(const DirectConvTile& t) {
  __m512 acc[R][NB];
  StartTile<R, NB>(t, acc);
  const float* __restrict x = t.x;
  const int32_t* __restrict offsets = t.k_offsets;
  const float* __restrict w = t.w;
  auto step = [&](int64_t p) __attribute__((always_inline)) {
    const float* xp = x + offsets[p];
    PrefetchWeights<NB>(w);
    _mm_prefetch(reinterpret_cast<const char*>(xp + kInputFloatsAhead * S), _MM_HINT_T0);
    _mm_prefetch(reinterpret_cast<const char*>(x + offsets[p + kDirectConvRowsAhead]), _MM_HINT_T0);
    __m512 wv[NB];
#pragma GCC unroll 2
    for (int v = 0; v < NB; ++v) wv[v] = _mm512_load_ps(w + 16 * v);
#pragma GCC unroll 14
    for (int j = 0; j < R; ++j) {
      const __m512 a = _mm512_set1_ps(xp[j * S]);
#pragma GCC unroll 2
      for (int v = 0; v < NB; ++v) acc[j][v] = _mm512_fmadd_ps(a, wv[v], acc[j][v]);
    }
    w += 16 * NB;
  };
  RunSteps(t.k, 2 * t.channels, 0, step, [&](int64_t i) { PrefetchOwnLine(t, i, R); });
  StoreTile<R, NB>(t, acc);
}

// Channel-major tile: 8 channels of the block at a time (broadcast from the packed weights)
// times NV vectors of 16 consecutive positions (loaded from the input rows), stored straight into
// the output rows. Column stride 1: stride-2 convolutions read a column-split copy (see
// DirectConvPadSplitPlaneAvx512), where the columns a row of positions reads are consecutive.
template <int NV>
void ChannelTile(const DirectConvTile& t, int positions) {
  constexpr int kChannels = 8;
  const __mmask16 last = FirstLanes(positions - 16 * (NV - 1));
  const Activation& act = *t.activation;
  const bool in_register = gemm_detail::KernelAppliesActivation(act.kind);
  const __m512 p0 = _mm512_set1_ps(act.alpha), p1 = _mm512_set1_ps(act.beta);
  const int width = t.width;
  PrefetchTileRows(t);
  for (int c0 = 0; c0 < t.channels; c0 += kChannels) {
    // The accumulators start at the bias.
    __m512 acc[kChannels][NV];
#pragma GCC unroll 8
    for (int c = 0; c < kChannels; ++c) {
      const __m512 bias = _mm512_set1_ps(t.bias && c0 + c < t.channels ? t.bias[c0 + c] : 0.f);
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) acc[c][v] = bias;
    }
    const float* __restrict x = t.x;
    const int32_t* __restrict offsets = t.k_offsets;
    const float* __restrict w = t.w + c0;
    auto step = [&](int64_t p) __attribute__((always_inline)) {
      const float* xp = x + offsets[p];
      const float* next = x + offsets[p + kDirectConvRowsAhead];
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) _mm_prefetch(reinterpret_cast<const char*>(next + 16 * v), _MM_HINT_T0);
      __m512 xv[NV];
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) {
        xv[v] = v + 1 < NV ? _mm512_loadu_ps(xp + 16 * v) : _mm512_maskz_loadu_ps(last, xp + 16 * v);
      }
#pragma GCC unroll 8
      for (int c = 0; c < kChannels; ++c) {
        const __m512 wc = _mm512_set1_ps(w[c]);
#pragma GCC unroll 3
        for (int v = 0; v < NV; ++v) acc[c][v] = _mm512_fmadd_ps(wc, xv[v], acc[c][v]);
      }
      w += width;
    };
    // This group's rows: NV lines (the starts of its position vectors) per channel.
    const float* rows = (t.residual ? t.residual : t.y) + c0 * t.channel_stride;
    const int group_channels = std::min(kChannels, t.channels - c0);
    RunSteps(t.k, group_channels * NV, 24, step, [&](int64_t i) {
      __builtin_prefetch(rows + (i / NV) * t.channel_stride + std::min<int64_t>(16 * (i % NV), positions - 1), 1, 3);
    });
#pragma GCC unroll 8
    for (int c = 0; c < kChannels; ++c) {
      if (c0 + c >= t.channels) break;
      float* y = t.y + (c0 + c) * t.channel_stride;
      const float* res = t.residual ? t.residual + (c0 + c) * t.channel_stride : nullptr;
#pragma GCC unroll 3
      for (int v = 0; v < NV; ++v) {
        __m512 out = acc[c][v];
        if (v + 1 < NV) {
          if (res) out = _mm512_add_ps(out, _mm512_loadu_ps(res + 16 * v));
          if (in_register) out = Activate(out, act.kind, p0, p1);
          _mm512_storeu_ps(y + 16 * v, out);
        } else {
          if (res) out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(last, res + 16 * v));
          if (in_register) out = Activate(out, act.kind, p0, p1);
          _mm512_mask_storeu_ps(y + 16 * v, last, out);
        }
      }
      if (!in_register) ApplyActivation(act, y, positions);
    }
  }
}

// ROWS output rows of W positions: lane j reads row j / W (each row_stride floats after the one
// before), column (j % W) * S; otherwise PositionTile.
template <int W, int ROWS, int NB, int S>
void RowsTile(const DirectConvTile& t) {
  constexpr int R = W * ROWS;
  static_assert(R <= kMaxTilePositions, "at most 14 positions per tile");
  __m512 acc[R][NB];
  StartTile<R, NB>(t, acc);
  const float* __restrict x = t.x;
  const int32_t* __restrict offsets = t.k_offsets;
  const float* __restrict w = t.w;
  const int64_t rs = t.row_stride;
  auto step = [&](int64_t p) __attribute__((always_inline)) {
    const float* xp = x + offsets[p];
    PrefetchWeights<NB>(w);
    _mm_prefetch(reinterpret_cast<const char*>(x + offsets[p + kDirectConvRowsAhead]), _MM_HINT_T0);
    // The next tile down reads the rows below.
    _mm_prefetch(reinterpret_cast<const char*>(xp + ROWS * rs), _MM_HINT_T0);
    __m512 wv[NB];
#pragma GCC unroll 2
    for (int v = 0; v < NB; ++v) wv[v] = _mm512_load_ps(w + 16 * v);
#pragma GCC unroll 3
    for (int r = 0; r < ROWS; ++r) {
      const float* row = xp + r * rs;
#pragma GCC unroll 7
      for (int c = 0; c < W; ++c) {
        const __m512 a = _mm512_set1_ps(row[c * S]);
#pragma GCC unroll 2
        for (int v = 0; v < NB; ++v) acc[r * W + c][v] = _mm512_fmadd_ps(a, wv[v], acc[r * W + c][v]);
      }
    }
    w += 16 * NB;
  };
  RunSteps(t.k, 2 * t.channels, 0, step, [&](int64_t i) { PrefetchOwnLine(t, i, R); });
  StoreTile<R, NB>(t, acc);
}

template <int S, int NB, size_t... I>
constexpr std::array<DirectConvTileFn, sizeof...(I)> MakeRow(std::index_sequence<I...>) {
  return {&PositionTile<static_cast<int>(I) + 1, NB, S>...};
}

const std::array<DirectConvTileFn, kMaxTilePositions> kTiles[2][2] = {
    {MakeRow<1, 1>(std::make_index_sequence<kMaxTilePositions>()),
     MakeRow<1, 2>(std::make_index_sequence<kMaxTilePositions>())},
    {MakeRow<2, 1>(std::make_index_sequence<kMaxTilePositions>()),
     MakeRow<2, 2>(std::make_index_sequence<kMaxTilePositions>())},
};

}  // namespace

void DirectConvSubsampleRowAvx512(const float* row, int64_t count, int64_t stride, float* dst) {
  if (stride == 1) {
    std::copy(row, row + count, dst);
    return;
  }
  if (stride != 2) {
    for (int64_t j = 0; j < count; ++j) dst[j] = row[j * stride];
    return;
  }
  const __m512i even = avx512::EvenLanes();
  for (int64_t j = 0; j < count; j += 16) {
    // Output lanes j.. read columns 2j .. 2j + 30; the last valid one is 2 * (count - 1).
    const int64_t left = 2 * (count - j) - 1;  // columns of this pair of loads that are needed
    const int needed = static_cast<int>(std::min<int64_t>(32, left));
    const __m512 lo = _mm512_maskz_loadu_ps(FirstLanes(needed), row + 2 * j);
    const __m512 hi = _mm512_maskz_loadu_ps(FirstLanes(needed - 16), row + 2 * j + 16);
    const int outputs = static_cast<int>(std::min<int64_t>(16, count - j));
    _mm512_mask_storeu_ps(dst + j, FirstLanes(outputs), _mm512_permutex2var_ps(lo, even, hi));
  }
}

namespace {
// Lanes of the 16 padded columns from `col` on that lie in the data columns [pad_left, pad_left + in_w).
__mmask16 DataLanes(int64_t col, int64_t pad_left, int64_t in_w) {
  return avx512::LaneRange(pad_left - col, pad_left + in_w - col);
}
}  // namespace

// Row by row, whole vectors: each store covers padding and data alike (the loads are masked to
// the data columns), so no row costs a library call.
void DirectConvPadPlaneAvx512(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top, int64_t pad_left,
                              int64_t out_h, int64_t out_w, float* dst) {
  const __m512 zero = _mm512_setzero_ps();
  for (int64_t h = 0; h < out_h; ++h) {
    float* d = dst + h * out_w;
    const int64_t ih = h - pad_top;
    if (ih < 0 || ih >= in_h) {
      for (int64_t j = 0; j < out_w; j += 16) {
        _mm512_mask_storeu_ps(d + j, FirstLanes(static_cast<int>(std::min<int64_t>(16, out_w - j))), zero);
      }
      continue;
    }
    const float* row = x + ih * in_w - pad_left;  // column j of the padded row reads row[j]
    for (int64_t j = 0; j < out_w; j += 16) {
      const __m512 v = _mm512_maskz_loadu_ps(DataLanes(j, pad_left, in_w), row + j);
      _mm512_mask_storeu_ps(d + j, FirstLanes(static_cast<int>(std::min<int64_t>(16, out_w - j))), v);
    }
  }
}

void DirectConvPadSplitPlaneAvx512(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top, int64_t pad_left,
                                   int64_t out_h, int64_t out_w, float* dst) {
  const int64_t evens = (out_w + 1) / 2, odds = out_w / 2;
  const __m512i even = avx512::EvenLanes();
  const __m512i odd = avx512::OddLanes();
  for (int64_t h = 0; h < out_h; ++h) {
    float* d = dst + h * out_w;
    const int64_t ih = h - pad_top;
    const bool data_row = ih >= 0 && ih < in_h;
    const float* row = x + ih * in_w - pad_left;  // column j of the padded row reads row[j]
    for (int64_t j = 0; j < evens; j += 16) {
      // Padded columns 2j .. 2j + 31 give even columns j.. and odd columns j...
      const int64_t col = 2 * j;
      const __m512 lo = data_row ? _mm512_maskz_loadu_ps(DataLanes(col, pad_left, in_w), row + col) : _mm512_setzero_ps();
      const __m512 hi =
          data_row ? _mm512_maskz_loadu_ps(DataLanes(col + 16, pad_left, in_w), row + col + 16) : _mm512_setzero_ps();
      _mm512_mask_storeu_ps(d + j, FirstLanes(static_cast<int>(std::min<int64_t>(16, evens - j))),
                            _mm512_permutex2var_ps(lo, even, hi));
      if (j < odds) {
        _mm512_mask_storeu_ps(d + evens + j, FirstLanes(static_cast<int>(std::min<int64_t>(16, odds - j))),
                              _mm512_permutex2var_ps(lo, odd, hi));
      }
    }
  }
}

void DirectConvChannelTileAvx512(const DirectConvTile& t, int positions) {
  if (positions > 32) return ChannelTile<3>(t, positions);
  if (positions > 16) return ChannelTile<2>(t, positions);
  ChannelTile<1>(t, positions);
}

int MultiRowTileRows(int64_t row_width) {
  return row_width >= kMinMultiRowWidth && row_width <= kMaxTilePositions / 2
             ? static_cast<int>(kMaxTilePositions / row_width)
             : 1;
}

DirectConvTileFn DirectConvRowsTileAvx512(int row_width, int rows, int width, int stride) {
  if (rows != MultiRowTileRows(row_width) || rows < 2 || (width != 16 && width != 32) || stride < 1 || stride > 2) {
    return nullptr;
  }
  using Row = std::array<DirectConvTileFn, 4>;  // row widths 4..7
  static const Row kRows[2][2] = {
      {Row{&RowsTile<4, 3, 1, 1>, &RowsTile<5, 2, 1, 1>, &RowsTile<6, 2, 1, 1>, &RowsTile<7, 2, 1, 1>},
       Row{&RowsTile<4, 3, 2, 1>, &RowsTile<5, 2, 2, 1>, &RowsTile<6, 2, 2, 1>, &RowsTile<7, 2, 2, 1>}},
      {Row{&RowsTile<4, 3, 1, 2>, &RowsTile<5, 2, 1, 2>, &RowsTile<6, 2, 1, 2>, &RowsTile<7, 2, 1, 2>},
       Row{&RowsTile<4, 3, 2, 2>, &RowsTile<5, 2, 2, 2>, &RowsTile<6, 2, 2, 2>, &RowsTile<7, 2, 2, 2>}},
  };
  return kRows[stride - 1][width / 16 - 1][static_cast<size_t>(row_width - kMinMultiRowWidth)];
}

DirectConvTileFn DirectConvTileAvx512(int positions, int width, int stride) {
  if (positions < 1 || positions > kMaxTilePositions || (width != 16 && width != 32) || stride < 1 || stride > 2) {
    return nullptr;
  }
  return kTiles[stride - 1][width / 16 - 1][static_cast<size_t>(positions - 1)];
}

}  // namespace nn
}  // namespace ortlite
