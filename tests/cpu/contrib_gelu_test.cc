// com.microsoft BiasGelu and FastGelu against their defining ONNX subgraphs.
#include <cmath>

#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

// Gelu(X + bias) with ONNX ops (erf form), or the tanh form when `tanh_form`; run unoptimised.
Tensor GeluReference(const Tensor& x, const Tensor* bias, bool tanh_form) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, x.Shape().GetDims());
  std::string v = "X";
  if (bias) {
    mb.Initializer("bias", *bias);
    mb.Node("Add", {"X", "bias"}, {"x"});
    v = "x";
  }
  mb.Scalar("half", 0.5f);
  mb.Scalar("one", 1.f);
  if (tanh_form) {
    mb.Scalar("kappa", 0.044715f);
    mb.Scalar("beta", 0.7978845608028654f);
    mb.Scalar("three", 3.f);
    mb.Node("Pow", {v, "three"}, {"cube"});
    mb.Node("Mul", {"cube", "kappa"}, {"kc"});
    mb.Node("Add", {v, "kc"}, {"inner"});
    mb.Node("Mul", {"inner", "beta"}, {"arg"});
    mb.Node("Tanh", {"arg"}, {"f"});
  } else {
    mb.Scalar("sqrt2", 1.4142135623730951f);
    mb.Node("Div", {v, "sqrt2"}, {"s"});
    mb.Node("Erf", {"s"}, {"f"});
  }
  mb.Node("Add", {"f", "one"}, {"h"});
  mb.Node("Mul", {v, "h"}, {"xh"});
  mb.Node("Mul", {"xh", "half"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  return RunModel(mb.Build(), 0, {{"X", OrtValue(x)}})[0].Get();
}

Tensor Floats(const std::vector<int64_t>& dims, uint32_t seed) {
  return RandomValue(dims, seed, -4.f, 4.f).Get();
}

template <typename T>
Tensor Convert(const Tensor& f) {
  Tensor t(DataTypeFor<T>(), f.Shape(), GetCpuAllocator());
  for (int64_t i = 0; i < f.NumElements(); ++i) t.MutableData<T>()[i] = FromCompute<T>(f.Data<float>()[i]);
  return t;
}

TEST(ContribBiasGeluTest, FloatMatchesAddThenErfGelu) {
  for (auto dims : std::vector<std::vector<int64_t>>{{2, 3, 8}, {5, 1}, {7}, {3, 37}}) {
    Tensor x = Floats(dims, 1);
    Tensor b = Floats({dims.back()}, 2);
    OpTester t("BiasGelu", 1, "com.microsoft");
    t.AddInputTensor("A", x);
    t.AddInputTensor("B", b);
    t.AddOutputTensor("C", GeluReference(x, &b, false));
    t.SetTolerance(1e-5, 1e-6);
    t.Run();
  }
}

TEST(ContribBiasGeluTest, DoubleAndHalfTypes) {
  Tensor x = Floats({4, 6}, 1);
  Tensor b = Floats({6}, 2);
  Tensor ref = GeluReference(x, &b, false);
  {
    OpTester t("BiasGelu", 1, "com.microsoft");
    t.AddInputTensor("A", Convert<double>(x));
    t.AddInputTensor("B", Convert<double>(b));
    t.AddOutputTensor("C", Convert<double>(ref));
    t.SetTolerance(1e-5, 1e-6);
    t.Run();
  }
  {
    OpTester t("BiasGelu", 1, "com.microsoft");
    t.AddInputTensor("A", Convert<MLFloat16>(x));
    t.AddInputTensor("B", Convert<MLFloat16>(b));
    t.AddOutputTensor("C", Convert<MLFloat16>(ref));
    t.SetTolerance(1e-2, 1e-2);
    t.Run();
  }
}

TEST(ContribBiasGeluTest, EmptyInput) {
  OpTester t("BiasGelu", 1, "com.microsoft");
  t.AddInput<float>("A", {0, 4}, {});
  t.AddInput<float>("B", {4}, {1, 2, 3, 4});
  t.AddOutput<float>("C", {0, 4}, {});
  t.Run();
}

TEST(ContribBiasGeluTest, BiasNotOverLastDimFails) {
  OpTester t("BiasGelu", 1, "com.microsoft");
  t.AddInput<float>("A", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<float>("B", {2}, {1, 2});
  t.AddOutput<float>("C", {2, 3}, {0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("bias must be 1-D");
}

TEST(ContribFastGeluTest, MatchesTanhFormWithAndWithoutBias) {
  for (bool with_bias : {false, true}) {
    Tensor x = Floats({3, 5, 16}, 3);
    Tensor b = Floats({16}, 4);
    OpTester t("FastGelu", 1, "com.microsoft");
    t.AddInputTensor("X", x);
    if (with_bias) t.AddInputTensor("bias", b);
    t.AddOutputTensor("Y", GeluReference(x, with_bias ? &b : nullptr, true));
    t.SetTolerance(1e-5, 1e-6);
    t.Run();
  }
}

TEST(ContribFastGeluTest, LargeMagnitudesSaturate) {
  OpTester t("FastGelu", 1, "com.microsoft");
  t.AddInput<float>("X", {4}, {-100.f, -20.f, 20.f, 100.f});
  t.AddOutput<float>("Y", {4}, {0.f, 0.f, 20.f, 100.f});
  t.SetTolerance(1e-6, 1e-5);
  t.Run();
}

TEST(ContribFastGeluTest, BFloat16AndDouble) {
  Tensor x = Floats({2, 9}, 5);
  Tensor ref = GeluReference(x, nullptr, true);
  {
    OpTester t("FastGelu", 1, "com.microsoft");
    t.AddInputTensor("X", Convert<BFloat16>(x));
    t.AddOutputTensor("Y", Convert<BFloat16>(ref));
    t.SetTolerance(2e-2, 2e-2);
    t.Run();
  }
  {
    OpTester t("FastGelu", 1, "com.microsoft");
    t.AddInputTensor("X", Convert<double>(x));
    t.AddOutputTensor("Y", Convert<double>(ref));
    t.SetTolerance(1e-5, 1e-6);
    t.Run();
  }
}

TEST(ContribFastGeluTest, BiasOfOtherTypeFails) {
  OpTester t("FastGelu", 1, "com.microsoft");
  t.AddInput<float>("X", {2}, {1, 2});
  t.AddInput<double>("bias", {2}, {1, 2});
  t.AddOutput<float>("Y", {2}, {0, 0});
  t.RunExpectFailure("element type");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
