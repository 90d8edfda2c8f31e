// ai.onnx.ml SVMClassifier and SVMRegressor: the four kernels, one-vs-one voting, probability
// estimates (libsvm's sigmoid fits and pairwise coupling), the binary two-column scores, the
// liblinear form without support vectors, one-class regression, every input type, empty inputs
// and inconsistent attributes. Expected values come from a numpy transcription of libsvm's
// decision and probability functions (svm_predict_values, multiclass_probability).
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
using Strings = std::vector<std::string>;

// Three classes with 2, 1 and 2 support vectors of two features.
void AddThreeClassSvc(OpTester& t, const char* kernel) {
  t.AddAttribute("kernel_type", kernel);
  t.AddAttribute("kernel_params", std::vector<float>{0.5f, 0.25f, 3});
  t.AddAttribute("vectors_per_class", std::vector<int64_t>{2, 1, 2});
  t.AddAttribute("support_vectors", std::vector<float>{1, 1, 0, 2, -1, 0, 0.5f, -1, 2, 2});
  t.AddAttribute("coefficients", std::vector<float>{0.5f, -0.3f, 1.0f, 0.8f, -0.2f, -0.7f, 0.4f, -1.0f, 0.6f, 0.9f});
  t.AddAttribute("rho", std::vector<float>{0.1f, -0.2f, 0.3f});
}

const std::vector<float> kThreeRows = {1, 2, -1, 0.5f, 0.3f, -2};

void RunThreeClass(const char* kernel, std::vector<int64_t> labels, std::vector<float> scores) {
  OpTester t("SVMClassifier", 1, kML);
  AddThreeClassSvc(t, kernel);
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{10, 11, 12});
  t.AddInput<float>("X", {3, 2}, kThreeRows);
  t.AddOutput<int64_t>("Y", {3}, labels);
  t.AddOutput<float>("Z", {3, 3}, scores);
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

TEST(MLSVMClassifierTest, OneVsOneRbf) {
  RunThreeClass("RBF", {10, 12, 10},
                {0.239621765f, -0.4954224f, 0.833444146f, 0.983139883f, -0.12124034f, -0.516011447f, 0.162385588f,
                 0.269642364f, 0.598649265f});
}

TEST(MLSVMClassifierTest, OneVsOnePoly) {
  RunThreeClass("POLY", {11, 12, 10},
                {-0.653125134f, -6.36093747f, 31.1359367f, 0.395312496f, -0.0406250006f, -0.145312488f, 1.60081257f,
                 0.278137492f, -1.04904041f});
}

TEST(MLSVMClassifierTest, OneVsOneSigmoid) {
  RunThreeClass("SIGMOID", {10, 12, 10},
                {0.0323612623f, -1.03684568f, 1.16494622f, 0.544604261f, -0.0928916179f, -0.702526934f, 0.213555882f,
                 0.672940636f, -0.08497833f});
}

TEST(MLSVMClassifierTest, OneVsOneLinear) {
  RunThreeClass("LINEAR", {11, 12, 10},
                {-0.600000046f, -3.09999998f, 5.79999983f, 0.54999999f, -0.0500000119f, -2.19999999f, 0.150000043f,
                 1.78999998f, -1.16999982f});
}

TEST(MLSVMClassifierTest, ProbabilitiesWithStringLabels) {
  // The label still comes from the votes (as sklearn's SVC.predict), not from the probabilities.
  OpTester t("SVMClassifier", 1, kML);
  AddThreeClassSvc(t, "RBF");
  t.AddAttribute("prob_a", std::vector<float>{-1.5f, -2.0f, -0.8f});
  t.AddAttribute("prob_b", std::vector<float>{0.1f, -0.2f, 0.05f});
  t.AddAttribute("classlabels_strings", Strings{"x", "y", "z"});
  t.AddInput<float>("X", {3, 2}, kThreeRows);
  t.AddOutput<std::string>("Y", {3}, {"x", "z", "x"});
  t.AddOutput<float>("Z", {3, 3},
                     {0.285445777f, 0.383040052f, 0.331514171f, 0.436279512f, 0.167269922f, 0.396450565f, 0.428550419f,
                      0.354778853f, 0.216670729f});
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

// Two classes, linear kernel: one decision value s per row; a positive s votes for the first class.
void AddBinarySvc(OpTester& t) {
  t.AddAttribute("kernel_type", "LINEAR");
  t.AddAttribute("vectors_per_class", std::vector<int64_t>{1, 2});
  t.AddAttribute("support_vectors", std::vector<float>{1, 0, 0, 1, 1, 1});
  t.AddAttribute("coefficients", std::vector<float>{1.0f, -0.5f, -0.25f});
  t.AddAttribute("rho", std::vector<float>{-0.1f});
}

TEST(MLSVMClassifierTest, BinaryScoresAreTwoColumns) {
  OpTester t("SVMClassifier", 1, kML);
  AddBinarySvc(t);
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1});
  t.AddInput<float>("X", {3, 2}, {1, 0, 0, 1, 2, 2});
  t.AddOutput<int64_t>("Y", {3}, {0, 1, 1});
  t.AddOutput<float>("Z", {3, 2}, {-0.65f, 0.65f, 0.85f, -0.85f, 0.1f, -0.1f});
  t.Run();
}

TEST(MLSVMClassifierTest, BinaryLogistic) {
  OpTester t("SVMClassifier", 1, kML);
  AddBinarySvc(t);
  t.AddAttribute("classlabels_strings", Strings{"yes", "no"});
  t.AddAttribute("post_transform", "LOGISTIC");
  t.AddInput<float>("X", {3, 2}, {1, 0, 0, 1, 2, 2});
  t.AddOutput<std::string>("Y", {3}, {"yes", "no", "no"});
  t.AddOutput<float>("Z", {3, 2}, {0.342989538f, 0.657010462f, 0.700567143f, 0.299432857f, 0.524979188f, 0.475020812f});
  t.Run();
}

// Without support vectors: each class scores rho[0] + coefficients[c] . x.
void AddLiblinear(OpTester& t) {
  t.AddAttribute("coefficients", std::vector<float>{1, -1, 0.5f, 0.5f, -1, 2});
  t.AddAttribute("rho", std::vector<float>{0.25f});
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{1, 2, 3});
}

TEST(MLSVMClassifierTest, LinearFormWithoutSupportVectors) {
  OpTester t("SVMClassifier", 1, kML);
  AddLiblinear(t);
  t.AddInput<float>("X", {3, 2}, {1, 2, 3, -1, 0, 0});
  t.AddOutput<int64_t>("Y", {3}, {3, 1, 1});
  t.AddOutput<float>("Z", {3, 3}, {-0.75f, 1.75f, 3.25f, 4.25f, 1.25f, -4.75f, 0.25f, 0.25f, 0.25f});
  t.Run();
}

TEST(MLSVMClassifierTest, LinearFormSoftmax) {
  OpTester t("SVMClassifier", 1, kML);
  AddLiblinear(t);
  t.AddAttribute("post_transform", "SOFTMAX");
  t.AddInput<float>("X", {3, 2}, {1, 2, 3, -1, 0, 0});
  t.AddOutput<int64_t>("Y", {3}, {3, 1, 1});
  t.AddOutput<float>("Z", {3, 3},
                     {0.0147534745f, 0.179734114f, 0.805512412f, 0.952462158f, 0.0474202986f, 0.000117543168f,
                      1.0f / 3, 1.0f / 3, 1.0f / 3});
  t.Run();
}

TEST(MLSVMClassifierTest, EveryInputType) {
  auto check = [](auto tag) {
    using T = typename decltype(tag)::type;
    OpTester t("SVMClassifier", 1, kML);
    AddLiblinear(t);
    t.AddInput<T>("X", {2, 2}, {T(1), T(2), T(3), T(-1)});
    t.AddOutput<int64_t>("Y", {2}, {3, 1});
    t.AddOutput<float>("Z", {2, 3}, {-0.75f, 1.75f, 3.25f, 4.25f, 1.25f, -4.75f});
    t.Run();
  };
  check(TypeTag<float>{});
  check(TypeTag<double>{});
  check(TypeTag<int32_t>{});
  check(TypeTag<int64_t>{});
}

TEST(MLSVMClassifierTest, OneDimensionalAndEmpty) {
  {
    OpTester t("SVMClassifier", 1, kML);
    AddBinarySvc(t);
    t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1});
    t.AddInput<float>("X", {2}, {1, 0});
    t.AddOutput<int64_t>("Y", {1}, {0});
    t.AddOutput<float>("Z", {1, 2}, {-0.65f, 0.65f});
    t.Run();
  }
  {
    OpTester t("SVMClassifier", 1, kML);
    AddThreeClassSvc(t, "RBF");
    t.AddAttribute("classlabels_ints", std::vector<int64_t>{10, 11, 12});
    t.AddInput<float>("X", {0, 2}, {});
    t.AddOutput<int64_t>("Y", {0}, {});
    t.AddOutput<float>("Z", {0, 3}, {});
    t.Run();
  }
}

TEST(MLSVMClassifierTest, FeatureCountMustMatchSupportVectors) {
  OpTester t("SVMClassifier", 1, kML);
  AddThreeClassSvc(t, "RBF");
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{10, 11, 12});
  t.AddInput<float>("X", {1, 3}, {1, 2, 3});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("X has 3 features per row but the model has 2");
}

TEST(MLSVMClassifierTest, RhoMustHaveOneValuePerPair) {
  OpTester t("SVMClassifier", 1, kML);
  t.AddAttribute("kernel_type", "RBF");
  t.AddAttribute("vectors_per_class", std::vector<int64_t>{1, 1, 1});
  t.AddAttribute("support_vectors", std::vector<float>{1, 2, 3});
  t.AddAttribute("coefficients", std::vector<float>{1, 1, 1, 1, 1, 1});
  t.AddAttribute("rho", std::vector<float>{0.1f});
  t.AddAttribute("classlabels_ints", std::vector<int64_t>{0, 1, 2});
  t.AddInput<float>("X", {1, 1}, {1});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("rho has 1 entries for 3 class pairs");
}

TEST(MLSVMClassifierTest, UnknownKernel) {
  OpTester t("SVMClassifier", 1, kML);
  AddLiblinear(t);
  t.AddAttribute("kernel_type", "CUBIC");
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("unknown kernel_type 'CUBIC'");
}

// ---- SVMRegressor -------------------------------------------------------------------------

void RunRegressor(const char* kernel, std::vector<float> expected) {
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("kernel_type", kernel);
  t.AddAttribute("kernel_params", std::vector<float>{0.5f, 0.25f, 3});
  t.AddAttribute("n_supports", int64_t{3});
  t.AddAttribute("support_vectors", std::vector<float>{1, 1, 0, 1, 2, -1});
  t.AddAttribute("coefficients", std::vector<float>{0.5f, -1.5f, 0.75f});
  t.AddAttribute("rho", std::vector<float>{0.2f});
  t.AddInput<float>("X", {3, 2}, {1, 2, 0, 0, -1, 1});
  t.AddOutput<float>("Y", {3, 1}, expected);
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

TEST(MLSVMRegressorTest, Kernels) {
  RunRegressor("RBF", {-0.0435003687f, -0.464292517f, -0.641000766f});
  RunRegressor("POLY", {-0.038281247f, 0.196093753f, -1.88984375f});
  RunRegressor("SIGMOID", {-0.418048691f, 0.138770337f, -1.26647682f});
  RunRegressor("LINEAR", {-1.3f, 0.200000003f, -3.55f});
}

TEST(MLSVMRegressorTest, LinearFormWithoutSupportVectors) {
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{0.5f, -2});
  t.AddAttribute("rho", std::vector<float>{0.3f});
  t.AddInput<float>("X", {3, 2}, {1, 2, 0, 0, -1, 1});
  t.AddOutput<float>("Y", {3, 1}, {-3.2f, 0.3f, -2.2f});
  t.Run();
}

TEST(MLSVMRegressorTest, OneClassGivesSigns) {
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("kernel_type", "RBF");
  t.AddAttribute("kernel_params", std::vector<float>{0.5f, 0, 0});
  t.AddAttribute("n_supports", int64_t{3});
  t.AddAttribute("support_vectors", std::vector<float>{1, 1, 0, 1, 2, -1});
  t.AddAttribute("coefficients", std::vector<float>{0.5f, -1.5f, 0.75f});
  t.AddAttribute("rho", std::vector<float>{0.2f});
  t.AddAttribute("one_class", int64_t{1});
  // Decision values -0.0435, -0.4643, -0.6410 (see Kernels) and, for (2, -1), above zero.
  t.AddInput<float>("X", {4, 2}, {1, 2, 0, 0, -1, 1, 2, -1});
  t.AddOutput<float>("Y", {4, 1}, {-1, -1, -1, 1});
  t.Run();
}

TEST(MLSVMRegressorTest, PostTransformLogistic) {
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{1, 1});
  t.AddAttribute("rho", std::vector<float>{0});
  t.AddAttribute("post_transform", "LOGISTIC");
  t.AddInput<float>("X", {2, 2}, {0, 0, 1, 1});
  t.AddOutput<float>("Y", {2, 1}, {0.5f, 0.880797078f});
  t.Run();
}

TEST(MLSVMRegressorTest, EveryInputTypeAndEmpty) {
  auto check = [](auto tag) {
    using T = typename decltype(tag)::type;
    OpTester t("SVMRegressor", 1, kML);
    t.AddAttribute("coefficients", std::vector<float>{2, -1});
    t.AddAttribute("rho", std::vector<float>{1});
    t.AddInput<T>("X", {2, 2}, {T(3), T(1), T(0), T(4)});
    t.AddOutput<float>("Y", {2, 1}, {6, -3});
    t.Run();
  };
  check(TypeTag<float>{});
  check(TypeTag<double>{});
  check(TypeTag<int32_t>{});
  check(TypeTag<int64_t>{});
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{2, -1});
  t.AddAttribute("rho", std::vector<float>{1});
  t.AddInput<float>("X", {0, 2}, {});
  t.AddOutput<float>("Y", {0, 1}, {});
  t.Run();
}

TEST(MLSVMRegressorTest, CoefficientsMustMatchSupports) {
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("n_supports", int64_t{2});
  t.AddAttribute("support_vectors", std::vector<float>{1, 2, 3, 4});
  t.AddAttribute("coefficients", std::vector<float>{1, 2, 3});
  t.AddAttribute("rho", std::vector<float>{0});
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("coefficients has 3 entries for 2 support vectors");
}

TEST(MLSVMRegressorTest, FeatureCountMustMatch) {
  OpTester t("SVMRegressor", 1, kML);
  t.AddAttribute("coefficients", std::vector<float>{1, 2, 3});
  t.AddInput<float>("X", {1, 2}, {1, 2});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("X has 2 features per row but the model has 3");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
