// ArgMax / ArgMin: axes inner and strided against a naive reference, keepdims, ties with
// select_last_index, negative axes, element types, NaN, empty tensors and errors.
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

std::vector<int64_t> NaiveArg(bool is_max, bool last, const std::vector<float>& x, int64_t outer, int64_t n,
                              int64_t inner) {
  std::vector<int64_t> y(outer * inner);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t j = 0; j < inner; ++j) {
      int64_t best = 0;
      for (int64_t i = 1; i < n; ++i) {
        const float v = x[(o * n + i) * inner + j], b = x[(o * n + best) * inner + j];
        const bool better = is_max ? (last ? v >= b : v > b) : (last ? v <= b : v < b);
        if (better) best = i;
      }
      y[o * inner + j] = best;
    }
  }
  return y;
}

TEST(ArgReduceTest, AllAxesAgainstReference) {
  const std::vector<int64_t> dims = {3, 40, 7};
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> dist(-5, 5);  // small range: many ties
  std::vector<float> x(3 * 40 * 7);
  for (auto& v : x) v = static_cast<float>(dist(rng));
  for (const char* op : {"ArgMax", "ArgMin"}) {
    for (int64_t axis = -3; axis < 3; ++axis) {
      for (int last = 0; last <= 1; ++last) {
        for (int keepdims = 0; keepdims <= 1; ++keepdims) {
          const int64_t a = axis < 0 ? axis + 3 : axis;
          int64_t outer = 1, inner = 1;
          for (int64_t d = 0; d < a; ++d) outer *= dims[d];
          for (int64_t d = a + 1; d < 3; ++d) inner *= dims[d];
          std::vector<int64_t> out_dims;
          for (int64_t d = 0; d < 3; ++d) {
            if (d != a) {
              out_dims.push_back(dims[d]);
            } else if (keepdims) {
              out_dims.push_back(1);
            }
          }
          SCOPED_TRACE(std::string(op) + " axis " + std::to_string(axis) + " last " + std::to_string(last));
          OpTester t(op, 13);
          t.AddAttribute("axis", axis);
          t.AddAttribute("keepdims", static_cast<int64_t>(keepdims));
          t.AddAttribute("select_last_index", static_cast<int64_t>(last));
          t.AddInput<float>("data", dims, x);
          t.AddOutput<int64_t>("reduced", out_dims,
                               NaiveArg(std::string(op) == "ArgMax", last, x, outer, dims[a], inner));
          t.Run();
        }
      }
    }
  }
}

TEST(ArgReduceTest, DefaultAxisAndOldOpset) {
  OpTester t("ArgMax", 1);
  t.AddInput<float>("data", {2, 2}, {1, 5, 3, 2});
  t.AddOutput<int64_t>("reduced", {1, 2}, {1, 0});
  t.Run();
}

TEST(ArgReduceTest, ElementTypes) {
  {
    OpTester t("ArgMin", 13);
    t.AddAttribute("axis", int64_t{1});
    t.AddAttribute("keepdims", int64_t{0});
    t.AddInput<int8_t>("data", {2, 3}, {5, -128, 3, 127, 0, 0});
    t.AddOutput<int64_t>("reduced", {2}, {1, 1});
    t.Run();
  }
  {
    OpTester t("ArgMax", 13);
    t.AddAttribute("axis", int64_t{0});
    t.AddInput<uint64_t>("data", {3}, {1, 18446744073709551615ull, 7});
    t.AddOutput<int64_t>("reduced", {1}, {1});
    t.Run();
  }
  {
    OpTester t("ArgMax", 13);
    t.AddAttribute("axis", int64_t{-1});
    t.AddInput<MLFloat16>("data", {3}, {MLFloat16(0.5f), MLFloat16(-1.f), MLFloat16(0.75f)});
    t.AddOutput<int64_t>("reduced", {1}, {2});
    t.Run();
  }
  {
    OpTester t("ArgMin", 13);
    t.AddInput<BFloat16>("data", {2}, {BFloat16(0.5f), BFloat16(-1.f)});
    t.AddOutput<int64_t>("reduced", {1}, {1});
    t.Run();
  }
  {
    OpTester t("ArgMin", 12);
    t.AddAttribute("select_last_index", int64_t{1});
    t.AddInput<double>("data", {4}, {2.0, 1.0, 3.0, 1.0});
    t.AddOutput<int64_t>("reduced", {1}, {3});
    t.Run();
  }
}

TEST(ArgReduceTest, NaNWins) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (const char* op : {"ArgMax", "ArgMin"}) {
    OpTester t(op, 13);
    t.AddInput<float>("data", {4}, {1, nan, 3, nan});
    t.AddOutput<int64_t>("reduced", {1}, {1});
    t.Run();
  }
}

TEST(ArgReduceTest, EmptyTensors) {
  {  // A zero-size dim elsewhere: empty output.
    OpTester t("ArgMax", 13);
    t.AddAttribute("axis", int64_t{1});
    t.AddInput<float>("data", {0, 3}, {});
    t.AddOutput<int64_t>("reduced", {0, 1}, {});
    t.Run();
  }
  {  // Reducing a zero-size axis has no answer.
    OpTester t("ArgMax", 13);
    t.AddAttribute("axis", int64_t{0});
    t.AddInput<float>("data", {0, 3}, {});
    t.AddOutput<int64_t>("reduced", {1, 3}, {0, 0, 0});
    t.RunExpectFailure("size 0");
  }
}

TEST(ArgReduceTest, AxisOutOfRange) {
  OpTester t("ArgMin", 13);
  t.AddAttribute("axis", int64_t{2});
  t.AddInput<float>("data", {2, 2}, {1, 2, 3, 4});
  t.AddOutput<int64_t>("reduced", {2, 1}, {0, 0});
  t.RunExpectFailure("axis");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
