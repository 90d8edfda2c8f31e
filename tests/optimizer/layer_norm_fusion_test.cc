// SkipLayerNormFusion and EmbedLayerNormFusion.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

constexpr int64_t kH = 16;

void AddLayerNorm(ModelBuilder& mb, const std::string& in, const std::string& out, bool with_beta = true) {
  mb.Initializer<float>(out + "_gamma", {kH}, RandomFloats(kH, 21, 0.5f, 1.5f));
  std::vector<std::string> ins = {in, out + "_gamma"};
  if (with_beta) {
    mb.Initializer<float>(out + "_beta", {kH}, RandomFloats(kH, 22));
    ins.push_back(out + "_beta");
  }
  auto& ln = mb.Node("LayerNormalization", ins, {out});
  SetAttr(ln, "axis", int64_t{-1});
  SetAttr(ln, "epsilon", 1e-5f);
}

TEST(SkipLayerNormFusionTest, AddThenLayerNorm) {
  for (bool with_beta : {true, false}) {
    ModelBuilder mb;
    mb.Input("A", DataType::kFloat, {2, 3, kH});
    mb.Input("B", DataType::kFloat, {2, 3, kH});
    mb.Node("Add", {"A", "B"}, {"s"});
    AddLayerNorm(mb, "s", "Y", with_beta);
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.SkipLayerNormalization"});
    ExpectSameOutputs(model, {{"A", RandomValue({2, 3, kH}, 1)}, {"B", RandomValue({2, 3, kH}, 2)}}, 1e-4, 1e-5, 2);
  }
}

TEST(SkipLayerNormFusionTest, BiasAddAndBroadcastSkipAndSumReader) {
  // Y = LN(A + (M + bias)) with M (1, 3, H) broadcast over the batch; the sum is also an output.
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, {2, 3, kH});
  mb.Input("M", DataType::kFloat, {3, kH});
  mb.Initializer<float>("bias", {kH}, RandomFloats(kH, 5));
  mb.Node("Add", {"bias", "M"}, {"mb"});
  mb.Node("Add", {"A", "mb"}, {"s"});
  AddLayerNorm(mb, "s", "Y");
  mb.Node("Relu", {"s"}, {"Z"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("Z", DataType::kFloat);
  auto model = mb.Build();
  auto s = MakeSession(model, 2);
  EXPECT_EQ(OpTypes(*s), (std::vector<std::string>{"com.microsoft.SkipLayerNormalization", "Relu"}));
  const Node* fused = s->GetGraph().GetNode(s->GetGraph().TopologicalOrder()[0]);
  EXPECT_EQ(fused->InputDefs().size(), 5u);  // bias folded in
  EXPECT_EQ(fused->OutputDefs().size(), 4u);  // sum output used
  ExpectSameOutputs(model, {{"A", RandomValue({2, 3, kH}, 1)}, {"M", RandomValue({3, kH}, 2)}}, 1e-4, 1e-5, 2);
}

TEST(SkipLayerNormFusionTest, NotForNormalisationOverMoreAxes) {
  ModelBuilder mb;
  mb.Input("A", DataType::kFloat, {2, 3, kH});
  mb.Input("B", DataType::kFloat, {2, 3, kH});
  mb.Node("Add", {"A", "B"}, {"s"});
  mb.Initializer<float>("g", {3, kH}, RandomFloats(3 * kH, 3));
  auto& ln = mb.Node("LayerNormalization", {"s", "g"}, {"Y"});
  SetAttr(ln, "axis", int64_t{1});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(OpTypesAfterInit(mb.Build(), 2), (std::vector<std::string>{"Add", "LayerNormalization"}));
}

// Gather(word, ids) + position term (+ Gather(segment, seg_ids)) -> LayerNorm.
TEST(EmbedLayerNormFusionTest, ConstantPositionTable) {
  ModelBuilder mb;
  mb.Input("ids", DataType::kInt64, {2, 5});
  mb.Initializer<float>("word", {11, kH}, RandomFloats(11 * kH, 1));
  mb.Initializer<float>("pos", {1, 5, kH}, RandomFloats(5 * kH, 2));
  mb.Node("Gather", {"word", "ids"}, {"w"});
  mb.Node("Add", {"w", "pos"}, {"e"});
  AddLayerNorm(mb, "e", "Y");
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.EmbedLayerNormalization"});
  std::vector<int64_t> ids = {0, 3, 10, -1, 5, 7, 7, 1, 2, -11};
  ExpectSameOutputs(model, {{"ids", OrtValue(Tensor::FromVector<int64_t>(ids, {2, 5}))}}, 1e-4, 1e-5, 2);
}

TEST(EmbedLayerNormFusionTest, PositionIdsAndSegmentsAndSumReader) {
  ModelBuilder mb;
  mb.Input("ids", DataType::kInt32, {2, 4});
  mb.Input("seg", DataType::kInt32, {2, 4});
  mb.Input("pos_ids", DataType::kInt32, {1, 4});
  mb.Initializer<float>("word", {9, kH}, RandomFloats(9 * kH, 1));
  mb.Initializer<float>("pos", {6, kH}, RandomFloats(6 * kH, 2));
  mb.Initializer<float>("segt", {2, kH}, RandomFloats(2 * kH, 3));
  mb.Node("Gather", {"word", "ids"}, {"w"});
  mb.Node("Gather", {"pos", "pos_ids"}, {"p"});
  mb.Node("Gather", {"segt", "seg"}, {"g"});
  mb.Node("Add", {"w", "p"}, {"wp"});
  mb.Node("Add", {"wp", "g"}, {"e"});
  AddLayerNorm(mb, "e", "Y");
  mb.Output("Y", DataType::kFloat);
  mb.Output("e", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.EmbedLayerNormalization"});
  Feeds feeds = {{"ids", OrtValue(Tensor::FromVector<int32_t>({1, 2, 3, 8, 0, 0, 4, 5}, {2, 4}))},
                 {"seg", OrtValue(Tensor::FromVector<int32_t>({0, 0, 1, 1, 1, 0, 1, 0}, {2, 4}))},
                 {"pos_ids", OrtValue(Tensor::FromVector<int32_t>({2, 3, 4, 5}, {1, 4}))}};
  ExpectSameOutputs(model, feeds, 1e-4, 1e-5, 2);
}

TEST(EmbedLayerNormFusionTest, OutOfRangeIdFailsLikeGather) {
  ModelBuilder mb;
  mb.Input("ids", DataType::kInt64, {1, 3});
  mb.Initializer<float>("word", {4, kH}, RandomFloats(4 * kH, 1));
  mb.Initializer<float>("pos", {3, kH}, RandomFloats(3 * kH, 2));
  mb.Node("Gather", {"word", "ids"}, {"w"});
  mb.Node("Add", {"pos", "w"}, {"e"});
  AddLayerNorm(mb, "e", "Y");
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.EmbedLayerNormalization"});
  for (int level : {0, 2}) {
    EXPECT_THROW(RunModel(model, level, {{"ids", OrtValue(Tensor::FromVector<int64_t>({0, 4, 1}, {1, 3}))}}),
                 std::exception)
        << "level " << level;
  }
}

TEST(EmbedLayerNormFusionTest, NotForPositionConstantOfOtherLength) {
  ModelBuilder mb;
  mb.Input("ids", DataType::kInt64, {2, 5});
  mb.Initializer<float>("word", {11, kH}, RandomFloats(11 * kH, 1));
  mb.Initializer<float>("bias", {1, 1, kH}, RandomFloats(kH, 2));
  mb.Node("Gather", {"word", "ids"}, {"w"});
  mb.Node("Add", {"w", "bias"}, {"e"});
  AddLayerNorm(mb, "e", "Y");
  mb.Output("Y", DataType::kFloat);
  auto ops = OpTypesAfterInit(mb.Build(), 2);
  EXPECT_EQ(CountOp(ops, "com.microsoft.EmbedLayerNormalization"), 0);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
