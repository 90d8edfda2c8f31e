// The Winograd F(2x2, 3x3) and F(4x4, 3x3) convolutions (providers/cpu/nn/conv_winograd.h)
// against a naive loop, each with its AVX-512 transforms and with its scalar reference
// transforms: odd and even image sizes (partial tiles at the right and bottom edges, tile rows
// wider than one 16-tile vector, two narrow tile rows per vector), pads of 0 and 1 on each side,
// batches, bias, residual (also in place) and the fused activations, at 1 and 2 threads
// (tile-row blocks or bands, images, or output channel shares per thread); and which shapes take
// the path with which tile size.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "core/framework/thread_pool.h"
#include "gtest/gtest.h"
#include "providers/cpu/common/cpu_features.h"
#include "providers/cpu/nn/conv_winograd.h"
#include "util/random_data.h"

namespace ortlite {
namespace nn {
namespace {

using test::RandomFloats;

Geometry3D Geometry(int64_t h, int64_t w, int64_t pt, int64_t pl, int64_t pb, int64_t pr) {
  Geometry3D g;
  g.in[1] = h;
  g.in[2] = w;
  g.kernel[1] = g.kernel[2] = 3;
  g.pad_begin[1] = pt;
  g.pad_begin[2] = pl;
  g.pad_end[1] = pb;
  g.pad_end[2] = pr;
  g.out[1] = h + pt + pb - 2;
  g.out[2] = w + pl + pr - 2;
  return g;
}

std::vector<float> NaiveConv3x3(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b,
                                const std::vector<float>* z, const Activation& act, int64_t batch, int64_t C,
                                int64_t M, const Geometry3D& g) {
  std::vector<float> y(static_cast<size_t>(batch * M * g.OutSize()));
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t oh = 0; oh < g.out[1]; ++oh)
        for (int64_t ow = 0; ow < g.out[2]; ++ow) {
          double acc = b[m];
          for (int64_t c = 0; c < C; ++c)
            for (int64_t kh = 0; kh < 3; ++kh)
              for (int64_t kw = 0; kw < 3; ++kw) {
                const int64_t ih = oh - g.pad_begin[1] + kh, iw = ow - g.pad_begin[2] + kw;
                if (ih < 0 || ih >= g.in[1] || iw < 0 || iw >= g.in[2]) continue;
                acc += static_cast<double>(x[((n * C + c) * g.in[1] + ih) * g.in[2] + iw]) * w[((m * C + c) * 3 + kh) * 3 + kw];
              }
          const size_t at = static_cast<size_t>(((n * M + m) * g.out[1] + oh) * g.out[2] + ow);
          if (z) acc += (*z)[at];
          y[at] = ActivationReference(act, static_cast<float>(acc));
        }
  return y;
}

struct WinogradCase {
  int64_t batch = 1, C = 32, M = 32;
  Geometry3D g;
  bool residual = false;
  Activation act;
};

void CheckWinograd(const WinogradCase& c, unsigned seed) {
  std::mt19937 rng(seed);
  const std::vector<float> x = RandomFloats(static_cast<size_t>(c.batch * c.C * c.g.InSize()), rng);
  const std::vector<float> w = RandomFloats(static_cast<size_t>(c.M * c.C * 9), rng);
  const std::vector<float> b = RandomFloats(static_cast<size_t>(c.M), rng);
  const std::vector<float> z = RandomFloats(static_cast<size_t>(c.batch * c.M * c.g.OutSize()), rng);
  const std::vector<float> want = NaiveConv3x3(x, w, b, c.residual ? &z : nullptr, c.act, c.batch, c.C, c.M, c.g);
  for (int tile : {2, 4}) {
  SCOPED_TRACE("F(" + std::to_string(tile) + "x" + std::to_string(tile) + ", 3x3)");
  const WinogradWeights packed = PackWinogradWeights(w.data(), c.M, c.C, tile);
  WinogradProblem p;
  p.x = x.data();
  p.batch = c.batch;
  p.g = c.g;
  p.bias = b.data();
  p.residual = c.residual ? z.data() : nullptr;
  p.activation = c.act;
  ThreadPool two(2);
  const bool simd = ActiveIsa() == IsaLevel::kAvx512;
  for (ThreadPool* pool : {static_cast<ThreadPool*>(nullptr), &two}) {
    for (bool reference : {true, false}) {
      if (!reference && !simd) continue;
      std::vector<float> y(want.size(), 123.f);
      p.y = y.data();
      RunWinogradConv(packed, p, pool, reference);
      const std::string what = std::string(reference ? "reference" : "avx512") + (pool ? ", 2 threads" : ", 1 thread");
      for (size_t i = 0; i < want.size(); ++i) {
        // Products of 9 * C terms of magnitude up to 1, summed in a different order.
        ASSERT_NEAR(want[i], y[i], 2e-4 * std::sqrt(static_cast<double>(c.C)) + 1e-4 * std::fabs(want[i]))
            << what << " at " << i;
      }
    }
  }
  if (c.residual && simd) {
    std::vector<float> y = z;  // Y = conv + Y, in place
    p.residual = y.data();
    p.y = y.data();
    RunWinogradConv(packed, p, &two);
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR(want[i], y[i], 2e-4 * std::sqrt(static_cast<double>(c.C)) + 1e-4 * std::fabs(want[i]))
          << "in place at " << i;
    }
  }
  }
}

TEST(NnConvWinogradTest, MatchesNaiveConvolution) {
  unsigned seed = 9100;
  const ActivationKind kinds[] = {ActivationKind::kNone, ActivationKind::kRelu, ActivationKind::kSigmoid};
  int k = 0;
  for (const Geometry3D& g : {Geometry(9, 9, 1, 1, 1, 1), Geometry(10, 37, 1, 1, 1, 1), Geometry(8, 33, 0, 0, 0, 0),
                              Geometry(11, 6, 1, 0, 0, 1), Geometry(3, 70, 0, 1, 1, 0)}) {
    WinogradCase c;
    c.g = g;
    c.batch = k % 2 ? 2 : 1;
    c.C = k % 3 == 0 ? 5 : 33;
    c.M = k % 2 ? 40 : 7;
    c.residual = k % 2 == 1;
    c.act.kind = kinds[k % 3];
    SCOPED_TRACE("case " + std::to_string(k));
    CheckWinograd(c, seed++);
    if (HasFatalFailure()) return;
    ++k;
  }
}

TEST(NnConvWinogradTest, ManyChannelsAndBlocks) {
  // Enough tile rows for several blocks per image (at 30x29 for F(2x2); at 46x70, two 16-tile
  // vectors per F(4x4) tile row, for both), and a clipped activation.
  WinogradCase c;
  c.C = 64;
  c.M = 48;
  c.act.kind = ActivationKind::kClip;
  c.act.alpha = -0.5f;
  c.act.beta = 0.5f;
  c.g = Geometry(30, 29, 1, 1, 1, 1);
  CheckWinograd(c, 9200);
  c.g = Geometry(46, 70, 1, 0, 1, 1);
  CheckWinograd(c, 9201);
}

TEST(NnConvWinogradTest, SmallImagesRunWholeAndSplitPerThread) {
  // At most 8 tiles per row pair two tile rows per vector; small images run as one block. With one
  // image and two threads, F(2x2) gives each thread a share of the output channels (50: the
  // shares end inside a GEMM panel of 12 rows) and F(4x4) a band of tile rows: 4 rows as 2 + 2,
  // 7 (28x28) as 4 + 3, 5 (18x20) as 2 + 2 + 1 (bands keep pairs of rows whole). Odd tile-row
  // counts leave the last pair half used; a batch of two splits by image instead.
  int k = 0;
  for (const Geometry3D& g : {Geometry(14, 14, 1, 1, 1, 1), Geometry(13, 15, 1, 1, 1, 1), Geometry(16, 12, 0, 1, 0, 1),
                              Geometry(28, 28, 1, 1, 1, 1), Geometry(18, 20, 1, 1, 1, 1)}) {
    WinogradCase c;
    c.g = g;
    c.batch = k == 2 ? 2 : 1;
    c.C = 40;
    c.M = 50;
    c.residual = k != 1;
    c.act.kind = k == 1 ? ActivationKind::kRelu : ActivationKind::kNone;
    SCOPED_TRACE("case " + std::to_string(k));
    CheckWinograd(c, 9300 + k);
    if (HasFatalFailure()) return;
    ++k;
  }
}

TEST(NnConvWinogradTest, AppliesToLargeStrideOneConvolutionsOnly) {
  if (ActiveIsa() != IsaLevel::kAvx512) GTEST_SKIP() << "no Winograd path on this host";
  EXPECT_TRUE(WinogradApplies(Geometry(56, 56, 1, 1, 1, 1), 64, 64, 1));
  EXPECT_TRUE(WinogradApplies(Geometry(28, 28, 1, 1, 1, 1), 128, 128, 1));
  EXPECT_TRUE(WinogradApplies(Geometry(14, 14, 1, 1, 1, 1), 256, 256, 1));
  EXPECT_TRUE(WinogradApplies(Geometry(13, 13, 1, 1, 1, 1), 64, 256, 1));
  EXPECT_FALSE(WinogradApplies(Geometry(12, 12, 1, 1, 1, 1), 64, 256, 1));  // too few positions
  EXPECT_FALSE(WinogradApplies(Geometry(7, 7, 1, 1, 1, 1), 512, 512, 1));  // weights outweigh the image
  EXPECT_TRUE(WinogradApplies(Geometry(55, 55, 1, 1, 1, 1), 16, 64, 1));
  EXPECT_TRUE(WinogradApplies(Geometry(56, 56, 1, 1, 1, 1), 64, 8, 1));
  EXPECT_FALSE(WinogradApplies(Geometry(56, 56, 1, 1, 1, 1), 7, 64, 1));    // too few channels
  EXPECT_FALSE(WinogradApplies(Geometry(56, 56, 1, 1, 1, 1), 64, 4, 1));
  EXPECT_FALSE(WinogradApplies(Geometry(56, 56, 1, 1, 1, 1), 64, 64, 2));    // grouped
  Geometry3D strided = Geometry(56, 56, 1, 1, 1, 1);
  strided.stride[1] = strided.stride[2] = 2;
  EXPECT_FALSE(WinogradApplies(strided, 64, 64, 1));
  EXPECT_FALSE(WinogradApplies(Geometry(56, 56, 2, 2, 2, 2), 64, 64, 1));  // pads beyond 1
  EXPECT_EQ(WinogradTileFor(Geometry(56, 56, 1, 1, 1, 1)), 4);
  EXPECT_EQ(WinogradTileFor(Geometry(27, 27, 1, 1, 1, 1)), 4);
  EXPECT_EQ(WinogradTileFor(Geometry(14, 14, 1, 1, 1, 1)), 2);  // 4 tiles per row: too few lanes used
}

}  // namespace
}  // namespace nn
}  // namespace ortlite
