// Sum, Mean, Max, Min over one to many broadcast inputs, every numeric type, NaN propagation;
// Where with broadcasting over all element types; Clip in its attribute and input forms.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();

TEST(MathVariadicTest, SumMeanBroadcastThreeInputs) {
  {
    OpTester t("Sum", 13);
    t.AddInput<float>("A", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<float>("B", {3}, {10, 20, 30});
    t.AddInput<float>("C", {2, 1}, {100, 200});
    t.AddOutput<float>("S", {2, 3}, {111, 122, 133, 214, 225, 236});
    t.Run();
  }
  {
    OpTester t("Mean", 13);
    t.AddInput<float>("A", {2, 1}, {3, 6});
    t.AddInput<float>("B", {1, 3}, {0, 3, 6});
    t.AddInput<float>("C", {}, {0});
    t.AddOutput<float>("M", {2, 3}, {1, 2, 3, 2, 3, 4});
    t.Run();
  }
  {
    OpTester t("Mean", 8);
    t.AddInput<double>("A", {2}, {1, 2});
    t.AddInput<double>("B", {2}, {2, 4});
    t.AddOutput<double>("M", {2}, {1.5, 3});
    t.Run();
  }
}

TEST(MathVariadicTest, SingleInputAndOldOpset) {
  {
    OpTester t("Sum", 6);
    t.AddInput<float>("A", {3}, {1, -2, 3});
    t.AddOutput<float>("S", {3}, {1, -2, 3});
    t.Run();
  }
  {
    OpTester t("Max", 1);
    t.AddAttribute("consumed_inputs", std::vector<int64_t>{0, 0});
    t.AddInput<float>("A", {3}, {1, -2, 3});
    t.AddInput<float>("B", {3}, {0, 0, 5});
    t.AddOutput<float>("M", {3}, {1, 0, 5});
    t.Run();
  }
  {
    OpTester t("Mean", 13);
    t.AddInput<MLFloat16>("A", {2}, {MLFloat16(1.0f), MLFloat16(2.0f)});
    t.AddOutput<MLFloat16>("M", {2}, {MLFloat16(1.0f), MLFloat16(2.0f)});
    t.Run();
  }
}

TEST(MathVariadicTest, HalfAccumulatesInFloat) {
  // 2048 + 1 + 1 is not representable step by step in float16 (2049 rounds to 2048).
  OpTester t("Sum", 13);
  t.AddInput<MLFloat16>("A", {1}, {MLFloat16(2048.0f)});
  t.AddInput<MLFloat16>("B", {1}, {MLFloat16(1.0f)});
  t.AddInput<MLFloat16>("C", {1}, {MLFloat16(1.0f)});
  t.AddOutput<MLFloat16>("S", {1}, {MLFloat16(2050.0f)});
  t.SetTolerance(0, 0);
  t.Run();

  OpTester b("Mean", 13);
  b.AddInput<BFloat16>("A", {2}, {BFloat16(1.0f), BFloat16(4.0f)});
  b.AddInput<BFloat16>("B", {2}, {BFloat16(2.0f), BFloat16(8.0f)});
  b.AddOutput<BFloat16>("M", {2}, {BFloat16(1.5f), BFloat16(6.0f)});
  b.Run();
}

TEST(MathVariadicTest, MaxMinPropagateNaN) {
  {
    OpTester t("Max", 13);
    t.AddInput<float>("A", {4}, {1, kNaN, 3, -1});
    t.AddInput<float>("B", {4}, {kNaN, 2, 1, -2});
    t.AddOutput<float>("M", {4}, {kNaN, kNaN, 3, -1});
    t.Run();
  }
  {
    OpTester t("Min", 13);
    t.AddInput<float>("A", {4}, {1, kNaN, 3, -1});
    t.AddInput<float>("B", {4}, {kNaN, 2, 1, -2});
    t.AddInput<float>("C", {1}, {0});
    t.AddOutput<float>("M", {4}, {kNaN, kNaN, 0, -2});
    t.Run();
  }
}

template <typename T>
void CheckMaxMin(const std::vector<T>& a, const std::vector<T>& b, const std::vector<T>& mx, const std::vector<T>& mn) {
  const std::vector<int64_t> dims{static_cast<int64_t>(a.size())};
  OpTester t("Max", 13);
  t.AddInput<T>("A", dims, a);
  t.AddInput<T>("B", dims, b);
  t.AddOutput<T>("M", dims, mx);
  t.Run();
  OpTester u("Min", 12);
  u.AddInput<T>("A", dims, a);
  u.AddInput<T>("B", dims, b);
  u.AddOutput<T>("M", dims, mn);
  u.Run();
}

TEST(MathVariadicTest, MaxMinAllTypes) {
  CheckMaxMin<int8_t>({-128, 5}, {127, -5}, {127, 5}, {-128, -5});
  CheckMaxMin<int16_t>({-300, 5}, {300, -5}, {300, 5}, {-300, -5});
  CheckMaxMin<int32_t>({-3, 5}, {3, -5}, {3, 5}, {-3, -5});
  CheckMaxMin<int64_t>({-3, 5000000000LL}, {3, -5}, {3, 5000000000LL}, {-3, -5});
  CheckMaxMin<uint8_t>({0, 255}, {1, 2}, {1, 255}, {0, 2});
  CheckMaxMin<uint16_t>({0, 65535}, {1, 2}, {1, 65535}, {0, 2});
  CheckMaxMin<uint32_t>({0, 4000000000u}, {1, 2}, {1, 4000000000u}, {0, 2});
  CheckMaxMin<uint64_t>({0, 2}, {1, 1}, {1, 2}, {0, 1});
  CheckMaxMin<double>({0.5, -1}, {0.25, 1}, {0.5, 1}, {0.25, -1});
  CheckMaxMin<MLFloat16>({MLFloat16(0.5f), MLFloat16(-1.0f)}, {MLFloat16(0.25f), MLFloat16(1.0f)},
                         {MLFloat16(0.5f), MLFloat16(1.0f)}, {MLFloat16(0.25f), MLFloat16(-1.0f)});
  CheckMaxMin<BFloat16>({BFloat16(0.5f), BFloat16(-1.0f)}, {BFloat16(0.25f), BFloat16(1.0f)},
                        {BFloat16(0.5f), BFloat16(1.0f)}, {BFloat16(0.25f), BFloat16(-1.0f)});
}

TEST(MathVariadicTest, EmptyAndErrors) {
  {
    OpTester t("Max", 13);
    t.AddInput<float>("A", {0}, {});
    t.AddInput<float>("B", {1}, {3});
    t.AddOutput<float>("M", {0}, {});
    t.Run();
  }
  {
    OpTester t("Sum", 13);
    t.AddInput<float>("A", {2}, {1, 2});
    t.AddInput<float>("B", {3}, {1, 2, 3});
    t.AddOutput<float>("S", {3}, {0, 0, 0});
    t.RunExpectFailure("broadcast");
  }
}

TEST(MathVariadicTest, LargeManyInputs) {
  const int64_t rows = 300, cols = 257;
  std::vector<float> a(rows * cols), b(cols), c(rows), expected(rows * cols);
  for (int64_t i = 0; i < rows * cols; ++i) a[i] = static_cast<float>(i % 97) - 40;
  for (int64_t j = 0; j < cols; ++j) b[j] = static_cast<float>(j % 13);
  for (int64_t i = 0; i < rows; ++i) c[i] = static_cast<float>(i % 7) * 3;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) expected[i * cols + j] = std::max({a[i * cols + j], b[j], c[i]});
  OpTester t("Max", 13);
  t.AddInput<float>("A", {rows, cols}, a);
  t.AddInput<float>("B", {cols}, b);
  t.AddInput<float>("C", {rows, 1}, c);
  t.AddOutput<float>("M", {rows, cols}, expected);
  t.Run();
}

TEST(MathWhereTest, BroadcastNumbers) {
  OpTester t("Where", 16);
  t.AddInput<bool>("C", {2, 1}, {true, false});
  t.AddInput<float>("X", {3}, {1, 2, 3});
  t.AddInput<float>("Y", {2, 3}, {10, 20, 30, 40, 50, 60});
  t.AddOutput<float>("Z", {2, 3}, {1, 2, 3, 40, 50, 60});
  t.Run();

  OpTester u("Where", 9);
  u.AddInput<bool>("C", {4}, {true, false, false, true});
  u.AddInput<int64_t>("X", {4}, {1, 2, 3, 4});
  u.AddInput<int64_t>("Y", {}, {-1});
  u.AddOutput<int64_t>("Z", {4}, {1, -1, -1, 4});
  u.Run();
}

TEST(MathWhereTest, StringsBoolsHalves) {
  {
    OpTester t("Where", 16);
    t.AddInput<bool>("C", {3}, {true, false, true});
    t.AddInput<std::string>("X", {3}, {"a", "b", "c"});
    t.AddInput<std::string>("Y", {1}, {"zz"});
    t.AddOutput<std::string>("Z", {3}, {"a", "zz", "c"});
    t.Run();
  }
  {
    OpTester t("Where", 16);
    t.AddInput<bool>("C", {2}, {true, false});
    t.AddInput<bool>("X", {2}, {false, false});
    t.AddInput<bool>("Y", {2}, {true, true});
    t.AddOutput<bool>("Z", {2}, {false, true});
    t.Run();
  }
  {
    OpTester t("Where", 16);
    t.AddInput<bool>("C", {2}, {false, true});
    t.AddInput<BFloat16>("X", {2}, {BFloat16(1.0f), BFloat16(2.0f)});
    t.AddInput<BFloat16>("Y", {2}, {BFloat16(3.0f), BFloat16(4.0f)});
    t.AddOutput<BFloat16>("Z", {2}, {BFloat16(3.0f), BFloat16(2.0f)});
    t.Run();
  }
  {
    OpTester t("Where", 16);
    t.AddInput<bool>("C", {0, 2}, {});
    t.AddInput<uint16_t>("X", {2}, {1, 2});
    t.AddInput<uint16_t>("Y", {1}, {3});
    t.AddOutput<uint16_t>("Z", {0, 2}, {});
    t.Run();
  }
}

TEST(MathWhereTest, BadConditionFails) {
  OpTester t("Where", 16);
  t.AddInput<bool>("C", {2}, {true, false});
  t.AddInput<float>("X", {3}, {1, 2, 3});
  t.AddInput<float>("Y", {3}, {1, 2, 3});
  t.AddOutput<float>("Z", {3}, {1, 2, 3});
  t.RunExpectFailure("broadcast");
}

TEST(MathClipTest, AttributeForm) {
  OpTester t("Clip", 6);
  t.AddAttribute("min", -1.0f);
  t.AddAttribute("max", 1.0f);
  t.AddInput<float>("X", {5}, {-2, -0.5f, 0, 3, kNaN});
  t.AddOutput<float>("Y", {5}, {-1, -0.5f, 0, 1, kNaN});
  t.Run();

  OpTester u("Clip", 1);
  u.AddAttribute("max", 0.5f);
  u.AddInput<double>("X", {3}, {-1e300, 0.25, 7});
  u.AddOutput<double>("Y", {3}, {-1e300, 0.25, 0.5});
  u.Run();
}

TEST(MathClipTest, InputForm) {
  {
    OpTester t("Clip", 13);
    t.AddInput<int8_t>("X", {4}, {-128, -5, 5, 127});
    t.AddInput<int8_t>("min", {}, {-10});
    t.AddInput<int8_t>("max", {}, {10});
    t.AddOutput<int8_t>("Y", {4}, {-10, -5, 5, 10});
    t.Run();
  }
  {
    OpTester t("Clip", 12);
    t.AddInput<uint64_t>("X", {3}, {0, 5, 18446744073709551615ull});
    t.AddMissingInput();
    t.AddInput<uint64_t>("max", {}, {6});
    t.AddOutput<uint64_t>("Y", {3}, {0, 5, 6});
    t.Run();
  }
  {
    OpTester t("Clip", 11);
    t.AddInput<float>("X", {3}, {-3, 0, 3});
    t.AddInput<float>("min", {}, {-1}, true);
    t.AddOutput<float>("Y", {3}, {-1, 0, 3});
    t.Run();
  }
  {
    // min > max: everything becomes max.
    OpTester t("Clip", 13);
    t.AddInput<MLFloat16>("X", {2}, {MLFloat16(-3.0f), MLFloat16(3.0f)});
    t.AddInput<MLFloat16>("min", {}, {MLFloat16(2.0f)});
    t.AddInput<MLFloat16>("max", {}, {MLFloat16(1.0f)});
    t.AddOutput<MLFloat16>("Y", {2}, {MLFloat16(1.0f), MLFloat16(1.0f)});
    t.Run();
  }
  {
    OpTester t("Clip", 13);
    t.AddInput<int32_t>("X", {0, 4}, {});
    t.AddOutput<int32_t>("Y", {0, 4}, {});
    t.Run();
  }
}

TEST(MathClipTest, NonScalarBoundFails) {
  OpTester t("Clip", 13);
  t.AddInput<float>("X", {2}, {1, 2});
  t.AddInput<float>("min", {2}, {0, 0});
  t.AddOutput<float>("Y", {2}, {1, 2});
  t.RunExpectFailure("one value");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
