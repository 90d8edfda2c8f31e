#include "providers/cpu/nn/conv_direct.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>

#include "providers/cpu/common/cpu_features.h"

namespace ortlite {
namespace nn {

namespace {

constexpr int kBlockChannels = 32;

int64_t CeilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Output channels of block b (the last block of a group may hold fewer than kBlockChannels).
int BlockChannels(int64_t m_per_group, int64_t b) {
  return static_cast<int>(std::min<int64_t>(kBlockChannels, m_per_group - b * kBlockChannels));
}

bool Padded(const Geometry3D& g) {
  for (int d = 1; d < 3; ++d) {
    if (g.pad_begin[d] != 0 || g.pad_end[d] != 0) return true;
  }
  return false;
}

// Every output position reads the input position of the same index: the image is one long row.
bool FlatPositions(const Geometry3D& g) {
  return g.KernelSize() == 1 && g.stride[1] == 1 && g.stride[2] == 1 && !Padded(g);
}

// A strided pointwise convolution reads one input position per output position: it runs as a
// flat one on a dense copy of those positions.
bool SubsampledPointwise(const Geometry3D& g) {
  return g.KernelSize() == 1 && !Padded(g) && (g.stride[1] > 1 || g.stride[2] > 1);
}

// `count` positions in near-equal runs of at most `max_run`; for channel-major tiles (`vectors`)
// in whole 16-position vectors as far as possible.
template <typename F>
void SplitRuns(int64_t count, int max_run, bool vectors, F&& emit) {
  if (!vectors) {
    const int64_t runs = CeilDiv(count, max_run);
    for (int64_t r = 0; r < runs; ++r) {
      const int64_t begin = count * r / runs, end = count * (r + 1) / runs;
      emit(begin, static_cast<int>(end - begin));
    }
    return;
  }
  const int64_t total = CeilDiv(count, 16);
  const int64_t runs = CeilDiv(total, max_run / 16);
  for (int64_t r = 0; r < runs; ++r) {
    const int64_t begin = 16 * (total * r / runs);
    const int64_t end = std::min(count, 16 * (total * (r + 1) / runs));
    emit(begin, static_cast<int>(end - begin));
  }
}

// Where work item `rest` (of one image) lies: items run over chunks of `chunk` runs (the last one
// possibly shorter), within a chunk over channel blocks, within a block over the chunk's runs.
struct ItemPlace {
  int64_t block, run;
};
inline ItemPlace PlaceItem(int64_t rest, int64_t blocks, int64_t runs, int64_t chunk) {
  const int64_t first_run = rest / (blocks * chunk) * chunk;
  const int64_t chunk_runs = std::min(chunk, runs - first_run);
  const int64_t local = rest - first_run * blocks;
  return {local / chunk_runs, first_run + local % chunk_runs};
}

}  // namespace

// Everything RunDirectConv derives from the shapes, built once per shape and thread count and
// then only read (concurrent runs of a session share it).
struct DirectConvPlan {
  // What the plan was built for.
  Geometry3D conv;
  int64_t batch = 0, group = 0, c_per_group = 0, m_per_group = 0;
  int threads = 0;
  DirectConvTiles tiles = DirectConvTiles::kAuto;

  Geometry3D g;                // of the convolution the tiles compute (subsampled: the dense one)
  int64_t in_h = 0, in_w = 0;  // of the input plane the tiles read
  bool padded = false, subsampled = false;
  // Stride-2 channel tiles read a column-split padded copy (DirectConvPadSplitPlaneAvx512) at
  // stride 1.
  bool split_columns = false;
  int tile_stride = 1;  // column stride of the tiles' input
  bool channel_major = false;
  int tile_rows = 1;  // output rows of a multi-row run (see MultiRowTileRows), 1 if none
  // Runs per chunk of the work order (see PlaceItem): all of them when the weights are re-read
  // least, 1 when the input is.
  int64_t chunk_runs = 1;
  std::vector<int32_t> k_offsets;
  std::vector<DirectConvRun> runs;
  // When every run lies in one output row (neither flat positions nor multi-row tiles), the runs
  // of row r are [row_first_run[r], row_first_run[r + 1]); empty otherwise.
  std::vector<int64_t> row_first_run;
  // Work items are (image, channel block, run), ordered by chunk_runs; thread t owns items
  // [part_bounds[t], part_bounds[t + 1]) (others take what it has left once they are done).
  std::vector<int64_t> part_bounds;
  // When `split_positions`, part t holds every image and block of runs
  // [run_bounds[t], run_bounds[t + 1]) instead (see SplitItems), its items numbered from
  // part_bounds[t] over its runs alone.
  bool split_positions = false;
  std::vector<int64_t> run_bounds;
  // With split positions, thread t pads input rows [pad_row_bounds[t], pad_row_bounds[t + 1])
  // of every plane: those its band reads first.
  std::vector<int64_t> pad_row_bounds;
  double total_cost = 0;  // in channel-positions

  bool Matches(const Geometry3D& c, const DirectConvProblem& p, int thread_count) const;
};

struct DirectConvPlanCache {
  std::mutex mu;
  std::shared_ptr<const DirectConvPlan> plan;
};

namespace {

using Plan = DirectConvPlan;

constexpr int64_t kMaxStrideTwoChannelK = 64;

// Channel-major tiles store whole rows of positions instead of transposing the accumulators:
// better when the k loop is short (the transposes then dominate). Few output channels also
// favour them: position tiles pad the channels to 16 or 32. So do large pointwise images
// (resnet's 56x56 ones): a channel tile reads and writes three whole lines of each channel row,
// a position tile parts of one or two, which costs more once the image has left L2.
bool UseChannelMajor(const Geometry3D& g, int64_t k, int64_t m_per_group) {
  constexpr int64_t kLargePointwisePositions = 1024;
  const bool large_pointwise = g.KernelSize() == 1 && k <= 256 && g.OutSize() >= kLargePointwisePositions;
  // Column stride 2 costs a column-split copy of the input: worth it only where the transposes
  // would dominate, a short k loop over many channels (the stems of squeezenet, k = 27 and 64
  // channels, and mobilenet_v2, 32 channels: 4 % and 14 % faster than position tiles).
  if (g.stride[2] == 2) return k <= kMaxStrideTwoChannelK && m_per_group >= 32;
  return g.stride[2] == 1 && (k <= 128 || m_per_group <= 24 || large_pointwise);
}

void BuildPlan(const Geometry3D& conv, int64_t c_per_group, int64_t m_per_group, DirectConvTiles tiles, Plan& plan) {
  plan.subsampled = SubsampledPointwise(conv);
  plan.g = conv;
  Geometry3D& g = plan.g;
  if (plan.subsampled) {
    for (int d = 1; d < 3; ++d) {
      g.in[d] = g.out[d];
      g.stride[d] = 1;
    }
  }
  plan.padded = Padded(g);
  const int64_t k = c_per_group * g.KernelSize();
  plan.channel_major = tiles == DirectConvTiles::kAuto ? UseChannelMajor(g, k, m_per_group)
                                                       : tiles == DirectConvTiles::kChannelMajor && g.stride[2] <= 2;
  plan.in_h = g.in[1] + g.pad_begin[1] + g.pad_end[1];
  plan.in_w = g.in[2] + g.pad_begin[2] + g.pad_end[2];
  plan.split_columns = plan.channel_major && g.stride[2] == 2;
  plan.tile_stride = plan.split_columns ? 1 : static_cast<int>(g.stride[2]);
  const int64_t plane = plan.in_h * plan.in_w, evens = (plan.in_w + 1) / 2;
  // Where column `col` of a padded row lies in the tiles' copy of it.
  auto column = [&](int64_t col) { return plan.split_columns ? (col % 2) * evens + col / 2 : col; };
  plan.k_offsets.assign(static_cast<size_t>(k + kDirectConvRowsAhead), 0);
  size_t i = 0;
  for (int64_t c = 0; c < c_per_group; ++c)
    for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
      for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
        plan.k_offsets[i++] = static_cast<int32_t>(c * plane + kh * g.dilation[1] * plan.in_w + column(kw * g.dilation[2]));
      }

  const int max_run = plan.channel_major ? kMaxChannelTilePositions : kMaxTilePositions;
  plan.runs.clear();
  plan.row_first_run.clear();
  if (FlatPositions(g)) {
    SplitRuns(g.OutSize(), max_run, plan.channel_major,
              [&](int64_t begin, int n) { plan.runs.push_back({begin, begin, n}); });
    return;
  }
  // Narrow rows: runs of `rows` whole output rows (a tile reads each row from its own place).
  const int rows = plan.channel_major ? 1 : MultiRowTileRows(g.out[2]);
  int64_t oh = 0;
  plan.tile_rows = 1;
  for (; rows > 1 && oh + rows <= g.out[1]; oh += rows) {
    plan.runs.push_back({oh * g.stride[1] * plan.in_w, oh * g.out[2], static_cast<int>(rows * g.out[2])});
    plan.tile_rows = rows;
  }
  if (plan.tile_rows == 1) plan.row_first_run.assign(1, 0);
  for (; oh < g.out[1]; ++oh) {
    SplitRuns(g.out[2], max_run, plan.channel_major, [&](int64_t begin, int n) {
      plan.runs.push_back({oh * g.stride[1] * plan.in_w + begin * plan.tile_stride, oh * g.out[2] + begin, n});
    });
    if (!plan.row_first_run.empty()) plan.row_first_run.push_back(static_cast<int64_t>(plan.runs.size()));
  }
}

// Input bytes of a chunk of runs: a quarter of L2, so that it stays there even when a busy
// neighbour shares the cache.
constexpr double kChunkInputBytes = 256 << 10;

// Blocks outermost stream the whole input once per block; runs outermost stream all the weights
// once per run and write each output row in as many short pieces, more rows at a time than the
// hardware prefetcher follows. Chunks of runs whose input stays in L2 re-read only that part of
// the input per block, and write each row a chunk at a time.
void ChooseChunk(Plan& plan) {
  const int64_t runs = std::max<int64_t>(1, static_cast<int64_t>(plan.runs.size()));
  const int64_t k = plan.c_per_group * plan.g.KernelSize();
  const double input_bytes = static_cast<double>(plan.c_per_group * plan.in_h * plan.in_w) * 4.0;
  const double weight_bytes = static_cast<double>(plan.m_per_group * k) * 4.0;
  if (weight_bytes >= input_bytes || input_bytes <= kChunkInputBytes) {
    plan.chunk_runs = runs;
  } else {
    plan.chunk_runs = std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(runs) * kChunkInputBytes / input_bytes));
  }
}

// Zero-padded copies of `planes` input planes: by planes, or, with split positions, each
// thread the row band its tiles read first.
void PadPlanes(const float* x, int64_t planes, const Geometry3D& g, const Plan& plan, float* dst, bool reference,
               ThreadPool* pool) {
  const int64_t in_h = g.in[1], in_w = g.in[2], pw = plan.in_w, pt = g.pad_begin[1], pl = g.pad_begin[2];
  const int64_t plane = plan.in_h * pw;
  // Rows r0..r1 of a padded plane are the plane of r1 - r0 rows whose top padding is pt - r0.
  using PadFn = void (*)(const float*, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, float*);
  const PadFn pad = plan.split_columns ? (reference ? DirectConvPadSplitPlaneReference : DirectConvPadSplitPlaneAvx512)
                                       : (reference ? DirectConvPadPlaneReference : DirectConvPadPlaneAvx512);
  auto pad_rows = [&](int64_t c, int64_t r0, int64_t r1) {
    pad(x + c * in_h * in_w, in_h, in_w, pt - r0, pl, r1 - r0, pw, dst + c * plane + r0 * pw);
  };
  const int threads = ThreadPool::DegreeOfParallelism(pool);
  if (plan.pad_row_bounds.empty() && planes < 2 * threads) {
    // Fewer planes than threads to balance (the stems' 3): each thread pads a band of rows.
    ThreadPool::ParallelForParts(pool, plan.in_h, static_cast<double>(planes * pw) / 4, [&](int64_t r0, int64_t r1) {
      for (int64_t c = 0; c < planes; ++c) pad_rows(c, r0, r1);
    });
    return;
  }
  if (plan.pad_row_bounds.empty()) {
    ThreadPool::ParallelForParts(pool, planes, static_cast<double>(plane) / 4, [&](int64_t begin, int64_t end) {
      for (int64_t c = begin; c < end; ++c) pad_rows(c, 0, plan.in_h);
    });
    return;
  }
  const int64_t bands = static_cast<int64_t>(plan.pad_row_bounds.size()) - 1;
  const double cost = static_cast<double>(planes * plane) / 4 / static_cast<double>(bands);
  ThreadPool::ParallelForStatic(pool, bands, cost, [&](int64_t begin, int64_t end) {
    for (int64_t band = begin; band < end; ++band) {
      const int64_t r0 = plan.pad_row_bounds[static_cast<size_t>(band)];
      const int64_t r1 = plan.pad_row_bounds[static_cast<size_t>(band) + 1];
      if (r0 >= r1) continue;
      for (int64_t c = 0; c < planes; ++c) pad_rows(c, r0, r1);
    }
  });
}

// The input positions a strided pointwise convolution reads, as dense planes.
void SubsamplePlanes(const float* x, int64_t planes, const Geometry3D& conv, float* dst, bool reference,
                     ThreadPool* pool) {
  const int64_t in_w = conv.in[2], out_h = conv.out[1], out_w = conv.out[2];
  const int64_t sh = conv.stride[1], sw = conv.stride[2];
  ThreadPool::ParallelForParts(pool, planes, static_cast<double>(out_h * out_w), [&](int64_t begin, int64_t end) {
    for (int64_t c = begin; c < end; ++c) {
      const float* src = x + c * conv.InSize();
      float* d = dst + c * out_h * out_w;
      for (int64_t oh = 0; oh < out_h; ++oh) {
        const float* row = src + oh * sh * in_w;
        if (reference) {
          for (int64_t ow = 0; ow < out_w; ++ow) d[oh * out_w + ow] = row[ow * sw];
        } else {
          DirectConvSubsampleRowAvx512(row, out_w, sw, d + oh * out_w);
        }
      }
    }
  });
}

// Grow-only scratch owned by the calling thread (the tiles of every thread read it).
std::vector<float>& CallerScratch() {
  thread_local std::vector<float> buffer;
  return buffer;
}

bool SameGeometry(const Geometry3D& a, const Geometry3D& b) {
  for (int d = 0; d < 3; ++d) {
    if (a.in[d] != b.in[d] || a.out[d] != b.out[d] || a.kernel[d] != b.kernel[d] || a.stride[d] != b.stride[d] ||
        a.dilation[d] != b.dilation[d] || a.pad_begin[d] != b.pad_begin[d] || a.pad_end[d] != b.pad_end[d]) {
      return false;
    }
  }
  return true;
}

// Each thread takes the runs of one band of output positions, all channels, when the images
// outweigh the weights: a thread then reads mostly the rows it wrote in the layer before (from its
// own L2), where a channel split makes each core fetch half of its input from the other. Layers
// dominated by their weights keep the channel split, so that each core streams only its half.
bool SplitsPositions(const Plan& plan, int threads, int64_t k) {
  if (threads <= 1 || static_cast<int64_t>(plan.runs.size()) < 4 * threads) return false;
  const int64_t image_floats = plan.c_per_group * plan.in_h * plan.in_w + plan.m_per_group * plan.conv.OutSize();
  return image_floats > plan.m_per_group * k;
}

// The work items of each thread: contiguous ranges of equal cost (blocks of 16 and 32 channels,
// runs of different lengths), so that no thread waits at the end, and successive convolutions
// split their output channels (or positions) alike.
void SplitItems(const DirectConvWeights& w, int64_t images, int threads, Plan& plan) {
  const int64_t blocks = w.blocks_per_group, runs = static_cast<int64_t>(plan.runs.size());
  const int64_t items = images * blocks * runs;
  // A tile costs the channels it computes (position tiles: the block width; channel tiles:
  // whole groups of 8) times its positions.
  std::vector<double> block_cost(static_cast<size_t>(blocks));
  for (int64_t b = 0; b < blocks; ++b) {
    const int channels = BlockChannels(plan.m_per_group, b);
    block_cost[static_cast<size_t>(b)] =
        static_cast<double>(plan.channel_major ? (channels + 7) / 8 * 8 : w.block_width[static_cast<size_t>(b)]);
  }
  auto cost = [&](int64_t item) {
    const ItemPlace at = PlaceItem(item % (blocks * runs), blocks, runs, plan.chunk_runs);
    return block_cost[static_cast<size_t>(at.block)] * plan.runs[static_cast<size_t>(at.run)].positions;
  };
  plan.total_cost = 0;
  for (int64_t item = 0; item < items; ++item) plan.total_cost += cost(item);
  plan.split_positions = SplitsPositions(plan, threads, w.k);
  if (plan.split_positions) {
    // Every band holds all blocks and images, so equal positions are equal cost.
    int64_t positions = 0;
    for (const DirectConvRun& r : plan.runs) positions += r.positions;
    plan.run_bounds.assign(static_cast<size_t>(threads) + 1, runs);
    plan.run_bounds[0] = 0;
    int64_t done = 0;
    int part = 1;
    for (int64_t r = 0; r < runs && part < threads; ++r) {
      if (done * threads >= positions * part) plan.run_bounds[static_cast<size_t>(part++)] = r;
      done += plan.runs[static_cast<size_t>(r)].positions;
    }
    plan.part_bounds.assign(static_cast<size_t>(threads) + 1, 0);
    for (size_t t = 0; t < static_cast<size_t>(threads); ++t) {
      plan.part_bounds[t + 1] = plan.part_bounds[t] + images * blocks * (plan.run_bounds[t + 1] - plan.run_bounds[t]);
    }
    if (plan.padded || plan.split_columns) {
      // Row runs: a band starts at the first input row its first output row reads.
      plan.pad_row_bounds.assign(static_cast<size_t>(threads) + 1, plan.in_h);
      plan.pad_row_bounds[0] = 0;
      for (int t = 1; t < threads; ++t) {
        const int64_t r = plan.run_bounds[static_cast<size_t>(t)];
        if (r >= runs) break;
        const int64_t row = plan.runs[static_cast<size_t>(r)].y_offset / plan.g.out[2] * plan.g.stride[1];
        plan.pad_row_bounds[static_cast<size_t>(t)] = std::clamp<int64_t>(row, plan.pad_row_bounds[t - 1], plan.in_h);
      }
    }
    return;
  }
  plan.part_bounds.assign(static_cast<size_t>(threads) + 1, items);
  plan.part_bounds[0] = 0;
  double done = 0;
  int part = 1;
  for (int64_t item = 0; item < items && part < threads; ++item) {
    if (done >= plan.total_cost * part / threads) plan.part_bounds[static_cast<size_t>(part++)] = item;
    done += cost(item);
  }
}

std::shared_ptr<const Plan> GetPlan(const DirectConvWeights& w, const DirectConvProblem& p, int threads) {
  DirectConvPlanCache& cache = *w.plan_cache;
  std::lock_guard<std::mutex> lock(cache.mu);
  if (cache.plan && cache.plan->Matches(p.g, p, threads)) return cache.plan;
  auto plan = std::make_shared<Plan>();
  plan->conv = p.g;
  plan->batch = p.batch;
  plan->group = p.group;
  plan->c_per_group = p.in_channels / p.group;
  plan->m_per_group = p.out_channels / p.group;
  plan->threads = threads;
  plan->tiles = p.tiles;
  BuildPlan(p.g, plan->c_per_group, plan->m_per_group, p.tiles, *plan);
  ChooseChunk(*plan);
  SplitItems(w, p.batch * p.group, threads, *plan);
  cache.plan = plan;
  return plan;
}

}  // namespace

void DirectConvPadPlaneReference(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top, int64_t pad_left,
                                 int64_t out_h, int64_t out_w, float* dst) {
  for (int64_t h = 0; h < out_h; ++h) {
    const int64_t ih = h - pad_top;
    for (int64_t w = 0; w < out_w; ++w) {
      const int64_t iw = w - pad_left;
      dst[h * out_w + w] = ih >= 0 && ih < in_h && iw >= 0 && iw < in_w ? x[ih * in_w + iw] : 0.f;
    }
  }
}

void DirectConvPadSplitPlaneReference(const float* x, int64_t in_h, int64_t in_w, int64_t pad_top,
                                      int64_t pad_left, int64_t out_h, int64_t out_w, float* dst) {
  const int64_t evens = (out_w + 1) / 2;
  for (int64_t h = 0; h < out_h; ++h) {
    const int64_t ih = h - pad_top;
    for (int64_t w = 0; w < out_w; ++w) {
      const int64_t iw = w - pad_left;
      dst[h * out_w + (w % 2) * evens + w / 2] =
          ih >= 0 && ih < in_h && iw >= 0 && iw < in_w ? x[ih * in_w + iw] : 0.f;
    }
  }
}

bool DirectConvPlan::Matches(const Geometry3D& c, const DirectConvProblem& p, int thread_count) const {
  return SameGeometry(conv, c) && batch == p.batch && group == p.group && c_per_group * group == p.in_channels &&
         m_per_group * group == p.out_channels && threads == thread_count && tiles == p.tiles;
}

DirectConvWeights PackDirectConvWeights(const float* w, int64_t out_channels, int64_t group, int64_t k) {
  DirectConvWeights pw;
  pw.plan_cache = std::make_shared<DirectConvPlanCache>();
  pw.group = group;
  pw.m_per_group = out_channels / group;
  pw.k = k;
  pw.blocks_per_group = CeilDiv(pw.m_per_group, kBlockChannels);
  int64_t per_group = 0;
  for (int64_t b = 0; b < pw.blocks_per_group; ++b) {
    const int channels = BlockChannels(pw.m_per_group, b);
    pw.block_width.push_back(channels > 16 ? 32 : 16);
    per_group += k * pw.block_width.back();
  }
  const size_t bytes = static_cast<size_t>(std::max<int64_t>(1, per_group * group)) * sizeof(float);
  pw.data.reset(static_cast<float*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64)));
  float* dst = pw.data.get();
  for (int64_t gi = 0; gi < group; ++gi) {
    for (int64_t b = 0; b < pw.blocks_per_group; ++b) {
      const int width = pw.block_width[static_cast<size_t>(b)];
      const int64_t m0 = gi * pw.m_per_group + b * kBlockChannels;
      const int channels = BlockChannels(pw.m_per_group, b);
      pw.block_offset.push_back(dst - pw.data.get());
      for (int64_t p = 0; p < k; ++p) {
        for (int c = 0; c < width; ++c) dst[p * width + c] = c < channels ? w[(m0 + c) * k + p] : 0.f;
      }
      dst += k * width;
    }
  }
  return pw;
}

bool DirectConvApplies(const Geometry3D& g, int64_t c_per_group, int64_t group) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  if (!avx512 || (c_per_group == 1 && group > 1)) return false;
  if (g.kernel[0] != 1 || g.in[0] != 1 || g.out[0] != 1 || g.stride[2] > 2) return false;
  // Offsets into the padded input of one group are 32-bit.
  const int64_t plane = (g.in[1] + g.pad_begin[1] + g.pad_end[1]) * (g.in[2] + g.pad_begin[2] + g.pad_end[2]);
  return c_per_group * plane < std::numeric_limits<int32_t>::max();
}

void DirectConvTileReference(const DirectConvTile& t, int positions, int stride) {
  const int width = t.width;
  auto input_offset = [&](int j) -> int64_t {
    if (t.row_width == 0) return static_cast<int64_t>(j) * stride;
    return j / t.row_width * t.row_stride + static_cast<int64_t>(j % t.row_width) * stride;
  };
  std::vector<float> sums(static_cast<size_t>(positions * t.channels), 0.f);
  for (int64_t p = 0; p < t.k; ++p) {
    const float* xp = t.x + t.k_offsets[p];
    for (int c = 0; c < t.channels; ++c) {
      const float wv = t.w[p * width + c];
      for (int j = 0; j < positions; ++j) sums[static_cast<size_t>(c * positions + j)] += wv * xp[input_offset(j)];
    }
  }
  for (int c = 0; c < t.channels; ++c) {
    float* out = t.y + c * t.channel_stride;
    for (int j = 0; j < positions; ++j) {
      float v = sums[static_cast<size_t>(c * positions + j)];
      if (t.bias) v += t.bias[c];
      if (t.residual) v += t.residual[c * t.channel_stride + j];
      out[j] = ActivationReference(*t.activation, v);
    }
  }
}

namespace {
// Floats past the last plane of an input copy: the tiles' prefetches run that far beyond it.
constexpr int64_t kCopyPrefetchSlack = 64;

// Whether the tiles read a padded, column-split or subsampled copy of the input.
bool CopiesInput(const Plan& plan) { return plan.padded || plan.split_columns || plan.subsampled; }

// The input the tiles read: p.x, or its copy in the calling thread's scratch.
const float* PrepareInput(const Plan& plan, const DirectConvProblem& p, bool reference, ThreadPool* pool) {
  if (!CopiesInput(plan)) return p.x;
  std::vector<float>& scratch = CallerScratch();
  scratch.resize(static_cast<size_t>(p.batch * p.in_channels * plan.in_h * plan.in_w + kCopyPrefetchSlack));
  if (!plan.subsampled) {
    PadPlanes(p.x, p.batch * p.in_channels, plan.g, plan, scratch.data(), reference, pool);
  } else {
    SubsamplePlanes(p.x, p.batch * p.in_channels, p.g, scratch.data(), reference, pool);
  }
  return scratch.data();
}

// The tile for `positions` positions of the plan's layout (t.row_width > 0: whole rows).
void ComputeTile(const Plan& plan, const DirectConvTile& t, int positions, bool reference) {
  if (reference) {
    DirectConvTileReference(t, positions, plan.tile_stride);
  } else if (plan.channel_major) {
    DirectConvChannelTileAvx512(t, positions);
  } else if (t.row_width > 0) {
    DirectConvRowsTileAvx512(t.row_width, positions / t.row_width, t.width, plan.tile_stride)(t);
  } else {
    DirectConvTileAvx512(positions, t.width, plan.tile_stride)(t);
  }
}
}  // namespace

DirectConvRowBands::DirectConvRowBands(const DirectConvWeights& w, const DirectConvProblem& p)
    : w_(w), p_(p), plan_(GetPlan(w, p, 1)) {}

bool DirectConvRowBands::Applies() const { return !plan_->row_first_run.empty() && !p_.residual; }

bool DirectConvRowBands::CopiesInput() const { return nn::CopiesInput(*plan_); }

int64_t DirectConvRowBands::ImageCopyFloats() const {
  return p_.in_channels * plan_->in_h * plan_->in_w + kCopyPrefetchSlack;
}

void DirectConvRowBands::InputRows(int64_t row_begin, int64_t row_end, int64_t* lo, int64_t* hi) const {
  const Geometry3D& g = plan_->g;
  *lo = std::clamp<int64_t>(row_begin * g.stride[1], 0, plan_->in_h);
  *hi = row_end <= row_begin ? *lo
                             : std::clamp<int64_t>((row_end - 1) * g.stride[1] + (g.kernel[1] - 1) * g.dilation[1] + 1,
                                                   *lo, plan_->in_h);
}

void DirectConvRowBands::CopyInputRows(int64_t n, int64_t lo, int64_t hi, float* image_copy) const {
  const Plan& plan = *plan_;
  // Subsampled (strided pointwise) plans run flat, never by rows.
  ORTLITE_CHECK_ARG(Applies() && !plan.subsampled, "DirectConvRowBands::CopyInputRows needs a plan that runs by rows");
  const Geometry3D& g = plan.g;
  const int64_t plane = plan.in_h * plan.in_w;
  const int64_t raw_plane = p_.g.InSize();
  const float* x = p_.x + n * p_.in_channels * raw_plane;
  for (int64_t c = 0; c < p_.in_channels; ++c) {
    const float* src = x + c * raw_plane;
    float* dst = image_copy + c * plane;
    (plan.split_columns ? DirectConvPadSplitPlaneAvx512 : DirectConvPadPlaneAvx512)(
        src, g.in[1], g.in[2], g.pad_begin[1] - lo, g.pad_begin[2], hi - lo, plan.in_w, dst + lo * plan.in_w);
  }
}

const float* DirectConvRowBands::ImageInput(int64_t n) const { return p_.x + n * p_.in_channels * p_.g.InSize(); }

void DirectConvRowBands::Run(const float* image_input, int64_t row_begin, int64_t row_end, float* y,
                             int64_t y_channel_stride) const {
  const Plan& plan = *plan_;
  ORTLITE_CHECK_ARG(Applies() && row_begin >= 0 && row_end <= plan.g.out[1],
                    "DirectConvRowBands::Run needs row-aligned runs, no residual and rows inside the output");
  const int64_t plane = plan.in_h * plan.in_w, out_w = plan.g.out[2];
  const int64_t first = plan.row_first_run[static_cast<size_t>(row_begin)];
  const int64_t last = plan.row_first_run[static_cast<size_t>(row_end)];
  DirectConvTile t;
  t.k_offsets = plan.k_offsets.data();
  t.k = w_.k;
  t.activation = &p_.activation;
  t.channel_stride = y_channel_stride;
  for (int64_t gi = 0; gi < p_.group; ++gi) {
    const float* x = image_input + gi * plan.c_per_group * plane;
    for (int64_t b = 0; b < w_.blocks_per_group; ++b) {
      const int64_t m0 = gi * plan.m_per_group + b * kBlockChannels;
      t.width = w_.block_width[static_cast<size_t>(b)];
      t.w = w_.data.get() + w_.block_offset[static_cast<size_t>(gi * w_.blocks_per_group + b)];
      t.bias = p_.bias ? p_.bias + m0 : nullptr;
      t.channels = BlockChannels(plan.m_per_group, b);
      float* yb = y + m0 * y_channel_stride - row_begin * out_w;
      for (int64_t r = first; r < last; ++r) {
        const DirectConvRun& run = plan.runs[static_cast<size_t>(r)];
        t.x = x + run.x_offset;
        t.y = yb + run.y_offset;
        t.next_y = nullptr;
        if (r + 1 < last) {
          const DirectConvRun& next = plan.runs[static_cast<size_t>(r + 1)];
          t.next_y = yb + next.y_offset;
          t.next_residual = nullptr;
          t.next_channels = t.channels;
          t.next_positions = next.positions;
        }
        ComputeTile(plan, t, run.positions, false);
      }
    }
  }
}

void RunDirectConv(const DirectConvWeights& w, const DirectConvProblem& p, ThreadPool* pool, bool reference) {
  const int threads = ThreadPool::DegreeOfParallelism(pool);
  const std::shared_ptr<const Plan> plan_ptr = GetPlan(w, p, threads);
  const Plan& plan = *plan_ptr;
  const Geometry3D& g = plan.g;
  const int64_t m_per_group = plan.m_per_group, out_size = p.g.OutSize();
  const int64_t plane = plan.in_h * plan.in_w;
  const float* src = PrepareInput(plan, p, reference, pool);
  const int64_t src_group = plan.c_per_group * plane, src_image = p.in_channels * plane;
  const int64_t blocks = w.blocks_per_group, runs = static_cast<int64_t>(plan.runs.size());

  // About one multiply-add per 16 lanes per channel and position, two per cycle.
  const double cycles_per_part = static_cast<double>(w.k) * std::max(plan.total_cost, 1.0) / 32.0 / threads;
  const int64_t items = plan.part_bounds.back();
  ThreadPool::ParallelForParts(pool, plan.part_bounds, cycles_per_part, [&](int64_t first, int64_t last) {
    DirectConvTile t;
    t.k_offsets = plan.k_offsets.data();
    t.k = w.k;
    t.activation = &p.activation;
    t.channel_stride = out_size;
    t.row_stride = g.stride[1] * plan.in_w;
    // Where item `item` computes.
    struct Place {
      const DirectConvRun* run;
      int64_t n, gi, b, m0, y_offset;
    };
    auto place = [&](int64_t item) {
      // Items of split positions are numbered over (image, block, run) of their part's runs.
      int64_t run_begin = 0, run_count = runs;
      if (plan.split_positions) {
        size_t part = 0;
        while (item >= plan.part_bounds[part + 1]) ++part;
        item -= plan.part_bounds[part];
        run_begin = plan.run_bounds[part];
        run_count = plan.run_bounds[part + 1] - run_begin;
      }
      const int64_t image = item / (blocks * run_count), rest = item % (blocks * run_count);
      const ItemPlace at = PlaceItem(rest, blocks, run_count, plan.chunk_runs);
      Place q;
      q.b = at.block;
      q.run = &plan.runs[static_cast<size_t>(run_begin + at.run)];
      q.n = image / p.group;
      q.gi = image % p.group;
      q.m0 = q.gi * m_per_group + q.b * kBlockChannels;
      q.y_offset = (q.n * p.out_channels + q.m0) * out_size + q.run->y_offset;
      return q;
    };
    Place next = first < last ? place(first) : Place{};
    for (int64_t item = first; item < last; ++item) {
      const Place q = next;
      const DirectConvRun& run = *q.run;
      const int64_t b = q.b, m0 = q.m0, y_offset = q.y_offset;
      t.x = src + q.n * src_image + q.gi * src_group + run.x_offset;
      t.width = w.block_width[static_cast<size_t>(b)];
      t.w = w.data.get() + w.block_offset[static_cast<size_t>(q.gi * blocks + b)];
      t.bias = p.bias ? p.bias + m0 : nullptr;
      t.residual = p.residual ? p.residual + y_offset : nullptr;
      t.y = p.y + y_offset;
      t.channels = BlockChannels(m_per_group, b);
      const bool multi_row = plan.tile_rows > 1 && run.positions == plan.tile_rows * g.out[2];
      t.row_width = multi_row ? static_cast<int>(g.out[2]) : 0;
      t.next_y = nullptr;
      // Past the end of this call's items, item + 1 is the likeliest next one: the owner goes on
      // from there.
      if (item + 1 < items) {
        next = place(item + 1);
        t.next_y = p.y + next.y_offset;
        t.next_residual = p.residual ? p.residual + next.y_offset : nullptr;
        t.next_channels = BlockChannels(m_per_group, next.b);
        t.next_positions = next.run->positions;
      }
      ComputeTile(plan, t, run.positions, reference);
    }
  });
}

}  // namespace nn
}  // namespace ortlite
