// The direct convolution (providers/cpu/nn/conv_direct.h) against a naive loop and against its
// scalar tiles: random 1-D/2-D geometries crossing the 16/32-channel blocks and the position
// runs, both tile layouts, strides, dilations, asymmetric pads, groups, batches, bias, residual,
// every fused activation, 1 and 2 threads, and inputs large enough to change the loop order.
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "core/framework/thread_pool.h"
#include "gtest/gtest.h"
#include "providers/cpu/nn/conv_direct.h"
#include "util/random_data.h"

namespace ortlite {
namespace nn {
namespace {

using test::RandomFloats;

struct DirectCase {
  int64_t batch = 1, group = 1, c_per_group = 1, m_per_group = 1;
  Geometry3D g;
  bool bias = true, residual = false;
  Activation activation;
};

std::vector<float> NaiveDirect(const DirectCase& c, const std::vector<float>& x, const std::vector<float>& w,
                               const std::vector<float>& b, const std::vector<float>& z) {
  const Geometry3D& g = c.g;
  const int64_t C = c.group * c.c_per_group, M = c.group * c.m_per_group;
  const int64_t ks = g.kernel[1] * g.kernel[2];
  std::vector<float> y(static_cast<size_t>(c.batch * M * g.OutSize()));
  for (int64_t n = 0; n < c.batch; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < g.out[1]; ++oh)
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          double acc = c.bias ? b[m] : 0.0;
          const int64_t gi = m / c.m_per_group;
          for (int64_t ci = 0; ci < c.c_per_group; ++ci)
            for (int64_t kh = 0; kh < g.kernel[1]; ++kh)
              for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
                const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kh * g.dilation[1];
                const int64_t iw = ow * g.stride[2] - g.pad_begin[2] + kw * g.dilation[2];
                if (ih < 0 || ih >= g.in[1] || iw < 0 || iw >= g.in[2]) continue;
                const int64_t cin = gi * c.c_per_group + ci;
                acc += static_cast<double>(x[((n * C + cin) * g.in[1] + ih) * g.in[2] + iw]) *
                       w[(m * c.c_per_group + ci) * ks + kh * g.kernel[2] + kw];
              }
          const size_t out = static_cast<size_t>(((n * M + m) * g.out[1] + oh) * g.out[2] + ow);
          if (c.residual) acc += z[out];
          y[out] = ActivationReference(c.activation, static_cast<float>(acc));
        }
  return y;
}

void ExpectNear(const std::vector<float>& want, const std::vector<float>& got, const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(want[i], got[i], 1e-4 + 1e-4 * std::fabs(want[i])) << what << " at " << i;
  }
}

// Runs `c` every way the host supports and compares each with the naive loop.
void CheckDirect(const DirectCase& c, unsigned seed) {
  const Geometry3D& g = c.g;
  if (!DirectConvApplies(g, c.c_per_group, c.group)) GTEST_SKIP() << "no direct path on this host";
  std::mt19937 rng(seed);
  const int64_t C = c.group * c.c_per_group, M = c.group * c.m_per_group;
  const int64_t k = c.c_per_group * g.kernel[1] * g.kernel[2];
  const std::vector<float> x = RandomFloats(static_cast<size_t>(c.batch * C * g.InSize()), rng);
  const std::vector<float> w = RandomFloats(static_cast<size_t>(M * k), rng);
  const std::vector<float> b = RandomFloats(static_cast<size_t>(M), rng);
  const std::vector<float> z = RandomFloats(static_cast<size_t>(c.batch * M * g.OutSize()), rng);
  const std::vector<float> want = NaiveDirect(c, x, w, b, z);
  const DirectConvWeights packed = PackDirectConvWeights(w.data(), M, c.group, k);

  DirectConvProblem p;
  p.x = x.data();
  p.batch = c.batch;
  p.in_channels = C;
  p.out_channels = M;
  p.group = c.group;
  p.g = g;
  p.bias = c.bias ? b.data() : nullptr;
  p.residual = c.residual ? z.data() : nullptr;
  p.activation = c.activation;
  ThreadPool two(2);
  std::vector<DirectConvTiles> layouts = {DirectConvTiles::kAuto, DirectConvTiles::kPositionMajor};
  if (g.stride[2] <= 2) layouts.push_back(DirectConvTiles::kChannelMajor);
  for (DirectConvTiles tiles : layouts) {
    for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &two}) {
      for (bool reference : {false, true}) {
        std::vector<float> y(want.size(), 123.f);
        p.tiles = tiles;
        p.y = y.data();
        RunDirectConv(packed, p, pool, reference);
        ExpectNear(want, y, "tiles " + std::to_string(static_cast<int>(tiles)) + (pool ? " 2 threads" : " 1 thread") +
                                (reference ? " reference" : " simd"));
        if (::testing::Test::HasFatalFailure()) return;
      }
    }
  }
  if (c.residual) {
    // The residual in the output buffer itself (an in-place Y = conv + Y).
    std::vector<float> y = z;
    p.tiles = DirectConvTiles::kAuto;
    p.residual = y.data();
    p.y = y.data();
    RunDirectConv(packed, p, &two);
    ExpectNear(want, y, "residual in place");
  }
}

Geometry3D Resolve(int64_t h, int64_t w, int64_t kh, int64_t kw, int64_t sh, int64_t sw, int64_t dh, int64_t dw,
                   int64_t pt, int64_t pl, int64_t pb, int64_t pr) {
  Geometry3D g;
  g.in[1] = h;
  g.in[2] = w;
  g.kernel[1] = kh;
  g.kernel[2] = kw;
  g.stride[1] = sh;
  g.stride[2] = sw;
  g.dilation[1] = dh;
  g.dilation[2] = dw;
  g.pad_begin[1] = pt;
  g.pad_begin[2] = pl;
  g.pad_end[1] = pb;
  g.pad_end[2] = pr;
  g.out[1] = (h + pt + pb - ((kh - 1) * dh + 1)) / sh + 1;
  g.out[2] = (w + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
  return g;
}

Activation PickActivation(int i) {
  Activation a;
  switch (i % 6) {
    case 1: a.kind = ActivationKind::kRelu; break;
    case 2: a.kind = ActivationKind::kClip, a.alpha = -0.5f, a.beta = 0.7f; break;
    case 3: a.kind = ActivationKind::kLeakyRelu, a.alpha = 0.1f; break;
    case 4: a.kind = ActivationKind::kSigmoid; break;
    case 5: a.kind = ActivationKind::kHardSigmoid, a.alpha = 0.2f, a.beta = 0.5f; break;
    default: break;
  }
  return a;
}

TEST(NnConvDirectTest, RandomGeometries) {
  std::mt19937 rng(2024);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int iter = 0; iter < 70; ++iter) {
    DirectCase c;
    c.batch = pick(1, 2);
    c.group = iter % 6 == 5 ? pick(2, 3) : 1;
    c.c_per_group = pick(1, iter % 4 == 0 ? 40 : 9);
    c.m_per_group = pick(1, 70);
    const int64_t kh = pick(1, 3), kw = pick(1, 3), dh = iter % 7 == 3 ? 2 : 1, dw = iter % 5 == 2 ? 2 : 1;
    const int64_t h = pick((kh - 1) * dh + 1, 20), w = pick((kw - 1) * dw + 1, 45);
    c.g = Resolve(h, w, kh, kw, pick(1, 3), pick(1, 2), dh, dw, pick(0, 2), pick(0, 2), pick(0, 2), pick(0, 1));
    c.bias = iter % 3 != 0;
    c.residual = iter % 4 == 1;
    c.activation = PickActivation(iter);
    SCOPED_TRACE("iter " + std::to_string(iter));
    CheckDirect(c, 7000 + iter);
    if (HasFatalFailure()) return;
  }
}

TEST(NnConvDirectTest, PointwiseFlatAndSubsampled) {
  // Pointwise convolutions run on the flattened image (odd sizes leave partial runs), strided
  // ones on a dense copy of the positions they read.
  unsigned seed = 7100;
  for (int64_t m : {5, 16, 24, 33, 64}) {
    for (int64_t c_in : {3, 17, 150}) {
      DirectCase c;
      c.c_per_group = c_in;
      c.m_per_group = m;
      c.g = Resolve(13, 11, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
      c.residual = m == 33;
      c.activation = PickActivation(static_cast<int>(m));
      CheckDirect(c, seed++);
      c.g = Resolve(14, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0);
      CheckDirect(c, seed++);
    }
  }
}

TEST(NnConvDirectTest, LargeInputsRunInChunks) {
  // Inputs larger than the weights and than a chunk's share of L2: the work runs over chunks of
  // position runs (the last one shorter), each chunk over every channel block.
  DirectCase c;
  c.c_per_group = 96;
  c.m_per_group = 40;
  c.g = Resolve(60, 58, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
  c.residual = true;
  c.activation = PickActivation(1);
  CheckDirect(c, 7200);
  c.m_per_group = 72;  // three blocks: 32, 32 and 8 channels
  c.g = Resolve(61, 37, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0);
  CheckDirect(c, 7202);
  c.c_per_group = 80;
  c.m_per_group = 20;
  c.g = Resolve(58, 57, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  CheckDirect(c, 7201);
}

TEST(NnConvDirectTest, NarrowRowsShareTiles) {
  // Output rows 4..7 wide run two or three to a tile (each row read from its own input row),
  // with single-row tiles for the rows left over; strides 1 and 2, both block widths.
  unsigned seed = 7400;
  for (int64_t out_w : {4, 5, 6, 7}) {
    for (int64_t stride : {1, 2}) {
      DirectCase c;
      c.c_per_group = 20;  // k = 180: position tiles
      c.m_per_group = stride == 1 ? 40 : 20;
      const int64_t in_w = (out_w - 1) * stride + 1, in_h = (out_w + 1 - 1) * stride + 1;
      c.g = Resolve(in_h, in_w, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1);
      ASSERT_EQ(c.g.out[2], out_w);
      c.residual = out_w % 2 == 1;
      c.activation = PickActivation(static_cast<int>(out_w));
      CheckDirect(c, seed++);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(NnConvDirectTest, StrideTwoChannelTilesReadSplitColumns) {
  // Stride-2 channel tiles (squeezenet's stem: k = 27, 64 channels, no padding) read a copy whose
  // rows hold the even columns, then the odd ones: odd and even widths, padding, dilation.
  DirectCase c;
  c.c_per_group = 3;
  c.m_per_group = 64;
  c.activation = PickActivation(1);
  c.g = Resolve(37, 45, 3, 3, 2, 2, 1, 1, 0, 0, 0, 0);
  CheckDirect(c, 7400);
  c.g = Resolve(20, 34, 3, 3, 2, 2, 1, 1, 1, 1, 1, 0);
  c.residual = true;
  CheckDirect(c, 7401);
  c.g = Resolve(19, 40, 3, 3, 2, 2, 2, 2, 2, 1, 0, 2);
  CheckDirect(c, 7402);
}

TEST(NnConvDirectTest, PadSplitPlaneMatchesReference) {
  std::mt19937 rng(7500);
  std::uniform_int_distribution<int> size(1, 40), pad(0, 3);
  for (int iter = 0; iter < 200; ++iter) {
    const int64_t in_h = size(rng), in_w = size(rng), pt = pad(rng), pl = pad(rng);
    const int64_t out_h = in_h + pt + pad(rng), out_w = in_w + pl + pad(rng);
    const std::vector<float> x = RandomFloats(static_cast<size_t>(in_h * in_w), rng);
    std::vector<float> plain(static_cast<size_t>(out_h * out_w)), want(plain.size()), got(plain.size(), 7.f);
    DirectConvPadPlaneReference(x.data(), in_h, in_w, pt, pl, out_h, out_w, plain.data());
    DirectConvPadSplitPlaneReference(x.data(), in_h, in_w, pt, pl, out_h, out_w, want.data());
    const int64_t evens = (out_w + 1) / 2;
    for (int64_t h = 0; h < out_h; ++h) {
      for (int64_t w = 0; w < out_w; ++w) {
        ASSERT_EQ(want[h * out_w + (w % 2 ? evens + w / 2 : w / 2)], plain[h * out_w + w]) << h << "," << w;
      }
    }
    if (!DirectConvApplies(Resolve(3, 3, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0), 1, 1)) continue;
    DirectConvPadSplitPlaneAvx512(x.data(), in_h, in_w, pt, pl, out_h, out_w, got.data());
    ASSERT_EQ(want, got) << in_h << "x" << in_w << " pads " << pt << "," << pl << " into " << out_h << "x" << out_w;
  }
}

TEST(NnConvDirectTest, TwoThreadsSplitPositionsOrChannels) {
  // Image-heavy layers split the output positions between threads (every block and image in each
  // band, partial runs at the band edges); weight-heavy ones split the channel blocks.
  DirectCase c;
  c.batch = 2;
  c.group = 2;
  c.c_per_group = 6;
  c.m_per_group = 37;
  c.g = Resolve(23, 31, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  c.residual = true;
  c.activation = PickActivation(3);
  CheckDirect(c, 7300);
  c.batch = 1;
  c.group = 1;
  c.c_per_group = 120;
  c.m_per_group = 70;
  c.g = Resolve(5, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
  CheckDirect(c, 7301);
}

}  // namespace
}  // namespace nn
}  // namespace ortlite
