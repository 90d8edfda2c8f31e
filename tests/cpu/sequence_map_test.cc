// SequenceMap: one or several sequences iterated together, extra tensor inputs passed whole,
// several outputs, outer-scope reads, bodies that return their inputs, empty sequences, and
// sequences of different lengths.
#include <gtest/gtest.h>

#include "cpu/controlflow_test_util.h"

namespace ortlite {
namespace test {
namespace {

using namespace cf;

Tensor F(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector<float>(v, {n});
}

onnx::ModelProto MapModel(const std::string& text, const std::vector<std::string>& seq_names) {
  auto model = ParseModel(text);
  for (const auto& name : seq_names) Retype(*model.mutable_graph(), name, SeqOf(DataType::kFloat));
  return model;
}

TEST(SequenceMapTest, SequenceAndTensorWithTwoOutputs) {
  auto model = MapModel(R"(<ir_version: 8, opset_import: ["" : 17]>
    m (float xs, float[1] bias) => (float sums, float shapes) {
      sums, shapes = SequenceMap<body = b (float[N] x, float[1] y) => (float[N] s, int64[1] n) {
        s = Add(x, y)
        n = Shape(x)
      }>(xs, bias)
    })", {"xs", "sums"});
  Retype(*model.mutable_graph(), "shapes", SeqOf(DataType::kInt64));
  for (int opt : {0, 99}) {
    auto out = RunModel(model, {{"xs", SeqValue(DataType::kFloat, {F({1, 2}), F({}), F({3})})},
                                {"bias", TensorValue<float>({1}, {10})}}, opt);
    ExpectSeq(out[0], {F({11, 12}), F({}), F({13})});
    ExpectSeq(out[1], {Tensor::FromVector<int64_t>({2}, {1}), Tensor::FromVector<int64_t>({0}, {1}),
                       Tensor::FromVector<int64_t>({1}, {1})});
  }
}

TEST(SequenceMapTest, TwoSequencesAndOuterScope) {
  auto model = MapModel(R"(<ir_version: 8, opset_import: ["" : 17]>
    m (float a, float b, float[1] scale) => (float out) {
      out = SequenceMap<body = g (float[N] x, float[N] y) => (float[N] z) {
        xy = Mul(x, y)
        z = Mul(xy, scale)
      }>(a, b)
    })", {"a", "b", "out"});
  auto out = RunModel(model, {{"a", SeqValue(DataType::kFloat, {F({1, 2}), F({3})})},
                              {"b", SeqValue(DataType::kFloat, {F({4, 5}), F({6})})},
                              {"scale", TensorValue<float>({1}, {2})}});
  ExpectSeq(out[0], {F({8, 20}), F({36})});
}

TEST(SequenceMapTest, IdentityBodyReturnsCopies) {
  // The body hands back its own inputs; the results must stay valid after the run.
  auto model = MapModel(R"(<ir_version: 8, opset_import: ["" : 17]>
    m (float xs, float[2] t) => (float a, float b) {
      t2 = Add(t, t)
      a, b = SequenceMap<body = g (float[N] x, float[2] y) => (float[N] p, float[2] q) {
        p = Identity(x)
        q = Identity(y)
      }>(xs, t2)
    })", {"xs", "a", "b"});
  auto out = RunModel(model, {{"xs", SeqValue(DataType::kFloat, {F({1}), F({2, 3})})},
                              {"t", TensorValue<float>({2}, {4, 5})}});
  ExpectSeq(out[0], {F({1}), F({2, 3})});
  ExpectSeq(out[1], {F({8, 10}), F({8, 10})});
}

TEST(SequenceMapTest, EmptySequence) {
  auto model = MapModel(R"(<ir_version: 8, opset_import: ["" : 17]>
    m (float xs) => (float ys) {
      ys = SequenceMap<body = g (float[N] x) => (float[N] y) { y = Neg(x) }>(xs)
    })", {"xs", "ys"});
  auto out = RunModel(model, {{"xs", SeqValue(DataType::kFloat, {})}});
  ExpectSeq(out[0], {});
  EXPECT_EQ(out[0].GetSequence().elem_type, DataType::kFloat);
}

TEST(SequenceMapTest, DifferentLengthsFail) {
  auto model = MapModel(R"(<ir_version: 8, opset_import: ["" : 17]>
    m (float a, float b) => (float out) {
      out = SequenceMap<body = g (float[N] x, float[N] y) => (float[N] z) { z = Add(x, y) }>(a, b)
    })", {"a", "b", "out"});
  ExpectRunError(model, {{"a", SeqValue(DataType::kFloat, {F({1}), F({2})})},
                         {"b", SeqValue(DataType::kFloat, {F({1})})}},
                 "differ in length");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
