// ConvBNFusion, ConvAddFusion, ConvMulFusion: the folded Conv computes what the unfused graph did.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

constexpr int64_t kM = 4, kC = 3;

// X (1,3,5,5) -> Conv(W (4,3,3,3), B?) -> y
ModelBuilder ConvModel(bool with_bias) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {1, kC, 5, 5});
  mb.Initializer<float>("W", {kM, kC, 3, 3}, RandomFloats(static_cast<size_t>(kM * kC * 9), 1));
  std::vector<std::string> in = {"X", "W"};
  if (with_bias) {
    mb.Initializer<float>("B", {kM}, {0.1f, -0.2f, 0.3f, 0.05f});
    in.push_back("B");
  }
  auto& conv = mb.Node("Conv", in, {"conv"});
  SetAttr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
  return mb;
}

Feeds ConvFeeds() { return {{"X", RandomValue({1, kC, 5, 5}, 7)}}; }

TEST(ConvBNFusionTest, FoldsIntoWeightsAndBias) {
  for (bool with_bias : {false, true}) {
    ModelBuilder mb = ConvModel(with_bias);
    mb.Initializer<float>("scale", {kM}, {1.5f, 0.5f, -1.f, 2.f});
    mb.Initializer<float>("bnb", {kM}, {0.f, 1.f, -1.f, 0.5f});
    mb.Initializer<float>("mean", {kM}, {0.2f, -0.1f, 0.f, 1.f});
    mb.Initializer<float>("var", {kM}, {1.f, 0.25f, 4.f, 0.5f});
    auto& bn = mb.Node("BatchNormalization", {"conv", "scale", "bnb", "mean", "var"}, {"Y"});
    SetAttr(bn, "epsilon", 1e-3f);
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Conv"});
    ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5, 1);
  }
}

TEST(ConvBNFusionTest, GroupedConv) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {1, 4, 5, 5});
  mb.Initializer<float>("W", {kM, 2, 3, 3}, RandomFloats(static_cast<size_t>(kM * 2 * 9), 1));
  auto& conv = mb.Node("Conv", {"X", "W"}, {"conv"});
  SetAttr(conv, "group", int64_t{2});
  mb.Initializer<float>("scale", {kM}, {1.5f, 0.5f, -1.f, 2.f});
  mb.Initializer<float>("bnb", {kM}, {0.f, 1.f, -1.f, 0.5f});
  mb.Initializer<float>("mean", {kM}, {0.2f, -0.1f, 0.f, 1.f});
  mb.Initializer<float>("var", {kM}, {1.f, 0.25f, 4.f, 0.5f});
  mb.Node("BatchNormalization", {"conv", "scale", "bnb", "mean", "var"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Conv"});
  ExpectSameOutputs(model, {{"X", RandomValue({1, 4, 5, 5}, 7)}}, 1e-5, 1e-5, 1);
}

TEST(ConvBNFusionTest, NotWhenConvOutputHasAnotherReader) {
  ModelBuilder mb = ConvModel(true);
  for (const char* n : {"scale", "bnb", "mean", "var"}) mb.Initializer<float>(n, {kM}, {1.f, 1.f, 1.f, 1.f});
  mb.Node("BatchNormalization", {"conv", "scale", "bnb", "mean", "var"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("conv", DataType::kFloat);
  auto ops = OpTypesAfterInit(mb.Build(), 1);
  EXPECT_EQ(CountOp(ops, "BatchNormalization"), 1);
}

TEST(ConvBNFusionTest, NotWhenStatisticsAreInputs) {
  ModelBuilder mb = ConvModel(true);
  for (const char* n : {"scale", "bnb", "mean"}) mb.Initializer<float>(n, {kM}, {1.f, 1.f, 1.f, 1.f});
  mb.Input("var", DataType::kFloat, {kM});
  mb.Node("BatchNormalization", {"conv", "scale", "bnb", "mean", "var"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(CountOp(OpTypesAfterInit(mb.Build(), 1), "BatchNormalization"), 1);
}

TEST(ConvAddFusionTest, PerChannelConstantFoldsIntoBias) {
  for (bool with_bias : {false, true}) {
    for (auto dims : std::vector<std::vector<int64_t>>{{kM, 1, 1}, {1, kM, 1, 1}, {1}}) {
      ModelBuilder mb = ConvModel(with_bias);
      int64_t n = 1;
      for (int64_t d : dims) n *= d;
      mb.Initializer<float>("c", dims, RandomFloats(static_cast<size_t>(n), 3));
      mb.Node("Add", {"c", "conv"}, {"Y"});
      mb.Output("Y", DataType::kFloat);
      auto model = mb.Build();
      EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Conv"});
      ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5, 1);
    }
  }
}

TEST(ConvAddFusionTest, NotForSpatiallyVaryingConstant) {
  ModelBuilder mb = ConvModel(true);
  mb.Initializer<float>("c", {1, 1, 5, 5}, RandomFloats(25, 3));
  mb.Node("Add", {"conv", "c"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(CountOp(OpTypesAfterInit(model, 1), "Add"), 1);
  ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5, 1);
}

TEST(ConvMulFusionTest, PerChannelConstantScalesWeightsAndBias) {
  for (bool with_bias : {false, true}) {
    ModelBuilder mb = ConvModel(with_bias);
    mb.Initializer<float>("c", {kM, 1, 1}, {2.f, -0.5f, 0.f, 3.f});
    mb.Node("Mul", {"conv", "c"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Conv"});
    ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5, 1);
  }
}

TEST(ConvMulFusionTest, ChainOfMulAndAddFolds) {
  ModelBuilder mb = ConvModel(true);
  mb.Initializer<float>("c", {kM, 1, 1}, {2.f, -0.5f, 1.f, 3.f});
  mb.Initializer<float>("d", {kM, 1, 1}, {0.5f, 0.25f, -1.f, 0.f});
  mb.Node("Mul", {"conv", "c"}, {"m"});
  mb.Node("Add", {"m", "d"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model, 1), std::vector<std::string>{"Conv"});
  ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5, 1);
}

TEST(ConvMulFusionTest, NotForNonConstantFactor) {
  ModelBuilder mb = ConvModel(true);
  mb.Input("c", DataType::kFloat, {kM, 1, 1});
  mb.Node("Mul", {"conv", "c"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(CountOp(OpTypesAfterInit(mb.Build(), 1), "Mul"), 1);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
