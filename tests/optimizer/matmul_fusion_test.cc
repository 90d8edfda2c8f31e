// MatMulAddFusion (-> Gemm), MatMulScaleFusion and MatMulTransposeFusion (-> FusedMatMul).
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

TEST(MatMulAddFusionTest, TwoDimensionalMatMulWithRowBiasBecomesGemm) {
  for (auto bias_dims : std::vector<std::vector<int64_t>>{{5}, {1, 5}, {4, 5}, {4, 1}}) {
    ModelBuilder mb;
    mb.Input("A", DataType::kFloat, {4, 3});
    mb.Initializer<float>("B", {3, 5}, RandomFloats(15, 1));
    int64_t n = 1;
    for (int64_t d : bias_dims) n *= d;
    mb.Initializer<float>("C", bias_dims, RandomFloats(static_cast<size_t>(n), 2));
    mb.Node("MatMul", {"A", "B"}, {"m"});
    mb.Node("Add", {"C", "m"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"Gemm"});
    ExpectSameOutputs(model, {{"A", RandomValue({4, 3}, 3)}}, 1e-5, 1e-6, 2);
  }
}

TEST(MatMulAddFusionTest, NotForThreeDimensionalAOrGrowingBias) {
  {
    ModelBuilder mb;
    mb.Input("A", DataType::kFloat, {2, 4, 3});
    mb.Initializer<float>("B", {3, 5}, RandomFloats(15, 1));
    mb.Initializer<float>("C", {5}, RandomFloats(5, 2));
    mb.Node("MatMul", {"A", "B"}, {"m"});
    mb.Node("Add", {"m", "C"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    EXPECT_EQ(OpTypesAfterInit(mb.Build(), 2), (std::vector<std::string>{"MatMul", "Add"}));
  }
  {
    ModelBuilder mb;
    mb.Input("A", DataType::kFloat, {4, 3});
    mb.Initializer<float>("B", {3, 5}, RandomFloats(15, 1));
    mb.Initializer<float>("C", {2, 4, 5}, RandomFloats(40, 2));
    mb.Node("MatMul", {"A", "B"}, {"m"});
    mb.Node("Add", {"m", "C"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypesAfterInit(model, 2), (std::vector<std::string>{"MatMul", "Add"}));
    ExpectSameOutputs(model, {{"A", RandomValue({4, 3}, 3)}}, 1e-5, 1e-6, 2);
  }
}

TEST(MatMulScaleFusionTest, ScalesOnInputsAndOutputFoldIntoAlpha) {
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, {2, 4, 3});
  mb.Input("B", DataType::kFloat, {2, 3, 5});
  mb.Scalar("s1", 0.5f);
  mb.Scalar("s2", 4.f);
  mb.Scalar("s3", 3.f);
  mb.Node("Mul", {"s1", "A"}, {"a"});
  mb.Node("Div", {"B", "s2"}, {"b"});
  mb.Node("MatMul", {"a", "b"}, {"m"});
  mb.Node("Mul", {"m", "s3"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  auto s = MakeSession(model, 2);
  EXPECT_EQ(OpTypes(*s), std::vector<std::string>{"com.microsoft.FusedMatMul"});
  const Node* fused = s->GetGraph().GetNode(s->GetGraph().TopologicalOrder()[0]);
  EXPECT_FLOAT_EQ(fused->GetAttribute("alpha")->f(), 0.5f / 4.f * 3.f);
  ExpectSameOutputs(model, {{"A", RandomValue({2, 4, 3}, 3)}, {"B", RandomValue({2, 3, 5}, 4)}}, 1e-5, 1e-6, 2);
}

TEST(MatMulScaleFusionTest, NotForNonScalarOrSharedScale) {
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, {4, 3});
  mb.Input("B", DataType::kFloat, {3, 5});
  mb.Initializer<float>("v", {3}, {1.f, 2.f, 3.f});
  mb.Scalar("s", 2.f);
  mb.Node("Mul", {"A", "v"}, {"a"});
  mb.Node("Mul", {"B", "s"}, {"b"});
  mb.Node("MatMul", {"a", "b"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("b", DataType::kFloat);
  auto ops = OpTypesAfterInit(mb.Build(), 2);
  EXPECT_EQ(CountOp(ops, "Mul"), 2);
  EXPECT_EQ(CountOp(ops, "MatMul"), 1);
}

TEST(MatMulTransposeFusionTest, LastTwoAxesSwapBecomesTransFlags) {
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, {2, 3, 4});
  mb.Input("B", DataType::kFloat, {2, 5, 3});
  auto& ta = mb.Node("Transpose", {"A"}, {"at"});
  SetAttr(ta, "perm", std::vector<int64_t>{0, 2, 1});
  auto& tb = mb.Node("Transpose", {"B"}, {"bt"});
  SetAttr(tb, "perm", std::vector<int64_t>{0, 2, 1});
  mb.Node("MatMul", {"at", "bt"}, {"m"});
  mb.Scalar("s", 0.125f);
  mb.Node("Mul", {"m", "s"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  auto s = MakeSession(model, 2);
  EXPECT_EQ(OpTypes(*s), std::vector<std::string>{"com.microsoft.FusedMatMul"});
  const Node* fused = s->GetGraph().GetNode(s->GetGraph().TopologicalOrder()[0]);
  EXPECT_EQ(fused->GetAttribute("transA")->i(), 1);
  EXPECT_EQ(fused->GetAttribute("transB")->i(), 1);
  EXPECT_FLOAT_EQ(fused->GetAttribute("alpha")->f(), 0.125f);
  ExpectSameOutputs(model, {{"A", RandomValue({2, 3, 4}, 3)}, {"B", RandomValue({2, 5, 3}, 4)}}, 1e-5, 1e-6, 2);
}

TEST(MatMulTransposeFusionTest, OtherPermutationsKept) {
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, {3, 2, 4});
  mb.Input("B", DataType::kFloat, {2, 4, 5});
  auto& ta = mb.Node("Transpose", {"A"}, {"at"});
  SetAttr(ta, "perm", std::vector<int64_t>{1, 0, 2});
  mb.Node("MatMul", {"at", "B"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(OpTypesAfterInit(mb.Build(), 2), (std::vector<std::string>{"Transpose", "MatMul"}));
}

}  // namespace
}  // namespace test
}  // namespace ortlite
