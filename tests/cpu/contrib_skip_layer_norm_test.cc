// com.microsoft SkipLayerNormalization against Add + Add + LayerNormalization.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

// Outputs of LayerNormalization(input + skip (+ bias)): Y, Mean, InvStdDev, and the sum.
std::vector<OrtValue> Reference(const Tensor& in, const Tensor& skip, const Tensor& gamma, const Tensor* beta,
                                const Tensor* bias, float epsilon) {
  ModelBuilder mb;
  mb.Input("in", DataType::kFloat, in.Shape().GetDims());
  mb.Input("skip", DataType::kFloat, skip.Shape().GetDims());
  mb.Initializer("gamma", gamma);
  mb.Node("Add", {"in", "skip"}, {"s0"});
  std::string sum = "s0";
  if (bias) {
    mb.Initializer("bias", *bias);
    mb.Node("Add", {"s0", "bias"}, {"s1"});
    sum = "s1";
  }
  mb.Node("Identity", {sum}, {"S"});
  std::vector<std::string> ln_in = {sum, "gamma"};
  if (beta) {
    mb.Initializer("beta", *beta);
    ln_in.push_back("beta");
  }
  auto& ln = mb.Node("LayerNormalization", ln_in, {"Y", "Mean", "InvStd"});
  SetAttr(ln, "epsilon", epsilon);
  for (const char* o : {"Y", "Mean", "InvStd", "S"}) mb.Output(o, DataType::kFloat);
  return RunModel(mb.Build(), 0, {{"in", OrtValue(in)}, {"skip", OrtValue(skip)}});
}

void Check(const std::vector<int64_t>& input_dims, const std::vector<int64_t>& skip_dims, bool with_beta = true,
           bool with_bias = true) {
  const int64_t h = input_dims.back();
  Tensor in = RandomValue(input_dims, 1, -2.f, 2.f).Get();
  Tensor skip = RandomValue(skip_dims, 2, -2.f, 2.f).Get();
  Tensor gamma = RandomValue({h}, 3, 0.5f, 1.5f).Get();
  Tensor beta = RandomValue({h}, 4).Get();
  Tensor bias = RandomValue({h}, 5).Get();
  auto ref = Reference(in, skip, gamma, with_beta ? &beta : nullptr, with_bias ? &bias : nullptr, 1e-5f);
  OpTester t("SkipLayerNormalization", 1, "com.microsoft");
  t.AddAttribute("epsilon", 1e-5f);
  t.AddInputTensor("input", in);
  t.AddInputTensor("skip", skip);
  t.AddInputTensor("gamma", gamma);
  if (with_beta) {
    t.AddInputTensor("beta", beta);
  } else if (with_bias) {
    t.AddMissingInput();
  }
  if (with_bias) t.AddInputTensor("bias", bias);
  t.AddOutputTensor("output", ref[0].Get());
  t.AddOutputTensor("mean", ref[1].Get());
  t.AddOutputTensor("inv_std_var", ref[2].Get());
  t.AddOutputTensor("input_skip_bias_sum", ref[3].Get());
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(ContribSkipLayerNormTest, MatchesAddAndLayerNorm) {
  Check({2, 3, 16}, {2, 3, 16});
  Check({2, 3, 16}, {2, 3, 16}, false, false);
  Check({2, 3, 16}, {2, 3, 16}, false, true);
  Check({1, 5, 384}, {1, 5, 384}, true, false);
  Check({4, 7}, {4, 7});
}

TEST(ContribSkipLayerNormTest, SkipBroadcastOverBatch) {
  Check({3, 4, 8}, {4, 8});
  Check({3, 4, 8}, {1, 4, 8});
}

TEST(ContribSkipLayerNormTest, OnlyTheFirstOutput) {
  OpTester t("SkipLayerNormalization", 1, "com.microsoft");
  t.AddAttribute("epsilon", 1e-12f);
  t.AddInput<float>("input", {1, 1, 2}, {1.f, 3.f});
  t.AddInput<float>("skip", {1, 1, 2}, {1.f, -1.f});
  t.AddInput<float>("gamma", {2}, {1.f, 2.f});
  t.AddOutput<float>("output", {1, 1, 2}, {0.f, 0.f});  // equal values normalise to 0
  t.Run();
}

TEST(ContribSkipLayerNormTest, Float16) {
  Tensor in = RandomValue({2, 8}, 1).Get(), skip = RandomValue({2, 8}, 2).Get(), gamma = RandomValue({8}, 3).Get();
  auto ref = Reference(in, skip, gamma, nullptr, nullptr, 1e-5f);
  auto half = [](const Tensor& f) {
    Tensor t(DataType::kFloat16, f.Shape(), GetCpuAllocator());
    for (int64_t i = 0; i < f.NumElements(); ++i) t.MutableData<MLFloat16>()[i] = MLFloat16(f.Data<float>()[i]);
    return t;
  };
  OpTester t("SkipLayerNormalization", 1, "com.microsoft");
  t.AddAttribute("epsilon", 1e-5f);
  t.AddInputTensor("input", half(in));
  t.AddInputTensor("skip", half(skip));
  t.AddInputTensor("gamma", half(gamma));
  t.AddOutputTensor("output", half(ref[0].Get()));
  t.SetTolerance(2e-2, 2e-2);
  t.Run();
}

TEST(ContribSkipLayerNormTest, BadShapesFail) {
  {
    OpTester t("SkipLayerNormalization", 1, "com.microsoft");
    t.AddInput<float>("input", {2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("skip", {2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("gamma", {3}, {1, 1, 1});
    t.AddOutput<float>("output", {2, 2}, {0, 0, 0, 0});
    t.RunExpectFailure("gamma must have shape");
  }
  {
    OpTester t("SkipLayerNormalization", 1, "com.microsoft");
    t.AddInput<float>("input", {2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("skip", {2, 1}, {1, 2});
    t.AddInput<float>("gamma", {2}, {1, 1});
    t.AddOutput<float>("output", {2, 2}, {0, 0, 0, 0});
    t.RunExpectFailure("skip shape");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
