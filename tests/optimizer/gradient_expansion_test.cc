#include <gtest/gtest.h>

#include "core/session/inference_session.h"

namespace ortlite {
namespace test {
namespace {

void AddInput(onnx::GraphProto& g, const std::string& name, const std::vector<int64_t>& dims) {
  auto* vi = g.add_input();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

onnx::NodeProto* AddNode(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& in,
                         const std::vector<std::string>& out, const std::string& domain = "") {
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_domain(domain);
  for (const auto& i : in) n->add_input(i);
  for (const auto& o : out) n->add_output(o);
  return n;
}

// y = (a - b) / c with a [2,3], b [3] (broadcast), c [2,3]; gradients of y w.r.t. a, b, c.
onnx::ModelProto GradientModel(const std::string& middle_op) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  auto* t = m.add_opset_import();
  t->set_domain("ai.onnx.preview.training");
  t->set_version(1);
  auto& g = *m.mutable_graph();
  g.set_name("grad");
  AddInput(g, "a", {2, 3});
  AddInput(g, "b", {3});
  AddInput(g, "c", {2, 3});
  AddNode(g, middle_op, {"a", "b"}, {"d"});
  AddNode(g, "Div", {"d", "c"}, {"y"});
  auto* grad = AddNode(g, "Gradient", {"a", "b", "c"}, {"ga", "gb", "gc"}, "ai.onnx.preview.training");
  auto* xs = grad->add_attribute();
  xs->set_name("xs");
  xs->set_type(onnx::AttributeProto::STRINGS);
  for (const char* x : {"a", "b", "c"}) xs->add_strings(x);
  auto* y = grad->add_attribute();
  y->set_name("y");
  y->set_type(onnx::AttributeProto::STRING);
  y->set_s("y");
  for (const char* o : {"y", "ga", "gb", "gc"}) {
    auto* vi = g.add_output();
    vi->set_name(o);
    vi->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  }
  return m;
}

std::vector<OrtValue> RunGradientModel(const onnx::ModelProto& m, const std::vector<float>& a, const std::vector<float>& b,
                          const std::vector<float>& c) {
  std::string bytes;
  m.SerializeToString(&bytes);
  InferenceSession s(SessionOptions{});
  s.Load(bytes.data(), bytes.size());
  s.Initialize();
  RunOptions ro;
  return s.Run(ro, {"a", "b", "c"},
               {OrtValue(Tensor::FromVector(a, {2, 3})), OrtValue(Tensor::FromVector(b, {3})),
                OrtValue(Tensor::FromVector(c, {2, 3}))},
               {"y", "ga", "gb", "gc"});
}

TEST(GradientExpansionTest, SubDivWithBroadcasting) {
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{0.5f, 1, 2}, c{2, 4, 8, 1, 2, 4};
  auto out = RunGradientModel(GradientModel("Sub"), a, b, c);
  for (int i = 0; i < 6; ++i) {
    const int j = i % 3;
    EXPECT_NEAR(out[1].Get().Data<float>()[i], 1.f / c[i], 1e-6) << i;                             // dy/da
    EXPECT_NEAR(out[3].Get().Data<float>()[i], -(a[i] - b[j]) / (c[i] * c[i]), 1e-6) << i;         // dy/dc
  }
  for (int j = 0; j < 3; ++j) {
    // b is broadcast over two rows: its gradient sums them.
    EXPECT_NEAR(out[2].Get().Data<float>()[j], -1.f / c[j] - 1.f / c[j + 3], 1e-6) << j;
  }
  EXPECT_EQ(out[2].Get().Shape(), TensorShape({3}));
}

TEST(GradientExpansionTest, MulProductRule) {
  const std::vector<float> a{1, 2, 3, 4, 5, 6}, b{0.5f, 1, 2}, c{1, 1, 1, 1, 1, 1};
  auto out = RunGradientModel(GradientModel("Mul"), a, b, c);
  for (int i = 0; i < 6; ++i) EXPECT_NEAR(out[1].Get().Data<float>()[i], b[i % 3], 1e-6);
  for (int j = 0; j < 3; ++j) EXPECT_NEAR(out[2].Get().Data<float>()[j], a[j] + a[j + 3], 1e-6);
}

TEST(GradientExpansionTest, UnsupportedOpNamesIt) {
  try {
    RunGradientModel(GradientModel("Pow"), {1, 2, 3, 4, 5, 6}, {1, 1, 1}, {1, 1, 1, 1, 1, 1});
    FAIL();
  } catch (const OrtliteError& e) {
    EXPECT_NE(std::string(e.what()).find("no derivative for op Pow"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
