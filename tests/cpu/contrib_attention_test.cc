// com.microsoft Attention against the ONNX subgraph it stands for: projection MatMul + Add,
// per-head Reshape/Transpose, scaled Q K^T plus the additive mask, Softmax, x V, and back.
#include <cmath>
#include <limits>

#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

struct Config {
  int64_t B = 2, S = 3, Hin = 8, N = 2, H = 8, Hv = 8, P = 0;
  float scale = 0.f;  // 0: default 1/sqrt(d)
  float filter = -10000.f;
  bool unidirectional = false;
  bool attn_bias = false;
  bool bias = true;
  bool constant_weights = false;  // weights as an initializer (packed at session start)
  std::vector<int64_t> mask_dims;  // empty: no mask
  std::vector<int32_t> mask;
};

// The additive mask (B, 1, S, T) the kernel applies for `c`.
Tensor AdditiveMask(const Config& c) {
  const int64_t T = c.P + c.S;
  std::vector<float> m(static_cast<size_t>(c.B * c.S * T), 0.f);
  for (int64_t b = 0; b < c.B; ++b) {
    for (int64_t i = 0; i < c.S; ++i) {
      for (int64_t j = 0; j < T; ++j) {
        bool masked = false;
        if (c.mask_dims.size() == 2) masked = c.mask[b * T + j] == 0;
        if (c.mask_dims.size() == 3) masked = c.mask[(b * c.S + i) * T + j] == 0;
        if (c.mask_dims.size() == 1 && c.mask_dims[0] == c.B) masked = j >= c.mask[b];
        if (c.mask_dims.size() == 1 && c.mask_dims[0] == 2 * c.B) masked = j >= c.mask[b] || j < c.mask[c.B + b];
        float v = masked ? c.filter : 0.f;
        if (c.unidirectional && j > c.P + i) v += c.filter;
        m[(b * c.S + i) * T + j] = v;
      }
    }
  }
  return Tensor::FromVector<float>(m, {c.B, 1, c.S, T});
}

std::vector<OrtValue> Reference(const Config& c, const Tensor& x, const Tensor& w, const Tensor& bias,
                                const Tensor* past, const Tensor* attn_bias) {
  const int64_t d = c.H / c.N, dv = c.Hv / c.N;
  const float scale = c.scale != 0.f ? c.scale : 1.f / std::sqrt(static_cast<float>(d));
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, x.Shape().GetDims());
  mb.Initializer("W", w);
  mb.Initializer("add_mask", AdditiveMask(c));
  mb.Node("MatMul", {"X", "W"}, {"mm"});
  std::string qkv = "mm";
  if (c.bias) {
    mb.Initializer("bias", bias);
    mb.Node("Add", {"mm", "bias"}, {"qkv"});
    qkv = "qkv";
  }
  mb.Initializer<int64_t>("axis2", {1}, {2});
  mb.Initializer<int64_t>("axis0", {1}, {0});
  const int64_t bounds[4] = {0, c.H, 2 * c.H, 2 * c.H + c.Hv};
  const char* names[3] = {"q", "k", "v"};
  for (int i = 0; i < 3; ++i) {
    const std::string n = names[i];
    mb.Initializer<int64_t>(n + "_b", {1}, {bounds[i]});
    mb.Initializer<int64_t>(n + "_e", {1}, {bounds[i + 1]});
    mb.Node("Slice", {qkv, n + "_b", n + "_e", "axis2"}, {n + "_s"});
    mb.Initializer<int64_t>(n + "_shape", {4}, {c.B, c.S, c.N, i == 2 ? dv : d});
    mb.Node("Reshape", {n + "_s", n + "_shape"}, {n + "_r"});
    SetAttr(mb.Node("Transpose", {n + "_r"}, {n + "_h"}), "perm", std::vector<int64_t>{0, 2, 1, 3});
  }
  Feeds feeds = {{"X", OrtValue(x)}};
  std::string k = "k_h", v = "v_h";
  if (past) {
    mb.Input("past", DataType::kFloat, past->Shape().GetDims());
    feeds["past"] = OrtValue(*past);
    SetAttr(mb.Node("Split", {"past"}, {"pk5", "pv5"}), "axis", int64_t{0});
    mb.Node("Squeeze", {"pk5", "axis0"}, {"pk"});
    mb.Node("Squeeze", {"pv5", "axis0"}, {"pv"});
    SetAttr(mb.Node("Concat", {"pk", "k_h"}, {"k_all"}), "axis", int64_t{2});
    SetAttr(mb.Node("Concat", {"pv", "v_h"}, {"v_all"}), "axis", int64_t{2});
    k = "k_all";
    v = "v_all";
  }
  SetAttr(mb.Node("Transpose", {k}, {"k_t"}), "perm", std::vector<int64_t>{0, 1, 3, 2});
  mb.Node("MatMul", {"q_h", "k_t"}, {"qk"});
  mb.Scalar("scale", scale);
  mb.Node("Mul", {"qk", "scale"}, {"scaled"});
  std::string logits = "scaled";
  if (attn_bias) {
    mb.Input("attn_bias", DataType::kFloat, attn_bias->Shape().GetDims());
    feeds["attn_bias"] = OrtValue(*attn_bias);
    mb.Node("Add", {"scaled", "attn_bias"}, {"biased"});
    logits = "biased";
  }
  mb.Node("Add", {logits, "add_mask"}, {"masked"});
  SetAttr(mb.Node("Softmax", {"masked"}, {"probs"}), "axis", int64_t{-1});
  mb.Node("MatMul", {"probs", v}, {"ctx"});
  SetAttr(mb.Node("Transpose", {"ctx"}, {"ctx_t"}), "perm", std::vector<int64_t>{0, 2, 1, 3});
  mb.Initializer<int64_t>("out_shape", {3}, {c.B, c.S, c.Hv});
  mb.Node("Reshape", {"ctx_t", "out_shape"}, {"Y"});
  mb.Output("Y", DataType::kFloat);
  if (past) {
    mb.Node("Unsqueeze", {k, "axis0"}, {"k5"});
    mb.Node("Unsqueeze", {v, "axis0"}, {"v5"});
    SetAttr(mb.Node("Concat", {"k5", "v5"}, {"present"}), "axis", int64_t{0});
    mb.Output("present", DataType::kFloat);
  }
  return RunModel(mb.Build(), 0, feeds);
}

void Check(const Config& c) {
  const int64_t total = 2 * c.H + c.Hv, d = c.H / c.N, T = c.P + c.S;
  Tensor x = RandomValue({c.B, c.S, c.Hin}, 1).Get();
  Tensor w = RandomValue({c.Hin, total}, 2, -0.5f, 0.5f).Get();
  Tensor bias = RandomValue({total}, 3, -0.2f, 0.2f).Get();
  Tensor past = RandomValue({2, c.B, c.N, c.P, d}, 4).Get();
  Tensor ab = RandomValue({c.B, 1, c.S, T}, 5).Get();
  auto ref = Reference(c, x, w, bias, c.P > 0 ? &past : nullptr, c.attn_bias ? &ab : nullptr);
  OpTester t("Attention", 1, "com.microsoft");
  t.AddAttribute("num_heads", c.N);
  if (c.scale != 0.f) t.AddAttribute("scale", c.scale);
  if (c.filter != -10000.f) t.AddAttribute("mask_filter_value", c.filter);
  if (c.unidirectional) t.AddAttribute("unidirectional", int64_t{1});
  if (c.Hv != c.H) t.AddAttribute("qkv_hidden_sizes", std::vector<int64_t>{c.H, c.H, c.Hv});
  t.AddInputTensor("input", x);
  t.AddInputTensor("weights", w, c.constant_weights);
  if (c.bias) {
    t.AddInputTensor("bias", bias);
  } else {
    t.AddMissingInput();
  }
  if (!c.mask_dims.empty()) {
    t.AddInputTensor("mask_index", Tensor::FromVector<int32_t>(c.mask, TensorShape(c.mask_dims)));
  } else {
    t.AddMissingInput();
  }
  if (c.P > 0) {
    t.AddInputTensor("past", past);
  } else {
    t.AddMissingInput();
  }
  if (c.attn_bias) t.AddInputTensor("attention_bias", ab);
  t.AddOutputTensor("output", ref[0].Get());
  if (c.P > 0) t.AddOutputTensor("present", ref[1].Get());
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(ContribAttentionTest, NoMask) {
  Check(Config{});
  Config c;
  c.B = 1;
  c.S = 5;
  c.Hin = 12;
  c.N = 3;
  c.H = c.Hv = 12;
  c.bias = false;
  c.scale = 0.3f;
  Check(c);
}

TEST(ContribAttentionTest, ConstantWeightsPrePacked) {
  Config c;
  c.constant_weights = true;
  Check(c);
  c.B = 1;
  c.S = 13;
  c.Hin = 40;
  c.N = 4;
  c.H = c.Hv = 48;
  c.mask_dims = {1, 13};
  c.mask.assign(13, 1);
  c.mask[12] = 0;
  Check(c);
}

TEST(ContribAttentionTest, RawMasks) {
  Config c;
  c.mask_dims = {2, 3};
  c.mask = {1, 1, 0, 0, 1, 1};
  Check(c);
  c.filter = -std::numeric_limits<float>::infinity();
  Check(c);
  c.mask_dims = {2, 3, 3};
  c.mask = {1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1};
  c.filter = -10000.f;
  Check(c);
}

TEST(ContribAttentionTest, IndexMasks) {
  Config c;
  c.S = 4;
  c.mask_dims = {2};
  c.mask = {3, 1};
  Check(c);
  c.mask_dims = {4};
  c.mask = {4, 3, 1, 0};  // end positions, then start positions
  Check(c);
}

TEST(ContribAttentionTest, UnidirectionalWithAttentionBiasAndPast) {
  Config c;
  c.unidirectional = true;
  Check(c);
  c.attn_bias = true;
  Check(c);
  c.P = 2;
  c.mask_dims = {2, 5};
  c.mask = {1, 1, 1, 1, 1, 0, 1, 1, 1, 1};
  Check(c);
}

TEST(ContribAttentionTest, DifferentValueHiddenSize) {
  Config c;
  c.Hv = 4;
  Check(c);
}

TEST(ContribAttentionTest, BadShapesFail) {
  {
    OpTester t("Attention", 1, "com.microsoft");
    t.AddAttribute("num_heads", int64_t{3});
    t.AddInputTensor("input", RandomValue({1, 2, 4}, 1).Get());
    t.AddInputTensor("weights", RandomValue({4, 12}, 2).Get());
    t.AddOutput<float>("output", {1, 2, 4}, std::vector<float>(8, 0.f));
    t.RunExpectFailure("multiples of num_heads");
  }
  {
    OpTester t("Attention", 1, "com.microsoft");
    t.AddAttribute("num_heads", int64_t{2});
    t.AddInputTensor("input", RandomValue({1, 2, 4}, 1).Get());
    t.AddInputTensor("weights", RandomValue({4, 12}, 2).Get());
    t.AddMissingInput();
    t.AddInput<int32_t>("mask_index", {3}, {1, 1, 1});
    t.AddOutput<float>("output", {1, 2, 4}, std::vector<float>(8, 0.f));
    t.RunExpectFailure("mask_index shape");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
