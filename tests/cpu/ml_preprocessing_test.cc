// ai.onnx.ml Scaler, Normalizer, Binarizer and Imputer: every input type, per-feature and
// broadcast attributes, zero divisors, NaN handling, empty tensors and bad attributes.
#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// ---- Scaler -------------------------------------------------------------------------------

TEST(MLScalerTest, PerFeatureOffsetAndScale) {
  OpTester t("Scaler", 1, kML);
  t.AddAttribute("offset", std::vector<float>{1, 2, 3});
  t.AddAttribute("scale", std::vector<float>{2, 0.5f, -1});
  t.AddInput<float>("X", {2, 3}, {1, 2, 3, 4, 6, 0});
  t.AddOutput<float>("Y", {2, 3}, {0, 0, 0, 6, 2, 3});
  t.Run();
}

TEST(MLScalerTest, SingleValueAppliesToEveryFeature) {
  // sklearn StandardScaler with mean 2.5 and std 0.5: scale = 1 / std.
  OpTester t("Scaler", 1, kML);
  t.AddAttribute("offset", std::vector<float>{2.5f});
  t.AddAttribute("scale", std::vector<float>{2.0f});
  t.AddInput<float>("X", {4}, {1, 2, 3, 4});
  t.AddOutput<float>("Y", {4}, {-3, -1, 1, 3});
  t.Run();
}

TEST(MLScalerTest, DoubleInputGivesFloat) {
  OpTester t("Scaler", 1, kML);
  t.AddAttribute("offset", std::vector<float>{0.5f, -1});
  t.AddAttribute("scale", std::vector<float>{4, 0.25f});
  t.AddInput<double>("X", {1, 2}, {1.0, 3.0});
  t.AddOutput<float>("Y", {1, 2}, {2, 1});
  t.Run();
}

TEST(MLScalerTest, IntegerInputs) {
  {
    OpTester t("Scaler", 1, kML);
    t.AddAttribute("offset", std::vector<float>{1});
    t.AddAttribute("scale", std::vector<float>{0.5f});
    t.AddInput<int64_t>("X", {3}, {1, 2, -3});
    t.AddOutput<float>("Y", {3}, {0, 0.5f, -2});
    t.Run();
  }
  {
    OpTester t("Scaler", 1, kML);
    t.AddAttribute("offset", std::vector<float>{10, 20});
    t.AddAttribute("scale", std::vector<float>{1, 2});
    t.AddInput<int32_t>("X", {2, 2}, {10, 21, 12, 19});
    t.AddOutput<float>("Y", {2, 2}, {0, 2, 2, -2});
    t.Run();
  }
}

TEST(MLScalerTest, MissingAttributesAreIdentity) {
  OpTester t("Scaler", 1, kML);
  t.AddAttribute("scale", std::vector<float>{3});
  t.AddInput<float>("X", {2}, {1, -2});
  t.AddOutput<float>("Y", {2}, {3, -6});
  t.Run();
}

TEST(MLScalerTest, Empty) {
  OpTester t("Scaler", 1, kML);
  t.AddAttribute("offset", std::vector<float>{1, 2, 3});
  t.AddAttribute("scale", std::vector<float>{1, 1, 1});
  t.AddInput<float>("X", {0, 3}, {});
  t.AddOutput<float>("Y", {0, 3}, {});
  t.Run();
}

TEST(MLScalerTest, OffsetLengthMustMatchFeatures) {
  OpTester t("Scaler", 1, kML);
  t.AddAttribute("offset", std::vector<float>{1, 2});
  t.AddAttribute("scale", std::vector<float>{1, 2});
  t.AddInput<float>("X", {1, 3}, {1, 2, 3});
  t.AddOutput<float>("Y", {1, 3}, {0, 0, 0});
  t.RunExpectFailure("'offset' has 2 values but X has 3 features");
}

// ---- Normalizer ---------------------------------------------------------------------------

TEST(MLNormalizerTest, Max) {
  // Divides by the largest magnitude (sklearn's norm='max'); an all-zero row stays zero.
  OpTester t("Normalizer", 1, kML);
  t.AddAttribute("norm", "MAX");
  t.AddInput<float>("X", {3, 3}, {1, -4, 2, 0, 0, 0, 3, 1.5f, 0});
  t.AddOutput<float>("Y", {3, 3}, {0.25f, -1, 0.5f, 0, 0, 0, 1, 0.5f, 0});
  t.Run();
}

TEST(MLNormalizerTest, MaxIsTheDefault) {
  OpTester t("Normalizer", 1, kML);
  t.AddInput<float>("X", {1, 2}, {2, 8});
  t.AddOutput<float>("Y", {1, 2}, {0.25f, 1});
  t.Run();
}

TEST(MLNormalizerTest, L1) {
  OpTester t("Normalizer", 1, kML);
  t.AddAttribute("norm", "L1");
  t.AddInput<float>("X", {2, 2}, {1, -3, 0, 0});
  t.AddOutput<float>("Y", {2, 2}, {0.25f, -0.75f, 0, 0});
  t.Run();
}

TEST(MLNormalizerTest, L2) {
  OpTester t("Normalizer", 1, kML);
  t.AddAttribute("norm", "L2");
  t.AddInput<float>("X", {2, 3}, {3, 4, 0, 1, 2, 2});
  t.AddOutput<float>("Y", {2, 3}, {0.6f, 0.8f, 0, 1.0f / 3, 2.0f / 3, 2.0f / 3});
  t.Run();
}

TEST(MLNormalizerTest, OneDimensionalIsOneRow) {
  OpTester t("Normalizer", 1, kML);
  t.AddAttribute("norm", "L2");
  t.AddInput<double>("X", {2}, {-6, 8});
  t.AddOutput<float>("Y", {2}, {-0.6f, 0.8f});
  t.Run();
}

TEST(MLNormalizerTest, IntegerInputs) {
  {
    OpTester t("Normalizer", 1, kML);
    t.AddAttribute("norm", "L1");
    t.AddInput<int64_t>("X", {2, 2}, {1, 3, -2, 2});
    t.AddOutput<float>("Y", {2, 2}, {0.25f, 0.75f, -0.5f, 0.5f});
    t.Run();
  }
  {
    OpTester t("Normalizer", 1, kML);
    t.AddAttribute("norm", "MAX");
    t.AddInput<int32_t>("X", {1, 3}, {5, -10, 2});
    t.AddOutput<float>("Y", {1, 3}, {0.5f, -1, 0.2f});
    t.Run();
  }
}

TEST(MLNormalizerTest, Empty) {
  OpTester t("Normalizer", 1, kML);
  t.AddAttribute("norm", "L2");
  t.AddInput<float>("X", {0, 4}, {});
  t.AddOutput<float>("Y", {0, 4}, {});
  t.Run();
}

TEST(MLNormalizerTest, UnknownNorm) {
  OpTester t("Normalizer", 1, kML);
  t.AddAttribute("norm", "L3");
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddOutput<float>("Y", {1, 2}, {0, 0});
  t.RunExpectFailure("unknown norm 'L3'");
}

// ---- Binarizer ----------------------------------------------------------------------------

TEST(MLBinarizerTest, FloatWithThreshold) {
  OpTester t("Binarizer", 1, kML);
  t.AddAttribute("threshold", 0.5f);
  t.AddInput<float>("X", {2, 3}, {0.4f, 0.5f, 0.6f, -1, 100, kNaN});
  t.AddOutput<float>("Y", {2, 3}, {0, 0, 1, 0, 1, 0});
  t.Run();
}

TEST(MLBinarizerTest, DefaultThresholdIsZero) {
  OpTester t("Binarizer", 1, kML);
  t.AddInput<double>("X", {4}, {-0.1, 0, 1e-9, 7});
  t.AddOutput<double>("Y", {4}, {0, 0, 1, 1});
  t.Run();
}

TEST(MLBinarizerTest, IntegerTypesKeepTheirType) {
  {
    OpTester t("Binarizer", 1, kML);
    t.AddAttribute("threshold", 2.5f);
    t.AddInput<int64_t>("X", {4}, {1, 2, 3, -5});
    t.AddOutput<int64_t>("Y", {4}, {0, 0, 1, 0});
    t.Run();
  }
  {
    OpTester t("Binarizer", 1, kML);
    t.AddAttribute("threshold", -1.0f);
    t.AddInput<int32_t>("X", {2, 2}, {-2, -1, 0, 9});
    t.AddOutput<int32_t>("Y", {2, 2}, {0, 0, 1, 1});
    t.Run();
  }
}

TEST(MLBinarizerTest, Empty) {
  OpTester t("Binarizer", 1, kML);
  t.AddInput<float>("X", {3, 0}, {});
  t.AddOutput<float>("Y", {3, 0}, {});
  t.Run();
}

TEST(MLBinarizerTest, StringInputFails) {
  OpTester t("Binarizer", 1, kML);
  t.AddInput<std::string>("X", {1}, {"a"});
  t.AddOutput<std::string>("Y", {1}, {"a"});
  t.RunExpectFailure("element type string is not supported by Binarizer");
}

// ---- Imputer ------------------------------------------------------------------------------

TEST(MLImputerTest, NaNReplacedPerFeature) {
  // sklearn SimpleImputer(strategy='mean') with column means 1.5, 20, -3.
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_floats", std::vector<float>{1.5f, 20, -3});
  t.AddAttribute("replaced_value_float", kNaN);
  t.AddInput<float>("X", {2, 3}, {kNaN, 2, kNaN, 4, kNaN, 6});
  t.AddOutput<float>("Y", {2, 3}, {1.5f, 2, -3, 4, 20, 6});
  t.Run();
}

TEST(MLImputerTest, ReplacedValueWithOneImputedValue) {
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_floats", std::vector<float>{9});
  t.AddAttribute("replaced_value_float", -1.0f);
  t.AddInput<double>("X", {2, 2}, {-1, 0, 2, -1});
  t.AddOutput<double>("Y", {2, 2}, {9, 0, 2, 9});
  t.Run();
}

TEST(MLImputerTest, DefaultReplacedValueIsZero) {
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_floats", std::vector<float>{5});
  t.AddInput<float>("X", {3}, {0, 1, kNaN});
  t.AddOutput<float>("Y", {3}, {5, 1, kNaN});
  t.Run();
}

TEST(MLImputerTest, Integers) {
  {
    OpTester t("Imputer", 1, kML);
    t.AddAttribute("imputed_value_int64s", std::vector<int64_t>{7, 8});
    t.AddAttribute("replaced_value_int64", int64_t{-1});
    t.AddInput<int64_t>("X", {2, 2}, {-1, -1, 3, -1});
    t.AddOutput<int64_t>("Y", {2, 2}, {7, 8, 3, 8});
    t.Run();
  }
  {
    OpTester t("Imputer", 1, kML);
    t.AddAttribute("imputed_value_int64s", std::vector<int64_t>{100});
    t.AddAttribute("replaced_value_int64", int64_t{0});
    t.AddInput<int32_t>("X", {1, 3}, {0, 5, 0});
    t.AddOutput<int32_t>("Y", {1, 3}, {100, 5, 100});
    t.Run();
  }
}

TEST(MLImputerTest, Empty) {
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_floats", std::vector<float>{1, 2});
  t.AddInput<float>("X", {0, 2}, {});
  t.AddOutput<float>("Y", {0, 2}, {});
  t.Run();
}

TEST(MLImputerTest, ValuesOfTheWrongKind) {
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_int64s", std::vector<int64_t>{1});
  t.AddInput<float>("X", {1}, {0});
  t.AddOutput<float>("Y", {1}, {0});
  t.RunExpectFailure("needs imputed_value_floats");
}

TEST(MLImputerTest, ImputedCountMustMatchFeatures) {
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_floats", std::vector<float>{1, 2});
  t.AddInput<float>("X", {1, 3}, {0, 0, 0});
  t.AddOutput<float>("Y", {1, 3}, {0, 0, 0});
  t.RunExpectFailure("has 2 values but X has 3 features");
}

TEST(MLImputerTest, ImputedValueMustFitInt32) {
  OpTester t("Imputer", 1, kML);
  t.AddAttribute("imputed_value_int64s", std::vector<int64_t>{int64_t{1} << 40});
  t.AddInput<int32_t>("X", {1}, {0});
  t.AddOutput<int32_t>("Y", {1}, {0});
  t.RunExpectFailure("does not fit in int32");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
