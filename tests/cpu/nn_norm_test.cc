// BatchNormalization (inference, spatial=0, training outputs), InstanceNormalization, LRN,
// LayerNormalization (axes, broadcast Scale/B, Mean/InvStdDev outputs) and
// MeanVarianceNormalization against direct formulas.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

std::vector<float> RandomValues(int64_t n, unsigned seed, float lo = -2.f, float hi = 2.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = dist(rng);
  return v;
}

// ---- BatchNormalization ----------------------------------------------------------------------

std::vector<float> BatchNormReference(const std::vector<float>& x, int64_t n, int64_t c, int64_t inner,
                                      const std::vector<float>& s, const std::vector<float>& b,
                                      const std::vector<float>& m, const std::vector<float>& v, float eps) {
  std::vector<float> y(x.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < c; ++j)
      for (int64_t k = 0; k < inner; ++k) {
        const size_t idx = static_cast<size_t>((i * c + j) * inner + k);
        y[idx] = static_cast<float>(s[j] * (x[idx] - m[j]) / std::sqrt(static_cast<double>(v[j]) + eps) + b[j]);
      }
  return y;
}

TEST(NnNormTest, BatchNormInferenceAllVersions) {
  const std::vector<float> x = RandomValues(2 * 3 * 4, 1), s = RandomValues(3, 2), b = RandomValues(3, 3),
                           m = RandomValues(3, 4), v = RandomValues(3, 5, 0.1f, 2.f);
  for (int opset : {6, 7, 9, 14, 15}) {
    OpTester t("BatchNormalization", opset);
    t.AddAttribute("epsilon", 1e-3f);
    if (opset == 6) t.AddAttribute("is_test", int64_t{1});
    t.AddInput<float>("X", {2, 3, 2, 2}, x);
    t.AddInput<float>("scale", {3}, s);
    t.AddInput<float>("B", {3}, b);
    t.AddInput<float>("mean", {3}, m);
    t.AddInput<float>("var", {3}, v);
    t.AddOutput<float>("Y", {2, 3, 2, 2}, BatchNormReference(x, 2, 3, 4, s, b, m, v, 1e-3f));
    t.Run();
  }
}

TEST(NnNormTest, BatchNorm2DInputAndDoubleAndHalf) {
  {
    OpTester t("BatchNormalization", 15);
    t.AddInput<double>("X", {2, 2}, {1, 2, 3, 4});
    t.AddInput<double>("scale", {2}, {1, 2});
    t.AddInput<double>("B", {2}, {0, 1});
    t.AddInput<double>("mean", {2}, {1, 1});
    t.AddInput<double>("var", {2}, {4, 1});
    t.AddAttribute("epsilon", 0.f);
    t.AddOutput<double>("Y", {2, 2}, {0, 3, 1, 7});
    t.Run();
  }
  {
    // Opset 15 allows scale/B and mean/var of other float types than X.
    OpTester t("BatchNormalization", 15);
    t.AddInput<MLFloat16>("X", {1, 2, 1}, {MLFloat16(1.f), MLFloat16(3.f)});
    t.AddInput<float>("scale", {2}, {2, 1});
    t.AddInput<float>("B", {2}, {0.5f, 0});
    t.AddInput<double>("mean", {2}, {0, 1});
    t.AddInput<double>("var", {2}, {1, 4});
    t.AddAttribute("epsilon", 0.f);
    t.AddOutput<MLFloat16>("Y", {1, 2, 1}, {MLFloat16(2.5f), MLFloat16(1.f)});
    t.Run();
  }
}

TEST(NnNormTest, BatchNormSpatialZero) {
  // Opset 7 spatial=0: one statistic per element of a sample (C x H).
  OpTester t("BatchNormalization", 7);
  t.AddAttribute("spatial", int64_t{0});
  t.AddAttribute("epsilon", 0.f);
  t.AddInput<float>("X", {2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  t.AddInput<float>("scale", {2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("B", {2, 2}, {0, 0, 0, 1});
  t.AddInput<float>("mean", {2, 2}, {1, 1, 1, 1});
  t.AddInput<float>("var", {2, 2}, {1, 1, 1, 4});
  t.AddOutput<float>("Y", {2, 2, 2}, {0, 2, 6, 7, 4, 10, 18, 15});
  t.Run();
}

TEST(NnNormTest, BatchNormTrainingMode) {
  // Per channel: batch mean/var over N and spatial dims; running stats blend with momentum.
  const std::vector<float> x = {1, 3, 2, 6, 5, 7, 4, 10};  // N=2, C=2, 2
  OpTester t("BatchNormalization", 15);
  t.AddAttribute("training_mode", int64_t{1});
  t.AddAttribute("momentum", 0.5f);
  t.AddAttribute("epsilon", 0.f);
  t.AddInput<float>("X", {2, 2, 2}, x);
  t.AddInput<float>("scale", {2}, {1, 1});
  t.AddInput<float>("B", {2}, {0, 0});
  t.AddInput<float>("mean", {2}, {0, 0});
  t.AddInput<float>("var", {2}, {1, 1});
  // Channel 0: {1,3,5,7} mean 4 var 5; channel 1: {2,6,4,10} mean 5.5 var 8.75.
  std::vector<float> y;
  const float m0 = 4, v0 = 5, m1 = 5.5f, v1 = 8.75f;
  for (int n = 0; n < 2; ++n) {
    for (int k = 0; k < 2; ++k) y.push_back((x[n * 4 + k] - m0) / std::sqrt(v0));
    for (int k = 0; k < 2; ++k) y.push_back((x[n * 4 + 2 + k] - m1) / std::sqrt(v1));
  }
  t.AddOutput<float>("Y", {2, 2, 2}, y);
  t.AddOutput<float>("running_mean", {2}, {2, 2.75f});
  t.AddOutput<float>("running_var", {2}, {3, 4.875f});
  t.Run();
}

TEST(NnNormTest, BatchNormBadParameterShape) {
  OpTester t("BatchNormalization", 15);
  t.AddInput<float>("X", {1, 3, 2}, std::vector<float>(6));
  t.AddInput<float>("scale", {2}, {1, 1});
  t.AddInput<float>("B", {2}, {0, 0});
  t.AddInput<float>("mean", {2}, {0, 0});
  t.AddInput<float>("var", {2}, {1, 1});
  t.AddOutput<float>("Y", {1, 3, 2}, std::vector<float>(6));
  t.RunExpectFailure("values per parameter");
}

// ---- InstanceNormalization -------------------------------------------------------------------

TEST(NnNormTest, InstanceNormalization) {
  const std::vector<float> x = RandomValues(2 * 3 * 5, 10);
  const std::vector<float> s = {1, -0.5f, 2}, b = {0, 1, -1};
  std::vector<float> y(x.size());
  for (int p = 0; p < 6; ++p) {
    double mean = 0, var = 0;
    for (int i = 0; i < 5; ++i) mean += x[p * 5 + i];
    mean /= 5;
    for (int i = 0; i < 5; ++i) var += (x[p * 5 + i] - mean) * (x[p * 5 + i] - mean);
    var /= 5;
    for (int i = 0; i < 5; ++i)
      y[p * 5 + i] = static_cast<float>(s[p % 3] * (x[p * 5 + i] - mean) / std::sqrt(var + 1e-5) + b[p % 3]);
  }
  for (int opset : {1, 6}) {
    OpTester t("InstanceNormalization", opset);
    t.AddInput<float>("input", {2, 3, 5}, x);
    t.AddInput<float>("scale", {3}, s);
    t.AddInput<float>("B", {3}, b);
    t.AddOutput<float>("output", {2, 3, 5}, y);
    t.Run();
  }
  OpTester bad("InstanceNormalization", 6);
  bad.AddInput<float>("input", {2, 3, 5}, x);
  bad.AddInput<float>("scale", {2}, {1, 1});
  bad.AddInput<float>("B", {3}, b);
  bad.AddOutput<float>("output", {2, 3, 5}, y);
  bad.RunExpectFailure("must have 3 values");
}

// ---- LRN -------------------------------------------------------------------------------------

TEST(NnNormTest, LRNEvenAndOddSizes) {
  const std::vector<float> x = RandomValues(2 * 5 * 3, 20);
  for (int64_t size : {2, 3, 5}) {
    const float alpha = 1e-2f, beta = 0.75f, bias = 2.f;
    std::vector<float> y(x.size());
    for (int n = 0; n < 2; ++n)
      for (int c = 0; c < 5; ++c)
        for (int i = 0; i < 3; ++i) {
          double sq = 0;
          const int64_t lo = std::max<int64_t>(0, c - (size - 1) / 2);
          const int64_t hi = std::min<int64_t>(4, c + (size - 1) - (size - 1) / 2);
          for (int64_t k = lo; k <= hi; ++k) sq += x[(n * 5 + k) * 3 + i] * x[(n * 5 + k) * 3 + i];
          y[(n * 5 + c) * 3 + i] =
              static_cast<float>(x[(n * 5 + c) * 3 + i] / std::pow(bias + alpha / size * sq, beta));
        }
    OpTester t("LRN", 13);
    t.AddAttribute("size", size);
    t.AddAttribute("alpha", alpha);
    t.AddAttribute("beta", beta);
    t.AddAttribute("bias", bias);
    t.AddInput<float>("X", {2, 5, 3}, x);
    t.AddOutput<float>("Y", {2, 5, 3}, y);
    t.Run();
  }
}

// ---- LayerNormalization ----------------------------------------------------------------------

void CheckLayerNorm(const std::vector<int64_t>& dims, int64_t axis, const std::vector<int64_t>& scale_dims,
                    bool with_bias, bool with_stats) {
  int64_t total = 1;
  for (int64_t d : dims) total *= d;
  const int64_t rank = static_cast<int64_t>(dims.size());
  const int64_t a = axis < 0 ? axis + rank : axis;
  int64_t cols = 1;
  for (int64_t i = a; i < rank; ++i) cols *= dims[i];
  const int64_t rows = total / cols;
  int64_t scale_count = 1;
  for (int64_t d : scale_dims) scale_count *= d;
  const std::vector<float> x = RandomValues(total, 30), s = RandomValues(scale_count, 31), b = RandomValues(scale_count, 32);
  // Scale/B broadcast along the normalised dims: here either full or a suffix of them.
  std::vector<float> y(x.size()), mean(rows), inv_std(rows);
  for (int64_t r = 0; r < rows; ++r) {
    double m = 0, v = 0;
    for (int64_t i = 0; i < cols; ++i) m += x[r * cols + i];
    m /= cols;
    for (int64_t i = 0; i < cols; ++i) v += (x[r * cols + i] - m) * (x[r * cols + i] - m);
    v /= cols;
    const double inv = 1.0 / std::sqrt(v + 1e-5);
    mean[r] = static_cast<float>(m);
    inv_std[r] = static_cast<float>(inv);
    for (int64_t i = 0; i < cols; ++i) {
      const int64_t si = i % scale_count;
      y[r * cols + i] = static_cast<float>((x[r * cols + i] - m) * inv * s[si] + (with_bias ? b[si] : 0.f));
    }
  }
  std::vector<int64_t> stat_dims = dims;
  for (int64_t i = a; i < rank; ++i) stat_dims[i] = 1;
  OpTester t("LayerNormalization", 17);
  t.AddAttribute("axis", axis);
  t.AddInput<float>("X", dims, x);
  t.AddInput<float>("Scale", scale_dims, s);
  if (with_bias) t.AddInput<float>("B", scale_dims, b);
  t.AddOutput<float>("Y", dims, y);
  if (with_stats) {
    if (!with_bias) t.AddMissingInput();
    t.AddOutput<float>("Mean", stat_dims, mean);
    t.AddOutput<float>("InvStdDev", stat_dims, inv_std);
  }
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(NnNormTest, LayerNormalization) {
  CheckLayerNorm({2, 3, 4}, -1, {4}, true, true);
  CheckLayerNorm({2, 3, 4}, 1, {3, 4}, true, false);
  CheckLayerNorm({2, 3, 4}, 0, {2, 3, 4}, false, true);
  CheckLayerNorm({2, 3, 4}, -2, {4}, true, true);  // Scale broadcast over the normalised dims
  CheckLayerNorm({5, 300}, -1, {300}, true, false);
}

TEST(NnNormTest, LayerNormalizationHalfAndErrors) {
  {
    OpTester t("LayerNormalization", 17);
    t.AddAttribute("epsilon", 0.f);
    t.AddInput<MLFloat16>("X", {1, 2}, {MLFloat16(1.f), MLFloat16(3.f)});
    t.AddInput<MLFloat16>("Scale", {2}, {MLFloat16(1.f), MLFloat16(2.f)});
    t.AddOutput<MLFloat16>("Y", {1, 2}, {MLFloat16(-1.f), MLFloat16(2.f)});
    t.Run();
  }
  {
    OpTester t("LayerNormalization", 17);
    t.AddInput<float>("X", {2, 3}, std::vector<float>(6));
    t.AddInput<float>("Scale", {2}, {1, 1});
    t.AddOutput<float>("Y", {2, 3}, std::vector<float>(6));
    t.RunExpectFailure("broadcast");
  }
  {
    OpTester t("LayerNormalization", 17);
    t.AddAttribute("axis", int64_t{3});
    t.AddInput<float>("X", {2, 3}, std::vector<float>(6));
    t.AddInput<float>("Scale", {3}, {1, 1, 1});
    t.AddOutput<float>("Y", {2, 3}, std::vector<float>(6));
    t.RunExpectFailure("axis");
  }
}

TEST(NnNormTest, EmptyInputs) {
  {
    OpTester t("LayerNormalization", 17);
    t.AddInput<float>("X", {2, 0}, {});
    t.AddInput<float>("Scale", {0}, {});
    t.AddOutput<float>("Y", {2, 0}, {});
    t.AddOutput<float>("Mean", {2, 1}, {NAN, NAN});
    t.Run();
  }
  {
    OpTester t("BatchNormalization", 15);
    t.AddInput<float>("X", {0, 2, 3}, {});
    t.AddInput<float>("scale", {2}, {1, 1});
    t.AddInput<float>("B", {2}, {0, 0});
    t.AddInput<float>("mean", {2}, {0, 0});
    t.AddInput<float>("var", {2}, {1, 1});
    t.AddOutput<float>("Y", {0, 2, 3}, {});
    t.Run();
  }
  for (const char* op : {"InstanceNormalization", "LRN"}) {
    OpTester t(op, 13);
    if (std::string(op) == "LRN") t.AddAttribute("size", int64_t{3});
    t.AddInput<float>("X", {0, 2, 3}, {});
    if (std::string(op) != "LRN") {
      t.AddInput<float>("scale", {2}, {1, 1});
      t.AddInput<float>("B", {2}, {0, 0});
    }
    t.AddOutput<float>("Y", {0, 2, 3}, {});
    t.Run();
  }
}

// ---- MeanVarianceNormalization ---------------------------------------------------------------

TEST(NnNormTest, MeanVarianceNormalization) {
  const std::vector<float> x = RandomValues(2 * 3 * 2 * 2, 40);
  // Default axes {0, 2, 3}: one statistic per channel.
  std::vector<float> y(x.size());
  for (int c = 0; c < 3; ++c) {
    double s = 0, sq = 0;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 4; ++i) {
        const double v = x[(n * 3 + c) * 4 + i];
        s += v;
        sq += v * v;
      }
    const double mean = s / 8, sd = std::sqrt(sq / 8 - mean * mean) + 1e-9;
    for (int n = 0; n < 2; ++n)
      for (int i = 0; i < 4; ++i) y[(n * 3 + c) * 4 + i] = static_cast<float>((x[(n * 3 + c) * 4 + i] - mean) / sd);
  }
  for (int opset : {9, 13}) {
    OpTester t("MeanVarianceNormalization", opset);
    t.AddInput<float>("X", {2, 3, 2, 2}, x);
    t.AddOutput<float>("Y", {2, 3, 2, 2}, y);
    t.SetTolerance(1e-4, 1e-5);
    t.Run();
  }
  // Negative axis: normalise each row of a matrix.
  OpTester t("MeanVarianceNormalization", 13);
  t.AddAttribute("axes", std::vector<int64_t>{-1});
  t.AddInput<double>("X", {2, 2}, {1, 3, 5, 5});
  t.AddOutput<double>("Y", {2, 2}, {-1 / (1 + 1e-9), 1 / (1 + 1e-9), 0, 0});
  t.Run();
}

}  // namespace
}  // namespace test
}  // namespace ortlite
