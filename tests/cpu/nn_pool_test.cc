// MaxPool, AveragePool, LpPool and the global pools against a naive reference: 1-D/2-D/3-D,
// strides, dilations, pads, ceil_mode, count_include_pad, auto_pad, Indices in both storage
// orders, int8/uint8/double/float16 types, empty tensors and bad attributes.
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

std::vector<float> RandomValues(int64_t n, unsigned seed) {
  return RandomFloats(static_cast<size_t>(n), seed, -5.f, 5.f);
}

enum class Kind { kMax, kAvg, kLp };

// Fields are assigned whole vectors (std::vector<int64_t>{...}), not braced lists: GCC 12 flags a
// braced list copied into an empty vector with a false -Wnonnull.
struct PoolSpec {
  std::vector<int64_t> x_dims, kernel, strides, dilations, pads;
  bool ceil_mode = false;
  bool count_include_pad = false;
  float p = 2.f;
};

struct PoolResult {
  std::vector<int64_t> y_dims;
  std::vector<float> y;
  std::vector<int64_t> row_major_index, col_major_index;
};

// Naive pooling promoted to 3-D by leading unit dims.
PoolResult NaivePool(Kind kind, const PoolSpec& s, const std::vector<float>& x) {
  const size_t r = s.x_dims.size() - 2;
  auto pad3 = [&](std::vector<int64_t> v, int64_t fill, size_t n) {
    if (v.empty()) v.assign(n, fill);
    std::vector<int64_t> out(3 - n, fill);
    out.insert(out.end(), v.begin(), v.end());
    return out;
  };
  const std::vector<int64_t> in = pad3(std::vector<int64_t>(s.x_dims.begin() + 2, s.x_dims.end()), 1, r);
  const std::vector<int64_t> k = pad3(s.kernel, 1, r), st = pad3(s.strides, 1, r), dl = pad3(s.dilations, 1, r);
  std::vector<int64_t> pb(3, 0), pe(3, 0), out(3, 1);
  for (size_t i = 0; i < r; ++i) {
    pb[3 - r + i] = s.pads.empty() ? 0 : s.pads[i];
    pe[3 - r + i] = s.pads.empty() ? 0 : s.pads[i + r];
  }
  PoolResult res;
  res.y_dims = std::vector<int64_t>{s.x_dims[0], s.x_dims[1]};
  for (size_t d = 3 - r; d < 3; ++d) {
    const int64_t span = in[d] + pb[d] + pe[d] - ((k[d] - 1) * dl[d] + 1);
    out[d] = (s.ceil_mode ? (span + st[d] - 1) / st[d] : span / st[d]) + 1;
    if (s.ceil_mode && (out[d] - 1) * st[d] >= in[d] + pb[d]) --out[d];
    res.y_dims.push_back(out[d]);
  }
  const int64_t planes = s.x_dims[0] * s.x_dims[1], in_size = in[0] * in[1] * in[2];
  for (int64_t p = 0; p < planes; ++p)
    for (int64_t o0 = 0; o0 < out[0]; ++o0)
      for (int64_t o1 = 0; o1 < out[1]; ++o1)
        for (int64_t o2 = 0; o2 < out[2]; ++o2) {
          double acc = kind == Kind::kMax ? -std::numeric_limits<double>::infinity() : 0.0;
          int64_t valid = 0, padded = 0, best[3] = {0, 0, 0};
          for (int64_t a = 0; a < k[0]; ++a)
            for (int64_t b = 0; b < k[1]; ++b)
              for (int64_t c = 0; c < k[2]; ++c) {
                const int64_t i0 = o0 * st[0] - pb[0] + a * dl[0], i1 = o1 * st[1] - pb[1] + b * dl[1],
                              i2 = o2 * st[2] - pb[2] + c * dl[2];
                if (i0 < in[0] + pe[0] && i1 < in[1] + pe[1] && i2 < in[2] + pe[2]) ++padded;
                if (i0 < 0 || i0 >= in[0] || i1 < 0 || i1 >= in[1] || i2 < 0 || i2 >= in[2]) continue;
                const double v = x[p * in_size + (i0 * in[1] + i1) * in[2] + i2];
                ++valid;
                if (kind == Kind::kMax) {
                  if (v > acc) {
                    acc = v;
                    best[0] = i0, best[1] = i1, best[2] = i2;
                  }
                } else if (kind == Kind::kAvg) {
                  acc += v;
                } else {
                  acc += std::pow(std::abs(v), s.p);
                }
              }
          if (kind == Kind::kAvg) acc /= static_cast<double>(s.count_include_pad ? padded : valid);
          if (kind == Kind::kLp) acc = std::pow(acc, 1.0 / s.p);
          res.y.push_back(static_cast<float>(acc));
          res.row_major_index.push_back(p * in_size + (best[0] * in[1] + best[1]) * in[2] + best[2]);
          res.col_major_index.push_back(p * in_size + (best[2] * in[1] + best[1]) * in[0] + best[0]);
        }
  return res;
}

void AddPoolAttributes(OpTester& t, const PoolSpec& s) {
  t.AddAttribute("kernel_shape", s.kernel);
  if (!s.strides.empty()) t.AddAttribute("strides", s.strides);
  if (!s.dilations.empty()) t.AddAttribute("dilations", s.dilations);
  if (!s.pads.empty()) t.AddAttribute("pads", s.pads);
  if (s.ceil_mode) t.AddAttribute("ceil_mode", int64_t{1});
}

void CheckPool(Kind kind, const PoolSpec& s, unsigned seed, int opset) {
  const std::vector<float> x = RandomValues(ElementCount(s.x_dims), seed);
  const PoolResult r = NaivePool(kind, s, x);
  // MaxPool runs a different path when Indices are requested: check both.
  for (bool with_indices : {false, true}) {
    if (with_indices && (kind != Kind::kMax || opset < 8)) continue;
    OpTester t(kind == Kind::kMax ? "MaxPool" : kind == Kind::kAvg ? "AveragePool" : "LpPool", opset);
    AddPoolAttributes(t, s);
    if (kind == Kind::kAvg && s.count_include_pad) t.AddAttribute("count_include_pad", int64_t{1});
    if (kind == Kind::kLp) t.AddAttribute("p", static_cast<int64_t>(s.p));
    t.AddInput<float>("X", s.x_dims, x);
    t.AddOutput<float>("Y", r.y_dims, r.y);
    if (with_indices) t.AddOutput<int64_t>("Indices", r.y_dims, r.row_major_index);
    t.SetTolerance(1e-5, 1e-5);
    t.Run();
  }
}

TEST(NnPoolTest, RandomGeometriesVectorPath) {
  // Widths crossing the 16-lane vectors of the SIMD path, strides 1 and 2 (vector) and 3 (plain),
  // pads, ceil_mode and count_include_pad, for MaxPool and AveragePool.
  std::mt19937 rng(41);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  for (int iter = 0; iter < 40; ++iter) {
    PoolSpec s;
    const int64_t kh = pick(1, 3), kw = pick(1, 4);
    s.kernel = std::vector<int64_t>{kh, kw};
    s.strides = std::vector<int64_t>{pick(1, 2), iter % 8 == 7 ? 3 : pick(1, 2)};
    s.pads = std::vector<int64_t>{pick(0, kh - 1), pick(0, kw - 1), pick(0, kh - 1), pick(0, kw - 1)};
    s.x_dims = std::vector<int64_t>{1, pick(1, 3), pick(kh, 12), pick(kw, 70)};
    s.ceil_mode = iter % 3 == 0;
    s.count_include_pad = iter % 2 == 0;
    CheckPool(iter % 2 ? Kind::kMax : Kind::kAvg, s, 900 + iter, iter % 4 == 0 ? 10 : 12);
  }
}

TEST(NnPoolTest, SquareWindowsSeparablePath) {
  // 2x2 and 3x3 windows with equal strides 1 or 2 (the separable SIMD path): widths crossing the
  // 16-lane vectors, pads, ceil_mode windows overhanging the input, several planes per thread.
  std::mt19937 rng(43);
  auto pick = [&](int lo, int hi) { return static_cast<int64_t>(std::uniform_int_distribution<int>(lo, hi)(rng)); };
  unsigned seed = 950;
  for (int64_t k : {2, 3}) {
    for (int64_t stride : {1, 2}) {
      for (int iter = 0; iter < 6; ++iter) {
        PoolSpec s;
        s.kernel = std::vector<int64_t>{k, k};
        s.strides = std::vector<int64_t>{stride, stride};
        const int64_t pad = iter % 2 ? pick(0, k - 1) : 0;
        s.pads = std::vector<int64_t>{pad, pad, pick(0, k - 1), pick(0, k - 1)};
        s.x_dims = std::vector<int64_t>{pick(1, 2), pick(1, 9), pick(k, 30), pick(k, 75)};
        s.ceil_mode = iter % 3 == 1;
        s.count_include_pad = iter % 2 == 0;
        CheckPool(iter % 2 ? Kind::kMax : Kind::kAvg, s, seed++, 12);
      }
    }
  }
  // The CNN layers themselves: 3x3 stride 2 with ceil_mode (SqueezeNet) and with pads (ResNet).
  CheckPool(Kind::kMax, {{1, 5, 111, 111}, {3, 3}, {2, 2}, {}, {0, 0, 0, 0}, true}, 990, 12);
  CheckPool(Kind::kMax, {{1, 3, 112, 112}, {3, 3}, {2, 2}, {}, {1, 1, 1, 1}}, 991, 12);
}

TEST(NnPoolTest, MaxPool1D2D3D) {
  CheckPool(Kind::kMax, {{2, 3, 11}, {3}, {2}, {}, {1, 1}}, 1, 12);
  CheckPool(Kind::kMax, {{1, 2, 7, 9}, {3, 2}, {2, 3}, {}, {1, 0, 1, 1}}, 2, 12);
  CheckPool(Kind::kMax, {{1, 2, 4, 5, 6}, {2, 3, 2}, {1, 2, 2}, {}, {0, 1, 0, 1, 1, 1}}, 3, 12);
  CheckPool(Kind::kMax, {{1, 1, 5, 5}, {2, 2}, {}, {}, {}}, 4, 1);
}

TEST(NnPoolTest, MaxPoolDilationsAndCeilMode) {
  CheckPool(Kind::kMax, {{1, 2, 9, 9}, {3, 3}, {2, 2}, {2, 2}, {1, 1, 1, 1}}, 5, 12);
  CheckPool(Kind::kMax, {{1, 2, 8, 7}, {3, 3}, {2, 2}, {}, {}, true}, 6, 12);
  CheckPool(Kind::kMax, {{1, 1, 6, 6}, {2, 2}, {2, 2}, {}, {1, 1, 1, 1}, true}, 7, 10);
}

TEST(NnPoolTest, MaxPoolIndicesColumnMajor) {
  const PoolSpec s{{2, 2, 5, 4}, {2, 2}, {1, 2}, {}, {}};
  const std::vector<float> x = RandomValues(ElementCount(s.x_dims), 8);
  const PoolResult r = NaivePool(Kind::kMax, s, x);
  OpTester t("MaxPool", 12);
  AddPoolAttributes(t, s);
  t.AddAttribute("storage_order", int64_t{1});
  t.AddInput<float>("X", s.x_dims, x);
  t.AddOutput<float>("Y", r.y_dims, r.y);
  t.AddOutput<int64_t>("Indices", r.y_dims, r.col_major_index);
  t.Run();
}

TEST(NnPoolTest, MaxPoolIntegerAndHalfTypes) {
  {
    OpTester t("MaxPool", 12);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
    t.AddInput<int8_t>("X", {1, 1, 2, 3}, {-128, -5, 7, -100, 127, -1});
    t.AddOutput<int8_t>("Y", {1, 1, 1, 2}, {127, 127});
    t.Run();
  }
  {
    OpTester t("MaxPool", 12);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{3});
    t.AddAttribute("pads", std::vector<int64_t>{1, 1});
    t.AddInput<uint8_t>("X", {1, 1, 4}, {0, 200, 3, 255});
    t.AddOutput<uint8_t>("Y", {1, 1, 4}, {200, 200, 255, 255});
    t.Run();
  }
  {
    OpTester t("MaxPool", 12);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{2});
    t.AddInput<MLFloat16>("X", {1, 1, 3}, {MLFloat16(1.5f), MLFloat16(-2.f), MLFloat16(3.25f)});
    t.AddOutput<MLFloat16>("Y", {1, 1, 2}, {MLFloat16(1.5f), MLFloat16(3.25f)});
    t.Run();
  }
}

TEST(NnPoolTest, AveragePoolCountIncludePadAndCeil) {
  CheckPool(Kind::kAvg, {{2, 3, 10}, {4}, {3}, {}, {2, 1}}, 10, 11);
  CheckPool(Kind::kAvg, {{1, 2, 7, 9}, {3, 3}, {2, 2}, {}, {1, 1, 1, 1}, false, true}, 11, 11);
  CheckPool(Kind::kAvg, {{1, 2, 7, 9}, {3, 3}, {2, 2}, {}, {1, 2, 0, 1}, true, false}, 12, 10);
  CheckPool(Kind::kAvg, {{1, 2, 7, 8}, {3, 3}, {2, 2}, {}, {1, 1, 1, 1}, true, true}, 13, 11);
  CheckPool(Kind::kAvg, {{1, 1, 4, 5, 6}, {2, 2, 3}, {2, 1, 2}, {}, {1, 0, 1, 0, 1, 1}, false, true}, 14, 7);
}

TEST(NnPoolTest, AveragePoolAutoPad) {
  // 5x5 input, 2x2 kernel, stride 2: SAME gives 3x3 with one padded row/column at the end
  // (upper) or the start (lower); padded cells are excluded from the average.
  std::vector<float> x(25);
  for (int i = 0; i < 25; ++i) x[i] = static_cast<float>(i);
  const std::vector<float> upper = {3, 5, 6.5f, 13, 15, 16.5f, 20.5f, 22.5f, 24};
  const std::vector<float> lower = {0, 1.5f, 3.5f, 7.5f, 9, 11, 17.5f, 19, 21};
  for (const auto& [mode, expected] : {std::make_pair("SAME_UPPER", upper), std::make_pair("SAME_LOWER", lower)}) {
    OpTester t("AveragePool", 11);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddAttribute("auto_pad", mode);
    t.AddInput<float>("X", {1, 1, 5, 5}, x);
    t.AddOutput<float>("Y", {1, 1, 3, 3}, expected);
    t.Run();
  }
  OpTester t("AveragePool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
  t.AddAttribute("strides", std::vector<int64_t>{2, 2});
  t.AddAttribute("auto_pad", "VALID");
  t.AddInput<float>("X", {1, 1, 5, 5}, x);
  t.AddOutput<float>("Y", {1, 1, 2, 2}, {3, 5, 13, 15});
  t.Run();
}

TEST(NnPoolTest, LpPool) {
  CheckPool(Kind::kLp, {{1, 2, 6, 5}, {3, 2}, {1, 2}, {}, {1, 0, 1, 1}, false, false, 2.f}, 20, 11);
  CheckPool(Kind::kLp, {{2, 1, 9}, {3}, {2}, {}, {}, false, false, 3.f}, 21, 2);
  CheckPool(Kind::kLp, {{1, 1, 3, 3, 3}, {2, 2, 2}, {}, {}, {}, false, false, 1.f}, 22, 11);
}

TEST(NnPoolTest, DoubleAveragePool) {
  OpTester t("AveragePool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2});
  t.AddInput<double>("X", {1, 1, 3}, {1, 2, 4});
  t.AddOutput<double>("Y", {1, 1, 2}, {1.5, 3});
  t.Run();
}

TEST(NnPoolTest, GlobalPools) {
  const std::vector<float> x = {1, -2, 3, 4, 0.5f, -6, 7, 8, -1, 2, -3, 4};
  {
    OpTester t("GlobalMaxPool", 1);
    t.AddInput<float>("X", {2, 2, 3}, x);
    t.AddOutput<float>("Y", {2, 2, 1}, {3, 4, 8, 4});
    t.Run();
  }
  {
    OpTester t("GlobalAveragePool", 1);
    t.AddInput<float>("X", {1, 3, 2, 2}, x);
    t.AddOutput<float>("Y", {1, 3, 1, 1}, {1.5f, 2.375f, 0.5f});
    t.Run();
  }
  {
    OpTester t("GlobalLpPool", 2);
    t.AddAttribute("p", int64_t{1});
    t.AddInput<float>("X", {1, 2, 2}, {1, -2, 3, -4});
    t.AddOutput<float>("Y", {1, 2, 1}, {3, 7});
    t.Run();
  }
  {
    OpTester t("GlobalLpPool", 2);
    t.AddInput<double>("X", {1, 1, 2, 1}, {3, -4});
    t.AddOutput<double>("Y", {1, 1, 1, 1}, {5});
    t.Run();
  }
  {
    OpTester t("GlobalAveragePool", 1);
    t.AddInput<float>("X", {0, 3, 2, 2}, {});
    t.AddOutput<float>("Y", {0, 3, 1, 1}, {});
    t.Run();
  }
}

TEST(NnPoolTest, EmptyBatch) {
  OpTester t("MaxPool", 12);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
  t.AddInput<float>("X", {0, 2, 4, 4}, {});
  t.AddOutput<float>("Y", {0, 2, 3, 3}, {});
  t.Run();
}

TEST(NnPoolTest, BadInputs) {
  {
    OpTester t("MaxPool", 12);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{5, 5});
    t.AddInput<float>("X", {1, 1, 3, 3}, std::vector<float>(9));
    t.AddOutput<float>("Y", {1, 1, 1, 1}, {0.f});
    t.RunExpectFailure("larger than the padded input");
  }
  {
    OpTester t("AveragePool", 11);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
    t.AddAttribute("strides", std::vector<int64_t>{1, 1, 1});
    t.AddInput<float>("X", {1, 1, 3, 3}, std::vector<float>(9));
    t.AddOutput<float>("Y", {1, 1, 2, 2}, std::vector<float>(4));
    t.RunExpectFailure("strides");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
