// ConvMaxPool (conv_pool.h): the convolution's output rows in bands that stay in L2, each band
// max-pooled as soon as it is written, so that the full-size intermediate (3 MB in resnet50's and
// squeezenet's stems) never travels to memory and back. The padded (or column-split) input rows a
// band reads are copied by the thread that runs it, just before: a separate pass over the whole
// input ran on one thread (too little work to split) and took 15 % of squeezenet's stem.
#include "providers/cpu/nn/conv_pool.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <vector>

#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {

namespace {

// Bytes of convolution rows (all channels) a band holds: an eighth of L2.
constexpr int64_t kBandBytes = 256 << 10;

// The band buffer of a thread and what it holds: convolution rows [lo, hi) of the band before
// item `next_item`, computed in RunDirectConvMaxPool call number `call`; and, when the tiles read
// a copy of the input, the thread's copy of image `copy_image`, valid in rows [copy_lo, copy_hi)
// (its bands move down the image, so the rows they share are copied once).
struct BandState {
  std::vector<float> buffer;
  uint64_t call = 0;
  int64_t next_item = -1, lo = 0, hi = 0;
  std::vector<float> input_copy;
  int64_t copy_image = -1, copy_lo = 0, copy_hi = 0;
};

BandState& ThreadBandState() {
  thread_local BandState state;
  return state;
}

std::atomic<uint64_t> g_calls{0};

}  // namespace

bool RunDirectConvMaxPool(const DirectConvWeights& w, const DirectConvProblem& p, const Geometry3D& pool_g, float* y,
                          ThreadPool* pool) {
  const DirectConvRowBands rows(w, p);
  if (!rows.Applies()) return false;
  const Geometry3D& cg = p.g;
  const int64_t conv_h = cg.out[1], conv_w = cg.out[2], out_h = pool_g.out[1], out_w = pool_g.out[2];
  const int64_t channels = p.out_channels;
  const int64_t kh = pool_g.kernel[1], sh = pool_g.stride[1], dh = pool_g.dilation[1], pt = pool_g.pad_begin[1];
  const int64_t reach = (kh - 1) * dh + 1;  // convolution rows one pooled row's window spans
  // Convolution rows [rows_begin(r0), rows_end(r1)) feed pooled rows [r0, r1).
  auto rows_begin = [&](int64_t r0) { return std::clamp<int64_t>(r0 * sh - pt, 0, conv_h); };
  auto rows_end = [&](int64_t r1) { return std::clamp<int64_t>((r1 - 1) * sh - pt + reach, 0, conv_h); };
  const int64_t row_floats = channels * conv_w;
  const int64_t band = std::max<int64_t>(1, (kBandBytes / 4 / std::max<int64_t>(row_floats, 1) - reach) / sh + 1);
  const int64_t band_rows = (band - 1) * sh + reach;  // the most convolution rows a band holds
  const int64_t channel_stride = band_rows * conv_w;

  const bool copies_input = rows.CopiesInput();
  const uint64_t call = ++g_calls;
  // Work items are (image, band); each thread owns a contiguous share and carries the rows
  // consecutive bands share, until others take what it has not reached.
  const int64_t bands = (out_h + band - 1) / band;
  const double band_cost = static_cast<double>(w.k * channels * band * sh * conv_w) / 32.0;
  ThreadPool::ParallelForParts(pool, p.batch * bands, band_cost, [&](int64_t item_begin, int64_t item_end) {
    BandState& state = ThreadBandState();
    if (state.buffer.size() < static_cast<size_t>(channels * channel_stride)) {
      state.buffer.resize(static_cast<size_t>(channels * channel_stride));
    }
    if (state.call != call) state.copy_image = -1;
    if (state.call != call || state.next_item != item_begin) state.lo = state.hi = 0;  // nothing carried over
    if (copies_input && state.input_copy.size() < static_cast<size_t>(rows.ImageCopyFloats())) {
      state.input_copy.resize(static_cast<size_t>(rows.ImageCopyFloats()));
    }
    float* buf = state.buffer.data();
    for (int64_t item = item_begin; item < item_end; ++item) {
      const int64_t n = item / bands, r0 = item % bands * band, r1 = std::min(out_h, r0 + band);
      if (r0 == 0) state.lo = state.hi = 0;  // a new image
      const int64_t need_lo = rows_begin(r0), need_hi = rows_end(r1);
      // Rows the previous band computed and this one reads move to the top of the buffer.
      const int64_t keep_lo = std::max(need_lo, state.lo), keep_hi = std::min(need_hi, state.hi);
      if (keep_lo < keep_hi && keep_lo > state.lo) {
        for (int64_t m = 0; m < channels; ++m) {
          float* c = buf + m * channel_stride;
          std::memmove(c, c + (keep_lo - state.lo) * conv_w, static_cast<size_t>((keep_hi - keep_lo) * conv_w) * 4);
        }
      }
      const int64_t compute_from = keep_lo < keep_hi ? keep_hi : need_lo;
      if (compute_from < need_hi) {
        const float* input = rows.ImageInput(n);
        if (copies_input) {
          int64_t in_lo = 0, in_hi = 0;
          rows.InputRows(compute_from, need_hi, &in_lo, &in_hi);
          if (state.copy_image != n || in_lo < state.copy_lo || in_lo > state.copy_hi) {
            state.copy_image = n;
            state.copy_lo = state.copy_hi = in_lo;
          }
          if (in_hi > state.copy_hi) {
            rows.CopyInputRows(n, state.copy_hi, in_hi, state.input_copy.data());
            state.copy_hi = in_hi;
          }
          input = state.input_copy.data();
        }
        rows.Run(input, compute_from, need_hi, buf + (compute_from - need_lo) * conv_w, channel_stride);
      }
      state.lo = need_lo;
      state.hi = need_hi;
      // The band as a plane of its own: rows [lo, hi), windows of pooled rows [r0, r1).
      Geometry3D gb = pool_g;
      gb.in[1] = need_hi - need_lo;
      gb.out[1] = r1 - r0;
      gb.pad_begin[1] = need_lo - (r0 * sh - pt);
      gb.pad_end[1] = std::max<int64_t>(0, (r1 - 1) * sh - pt + reach - need_hi);
      MaxPoolFloatPlanes(buf, channel_stride, y + (n * channels * out_h + r0) * out_w, out_h * out_w, channels, gb);
    }
    state.call = call;
    state.next_item = item_end;
  });
  return true;
}

}  // namespace nn
}  // namespace ortlite
