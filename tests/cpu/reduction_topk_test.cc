// TopK: k as attribute (opset 1) and input (10+), largest and smallest, ties in index order,
// strided axes against a naive reference, element types, NaN, k = 0 and k = n, and bad k.
#include <algorithm>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(TopKTest, Opset1AttributeK) {
  OpTester t("TopK", 1);
  t.AddAttribute("k", int64_t{2});
  t.AddInput<float>("X", {2, 4}, {1, 4, 2, 3, 8, 5, 7, 6});
  t.AddOutput<float>("Values", {2, 2}, {4, 3, 8, 7});
  t.AddOutput<int64_t>("Indices", {2, 2}, {1, 3, 0, 2});
  t.Run();
}

TEST(TopKTest, Opset10InputK) {
  OpTester t("TopK", 10);
  t.AddAttribute("axis", int64_t{0});
  t.AddInput<float>("X", {3, 2}, {1, 6, 3, 4, 2, 5});
  t.AddInput<int64_t>("K", {1}, {2}, true);
  t.AddOutput<float>("Values", {2, 2}, {3, 6, 2, 5});
  t.AddOutput<int64_t>("Indices", {2, 2}, {1, 0, 2, 2});
  t.Run();
}

TEST(TopKTest, SmallestAndTies) {
  {
    OpTester t("TopK", 11);
    t.AddAttribute("largest", int64_t{0});
    t.AddInput<float>("X", {6}, {3, 1, 2, 1, 3, 0});
    t.AddInput<int64_t>("K", {1}, {4});
    t.AddOutput<float>("Values", {4}, {0, 1, 1, 2});
    t.AddOutput<int64_t>("Indices", {4}, {5, 1, 3, 2});
    t.Run();
  }
  {
    OpTester t("TopK", 11);
    t.AddInput<float>("X", {5}, {2, 3, 3, 1, 3});
    t.AddInput<int64_t>("K", {1}, {3});
    t.AddOutput<float>("Values", {3}, {3, 3, 3});
    t.AddOutput<int64_t>("Indices", {3}, {1, 2, 4});
    t.Run();
  }
}

TEST(TopKTest, StridedAxesAgainstReference) {
  const std::vector<int64_t> dims = {3, 17, 5};
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> dist(-6, 6);
  std::vector<float> x(3 * 17 * 5);
  for (auto& v : x) v = static_cast<float>(dist(rng));
  for (int64_t axis : {0, 1, -1, -2}) {
    for (int largest = 0; largest <= 1; ++largest) {
      for (int64_t k : {1, 3}) {
        const int64_t a = axis < 0 ? axis + 3 : axis;
        int64_t outer = 1, inner = 1;
        for (int64_t d = 0; d < a; ++d) outer *= dims[d];
        for (int64_t d = a + 1; d < 3; ++d) inner *= dims[d];
        const int64_t n = dims[a];
        std::vector<int64_t> out_dims = dims;
        out_dims[a] = k;
        std::vector<float> values(outer * k * inner);
        std::vector<int64_t> indices(outer * k * inner);
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t j = 0; j < inner; ++j) {
            std::vector<int64_t> order(n);
            std::iota(order.begin(), order.end(), 0);
            std::stable_sort(order.begin(), order.end(), [&](int64_t p, int64_t q) {
              const float vp = x[(o * n + p) * inner + j], vq = x[(o * n + q) * inner + j];
              return largest ? vp > vq : vp < vq;
            });
            for (int64_t i = 0; i < k; ++i) {
              values[(o * k + i) * inner + j] = x[(o * n + order[i]) * inner + j];
              indices[(o * k + i) * inner + j] = order[i];
            }
          }
        }
        SCOPED_TRACE("axis " + std::to_string(axis) + " largest " + std::to_string(largest) + " k " +
                     std::to_string(k));
        OpTester t("TopK", 11);
        t.AddAttribute("axis", axis);
        t.AddAttribute("largest", static_cast<int64_t>(largest));
        t.AddInput<float>("X", dims, x);
        t.AddInput<int64_t>("K", {1}, {k});
        t.AddOutput<float>("Values", out_dims, values);
        t.AddOutput<int64_t>("Indices", out_dims, indices);
        t.Run();
      }
    }
  }
}

TEST(TopKTest, ElementTypes) {
  {
    OpTester t("TopK", 11);
    t.AddInput<int32_t>("X", {4}, {-5, 7, 0, 7});
    t.AddInput<int64_t>("K", {1}, {2});
    t.AddOutput<int32_t>("Values", {2}, {7, 7});
    t.AddOutput<int64_t>("Indices", {2}, {1, 3});
    t.Run();
  }
  {
    OpTester t("TopK", 11);
    t.AddAttribute("largest", int64_t{0});
    t.AddInput<uint8_t>("X", {3}, {200, 3, 255});
    t.AddInput<int64_t>("K", {1}, {1});
    t.AddOutput<uint8_t>("Values", {1}, {3});
    t.AddOutput<int64_t>("Indices", {1}, {1});
    t.Run();
  }
  {
    OpTester t("TopK", 10);
    t.AddInput<MLFloat16>("X", {3}, {MLFloat16(1.f), MLFloat16(3.f), MLFloat16(2.f)});
    t.AddInput<int64_t>("K", {1}, {2});
    t.AddOutput<MLFloat16>("Values", {2}, {MLFloat16(3.f), MLFloat16(2.f)});
    t.AddOutput<int64_t>("Indices", {2}, {1, 2});
    t.Run();
  }
  {
    OpTester t("TopK", 11);
    t.AddInput<double>("X", {2}, {1.5, -2.5});
    t.AddInput<int64_t>("K", {1}, {2});
    t.AddOutput<double>("Values", {2}, {1.5, -2.5});
    t.AddOutput<int64_t>("Indices", {2}, {0, 1});
    t.Run();
  }
}

TEST(TopKTest, NaNIsGreatest) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  {
    OpTester t("TopK", 11);
    t.AddInput<float>("X", {4}, {1, nan, 3, 2});
    t.AddInput<int64_t>("K", {1}, {2});
    t.AddOutput<float>("Values", {2}, {nan, 3});
    t.AddOutput<int64_t>("Indices", {2}, {1, 2});
    t.Run();
  }
  {
    OpTester t("TopK", 11);
    t.AddAttribute("largest", int64_t{0});
    t.AddInput<float>("X", {3}, {nan, 3, 2});
    t.AddInput<int64_t>("K", {1}, {3});
    t.AddOutput<float>("Values", {3}, {2, 3, nan});
    t.AddOutput<int64_t>("Indices", {3}, {2, 1, 0});
    t.Run();
  }
}

TEST(TopKTest, ZeroAndFullK) {
  {
    OpTester t("TopK", 11);
    t.AddInput<float>("X", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<int64_t>("K", {1}, {0});
    t.AddOutput<float>("Values", {2, 0}, {});
    t.AddOutput<int64_t>("Indices", {2, 0}, {});
    t.Run();
  }
  {
    OpTester t("TopK", 11);
    t.AddAttribute("sorted", int64_t{1});
    t.AddInput<float>("X", {1, 3}, {2, 3, 1});
    t.AddInput<int64_t>("K", {1}, {3});
    t.AddOutput<float>("Values", {1, 3}, {3, 2, 1});
    t.AddOutput<int64_t>("Indices", {1, 3}, {1, 0, 2});
    t.Run();
  }
  {  // Empty outer dim.
    OpTester t("TopK", 11);
    t.AddInput<float>("X", {0, 3}, {});
    t.AddInput<int64_t>("K", {1}, {2});
    t.AddOutput<float>("Values", {0, 2}, {});
    t.AddOutput<int64_t>("Indices", {0, 2}, {});
    t.Run();
  }
}

TEST(TopKTest, KOutOfRange) {
  OpTester t("TopK", 11);
  t.AddInput<float>("X", {3}, {1, 2, 3});
  t.AddInput<int64_t>("K", {1}, {4});
  t.AddOutput<float>("Values", {4}, {0, 0, 0, 0});
  t.AddOutput<int64_t>("Indices", {4}, {0, 0, 0, 0});
  t.RunExpectFailure("out of range");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
