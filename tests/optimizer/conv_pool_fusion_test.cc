// ConvPoolFusion: Conv (+ activation) + MaxPool become ortlite.internal ConvMaxPool, which computes
// what the unfused graph did (its kernel pools row bands of the convolution); and the cases that
// must stay unfused.
#include <cstdio>

#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

struct StemCase {
  int64_t c, m, h, w;          // input channels, output channels, input size
  int64_t k, s, pad;           // convolution
  int64_t pk, ps, ppad, ceil;  // pool
  int64_t group = 1, pool_dilation = 1;
};

ModelBuilder StemModel(const StemCase& c, bool relu) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, c.c, c.h, c.w});
  const int64_t cg = c.c / c.group;
  mb.Initializer<float>("W", {c.m, cg, c.k, c.k}, RandomFloats(static_cast<size_t>(c.m * cg * c.k * c.k), 1));
  mb.Initializer<float>("B", {c.m}, RandomFloats(static_cast<size_t>(c.m), 2));
  auto& conv = mb.Node("Conv", {"X", "W", "B"}, {"conv"});
  SetAttr(conv, "strides", std::vector<int64_t>{c.s, c.s});
  SetAttr(conv, "pads", std::vector<int64_t>{c.pad, c.pad, c.pad, c.pad});
  SetAttr(conv, "group", c.group);
  std::string pooled_input = "conv";
  if (relu) {
    mb.Node("Relu", {"conv"}, {"relu"});
    pooled_input = "relu";
  }
  auto& pool = mb.Node("MaxPool", {pooled_input}, {"Y"});
  SetAttr(pool, "kernel_shape", std::vector<int64_t>{c.pk, c.pk});
  SetAttr(pool, "strides", std::vector<int64_t>{c.ps, c.ps});
  SetAttr(pool, "pads", std::vector<int64_t>{c.ppad, c.ppad, c.ppad, c.ppad});
  SetAttr(pool, "ceil_mode", c.ceil);
  SetAttr(pool, "dilations", std::vector<int64_t>{c.pool_dilation, c.pool_dilation});
  mb.Output("Y", DataType::kFloat);
  return mb;
}

TEST(ConvPoolFusionTest, StemsMatchTheUnfusedGraph) {
  // resnet's and squeezenet's stems (smaller), one so wide that each band holds one pooled row
  // (every band carries rows over from the one before), a stride-1 pool and a 2x2 one.
  const std::vector<StemCase> cases = {
      {3, 64, 61, 58, 7, 2, 3, 3, 2, 1, 0}, {3, 64, 75, 67, 3, 2, 0, 3, 2, 0, 1},
      {5, 200, 30, 170, 3, 1, 1, 3, 2, 1, 0}, {4, 40, 33, 29, 3, 1, 1, 3, 1, 1, 0},
      {3, 24, 40, 41, 3, 2, 1, 2, 2, 0, 1},
  };
  for (const StemCase& c : cases) {
    for (bool relu : {false, true}) {
      const auto model = StemModel(c, relu).Build();
      const std::string fused = std::string("ortlite.internal.ConvMaxPool");
      EXPECT_EQ(OpTypesAfterInit(model), std::vector<std::string>{fused}) << c.m << " channels";
      Feeds feeds = {{"X", RandomValue({2, c.c, c.h, c.w}, 7, -2.f, 2.f)}};
      ExpectSameOutputs(model, feeds, 1e-4, 1e-4);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(ConvPoolFusionTest, GroupsDilationsAndTheUnbandedPath) {
  // Grouped convolutions run by rows per group; a dilated pool reaches further; depthwise and
  // pointwise (flat runs) convolutions take the convolution whole, then the pool.
  StemCase grouped = {8, 48, 30, 37, 3, 1, 1, 3, 2, 1, 0};
  grouped.group = 2;
  StemCase dilated = {3, 32, 41, 35, 3, 1, 1, 3, 2, 2, 1};
  dilated.pool_dilation = 2;
  StemCase depthwise = {16, 16, 30, 30, 3, 1, 1, 2, 2, 0, 0};
  depthwise.group = 16;
  const StemCase pointwise = {32, 64, 28, 28, 1, 1, 0, 3, 2, 1, 0};
  for (const StemCase& c : {grouped, dilated, depthwise, pointwise}) {
    const auto model = StemModel(c, true).Build();
    EXPECT_EQ(OpTypesAfterInit(model), std::vector<std::string>{"ortlite.internal.ConvMaxPool"});
    Feeds feeds = {{"X", RandomValue({2, c.c, c.h, c.w}, 9, -2.f, 2.f)}};
    ExpectSameOutputs(model, feeds, 1e-4, 1e-4);
  }
}

TEST(ConvPoolFusionTest, OneThreadMatchesTheUnfusedGraph) {
  // The sessions above run two threads (each takes half of the pooled rows); here one thread
  // takes every band.
  const auto model = StemModel({3, 64, 61, 58, 7, 2, 3, 3, 2, 1, 0}, true).Build();
  auto run = [&](int level) {
    RunOptions ro;
    return MakeSession(model, level, "", 1)->Run(ro, {"X"}, {RandomValue({2, 3, 61, 58}, 8, -2.f, 2.f)}, {});
  };
  const std::vector<OrtValue> want = run(0), got = run(99);
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(CompareTensors(want[0].Get(), got[0].Get(), Tolerance{1e-4, 1e-4}), "");
}

TEST(ConvPoolFusionTest, SavedOptimizedModelReloads) {
  // The saved model imports the ortlite.internal domain, so it loads (and infers shapes) again.
  const auto model = StemModel({3, 32, 30, 30, 3, 2, 1, 3, 2, 1, 0}, true).Build();
  std::string bytes;
  model.SerializeToString(&bytes);
  const std::string path = ::testing::TempDir() + "conv_pool_fusion_saved.onnx";
  SessionOptions so;
  so.optimized_model_filepath = path;
  InferenceSession first(so);
  first.Load(bytes.data(), bytes.size());
  first.Initialize();
  InferenceSession reloaded(SessionOptions{});
  reloaded.Load(path);
  reloaded.Initialize();
  EXPECT_EQ(OpTypes(reloaded), std::vector<std::string>{"ortlite.internal.ConvMaxPool"});
  RunOptions ro;
  const OrtValue x = RandomValue({2, 3, 30, 30}, 10, -2.f, 2.f);
  const auto want = first.Run(ro, {"X"}, {x}, {});
  const auto got = reloaded.Run(ro, {"X"}, {x}, {});
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(CompareTensors(want[0].Get(), got[0].Get(), Tolerance{0, 0}), "");
  std::remove(path.c_str());
}

TEST(ConvPoolFusionTest, StaysUnfused) {
  const StemCase c = {3, 16, 20, 20, 3, 1, 1, 3, 2, 1, 0};
  {
    // MaxPool's Indices output is used.
    ModelBuilder mb = StemModel(c, false);
    auto model = mb.Build();
    model.mutable_graph()->mutable_node(1)->add_output("I");
    auto* out = model.mutable_graph()->add_output();
    out->set_name("I");
    out->mutable_type()->mutable_tensor_type()->set_elem_type(static_cast<int>(DataType::kInt64));
    EXPECT_EQ(OpTypesAfterInit(model), (std::vector<std::string>{"Conv", "MaxPool"}));
  }
  {
    // The convolution's output is also a graph output.
    ModelBuilder mb = StemModel(c, false);
    mb.Output("conv", DataType::kFloat);
    EXPECT_EQ(OpTypesAfterInit(mb.Build()), (std::vector<std::string>{"Conv", "MaxPool"}));
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
