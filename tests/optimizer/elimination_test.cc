// The basic clean-up passes: CastElimination, ReshapeElimination, ReshapeChainFusion,
// ArithmeticIdentityElimination, CommonSubexpressionElimination, and the static Shape folding of
// ConstantFolding that the attention pattern relies on.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

Feeds XFeed(const std::vector<int64_t>& dims) { return {{"X", RandomValue(dims, 11)}}; }

TEST(CastEliminationTest, CastToSameTypeRemoved) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  auto& c = mb.Node("Cast", {"X"}, {"c"});
  SetAttr(c, "to", int64_t{1});
  mb.Node("Relu", {"c"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Relu"});
  ExpectSameOutputs(model, XFeed({2, 3}), 0, 0, 1);
}

TEST(CastEliminationTest, ExactWideningRoundTripRemoved) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  auto& c1 = mb.Node("Cast", {"X"}, {"d"});
  SetAttr(c1, "to", int64_t{11});  // double
  auto& c2 = mb.Node("Cast", {"d"}, {"f"});
  SetAttr(c2, "to", int64_t{1});
  mb.Node("Relu", {"f"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Relu"});
  ExpectSameOutputs(model, XFeed({2, 3}), 0, 0, 1);
}

TEST(CastEliminationTest, NarrowingPairKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  auto& c1 = mb.Node("Cast", {"X"}, {"h"});
  SetAttr(c1, "to", int64_t{10});  // float16 loses precision
  auto& c2 = mb.Node("Cast", {"h"}, {"Y"});
  SetAttr(c2, "to", int64_t{1});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(CountOp(OpTypesAfterInit(model, 1), "Cast"), 2);
  ExpectSameOutputs(model, XFeed({2, 3}), 0, 0, 1);
}

TEST(CastEliminationTest, GraphOutputKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  auto& c = mb.Node("Cast", {"X"}, {"Y"});
  SetAttr(c, "to", int64_t{1});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(OpTypesAfterInit(mb.Build(), 1), std::vector<std::string>{"Cast"});
}

TEST(ReshapeEliminationTest, ReshapeToSameShapeRemoved) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  mb.Initializer<int64_t>("s", {3}, {2, 3, 4});
  mb.Node("Reshape", {"X", "s"}, {"r"});
  mb.Node("Relu", {"r"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Relu"});
  ExpectSameOutputs(model, XFeed({2, 3, 4}), 0, 0, 1);
}

TEST(ReshapeEliminationTest, SymbolicDimKeptByZeroAndMinusOne) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {-1, 3, 4});
  mb.Initializer<int64_t>("s", {3}, {0, 3, -1});
  mb.Node("Reshape", {"X", "s"}, {"r"});
  mb.Node("Relu", {"r"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Relu"});
  ExpectSameOutputs(model, XFeed({5, 3, 4}), 0, 0, 1);
}

TEST(ReshapeEliminationTest, RealReshapeKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {-1, 3, 4});
  mb.Initializer<int64_t>("s", {3}, {0, 4, 3});
  mb.Node("Reshape", {"X", "s"}, {"r"});
  mb.Node("Relu", {"r"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(CountOp(OpTypesAfterInit(mb.Build(), 1), "Reshape"), 1);
}

TEST(ReshapeChainFusionTest, ReshapeFlattenUnsqueezeChainBecomesOneReshape) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  mb.Initializer<int64_t>("s", {2}, {6, 4});
  mb.Initializer<int64_t>("axes", {1}, {0});
  mb.Node("Reshape", {"X", "s"}, {"a"});
  mb.Node("Unsqueeze", {"a", "axes"}, {"b"});
  auto& f = mb.Node("Flatten", {"b"}, {"c"});
  SetAttr(f, "axis", int64_t{2});
  mb.Node("Relu", {"c"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Reshape", "Relu"}));
  ExpectSameOutputs(model, XFeed({2, 3, 4}), 0, 0, 1);
}

TEST(ReshapeChainFusionTest, DynamicShapeUsesLastTargetWithoutZeros) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {-1, 3, 4});
  mb.Initializer<int64_t>("s1", {2}, {-1, 4});
  mb.Initializer<int64_t>("s2", {3}, {-1, 2, 2});
  mb.Node("Reshape", {"X", "s1"}, {"a"});
  mb.Node("Reshape", {"a", "s2"}, {"b"});
  mb.Node("Relu", {"b"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Reshape", "Relu"}));
  ExpectSameOutputs(model, XFeed({5, 3, 4}), 0, 0, 1);
}

TEST(ReshapeChainFusionTest, ZeroCopyTargetOnDynamicShapeKeepsChain) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {-1, 3, 4});
  mb.Initializer<int64_t>("s1", {3}, {0, 4, 3});
  mb.Initializer<int64_t>("s2", {3}, {0, 2, 6});
  mb.Node("Reshape", {"X", "s1"}, {"a"});
  mb.Node("Reshape", {"a", "s2"}, {"b"});
  mb.Node("Relu", {"b"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  ExpectSameOutputs(model, XFeed({5, 3, 4}), 0, 0, 1);
}

TEST(ReshapeChainFusionTest, SharedFirstReshapeStays) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  mb.Initializer<int64_t>("s1", {2}, {6, 4});
  mb.Initializer<int64_t>("s2", {1}, {24});
  mb.Node("Reshape", {"X", "s1"}, {"a"});
  mb.Node("Reshape", {"a", "s2"}, {"Y"});
  mb.Node("Relu", {"a"}, {"Z"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("Z", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(CountOp(OpTypesAfterInit(model, 1), "Reshape"), 2);
  ExpectSameOutputs(model, XFeed({2, 3, 4}), 0, 0, 1);
}

TEST(ArithmeticIdentityEliminationTest, MulAndDivByOneRemoved) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  mb.Scalar("one", 1.f);
  mb.Initializer<float>("one11", {1, 1}, {1.f});
  mb.Node("Mul", {"one", "X"}, {"a"});
  mb.Node("Div", {"a", "one11"}, {"b"});
  mb.Node("Relu", {"b"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Relu"});
  ExpectSameOutputs(model, XFeed({2, 3}), 0, 0, 1);
}

TEST(ArithmeticIdentityEliminationTest, BroadcastingOneAndOneDividedByXKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {3});
  mb.Initializer<float>("one", {1, 1}, {1.f});  // broadcasts X to (1, 3)
  mb.Node("Mul", {"X", "one"}, {"Y"});
  mb.Node("Div", {"one", "X"}, {"Z"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("Z", DataType::kFloat);
  auto model = mb.Build();
  auto ops = OpTypesAfterInit(model, 1);
  EXPECT_EQ(CountOp(ops, "Mul"), 1);
  EXPECT_EQ(CountOp(ops, "Div"), 1);
  ExpectSameOutputs(model, XFeed({3}), 0, 0, 1);
}

TEST(StaticShapeFoldingTest, StaticShapeArithmeticFoldsAway) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3, 4});
  mb.Node("Shape", {"X"}, {"shape"});
  mb.Initializer<int64_t>("idx", {1}, {-1});
  auto& gather = mb.Node("Gather", {"shape", "idx"}, {"last"});
  SetAttr(gather, "axis", int64_t{0});
  mb.Initializer<int64_t>("minus1", {1}, {-1});
  auto& concat = mb.Node("Concat", {"minus1", "last"}, {"target"});
  SetAttr(concat, "axis", int64_t{0});
  mb.Node("Reshape", {"X", "target"}, {"r"});
  mb.Node("Relu", {"r"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Reshape", "Relu"}));
  ExpectSameOutputs(model, XFeed({2, 3, 4}), 0, 0, 1);
}

TEST(StaticShapeFoldingTest, SymbolicShapeKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {-1, 3});
  mb.Node("Shape", {"X"}, {"Y"});
  mb.Output("Y", DataType::kInt64);
  EXPECT_EQ(OpTypesAfterInit(mb.Build(), 1), std::vector<std::string>{"Shape"});
}

TEST(CommonSubexpressionEliminationTest, IdenticalNodesMerged) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  mb.Initializer<float>("a", {3}, {1.f, 2.f, 3.f});
  mb.Initializer<float>("b", {3}, {1.f, 2.f, 3.f});  // same content, other name
  mb.Node("Add", {"X", "a"}, {"p"});
  mb.Node("Add", {"X", "b"}, {"q"});
  auto& e1 = mb.Node("Elu", {"p"}, {"ep"});
  SetAttr(e1, "alpha", 0.5f);
  auto& e2 = mb.Node("Elu", {"q"}, {"eq"});
  SetAttr(e2, "alpha", 0.5f);
  mb.Node("Mul", {"ep", "eq"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Add", "Elu", "Mul"}));
  ExpectSameOutputs(model, XFeed({2, 3}), 0, 0, 1);
}

TEST(CommonSubexpressionEliminationTest, DifferentAttributesOrRandomOpsKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  auto& e1 = mb.Node("Elu", {"X"}, {"a"});
  SetAttr(e1, "alpha", 0.5f);
  auto& e2 = mb.Node("Elu", {"X"}, {"b"});
  SetAttr(e2, "alpha", 0.25f);
  mb.Node("RandomUniformLike", {"X"}, {"r1"});
  mb.Node("RandomUniformLike", {"X"}, {"r2"});
  mb.Node("Sum", {"a", "b", "r1", "r2"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto ops = OpTypesAfterInit(mb.Build(), 1);
  EXPECT_EQ(CountOp(ops, "Elu"), 2);
  EXPECT_EQ(CountOp(ops, "RandomUniformLike"), 2);
}

TEST(CommonSubexpressionEliminationTest, GraphOutputsKept) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  mb.Node("Relu", {"X"}, {"Y"});
  mb.Node("Relu", {"X"}, {"Z"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("Z", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(CountOp(OpTypesAfterInit(model, 1), "Relu"), 2);
  ExpectSameOutputs(model, XFeed({2, 3}), 0, 0, 1);
}

TEST(CommonSubexpressionEliminationTest, ValueReadBySubgraphKept) {
  // b duplicates a, but an If branch reads b by name: it must keep its producer.
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 3});
  mb.Input("cond", DataType::kBool, {});
  mb.Node("Relu", {"X"}, {"a"});
  mb.Node("Relu", {"X"}, {"b"});
  auto& node = mb.Node("If", {"cond"}, {"Y"});
  for (const char* branch : {"then_branch", "else_branch"}) {
    auto* attr = node.add_attribute();
    attr->set_name(branch);
    attr->set_type(onnx::AttributeProto::GRAPH);
    auto* g = attr->mutable_g();
    g->set_name(branch);
    auto* n = g->add_node();
    n->set_op_type("Neg");
    n->add_input(std::string(branch) == "then_branch" ? "b" : "a");
    n->add_output("r");
    auto* out = g->add_output();
    out->set_name("r");
    out->mutable_type()->mutable_tensor_type()->set_elem_type(1);
  }
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  for (bool c : {true, false}) {
    Feeds f = {{"X", RandomValue({2, 3}, 4)}, {"cond", OrtValue(Tensor::FromVector<bool>({c}, TensorShape(std::vector<int64_t>{})))}};
    ExpectSameOutputs(model, f, 0, 0, 99);
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
