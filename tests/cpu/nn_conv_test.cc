// Conv and ConvTranspose against naive direct-loop references over random data: 1-D/2-D/3-D,
// groups, depthwise, pointwise, dilations, strides, asymmetric and automatic padding, banded
// im2col, output_padding/output_shape, every float type, empty batches and bad inputs.
#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "providers/cpu/nn/spatial_attributes.h"
#include "util/op_tester.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

std::vector<float> RandomValues(int64_t n, unsigned seed) {
  return RandomFloats(static_cast<size_t>(n), seed, -1.f, 1.f);
}

struct ConvSpec {
  std::vector<int64_t> x_dims;  // N, C, spatial...
  int64_t out_channels = 1;
  std::vector<int64_t> kernel;
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads;  // pads: begin..., end...
  bool bias = true;
};

// Promotes a spatial vector to 3 entries by prepending `fill`.
std::vector<int64_t> To3(const std::vector<int64_t>& v, int64_t fill) {
  std::vector<int64_t> out(3 - v.size(), fill);
  out.insert(out.end(), v.begin(), v.end());
  return out;
}

struct Conv3 {
  std::vector<int64_t> in, out, k, s, d, pb;
};

Conv3 Promote(const std::vector<int64_t>& in, const std::vector<int64_t>& out, const ConvSpec& c) {
  const size_t r = in.size();
  Conv3 g;
  g.in = To3(in, 1);
  g.out = To3(out, 1);
  g.k = To3(c.kernel, 1);
  g.s = To3(c.strides.empty() ? std::vector<int64_t>(r, 1) : c.strides, 1);
  g.d = To3(c.dilations.empty() ? std::vector<int64_t>(r, 1) : c.dilations, 1);
  g.pb = To3(c.pads.empty() ? std::vector<int64_t>(r, 0) : std::vector<int64_t>(c.pads.begin(), c.pads.begin() + r), 0);
  return g;
}

std::vector<int64_t> ConvOutputSpatial(const ConvSpec& c) {
  const size_t r = c.x_dims.size() - 2;
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t s = c.strides.empty() ? 1 : c.strides[i];
    const int64_t d = c.dilations.empty() ? 1 : c.dilations[i];
    const int64_t pads = c.pads.empty() ? 0 : c.pads[i] + c.pads[i + r];
    out[i] = (c.x_dims[2 + i] + pads - ((c.kernel[i] - 1) * d + 1)) / s + 1;
  }
  return out;
}

std::vector<float> NaiveConv(const ConvSpec& c, const std::vector<float>& x, const std::vector<float>& w,
                             const std::vector<float>& b, const std::vector<int64_t>& out_spatial) {
  const int64_t N = c.x_dims[0], C = c.x_dims[1], M = c.out_channels, G = c.group;
  const Conv3 g = Promote(std::vector<int64_t>(c.x_dims.begin() + 2, c.x_dims.end()), out_spatial, c);
  const int64_t out_size = g.out[0] * g.out[1] * g.out[2];
  const int64_t ks = g.k[0] * g.k[1] * g.k[2];
  const int64_t cg = C / G, mg = M / G;
  std::vector<float> y(static_cast<size_t>(N * M * out_size));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t o0 = 0; o0 < g.out[0]; ++o0)
        for (int64_t o1 = 0; o1 < g.out[1]; ++o1)
          for (int64_t o2 = 0; o2 < g.out[2]; ++o2) {
            double acc = c.bias ? b[m] : 0.0;
            for (int64_t ci = 0; ci < cg; ++ci) {
              const int64_t cin = (m / mg) * cg + ci;
              for (int64_t k0 = 0; k0 < g.k[0]; ++k0)
                for (int64_t k1 = 0; k1 < g.k[1]; ++k1)
                  for (int64_t k2 = 0; k2 < g.k[2]; ++k2) {
                    const int64_t i0 = o0 * g.s[0] - g.pb[0] + k0 * g.d[0];
                    const int64_t i1 = o1 * g.s[1] - g.pb[1] + k1 * g.d[1];
                    const int64_t i2 = o2 * g.s[2] - g.pb[2] + k2 * g.d[2];
                    if (i0 < 0 || i0 >= g.in[0] || i1 < 0 || i1 >= g.in[1] || i2 < 0 || i2 >= g.in[2]) continue;
                    const double xv = x[((n * C + cin) * g.in[0] + i0) * g.in[1] * g.in[2] + i1 * g.in[2] + i2];
                    const double wv = w[(m * cg + ci) * ks + (k0 * g.k[1] + k1) * g.k[2] + k2];
                    acc += xv * wv;
                  }
            }
            y[(n * M + m) * out_size + (o0 * g.out[1] + o1) * g.out[2] + o2] = static_cast<float>(acc);
          }
  return y;
}

void AddConvAttributes(OpTester& t, const ConvSpec& c) {
  if (c.group != 1) t.AddAttribute("group", c.group);
  if (!c.strides.empty()) t.AddAttribute("strides", c.strides);
  if (!c.dilations.empty()) t.AddAttribute("dilations", c.dilations);
  if (!c.pads.empty()) t.AddAttribute("pads", c.pads);
  t.AddAttribute("kernel_shape", c.kernel);
}

void CheckConv(const ConvSpec& c, unsigned seed, int opset = 11, bool constant_weights = true) {
  std::vector<int64_t> w_dims = {c.out_channels, c.x_dims[1] / c.group};
  w_dims.insert(w_dims.end(), c.kernel.begin(), c.kernel.end());
  const std::vector<float> x = RandomValues(ElementCount(c.x_dims), seed), w = RandomValues(ElementCount(w_dims), seed + 1),
                           b = RandomValues(c.out_channels, seed + 2);
  const std::vector<int64_t> out_spatial = ConvOutputSpatial(c);
  std::vector<int64_t> y_dims = {c.x_dims[0], c.out_channels};
  y_dims.insert(y_dims.end(), out_spatial.begin(), out_spatial.end());
  OpTester t("Conv", opset);
  AddConvAttributes(t, c);
  t.AddInput<float>("X", c.x_dims, x);
  t.AddInput<float>("W", w_dims, w, constant_weights);
  if (c.bias) t.AddInput<float>("B", {c.out_channels}, b, constant_weights);
  t.AddOutput<float>("Y", y_dims, NaiveConv(c, x, w, b, out_spatial));
  t.SetTolerance(1e-4, 1e-4);
  t.Run();
}

TEST(NnConvTest, Conv2DBasicPadded) {
  // The ONNX example: 5x5 ramp, 3x3 ones kernel, pads 1.
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i);
  OpTester t("Conv", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{3, 3});
  t.AddAttribute("pads", std::vector<int64_t>{1, 1, 1, 1});
  t.AddInput<float>("X", {1, 1, 5, 5}, x);
  t.AddInput<float>("W", {1, 1, 3, 3}, std::vector<float>(9, 1.f));
  t.AddOutput<float>("Y", {1, 1, 5, 5},
                     {12, 21, 27, 33, 24, 33, 54, 63, 72, 51, 63, 99, 108, 117, 81,
                      93, 144, 153, 162, 111, 72, 111, 117, 123, 84});
  t.Run();
}

TEST(NnConvTest, Conv1D) {
  CheckConv({{2, 3, 11}, 4, {3}, 1, {2}, {2}, {1, 2}, true}, 1);
  CheckConv({{1, 2, 7}, 3, {7}, 1, {}, {}, {}, false}, 2);
}

TEST(NnConvTest, Conv2DGroupsStridesDilationsAsymmetricPads) {
  CheckConv({{2, 4, 7, 9}, 6, {3, 2}, 2, {2, 1}, {1, 2}, {1, 0, 2, 1}, true}, 3);
  CheckConv({{1, 3, 13, 13}, 5, {3, 3}, 1, {2, 2}, {}, {1, 1, 1, 1}, true}, 4, 1);
}

TEST(NnConvTest, Conv2DDepthwiseAndMultiplier) {
  CheckConv({{2, 5, 9, 8}, 5, {3, 3}, 5, {2, 2}, {}, {1, 1, 1, 1}, true}, 5);
  CheckConv({{1, 4, 7, 7}, 8, {3, 3}, 4, {1, 1}, {2, 2}, {2, 2, 2, 2}, false}, 6);
  CheckConv({{1, 3, 6, 10}, 3, {1, 5}, 3, {1, 3}, {}, {0, 2, 0, 1}, true}, 7);
}

TEST(NnConvTest, Conv2DPointwise) {
  CheckConv({{2, 7, 5, 6}, 9, {1, 1}, 1, {}, {}, {}, true}, 8);
  CheckConv({{1, 4, 5, 6}, 3, {1, 1}, 1, {2, 2}, {}, {}, false}, 9);
  CheckConv({{1, 4, 5, 6}, 4, {1, 1}, 2, {}, {}, {1, 0, 0, 1}, true}, 10);
}

TEST(NnConvTest, Conv3D) {
  CheckConv({{1, 2, 4, 5, 6}, 3, {2, 3, 2}, 1, {1, 2, 1}, {}, {0, 1, 1, 1, 0, 1}, true}, 11);
  CheckConv({{2, 4, 5, 5, 5}, 4, {3, 3, 3}, 2, {2, 2, 2}, {1, 1, 1}, {1, 1, 1, 1, 1, 1}, true}, 12);
}

TEST(NnConvTest, Conv2DLargeImageUsesSeveralBands) {
  CheckConv({{1, 16, 160, 160}, 4, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true}, 13);
}

TEST(NnConvTest, AutoPadSameAndValid) {
  // SAME_UPPER puts the odd padding at the end, SAME_LOWER at the start; compare against the
  // equivalent explicit pads.
  for (const char* mode : {"SAME_UPPER", "SAME_LOWER", "VALID"}) {
    const std::vector<int64_t> x_dims = {1, 2, 7, 8};
    const std::vector<float> x = RandomValues(ElementCount(x_dims), 20), w = RandomValues(3 * 2 * 3 * 3, 21);
    ConvSpec c{x_dims, 3, {3, 3}, 1, {2, 2}, {}, {}, false};
    // Output ceil(7/2)=4, ceil(8/2)=4; totals: (4-1)*2+3-7 = 2, (4-1)*2+3-8 = 1.
    if (std::string(mode) == "SAME_UPPER") c.pads = {1, 0, 1, 1};
    if (std::string(mode) == "SAME_LOWER") c.pads = {1, 1, 1, 0};
    const std::vector<int64_t> out = ConvOutputSpatial(c);
    OpTester t("Conv", 11);
    t.AddAttribute("auto_pad", mode);
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddInput<float>("X", x_dims, x);
    t.AddInput<float>("W", {3, 2, 3, 3}, w);
    t.AddOutput<float>("Y", {1, 3, out[0], out[1]}, NaiveConv(c, x, w, {}, out));
    t.SetTolerance(1e-4, 1e-4);
    t.Run();
  }
}

TEST(NnConvTest, DoubleAndHalfTypes) {
  const ConvSpec c{{1, 2, 5, 5}, 2, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true};
  const std::vector<float> x = RandomValues(50, 30), w = RandomValues(36, 31), b = RandomValues(2, 32);
  const std::vector<float> y = NaiveConv(c, x, w, b, {5, 5});
  {
    OpTester t("Conv", 11);
    t.AddAttribute("pads", c.pads);
    t.AddInput<double>("X", c.x_dims, std::vector<double>(x.begin(), x.end()));
    t.AddInput<double>("W", {2, 2, 3, 3}, std::vector<double>(w.begin(), w.end()));
    t.AddInput<double>("B", {2}, std::vector<double>(b.begin(), b.end()));
    t.AddOutput<double>("Y", {1, 2, 5, 5}, std::vector<double>(y.begin(), y.end()));
    t.SetTolerance(1e-5, 1e-5);
    t.Run();
  }
  {
    auto half = [](const std::vector<float>& v) {
      std::vector<MLFloat16> h;
      for (float f : v) h.emplace_back(f);
      return h;
    };
    // Expected from the half-rounded inputs, then rounded once more.
    std::vector<float> xr, wr, br;
    for (auto h : half(x)) xr.push_back(h.ToFloat());
    for (auto h : half(w)) wr.push_back(h.ToFloat());
    for (auto h : half(b)) br.push_back(h.ToFloat());
    OpTester t("Conv", 11);
    t.AddAttribute("pads", c.pads);
    t.AddInput<MLFloat16>("X", c.x_dims, half(x));
    t.AddInput<MLFloat16>("W", {2, 2, 3, 3}, half(w));
    t.AddInput<MLFloat16>("B", {2}, half(b));
    t.AddOutput<MLFloat16>("Y", {1, 2, 5, 5}, half(NaiveConv(c, xr, wr, br, {5, 5})));
    t.SetTolerance(2e-3, 2e-3);
    t.Run();
  }
}

TEST(NnConvTest, EmptyBatch) {
  OpTester t("Conv", 11);
  t.AddInput<float>("X", {0, 2, 4, 4}, {});
  t.AddInput<float>("W", {3, 2, 3, 3}, std::vector<float>(54, 1.f));
  t.AddOutput<float>("Y", {0, 3, 2, 2}, {});
  t.Run();
}

TEST(NnConvTest, BadInputs) {
  {
    OpTester t("Conv", 11);
    t.AddInput<float>("X", {1, 3, 4, 4}, std::vector<float>(48, 1.f));
    t.AddInput<float>("W", {2, 2, 3, 3}, std::vector<float>(36, 1.f));
    t.AddOutput<float>("Y", {1, 2, 2, 2}, std::vector<float>(8));
    t.RunExpectFailure("does not match input channels");
  }
  {
    OpTester t("Conv", 11);
    t.AddInput<float>("X", {1, 1, 2, 2}, std::vector<float>(4, 1.f));
    t.AddInput<float>("W", {1, 1, 3, 3}, std::vector<float>(9, 1.f));
    t.AddOutput<float>("Y", {1, 1, 1, 1}, {0.f});
    t.RunExpectFailure("larger than the padded input");
  }
  {
    OpTester t("Conv", 11);
    t.AddAttribute("group", int64_t{2});
    t.AddInput<float>("X", {1, 3, 4, 4}, std::vector<float>(48, 1.f));
    t.AddInput<float>("W", {2, 1, 3, 3}, std::vector<float>(18, 1.f));
    t.AddOutput<float>("Y", {1, 2, 2, 2}, std::vector<float>(8));
    t.RunExpectFailure("not divisible by group");
  }
}

TEST(NnConvTest, RandomGeometriesPrepackedAndNot) {
  // Odd sizes around the GEMM tiles (12 x 32 / 6 x 16 / 4 x 16), groups, strides, dilations and
  // asymmetric pads; W constant (packed at session start) and W fed at run time (packed per run).
  std::mt19937 rng(77);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int iter = 0; iter < 40; ++iter) {
    ConvSpec c;
    const int64_t group = iter % 5 == 0 ? pick(2, 3) : 1;
    const int64_t k = pick(1, 3), stride = pick(1, 2), dilation = iter % 7 == 3 ? 2 : 1;
    c.x_dims = {pick(1, 2), group * pick(1, 5), pick(k * dilation, 19), pick(k * dilation, 40)};
    c.out_channels = group * pick(1, 27);
    c.kernel = {k, pick(1, 3)};
    c.group = group;
    c.strides = {stride, pick(1, 2)};
    c.dilations = {dilation, 1};
    c.pads = {pick(0, 1), pick(0, 2), pick(0, 1), pick(0, 1)};
    c.bias = iter % 3 != 0;
    if (c.kernel[1] > c.x_dims[3]) c.kernel[1] = 1;
    CheckConv(c, 100 + iter, 11, iter % 2 == 0);
  }
}

TEST(NnConvTest, ResNetLikeShapes) {
  // Pointwise and 3x3 shapes of the benchmark CNNs, scaled down in channels.
  CheckConv({{1, 64, 14, 14}, 40, {1, 1}, 1, {}, {}, {}, true}, 201);
  CheckConv({{1, 32, 15, 15}, 36, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true}, 202);
  CheckConv({{1, 24, 7, 7}, 50, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true}, 203, 11, false);
  CheckConv({{1, 3, 37, 37}, 16, {7, 7}, 1, {2, 2}, {}, {3, 3, 3, 3}, true}, 204);
  CheckConv({{1, 16, 28, 28}, 32, {1, 1}, 1, {2, 2}, {}, {}, false}, 205);
}

TEST(NnConvTest, SmallImagesManyChannels) {
  // Small outputs with many channels (the deep layers of CNNs): position runs of whole short rows
  // (7, 13, 14) or of the flattened image (pointwise), strides 1 and 2, pointwise and 3x3,
  // weights constant (packed at session start) or fed.
  CheckConv({{1, 64, 14, 14}, 96, {1, 1}, 1, {}, {}, {}, true}, 401);
  CheckConv({{1, 48, 14, 14}, 64, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true}, 402, 11, false);
  CheckConv({{1, 40, 7, 7}, 96, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, false}, 403);
  CheckConv({{1, 64, 13, 13}, 100, {1, 1}, 1, {}, {}, {}, true}, 404);
  CheckConv({{1, 32, 13, 13}, 64, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true}, 405);
  CheckConv({{1, 32, 14, 14}, 64, {3, 3}, 1, {2, 2}, {}, {1, 1, 1, 1}, true}, 406);
  CheckConv({{1, 64, 14, 14}, 64, {1, 1}, 1, {2, 2}, {}, {}, true}, 407, 11, false);
  CheckConv({{2, 64, 7, 7}, 64, {3, 3}, 2, {}, {}, {1, 1, 1, 1}, true}, 408);
}

TEST(NnConvTest, DepthwiseFastPathGeometries) {
  // Widths crossing the 16-lane vectors, strides 1 and 2, kernels 3 and 5, padded and not.
  unsigned seed = 300;
  for (int64_t width : {5, 16, 17, 33, 40}) {
    for (int64_t stride : {1, 2}) {
      for (int64_t k : {3, 5}) {
        const int64_t pad = k / 2;
        CheckConv({{1, 6, 9, width}, 6, {k, k}, 6, {stride, stride}, {}, {pad, pad, pad, pad}, true}, seed++);
        CheckConv({{2, 4, 8, width + 2}, 8, {k, k}, 4, {stride, stride}, {}, {0, 1, 1, 0}, false}, seed++, 11, false);
      }
    }
  }
}

TEST(NnConvTest, Depthwise3DWithFlatKernels) {
  // 1 x k x k kernels over several depth slices (and a padded depth): every slice computed, not
  // only the first.
  CheckConv({{1, 4, 3, 6, 7}, 4, {1, 3, 3}, 4, {}, {}, {0, 1, 1, 0, 1, 1}, true}, 390);
  CheckConv({{2, 3, 2, 9, 20}, 6, {1, 5, 5}, 3, {1, 2, 2}, {}, {1, 2, 2, 1, 2, 2}, false}, 391);
  CheckConv({{1, 5, 4, 6, 6}, 5, {1, 3, 3}, 5, {2, 1, 1}, {}, {0, 1, 1, 0, 1, 1}, true}, 392);
}

TEST(NnConvTest, Depthwise3DKernelOverOnePaddedSlice) {
  // A 3x3x3 kernel over a single depth slice padded on both sides: only the middle kernel slice
  // meets the data, so no 2-D plane kernel (which reads the first 9 weights) may take it, also
  // not the pairs of small planes.
  CheckConv({{1, 4, 1, 5, 5}, 4, {3, 3, 3}, 4, {}, {}, {1, 1, 1, 1, 1, 1}, true}, 395);
  CheckConv({{1, 3, 1, 9, 20}, 3, {3, 3, 3}, 3, {}, {}, {1, 1, 1, 1, 1, 1}, false}, 396);
}

TEST(NnConvTest, DepthwiseRowBlocks) {
  // 3x3 planes computed in blocks of up to 8 output rows x 1 to 4 vectors: heights that leave
  // partial blocks, widths giving 1 to 5 vectors (a full group of 4 and a tail), the top and
  // bottom rows reaching into the padding, channel multipliers.
  unsigned seed = 330;
  for (int64_t height : {1, 7, 13, 23}) {
    for (int64_t width : {3, 14, 49, 70}) {
      for (int64_t stride : {1, 2}) {
        const int64_t w = stride == 2 ? 2 * width : width;
        CheckConv({{1, 3, height + 2, w}, 3, {3, 3}, 3, {stride, stride}, {}, {1, 1, 1, 1}, true}, seed++);
        CheckConv({{1, 2, height + 2, w + 1}, 4, {3, 3}, 2, {stride, stride}, {}, {0, 1, 2, 0}, false}, seed++);
      }
    }
  }
}

TEST(NnConvTest, DepthwisePairsOfSmallPlanes) {
  // Output rows of at most 8 columns go two planes to a vector: widths 1 to 8 at strides 1 and 2,
  // rows and columns reaching into the padding, odd plane counts (the last plane alone), pairs
  // spanning two images, and channel multipliers (pairs reading one input plane).
  unsigned seed = 360;
  for (int64_t out_w : {1, 3, 7, 8}) {
    for (int64_t stride : {1, 2}) {
      const int64_t width = stride == 1 ? out_w : 2 * out_w;
      CheckConv({{1, 7, 5, width}, 7, {3, 3}, 7, {stride, stride}, {}, {1, 1, 1, 1}, true}, seed++);
      CheckConv({{2, 3, 9, width + 1}, 3, {3, 3}, 3, {stride, stride}, {}, {0, 1, 2, 0}, false}, seed++);
      CheckConv({{1, 3, 4, width + 2}, 6, {3, 3}, 3, {stride, stride}, {}, {}, true}, seed++);
    }
  }
}

TEST(NnConvTest, DepthwiseStride2RandomShapes) {
  // Stride-2 3x3 planes with one column of left padding read each input row once (two planes to a
  // vector when the output rows are at most 8 wide): random heights, widths (1 to 5 vectors of
  // output), top and bottom padding of 0 to 2, right padding of 0 to 2.
  std::mt19937 rng(41);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int iter = 0; iter < 40; ++iter) {
    const int64_t channels = pick(1, 5), height = pick(1, 20), width = pick(1, 150);
    const std::vector<int64_t> pads = {pick(0, 2), 1, pick(0, 2), pick(0, 2)};
    if (height + pads[0] + pads[2] < 3 || width + 1 + pads[3] < 3) continue;
    CheckConv({{1 + iter % 2, channels, height, width}, channels, {3, 3}, channels, {2, 2}, {}, pads, iter % 3 != 0},
              500 + iter, 11, iter % 4 != 0);
  }
}

TEST(NnConvTest, Im2ColPanelsMatchesReference) {
  std::mt19937 rng(5);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int iter = 0; iter < 60; ++iter) {
    nn::Geometry3D g;
    g.in[1] = pick(1, 12);
    g.in[2] = pick(1, 40);
    g.kernel[1] = pick(1, std::min<int64_t>(3, g.in[1]));
    g.kernel[2] = pick(1, std::min<int64_t>(5, g.in[2]));
    g.stride[1] = pick(1, 2);
    g.stride[2] = pick(1, 3);
    g.dilation[2] = iter % 5 == 0 && g.in[2] > 2 * g.kernel[2] ? 2 : 1;
    g.pad_begin[1] = pick(0, 1);
    g.pad_begin[2] = pick(0, 2);
    g.pad_end[1] = pick(0, 1);
    g.pad_end[2] = pick(0, 2);
    g.out[1] = (g.in[1] + g.pad_begin[1] + g.pad_end[1] - g.kernel[1]) / g.stride[1] + 1;
    g.out[2] = (g.in[2] + g.pad_begin[2] + g.pad_end[2] - ((g.kernel[2] - 1) * g.dilation[2] + 1)) / g.stride[2] + 1;
    if (g.out[2] <= 0) continue;
    const int64_t channels = pick(1, 3), rows_total = channels * g.KernelSize(), cols_total = g.OutSize();
    const std::vector<float> x = RandomValues(channels * g.InSize(), 40 + iter);
    const int64_t row0 = pick(0, static_cast<int>(rows_total - 1)), rows = pick(1, static_cast<int>(rows_total - row0));
    const int64_t col0 = pick(0, static_cast<int>(cols_total - 1)), cols = pick(1, static_cast<int>(cols_total - col0));
    for (int nr : {16, 32}) {
      const size_t size = static_cast<size_t>((cols + nr - 1) / nr * nr * rows);
      std::vector<float> expected(size, 9.f), actual(size, -9.f);
      nn::Im2ColPanelsReference(x.data(), g, row0, rows, col0, cols, nr, expected.data());
      nn::Im2ColPanels(x.data(), g, row0, rows, col0, cols, nr, actual.data());
      ASSERT_EQ(expected, actual) << "iter " << iter << " nr " << nr;
      // Spot-check the reference against the definition.
      const int64_t r = rows - 1, col = cols - 1;
      const int64_t kk = (row0 + r) % g.KernelSize(), ch = (row0 + r) / g.KernelSize();
      const int64_t oh = (col0 + col) / g.out[2], ow = (col0 + col) % g.out[2];
      const int64_t ih = oh * g.stride[1] - g.pad_begin[1] + kk / g.kernel[2];
      const int64_t iw = ow * g.stride[2] - g.pad_begin[2] + (kk % g.kernel[2]) * g.dilation[2];
      const float want = ih >= 0 && ih < g.in[1] && iw >= 0 && iw < g.in[2] ? x[(ch * g.in[1] + ih) * g.in[2] + iw] : 0.f;
      ASSERT_EQ(expected[(col / nr) * rows * nr + r * nr + col % nr], want);
    }
  }
}

// ---- FusedConv -------------------------------------------------------------------------------

float ApplyNamed(const std::string& act, const std::vector<float>& params, float v) {
  if (act == "Relu") return std::max(v, 0.f);
  if (act == "Clip") return std::min(std::max(v, params[0]), params[1]);
  if (act == "LeakyRelu") return v >= 0.f ? v : params[0] * v;
  if (act == "Sigmoid") return 1.f / (1.f + std::exp(-v));
  if (act == "Tanh") return std::tanh(v);
  if (act == "HardSigmoid") return std::max(0.f, std::min(1.f, params[0] * v + params[1]));
  return v;
}

void CheckFusedConv(const ConvSpec& c, const std::string& act, const std::vector<float>& params, bool with_z,
                    unsigned seed) {
  std::vector<int64_t> w_dims = {c.out_channels, c.x_dims[1] / c.group};
  w_dims.insert(w_dims.end(), c.kernel.begin(), c.kernel.end());
  const std::vector<float> x = RandomValues(ElementCount(c.x_dims), seed), w = RandomValues(ElementCount(w_dims), seed + 1),
                           b = RandomValues(c.out_channels, seed + 2);
  const std::vector<int64_t> out_spatial = ConvOutputSpatial(c);
  std::vector<int64_t> y_dims = {c.x_dims[0], c.out_channels};
  y_dims.insert(y_dims.end(), out_spatial.begin(), out_spatial.end());
  std::vector<float> y = NaiveConv(c, x, w, b, out_spatial);
  const std::vector<float> z = RandomValues(ElementCount(y_dims), seed + 3);
  for (size_t i = 0; i < y.size(); ++i) y[i] = ApplyNamed(act, params, y[i] + (with_z ? z[i] : 0.f));
  OpTester t("FusedConv", 1, "com.microsoft");
  AddConvAttributes(t, c);
  if (!act.empty()) t.AddAttribute("activation", act);
  if (!params.empty()) t.AddAttribute("activation_params", params);
  t.AddInput<float>("X", c.x_dims, x);
  t.AddInput<float>("W", w_dims, w, true);
  if (c.bias || with_z) {
    if (c.bias) {
      t.AddInput<float>("B", {c.out_channels}, b, true);
    } else {
      t.AddMissingInput();
    }
  }
  if (with_z) t.AddInput<float>("Z", y_dims, z);
  t.AddOutput<float>("Y", y_dims, y);
  t.SetTolerance(1e-4, 1e-4);
  t.Run();
}

TEST(NnConvTest, FusedConvActivations) {
  const ConvSpec general{{1, 5, 9, 11}, 14, {3, 3}, 1, {1, 1}, {}, {1, 1, 1, 1}, true};
  const ConvSpec pointwise{{2, 7, 6, 6}, 13, {1, 1}, 1, {}, {}, {}, false};
  const ConvSpec depthwise{{1, 6, 10, 21}, 6, {3, 3}, 6, {2, 2}, {}, {1, 1, 1, 1}, true};
  const ConvSpec small_image{{1, 48, 7, 7}, 64, {3, 3}, 1, {}, {}, {1, 1, 1, 1}, true};
  // Depthwise planes two to a vector, a pair spanning both images.
  const ConvSpec small_depthwise{{2, 5, 7, 7}, 5, {3, 3}, 5, {}, {}, {1, 1, 1, 1}, true};
  unsigned seed = 500;
  for (const ConvSpec* c : {&general, &pointwise, &depthwise, &small_image, &small_depthwise}) {
    CheckFusedConv(*c, "Relu", {}, false, seed++);
    CheckFusedConv(*c, "Clip", {0.f, 0.5f}, false, seed++);
    CheckFusedConv(*c, "LeakyRelu", {0.2f}, true, seed++);
    CheckFusedConv(*c, "Sigmoid", {}, false, seed++);
    CheckFusedConv(*c, "Tanh", {}, true, seed++);
    CheckFusedConv(*c, "HardSigmoid", {0.3f, 0.4f}, false, seed++);
    CheckFusedConv(*c, "", {}, true, seed++);
  }
}

TEST(NnConvTest, FusedConvBadInputs) {
  {
    OpTester t("FusedConv", 1, "com.microsoft");
    t.AddAttribute("activation", "Swish");
    t.AddInput<float>("X", {1, 1, 3, 3}, std::vector<float>(9, 1.f));
    t.AddInput<float>("W", {1, 1, 1, 1}, {1.f});
    t.AddOutput<float>("Y", {1, 1, 3, 3}, std::vector<float>(9));
    t.RunExpectFailure("unsupported fused activation");
  }
  {
    OpTester t("FusedConv", 1, "com.microsoft");
    t.AddAttribute("activation", "Relu");
    t.AddInput<float>("X", {1, 1, 3, 3}, std::vector<float>(9, 1.f));
    t.AddInput<float>("W", {1, 1, 1, 1}, {1.f});
    t.AddInput<float>("B", {1}, {0.f});
    t.AddInput<float>("Z", {1, 1, 2, 3}, std::vector<float>(6));
    t.AddOutput<float>("Y", {1, 1, 3, 3}, std::vector<float>(9));
    t.RunExpectFailure("must equal the output shape");
  }
}

// ---- ConvTranspose ---------------------------------------------------------------------------

struct ConvTransposeSpec {
  std::vector<int64_t> x_dims;
  int64_t out_channels = 1;  // M (W is C x M/G x k)
  std::vector<int64_t> kernel;
  int64_t group = 1;
  std::vector<int64_t> strides, dilations, pads, output_padding;
  bool bias = true;
};

std::vector<float> NaiveConvTranspose(const ConvTransposeSpec& c, const std::vector<float>& x,
                                      const std::vector<float>& w, const std::vector<float>& b,
                                      std::vector<int64_t>& y_dims) {
  const size_t r = c.x_dims.size() - 2;
  const int64_t N = c.x_dims[0], C = c.x_dims[1], M = c.out_channels, G = c.group;
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t s = c.strides.empty() ? 1 : c.strides[i], d = c.dilations.empty() ? 1 : c.dilations[i];
    const int64_t op = c.output_padding.empty() ? 0 : c.output_padding[i];
    const int64_t pads = c.pads.empty() ? 0 : c.pads[i] + c.pads[i + r];
    out[i] = s * (c.x_dims[2 + i] - 1) + op + (c.kernel[i] - 1) * d + 1 - pads;
  }
  y_dims = {N, M};
  y_dims.insert(y_dims.end(), out.begin(), out.end());
  ConvSpec as_conv{c.x_dims, M, c.kernel, G, c.strides, c.dilations, c.pads, c.bias};
  // Geometry of the adjoint forward conv: its input is our output.
  const Conv3 g = Promote(out, std::vector<int64_t>(c.x_dims.begin() + 2, c.x_dims.end()), as_conv);
  const int64_t y_size = g.in[0] * g.in[1] * g.in[2], x_size = g.out[0] * g.out[1] * g.out[2];
  const int64_t ks = g.k[0] * g.k[1] * g.k[2], cg = C / G, mg = M / G;
  std::vector<double> y(static_cast<size_t>(N * M * y_size));
  for (int64_t n = 0; n < N; ++n)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t i = 0; i < y_size; ++i) y[(n * M + m) * y_size + i] = c.bias ? b[m] : 0.0;
  for (int64_t n = 0; n < N; ++n)
    for (int64_t ci = 0; ci < C; ++ci)
      for (int64_t mi = 0; mi < mg; ++mi) {
        const int64_t m = (ci / cg) * mg + mi;
        for (int64_t x0 = 0; x0 < g.out[0]; ++x0)
          for (int64_t x1 = 0; x1 < g.out[1]; ++x1)
            for (int64_t x2 = 0; x2 < g.out[2]; ++x2) {
              const double xv = x[(n * C + ci) * x_size + (x0 * g.out[1] + x1) * g.out[2] + x2];
              for (int64_t k0 = 0; k0 < g.k[0]; ++k0)
                for (int64_t k1 = 0; k1 < g.k[1]; ++k1)
                  for (int64_t k2 = 0; k2 < g.k[2]; ++k2) {
                    const int64_t o0 = x0 * g.s[0] - g.pb[0] + k0 * g.d[0];
                    const int64_t o1 = x1 * g.s[1] - g.pb[1] + k1 * g.d[1];
                    const int64_t o2 = x2 * g.s[2] - g.pb[2] + k2 * g.d[2];
                    if (o0 < 0 || o0 >= g.in[0] || o1 < 0 || o1 >= g.in[1] || o2 < 0 || o2 >= g.in[2]) continue;
                    const double wv = w[(ci * mg + mi) * ks + (k0 * g.k[1] + k1) * g.k[2] + k2];
                    y[(n * M + m) * y_size + (o0 * g.in[1] + o1) * g.in[2] + o2] += xv * wv;
                  }
            }
      }
  return std::vector<float>(y.begin(), y.end());
}

void CheckConvTranspose(const ConvTransposeSpec& c, unsigned seed) {
  std::vector<int64_t> w_dims = {c.x_dims[1], c.out_channels / c.group};
  w_dims.insert(w_dims.end(), c.kernel.begin(), c.kernel.end());
  const std::vector<float> x = RandomValues(ElementCount(c.x_dims), seed), w = RandomValues(ElementCount(w_dims), seed + 1),
                           b = RandomValues(c.out_channels, seed + 2);
  std::vector<int64_t> y_dims;
  const std::vector<float> y = NaiveConvTranspose(c, x, w, b, y_dims);
  OpTester t("ConvTranspose", 11);
  if (c.group != 1) t.AddAttribute("group", c.group);
  if (!c.strides.empty()) t.AddAttribute("strides", c.strides);
  if (!c.dilations.empty()) t.AddAttribute("dilations", c.dilations);
  if (!c.pads.empty()) t.AddAttribute("pads", c.pads);
  if (!c.output_padding.empty()) t.AddAttribute("output_padding", c.output_padding);
  t.AddInput<float>("X", c.x_dims, x);
  t.AddInput<float>("W", w_dims, w);
  if (c.bias) t.AddInput<float>("B", {c.out_channels}, b);
  t.AddOutput<float>("Y", y_dims, y);
  t.SetTolerance(1e-4, 1e-4);
  t.Run();
}

TEST(NnConvTransposeTest, VariousGeometries) {
  CheckConvTranspose({{1, 3, 5}, 2, {3}, 1, {2}, {}, {1, 0}, {1}, true}, 40);
  CheckConvTranspose({{2, 4, 3, 4}, 6, {3, 2}, 2, {2, 3}, {2, 1}, {1, 0, 0, 2}, {1, 2}, true}, 41);
  CheckConvTranspose({{1, 2, 3, 3}, 3, {3, 3}, 1, {}, {}, {}, {}, false}, 42);
  CheckConvTranspose({{1, 2, 2, 3, 2}, 2, {2, 2, 3}, 1, {2, 1, 2}, {1, 2, 1}, {0, 1, 0, 1, 0, 1}, {1, 0, 1}, true},
                     43);
  CheckConvTranspose({{1, 3, 4, 4}, 3, {4, 4}, 3, {2, 2}, {}, {1, 1, 1, 1}, {}, true}, 44);
}

TEST(NnConvTransposeTest, LargeInputUsesSeveralBands) {
  CheckConvTranspose({{1, 8, 96, 96}, 16, {4, 4}, 1, {2, 2}, {}, {1, 1, 1, 1}, {}, true}, 45);
}

TEST(NnConvTransposeTest, OutputShapeAndAutoPad) {
  // x 3x3, stride 2, kernel 3: full output 7. output_shape 6 removes one row/column.
  const std::vector<float> x = RandomValues(9, 50), w = RandomValues(9, 51);
  std::vector<int64_t> dims;
  // SAME_UPPER (and output_shape with SAME_UPPER): pad at the end; otherwise at the start.
  const std::vector<float> full = NaiveConvTranspose({{1, 1, 3, 3}, 1, {3, 3}, 1, {2, 2}, {}, {}, {}, false}, x, w, {},
                                                     dims);
  auto crop = [&](int64_t off) {
    std::vector<float> y;
    for (int64_t i = 0; i < 6; ++i)
      for (int64_t j = 0; j < 6; ++j) y.push_back(full[(i + off) * 7 + j + off]);
    return y;
  };
  {
    OpTester t("ConvTranspose", 11);
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddAttribute("auto_pad", "SAME_UPPER");
    t.AddInput<float>("X", {1, 1, 3, 3}, x);
    t.AddInput<float>("W", {1, 1, 3, 3}, w);
    t.AddOutput<float>("Y", {1, 1, 6, 6}, crop(0));
    t.Run();
  }
  {
    OpTester t("ConvTranspose", 11);
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddAttribute("auto_pad", "SAME_LOWER");
    t.AddInput<float>("X", {1, 1, 3, 3}, x);
    t.AddInput<float>("W", {1, 1, 3, 3}, w);
    t.AddOutput<float>("Y", {1, 1, 6, 6}, crop(1));
    t.Run();
  }
  {
    // output_shape given with N and C dims.
    OpTester t("ConvTranspose", 11);
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddAttribute("output_shape", std::vector<int64_t>{1, 1, 6, 6});
    t.AddInput<float>("X", {1, 1, 3, 3}, x);
    t.AddInput<float>("W", {1, 1, 3, 3}, w);
    t.AddOutput<float>("Y", {1, 1, 6, 6}, crop(1));
    t.Run();
  }
  {
    // A larger output_shape than the full result: the extra row and column get only the bias.
    OpTester t("ConvTranspose", 11);
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddAttribute("output_shape", std::vector<int64_t>{8, 8});
    t.AddInput<float>("X", {1, 1, 3, 3}, x);
    t.AddInput<float>("W", {1, 1, 3, 3}, w);
    t.AddInput<float>("B", {1}, {0.5f});
    std::vector<float> y(64, 0.5f);
    for (int64_t i = 0; i < 7; ++i)
      for (int64_t j = 0; j < 7; ++j) y[i * 8 + j] += full[i * 7 + j];
    t.AddOutput<float>("Y", {1, 1, 8, 8}, y);
    t.Run();
  }
}

TEST(NnConvTransposeTest, DoubleTypeAndEmptyBatch) {
  {
    OpTester t("ConvTranspose", 11);
    t.AddInput<double>("X", {1, 1, 2}, {1, 2});
    t.AddInput<double>("W", {1, 1, 2}, {1, 10});
    t.AddOutput<double>("Y", {1, 1, 3}, {1, 12, 20});
    t.Run();
  }
  {
    OpTester t("ConvTranspose", 11);
    t.AddInput<float>("X", {0, 1, 2}, {});
    t.AddInput<float>("W", {1, 2, 2}, {1, 2, 3, 4});
    t.AddOutput<float>("Y", {0, 2, 3}, {});
    t.Run();
  }
}

TEST(NnConvTransposeTest, BadInputs) {
  OpTester t("ConvTranspose", 11);
  t.AddInput<float>("X", {1, 2, 3}, std::vector<float>(6, 1.f));
  t.AddInput<float>("W", {3, 1, 2}, std::vector<float>(6, 1.f));
  t.AddOutput<float>("Y", {1, 1, 4}, std::vector<float>(4));
  t.RunExpectFailure("does not match");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
