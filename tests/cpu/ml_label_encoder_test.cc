// ai.onnx.ml LabelEncoder (1 and 2) and CategoryMapper: both directions of the string/int64
// tables, all nine key/value type pairs of LabelEncoder-2, defaults, NaN keys, duplicate keys,
// empty inputs and mismatched types.
#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
const float kNaN = std::numeric_limits<float>::quiet_NaN();
using Strings = std::vector<std::string>;

// ---- LabelEncoder-1 -----------------------------------------------------------------------

TEST(MLLabelEncoderTest, V1StringsToPositions) {
  OpTester t("LabelEncoder", 1, kML);
  t.AddAttribute("classes_strings", Strings{"a", "b", "c"});
  t.AddAttribute("default_int64", int64_t{42});
  t.AddInput<std::string>("X", {2, 2}, {"c", "a", "zzz", "b"});
  t.AddOutput<int64_t>("Y", {2, 2}, {2, 0, 42, 1});
  t.Run();
}

TEST(MLLabelEncoderTest, V1PositionsToStrings) {
  OpTester t("LabelEncoder", 1, kML);
  t.AddAttribute("classes_strings", Strings{"a", "b", "c"});
  t.AddAttribute("default_string", "?");
  t.AddInput<int64_t>("X", {5}, {2, 0, 3, -1, 1});
  t.AddOutput<std::string>("Y", {5}, {"c", "a", "?", "?", "b"});
  t.Run();
}

TEST(MLLabelEncoderTest, V1Defaults) {
  {
    OpTester t("LabelEncoder", 1, kML);
    t.AddAttribute("classes_strings", Strings{"x"});
    t.AddInput<std::string>("X", {2}, {"x", "y"});
    t.AddOutput<int64_t>("Y", {2}, {0, -1});
    t.Run();
  }
  {
    OpTester t("LabelEncoder", 1, kML);
    t.AddAttribute("classes_strings", Strings{"x"});
    t.AddInput<int64_t>("X", {2}, {0, 1});
    t.AddOutput<std::string>("Y", {2}, {"x", "_Unused"});
    t.Run();
  }
}

TEST(MLLabelEncoderTest, V1Empty) {
  OpTester t("LabelEncoder", 1, kML);
  t.AddAttribute("classes_strings", Strings{"a"});
  t.AddInput<std::string>("X", {0}, {});
  t.AddOutput<int64_t>("Y", {0}, {});
  t.Run();
}

// ---- LabelEncoder-2 -----------------------------------------------------------------------

TEST(MLLabelEncoderTest, V2StringToInt64SpecExample) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_strings", Strings{"Amy", "Sally"});
  t.AddAttribute("values_int64s", std::vector<int64_t>{5, 6});
  t.AddAttribute("default_int64", int64_t{-1});
  t.AddInput<std::string>("X", {5}, {"Dori", "Amy", "Amy", "Sally", "Sally"});
  t.AddOutput<int64_t>("Y", {5}, {-1, 5, 5, 6, 6});
  t.Run();
}

TEST(MLLabelEncoderTest, V2StringToString) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_strings", Strings{"a", "b"});
  t.AddAttribute("values_strings", Strings{"A", "B"});
  t.AddInput<std::string>("X", {1, 3}, {"b", "c", "a"});
  t.AddOutput<std::string>("Y", {1, 3}, {"B", "_Unused", "A"});
  t.Run();
}

TEST(MLLabelEncoderTest, V2StringToFloat) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_strings", Strings{"lo", "hi"});
  t.AddAttribute("values_floats", std::vector<float>{0.25f, 4.5f});
  t.AddAttribute("default_float", 9.0f);
  t.AddInput<std::string>("X", {3}, {"hi", "mid", "lo"});
  t.AddOutput<float>("Y", {3}, {4.5f, 9.0f, 0.25f});
  t.Run();
}

TEST(MLLabelEncoderTest, V2Int64ToString) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{10, -3});
  t.AddAttribute("values_strings", Strings{"ten", "minus three"});
  t.AddAttribute("default_string", "none");
  t.AddInput<int64_t>("X", {2, 2}, {-3, 10, 0, 10});
  t.AddOutput<std::string>("Y", {2, 2}, {"minus three", "ten", "none", "ten"});
  t.Run();
}

TEST(MLLabelEncoderTest, V2Int64ToInt64) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{1, 2, 3});
  t.AddAttribute("values_int64s", std::vector<int64_t>{100, 200, 300});
  t.AddInput<int64_t>("X", {4}, {3, 4, 1, 2});
  t.AddOutput<int64_t>("Y", {4}, {300, -1, 100, 200});
  t.Run();
}

TEST(MLLabelEncoderTest, V2Int64ToFloatDefaultIsNegativeZero) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{7});
  t.AddAttribute("values_floats", std::vector<float>{0.5f});
  t.AddInput<int64_t>("X", {2}, {7, 8});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  auto out = t.RunAndFetch();
  ASSERT_TRUE(out[0].IsTensor());
  const float* y = out[0].Get().Data<float>();
  EXPECT_EQ(y[0], 0.5f);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_TRUE(std::signbit(y[1])) << "default_float defaults to -0.0";
}

TEST(MLLabelEncoderTest, V2FloatToString) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_floats", std::vector<float>{1.5f, -2.0f});
  t.AddAttribute("values_strings", Strings{"one and a half", "minus two"});
  t.AddInput<float>("X", {3}, {-2.0f, 1.5f, 1.5000001f});
  t.AddOutput<std::string>("Y", {3}, {"minus two", "one and a half", "_Unused"});
  t.Run();
}

TEST(MLLabelEncoderTest, V2FloatToInt64) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_floats", std::vector<float>{0.1f, 0.2f});
  t.AddAttribute("values_int64s", std::vector<int64_t>{1, 2});
  t.AddAttribute("default_int64", int64_t{0});
  t.AddInput<float>("X", {3}, {0.2f, 0.3f, 0.1f});
  t.AddOutput<int64_t>("Y", {3}, {2, 0, 1});
  t.Run();
}

TEST(MLLabelEncoderTest, V2FloatToFloatWithNaNKey) {
  // Keys compare bit for bit, so NaN can be mapped; 0.0 and -0.0 are different keys.
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_floats", std::vector<float>{kNaN, 0.0f});
  t.AddAttribute("values_floats", std::vector<float>{-1.0f, 5.0f});
  t.AddAttribute("default_float", 7.0f);
  t.AddInput<float>("X", {4}, {kNaN, 0.0f, -0.0f, 3.0f});
  t.AddOutput<float>("Y", {4}, {-1.0f, 5.0f, 7.0f, 7.0f});
  t.Run();
}

TEST(MLLabelEncoderTest, V2DuplicateKeyKeepsFirstValue) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_strings", Strings{"a", "a"});
  t.AddAttribute("values_int64s", std::vector<int64_t>{1, 2});
  t.AddInput<std::string>("X", {1}, {"a"});
  t.AddOutput<int64_t>("Y", {1}, {1});
  t.Run();
}

TEST(MLLabelEncoderTest, V2Empty) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{1});
  t.AddAttribute("values_strings", Strings{"one"});
  t.AddInput<int64_t>("X", {2, 0}, {});
  t.AddOutput<std::string>("Y", {2, 0}, {});
  t.Run();
}

TEST(MLLabelEncoderTest, V2InputTypeMustMatchKeys) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{1});
  t.AddAttribute("values_strings", Strings{"one"});
  t.AddInput<float>("X", {1}, {1});
  t.AddUncheckedOutput("Y", DataType::kString);
  t.RunExpectFailure("does not match the keys");
}

TEST(MLLabelEncoderTest, V2TwoKeyListsFail) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{1});
  t.AddAttribute("keys_strings", Strings{"a"});
  t.AddAttribute("values_strings", Strings{"one"});
  t.AddInput<int64_t>("X", {1}, {1});
  t.AddUncheckedOutput("Y", DataType::kString);
  t.RunExpectFailure("exactly one of keys_strings, keys_int64s and keys_floats");
}

TEST(MLLabelEncoderTest, V2KeysAndValuesDifferInLength) {
  OpTester t("LabelEncoder", 2, kML);
  t.AddAttribute("keys_int64s", std::vector<int64_t>{1, 2});
  t.AddAttribute("values_strings", Strings{"one"});
  t.AddInput<int64_t>("X", {1}, {1});
  t.AddUncheckedOutput("Y", DataType::kString);
  t.RunExpectFailure("2 keys but 1 values");
}

// ---- CategoryMapper -----------------------------------------------------------------------

TEST(MLCategoryMapperTest, StringsToInts) {
  OpTester t("CategoryMapper", 1, kML);
  t.AddAttribute("cats_strings", Strings{"cat", "dog", "cow"});
  t.AddAttribute("cats_int64s", std::vector<int64_t>{10, 20, 30});
  t.AddAttribute("default_int64", int64_t{-5});
  t.AddInput<std::string>("X", {2, 2}, {"dog", "cow", "bird", "cat"});
  t.AddOutput<int64_t>("Y", {2, 2}, {20, 30, -5, 10});
  t.Run();
}

TEST(MLCategoryMapperTest, IntsToStrings) {
  OpTester t("CategoryMapper", 1, kML);
  t.AddAttribute("cats_strings", Strings{"cat", "dog", "cow"});
  t.AddAttribute("cats_int64s", std::vector<int64_t>{10, 20, 30});
  t.AddAttribute("default_string", "unknown");
  t.AddInput<int64_t>("X", {4}, {30, 11, 10, 20});
  t.AddOutput<std::string>("Y", {4}, {"cow", "unknown", "cat", "dog"});
  t.Run();
}

TEST(MLCategoryMapperTest, Defaults) {
  {
    OpTester t("CategoryMapper", 1, kML);
    t.AddAttribute("cats_strings", Strings{"a"});
    t.AddAttribute("cats_int64s", std::vector<int64_t>{1});
    t.AddInput<std::string>("X", {1}, {"b"});
    t.AddOutput<int64_t>("Y", {1}, {-1});
    t.Run();
  }
  {
    OpTester t("CategoryMapper", 1, kML);
    t.AddAttribute("cats_strings", Strings{"a"});
    t.AddAttribute("cats_int64s", std::vector<int64_t>{1});
    t.AddInput<int64_t>("X", {1}, {2});
    t.AddOutput<std::string>("Y", {1}, {"_Unused"});
    t.Run();
  }
}

TEST(MLCategoryMapperTest, Empty) {
  OpTester t("CategoryMapper", 1, kML);
  t.AddAttribute("cats_strings", Strings{"a"});
  t.AddAttribute("cats_int64s", std::vector<int64_t>{1});
  t.AddInput<int64_t>("X", {0, 3}, {});
  t.AddOutput<std::string>("Y", {0, 3}, {});
  t.Run();
}

TEST(MLCategoryMapperTest, ListsDifferInLength) {
  OpTester t("CategoryMapper", 1, kML);
  t.AddAttribute("cats_strings", Strings{"a", "b"});
  t.AddAttribute("cats_int64s", std::vector<int64_t>{1});
  t.AddInput<std::string>("X", {1}, {"a"});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.RunExpectFailure("cats_strings has 2 entries but cats_int64s has 1");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
