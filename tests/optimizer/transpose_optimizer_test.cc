// TransposeOptimizer: merging and cancelling Transposes, pushing them through elementwise ops,
// and turning order-preserving Transposes into Reshapes.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

onnx::NodeProto& Transpose(ModelBuilder& mb, const std::string& in, const std::string& out,
                           const std::vector<int64_t>& perm) {
  auto& t = mb.Node("Transpose", {in}, {out});
  SetAttr(t, "perm", perm);
  return t;
}

TEST(TransposeOptimizerTest, InversePairCancels) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  Transpose(mb, "X", "a", {0, 2, 1});
  Transpose(mb, "a", "b", {0, 2, 1});
  mb.Node("Relu", {"b"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Relu"});
  ExpectSameOutputs(model, {{"X", RandomValue({2, 3, 4}, 1)}}, 0, 0, 1);
}

TEST(TransposeOptimizerTest, PairComposes) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  Transpose(mb, "X", "a", {1, 0, 2});
  Transpose(mb, "a", "Y", {0, 2, 1});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Transpose"});
  ExpectSameOutputs(model, {{"X", RandomValue({2, 3, 4}, 1)}}, 0, 0, 1);
}

TEST(TransposeOptimizerTest, PushedThroughUnaryOpsToCancel) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  Transpose(mb, "X", "a", {2, 0, 1});
  mb.Node("Relu", {"a"}, {"b"});
  auto& lr = mb.Node("LeakyRelu", {"b"}, {"c"});
  SetAttr(lr, "alpha", 0.2f);
  Transpose(mb, "c", "Y", {1, 2, 0});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Relu", "LeakyRelu"}));
  ExpectSameOutputs(model, {{"X", RandomValue({2, 3, 4}, 1)}}, 0, 0, 1);
}

TEST(TransposeOptimizerTest, BinaryOpWithConstantTransposesTheConstant) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  mb.Initializer<float>("d", {3}, {0.5f, -1.f, 2.f});
  Transpose(mb, "X", "a", {0, 2, 1});  // (2, 4, 3)
  mb.Node("Mul", {"a", "d"}, {"b"});
  mb.Node("Sigmoid", {"b"}, {"c2"});
  Transpose(mb, "c2", "Y", {0, 2, 1});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Mul", "Sigmoid"}));
  ExpectSameOutputs(model, {{"X", RandomValue({2, 3, 4}, 1)}}, 0, 0, 1);
}

TEST(TransposeOptimizerTest, TwoTransposedOperandsBecomeOneTranspose) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  mb.Input("Z", DataType::kFloat, {2, 3, 4});
  Transpose(mb, "X", "a", {2, 0, 1});
  Transpose(mb, "Z", "b", {2, 0, 1});
  mb.Node("Add", {"a", "b"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Add", "Transpose"}));
  ExpectSameOutputs(model, {{"X", RandomValue({2, 3, 4}, 1)}, {"Z", RandomValue({2, 3, 4}, 2)}}, 0, 0, 1);
}

TEST(TransposeOptimizerTest, NotPushedWithoutATransposeToMeet) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  Transpose(mb, "X", "a", {2, 0, 1});
  mb.Node("Relu", {"a"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(OpTypesAfterInit(mb.Build(), 1), (std::vector<std::string>{"Transpose", "Relu"}));
}

TEST(TransposeOptimizerTest, NotPushedThroughBroadcastThatGrowsTheResult) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {1, 1, 4});
  mb.Initializer<float>("c", {5, 1, 1}, {1.f, 2.f, 3.f, 4.f, 5.f});
  Transpose(mb, "X", "a", {0, 2, 1});
  mb.Node("Add", {"a", "c"}, {"b"});
  Transpose(mb, "b", "Y", {0, 2, 1});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(CountOp(OpTypesAfterInit(model, 1), "Add"), 1);
  ExpectSameOutputs(model, {{"X", RandomValue({1, 1, 4}, 1)}}, 0, 0, 1);
}

TEST(TransposeOptimizerTest, OrderPreservingTransposeBecomesReshape) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {1, 6, 5});
  Transpose(mb, "X", "a", {1, 0, 2});
  mb.Node("Relu", {"a"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Reshape", "Relu"}));
  ExpectSameOutputs(model, {{"X", RandomValue({1, 6, 5}, 1)}}, 0, 0, 1);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
