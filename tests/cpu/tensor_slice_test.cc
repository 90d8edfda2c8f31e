// Slice: attribute form (opset 1) and input form, negative and clamped starts/ends, negative
// steps, omitted axes and steps, int32 indices, empty results, element types, a large strided
// case checked against a reference, and bad arguments.
#include <algorithm>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

std::vector<float> Iota(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<float>(i);
  return v;
}

TEST(TensorSliceTest, AttributesInOpset1) {
  OpTester t("Slice", 1);
  t.AddAttribute("starts", std::vector<int64_t>{1, 0});
  t.AddAttribute("ends", std::vector<int64_t>{2, 3});
  t.AddInput<float>("x", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  t.AddOutput<float>("y", {1, 3}, {5, 6, 7});
  t.Run();

  OpTester axes("Slice", 1);
  axes.AddAttribute("starts", std::vector<int64_t>{-3});
  axes.AddAttribute("ends", std::vector<int64_t>{1000});
  axes.AddAttribute("axes", std::vector<int64_t>{1});
  axes.AddInput<float>("x", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  axes.AddOutput<float>("y", {2, 3}, {2, 3, 4, 6, 7, 8});
  axes.Run();
}

TEST(TensorSliceTest, NegativeSteps) {
  OpTester t("Slice", 13);
  t.AddInput<float>("x", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  t.AddInput<int64_t>("starts", {2}, {1, -1});
  t.AddInput<int64_t>("ends", {2}, {-1000, 0});
  t.AddInput<int64_t>("axes", {2}, {0, 1});
  t.AddInput<int64_t>("steps", {2}, {-1, -2});
  t.AddOutput<float>("y", {2, 2}, {8, 6, 4, 2});
  t.Run();

  // Whole axis reversed with the usual INT64_MIN end.
  OpTester full("Slice", 13);
  full.AddInput<int32_t>("x", {5}, {1, 2, 3, 4, 5});
  full.AddInput<int64_t>("starts", {1}, {-1});
  full.AddInput<int64_t>("ends", {1}, {INT64_MIN});
  full.AddInput<int64_t>("axes", {1}, {0});
  full.AddInput<int64_t>("steps", {1}, {-1});
  full.AddOutput<int32_t>("y", {5}, {5, 4, 3, 2, 1});
  full.Run();
}

TEST(TensorSliceTest, OmittedAxesAndStepsInt32AndClamping) {
  OpTester t("Slice", 10);
  t.AddInput<std::string>("x", {3, 2}, {"a", "b", "c", "d", "e", "f"});
  t.AddInput<int32_t>("starts", {2}, {-100, 1});
  t.AddInput<int32_t>("ends", {2}, {2, 100});
  t.AddOutput<std::string>("y", {2, 1}, {"b", "d"});
  t.Run();

  OpTester steps_only("Slice", 13);
  steps_only.AddInput<int64_t>("x", {6}, {0, 1, 2, 3, 4, 5});
  steps_only.AddInput<int64_t>("starts", {1}, {1});
  steps_only.AddInput<int64_t>("ends", {1}, {INT64_MAX});
  steps_only.AddMissingInput();
  steps_only.AddInput<int64_t>("steps", {1}, {2});
  steps_only.AddOutput<int64_t>("y", {3}, {1, 3, 5});
  steps_only.Run();
}

TEST(TensorSliceTest, EmptyResults) {
  OpTester t("Slice", 13);
  t.AddInput<float>("x", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<int64_t>("starts", {1}, {2});
  t.AddInput<int64_t>("ends", {1}, {1});
  t.AddInput<int64_t>("axes", {1}, {-1});
  t.AddOutput<float>("y", {2, 0}, {});
  t.Run();

  OpTester empty_in("Slice", 13);
  empty_in.AddInput<float>("x", {0, 3}, {});
  empty_in.AddInput<int64_t>("starts", {1}, {-1});
  empty_in.AddInput<int64_t>("ends", {1}, {INT64_MIN});
  empty_in.AddInput<int64_t>("axes", {1}, {0});
  empty_in.AddInput<int64_t>("steps", {1}, {-1});
  empty_in.AddOutput<float>("y", {0, 3}, {});
  empty_in.Run();
}

TEST(TensorSliceTest, LargeStridedMatchesReference) {
  const int64_t d0 = 40, d1 = 50, d2 = 60;
  const std::vector<float> x = Iota(static_cast<size_t>(d0 * d1 * d2));
  // axis 0: 38 down to 3 by -5; axis 2: 1 up to 59 by 3.
  std::vector<int64_t> i0, i2;
  for (int64_t i = 38; i > 2; i -= 5) i0.push_back(i);
  for (int64_t i = 1; i < 59; i += 3) i2.push_back(i);
  std::vector<float> y;
  for (int64_t a : i0)
    for (int64_t b = 0; b < d1; ++b)
      for (int64_t c : i2) y.push_back(x[(a * d1 + b) * d2 + c]);
  OpTester t("Slice", 13);
  t.AddInput<float>("x", {d0, d1, d2}, x);
  t.AddInput<int64_t>("starts", {2}, {38, 1});
  t.AddInput<int64_t>("ends", {2}, {2, 59});
  t.AddInput<int64_t>("axes", {2}, {0, 2});
  t.AddInput<int64_t>("steps", {2}, {-5, 3});
  t.AddOutput<float>("y", {static_cast<int64_t>(i0.size()), d1, static_cast<int64_t>(i2.size())}, y);
  t.Run();
}

TEST(TensorSliceTest, Errors) {
  OpTester zero("Slice", 13);
  zero.AddInput<float>("x", {3}, {1, 2, 3});
  zero.AddInput<int64_t>("starts", {1}, {0});
  zero.AddInput<int64_t>("ends", {1}, {3});
  zero.AddInput<int64_t>("axes", {1}, {0});
  zero.AddInput<int64_t>("steps", {1}, {0});
  zero.AddOutput<float>("y", {3}, {1, 2, 3});
  zero.RunExpectFailure("step");

  OpTester repeated("Slice", 13);
  repeated.AddInput<float>("x", {3}, {1, 2, 3});
  repeated.AddInput<int64_t>("starts", {2}, {0, 1});
  repeated.AddInput<int64_t>("ends", {2}, {3, 2});
  repeated.AddInput<int64_t>("axes", {2}, {0, -1});
  repeated.AddOutput<float>("y", {1}, {2});
  repeated.RunExpectFailure("repeated");

  OpTester mismatch("Slice", 13);
  mismatch.AddInput<float>("x", {3}, {1, 2, 3});
  mismatch.AddInput<int64_t>("starts", {2}, {0, 1});
  mismatch.AddInput<int64_t>("ends", {1}, {3});
  mismatch.AddOutput<float>("y", {3}, {1, 2, 3});
  mismatch.RunExpectFailure("entries");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
