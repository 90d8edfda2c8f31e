// ConvActivationFusion: Conv + activation and Conv + residual Add become com.microsoft FusedConv,
// which computes what the unfused graph did; and the cases that must stay unfused.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

constexpr int64_t kM = 6, kC = 3;

// X (1,3,7,9) -> Conv(W (6,3,3,3), B?, pads 1) -> "conv"
ModelBuilder ConvModel(bool with_bias, int opset = 17) {
  ModelBuilder mb(opset);
  mb.Input("X", DataType::kFloat, {1, kC, 7, 9});
  mb.Initializer<float>("W", {kM, kC, 3, 3}, RandomFloats(static_cast<size_t>(kM * kC * 9), 1));
  std::vector<std::string> in = {"X", "W"};
  if (with_bias) {
    mb.Initializer<float>("B", {kM}, RandomFloats(kM, 2));
    in.push_back("B");
  }
  auto& conv = mb.Node("Conv", in, {"conv"});
  SetAttr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
  return mb;
}

Feeds ConvFeeds() { return {{"X", RandomValue({1, kC, 7, 9}, 7, -2.f, 2.f)}}; }

TEST(ConvActivationFusionTest, EachActivation) {
  struct Case {
    const char* op;
    std::function<void(ModelBuilder&, onnx::NodeProto&)> setup;
    std::vector<std::string> extra_inputs;
  };
  const std::vector<Case> cases = {
      {"Relu", nullptr, {}},
      {"Sigmoid", nullptr, {}},
      {"Tanh", nullptr, {}},
      {"LeakyRelu", [](ModelBuilder&, onnx::NodeProto& n) { SetAttr(n, "alpha", 0.3f); }, {}},
      {"HardSigmoid", [](ModelBuilder&, onnx::NodeProto& n) { SetAttr(n, "alpha", 0.25f); }, {}},
      {"Clip", [](ModelBuilder& mb, onnx::NodeProto&) {
         mb.Scalar("lo", 0.f);
         mb.Scalar("hi", 6.f);
       }, {"lo", "hi"}},
  };
  for (bool with_bias : {false, true}) {
    for (const Case& c : cases) {
      ModelBuilder mb = ConvModel(with_bias);
      std::vector<std::string> in = {"conv"};
      in.insert(in.end(), c.extra_inputs.begin(), c.extra_inputs.end());
      auto& act = mb.Node(c.op, in, {"Y"});
      if (c.setup) c.setup(mb, act);
      mb.Output("Y", DataType::kFloat);
      auto model = mb.Build();
      EXPECT_EQ(OpTypesAfterInit(model), std::vector<std::string>{"com.microsoft.FusedConv"}) << c.op;
      ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5);
    }
  }
}

TEST(ConvActivationFusionTest, ClipOpset6Attributes) {
  ModelBuilder mb = ConvModel(true, 10);
  auto& clip = mb.Node("Clip", {"conv"}, {"Y"});
  SetAttr(clip, "min", -0.5f);
  SetAttr(clip, "max", 0.5f);
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  EXPECT_EQ(OpTypesAfterInit(model), std::vector<std::string>{"com.microsoft.FusedConv"});
  ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5);
}

TEST(ConvActivationFusionTest, ResidualAddThenRelu) {
  // y = Relu(Conv(X) + R), R a graph input of the Conv output's shape; the Add's operands in
  // either order.
  for (bool conv_first : {true, false}) {
    ModelBuilder mb = ConvModel(true);
    mb.Input("R", DataType::kFloat, {1, kM, 7, 9});
    mb.Node("Add", conv_first ? std::vector<std::string>{"conv", "R"} : std::vector<std::string>{"R", "conv"},
            {"sum"});
    mb.Node("Relu", {"sum"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypesAfterInit(model), std::vector<std::string>{"com.microsoft.FusedConv"});
    Feeds feeds = ConvFeeds();
    feeds["R"] = RandomValue({1, kM, 7, 9}, 9);
    ExpectSameOutputs(model, feeds, 1e-5, 1e-5);
  }
}

TEST(ConvActivationFusionTest, ResidualFromAnotherConvWithoutBias) {
  // Two branches meeting in an Add (a ResNet downsample block): one Conv absorbs the Add.
  ModelBuilder mb = ConvModel(false);
  mb.Initializer<float>("W2", {kM, kC, 1, 1}, RandomFloats(static_cast<size_t>(kM * kC), 3));
  mb.Node("Conv", {"X", "W2"}, {"branch"});
  mb.Node("Add", {"conv", "branch"}, {"sum"});
  mb.Node("Relu", {"sum"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  auto model = mb.Build();
  const auto ops = OpTypesAfterInit(model);
  EXPECT_EQ(CountOp(ops, "com.microsoft.FusedConv"), 1);
  EXPECT_EQ(CountOp(ops, "Conv"), 1);
  EXPECT_EQ(ops.size(), 2u);
  ExpectSameOutputs(model, ConvFeeds(), 1e-5, 1e-5);
}

TEST(ConvActivationFusionTest, ResidualBufferTakenOverByTheOutput) {
  // Y = Neg(Relu(Conv(X) + Conv2(X))): the residual dies at the FusedConv, whose output is an
  // intermediate, so the planner gives the output the residual's buffer. Dense, depthwise and
  // strided convolutions each read Z while writing Y over it; 1 and 2 threads.
  const int64_t C = 32;
  for (int64_t group : {int64_t{1}, C}) {
    for (int64_t stride : {1, 2}) {
      ModelBuilder mb;
      mb.Input("X", DataType::kFloat, {1, C, 15, 15});
      mb.Initializer<float>("W", {C, C / group, 3, 3}, RandomFloats(static_cast<size_t>(C * C / group * 9), 21));
      mb.Initializer<float>("B", {C}, RandomFloats(static_cast<size_t>(C), 22));
      mb.Initializer<float>("W2", {C, C, 1, 1}, RandomFloats(static_cast<size_t>(C * C), 23));
      auto& conv = mb.Node("Conv", {"X", "W", "B"}, {"conv"});
      SetAttr(conv, "pads", std::vector<int64_t>{1, 1, 1, 1});
      SetAttr(conv, "group", group);
      SetAttr(conv, "strides", std::vector<int64_t>{stride, stride});
      SetAttr(mb.Node("Conv", {"X", "W2"}, {"branch"}), "strides", std::vector<int64_t>{stride, stride});
      mb.Node("Add", {"conv", "branch"}, {"sum"});
      mb.Node("Relu", {"sum"}, {"act"});
      mb.Node("Neg", {"act"}, {"Y"});
      mb.Output("Y", DataType::kFloat);
      auto model = mb.Build();
      EXPECT_EQ(CountOp(OpTypesAfterInit(model), "com.microsoft.FusedConv"), 1);
      ExpectSameOutputs(model, {{"X", RandomValue({1, C, 15, 15}, 24)}}, 1e-5, 1e-5);
    }
  }
}

TEST(ConvActivationFusionTest, NotFused) {
  {
    // The Conv output is also a graph output.
    ModelBuilder mb = ConvModel(true);
    mb.Node("Relu", {"conv"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    mb.Output("conv", DataType::kFloat);
    EXPECT_EQ(OpTypesAfterInit(mb.Build()), (std::vector<std::string>{"Conv", "Relu"}));
  }
  {
    // The Conv output has a second reader.
    ModelBuilder mb = ConvModel(true);
    mb.Node("Relu", {"conv"}, {"Y"});
    mb.Node("Sigmoid", {"conv"}, {"Z"});
    mb.Output("Y", DataType::kFloat);
    mb.Output("Z", DataType::kFloat);
    EXPECT_EQ(CountOp(OpTypesAfterInit(mb.Build()), "com.microsoft.FusedConv"), 0);
  }
  {
    // Clip bounds that are not constants.
    ModelBuilder mb = ConvModel(true);
    mb.Input("lo", DataType::kFloat, {});
    mb.Node("Clip", {"conv", "lo"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    EXPECT_EQ(OpTypesAfterInit(mb.Build()), (std::vector<std::string>{"Conv", "Clip"}));
  }
  {
    // An Add that broadcasts is not a residual.
    ModelBuilder mb = ConvModel(true);
    mb.Input("R", DataType::kFloat, {1, 1, 7, 9});
    mb.Node("Add", {"conv", "R"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    EXPECT_EQ(OpTypesAfterInit(mb.Build()), (std::vector<std::string>{"Conv", "Add"}));
  }
  {
    // Disabled by name; and not at the basic level.
    ModelBuilder mb = ConvModel(true);
    mb.Node("Relu", {"conv"}, {"Y"});
    mb.Output("Y", DataType::kFloat);
    auto model = mb.Build();
    EXPECT_EQ(OpTypes(*MakeSession(model, 99, "ConvActivationFusion")), (std::vector<std::string>{"Conv", "Relu"}));
    EXPECT_EQ(OpTypesAfterInit(model, 1), (std::vector<std::string>{"Conv", "Relu"}));
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
