// Optional, OptionalHasElement, OptionalGetElement: wrapping tensors and sequences, empty
// optionals made from the type attribute, checks on both, and unwrapping an empty optional.
#include <gtest/gtest.h>

#include "cpu/controlflow_test_util.h"

namespace ortlite {
namespace test {
namespace {

using namespace cf;

TEST(SequenceOptionalTest, WrapTensorThenTestAndUnwrap) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 15]>
    m (int32[3] x) => (bool has, int32[3] y) {
      o = Optional(x)
      has = OptionalHasElement(o)
      y = OptionalGetElement(o)
    })");
  for (int opt : {0, 99}) {
    auto out = RunModel(model, {{"x", TensorValue<int32_t>({3}, {1, 2, 3})}}, opt);
    ExpectTensor(out[0], Tensor::FromVector<bool>({true}, {}));
    ExpectTensor(out[1], Tensor::FromVector<int32_t>({1, 2, 3}, {3}));
  }
}

TEST(SequenceOptionalTest, EmptyFromTypeAttribute) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 15]>
    m (float[1] unused) => (bool has, float o) {
      o = Optional<type = float[2]>()
      has = OptionalHasElement(o)
    })");
  Retype(*model.mutable_graph(), "o", OptionalOf(TensorTypeOf(DataType::kFloat)));
  auto out = RunModel(model, {{"unused", TensorValue<float>({1}, {0})}});
  ExpectTensor(out[0], Tensor::FromVector<bool>({false}, {}));
  EXPECT_FALSE(out[1].IsAllocated());
}

TEST(SequenceOptionalTest, WrapSequence) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 15]>
    m (float[2] x) => (bool has, float s) {
      seq = SequenceConstruct(x, x)
      o = Optional(seq)
      has = OptionalHasElement(o)
      s = OptionalGetElement(o)
    })");
  Retype(*model.mutable_graph(), "s", SeqOf(DataType::kFloat));
  auto out = RunModel(model, {{"x", TensorValue<float>({2}, {1, 2})}});
  ExpectTensor(out[0], Tensor::FromVector<bool>({true}, {}));
  ExpectSeq(out[1], {Tensor::FromVector<float>({1, 2}, {2}), Tensor::FromVector<float>({1, 2}, {2})});
}

TEST(SequenceOptionalTest, FedOptionalInputs) {
  const auto type = OptionalOf(TensorTypeOf(DataType::kInt64));
  {
    OpTester t("OptionalHasElement", 15);
    t.AddInputValue("o", OrtValue(), type);
    t.AddOutput<bool>("has", {}, {false});
    t.Run();
  }
  {
    OpTester t("OptionalHasElement", 15);
    t.AddInputValue("o", TensorValue<int64_t>({0}, {}), type);
    t.AddOutput<bool>("has", {}, {true});
    t.Run();
  }
  {
    OpTester t("OptionalGetElement", 15);
    t.AddInputValue("o", TensorValue<int64_t>({2}, {4, 5}), type);
    t.AddOutput<int64_t>("y", {2}, {4, 5});
    t.Run();
  }
}

TEST(SequenceOptionalTest, GetElementOfEmptyFails) {
  OpTester t("OptionalGetElement", 15);
  t.AddInputValue("o", OrtValue(), OptionalOf(TensorTypeOf(DataType::kFloat)));
  t.AddUncheckedOutput("y", DataType::kFloat);
  t.RunExpectFailure("empty");
}

TEST(SequenceOptionalTest, IdentityPassesOptionalsAndSequences) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (float o, float s) => (float o2, float s2) {
      o2 = Identity(o)
      s2 = Identity(s)
    })");
  const auto opt = OptionalOf(SeqOf(DataType::kFloat));
  Retype(*model.mutable_graph(), "o", opt);
  Retype(*model.mutable_graph(), "o2", opt);
  Retype(*model.mutable_graph(), "s", SeqOf(DataType::kFloat));
  Retype(*model.mutable_graph(), "s2", SeqOf(DataType::kFloat));
  const OrtValue seq = SeqValue(DataType::kFloat, {Tensor::FromVector<float>({3}, {1})});
  auto none = RunModel(model, {{"o", OrtValue()}, {"s", seq}});
  EXPECT_FALSE(none[0].IsAllocated());
  ExpectSeq(none[1], {Tensor::FromVector<float>({3}, {1})});
  auto some = RunModel(model, {{"o", seq}, {"s", seq}});
  ExpectSeq(some[0], {Tensor::FromVector<float>({3}, {1})});
}

}  // namespace
}  // namespace test
}  // namespace ortlite
