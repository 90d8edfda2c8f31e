// Concat and Split: axes (negative too), element types, empty inputs and outputs, every opset
// form of the split sizes, uneven equal splits, a large multi-threaded case and bad arguments.
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

template <typename T>
std::vector<T> Values(std::initializer_list<int> v) {
  std::vector<T> out;
  for (int x : v) {
    if constexpr (std::is_same_v<T, std::string>) {
      out.push_back(std::to_string(x));
    } else if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
      out.push_back(T(static_cast<float>(x)));
    } else {
      out.push_back(static_cast<T>(x));
    }
  }
  return out;
}

template <typename T>
void CheckConcatType() {
  OpTester t("Concat", 13);
  t.AddAttribute("axis", int64_t{-1});
  t.AddInput<T>("a", {2, 1}, Values<T>({1, 0}));
  t.AddInput<T>("b", {2, 2}, Values<T>({1, 1, 0, 1}));
  t.AddOutput<T>("c", {2, 3}, Values<T>({1, 1, 1, 0, 0, 1}));
  t.Run();
}

TEST(TensorConcatTest, ElementTypes) {
  CheckConcatType<float>();
  CheckConcatType<double>();
  CheckConcatType<MLFloat16>();
  CheckConcatType<BFloat16>();
  CheckConcatType<int8_t>();
  CheckConcatType<uint16_t>();
  CheckConcatType<int32_t>();
  CheckConcatType<int64_t>();
  CheckConcatType<bool>();
  CheckConcatType<std::string>();
}

TEST(TensorConcatTest, Axis0AndEmptyInputs) {
  OpTester t("Concat", 11);
  t.AddAttribute("axis", int64_t{0});
  t.AddInput<float>("a", {1, 2}, {1, 2});
  t.AddInput<float>("empty", {0, 2}, {});
  t.AddInput<float>("b", {2, 2}, {3, 4, 5, 6});
  t.AddOutput<float>("c", {3, 2}, {1, 2, 3, 4, 5, 6});
  t.Run();

  OpTester all_empty("Concat", 13);
  all_empty.AddAttribute("axis", int64_t{1});
  all_empty.AddInput<float>("a", {2, 0}, {});
  all_empty.AddInput<float>("b", {2, 0}, {});
  all_empty.AddOutput<float>("c", {2, 0}, {});
  all_empty.Run();

  // A rank-mismatched empty input contributes nothing.
  OpTester stray("Concat", 13);
  stray.AddAttribute("axis", int64_t{0});
  stray.AddInput<int64_t>("a", {0}, {});
  stray.AddInput<int64_t>("b", {1, 2}, {7, 8});
  stray.AddOutput<int64_t>("c", {1, 2}, {7, 8});
  stray.Run();
}

TEST(TensorConcatTest, Opset1DefaultAxisIs1) {
  OpTester t("Concat", 1);
  t.AddInput<float>("a", {1, 1}, {1});
  t.AddInput<float>("b", {1, 1}, {2});
  t.AddOutput<float>("c", {1, 2}, {1, 2});
  t.Run();
}

TEST(TensorConcatTest, LargeThreaded) {
  const int64_t rows = 300, ca = 70, cb = 130;
  std::vector<float> a(rows * ca), b(rows * cb), c;
  for (size_t i = 0; i < a.size(); ++i) a[i] = static_cast<float>(i);
  for (size_t i = 0; i < b.size(); ++i) b[i] = -static_cast<float>(i);
  for (int64_t r = 0; r < rows; ++r) {
    c.insert(c.end(), a.begin() + r * ca, a.begin() + (r + 1) * ca);
    c.insert(c.end(), b.begin() + r * cb, b.begin() + (r + 1) * cb);
  }
  OpTester t("Concat", 13);
  t.AddAttribute("axis", int64_t{1});
  t.AddInput<float>("a", {rows, ca}, a);
  t.AddInput<float>("b", {rows, cb}, b);
  t.AddOutput<float>("c", {rows, ca + cb}, c);
  t.Run();
}

TEST(TensorConcatTest, Errors) {
  OpTester shape("Concat", 13);
  shape.AddAttribute("axis", int64_t{0});
  shape.AddInput<float>("a", {1, 2}, {1, 2});
  shape.AddInput<float>("b", {1, 3}, {1, 2, 3});
  shape.AddOutput<float>("c", {2, 2}, {1, 2, 3, 4});
  shape.RunExpectFailure("does not match");

  OpTester axis("Concat", 13);
  axis.AddAttribute("axis", int64_t{2});
  axis.AddInput<float>("a", {1, 2}, {1, 2});
  axis.AddInput<float>("b", {1, 2}, {1, 2});
  axis.AddOutput<float>("c", {1, 4}, {1, 2, 1, 2});
  axis.RunExpectFailure("out of range");
}

TEST(TensorSplitTest, SizesAsInputFromOpset13) {
  OpTester t("Split", 13);
  t.AddAttribute("axis", int64_t{-1});
  t.AddInput<std::string>("x", {2, 4}, Values<std::string>({1, 2, 3, 4, 5, 6, 7, 8}));
  t.AddInput<int64_t>("split", {3}, {1, 0, 3});
  t.AddOutput<std::string>("a", {2, 1}, Values<std::string>({1, 5}));
  t.AddOutput<std::string>("b", {2, 0}, {});
  t.AddOutput<std::string>("c", {2, 3}, Values<std::string>({2, 3, 4, 6, 7, 8}));
  t.Run();
}

TEST(TensorSplitTest, SizesAsAttributeBeforeOpset13) {
  for (int opset : {2, 11}) {
    OpTester t("Split", opset);
    t.AddAttribute("split", std::vector<int64_t>{2, 1});
    t.AddInput<int32_t>("x", {3, 2}, {1, 2, 3, 4, 5, 6});
    t.AddOutput<int32_t>("a", {2, 2}, {1, 2, 3, 4});
    t.AddOutput<int32_t>("b", {1, 2}, {5, 6});
    t.Run();
  }
  OpTester v1("Split", 1);
  v1.AddInput<float>("x", {3}, {1, 2, 3});
  v1.AddInput<int64_t>("split", {2}, {1, 2});
  v1.AddOutput<float>("a", {1}, {1});
  v1.AddOutput<float>("b", {2}, {2, 3});
  v1.Run();
}

TEST(TensorSplitTest, EqualAndUnevenParts) {
  OpTester even("Split", 13);
  even.AddAttribute("axis", int64_t{1});
  even.AddInput<MLFloat16>("x", {1, 4}, Values<MLFloat16>({1, 2, 3, 4}));
  even.AddOutput<MLFloat16>("a", {1, 2}, Values<MLFloat16>({1, 2}));
  even.AddOutput<MLFloat16>("b", {1, 2}, Values<MLFloat16>({3, 4}));
  even.Run();

  OpTester uneven("Split", 13);
  uneven.AddInput<bool>("x", {5}, {true, false, true, false, true});
  uneven.AddOutput<bool>("a", {2}, {true, false});
  uneven.AddOutput<bool>("b", {2}, {true, false});
  uneven.AddOutput<bool>("c", {1}, {true});
  uneven.Run();

  OpTester empty("Split", 13);
  empty.AddInput<float>("x", {0, 3}, {});
  empty.AddOutput<float>("a", {0, 3}, {});
  empty.AddOutput<float>("b", {0, 3}, {});
  empty.Run();
}

TEST(TensorSplitTest, Errors) {
  OpTester sum("Split", 13);
  sum.AddInput<float>("x", {4}, {1, 2, 3, 4});
  sum.AddInput<int64_t>("split", {2}, {1, 2});
  sum.AddOutput<float>("a", {1}, {1});
  sum.AddOutput<float>("b", {2}, {2, 3});
  sum.RunExpectFailure("sum to");

  OpTester negative("Split", 13);
  negative.AddInput<float>("x", {2}, {1, 2});
  negative.AddInput<int64_t>("split", {2}, {3, -1});
  negative.AddOutput<float>("a", {2}, {1, 2});
  negative.AddOutput<float>("b", {0}, {});
  negative.RunExpectFailure("outside");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
