// Adagrad, Adam and Momentum of the ai.onnx.preview.training domain. Expected values come from
// the numpy reference implementations of the ONNX backend tests.
#include "core/framework/kernel_registry.h"
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const std::vector<int64_t> kShape = {3};
const std::vector<double> kX = {1.2, -2.8, 0.5};
const std::vector<double> kG = {-0.94, 2.5, 0.1};
const std::vector<double> kH = {0.1, 0.4, 1.0};
const std::vector<double> kV = {1.7, 3.6, -0.2};

std::vector<float> F(const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); }

void AddStep(OpTester& t, float rate, int64_t step) {
  t.AddInput<float>("R", {}, {rate});
  t.AddInput<int64_t>("T", {}, {step});
}

TEST(TrainingOptimizerTest, AdagradTwoTensorsFloat) {
  OpTester t("Adagrad", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("epsilon", 1e-5f);
  t.AddAttribute("decay_factor", 0.2f);
  AddStep(t, 0.1f, 3);
  t.AddInput<float>("X1", kShape, F(kX));
  t.AddInput<float>("X2", {1, 2}, {1.0f, 2.0f});
  t.AddInput<float>("G1", kShape, F(kG));
  t.AddInput<float>("G2", {1, 2}, {0.5f, -0.5f});
  t.AddInput<float>("H1", kShape, F(kH));
  t.AddInput<float>("H2", {1, 2}, {1.0f, 2.0f});
  t.AddOutput<float>("X1_new", kShape, {1.25915893f, -2.86054944f, 0.493473444f});
  t.AddOutput<float>("X2_new", {1, 2}, {0.971604873f, 2.02008755f});
  t.AddOutput<float>("H1_new", kShape, {0.961184f, 6.510784f, 1.011025f});
  t.AddOutput<float>("H2_new", {1, 2}, {1.2601f, 2.2304f});
  t.Run();
}

TEST(TrainingOptimizerTest, AdamDoubleWithPostNorm) {
  OpTester t("Adam", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("norm_coefficient_post", 0.05f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.99f);
  t.AddAttribute("epsilon", 1e-6f);
  t.AddInput<double>("R", {}, {0.1});
  t.AddInput<int64_t>("T", {}, {3});
  t.AddInput<double>("X", kShape, kX);
  t.AddInput<double>("G", kShape, kG);
  t.AddInput<double>("V", kShape, kV);
  t.AddInput<double>("H", kShape, kH);
  t.AddOutput<double>("X_new", kShape, {0.875317208, -2.97160666, 0.485291231});
  t.AddOutput<double>("V_new", kShape, {1.4372, 3.4872, -0.1695});
  t.AddOutput<double>("H_new", kShape, {0.10761184, 0.45710784, 0.99011025});
  t.SetTolerance(1e-5, 1e-6);
  t.Run();
}

TEST(TrainingOptimizerTest, AdamFirstStepSkipsBiasCorrection) {
  OpTester t("Adam", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.99f);
  AddStep(t, 0.1f, 0);
  t.AddInput<float>("X", kShape, F(kX));
  t.AddInput<float>("G", kShape, F(kG));
  t.AddInput<float>("V", kShape, F(kV));
  t.AddInput<float>("H", kShape, F(kH));
  t.AddOutput<float>("X_new", kShape, {0.761887287f, -3.31578283f, 0.517034425f});
  t.AddOutput<float>("V_new", kShape, {1.4372f, 3.4872f, -0.1695f});
  t.AddOutput<float>("H_new", kShape, {0.10761184f, 0.45710784f, 0.99011025f});
  t.Run();
}

TEST(TrainingOptimizerTest, MomentumStandard) {
  OpTester t("Momentum", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.5f);
  t.AddAttribute("mode", "standard");
  AddStep(t, 0.1f, 3);
  t.AddInput<float>("X", kShape, F(kX));
  t.AddInput<float>("G", kShape, F(kG));
  t.AddInput<float>("V", kShape, F(kV));
  t.AddOutput<float>("X_new", kShape, {1.0934f, -3.2476f, 0.51275f});
  t.AddOutput<float>("V_new", kShape, {1.066f, 4.476f, -0.1275f});
  t.Run();
}

TEST(TrainingOptimizerTest, MomentumFirstStepUsesWholeGradient) {
  OpTester t("Momentum", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.5f);
  t.AddAttribute("mode", "standard");
  AddStep(t, 0.1f, 0);
  t.AddInput<float>("X", kShape, F(kX));
  t.AddInput<float>("G", kShape, F(kG));
  t.AddInput<float>("V", kShape, F(kV));
  t.AddOutput<float>("X_new", kShape, {1.1398f, -3.3712f, 0.5075f});
  t.AddOutput<float>("V_new", kShape, {0.602f, 5.712f, -0.075f});
  t.Run();
}

TEST(TrainingOptimizerTest, MomentumNesterov) {
  OpTester t("Momentum", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.5f);
  t.AddAttribute("mode", "nesterov");
  AddStep(t, 0.1f, 3);
  t.AddInput<float>("X", kShape, F(kX));
  t.AddInput<float>("G", kShape, F(kG));
  t.AddInput<float>("V", kShape, F(kV));
  t.AddOutput<float>("X_new", kShape, {1.19686f, -3.45004f, 0.500975f});
  t.AddOutput<float>("V_new", kShape, {1.066f, 4.476f, -0.1275f});
  t.Run();
}

TEST(TrainingOptimizerTest, EmptyTensor) {
  OpTester t("Momentum", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.5f);
  t.AddAttribute("mode", "standard");
  AddStep(t, 0.1f, 1);
  t.AddInput<float>("X", {0, 4}, {});
  t.AddInput<float>("G", {0, 4}, {});
  t.AddInput<float>("V", {0, 4}, {});
  t.AddOutput<float>("X_new", {0, 4}, {});
  t.AddOutput<float>("V_new", {0, 4}, {});
  t.Run();
}

TEST(TrainingOptimizerTest, MismatchedGradientShapeFails) {
  OpTester t("Adagrad", 1, kPreviewTrainingDomain);
  AddStep(t, 0.1f, 0);
  t.AddInput<float>("X", kShape, F(kX));
  t.AddInput<float>("G", {2}, {1.0f, 2.0f});
  t.AddInput<float>("H", kShape, F(kH));
  t.AddOutput<float>("X_new", kShape, {0, 0, 0});
  t.AddOutput<float>("H_new", kShape, {0, 0, 0});
  t.RunExpectFailure("differs from X shape");
}

TEST(TrainingOptimizerTest, BadModeFails) {
  OpTester t("Momentum", 1, kPreviewTrainingDomain);
  t.AddAttribute("norm_coefficient", 0.01f);
  t.AddAttribute("alpha", 0.9f);
  t.AddAttribute("beta", 0.5f);
  t.AddAttribute("mode", "heavy_ball");
  AddStep(t, 0.1f, 0);
  t.AddInput<float>("X", kShape, F(kX));
  t.AddInput<float>("G", kShape, F(kG));
  t.AddInput<float>("V", kShape, F(kV));
  t.AddOutput<float>("X_new", kShape, {0, 0, 0});
  t.AddOutput<float>("V_new", kShape, {0, 0, 0});
  t.RunExpectFailure("mode");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
