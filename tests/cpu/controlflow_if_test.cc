// If: branch selection with outer-scope values, branch outputs of differing shapes, passing
// constants and strings through, empty tensors, sequence and optional outputs, every opset form,
// and bad conditions.
#include <gtest/gtest.h>

#include "cpu/controlflow_test_util.h"

namespace ortlite {
namespace test {
namespace {

using namespace cf;

std::string IfModel(int opset) {
  return "<ir_version: 8, opset_import: [\"\" : " + std::to_string(opset) + R"(]>
    m (bool cond, float[N] x) => (float[M] y) {
      y = If<then_branch = g1 () => (float[N] z) { z = Add(x, x) },
             else_branch = g2 () => (float[3] z) { z = Constant<value = float[3] {7, 8, 9}>() }>(cond)
    })";
}

TEST(ControlflowIfTest, ThenBranchReadsOuterScope) {
  for (int opset : {1, 11, 13, 16}) {
    auto out = RunModel(ParseModel(IfModel(opset)),
                        {{"cond", TensorValue<bool>({}, {true})}, {"x", TensorValue<float>({2}, {1, 2})}});
    ExpectTensor(out[0], Tensor::FromVector<float>({2, 4}, {2}));
  }
}

TEST(ControlflowIfTest, ElseBranchWithAnotherShape) {
  for (int opt : {0, 99}) {
    auto out = RunModel(ParseModel(IfModel(16)),
                        {{"cond", TensorValue<bool>({}, {false})}, {"x", TensorValue<float>({2}, {1, 2})}}, opt);
    ExpectTensor(out[0], Tensor::FromVector<float>({7, 8, 9}, {3}));
  }
}

TEST(ControlflowIfTest, ConditionOfShapeOne) {
  auto model = ParseModel(IfModel(11));
  Retype(*model.mutable_graph(), "cond", TensorTypeOf(DataType::kBool));
  auto out = RunModel(model,
                      {{"cond", TensorValue<bool>({1}, {true})}, {"x", TensorValue<float>({3}, {1, 2, 3})}});
  ExpectTensor(out[0], Tensor::FromVector<float>({2, 4, 6}, {3}));
}

TEST(ControlflowIfTest, PassesConstantsAndStringsThrough) {
  const auto model = ParseModel(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    m (bool cond, string[2] names) => (int64[3] y, string[2] s) <int64[3] a = {1, -2, 3}> {
      y, s = If<then_branch = g1 () => (int64[3] p, string[2] q) { p = Identity(a) q = Identity(names) },
                else_branch = g2 () => (int64[3] p, string[2] q) { p = Neg(a) q = Identity(names) }>(cond)
    })");
  for (bool cond : {true, false}) {
    auto out = RunModel(model, {{"cond", TensorValue<bool>({}, {cond})},
                                {"names", TensorValue<std::string>({2}, {"p", "q"})}});
    ExpectTensor(out[0], Tensor::FromVector<int64_t>(cond ? std::vector<int64_t>{1, -2, 3}
                                                          : std::vector<int64_t>{-1, 2, -3}, {3}));
    ExpectTensor(out[1], Tensor::FromVector<std::string>({"p", "q"}, {2}));
    // The fetched constant must be a copy: changing it must not change the next run.
    if (cond) out[0].GetMutable().MutableData<int64_t>()[0] = 100;
  }
  auto again = RunModel(model, {{"cond", TensorValue<bool>({}, {true})},
                                {"names", TensorValue<std::string>({2}, {"p", "q"})}});
  ExpectTensor(again[0], Tensor::FromVector<int64_t>({1, -2, 3}, {3}));
}

TEST(ControlflowIfTest, EmptyTensorOutput) {
  const auto model = ParseModel(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    m (bool cond, float[N, 3] x) => (float[N, 3] y) {
      y = If<then_branch = g1 () => (float[N, 3] z) { z = Relu(x) },
             else_branch = g2 () => (float[N, 3] z) { z = Neg(x) }>(cond)
    })");
  auto out = RunModel(model, {{"cond", TensorValue<bool>({}, {true})}, {"x", TensorValue<float>({0, 3}, {})}});
  ExpectTensor(out[0], Tensor::FromVector<float>({}, {0, 3}));
}

TEST(ControlflowIfTest, SequenceOutput) {
  auto model = ParseModel(R"(
    <ir_version: 8, opset_import: ["" : 13]>
    m (bool cond, float[2] x) => (float s) {
      s = If<then_branch = g1 () => (float t) { t = SequenceConstruct(x, x) },
             else_branch = g2 () => (float t) { t = SequenceConstruct(x) }>(cond)
    })");
  Retype(*model.mutable_graph(), "s", SeqOf(DataType::kFloat));
  Retype(*model.mutable_graph(), "t", SeqOf(DataType::kFloat));
  for (bool cond : {true, false}) {
    auto out = RunModel(model, {{"cond", TensorValue<bool>({}, {cond})}, {"x", TensorValue<float>({2}, {5, 6})}});
    std::vector<Tensor> expected(cond ? 2 : 1, Tensor::FromVector<float>({5, 6}, {2}));
    ExpectSeq(out[0], expected);
  }
}

TEST(ControlflowIfTest, OptionalOutput) {
  auto model = ParseModel(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    m (bool cond, float[2] x) => (float o) {
      o = If<then_branch = g1 () => (float t) { t = Optional(x) },
             else_branch = g2 () => (float t) { t = Optional<type = float[2]>() }>(cond)
    })");
  const auto opt = OptionalOf(TensorTypeOf(DataType::kFloat));
  Retype(*model.mutable_graph(), "o", opt);
  Retype(*model.mutable_graph(), "t", opt);
  auto with = RunModel(model, {{"cond", TensorValue<bool>({}, {true})}, {"x", TensorValue<float>({2}, {5, 6})}});
  ExpectTensor(with[0], Tensor::FromVector<float>({5, 6}, {2}));
  auto without = RunModel(model, {{"cond", TensorValue<bool>({}, {false})}, {"x", TensorValue<float>({2}, {5, 6})}});
  EXPECT_FALSE(without[0].IsAllocated());
}

TEST(ControlflowIfTest, NestedIf) {
  const auto model = ParseModel(R"(
    <ir_version: 8, opset_import: ["" : 16]>
    m (bool a, bool b, float[2] x) => (float[2] y) {
      y = If<then_branch = g1 () => (float[2] z) {
               z = If<then_branch = h1 () => (float[2] w) { w = Add(x, x) },
                      else_branch = h2 () => (float[2] w) { w = Neg(x) }>(b)
             },
             else_branch = g2 () => (float[2] z) { z = Identity(x) }>(a)
    })");
  auto run = [&](bool a, bool b) {
    return RunModel(model, {{"a", TensorValue<bool>({}, {a})}, {"b", TensorValue<bool>({}, {b})},
                            {"x", TensorValue<float>({2}, {1, -3})}});
  };
  ExpectTensor(run(true, true)[0], Tensor::FromVector<float>({2, -6}, {2}));
  ExpectTensor(run(true, false)[0], Tensor::FromVector<float>({-1, 3}, {2}));
  ExpectTensor(run(false, true)[0], Tensor::FromVector<float>({1, -3}, {2}));
}

TEST(ControlflowIfTest, NonBoolConditionFails) {
  auto model = ParseModel(IfModel(16));
  Retype(*model.mutable_graph(), "cond", TensorTypeOf(DataType::kFloat));
  ExpectRunError(model, {{"cond", TensorValue<float>({}, {1})}, {"x", TensorValue<float>({2}, {1, 2})}}, "");
}

TEST(ControlflowIfTest, MultiElementConditionFails) {
  auto model = ParseModel(IfModel(16));
  Retype(*model.mutable_graph(), "cond", TensorTypeOf(DataType::kBool));
  ExpectRunError(model, {{"cond", TensorValue<bool>({2}, {true, false})}, {"x", TensorValue<float>({2}, {1, 2})}},
                 "one element");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
