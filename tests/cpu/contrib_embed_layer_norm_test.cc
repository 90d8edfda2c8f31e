// com.microsoft EmbedLayerNormalization against Gather + Add + LayerNormalization.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

constexpr int64_t kH = 8;

struct Tables {
  Tensor word = RandomValue({10, kH}, 1).Get();
  Tensor pos = RandomValue({6, kH}, 2).Get();
  Tensor seg = RandomValue({2, kH}, 3).Get();
  Tensor gamma = RandomValue({kH}, 4, 0.5f, 1.5f).Get();
  Tensor beta = RandomValue({kH}, 5).Get();
};

// LN(word[ids] + pos[pos_ids] (+ seg[seg_ids])) and the sum, with ONNX ops.
std::vector<OrtValue> Reference(const Tables& t, const Tensor& ids, const Tensor& pos_ids, const Tensor* seg_ids) {
  ModelBuilder mb;
  mb.Input("ids", ids.GetElementType(), ids.Shape().GetDims());
  mb.Input("pos_ids", pos_ids.GetElementType(), pos_ids.Shape().GetDims());
  mb.Initializer("word", t.word);
  mb.Initializer("pos", t.pos);
  mb.Initializer("gamma", t.gamma);
  mb.Initializer("beta", t.beta);
  mb.Node("Gather", {"word", "ids"}, {"w"});
  mb.Node("Gather", {"pos", "pos_ids"}, {"p"});
  mb.Node("Add", {"w", "p"}, {"e0"});
  std::string e = "e0";
  Feeds feeds = {{"ids", OrtValue(ids)}, {"pos_ids", OrtValue(pos_ids)}};
  if (seg_ids) {
    mb.Input("seg_ids", seg_ids->GetElementType(), seg_ids->Shape().GetDims());
    mb.Initializer("seg", t.seg);
    mb.Node("Gather", {"seg", "seg_ids"}, {"g"});
    mb.Node("Add", {"e0", "g"}, {"e1"});
    e = "e1";
    feeds["seg_ids"] = OrtValue(*seg_ids);
  }
  mb.Node("Identity", {e}, {"E"});
  SetAttr(mb.Node("LayerNormalization", {e, "gamma", "beta"}, {"Y"}), "epsilon", 1e-5f);
  mb.Output("Y", DataType::kFloat);
  mb.Output("E", DataType::kFloat);
  return RunModel(mb.Build(), 0, feeds);
}

TEST(ContribEmbedLayerNormTest, WordPositionSegmentWithMaskIndexAndSum) {
  Tables tb;
  Tensor ids = Tensor::FromVector<int32_t>({1, 9, 0, 4, 2, 2, 7, 3}, {2, 4});
  Tensor seg = Tensor::FromVector<int32_t>({0, 0, 1, 1, 0, 1, 0, 1}, {2, 4});
  Tensor mask = Tensor::FromVector<int32_t>({1, 1, 1, 0, 1, 1, 0, 0}, {2, 4});
  Tensor positions = Tensor::FromVector<int32_t>({0, 1, 2, 3, 0, 1, 2, 3}, {2, 4});
  auto ref = Reference(tb, ids, positions, &seg);
  OpTester t("EmbedLayerNormalization", 1, "com.microsoft");
  t.AddAttribute("epsilon", 1e-5f);
  t.AddInputTensor("input_ids", ids);
  t.AddInputTensor("segment_ids", seg);
  t.AddInputTensor("word_embedding", tb.word);
  t.AddInputTensor("position_embedding", tb.pos);
  t.AddInputTensor("segment_embedding", tb.seg);
  t.AddInputTensor("gamma", tb.gamma);
  t.AddInputTensor("beta", tb.beta);
  t.AddInputTensor("mask", mask);
  t.AddOutputTensor("output", ref[0].Get());
  t.AddOutput<int32_t>("mask_index", {2}, {3, 2});
  t.AddOutputTensor("embedding_sum", ref[1].Get());
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(ContribEmbedLayerNormTest, Int64IdsWithBroadcastPositionIdsAndNegativeIds) {
  Tables tb;
  Tensor ids = Tensor::FromVector<int64_t>({1, -1, 0, 4, -10, 2}, {2, 3});
  Tensor positions = Tensor::FromVector<int64_t>({5, 0, 3}, {1, 3});
  auto ref = Reference(tb, ids, positions, nullptr);
  OpTester t("EmbedLayerNormalization", 1, "com.microsoft");
  t.AddAttribute("epsilon", 1e-5f);
  t.AddInputTensor("input_ids", ids);
  t.AddMissingInput();
  t.AddInputTensor("word_embedding", tb.word);
  t.AddInputTensor("position_embedding", tb.pos);
  t.AddMissingInput();
  t.AddInputTensor("gamma", tb.gamma);
  t.AddInputTensor("beta", tb.beta);
  t.AddMissingInput();
  t.AddInputTensor("position_ids", positions);
  t.AddOutputTensor("output", ref[0].Get());
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(ContribEmbedLayerNormTest, ImplicitPositions) {
  Tables tb;
  Tensor ids = Tensor::FromVector<int32_t>({3, 3, 3, 3, 3}, {1, 5});
  auto ref = Reference(tb, ids, Tensor::FromVector<int32_t>({0, 1, 2, 3, 4}, {1, 5}), nullptr);
  OpTester t("EmbedLayerNormalization", 1, "com.microsoft");
  t.AddAttribute("epsilon", 1e-5f);
  t.AddInputTensor("input_ids", ids);
  t.AddMissingInput();
  t.AddInputTensor("word_embedding", tb.word);
  t.AddInputTensor("position_embedding", tb.pos);
  t.AddMissingInput();
  t.AddInputTensor("gamma", tb.gamma);
  t.AddInputTensor("beta", tb.beta);
  t.AddOutputTensor("output", ref[0].Get());
  t.AddOutput<int32_t>("mask_index", {1}, {5});  // no mask: every word counts
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(ContribEmbedLayerNormTest, EmptyBatch) {
  Tables tb;
  OpTester t("EmbedLayerNormalization", 1, "com.microsoft");
  t.AddInput<int32_t>("input_ids", {0, 3}, {});
  t.AddMissingInput();
  t.AddInputTensor("word_embedding", tb.word);
  t.AddInputTensor("position_embedding", tb.pos);
  t.AddMissingInput();
  t.AddInputTensor("gamma", tb.gamma);
  t.AddInputTensor("beta", tb.beta);
  t.AddOutput<float>("output", {0, 3, kH}, {});
  t.Run();
}

TEST(ContribEmbedLayerNormTest, OutOfRangeIdsFail) {
  Tables tb;
  for (int32_t bad : {10, -11}) {
    OpTester t("EmbedLayerNormalization", 1, "com.microsoft");
    t.AddInput<int32_t>("input_ids", {1, 2}, {0, bad});
    t.AddMissingInput();
    t.AddInputTensor("word_embedding", tb.word);
    t.AddInputTensor("position_embedding", tb.pos);
    t.AddMissingInput();
    t.AddInputTensor("gamma", tb.gamma);
    t.AddInputTensor("beta", tb.beta);
    t.AddOutput<float>("output", {1, 2, kH}, std::vector<float>(2 * kH, 0.f));
    t.RunExpectFailure("out of range");
  }
  OpTester t("EmbedLayerNormalization", 1, "com.microsoft");
  t.AddInput<int32_t>("input_ids", {1, 7}, {0, 0, 0, 0, 0, 0, 0});  // 7 positions, table has 6
  t.AddMissingInput();
  t.AddInputTensor("word_embedding", tb.word);
  t.AddInputTensor("position_embedding", tb.pos);
  t.AddMissingInput();
  t.AddInputTensor("gamma", tb.gamma);
  t.AddInputTensor("beta", tb.beta);
  t.AddOutput<float>("output", {1, 7, kH}, std::vector<float>(7 * kH, 0.f));
  t.RunExpectFailure("position id 6 is out of range");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
