// Unary elementwise math: every op against its C library meaning, the integer and 16-bit float
// paths, NaN/Inf handling, empty tensors and type errors.
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

std::vector<MLFloat16> Half(const std::vector<float>& v) {
  std::vector<MLFloat16> out;
  for (float f : v) out.emplace_back(f);
  return out;
}
std::vector<BFloat16> BHalf(const std::vector<float>& v) {
  std::vector<BFloat16> out;
  for (float f : v) out.emplace_back(f);
  return out;
}

// Runs a float op at `opset` on x and compares with fn applied in double.
void CheckFloatOp(const char* op, int opset, const std::vector<float>& x, const std::function<double(double)>& fn) {
  std::vector<float> expected;
  std::vector<double> xd, expected_d;
  for (float v : x) {
    expected.push_back(static_cast<float>(fn(v)));
    xd.push_back(v);
    expected_d.push_back(fn(v));
  }
  const std::vector<int64_t> dims{static_cast<int64_t>(x.size())};
  {
    OpTester t(op, opset);
    t.AddInput<float>("X", dims, x);
    t.AddOutput<float>("Y", dims, expected);
    t.Run();
  }
  {
    OpTester t(op, opset);
    t.AddInput<double>("X", dims, xd);
    t.AddOutput<double>("Y", dims, expected_d);
    t.Run();
  }
  {
    OpTester t(op, opset);
    t.AddInput<MLFloat16>("X", dims, Half(x));
    t.AddOutput<MLFloat16>("Y", dims, Half(expected));
    t.SetTolerance(2e-3, 2e-3);
    t.Run();
  }
}

TEST(MathUnaryTest, FloatFunctions) {
  const std::vector<float> any{-2.5f, -1.0f, -0.25f, 0.0f, 0.3f, 1.0f, 2.0f};
  const std::vector<float> positive{0.1f, 0.5f, 1.0f, 2.0f, 10.0f};
  const std::vector<float> unit{-0.9f, -0.5f, 0.0f, 0.25f, 0.75f};
  CheckFloatOp("Exp", 13, any, [](double v) { return std::exp(v); });
  CheckFloatOp("Log", 13, positive, [](double v) { return std::log(v); });
  CheckFloatOp("Sqrt", 13, positive, [](double v) { return std::sqrt(v); });
  CheckFloatOp("Reciprocal", 13, positive, [](double v) { return 1 / v; });
  CheckFloatOp("Floor", 13, any, [](double v) { return std::floor(v); });
  CheckFloatOp("Ceil", 13, any, [](double v) { return std::ceil(v); });
  CheckFloatOp("Sin", 7, any, [](double v) { return std::sin(v); });
  CheckFloatOp("Cos", 7, any, [](double v) { return std::cos(v); });
  CheckFloatOp("Tan", 7, unit, [](double v) { return std::tan(v); });
  CheckFloatOp("Asin", 7, unit, [](double v) { return std::asin(v); });
  CheckFloatOp("Acos", 7, unit, [](double v) { return std::acos(v); });
  CheckFloatOp("Atan", 7, any, [](double v) { return std::atan(v); });
  CheckFloatOp("Sinh", 9, any, [](double v) { return std::sinh(v); });
  CheckFloatOp("Cosh", 9, any, [](double v) { return std::cosh(v); });
  CheckFloatOp("Asinh", 9, any, [](double v) { return std::asinh(v); });
  CheckFloatOp("Acosh", 9, {1.0f, 1.5f, 3.0f, 10.0f}, [](double v) { return std::acosh(v); });
  CheckFloatOp("Atanh", 9, unit, [](double v) { return std::atanh(v); });
  CheckFloatOp("Erf", 13, any, [](double v) { return std::erf(v); });
}

TEST(MathUnaryTest, OldOpsetsAndBFloat16) {
  // Opset 1 carries the legacy consumed_inputs attribute.
  OpTester t("Exp", 1);
  t.AddAttribute("consumed_inputs", std::vector<int64_t>{0});
  t.AddInput<float>("X", {2}, {0.0f, 1.0f});
  t.AddOutput<float>("Y", {2}, {1.0f, std::exp(1.0f)});
  t.Run();

  OpTester b("Sqrt", 13);
  b.AddInput<BFloat16>("X", {3}, BHalf({4.0f, 9.0f, 16.0f}));
  b.AddOutput<BFloat16>("Y", {3}, BHalf({2.0f, 3.0f, 4.0f}));
  b.Run();
}

TEST(MathUnaryTest, RoundHalfToEven) {
  const std::vector<float> x{0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f, 2.4f, 2.6f, -2.6f, 0.0f, kNaN, kInf};
  const std::vector<float> y{0.0f, 2.0f, 2.0f, -0.0f, -2.0f, -2.0f, 2.0f, 3.0f, -3.0f, 0.0f, kNaN, kInf};
  OpTester t("Round", 11);
  t.AddInput<float>("X", {3, 4}, x);
  t.AddOutput<float>("Y", {3, 4}, y);
  t.Run();

  OpTester h("Round", 11);
  h.AddInput<MLFloat16>("X", {4}, Half({0.5f, 1.5f, 2.5f, -3.5f}));
  h.AddOutput<MLFloat16>("Y", {4}, Half({0.0f, 2.0f, 2.0f, -4.0f}));
  h.Run();
}

TEST(MathUnaryTest, AbsAllTypes) {
  {
    OpTester t("Abs", 13);
    t.AddInput<float>("X", {2, 3}, {-1.5f, 0.0f, 2.0f, -0.0f, kNaN, -kInf});
    t.AddOutput<float>("Y", {2, 3}, {1.5f, 0.0f, 2.0f, 0.0f, kNaN, kInf});
    t.Run();
  }
  {
    // The most negative value has no positive counterpart and stays as it is.
    OpTester t("Abs", 6);
    t.AddInput<int8_t>("X", {4}, {-128, -5, 0, 7});
    t.AddOutput<int8_t>("Y", {4}, {-128, 5, 0, 7});
    t.Run();
  }
  {
    OpTester t("Abs", 13);
    t.AddInput<int64_t>("X", {3}, {-5000000000LL, 3, std::numeric_limits<int64_t>::min()});
    t.AddOutput<int64_t>("Y", {3}, {5000000000LL, 3, std::numeric_limits<int64_t>::min()});
    t.Run();
  }
  {
    OpTester t("Abs", 13);
    t.AddInput<uint16_t>("X", {2}, {65535, 1});
    t.AddOutput<uint16_t>("Y", {2}, {65535, 1});
    t.Run();
  }
  {
    OpTester t("Abs", 13);
    t.AddInput<int32_t>("X", {3}, {-7, 7, 0});
    t.AddOutput<int32_t>("Y", {3}, {7, 7, 0});
    t.Run();
  }
  {
    OpTester t("Abs", 13);
    t.AddInput<MLFloat16>("X", {2}, Half({-2.5f, 3.0f}));
    t.AddOutput<MLFloat16>("Y", {2}, Half({2.5f, 3.0f}));
    t.Run();
  }
  {
    OpTester t("Abs", 13);
    t.AddInput<BFloat16>("X", {2}, BHalf({-2.5f, 3.0f}));
    t.AddOutput<BFloat16>("Y", {2}, BHalf({2.5f, 3.0f}));
    t.Run();
  }
}

TEST(MathUnaryTest, Neg) {
  {
    OpTester t("Neg", 13);
    t.AddInput<int32_t>("X", {3}, {std::numeric_limits<int32_t>::min(), -4, 9});
    t.AddOutput<int32_t>("Y", {3}, {std::numeric_limits<int32_t>::min(), 4, -9});
    t.Run();
  }
  {
    OpTester t("Neg", 6);
    t.AddInput<double>("X", {2}, {1.25, -0.0});
    t.AddOutput<double>("Y", {2}, {-1.25, 0.0});
    t.Run();
  }
  {
    OpTester t("Neg", 13);
    t.AddInput<MLFloat16>("X", {2}, Half({1.5f, -2.0f}));
    t.AddOutput<MLFloat16>("Y", {2}, Half({-1.5f, 2.0f}));
    t.Run();
  }
  {
    OpTester t("Neg", 13);
    t.AddInput<uint8_t>("X", {1}, {1});
    t.AddOutput<uint8_t>("Y", {1}, {255});
    t.RunExpectFailure("not supported");
  }
}

TEST(MathUnaryTest, Sign) {
  {
    OpTester t("Sign", 13);
    t.AddInput<float>("X", {5}, {-3.0f, 0.0f, 2.5f, kNaN, -kInf});
    t.AddOutput<float>("Y", {5}, {-1.0f, 0.0f, 1.0f, kNaN, -1.0f});
    t.Run();
  }
  {
    OpTester t("Sign", 9);
    t.AddInput<int16_t>("X", {3}, {-300, 0, 12});
    t.AddOutput<int16_t>("Y", {3}, {-1, 0, 1});
    t.Run();
  }
  {
    OpTester t("Sign", 13);
    t.AddInput<uint32_t>("X", {2}, {0, 4000000000u});
    t.AddOutput<uint32_t>("Y", {2}, {0, 1});
    t.Run();
  }
}

TEST(MathUnaryTest, ErfOnIntegers) {
  OpTester t("Erf", 13);
  t.AddInput<int32_t>("X", {4}, {-10, 0, 1, 10});
  t.AddOutput<int32_t>("Y", {4}, {-1, 0, 0, 1});
  t.Run();
}

TEST(MathUnaryTest, IsNaNAndIsInf) {
  {
    OpTester t("IsNaN", 13);
    t.AddInput<float>("X", {4}, {1.0f, kNaN, kInf, -kNaN});
    t.AddOutput<bool>("Y", {4}, {false, true, false, true});
    t.Run();
  }
  {
    OpTester t("IsNaN", 9);
    t.AddInput<MLFloat16>("X", {2}, Half({kNaN, 0.0f}));
    t.AddOutput<bool>("Y", {2}, {true, false});
    t.Run();
  }
  const std::vector<double> x{-std::numeric_limits<double>::infinity(), 0.0, std::numeric_limits<double>::infinity(),
                              std::nan("")};
  {
    OpTester t("IsInf", 10);
    t.AddInput<double>("X", {4}, x);
    t.AddOutput<bool>("Y", {4}, {true, false, true, false});
    t.Run();
  }
  {
    OpTester t("IsInf", 10);
    t.AddAttribute("detect_positive", int64_t{0});
    t.AddInput<double>("X", {4}, x);
    t.AddOutput<bool>("Y", {4}, {true, false, false, false});
    t.Run();
  }
  {
    OpTester t("IsInf", 10);
    t.AddAttribute("detect_negative", int64_t{0});
    t.AddInput<float>("X", {2, 2}, {-kInf, 1.0f, kInf, kNaN});
    t.AddOutput<bool>("Y", {2, 2}, {false, false, true, false});
    t.Run();
  }
}

TEST(MathUnaryTest, Not) {
  OpTester t("Not", 1);
  t.AddInput<bool>("X", {2, 2}, {true, false, false, true});
  t.AddOutput<bool>("Y", {2, 2}, {false, true, true, false});
  t.Run();
}

TEST(MathUnaryTest, EmptyAndScalar) {
  {
    OpTester t("Exp", 13);
    t.AddInput<float>("X", {0, 3}, {});
    t.AddOutput<float>("Y", {0, 3}, {});
    t.Run();
  }
  {
    OpTester t("Abs", 13);
    t.AddInput<float>("X", {}, {-4.0f});
    t.AddOutput<float>("Y", {}, {4.0f});
    t.Run();
  }
}

TEST(MathUnaryTest, LargeTensorSplitsAcrossThreads) {
  const int64_t n = 100003;
  std::vector<float> x(n), y(n);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(i % 1000) * 0.01f - 5.0f;
    y[i] = std::floor(x[i]);
  }
  OpTester t("Floor", 13);
  t.AddInput<float>("X", {n}, x);
  t.AddOutput<float>("Y", {n}, y);
  t.Run();
}

// The vectorised float paths (Exp, Erf) and Sqrt against libm in double, over odd sizes, both small and
// big enough to split, including the special values.
TEST(MathUnaryTest, VectorisedFloatPaths) {
  for (int64_t n : {1, 7, 1037, 50001}) {
    std::vector<float> x(n);
    for (int64_t i = 0; i < n; ++i) x[i] = -100.0f + 200.0f * static_cast<float>(i) / static_cast<float>(n);
    const float specials[] = {kNaN, kInf, -kInf, 0.0f, -0.0f, 1e-30f, 88.0f, -87.0f, -103.0f};
    for (int64_t i = 0; i < n && i < 9; ++i) x[i] = specials[i];
    std::vector<float> e(n), f(n), r(n);
    for (int64_t i = 0; i < n; ++i) {
      e[i] = static_cast<float>(std::exp(static_cast<double>(x[i])));
      f[i] = static_cast<float>(std::erf(static_cast<double>(x[i])));
      r[i] = std::sqrt(x[i]);
    }
    OpTester s("Sqrt", 13);
    s.AddInput<float>("X", {n}, x);
    s.AddOutput<float>("Y", {n}, r);
    s.Run();
    OpTester t("Exp", 13);
    t.AddInput<float>("X", {n}, x);
    t.AddOutput<float>("Y", {n}, e);
    t.Run();
    OpTester u("Erf", 13);
    u.AddInput<float>("X", {n}, x);
    u.AddOutput<float>("Y", {n}, f);
    u.Run();
  }
}

TEST(MathUnaryTest, WrongTypesFail) {
  {
    OpTester t("Exp", 13);
    t.AddInput<int32_t>("X", {1}, {1});
    t.AddOutput<int32_t>("Y", {1}, {2});
    t.RunExpectFailure("int32 is not supported by Exp");
  }
  {
    OpTester t("IsInf", 10);
    t.AddInput<int32_t>("X", {1}, {1});
    t.AddOutput<bool>("Y", {1}, {false});
    t.RunExpectFailure("not supported");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
