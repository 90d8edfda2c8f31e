// SplitToSequence (split scalar / 1-D / absent, keepdims, negative axes, uneven and empty
// splits) and ConcatFromSequence (axis, new_axis, negative axes, strings, zero-size parts), plus
// inconsistent shapes that must fail.
#include <gtest/gtest.h>

#include "cpu/controlflow_test_util.h"

namespace ortlite {
namespace test {
namespace {

using namespace cf;

// x is [2, 3] = {{1, 2, 3}, {4, 5, 6}}.
std::vector<OrtValue> Split(int64_t axis, const Tensor* split, int64_t keepdims = 1,
                            const Tensor& x = Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, {2, 3})) {
  OpTester t("SplitToSequence", 11);
  t.AddAttribute("axis", axis);
  if (keepdims != 1) t.AddAttribute("keepdims", keepdims);
  t.AddInputTensor("x", x);
  if (split) t.AddInputTensor("split", *split);
  t.AddUncheckedOutput("s", DataType::kUndefined);
  return t.RunAndFetch();
}

Tensor Floats(std::vector<float> v, std::vector<int64_t> dims) { return Tensor::FromVector<float>(v, dims); }

TEST(SequenceSplitConcatTest, SplitWithoutSplitKeepsOrDropsAxis) {
  ExpectSeq(Split(1, nullptr)[0], {Floats({1, 4}, {2, 1}), Floats({2, 5}, {2, 1}), Floats({3, 6}, {2, 1})});
  ExpectSeq(Split(1, nullptr, 0)[0], {Floats({1, 4}, {2}), Floats({2, 5}, {2}), Floats({3, 6}, {2})});
  ExpectSeq(Split(-2, nullptr, 0)[0], {Floats({1, 2, 3}, {3}), Floats({4, 5, 6}, {3})});
}

TEST(SequenceSplitConcatTest, SplitScalarChunksWithShortLast) {
  const Tensor two = Tensor::FromVector<int64_t>({2}, {});
  ExpectSeq(Split(1, &two)[0], {Floats({1, 2, 4, 5}, {2, 2}), Floats({3, 6}, {2, 1})});
  // keepdims is ignored when split is given
  ExpectSeq(Split(-1, &two, 0)[0], {Floats({1, 2, 4, 5}, {2, 2}), Floats({3, 6}, {2, 1})});
  const Tensor big = Tensor::FromVector<int32_t>({5}, {});
  ExpectSeq(Split(0, &big)[0], {Floats({1, 2, 3, 4, 5, 6}, {2, 3})});
}

TEST(SequenceSplitConcatTest, SplitLengthsIncludingZero) {
  const Tensor lengths = Tensor::FromVector<int64_t>({1, 0, 2}, {3});
  ExpectSeq(Split(1, &lengths)[0], {Floats({1, 4}, {2, 1}), Floats({}, {2, 0}), Floats({2, 3, 5, 6}, {2, 2})});
}

TEST(SequenceSplitConcatTest, SplitStringsAndEmptyInput) {
  const Tensor words = Tensor::FromVector<std::string>({"a", "b", "c", "d"}, {4});
  const Tensor three_one = Tensor::FromVector<int64_t>({3, 1}, {2});
  ExpectSeq(Split(0, &three_one, 1, words)[0], {Tensor::FromVector<std::string>({"a", "b", "c"}, {3}),
                                                Tensor::FromVector<std::string>({"d"}, {1})});
  auto empty = Split(0, nullptr, 1, Floats({}, {0, 3}));
  ExpectSeq(empty[0], {});
  auto rows_of_nothing = Split(0, nullptr, 0, Floats({}, {2, 0}));
  ExpectSeq(rows_of_nothing[0], {Floats({}, {0}), Floats({}, {0})});
}

TEST(SequenceSplitConcatTest, SplitBadLengthsFail) {
  const Tensor wrong_sum = Tensor::FromVector<int64_t>({1, 1}, {2});
  OpTester t("SplitToSequence", 11);
  t.AddAttribute("axis", int64_t{1});
  t.AddInput<float>("x", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInputTensor("split", wrong_sum);
  t.AddUncheckedOutput("s", DataType::kUndefined);
  t.RunExpectFailure("sum to");

  OpTester z("SplitToSequence", 11);
  z.AddInput<float>("x", {2}, {1, 2});
  z.AddInput<int64_t>("split", {}, {0});
  z.AddUncheckedOutput("s", DataType::kUndefined);
  z.RunExpectFailure("positive");

  OpTester a("SplitToSequence", 11);
  a.AddAttribute("axis", int64_t{2});
  a.AddInput<float>("x", {2}, {1, 2});
  a.AddUncheckedOutput("s", DataType::kUndefined);
  a.RunExpectFailure("");
}

void Concat(const OrtValue& seq, DataType type, int64_t axis, int64_t new_axis, Tensor expected) {
  OpTester t("ConcatFromSequence", 11);
  t.AddAttribute("axis", axis);
  if (new_axis) t.AddAttribute("new_axis", new_axis);
  t.AddInputValue("s", seq, SeqOf(type));
  t.AddOutputTensor("y", expected);
  t.Run();
}

TEST(SequenceSplitConcatTest, ConcatAlongExistingAxis) {
  const OrtValue seq = SeqValue(DataType::kFloat, {Floats({1, 2}, {2, 1}), Floats({3, 4, 5, 6}, {2, 2})});
  Concat(seq, DataType::kFloat, 1, 0, Floats({1, 3, 4, 2, 5, 6}, {2, 3}));
  Concat(seq, DataType::kFloat, -1, 0, Floats({1, 3, 4, 2, 5, 6}, {2, 3}));
  const OrtValue rows = SeqValue(DataType::kFloat, {Floats({1, 2}, {1, 2}), Floats({}, {0, 2}), Floats({3, 4}, {1, 2})});
  Concat(rows, DataType::kFloat, 0, 0, Floats({1, 2, 3, 4}, {2, 2}));
}

TEST(SequenceSplitConcatTest, ConcatOnNewAxis) {
  const OrtValue seq = SeqValue(DataType::kInt64, {Tensor::FromVector<int64_t>({1, 2}, {2}),
                                                   Tensor::FromVector<int64_t>({3, 4}, {2}),
                                                   Tensor::FromVector<int64_t>({5, 6}, {2})});
  Concat(seq, DataType::kInt64, 0, 1, Tensor::FromVector<int64_t>({1, 2, 3, 4, 5, 6}, {3, 2}));
  Concat(seq, DataType::kInt64, 1, 1, Tensor::FromVector<int64_t>({1, 3, 5, 2, 4, 6}, {2, 3}));
  Concat(seq, DataType::kInt64, -1, 1, Tensor::FromVector<int64_t>({1, 3, 5, 2, 4, 6}, {2, 3}));
  const OrtValue scalars = SeqValue(DataType::kInt64, {Tensor::FromVector<int64_t>({7}, {}),
                                                       Tensor::FromVector<int64_t>({8}, {})});
  Concat(scalars, DataType::kInt64, 0, 1, Tensor::FromVector<int64_t>({7, 8}, {2}));
}

TEST(SequenceSplitConcatTest, ConcatStrings) {
  const OrtValue seq = SeqValue(DataType::kString, {Tensor::FromVector<std::string>({"a"}, {1}),
                                                    Tensor::FromVector<std::string>({"bc", "d"}, {2})});
  Concat(seq, DataType::kString, 0, 0, Tensor::FromVector<std::string>({"a", "bc", "d"}, {3}));
}

TEST(SequenceSplitConcatTest, SplitThenConcatRoundTrip) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 11]>
    m (float[2, 5] x) => (float[2, 5] y) {
      s = SplitToSequence<axis = 1>(x)
      y = ConcatFromSequence<axis = 1>(s)
    })");
  std::vector<float> x(10);
  for (int i = 0; i < 10; ++i) x[i] = i * 0.5f;
  auto out = RunModel(model, {{"x", TensorValue<float>({2, 5}, x)}});
  ExpectTensor(out[0], Floats(x, {2, 5}));
}

TEST(SequenceSplitConcatTest, ConcatBadInputsFail) {
  const OrtValue mismatched = SeqValue(DataType::kFloat, {Floats({1, 2}, {1, 2}), Floats({1, 2, 3}, {1, 3})});
  OpTester t("ConcatFromSequence", 11);
  t.AddAttribute("axis", int64_t{0});
  t.AddInputValue("s", mismatched, SeqOf(DataType::kFloat));
  t.AddUncheckedOutput("y", DataType::kFloat);
  t.RunExpectFailure("incompatible");

  OpTester e("ConcatFromSequence", 11);
  e.AddAttribute("axis", int64_t{0});
  e.AddInputValue("s", SeqValue(DataType::kFloat, {}), SeqOf(DataType::kFloat));
  e.AddUncheckedOutput("y", DataType::kFloat);
  e.RunExpectFailure("non-empty");

  OpTester a("ConcatFromSequence", 11);
  a.AddAttribute("axis", int64_t{2});
  a.AddInputValue("s", SeqValue(DataType::kFloat, {Floats({1, 2}, {2})}), SeqOf(DataType::kFloat));
  a.AddUncheckedOutput("y", DataType::kFloat);
  a.RunExpectFailure("out of range");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
