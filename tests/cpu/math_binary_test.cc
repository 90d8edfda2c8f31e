// Binary elementwise ops: arithmetic, comparisons and logic, numpy broadcasting corners
// (checked against a naive reference, big enough to split across threads), the opset < 7
// broadcast/axis form, integer edge cases and errors.
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

const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Row-major index of `out_index` (in `out` dims) in an input of `in` dims broadcast to `out`.
int64_t BroadcastSource(const std::vector<int64_t>& out, const std::vector<int64_t>& in, int64_t out_index) {
  int64_t src = 0, stride = 1;
  for (size_t k = out.size(); k-- > 0;) {
    const int64_t coord = out_index % out[k];
    out_index /= out[k];
    const size_t offset = out.size() - in.size();
    if (k >= offset) {
      const int64_t d = in[k - offset];
      if (d != 1) src += coord * stride;
      stride *= d;
    }
  }
  return src;
}

std::vector<int64_t> BroadcastDims(std::vector<int64_t> a, std::vector<int64_t> b) {
  if (a.size() < b.size()) std::swap(a, b);
  std::vector<int64_t> out = a;
  for (size_t k = 0; k < b.size(); ++k) {
    int64_t& o = out[a.size() - b.size() + k];
    if (o == 1) o = b[k];
  }
  return out;
}

void CheckBroadcastSub(const std::vector<int64_t>& da, const std::vector<int64_t>& db) {
  std::mt19937 rng(static_cast<unsigned>(ElementCount(da) * 31 + ElementCount(db)));
  std::uniform_real_distribution<float> dist(-10.0f, 10.0f);
  std::vector<float> a(ElementCount(da)), b(ElementCount(db));
  for (auto& v : a) v = dist(rng);
  for (auto& v : b) v = dist(rng);
  const std::vector<int64_t> dout = BroadcastDims(da, db);
  std::vector<float> expected(ElementCount(dout));
  for (int64_t i = 0; i < ElementCount(dout); ++i) {
    expected[i] = a[BroadcastSource(dout, da, i)] - b[BroadcastSource(dout, db, i)];
  }
  OpTester t("Sub", 14);
  t.AddInput<float>("A", da, a);
  t.AddInput<float>("B", db, b);
  t.AddOutput<float>("C", dout, expected);
  t.Run();
}

TEST(MathBinaryTest, BroadcastCorners) {
  CheckBroadcastSub({2, 3, 4}, {2, 3, 4});
  CheckBroadcastSub({2, 3, 4}, {});
  CheckBroadcastSub({}, {2, 3, 4});
  CheckBroadcastSub({2, 3, 4}, {4});
  CheckBroadcastSub({2, 3, 4}, {3, 1});
  CheckBroadcastSub({2, 1, 4}, {3, 1});
  CheckBroadcastSub({1, 3, 1, 5}, {2, 1, 4, 1});
  CheckBroadcastSub({5, 1}, {1, 7});
  CheckBroadcastSub({1, 1, 1}, {1});
  CheckBroadcastSub({7}, {1, 1, 7});
  CheckBroadcastSub({3, 1, 1}, {1, 1, 1});
  // Big enough to run on several threads, with run boundaries inside the splits.
  CheckBroadcastSub({64, 33, 41}, {33, 1});
  CheckBroadcastSub({2, 70001}, {2, 1});
  CheckBroadcastSub({3, 40000}, {40000});
  CheckBroadcastSub({130001}, {130001});
}

TEST(MathBinaryTest, EmptyShapes) {
  OpTester t("Add", 14);
  t.AddInput<float>("A", {0, 3}, {});
  t.AddInput<float>("B", {1, 3}, {1, 2, 3});
  t.AddOutput<float>("C", {0, 3}, {});
  t.Run();

  OpTester u("Mul", 14);
  u.AddInput<float>("A", {2, 1}, {1, 2});
  u.AddInput<float>("B", {0}, {});
  u.AddOutput<float>("C", {2, 0}, {});
  u.Run();
}

TEST(MathBinaryTest, IncompatibleShapesFail) {
  OpTester t("Add", 14);
  t.AddInput<float>("A", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<float>("B", {2}, {1, 2});
  t.AddOutput<float>("C", {2, 3}, {0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("broadcast");
}

template <typename T>
void CheckArithmetic(const std::vector<T>& a, const std::vector<T>& b, const std::vector<T>& sum,
                     const std::vector<T>& diff, const std::vector<T>& prod, const std::vector<T>& quot) {
  const std::vector<int64_t> dims{static_cast<int64_t>(a.size())};
  const char* ops[] = {"Add", "Sub", "Mul", "Div"};
  const std::vector<T>* results[] = {&sum, &diff, &prod, &quot};
  for (int i = 0; i < 4; ++i) {
    OpTester t(ops[i], 14);
    t.AddInput<T>("A", dims, a);
    t.AddInput<T>("B", dims, b);
    t.AddOutput<T>("C", dims, *results[i]);
    t.Run();
  }
}

TEST(MathBinaryTest, ArithmeticAllTypes) {
  CheckArithmetic<float>({1.5f, -2, 8}, {0.5f, 4, -2}, {2, 2, 6}, {1, -6, 10}, {0.75f, -8, -16}, {3, -0.5f, -4});
  CheckArithmetic<double>({1.5, -2}, {0.5, 4}, {2, 2}, {1, -6}, {0.75, -8}, {3, -0.5});
  CheckArithmetic<int8_t>({7, -7, 127}, {2, 2, 1}, {9, -5, -128}, {5, -9, 126}, {14, -14, 127}, {3, -3, 127});
  CheckArithmetic<int16_t>({300, -7}, {7, 2}, {307, -5}, {293, -9}, {2100, -14}, {42, -3});
  CheckArithmetic<int32_t>({7, -7, std::numeric_limits<int32_t>::min()}, {2, 2, -1},
                           {9, -5, std::numeric_limits<int32_t>::max()}, {5, -9, std::numeric_limits<int32_t>::min() + 1},
                           {14, -14, std::numeric_limits<int32_t>::min()}, {3, -3, std::numeric_limits<int32_t>::min()});
  CheckArithmetic<int64_t>({7, -7}, {2, 2}, {9, -5}, {5, -9}, {14, -14}, {3, -3});
  CheckArithmetic<uint8_t>({250, 3}, {10, 5}, {4, 8}, {240, 254}, {196, 15}, {25, 0});
  CheckArithmetic<uint16_t>({65535, 7}, {65535, 2}, {65534, 9}, {0, 5}, {1, 14}, {1, 3});
  CheckArithmetic<uint32_t>({7, 1}, {2, 2}, {9, 3}, {5, 4294967295u}, {14, 2}, {3, 0});
  CheckArithmetic<uint64_t>({7}, {2}, {9}, {5}, {14}, {3});
  auto h = [](std::vector<float> v) {
    std::vector<MLFloat16> o;
    for (float f : v) o.emplace_back(f);
    return o;
  };
  auto bh = [](std::vector<float> v) {
    std::vector<BFloat16> o;
    for (float f : v) o.emplace_back(f);
    return o;
  };
  CheckArithmetic<MLFloat16>(h({1.5f, -2}), h({0.5f, 4}), h({2, 2}), h({1, -6}), h({0.75f, -8}), h({3, -0.5f}));
  CheckArithmetic<BFloat16>(bh({1.5f, -2}), bh({0.5f, 4}), bh({2, 2}), bh({1, -6}), bh({0.75f, -8}), bh({3, -0.5f}));
}

TEST(MathBinaryTest, IntegerDivisionByZeroFails) {
  OpTester t("Div", 14);
  t.AddInput<int32_t>("A", {2}, {1, 2});
  t.AddInput<int32_t>("B", {2}, {1, 0});
  t.AddOutput<int32_t>("C", {2}, {1, 0});
  t.RunExpectFailure("division by zero");
}

TEST(MathBinaryTest, FloatDivisionByZeroGivesInf) {
  OpTester t("Div", 7);
  t.AddInput<float>("A", {3}, {1, -1, 0});
  t.AddInput<float>("B", {}, {0});
  t.AddOutput<float>("C", {3}, {std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity(), kNaN});
  t.Run();
}

TEST(MathBinaryTest, MismatchedTypesFail) {
  OpTester t("Add", 14);
  t.AddInput<float>("A", {1}, {1});
  t.AddInput<double>("B", {1}, {1});
  t.AddOutput<float>("C", {1}, {2});
  t.RunExpectFailure("differ in element type");
}

TEST(MathBinaryTest, LegacyBroadcastWithAxis) {
  {
    OpTester t("Add", 6);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddAttribute("axis", int64_t{1});
    t.AddInput<float>("A", {2, 3, 2}, {0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1});
    t.AddInput<float>("B", {3}, {10, 20, 30});
    t.AddOutput<float>("C", {2, 3, 2}, {10, 10, 20, 20, 30, 30, 11, 11, 21, 21, 31, 31});
    t.Run();
  }
  {
    // Without axis B matches A's trailing dimensions.
    OpTester t("Mul", 1);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddInput<float>("A", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<float>("B", {3}, {1, 10, 100});
    t.AddOutput<float>("C", {2, 3}, {1, 20, 300, 4, 50, 600});
    t.Run();
  }
  {
    OpTester t("Sub", 6);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddAttribute("axis", int64_t{0});
    t.AddInput<float>("A", {2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("B", {1, 1}, {1});
    t.AddOutput<float>("C", {2, 2}, {0, 1, 2, 3});
    t.Run();
  }
  {
    OpTester t("Equal", 1);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddAttribute("axis", int64_t{0});
    t.AddInput<int32_t>("A", {2, 2}, {1, 2, 3, 4});
    t.AddInput<int32_t>("B", {2}, {1, 4});
    t.AddOutput<bool>("C", {2, 2}, {true, false, false, true});
    t.Run();
  }
  {
    OpTester t("Add", 6);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddAttribute("axis", int64_t{2});
    t.AddInput<float>("A", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<float>("B", {3}, {1, 1, 1});
    t.AddOutput<float>("C", {2, 3}, {0, 0, 0, 0, 0, 0});
    t.RunExpectFailure("axis");
  }
}

TEST(MathBinaryTest, Comparisons) {
  const std::vector<float> a{1, 2, kNaN, -1}, b{1, 1, kNaN, 3};
  struct Case {
    const char* op;
    int opset;
    std::vector<bool> expected;
  } cases[] = {{"Equal", 13, {true, false, false, false}},
               {"Greater", 13, {false, true, false, false}},
               {"Less", 13, {false, false, false, true}},
               {"GreaterOrEqual", 16, {true, true, false, false}},
               {"LessOrEqual", 12, {true, false, false, true}}};
  for (const auto& c : cases) {
    OpTester t(c.op, c.opset);
    t.AddInput<float>("A", {4}, a);
    t.AddInput<float>("B", {4}, b);
    t.AddOutput<bool>("C", {4}, c.expected);
    t.Run();
  }
  {
    OpTester t("Greater", 9);
    t.AddInput<uint64_t>("A", {2, 2}, {1, 2, 3, 18446744073709551615ull});
    t.AddInput<uint64_t>("B", {2}, {2, 0});
    t.AddOutput<bool>("C", {2, 2}, {false, true, true, true});
    t.Run();
  }
  {
    OpTester t("Less", 13);
    t.AddInput<MLFloat16>("A", {2}, {MLFloat16(1.0f), MLFloat16(-2.0f)});
    t.AddInput<MLFloat16>("B", {}, {MLFloat16(0.0f)});
    t.AddOutput<bool>("C", {2}, {false, true});
    t.Run();
  }
  {
    OpTester t("LessOrEqual", 16);
    t.AddInput<int8_t>("A", {3}, {-128, 0, 127});
    t.AddInput<int8_t>("B", {1}, {0});
    t.AddOutput<bool>("C", {3}, {true, true, false});
    t.Run();
  }
}

TEST(MathBinaryTest, EqualBoolAndString) {
  {
    OpTester t("Equal", 13);
    t.AddInput<bool>("A", {2, 2}, {true, false, true, false});
    t.AddInput<bool>("B", {2}, {true, true});
    t.AddOutput<bool>("C", {2, 2}, {true, false, true, false});
    t.Run();
  }
  {
    OpTester t("Equal", 17);
    t.AddInput<std::string>("A", {3}, {"abc", "", "x"});
    t.AddInput<std::string>("B", {3}, {"abc", "", "y"});
    t.AddOutput<bool>("C", {3}, {true, true, false});
    t.Run();
  }
}

TEST(MathBinaryTest, Logical) {
  const std::vector<bool> a{true, true, false, false}, b{true, false, true, false};
  {
    OpTester t("And", 7);
    t.AddInput<bool>("A", {4}, a);
    t.AddInput<bool>("B", {4}, b);
    t.AddOutput<bool>("C", {4}, {true, false, false, false});
    t.Run();
  }
  {
    OpTester t("Or", 7);
    t.AddInput<bool>("A", {4}, a);
    t.AddInput<bool>("B", {4}, b);
    t.AddOutput<bool>("C", {4}, {true, true, true, false});
    t.Run();
  }
  {
    OpTester t("Xor", 7);
    t.AddInput<bool>("A", {2, 2}, a);
    t.AddInput<bool>("B", {2, 1}, {true, false});
    t.AddOutput<bool>("C", {2, 2}, {false, false, false, false});
    t.Run();
  }
  {
    OpTester t("Or", 1);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddInput<bool>("A", {2, 2}, a);
    t.AddInput<bool>("B", {}, {false});
    t.AddOutput<bool>("C", {2, 2}, a);
    t.Run();
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
