// AttentionFusion on the self-attention subgraph torch 1.13 exports for
// nn.TransformerEncoderLayer(batch_first=True), and the whole benchmark encoder when present.
#include <cmath>
#include <fstream>
#include <limits>

#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

struct AttentionShape {
  int64_t B, S, E, N;
};

// The exported pattern (after constant folding): input X (B, S, E), attention_mask (B, S) int64;
// output Y (B, S, E) after the output projection.
onnx::ModelProto TorchSelfAttention(const AttentionShape& a, bool with_mask) {
  const int64_t B = a.B, S = a.S, E = a.E, N = a.N, d = E / N;
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {B, S, E});
  mb.Initializer<float>("W", {E, 3 * E}, RandomFloats(static_cast<size_t>(E * 3 * E), 1, -0.3f, 0.3f));
  mb.Initializer<float>("bias", {3 * E}, RandomFloats(static_cast<size_t>(3 * E), 2, -0.1f, 0.1f));
  mb.Initializer<float>("Wo", {E, E}, RandomFloats(static_cast<size_t>(E * E), 3, -0.3f, 0.3f));
  mb.Initializer<float>("bo", {E}, RandomFloats(static_cast<size_t>(E), 4, -0.1f, 0.1f));
  auto perm = [&](const std::string& in, const std::string& out, std::vector<int64_t> p) {
    SetAttr(mb.Node("Transpose", {in}, {out}), "perm", p);
  };
  auto shape = [&](const std::string& name, std::vector<int64_t> v) {
    mb.Initializer<int64_t>(name, {static_cast<int64_t>(v.size())}, v);
  };
  perm("X", "xt", {1, 0, 2});
  mb.Node("MatMul", {"xt", "W"}, {"mm"});
  mb.Node("Add", {"bias", "mm"}, {"proj"});
  mb.Initializer<int64_t>("axis", {1}, {-1});
  const char* names[3] = {"q", "k", "v"};
  shape("heads", {S, B * N, d});
  for (int i = 0; i < 3; ++i) {
    const std::string n = names[i];
    mb.Initializer<int64_t>(n + "_start", {1}, {i * E});
    mb.Initializer<int64_t>(n + "_end", {1}, {(i + 1) * E});
    mb.Node("Slice", {"proj", n + "_start", n + "_end", "axis"}, {n + "_s"});
    mb.Node("Reshape", {n + "_s", "heads"}, {n + "_r"});
  }
  perm("q_r", "q_t", {1, 0, 2});
  perm("k_r", "k_t", {1, 2, 0});
  perm("v_r", "v_t", {1, 0, 2});
  mb.Scalar("sqrt_d", std::sqrt(static_cast<float>(d)));
  mb.Node("Div", {"q_t", "sqrt_d"}, {"q_d"});
  mb.Node("MatMul", {"q_d", "k_t"}, {"scores"});
  mb.Scalar("one", 1.f);
  mb.Node("Mul", {"scores", "one"}, {"scores1"});
  std::string logits = "scores1";
  if (with_mask) {
    mb.Input("attention_mask", DataType::kInt64, {B, S});
    mb.Initializer<int64_t>("zero_i", {}, {0});
    mb.Node("Equal", {"attention_mask", "zero_i"}, {"pad"});
    shape("m1_shape", {B, 1, 1, S});
    mb.Node("Reshape", {"pad", "m1_shape"}, {"m1"});
    shape("expand_shape", {B, N, 1, S});
    mb.Node("Expand", {"m1", "expand_shape"}, {"m2"});
    shape("m3_shape", {B * N, 1, S});
    mb.Node("Reshape", {"m2", "m3_shape"}, {"m3"});
    SetAttr(mb.Node("Cast", {"m3"}, {"m4"}), "to", int64_t{9});
    mb.Scalar("neg_inf", -std::numeric_limits<float>::infinity());
    mb.Initializer<float>("zeros", {B * N, 1, S}, std::vector<float>(static_cast<size_t>(B * N * S), 0.f));
    mb.Node("Where", {"m4", "neg_inf", "zeros"}, {"mask_term"});
    mb.Node("Mul", {"mask_term", "one"}, {"mask_term1"});
    mb.Node("Add", {"scores1", "mask_term1"}, {"logits"});
    logits = "logits";
  }
  SetAttr(mb.Node("Softmax", {logits}, {"probs"}), "axis", int64_t{-1});
  mb.Node("MatMul", {"probs", "v_t"}, {"ctx"});
  perm("ctx", "ctx_t", {1, 0, 2});
  shape("flat", {S * B, E});
  mb.Node("Reshape", {"ctx_t", "flat"}, {"ctx_r"});
  auto& gemm = mb.Node("Gemm", {"ctx_r", "Wo", "bo"}, {"o"});
  SetAttr(gemm, "transB", int64_t{1});
  shape("unflat", {S, B, E});
  mb.Node("Reshape", {"o", "unflat"}, {"o_r"});
  perm("o_r", "Y", {1, 0, 2});
  mb.Output("Y", DataType::kFloat);
  return mb.Build();
}

Feeds AttentionFeeds(const AttentionShape& a, bool with_mask) {
  Feeds f = {{"X", RandomValue({a.B, a.S, a.E}, 9)}};
  if (with_mask) {
    std::vector<int64_t> mask(static_cast<size_t>(a.B * a.S), 1);
    for (int64_t b = 0; b < a.B; ++b)
      for (int64_t s = a.S - b - 1; s < a.S && b > 0; ++s) mask[b * a.S + s] = 0;  // right padding
    mask[1] = 0;                                                                      // and a hole
    f["attention_mask"] = OrtValue(Tensor::FromVector<int64_t>(mask, {a.B, a.S}));
  }
  return f;
}

TEST(AttentionFusionTest, TorchEncoderSelfAttentionWithKeyPaddingMask) {
  for (AttentionShape a : {AttentionShape{2, 5, 16, 4}, AttentionShape{1, 7, 12, 3}}) {
    auto model = TorchSelfAttention(a, true);
    auto ops = OpTypesAfterInit(model, 2);
    EXPECT_EQ(CountOp(ops, "com.microsoft.Attention"), 1) << "B=" << a.B;
    EXPECT_EQ(CountOp(ops, "Softmax"), 0);
    EXPECT_EQ(CountOp(ops, "MatMul"), 0);
    ExpectSameOutputs(model, AttentionFeeds(a, true), 1e-4, 1e-5, 2);
  }
}

TEST(AttentionFusionTest, BatchOneLeavesOnlyReshapesAroundTheProjection) {
  AttentionShape a{1, 7, 12, 3};
  auto ops = OpTypesAfterInit(TorchSelfAttention(a, true), 2);
  EXPECT_EQ(CountOp(ops, "Transpose"), 0);
  EXPECT_EQ(CountOp(ops, "com.microsoft.Attention"), 1);
}

TEST(AttentionFusionTest, WithoutMask) {
  AttentionShape a{2, 6, 8, 2};
  auto model = TorchSelfAttention(a, false);
  auto ops = OpTypesAfterInit(model, 2);
  EXPECT_EQ(CountOp(ops, "com.microsoft.Attention"), 1);
  ExpectSameOutputs(model, AttentionFeeds(a, false), 1e-4, 1e-5, 2);
}

TEST(AttentionFusionTest, FullyMaskedRowGivesNaNLikeTheGraph) {
  AttentionShape a{1, 4, 8, 2};
  auto model = TorchSelfAttention(a, true);
  Feeds f = {{"X", RandomValue({1, 4, 8}, 9)},
             {"attention_mask", OrtValue(Tensor::FromVector<int64_t>({0, 0, 0, 0}, {1, 4}))}};
  auto expected = RunModel(model, 0, f);
  auto actual = RunModel(model, 2, f);
  EXPECT_TRUE(std::isnan(expected[0].Get().Data<float>()[0]));
  EXPECT_TRUE(CompareTensors(expected[0].Get(), actual[0].Get(), Tolerance{}).empty());
}

TEST(AttentionFusionTest, NotWhenAnIntermediateIsAGraphOutput) {
  AttentionShape a{2, 5, 16, 4};
  auto model = TorchSelfAttention(a, true);
  auto* out = model.mutable_graph()->add_output();
  out->set_name("probs");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(1);
  auto ops = OpTypesAfterInit(model, 2);
  EXPECT_EQ(CountOp(ops, "com.microsoft.Attention"), 0);
  EXPECT_EQ(CountOp(ops, "Softmax"), 1);
}

// The benchmark encoder (bench/export_models.py), when it has been exported.
TEST(AttentionFusionTest, BenchmarkEncoderFusesAndMatchesUnoptimised) {
  const std::string path = std::string(ORTLITE_SOURCE_DIR) + "/bench/cache/encoder_l6_h384.onnx";
  if (!std::ifstream(path).good()) GTEST_SKIP() << path << " not exported";
  onnx::ModelProto model;
  {
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(model.ParseFromIstream(&in));
  }
  auto ops = OpTypesAfterInit(model, 99);
  EXPECT_EQ(CountOp(ops, "com.microsoft.Attention"), 6);
  EXPECT_EQ(CountOp(ops, "com.microsoft.EmbedLayerNormalization"), 1);
  EXPECT_EQ(CountOp(ops, "com.microsoft.SkipLayerNormalization"), 12);
  EXPECT_EQ(CountOp(ops, "com.microsoft.BiasGelu"), 6);
  EXPECT_EQ(CountOp(ops, "Softmax"), 0);
  EXPECT_EQ(CountOp(ops, "LayerNormalization"), 0);
  std::mt19937 gen(5);
  std::uniform_int_distribution<int64_t> id(0, 30521);
  std::vector<int64_t> ids(128), ones(128, 1), padded(128, 1);
  for (auto& v : ids) v = id(gen);
  for (int i = 100; i < 128; ++i) padded[i] = 0;
  for (const auto& mask : {ones, padded}) {
    Feeds f = {{"input_ids", OrtValue(Tensor::FromVector<int64_t>(ids, {1, 128}))},
               {"attention_mask", OrtValue(Tensor::FromVector<int64_t>(mask, {1, 128}))}};
    ExpectSameOutputs(model, f, 1e-3, 1e-4, 99);
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
