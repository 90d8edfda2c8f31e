// Random generator tests: shapes and types, seeded reproducibility, and sample statistics.
//
// With a fixed seed the draws are fixed, so the statistical bounds (several standard errors wide)
// cannot flake.
#include <cmath>
#include <map>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

template <typename T>
std::vector<double> AsDoubles(const Tensor& t) {
  std::vector<double> v(static_cast<size_t>(t.NumElements()));
  const T* d = t.Data<T>();
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<double>(ToCompute(d[i]));
  return v;
}

void MeanVar(const std::vector<double>& v, double& mean, double& var) {
  mean = 0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  var = 0;
  for (double x : v) var += (x - mean) * (x - mean);
  var /= static_cast<double>(v.size() - 1);
}

constexpr int64_t kDraws = 20000;

TEST(RandomOpsTest, RandomNormalStatistics) {
  OpTester t("RandomNormal", 1);
  t.AddAttribute("shape", std::vector<int64_t>{kDraws / 100, 100});
  t.AddAttribute("mean", 2.0f);
  t.AddAttribute("scale", 3.0f);
  t.AddAttribute("seed", 7.0f);
  t.AddUncheckedOutput("Y", DataType::kFloat);
  auto out = t.RunAndFetch();
  const Tensor& y = out[0].Get();
  EXPECT_EQ(y.Shape(), TensorShape({kDraws / 100, 100}));
  double mean, var;
  MeanVar(AsDoubles<float>(y), mean, var);
  EXPECT_NEAR(mean, 2.0, 5 * 3.0 / std::sqrt(double(kDraws)));
  EXPECT_NEAR(var, 9.0, 9.0 * 0.06);
  // Fraction within one standard deviation of the mean is about 68.3%.
  int within = 0;
  for (double x : AsDoubles<float>(y)) within += std::fabs(x - 2.0) < 3.0;
  EXPECT_NEAR(within / double(kDraws), 0.6827, 0.02);
}

TEST(RandomOpsTest, RandomUniformStatisticsAndRange) {
  OpTester t("RandomUniform", 1);
  t.AddAttribute("shape", std::vector<int64_t>{kDraws});
  t.AddAttribute("low", -1.0f);
  t.AddAttribute("high", 3.0f);
  t.AddAttribute("seed", 1.0f);
  t.AddAttribute("dtype", int64_t{11});
  t.AddUncheckedOutput("Y", DataType::kDouble);
  auto out = t.RunAndFetch();
  const auto v = AsDoubles<double>(out[0].Get());
  for (double x : v) {
    ASSERT_GE(x, -1.0);
    ASSERT_LT(x, 3.0);
  }
  double mean, var;
  MeanVar(v, mean, var);
  EXPECT_NEAR(mean, 1.0, 5 * std::sqrt(16.0 / 12 / kDraws));
  EXPECT_NEAR(var, 16.0 / 12, 16.0 / 12 * 0.05);
}

TEST(RandomOpsTest, SeedMakesRunsReproducible) {
  auto draw = [](float seed) {
    OpTester t("RandomUniform", 1);
    t.AddAttribute("shape", std::vector<int64_t>{16});
    t.AddAttribute("seed", seed);
    t.AddUncheckedOutput("Y", DataType::kFloat);
    return AsDoubles<float>(t.RunAndFetch()[0].Get());
  };
  EXPECT_EQ(draw(3.0f), draw(3.0f));
  EXPECT_NE(draw(3.0f), draw(4.0f));
}

TEST(RandomOpsTest, UnseededRunsDiffer) {
  auto draw = [] {
    OpTester t("RandomNormal", 1);
    t.AddAttribute("shape", std::vector<int64_t>{16});
    t.AddUncheckedOutput("Y", DataType::kFloat);
    return AsDoubles<float>(t.RunAndFetch()[0].Get());
  };
  EXPECT_NE(draw(), draw());
}

TEST(RandomOpsTest, LikeOpsTakeShapeAndType) {
  {
    OpTester t("RandomNormalLike", 1);
    t.AddInput<double>("X", {3, 0, 2}, {});
    t.AddUncheckedOutput("Y", DataType::kDouble);
    auto out = t.RunAndFetch();
    EXPECT_EQ(out[0].Get().Shape(), TensorShape({3, 0, 2}));
    EXPECT_EQ(out[0].Get().GetElementType(), DataType::kDouble);
  }
  {
    // dtype overrides the input type, which may then be anything.
    OpTester t("RandomUniformLike", 1);
    t.AddAttribute("dtype", int64_t{10});
    t.AddAttribute("low", 5.0f);
    t.AddAttribute("high", 6.0f);
    t.AddAttribute("seed", 2.0f);
    t.AddInput<int32_t>("X", {2, 500}, std::vector<int32_t>(1000, 0));
    t.AddUncheckedOutput("Y", DataType::kFloat16);
    auto out = t.RunAndFetch();
    const Tensor& y = out[0].Get();
    EXPECT_EQ(y.Shape(), TensorShape({2, 500}));
    double mean, var;
    MeanVar(AsDoubles<MLFloat16>(y), mean, var);
    for (double x : AsDoubles<MLFloat16>(y)) {
      ASSERT_GE(x, 5.0);
      ASSERT_LE(x, 6.0);
    }
    EXPECT_NEAR(mean, 5.5, 0.05);
  }
  {
    OpTester t("RandomNormalLike", 1);
    t.AddAttribute("mean", -4.0f);
    t.AddAttribute("scale", 0.5f);
    t.AddAttribute("seed", 9.0f);
    t.AddInput<MLFloat16>("X", {kDraws}, std::vector<MLFloat16>(kDraws, MLFloat16(0.f)));
    t.AddUncheckedOutput("Y", DataType::kFloat16);
    auto out = t.RunAndFetch();
    double mean, var;
    MeanVar(AsDoubles<MLFloat16>(out[0].Get()), mean, var);
    EXPECT_NEAR(mean, -4.0, 0.02);
    EXPECT_NEAR(var, 0.25, 0.025);
  }
}

TEST(RandomOpsTest, LikeWithoutDtypeNeedsFloatInput) {
  OpTester t("RandomNormalLike", 1);
  t.AddInput<int32_t>("X", {2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("float");
}

TEST(RandomOpsTest, NonFloatDtypeFails) {
  OpTester t("RandomUniform", 1);
  t.AddAttribute("shape", std::vector<int64_t>{2});
  t.AddAttribute("dtype", int64_t{6});
  t.AddUncheckedOutput("Y", DataType::kInt32);
  t.RunExpectFailure("dtype");
}

TEST(RandomOpsTest, BernoulliStatistics) {
  OpTester t("Bernoulli", 15);
  t.AddAttribute("seed", 11.0f);
  std::vector<float> p(kDraws);
  for (int64_t i = 0; i < kDraws; ++i) p[i] = i % 2 ? 0.3f : 0.8f;
  t.AddInput<float>("X", {kDraws}, p);
  t.AddUncheckedOutput("Y", DataType::kFloat);
  auto out = t.RunAndFetch();
  const auto v = AsDoubles<float>(out[0].Get());
  double ones_odd = 0, ones_even = 0;
  for (int64_t i = 0; i < kDraws; ++i) {
    ASSERT_TRUE(v[i] == 0.0 || v[i] == 1.0);
    (i % 2 ? ones_odd : ones_even) += v[i];
  }
  const double half = kDraws / 2.0;
  EXPECT_NEAR(ones_odd / half, 0.3, 5 * std::sqrt(0.21 / half));
  EXPECT_NEAR(ones_even / half, 0.8, 5 * std::sqrt(0.16 / half));
}

TEST(RandomOpsTest, BernoulliExtremesAndDtypes) {
  {
    OpTester t("Bernoulli", 15);
    t.AddAttribute("dtype", int64_t{9});
    t.AddInput<double>("X", {2, 2}, {0.0, 1.0, 1.0, 0.0});
    t.AddOutput<bool>("Y", {2, 2}, {false, true, true, false});
    t.Run();
  }
  {
    OpTester t("Bernoulli", 15);
    t.AddAttribute("dtype", int64_t{7});
    t.AddInput<MLFloat16>("X", {3}, {MLFloat16(1.f), MLFloat16(0.f), MLFloat16(1.f)});
    t.AddOutput<int64_t>("Y", {3}, {1, 0, 1});
    t.Run();
  }
  {
    OpTester t("Bernoulli", 15);
    t.AddInput<double>("X", {2, 0}, {});
    t.AddOutput<double>("Y", {2, 0}, {});
    t.Run();
  }
}

TEST(RandomOpsTest, BernoulliProbabilityOutOfRangeFails) {
  OpTester t("Bernoulli", 15);
  t.AddInput<float>("X", {2}, {0.5f, 1.5f});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("outside [0, 1]");
}

TEST(RandomOpsTest, MultinomialFrequencies) {
  OpTester t("Multinomial", 7);
  t.AddAttribute("sample_size", kDraws);
  t.AddAttribute("seed", 5.0f);
  t.AddAttribute("dtype", int64_t{7});
  // Row 0: probabilities 0.2, 0.5, 0.3 as log-probabilities shifted by a constant; row 1: only class 2.
  const float shift = 3.0f;
  t.AddInput<float>("X", {2, 3},
                    {std::log(0.2f) + shift, std::log(0.5f) + shift, std::log(0.3f) + shift, -INFINITY, -INFINITY,
                     0.0f});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  auto out = t.RunAndFetch();
  const Tensor& y = out[0].Get();
  ASSERT_EQ(y.Shape(), TensorShape({2, kDraws}));
  const int64_t* d = y.Data<int64_t>();
  std::map<int64_t, double> freq;
  for (int64_t i = 0; i < kDraws; ++i) freq[d[i]] += 1.0 / kDraws;
  for (int64_t i = kDraws; i < 2 * kDraws; ++i) ASSERT_EQ(d[i], 2);
  const double se = 5 * std::sqrt(0.25 / kDraws);
  EXPECT_NEAR(freq[0], 0.2, se);
  EXPECT_NEAR(freq[1], 0.5, se);
  EXPECT_NEAR(freq[2], 0.3, se);
}

TEST(RandomOpsTest, MultinomialDefaultsToInt32) {
  OpTester t("Multinomial", 7);
  t.AddAttribute("sample_size", int64_t{4});
  t.AddInput<double>("X", {1, 2}, {0.0, -INFINITY});
  t.AddOutput<int32_t>("Y", {1, 4}, {0, 0, 0, 0});
  t.Run();
}

TEST(RandomOpsTest, MultinomialBadInputFails) {
  {
    OpTester t("Multinomial", 7);
    t.AddInput<float>("X", {3}, {0.f, 0.f, 0.f});
    t.AddUncheckedOutput("Y", DataType::kInt32);
    t.RunExpectFailure("2-D");
  }
  {
    OpTester t("Multinomial", 7);
    t.AddInput<float>("X", {1, 2}, {-INFINITY, -INFINITY});
    t.AddUncheckedOutput("Y", DataType::kInt32);
    t.RunExpectFailure("log-probability");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
