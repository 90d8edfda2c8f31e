// Cast/CastLike: numeric conversions (truncation, wrap-around, bool), 16-bit float rounding,
// numbers to strings in numpy's shortest form and strings back to numbers.
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

template <typename From, typename To>
void CheckCast(const std::vector<From>& x, const std::vector<To>& y, int opset = 13) {
  const std::vector<int64_t> dims{static_cast<int64_t>(x.size())};
  OpTester t("Cast", opset);
  t.AddAttribute("to", static_cast<int64_t>(DataTypeFor<To>()));
  t.AddInput<From>("X", dims, x);
  t.AddOutput<To>("Y", dims, y);
  t.SetTolerance(0, 0);
  t.Run();
}

TEST(MathCastTest, FloatToIntegersTruncates) {
  CheckCast<float, int32_t>({1.9f, -1.9f, 0.0f, 1e9f}, {1, -1, 0, 1000000000});
  CheckCast<double, int64_t>({-5e15, 2.5}, {-5000000000000000LL, 2});
  CheckCast<float, uint8_t>({255.0f, 3.7f, 0.0f}, {255, 3, 0});
  CheckCast<double, uint64_t>({1.8446744073709550e19, 7.0}, {18446744073709549568ull, 7});
  CheckCast<MLFloat16, int16_t>({MLFloat16(-300.5f), MLFloat16(12.0f)}, {-300, 12});
}

TEST(MathCastTest, IntegersWrapAndWiden) {
  CheckCast<int32_t, int8_t>({127, 128, -129, 256}, {127, -128, 127, 0});
  CheckCast<int64_t, uint16_t>({-1, 65536, 5}, {65535, 0, 5});
  CheckCast<uint8_t, int64_t>({0, 255}, {0, 255});
  CheckCast<int8_t, uint32_t>({-1, 1}, {4294967295u, 1});
  CheckCast<uint64_t, float>({16777217ull, 3}, {16777216.0f, 3.0f});
  CheckCast<int32_t, double>({-7, 2147483647}, {-7.0, 2147483647.0});
}

TEST(MathCastTest, Bool) {
  CheckCast<float, bool>({0.0f, -0.0f, 0.5f, kNaN, -2.0f}, {false, false, true, true, true});
  CheckCast<int64_t, bool>({0, 36, -1}, {false, true, true});
  CheckCast<bool, float>({true, false}, {1.0f, 0.0f});
  CheckCast<bool, int8_t>({true, false}, {1, 0});
  CheckCast<bool, MLFloat16>({true, false}, {MLFloat16(1.0f), MLFloat16(0.0f)});
  CheckCast<MLFloat16, bool>({MLFloat16(0.0f), MLFloat16(0.001f)}, {false, true});
}

TEST(MathCastTest, HalfRoundsToNearestEven) {
  // 1 + 2^-11 is halfway between two float16 values; ties go to the even one (1.0).
  CheckCast<float, MLFloat16>({1.0f + 1.0f / 2048, 1.0f + 3.0f / 2048, 65520.0f, kNaN},
                              {MLFloat16(1.0f), MLFloat16(1.0f + 4.0f / 2048), MLFloat16(kInf), MLFloat16(kNaN)});
  // Double just above a float16 tie must round up, which a plain double -> float -> half would miss.
  const double above_tie = 1.0 + 1.0 / 2048 + 1e-12;
  CheckCast<double, MLFloat16>({above_tie, 0.1}, {MLFloat16::FromBits(0x3c01), MLFloat16(0.1f)});
  CheckCast<float, BFloat16>({1.0f + 1.0f / 256, 3.0f, -kInf}, {BFloat16(1.0f), BFloat16(3.0f), BFloat16(-kInf)});
  CheckCast<BFloat16, float>({BFloat16(1.5f), BFloat16(-kInf)}, {1.5f, -kInf});
  CheckCast<MLFloat16, BFloat16>({MLFloat16(2.5f)}, {BFloat16(2.5f)});
  CheckCast<MLFloat16, double>({MLFloat16(0.1f)}, {static_cast<double>(MLFloat16(0.1f).ToFloat())});
  CheckCast<int32_t, MLFloat16>({2049, 70000}, {MLFloat16(2048.0f), MLFloat16(kInf)});
}

TEST(MathCastTest, NumbersToStrings) {
  CheckCast<float, std::string>(
      {0.039187793f, 1.0f, -2.5f, 0.0f, 100000.0f, 123456789.0f, 1e-4f, 1.5e-7f, 1e16f, 3.4e38f, kNaN, kInf, -kInf},
      {"0.039187793", "1.0", "-2.5", "0.0", "100000.0", "123456790.0", "1e-04", "1.5e-07", "1e+16", "3.4e+38", "NaN",
       "INF", "-INF"});
  CheckCast<double, std::string>({0.1, 1e-100, 123456789.0, -0.0}, {"0.1", "1e-100", "123456789.0", "-0.0"});
  CheckCast<MLFloat16, std::string>({MLFloat16(0.1f), MLFloat16(1.5e-7f), MLFloat16(65504.0f)},
                                    {"0.1", "2e-07", "65500.0"});
  CheckCast<int64_t, std::string>({-9223372036854775807LL - 1, 42}, {"-9223372036854775808", "42"});
  CheckCast<uint8_t, std::string>({255}, {"255"});
  CheckCast<bool, std::string>({true, false}, {"True", "False"});
}

TEST(MathCastTest, StringsToNumbers) {
  const std::vector<std::string> special{"NaN", "INF", "+INF", "-INF", "nan", "-inf", "1e-5", "1E8", " 3.25"};
  CheckCast<std::string, float>(special, {kNaN, kInf, kInf, -kInf, kNaN, -kInf, 1e-5f, 1e8f, 3.25f});
  CheckCast<std::string, double>({"0.1", "-INF", "1e400", "-1e-400", "  +2.5  ", "Infinity"},
                                 {0.1, -std::numeric_limits<double>::infinity(),
                                  std::numeric_limits<double>::infinity(), -0.0, 2.5,
                                  std::numeric_limits<double>::infinity()});
  CheckCast<std::string, float>({"1e39", "1e-50"}, {kInf, 0.0f});
  CheckCast<std::string, MLFloat16>({"0.1", "NaN"}, {MLFloat16(0.1f), MLFloat16(kNaN)});
  CheckCast<std::string, BFloat16>({"2.5"}, {BFloat16(2.5f)});
  CheckCast<std::string, int32_t>({"1000", "-7", "100.5", "1e3"}, {1000, -7, 100, 1000});
  CheckCast<std::string, uint64_t>({"18446744073709551615"}, {18446744073709551615ull});
  CheckCast<std::string, int8_t>({"300"}, {44});
  CheckCast<std::string, bool>({"true", "False", "0", "2.5"}, {true, false, false, true});
}

TEST(MathCastTest, UnparsableStringFails) {
  OpTester t("Cast", 13);
  t.AddAttribute("to", static_cast<int64_t>(DataType::kFloat));
  t.AddInput<std::string>("X", {1}, {"Hello"});
  t.AddOutput<float>("Y", {1}, {0});
  t.RunExpectFailure("Hello");

  OpTester u("Cast", 13);
  u.AddAttribute("to", static_cast<int64_t>(DataType::kDouble));
  u.AddInput<std::string>("X", {2}, {"1.5", "+-1"});
  u.AddOutput<double>("Y", {2}, {1.5, 0});
  u.RunExpectFailure("+-1");
}

TEST(MathCastTest, OpsetOneTypeName) {
  OpTester t("Cast", 1);
  t.AddAttribute("to", "INT32");
  t.AddInput<float>("X", {2}, {1.5f, -2.5f});
  t.AddOutput<int32_t>("Y", {2}, {1, -2});
  t.Run();
}

TEST(MathCastTest, SameTypeAndEmpty) {
  CheckCast<float, float>({1.5f, kNaN}, {1.5f, kNaN});
  CheckCast<std::string, std::string>({"a", ""}, {"a", ""});
  OpTester t("Cast", 13);
  t.AddAttribute("to", static_cast<int64_t>(DataType::kDouble));
  t.AddInput<float>("X", {0, 4}, {});
  t.AddOutput<double>("Y", {0, 4}, {});
  t.Run();
}

TEST(MathCastTest, CastLike) {
  OpTester t("CastLike", 15);
  t.AddInput<double>("X", {3}, {1.7, -1.7, 3});
  t.AddInput<int16_t>("like", {1}, {0});
  t.AddOutput<int16_t>("Y", {3}, {1, -1, 3});
  t.Run();

  OpTester s("CastLike", 15);
  s.AddInput<float>("X", {2}, {0.5f, 2.0f});
  s.AddInput<std::string>("like", {0}, {});
  s.AddOutput<std::string>("Y", {2}, {"0.5", "2.0"});
  s.Run();
}

TEST(MathCastTest, LargeTensor) {
  const int64_t n = 200001;
  std::vector<float> x(n);
  std::vector<int32_t> y(n);
  for (int64_t i = 0; i < n; ++i) {
    x[i] = static_cast<float>(i) * 0.75f - 1000.0f;
    y[i] = static_cast<int32_t>(x[i]);
  }
  CheckCast<float, int32_t>(x, y);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
