// SequenceEmpty, SequenceConstruct, SequenceAt, SequenceInsert, SequenceErase, SequenceLength:
// positions (negative, omitted, at both ends), several element types including strings, empty
// tensors and sequences, and out-of-range or mistyped inputs.
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

// A float sequence [ {1}, {2, 3}, {4, 5, 6} ].
OrtValue ThreeFloats() { return SeqValue(DataType::kFloat, {F({1}), F({2, 3}), F({4, 5, 6})}); }

TEST(SequenceOpsTest, EmptyHasDtype) {
  for (auto [attr, type] : {std::pair<int64_t, DataType>{-1, DataType::kFloat}, {7, DataType::kInt64},
                            {8, DataType::kString}, {10, DataType::kFloat16}}) {
    OpTester t("SequenceEmpty", 11);
    if (attr >= 0) t.AddAttribute("dtype", attr);
    t.AddUncheckedOutput("s", DataType::kUndefined);
    auto out = t.RunAndFetch();
    ASSERT_TRUE(out[0].IsSequence());
    EXPECT_TRUE(out[0].GetSequence().values.empty());
    EXPECT_EQ(out[0].GetSequence().elem_type, type);
  }
}

TEST(SequenceOpsTest, ConstructKeepsOrderAndTypes) {
  OpTester t("SequenceConstruct", 11);
  t.AddInput<int32_t>("a", {2}, {1, 2});
  t.AddInput<int32_t>("b", {0}, {});
  t.AddInput<int32_t>("c", {1, 1}, {7}, /*is_initializer=*/true);
  t.AddUncheckedOutput("s", DataType::kUndefined);
  auto out = t.RunAndFetch();
  ExpectSeq(out[0], {Tensor::FromVector<int32_t>({1, 2}, {2}), Tensor::FromVector<int32_t>({}, {0}),
                     Tensor::FromVector<int32_t>({7}, {1, 1})});
  EXPECT_EQ(out[0].GetSequence().elem_type, DataType::kInt32);
}

TEST(SequenceOpsTest, ConstructStrings) {
  OpTester t("SequenceConstruct", 11);
  t.AddInput<std::string>("a", {2}, {"x", "yz"});
  t.AddInput<std::string>("b", {}, {""});
  t.AddUncheckedOutput("s", DataType::kUndefined);
  auto out = t.RunAndFetch();
  ExpectSeq(out[0], {Tensor::FromVector<std::string>({"x", "yz"}, {2}), Tensor::FromVector<std::string>({""}, {})});
}

TEST(SequenceOpsTest, ConstructMixedTypesFails) {
  OpTester t("SequenceConstruct", 11);
  t.AddInput<float>("a", {1}, {1});
  t.AddInput<double>("b", {1}, {2});
  t.AddUncheckedOutput("s", DataType::kUndefined);
  t.RunExpectFailure("");
}

TEST(SequenceOpsTest, AtPositiveAndNegative) {
  const std::vector<std::pair<int64_t, Tensor>> cases = {{0, F({1})}, {2, F({4, 5, 6})}, {-1, F({4, 5, 6})},
                                                         {-3, F({1})}, {1, F({2, 3})}};
  for (const auto& [pos, expected] : cases) {
    for (bool as_int32 : {false, true}) {
      OpTester t("SequenceAt", 11);
      t.AddInputValue("s", ThreeFloats(), SeqOf(DataType::kFloat));
      if (as_int32) {
        t.AddInput<int32_t>("p", {}, {static_cast<int32_t>(pos)});
      } else {
        t.AddInput<int64_t>("p", {}, {pos});
      }
      t.AddOutputTensor("y", expected);
      t.Run();
    }
  }
}

TEST(SequenceOpsTest, AtOutOfRangeFails) {
  for (int64_t pos : {3, -4}) {
    OpTester t("SequenceAt", 11);
    t.AddInputValue("s", ThreeFloats(), SeqOf(DataType::kFloat));
    t.AddInput<int64_t>("p", {}, {pos});
    t.AddUncheckedOutput("y", DataType::kFloat);
    t.RunExpectFailure("out of range");
  }
}

std::vector<OrtValue> Insert(const OrtValue& seq, const Tensor& value, const int64_t* pos) {
  OpTester t("SequenceInsert", 11);
  t.AddInputValue("s", seq, SeqOf(DataType::kFloat));
  t.AddInputTensor("t", value);
  if (pos) t.AddInput<int64_t>("p", {}, {*pos});
  t.AddUncheckedOutput("out", DataType::kUndefined);
  return t.RunAndFetch();
}

TEST(SequenceOpsTest, InsertAtPositions) {
  const Tensor v = F({9, 9});
  ExpectSeq(Insert(ThreeFloats(), v, nullptr)[0], {F({1}), F({2, 3}), F({4, 5, 6}), v});
  const std::vector<std::pair<int64_t, std::vector<Tensor>>> cases = {
      {0, {v, F({1}), F({2, 3}), F({4, 5, 6})}},
      {3, {F({1}), F({2, 3}), F({4, 5, 6}), v}},
      {-1, {F({1}), F({2, 3}), v, F({4, 5, 6})}},
      {-3, {v, F({1}), F({2, 3}), F({4, 5, 6})}},
      {1, {F({1}), v, F({2, 3}), F({4, 5, 6})}},
  };
  for (const auto& [pos, expected] : cases) ExpectSeq(Insert(ThreeFloats(), v, &pos)[0], expected);
}

TEST(SequenceOpsTest, InsertIntoEmptySequence) {
  const Tensor v = F({});
  ExpectSeq(Insert(SeqValue(DataType::kFloat, {}), v, nullptr)[0], {v});
  const int64_t zero = 0;
  ExpectSeq(Insert(SeqValue(DataType::kFloat, {}), v, &zero)[0], {v});
}

TEST(SequenceOpsTest, InsertLeavesInputSequenceUnchanged) {
  const OrtValue seq = ThreeFloats();
  Insert(seq, F({7}), nullptr);
  ExpectSeq(seq, {F({1}), F({2, 3}), F({4, 5, 6})});
}

TEST(SequenceOpsTest, InsertOutOfRangeOrWrongTypeFails) {
  for (int64_t pos : {4, -4}) {
    OpTester t("SequenceInsert", 11);
    t.AddInputValue("s", ThreeFloats(), SeqOf(DataType::kFloat));
    t.AddInputTensor("t", F({1}));
    t.AddInput<int64_t>("p", {}, {pos});
    t.AddUncheckedOutput("out", DataType::kUndefined);
    t.RunExpectFailure("out of range");
  }
  OpTester t("SequenceInsert", 11);
  t.AddInputValue("s", ThreeFloats(), SeqOf(DataType::kFloat));
  t.AddInput<int64_t>("t", {1}, {1});
  t.AddUncheckedOutput("out", DataType::kUndefined);
  t.RunExpectFailure("");
}

std::vector<OrtValue> Erase(const OrtValue& seq, const int64_t* pos) {
  OpTester t("SequenceErase", 11);
  t.AddInputValue("s", seq, SeqOf(DataType::kFloat));
  if (pos) t.AddInput<int64_t>("p", {}, {*pos});
  t.AddUncheckedOutput("out", DataType::kUndefined);
  return t.RunAndFetch();
}

TEST(SequenceOpsTest, EraseAtPositions) {
  ExpectSeq(Erase(ThreeFloats(), nullptr)[0], {F({1}), F({2, 3})});
  const std::vector<std::pair<int64_t, std::vector<Tensor>>> cases = {
      {0, {F({2, 3}), F({4, 5, 6})}}, {1, {F({1}), F({4, 5, 6})}}, {-3, {F({2, 3}), F({4, 5, 6})}},
      {-1, {F({1}), F({2, 3})}}};
  for (const auto& [pos, expected] : cases) ExpectSeq(Erase(ThreeFloats(), &pos)[0], expected);
}

TEST(SequenceOpsTest, EraseFromEmptyOrOutOfRangeFails) {
  {
    OpTester t("SequenceErase", 11);
    t.AddInputValue("s", SeqValue(DataType::kFloat, {}), SeqOf(DataType::kFloat));
    t.AddUncheckedOutput("out", DataType::kUndefined);
    t.RunExpectFailure("empty sequence");
  }
  OpTester t("SequenceErase", 11);
  t.AddInputValue("s", ThreeFloats(), SeqOf(DataType::kFloat));
  t.AddInput<int64_t>("p", {}, {3});
  t.AddUncheckedOutput("out", DataType::kUndefined);
  t.RunExpectFailure("out of range");
}

TEST(SequenceOpsTest, Length) {
  for (int n : {0, 1, 3}) {
    std::vector<Tensor> elems(n, F({1, 2}));
    OpTester t("SequenceLength", 11);
    t.AddInputValue("s", SeqValue(DataType::kFloat, elems), SeqOf(DataType::kFloat));
    t.AddOutput<int64_t>("n", {}, {n});
    t.Run();
  }
}

TEST(SequenceOpsTest, ChainInOneModel) {
  // Build, insert, erase and read back within one graph, so arena-held intermediates end up in
  // sequences that outlive them.
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 11]>
    m (float[2] a, float[2] b) => (float[2] first, float[2] last, int64 n, float s) {
      a2 = Add(a, a)
      b2 = Mul(b, b)
      s0 = SequenceConstruct(a2, b2)
      ab = Sub(a, b)
      s1 = SequenceInsert(s0, ab)
      zero = Constant<value = int64 {0}>()
      s = SequenceErase(s1, zero)
      first = SequenceAt(s, zero)
      minus1 = Constant<value = int64 {-1}>()
      last = SequenceAt(s, minus1)
      n = SequenceLength(s)
    })");
  Retype(*model.mutable_graph(), "s", SeqOf(DataType::kFloat));
  for (int opt : {0, 99}) {
    auto out = RunModel(model, {{"a", TensorValue<float>({2}, {1, 2})}, {"b", TensorValue<float>({2}, {3, 4})}}, opt);
    ExpectTensor(out[0], F({9, 16}));
    ExpectTensor(out[1], F({-2, -2}));
    ExpectTensor(out[2], Tensor::FromVector<int64_t>({2}, {}));
    ExpectSeq(out[3], {F({9, 16}), F({-2, -2})});
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
