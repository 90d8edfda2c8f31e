// ai.onnx.ml LinearClassifier and LinearRegressor: multi-class and single-row binary models,
// every post_transform, string and int64 labels, every input type, 1-D and empty inputs, and
// coefficient counts that do not fit X. Expected values computed with numpy from the formulas
// scores = X W^T + b followed by the transform (as sklearn's decision_function/predict_proba).
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
using Strings = std::vector<std::string>;

// Three classes over two features.
void AddThreeClassModel(OpTester& t) {
  t.AddAttribute("coefficients", std::vector<float>{1, 2, -1, 0.5f, 0, -1});
  t.AddAttribute("intercepts", std::vector<float>{0.1f, -0.2f, 0.3f});
}

TEST(MLLinearClassifierTest, MultiClassRawScores) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{7, 8, 9});
  t.AddInput<float>("X", {3, 2}, {1, 2, -1, 0.5f, 0, 0});
  t.AddOutput<int64_t>("Y", {3}, {7, 8, 9});
  t.AddOutput<float>("Z", {3, 3}, {5.1f, -0.2f, -1.7f, 0.1f, 1.05f, -0.2f, 0.1f, -0.2f, 0.3f});
  t.Run();
}

TEST(MLLinearClassifierTest, SoftmaxWithStringLabels) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddAttribute("classlabels_strings", Strings{"a", "b", "c"});
  t.AddAttribute("post_transform", "SOFTMAX");
  t.AddInput<float>("X", {3, 2}, {1, 2, -1, 0.5f, 0, 0});
  t.AddOutput<std::string>("Y", {3}, {"a", "b", "c"});
  t.AddOutput<float>("Z", {3, 3},
                     {0.99393168f, 0.00496130332f, 0.0011070164f, 0.231132221f, 0.597640818f, 0.171226961f,
                      0.337584538f, 0.250088777f, 0.412326686f});
  t.Run();
}

TEST(MLLinearClassifierTest, LogisticIsElementWise) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1, 2});
  t.AddAttribute("post_transform", "LOGISTIC");
  t.AddInput<float>("X", {3, 2}, {1, 2, -1, 0.5f, 0, 0});
  t.AddOutput<int64_t>("Y", {3}, {0, 1, 2});
  t.AddOutput<float>("Z", {3, 3},
                     {0.993940199f, 0.450166003f, 0.154465265f, 0.524979187f, 0.740774899f, 0.450166003f,
                      0.524979187f, 0.450166003f, 0.574442517f});
  t.Run();
}

TEST(MLLinearClassifierTest, SoftmaxZeroKeepsZeroScores) {
  OpTester t("LinearClassifier", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{1, 0, 0, 0, 0, 1});
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1, 2});
  t.AddAttribute("post_transform", "SOFTMAX_ZERO");
  // Scores (2, 0, -1) and (5e-8, 0, 1): scores within 1e-7 of zero stay near zero.
  t.AddInput<float>("X", {2, 2}, {2, -1, 5e-8f, 1});
  t.AddOutput<int64_t>("Y", {2}, {0, 2});
  t.AddOutput<float>("Z", {2, 3}, {0.952574127f, 0, 0.0474258732f, 1.8393972e-08f, 0, 1});
  t.Run();
}

TEST(MLLinearClassifierTest, Probit) {
  OpTester t("LinearClassifier", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{0.1f, 0.2f, 0.3f, 0.1f});
  t.AddAttribute("intercepts", std::vector<float>{0.1f, 0.2f});
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1});
  t.AddAttribute("post_transform", "PROBIT");
  // Scores (0.4, 0.6) and (0.5, 0.4): the normal quantiles of those probabilities.
  t.AddInput<float>("X", {2, 2}, {1, 1, 0, 2});
  t.AddOutput<int64_t>("Y", {2}, {1, 0});
  t.AddOutput<float>("Z", {2, 2}, {-0.253347103f, 0.253347103f, 0.0f, -0.253347103f});
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(MLLinearClassifierTest, BinarySingleRowLogistic) {
  // sklearn LogisticRegression on two classes: one coefficient row scores the second class;
  // Z = [1 - p, p] with p = sigmoid(w.x + b).
  OpTester t("LinearClassifier", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{0.5f, -1});
  t.AddAttribute("intercepts", std::vector<float>{0.2f});
  t.AddAttribute("classlabels_strings", Strings{"neg", "pos"});
  t.AddAttribute("post_transform", "LOGISTIC");
  t.AddInput<float>("X", {3, 2}, {1, 0, 0, 1, 2, 1.5f});
  t.AddOutput<std::string>("Y", {3}, {"pos", "neg", "neg"});
  t.AddOutput<float>("Z", {3, 2}, {0.331812228f, 0.668187772f, 0.689974481f, 0.310025519f, 0.574442517f, 0.425557483f});
  t.Run();
}

TEST(MLLinearClassifierTest, BinarySingleRowRawScores) {
  OpTester t("LinearClassifier", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{0.5f, -1});
  t.AddAttribute("intercepts", std::vector<float>{0.2f});
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{-1, 1});
  t.AddInput<float>("X", {2, 2}, {1, 0, 0, 1});
  t.AddOutput<int64_t>("Y", {2}, {1, -1});
  t.AddOutput<float>("Z", {2, 2}, {-0.7f, 0.7f, 0.8f, -0.8f});
  t.Run();
}

TEST(MLLinearClassifierTest, EveryInputType) {
  // Scores: 2 + 3 = 5 and -2 + 6 = 4: class 0 wins.
  auto check = [](auto tag, std::vector<int64_t> dims) {
    using T = typename decltype(tag)::type;
    OpTester t("LinearClassifier", 1, kML);
    t.AddAttribute("coefficients", std::vector<float>{1, 1, -1, 2});
    t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1});
    t.AddInput<T>("X", dims, {T(2), T(3)});
    t.AddOutput<int64_t>("Y", {dims.size() == 1 ? 1 : dims[0]}, {0});
    t.AddOutput<float>("Z", {1, 2}, {5, 4});
    t.Run();
  };
  check(TypeTag<float>{}, {1, 2});
  check(TypeTag<double>{}, {1, 2});
  check(TypeTag<int32_t>{}, {1, 2});
  check(TypeTag<int64_t>{}, {1, 2});
  check(TypeTag<float>{}, {2});  // 1-D: one sample
}

TEST(MLLinearClassifierTest, Empty) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddAttribute("classlabels_strings", Strings{"a", "b", "c"});
  t.AddInput<float>("X", {0, 2}, {});
  t.AddOutput<std::string>("Y", {0}, {});
  t.AddOutput<float>("Z", {0, 3}, {});
  t.Run();
}

TEST(MLLinearClassifierTest, CoefficientRowsMustMatchClasses) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1});
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("the coefficients hold 3 rows of 2 features but there are 2 class labels");
}

TEST(MLLinearClassifierTest, CoefficientsMustSplitIntoRows) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1, 2});
  t.AddInput<float>("X", {1, 4}, {1, 2, 3, 4});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("6 coefficients do not split into rows of 4 features");
}

TEST(MLLinearClassifierTest, NeedsOneLabelList) {
  OpTester t("LinearClassifier", 1, kML);
  AddThreeClassModel(t);
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("exactly one of 'classlabels_ints' and 'classlabels_strings'");
}

// ---- LinearRegressor ----------------------------------------------------------------------

void AddTwoTargetModel(OpTester& t) {
  t.AddAttribute("coefficients", std::vector<float>{1, -1, 0.5f, 2, 0, 1});
  t.AddAttribute("intercepts", std::vector<float>{1, -1});
  t.AddAttribute("targets", int64_t{2});
}

TEST(MLLinearRegressorTest, TwoTargets) {
  OpTester t("LinearRegressor", 1, kML);
  AddTwoTargetModel(t);
  t.AddInput<float>("X", {2, 3}, {1, 2, 3, 0, -1, 4});
  t.AddOutput<float>("Y", {2, 2}, {1.5f, 4, 4, 3});
  t.Run();
}

TEST(MLLinearRegressorTest, PostTransforms) {
  {
    OpTester t("LinearRegressor", 1, kML);
    AddTwoTargetModel(t);
    t.AddAttribute("post_transform", "LOGISTIC");
    t.AddInput<float>("X", {2, 3}, {1, 2, 3, 0, -1, 4});
    t.AddOutput<float>("Y", {2, 2}, {0.817574476f, 0.98201379f, 0.98201379f, 0.952574127f});
    t.Run();
  }
  {
    OpTester t("LinearRegressor", 1, kML);
    AddTwoTargetModel(t);
    t.AddAttribute("post_transform", "SOFTMAX");
    t.AddInput<float>("X", {2, 3}, {1, 2, 3, 0, -1, 4});
    t.AddOutput<float>("Y", {2, 2}, {0.07585818f, 0.92414182f, 0.731058579f, 0.268941421f});
    t.Run();
  }
}

TEST(MLLinearRegressorTest, SingleTargetWithoutIntercepts) {
  OpTester t("LinearRegressor", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{0.5f, 0.25f});
  t.AddInput<float>("X", {3, 2}, {2, 4, 0, 0, -2, 8});
  t.AddOutput<float>("Y", {3, 1}, {2, 0, 1});
  t.Run();
}

TEST(MLLinearRegressorTest, EveryInputType) {
  auto check = [](auto tag) {
    using T = typename decltype(tag)::type;
    OpTester t("LinearRegressor", 1, kML);
    t.AddAttribute("coefficients", std::vector<float>{2, -1});
    t.AddAttribute("intercepts", std::vector<float>{0.5f});
    t.AddInput<T>("X", {2, 2}, {T(3), T(1), T(-1), T(4)});
    t.AddOutput<float>("Y", {2, 1}, {5.5f, -5.5f});
    t.Run();
  };
  check(TypeTag<float>{});
  check(TypeTag<double>{});
  check(TypeTag<int32_t>{});
  check(TypeTag<int64_t>{});
}

TEST(MLLinearRegressorTest, OneDimensionalAndEmpty) {
  {
    OpTester t("LinearRegressor", 1, kML);
    t.AddAttribute("coefficients", std::vector<float>{1, 1, 1});
    t.AddInput<float>("X", {3}, {1, 2, 3});
    t.AddOutput<float>("Y", {1, 1}, {6});
    t.Run();
  }
  {
    OpTester t("LinearRegressor", 1, kML);
    AddTwoTargetModel(t);
    t.AddInput<float>("X", {0, 3}, {});
    t.AddOutput<float>("Y", {0, 2}, {});
    t.Run();
  }
}

TEST(MLLinearRegressorTest, CoefficientsMustFitTargets) {
  OpTester t("LinearRegressor", 1, kML);
  AddTwoTargetModel(t);
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("the coefficients hold 3 rows of 2 features but targets is 2");
}

TEST(MLLinearRegressorTest, InterceptsMustMatchTargets) {
  OpTester t("LinearRegressor", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{1, 2});
  t.AddAttribute("intercepts", std::vector<float>{1, 2});
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("2 intercepts for 1 targets");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
