// ConvMaxPool (conv_pool.h): the convolution's output rows in bands that stay in L2, each band
// max-pooled as soon as it is written, so that the full-size intermediate (3 MB in resnet50's and
// squeezenet's stems) never travels to memory and back.
#include "providers/cpu/nn/conv_pool.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {

namespace {

// Bytes of convolution rows (all channels) a band holds: an eighth of L2.
constexpr int64_t kBandBytes = 256 << 10;

// The band buffer of the calling thread, grown once to the largest band it has held.
std::vector<float>& BandScratch() {
  thread_local std::vector<float> buffer;
  return buffer;
}

}  // namespace

bool RunDirectConvMaxPool(const DirectConvWeights& w, const DirectConvProblem& p, const Geometry3D& pool_g, float* y,
                          ThreadPool* pool) {
  if (p.residual || !DirectConvRunsByRow(w, p)) return false;
  const Geometry3D& cg = p.g;
  const int64_t conv_h = cg.out[1], conv_w = cg.out[2], out_h = pool_g.out[1], out_w = pool_g.out[2];
  const int64_t channels = p.out_channels;
  const int64_t kh = pool_g.kernel[1], sh = pool_g.stride[1], dh = pool_g.dilation[1], pt = pool_g.pad_begin[1];
  const int64_t reach = (kh - 1) * dh + 1;  // convolution rows one pooled row's window spans
  // Convolution rows [RowsBegin(r0), RowsEnd(r1)) feed pooled rows [r0, r1).
  auto rows_begin = [&](int64_t r0) { return std::clamp<int64_t>(r0 * sh - pt, 0, conv_h); };
  auto rows_end = [&](int64_t r1) { return std::clamp<int64_t>((r1 - 1) * sh - pt + reach, 0, conv_h); };
  const int64_t row_floats = channels * conv_w;
  const int64_t band = std::max<int64_t>(1, (kBandBytes / 4 / std::max<int64_t>(row_floats, 1) - reach) / sh + 1);
  const int64_t band_rows = (band - 1) * sh + reach;  // the most convolution rows a band holds
  const int64_t channel_stride = band_rows * conv_w;

  const float* src = PrepareDirectConvInput(w, p, pool);
  const int threads = ThreadPool::DegreeOfParallelism(pool);
  const int64_t parts = p.batch * threads;
  const double cost = static_cast<double>(w.k * channels * conv_h * conv_w) / 16.0 / static_cast<double>(threads);
  ThreadPool::ParallelForStatic(pool, parts, cost, [&](int64_t part_begin, int64_t part_end) {
    std::vector<float>& scratch = BandScratch();
    if (scratch.size() < static_cast<size_t>(channels * channel_stride)) {
      scratch.resize(static_cast<size_t>(channels * channel_stride));
    }
    float* buf = scratch.data();
    for (int64_t part = part_begin; part < part_end; ++part) {
      const int64_t n = part / threads, t = part % threads;
      const int64_t first = out_h * t / threads, last = out_h * (t + 1) / threads;
      int64_t lo = 0, hi = 0;  // convolution rows the buffer holds
      for (int64_t r0 = first; r0 < last; r0 += band) {
        const int64_t r1 = std::min(last, r0 + band);
        const int64_t need_lo = rows_begin(r0), need_hi = rows_end(r1);
        // Rows the previous band computed and this one reads move to the top of the buffer.
        const int64_t keep_lo = std::max(need_lo, lo), keep_hi = std::min(need_hi, hi);
        if (keep_lo < keep_hi && keep_lo > lo) {
          for (int64_t m = 0; m < channels; ++m) {
            float* c = buf + m * channel_stride;
            std::memmove(c, c + (keep_lo - lo) * conv_w, static_cast<size_t>((keep_hi - keep_lo) * conv_w) * 4);
          }
        }
        const int64_t compute_from = keep_lo < keep_hi ? keep_hi : need_lo;
        if (compute_from < need_hi) {
          RunDirectConvRows(w, p, src, n, compute_from, need_hi, buf + (compute_from - need_lo) * conv_w,
                            channel_stride);
        }
        lo = need_lo;
        hi = need_hi;
        // The band as a plane of its own: rows [lo, hi), windows of pooled rows [r0, r1).
        Geometry3D gb = pool_g;
        gb.in[1] = hi - lo;
        gb.out[1] = r1 - r0;
        gb.pad_begin[1] = lo - (r0 * sh - pt);
        gb.pad_end[1] = std::max<int64_t>(0, (r1 - 1) * sh - pt + reach - hi);
        for (int64_t m = 0; m < channels; ++m) {
          MaxPoolFloat(buf + m * channel_stride, y + ((n * channels + m) * out_h + r0) * out_w, 1, gb, nullptr);
        }
      }
    }
  });
  return true;
}

}  // namespace nn
}  // namespace ortlite
