// com.microsoft FusedMatMul against Transpose + MatMul + Mul.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

// alpha * op(A) x op(B) with ONNX ops; op swaps the last two axes (rank >= 2).
Tensor Reference(const Tensor& a, const Tensor& b, float alpha, bool ta, bool tb) {
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, a.Shape().GetDims());
  mb.Input("B", DataType::kFloat, b.Shape().GetDims());
  auto swap_last = [&](const std::string& in, const std::string& out, size_t rank) {
    std::vector<int64_t> perm(rank);
    for (size_t i = 0; i < rank; ++i) perm[i] = static_cast<int64_t>(i);
    std::swap(perm[rank - 1], perm[rank - 2]);
    SetAttr(mb.Node("Transpose", {in}, {out}), "perm", perm);
  };
  std::string av = "A", bv = "B";
  if (ta && a.Shape().NumDimensions() >= 2) swap_last("A", av = "At", a.Shape().NumDimensions());
  if (tb && b.Shape().NumDimensions() >= 2) swap_last("B", bv = "Bt", b.Shape().NumDimensions());
  mb.Node("MatMul", {av, bv}, {"m"});
  mb.Scalar("alpha", alpha);
  mb.Node("Mul", {"m", "alpha"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  return RunModel(mb.Build(), 0, {{"A", OrtValue(a)}, {"B", OrtValue(b)}})[0].Get();
}

void Check(const std::vector<int64_t>& ad, const std::vector<int64_t>& bd, float alpha, bool ta, bool tb) {
  Tensor a = RandomValue(ad, 1).Get(), b = RandomValue(bd, 2).Get();
  OpTester t("FusedMatMul", 1, "com.microsoft");
  t.AddAttribute("alpha", alpha);
  t.AddAttribute("transA", int64_t{ta});
  t.AddAttribute("transB", int64_t{tb});
  t.AddInputTensor("A", a);
  t.AddInputTensor("B", b);
  t.AddOutputTensor("Y", Reference(a, b, alpha, ta, tb));
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

TEST(ContribFusedMatMulTest, TransposeFlagsAndAlpha) {
  Check({4, 3}, {3, 5}, 0.5f, false, false);
  Check({3, 4}, {3, 5}, 2.f, true, false);
  Check({4, 3}, {5, 3}, -1.f, false, true);
  Check({3, 4}, {5, 3}, 0.125f, true, true);
}

TEST(ContribFusedMatMulTest, BatchesBroadcast) {
  Check({2, 1, 4, 3}, {3, 3, 5}, 1.5f, false, false);
  Check({2, 3, 3, 4}, {3, 5}, 1.f, true, false);
  Check({4, 3}, {2, 5, 3}, 0.25f, false, true);
  Check({2, 3, 7, 9}, {2, 3, 11, 9}, 0.3f, false, true);
}

TEST(ContribFusedMatMulTest, VectorOperands) {
  Check({3}, {3, 5}, 2.f, false, false);
  Check({4, 3}, {3}, 2.f, false, false);
  Check({3}, {5, 3}, 3.f, true, true);  // a vector's flag has no effect
}

TEST(ContribFusedMatMulTest, DoubleAndHalf) {
  Tensor a = RandomValue({2, 3, 4}, 1).Get(), b = RandomValue({2, 5, 4}, 2).Get();
  Tensor ref = Reference(a, b, 0.5f, false, true);
  auto convert = [](const Tensor& f, auto tag) {
    using T = typename decltype(tag)::type;
    Tensor t(DataTypeFor<T>(), f.Shape(), GetCpuAllocator());
    for (int64_t i = 0; i < f.NumElements(); ++i) t.MutableData<T>()[i] = FromCompute<T>(f.Data<float>()[i]);
    return t;
  };
  {
    OpTester t("FusedMatMul", 1, "com.microsoft");
    t.AddAttribute("alpha", 0.5f);
    t.AddAttribute("transB", int64_t{1});
    t.AddInputTensor("A", convert(a, TypeTag<double>{}));
    t.AddInputTensor("B", convert(b, TypeTag<double>{}));
    t.AddOutputTensor("Y", convert(ref, TypeTag<double>{}));
    t.SetTolerance(1e-5, 1e-6);
    t.Run();
  }
  {
    OpTester t("FusedMatMul", 1, "com.microsoft");
    t.AddAttribute("alpha", 0.5f);
    t.AddAttribute("transB", int64_t{1});
    t.AddInputTensor("A", convert(a, TypeTag<MLFloat16>{}));
    t.AddInputTensor("B", convert(b, TypeTag<MLFloat16>{}));
    t.AddOutputTensor("Y", convert(ref, TypeTag<MLFloat16>{}));
    t.SetTolerance(1e-2, 1e-2);
    t.Run();
  }
}

TEST(ContribFusedMatMulTest, EmptyBatch) {
  OpTester t("FusedMatMul", 1, "com.microsoft");
  t.AddAttribute("transA", int64_t{1});
  t.AddInput<float>("A", {0, 3, 4}, {});
  t.AddInput<float>("B", {3, 2}, {1, 2, 3, 4, 5, 6});
  t.AddOutput<float>("Y", {0, 4, 2}, {});
  t.Run();
}

TEST(ContribFusedMatMulTest, InnerDimensionMismatchFails) {
  OpTester t("FusedMatMul", 1, "com.microsoft");
  t.AddAttribute("transA", int64_t{1});
  t.AddInput<float>("A", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<float>("B", {3, 2}, {1, 2, 3, 4, 5, 6});
  t.AddOutput<float>("Y", {3, 2}, {0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("inner dimensions differ");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
