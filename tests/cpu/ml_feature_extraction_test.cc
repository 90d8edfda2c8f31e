// ai.onnx.ml OneHotEncoder, ArrayFeatureExtractor and FeatureVectorizer: every input type, the
// 1-D special cases, padding/truncation, empty tensors and out-of-range values.
#include <limits>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
using Strings = std::vector<std::string>;

// ---- OneHotEncoder ------------------------------------------------------------------------

TEST(MLOneHotEncoderTest, SpecExample) {
  OpTester t("OneHotEncoder", 1, kML);
  t.AddAttribute("cats_int64s", std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  t.AddInput<int64_t>("X", {1}, {4});
  t.AddOutput<float>("Y", {1, 8}, {0, 0, 0, 0, 1, 0, 0, 0});
  t.Run();
}

TEST(MLOneHotEncoderTest, StringsTwoDimensionalWithUnknown) {
  OpTester t("OneHotEncoder", 1, kML);
  t.AddAttribute("cats_strings", Strings{"red", "green", "blue"});
  t.AddInput<std::string>("X", {2, 2}, {"blue", "red", "pink", "green"});
  t.AddOutput<float>("Y", {2, 2, 3}, {0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 1, 0});
  t.Run();
}

TEST(MLOneHotEncoderTest, NumericInputsAreTruncatedToIntegers) {
  {
    OpTester t("OneHotEncoder", 1, kML);
    t.AddAttribute("cats_int64s", std::vector<int64_t>{3, 1});
    t.AddInput<float>("X", {3}, {1.7f, 3.0f, std::numeric_limits<float>::quiet_NaN()});
    t.AddOutput<float>("Y", {3, 2}, {0, 1, 1, 0, 0, 0});
    t.Run();
  }
  {
    OpTester t("OneHotEncoder", 1, kML);
    t.AddAttribute("cats_int64s", std::vector<int64_t>{-2, 5});
    t.AddInput<double>("X", {2}, {5.0, -2.5});
    t.AddOutput<float>("Y", {2, 2}, {0, 1, 1, 0});
    t.Run();
  }
  {
    OpTester t("OneHotEncoder", 1, kML);
    t.AddAttribute("cats_int64s", std::vector<int64_t>{7, 8, 9});
    t.AddInput<int32_t>("X", {1, 2}, {9, 7});
    t.AddOutput<float>("Y", {1, 2, 3}, {0, 0, 1, 1, 0, 0});
    t.Run();
  }
}

TEST(MLOneHotEncoderTest, Empty) {
  OpTester t("OneHotEncoder", 1, kML);
  t.AddAttribute("cats_int64s", std::vector<int64_t>{1, 2});
  t.AddInput<int64_t>("X", {0, 3}, {});
  t.AddOutput<float>("Y", {0, 3, 2}, {});
  t.Run();
}

TEST(MLOneHotEncoderTest, UnknownCategoryFailsWithoutZeros) {
  OpTester t("OneHotEncoder", 1, kML);
  t.AddAttribute("cats_strings", Strings{"a", "b"});
  t.AddAttribute("zeros", int64_t{0});
  t.AddInput<std::string>("X", {2}, {"a", "c"});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("value c at position 1 is not one of the categories");
}

TEST(MLOneHotEncoderTest, StringInputNeedsStringCategories) {
  OpTester t("OneHotEncoder", 1, kML);
  t.AddAttribute("cats_int64s", std::vector<int64_t>{1});
  t.AddInput<std::string>("X", {1}, {"1"});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("needs cats_strings");
}

// ---- ArrayFeatureExtractor ----------------------------------------------------------------

TEST(MLArrayFeatureExtractorTest, SelectsColumnsOfTheLastAxis) {
  OpTester t("ArrayFeatureExtractor", 1, kML);
  t.AddInput<float>("X", {2, 4}, {0, 1, 2, 3, 10, 11, 12, 13});
  t.AddInput<int64_t>("Y", {3}, {3, 0, 3});
  t.AddOutput<float>("Z", {2, 3}, {3, 0, 3, 13, 10, 13});
  t.Run();
}

TEST(MLArrayFeatureExtractorTest, OneDimensionalInputGivesOneRow) {
  OpTester t("ArrayFeatureExtractor", 1, kML);
  t.AddInput<int64_t>("X", {5}, {50, 51, 52, 53, 54});
  t.AddInput<int64_t>("Y", {2}, {4, 1});
  t.AddOutput<int64_t>("Z", {1, 2}, {54, 51});
  t.Run();
}

TEST(MLArrayFeatureExtractorTest, ThreeDimensionalAndTwoDimensionalIndices) {
  OpTester t("ArrayFeatureExtractor", 1, kML);
  t.AddInput<double>("X", {2, 1, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<int64_t>("Y", {1, 2}, {2, 1});
  t.AddOutput<double>("Z", {2, 1, 2}, {3, 2, 6, 5});
  t.Run();
}

TEST(MLArrayFeatureExtractorTest, Int32AndStrings) {
  {
    OpTester t("ArrayFeatureExtractor", 1, kML);
    t.AddInput<int32_t>("X", {1, 3}, {7, 8, 9});
    t.AddInput<int64_t>("Y", {1}, {1});
    t.AddOutput<int32_t>("Z", {1, 1}, {8});
    t.Run();
  }
  {
    OpTester t("ArrayFeatureExtractor", 1, kML);
    t.AddInput<std::string>("X", {2, 2}, {"a", "b", "c", "d"});
    t.AddInput<int64_t>("Y", {2}, {1, 1});
    t.AddOutput<std::string>("Z", {2, 2}, {"b", "b", "d", "d"});
    t.Run();
  }
}

TEST(MLArrayFeatureExtractorTest, EmptyRowsAndEmptyIndices) {
  {
    OpTester t("ArrayFeatureExtractor", 1, kML);
    t.AddInput<float>("X", {0, 3}, {});
    t.AddInput<int64_t>("Y", {1}, {2});
    t.AddOutput<float>("Z", {0, 1}, {});
    t.Run();
  }
  {
    OpTester t("ArrayFeatureExtractor", 1, kML);
    t.AddInput<float>("X", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<int64_t>("Y", {0}, {});
    t.AddOutput<float>("Z", {2, 0}, {});
    t.Run();
  }
}

TEST(MLArrayFeatureExtractorTest, IndexOutOfRange) {
  OpTester t("ArrayFeatureExtractor", 1, kML);
  t.AddInput<float>("X", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<int64_t>("Y", {2}, {0, 3});
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("index 3 is out of range for the last dimension of X, of size 3");
}

TEST(MLArrayFeatureExtractorTest, NegativeIndexFails) {
  OpTester t("ArrayFeatureExtractor", 1, kML);
  t.AddInput<float>("X", {3}, {1, 2, 3});
  t.AddInput<int64_t>("Y", {1}, {-1});
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("index -1 is out of range");
}

// ---- FeatureVectorizer --------------------------------------------------------------------

TEST(MLFeatureVectorizerTest, ConcatenatesMixedTypes) {
  OpTester t("FeatureVectorizer", 1, kML);
  t.AddAttribute("inputdimensions", std::vector<int64_t>{2, 1, 3});
  t.AddInput<float>("A", {2, 2}, {1, 2, 3, 4});
  t.AddInput<int64_t>("B", {2, 1}, {5, 6});
  t.AddInput<double>("C", {2, 3}, {7, 8, 9, 10, 11, 12});
  t.AddOutput<float>("Y", {2, 6}, {1, 2, 5, 7, 8, 9, 3, 4, 6, 10, 11, 12});
  t.Run();
}

TEST(MLFeatureVectorizerTest, InputDimensionsPadAndTruncate) {
  OpTester t("FeatureVectorizer", 1, kML);
  t.AddAttribute("inputdimensions", std::vector<int64_t>{3, 1});
  t.AddInput<int32_t>("A", {2, 1}, {1, 2});
  t.AddInput<float>("B", {2, 3}, {3, 4, 5, 6, 7, 8});
  t.AddOutput<float>("Y", {2, 4}, {1, 0, 0, 3, 2, 0, 0, 6});
  t.Run();
}

TEST(MLFeatureVectorizerTest, OneDimensionalInputsAreOneRow) {
  OpTester t("FeatureVectorizer", 1, kML);
  t.AddInput<float>("A", {2}, {1, 2});
  t.AddInput<int64_t>("B", {1, 3}, {3, 4, 5});
  t.AddOutput<float>("Y", {1, 5}, {1, 2, 3, 4, 5});
  t.Run();
}

TEST(MLFeatureVectorizerTest, EmptyBatch) {
  OpTester t("FeatureVectorizer", 1, kML);
  t.AddAttribute("inputdimensions", std::vector<int64_t>{2, 2});
  t.AddInput<float>("A", {0, 2}, {});
  t.AddInput<double>("B", {0, 2}, {});
  t.AddOutput<float>("Y", {0, 4}, {});
  t.Run();
}

TEST(MLFeatureVectorizerTest, RowCountsMustAgree) {
  OpTester t("FeatureVectorizer", 1, kML);
  t.AddInput<float>("A", {2, 1}, {1, 2});
  t.AddInput<float>("B", {3, 1}, {1, 2, 3});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("input 1 has 3 rows but input 0 has 2");
}

TEST(MLFeatureVectorizerTest, InputDimensionsCountMustMatchInputs) {
  OpTester t("FeatureVectorizer", 1, kML);
  t.AddAttribute("inputdimensions", std::vector<int64_t>{1});
  t.AddInput<float>("A", {1, 1}, {1});
  t.AddInput<float>("B", {1, 1}, {2});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("inputdimensions has 1 entries for 2 inputs");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
