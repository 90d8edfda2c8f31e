// Gather, GatherElements, GatherND, Scatter, ScatterElements and ScatterND: int32 and int64
// indices (negative too), axes, batch_dims, reductions, element types including strings,
// empty tensors, and out-of-range indices that must fail cleanly.
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(TensorGatherTest, Axis0And1WithNegativeIndices) {
  OpTester t("Gather", 13);
  t.AddInput<float>("data", {3, 2}, {1, 2, 3, 4, 5, 6});
  t.AddInput<int64_t>("indices", {2, 2}, {0, -1, 1, 2});
  t.AddOutput<float>("y", {2, 2, 2}, {1, 2, 5, 6, 3, 4, 5, 6});
  t.Run();

  OpTester a1("Gather", 11);
  a1.AddAttribute("axis", int64_t{-1});
  a1.AddInput<std::string>("data", {2, 3}, {"a", "b", "c", "d", "e", "f"});
  a1.AddInput<int32_t>("indices", {2}, {2, -3});
  a1.AddOutput<std::string>("y", {2, 2}, {"c", "a", "f", "d"});
  a1.Run();
}

TEST(TensorGatherTest, ScalarIndexAndEmpty) {
  OpTester s("Gather", 1);
  s.AddInput<MLFloat16>("data", {3}, {MLFloat16(1.f), MLFloat16(2.f), MLFloat16(3.f)});
  s.AddInput<int64_t>("indices", {}, {1});
  s.AddOutput<MLFloat16>("y", {}, {MLFloat16(2.f)});
  s.Run();

  OpTester e("Gather", 13);
  e.AddInput<bool>("data", {2, 2}, {true, false, false, true});
  e.AddInput<int64_t>("indices", {0}, {});
  e.AddOutput<bool>("y", {0, 2}, {});
  e.Run();
}

TEST(TensorGatherTest, LargeThreaded) {
  const int64_t rows = 1000, cols = 64;
  std::vector<int32_t> data(rows * cols);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int32_t>(i);
  std::vector<int64_t> idx;
  std::vector<int32_t> expected;
  for (int64_t i = 0; i < 700; ++i) {
    const int64_t r = (i * 37) % rows;
    idx.push_back(r);
    for (int64_t c = 0; c < cols; ++c) expected.push_back(data[r * cols + c]);
  }
  OpTester t("Gather", 13);
  t.AddInput<int32_t>("data", {rows, cols}, data);
  t.AddInput<int64_t>("indices", {700}, idx);
  t.AddOutput<int32_t>("y", {700, cols}, expected);
  t.Run();
}

TEST(TensorGatherTest, OutOfRangeIndexFails) {
  for (int64_t bad : std::vector<int64_t>{3, -4, INT64_MAX, INT64_MIN}) {
    OpTester t("Gather", 13);
    t.AddInput<float>("data", {3}, {1, 2, 3});
    t.AddInput<int64_t>("indices", {1}, {bad});
    t.AddOutput<float>("y", {1}, {1});
    t.RunExpectFailure("out of bounds");
  }
}

TEST(TensorGatherElementsTest, AxesAndTypes) {
  OpTester t("GatherElements", 13);
  t.AddAttribute("axis", int64_t{1});
  t.AddInput<int8_t>("data", {2, 2}, {1, 2, 3, 4});
  t.AddInput<int32_t>("indices", {2, 2}, {0, 0, -1, 0});
  t.AddOutput<int8_t>("y", {2, 2}, {1, 1, 4, 3});
  t.Run();

  OpTester a0("GatherElements", 11);
  a0.AddInput<double>("data", {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  a0.AddInput<int64_t>("indices", {2, 3}, {1, 2, 0, 2, 0, 0});
  a0.AddOutput<double>("y", {2, 3}, {4, 8, 3, 7, 2, 3});
  a0.Run();

  OpTester bad("GatherElements", 13);
  bad.AddInput<float>("data", {2}, {1, 2});
  bad.AddInput<int64_t>("indices", {1}, {2});
  bad.AddOutput<float>("y", {1}, {1});
  bad.RunExpectFailure("out of bounds");
}

TEST(TensorGatherNDTest, BatchDimsAndSlices) {
  OpTester t("GatherND", 13);
  t.AddInput<int32_t>("data", {2, 2}, {0, 1, 2, 3});
  t.AddInput<int64_t>("indices", {2, 1}, {1, -2});
  t.AddOutput<int32_t>("y", {2, 2}, {2, 3, 0, 1});
  t.Run();

  OpTester b("GatherND", 12);
  b.AddAttribute("batch_dims", int64_t{1});
  b.AddInput<std::string>("data", {2, 2, 2}, {"a", "b", "c", "d", "e", "f", "g", "h"});
  b.AddInput<int64_t>("indices", {2, 1}, {1, 0});
  b.AddOutput<std::string>("y", {2, 2}, {"c", "d", "e", "f"});
  b.Run();

  OpTester full("GatherND", 11);
  full.AddInput<float>("data", {2, 2}, {0, 1, 2, 3});
  full.AddInput<int64_t>("indices", {2, 2}, {0, 0, 1, 1});
  full.AddOutput<float>("y", {2}, {0, 3});
  full.Run();

  OpTester bad("GatherND", 13);
  bad.AddInput<float>("data", {2, 2}, {0, 1, 2, 3});
  bad.AddInput<int64_t>("indices", {1, 2}, {0, 2});
  bad.AddOutput<float>("y", {1}, {0});
  bad.RunExpectFailure("out of bounds");
}

TEST(TensorScatterElementsTest, NoneAndReductions) {
  OpTester none("ScatterElements", 16);
  none.AddAttribute("axis", int64_t{1});
  none.AddInput<float>("data", {1, 5}, {1, 2, 3, 4, 5});
  none.AddInput<int64_t>("indices", {1, 2}, {1, -2});
  none.AddInput<float>("updates", {1, 2}, {1.1f, 2.1f});
  none.AddOutput<float>("y", {1, 5}, {1, 1.1f, 3, 2.1f, 5});
  none.Run();

  OpTester add("ScatterElements", 16);
  add.AddAttribute("axis", int64_t{1});
  add.AddAttribute("reduction", "add");
  add.AddInput<int32_t>("data", {1, 3}, {1, 2, 3});
  add.AddInput<int32_t>("indices", {1, 2}, {1, 1});
  add.AddInput<int32_t>("updates", {1, 2}, {10, 20});
  add.AddOutput<int32_t>("y", {1, 3}, {1, 32, 3});
  add.Run();

  OpTester mul("ScatterElements", 16);
  mul.AddAttribute("reduction", "mul");
  mul.AddInput<MLFloat16>("data", {2}, {MLFloat16(2.f), MLFloat16(3.f)});
  mul.AddInput<int64_t>("indices", {2}, {0, 0});
  mul.AddInput<MLFloat16>("updates", {2}, {MLFloat16(3.f), MLFloat16(0.5f)});
  mul.AddOutput<MLFloat16>("y", {2}, {MLFloat16(3.f), MLFloat16(3.f)});
  mul.Run();
}

TEST(TensorScatterElementsTest, DeprecatedScatterAndStrings) {
  OpTester t("Scatter", 9);
  t.AddInput<std::string>("data", {2, 2}, {"a", "b", "c", "d"});
  t.AddInput<int64_t>("indices", {1, 2}, {1, 0});
  t.AddInput<std::string>("updates", {1, 2}, {"x", "y"});
  t.AddOutput<std::string>("y", {2, 2}, {"a", "y", "x", "d"});
  t.Run();

  OpTester e("ScatterElements", 13);
  e.AddInput<float>("data", {2}, {1, 2});
  e.AddInput<int64_t>("indices", {0}, {});
  e.AddInput<float>("updates", {0}, {});
  e.AddOutput<float>("y", {2}, {1, 2});
  e.Run();
}

TEST(TensorScatterElementsTest, Errors) {
  OpTester range("ScatterElements", 13);
  range.AddInput<float>("data", {2}, {1, 2});
  range.AddInput<int64_t>("indices", {1}, {-3});
  range.AddInput<float>("updates", {1}, {5});
  range.AddOutput<float>("y", {2}, {1, 2});
  range.RunExpectFailure("out of bounds");

  OpTester shape("ScatterElements", 13);
  shape.AddInput<float>("data", {2}, {1, 2});
  shape.AddInput<int64_t>("indices", {1}, {0});
  shape.AddInput<float>("updates", {2}, {5, 6});
  shape.AddOutput<float>("y", {2}, {1, 2});
  shape.RunExpectFailure("differs");
}

TEST(TensorScatterNDTest, SlicesAndReductions) {
  OpTester t("ScatterND", 13);
  t.AddInput<int64_t>("data", {2, 2}, {1, 2, 3, 4});
  t.AddInput<int64_t>("indices", {1, 1}, {-1});
  t.AddInput<int64_t>("updates", {1, 2}, {7, 8});
  t.AddOutput<int64_t>("y", {2, 2}, {1, 2, 7, 8});
  t.Run();

  OpTester add("ScatterND", 16);
  add.AddAttribute("reduction", "add");
  add.AddInput<double>("data", {4}, {1, 2, 3, 4});
  add.AddInput<int64_t>("indices", {3, 1}, {0, 3, 0});
  add.AddInput<double>("updates", {3}, {10, 20, 30});
  add.AddOutput<double>("y", {4}, {41, 2, 3, 24});
  add.Run();

  OpTester mul("ScatterND", 16);
  mul.AddAttribute("reduction", "mul");
  mul.AddInput<bool>("data", {2}, {true, true});
  mul.AddInput<int64_t>("indices", {1, 1}, {1});
  mul.AddInput<bool>("updates", {1}, {false});
  mul.AddOutput<bool>("y", {2}, {true, false});
  mul.Run();

  OpTester bad("ScatterND", 13);
  bad.AddInput<float>("data", {2, 2}, {1, 2, 3, 4});
  bad.AddInput<int64_t>("indices", {1, 2}, {0, 5});
  bad.AddInput<float>("updates", {1}, {9});
  bad.AddOutput<float>("y", {2, 2}, {1, 2, 3, 4});
  bad.RunExpectFailure("out of bounds");

  OpTester bad_shape("ScatterND", 13);
  bad_shape.AddInput<float>("data", {2, 2}, {1, 2, 3, 4});
  bad_shape.AddInput<int64_t>("indices", {1, 1}, {0});
  bad_shape.AddInput<float>("updates", {1, 3}, {9, 9, 9});
  bad_shape.AddOutput<float>("y", {2, 2}, {1, 2, 3, 4});
  bad_shape.RunExpectFailure("updates shape");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
