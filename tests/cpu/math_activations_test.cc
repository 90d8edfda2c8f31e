// Activation functions against their formulas in double, attribute defaults and overrides,
// integer Relu/Shrink, PRelu slope broadcasting (new and legacy), com.microsoft Gelu.
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const std::vector<float> kInputs{-30.0f, -3.0f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 2.5f, 30.0f};

void CheckActivation(const char* op, int opset, const std::function<double(double)>& fn,
                     const std::vector<std::pair<const char*, float>>& attrs = {}, const char* domain = "") {
  std::vector<float> expected;
  std::vector<double> xd, expected_d;
  std::vector<MLFloat16> xh, expected_h;
  for (float v : kInputs) {
    expected.push_back(static_cast<float>(fn(v)));
    xd.push_back(v);
    expected_d.push_back(fn(v));
    xh.emplace_back(v);
    expected_h.emplace_back(static_cast<float>(fn(MLFloat16(v).ToFloat())));
  }
  const std::vector<int64_t> dims{3, 3};
  {
    OpTester t(op, opset, domain);
    for (const auto& a : attrs) t.AddAttribute(a.first, a.second);
    t.AddInput<float>("X", dims, kInputs);
    t.AddOutput<float>("Y", dims, expected);
    t.Run();
  }
  {
    OpTester t(op, opset, domain);
    for (const auto& a : attrs) t.AddAttribute(a.first, a.second);
    t.AddInput<double>("X", dims, xd);
    t.AddOutput<double>("Y", dims, expected_d);
    t.SetTolerance(1e-12, 1e-12);
    t.Run();
  }
  {
    OpTester t(op, opset, domain);
    for (const auto& a : attrs) t.AddAttribute(a.first, a.second);
    t.AddInput<MLFloat16>("X", dims, xh);
    t.AddOutput<MLFloat16>("Y", dims, expected_h);
    t.SetTolerance(2e-3, 2e-3);
    t.Run();
  }
}

double Sigmoid(double x) { return 1 / (1 + std::exp(-x)); }

TEST(MathActivationTest, Formulas) {
  CheckActivation("Relu", 14, [](double x) { return x > 0 ? x : 0; });
  CheckActivation("LeakyRelu", 16, [](double x) { return x < 0 ? 0.01f * x : x; });
  CheckActivation("LeakyRelu", 6, [](double x) { return x < 0 ? 0.2f * x : x; }, {{"alpha", 0.2f}});
  CheckActivation("Elu", 6, [](double x) { return x < 0 ? std::exp(x) - 1 : x; });
  CheckActivation("Elu", 6, [](double x) { return x < 0 ? 2.0f * (std::exp(x) - 1) : x; }, {{"alpha", 2.0f}});
  CheckActivation("Selu", 6, [](double x) {
    const double alpha = 1.67326319217681884765625f, gamma = 1.05070102214813232421875f;
    return x > 0 ? gamma * x : gamma * alpha * (std::exp(x) - 1);
  });
  CheckActivation("Sigmoid", 13, Sigmoid);
  CheckActivation("HardSigmoid", 6, [](double x) { return std::min(1.0, std::max(0.0, 0.2f * x + 0.5)); });
  CheckActivation("HardSigmoid", 6, [](double x) { return std::min(1.0, std::max(0.0, 0.5 * x + 0.25)); },
                  {{"alpha", 0.5f}, {"beta", 0.25f}});
  CheckActivation("HardSwish", 14, [](double x) { return x * std::min(1.0, std::max(0.0, x / 6 + 0.5)); });
  CheckActivation("Softplus", 1, [](double x) { return std::log1p(std::exp(x)); });
  CheckActivation("Softsign", 1, [](double x) { return x / (1 + std::fabs(x)); });
  CheckActivation("ThresholdedRelu", 10, [](double x) { return x > 1 ? x : 0; });
  CheckActivation("ThresholdedRelu", 10, [](double x) { return x > 2 ? x : 0; }, {{"alpha", 2.0f}});
  CheckActivation("Tanh", 13, [](double x) { return std::tanh(x); });
  CheckActivation("Shrink", 9, [](double x) { return x < -0.5 ? x : (x > 0.5 ? x : 0); });
  CheckActivation("Shrink", 9, [](double x) { return x < -1 ? x + 0.5f : (x > 1 ? x - 0.5f : 0); },
                  {{"lambd", 1.0f}, {"bias", 0.5f}});
  CheckActivation("Gelu", 1, [](double x) { return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0))); }, {}, "com.microsoft");
}

TEST(MathActivationTest, CeluFloatOnly) {
  std::vector<float> expected;
  for (float v : kInputs) expected.push_back(v > 0 ? v : static_cast<float>(2.0 * std::expm1(v / 2.0)));
  OpTester t("Celu", 12);
  t.AddAttribute("alpha", 2.0f);
  t.AddInput<float>("X", {9}, kInputs);
  t.AddOutput<float>("Y", {9}, expected);
  t.Run();
}

TEST(MathActivationTest, ReluIntegersAndNaN) {
  {
    OpTester t("Relu", 14);
    t.AddInput<int8_t>("X", {3}, {-128, 0, 127});
    t.AddOutput<int8_t>("Y", {3}, {0, 0, 127});
    t.Run();
  }
  {
    OpTester t("Relu", 14);
    t.AddInput<int64_t>("X", {2}, {-5000000000LL, 5000000000LL});
    t.AddOutput<int64_t>("Y", {2}, {0, 5000000000LL});
    t.Run();
  }
  {
    OpTester t("Relu", 6);
    t.AddInput<float>("X", {2}, {kNaN, -1});
    t.AddOutput<float>("Y", {2}, {kNaN, 0});
    t.Run();
  }
  {
    OpTester t("Relu", 14);
    t.AddInput<BFloat16>("X", {2}, {BFloat16(-1.0f), BFloat16(2.0f)});
    t.AddOutput<BFloat16>("Y", {2}, {BFloat16(0.0f), BFloat16(2.0f)});
    t.Run();
  }
  {
    OpTester t("Relu", 14);
    t.AddInput<float>("X", {0, 5}, {});
    t.AddOutput<float>("Y", {0, 5}, {});
    t.Run();
  }
}

TEST(MathActivationTest, SigmoidExtremes) {
  OpTester t("Sigmoid", 13);
  t.AddInput<float>("X", {4}, {-1000.0f, 1000.0f, -std::numeric_limits<float>::infinity(), kNaN});
  t.AddOutput<float>("Y", {4}, {0.0f, 1.0f, 0.0f, kNaN});
  t.Run();
}

// The vectorised float paths (Sigmoid, Tanh, Gelu) against double formulas over odd sizes and
// special values.
TEST(MathActivationTest, VectorisedFloatPaths) {
  const float kInf = std::numeric_limits<float>::infinity();
  for (int64_t n : {3, 1037, 50001}) {
    std::vector<float> x(n);
    for (int64_t i = 0; i < n; ++i) x[i] = -60.0f + 120.0f * static_cast<float>(i) / static_cast<float>(n);
    const float specials[] = {kNaN, kInf, -kInf, 0.0f, 1e-30f, -1e-30f, 1e-4f, -100.0f, 100.0f};
    for (int64_t i = 0; i < n && i < 9; ++i) x[i] = specials[i];
    std::vector<float> sig(n), th(n), gelu(n);
    for (int64_t i = 0; i < n; ++i) {
      const double v = x[i];
      sig[i] = static_cast<float>(1 / (1 + std::exp(-v)));
      th[i] = static_cast<float>(std::tanh(v));
      // -inf * (1 + erf(-inf)) is -inf * 0: NaN, as the formula gives.
      gelu[i] = std::isinf(v) ? (v > 0 ? kInf : kNaN) : static_cast<float>(0.5 * v * std::erfc(-v / std::sqrt(2.0)));
    }
    OpTester s("Sigmoid", 13);
    s.AddInput<float>("X", {n}, x);
    s.AddOutput<float>("Y", {n}, sig);
    s.Run();
    OpTester t("Tanh", 13);
    t.AddInput<float>("X", {n}, x);
    t.AddOutput<float>("Y", {n}, th);
    t.Run();
    OpTester g("Gelu", 1, "com.microsoft");
    g.AddInput<float>("X", {n}, x);
    g.AddOutput<float>("Y", {n}, gelu);
    g.Run();
  }
}

TEST(MathActivationTest, ShrinkIntegers) {
  {
    OpTester t("Shrink", 9);
    t.AddAttribute("lambd", 1.5f);
    t.AddAttribute("bias", 1.0f);
    t.AddInput<int32_t>("X", {5}, {-3, -1, 0, 1, 3});
    t.AddOutput<int32_t>("Y", {5}, {-2, 0, 0, 0, 2});
    t.Run();
  }
  {
    OpTester t("Shrink", 9);
    t.AddAttribute("lambd", 1.5f);
    t.AddAttribute("bias", 1.0f);
    t.AddInput<uint8_t>("X", {3}, {0, 1, 200});
    t.AddOutput<uint8_t>("Y", {3}, {0, 0, 199});
    t.Run();
  }
}

TEST(MathActivationTest, FloatOnlyOpsRejectIntegers) {
  OpTester t("Sigmoid", 13);
  t.AddInput<int32_t>("X", {1}, {1});
  t.AddOutput<int32_t>("Y", {1}, {1});
  t.RunExpectFailure("not supported");
}

TEST(MathPReluTest, SlopeBroadcast) {
  {
    OpTester t("PRelu", 16);
    t.AddInput<float>("X", {2, 3}, {-1, -2, 3, -4, 5, -6});
    t.AddInput<float>("slope", {3}, {0.5f, 1, 2});
    t.AddOutput<float>("Y", {2, 3}, {-0.5f, -2, 3, -2, 5, -12});
    t.Run();
  }
  {
    OpTester t("PRelu", 9);
    t.AddInput<float>("X", {1, 2, 2}, {-1, 1, -1, 1});
    t.AddInput<float>("slope", {2, 1}, {0.5f, 2});
    t.AddOutput<float>("Y", {1, 2, 2}, {-0.5f, 1, -2, 1});
    t.Run();
  }
  {
    OpTester t("PRelu", 16);
    t.AddInput<int32_t>("X", {3}, {-3, 0, 3});
    t.AddInput<int32_t>("slope", {1}, {2});
    t.AddOutput<int32_t>("Y", {3}, {-6, 0, 3});
    t.Run();
  }
  {
    OpTester t("PRelu", 16);
    t.AddInput<MLFloat16>("X", {2}, {MLFloat16(-2.0f), MLFloat16(2.0f)});
    t.AddInput<MLFloat16>("slope", {}, {MLFloat16(0.25f)});
    t.AddOutput<MLFloat16>("Y", {2}, {MLFloat16(-0.5f), MLFloat16(2.0f)});
    t.Run();
  }
}

TEST(MathPReluTest, LegacyPerChannelSlope) {
  // Opset 6 models give one slope per channel (dimension 1) of an N x C x H x W input.
  OpTester t("PRelu", 6);
  t.AddInput<float>("X", {1, 2, 1, 2}, {-1, -1, -1, 1});
  t.AddInput<float>("slope", {2}, {0.5f, 3}, true);
  t.AddOutput<float>("Y", {1, 2, 1, 2}, {-0.5f, -0.5f, -3, 1});
  t.Run();
}

TEST(MathPReluTest, SlopeMustBroadcastToX) {
  OpTester t("PRelu", 16);
  t.AddInput<float>("X", {3}, {1, 2, 3});
  t.AddInput<float>("slope", {2, 3}, {1, 1, 1, 1, 1, 1});
  t.AddOutput<float>("Y", {3}, {1, 2, 3});
  t.RunExpectFailure("does not broadcast");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
