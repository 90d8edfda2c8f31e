// ai.onnx.ml TreeEnsembleRegressor and TreeEnsembleClassifier (opsets 1 and 3): every branch
// mode, NaN routing, the four aggregate functions, base values, every post_transform, the
// binary-classifier conventions, double-precision *_as_tensor attributes, node lists in any
// order, every input type, empty inputs and malformed forests.
//
// Most tests share one forest over two features: tree 0 splits on x0 <= 0.5, tree 1 on x1 < 1,
// each into leaves 1 (true) and 2 (false). The four rows of kRows reach the leaves
// (1,1), (2,2), (1,2) and (2,1). Expected values are hand sums of the leaf votes; transforms
// were computed with numpy.
#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

constexpr const char* kML = "ai.onnx.ml";
using Strings = std::vector<std::string>;
using Ints = std::vector<int64_t>;
using Floats = std::vector<float>;
const float kNaN = std::numeric_limits<float>::quiet_NaN();

const Floats kRows = {0, 0, 1, 2, 0, 5, 1, 0};

void AddTwoTrees(OpTester& t) {
  t.AddAttribute("nodes_treeids", Ints{0, 0, 0, 1, 1, 1});
  t.AddAttribute("nodes_nodeids", Ints{0, 1, 2, 0, 1, 2});
  t.AddAttribute("nodes_featureids", Ints{0, 0, 0, 1, 0, 0});
  t.AddAttribute("nodes_modes", Strings{"BRANCH_LEQ", "LEAF", "LEAF", "BRANCH_LT", "LEAF", "LEAF"});
  t.AddAttribute("nodes_values", Floats{0.5f, 0, 0, 1, 0, 0});
  t.AddAttribute("nodes_truenodeids", Ints{1, 0, 0, 1, 0, 0});
  t.AddAttribute("nodes_falsenodeids", Ints{2, 0, 0, 2, 0, 0});
}

// Votes as (tree, node, output id, weight) columns under `prefix` ("target_" or "class_").
void AddVotes(OpTester& t, const std::string& prefix, Ints trees, Ints nodes, Ints ids, Floats weights) {
  t.AddAttribute(prefix + "treeids", trees);
  t.AddAttribute(prefix + "nodeids", nodes);
  t.AddAttribute(prefix + "ids", ids);
  t.AddAttribute(prefix + "weights", weights);
}

onnx::TensorProto DoubleTensor(const std::vector<double>& values) {
  onnx::TensorProto p;
  p.set_data_type(onnx::TensorProto::DOUBLE);
  p.add_dims(static_cast<int64_t>(values.size()));
  for (double v : values) p.add_double_data(v);
  return p;
}

// ---- TreeEnsembleRegressor ----------------------------------------------------------------

// Tree 0: leaf 1 -> t0 += 1; leaf 2 -> t0 += 3, t1 += -1. Tree 1: leaf 1 -> t0 += 10; leaf 2 -> t1 += 4.
void AddTwoTargetRegressor(OpTester& t, const char* aggregate) {
  AddTwoTrees(t);
  AddVotes(t, "target_", {0, 0, 0, 1, 1}, {1, 2, 2, 1, 2}, {0, 0, 1, 0, 1}, {1, 3, -1, 10, 4});
  t.AddAttribute("n_targets", int64_t{2});
  t.AddAttribute("aggregate_function", aggregate);
}

void RunAggregate(const char* aggregate, const Floats& expected) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  AddTwoTargetRegressor(t, aggregate);
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<float>("Y", {4, 2}, expected);
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, Sum) { RunAggregate("SUM", {11, 0, 3, 3, 1, 4, 13, -1}); }

TEST(MLTreeEnsembleRegressorTest, AverageDividesByTreeCount) {
  RunAggregate("AVERAGE", {5.5f, 0, 1.5f, 1.5f, 0.5f, 2, 6.5f, -0.5f});
}

TEST(MLTreeEnsembleRegressorTest, MinAndMaxOverVotes) {
  // A target no reached leaf votes for stays 0 (row 0, target 1).
  RunAggregate("MIN", {1, 0, 3, -1, 1, 4, 3, -1});
  RunAggregate("MAX", {10, 0, 3, 4, 1, 4, 10, -1});
}

TEST(MLTreeEnsembleRegressorTest, BaseValuesAddedAfterAggregation) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  AddTwoTargetRegressor(t, "AVERAGE");
  t.AddAttribute("base_values", Floats{0.5f, -0.5f});
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<float>("Y", {4, 2}, {6, -0.5f, 2, 1, 1, 1.5f, 7, -1});
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, SoftmaxOverTargets) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  AddTwoTargetRegressor(t, "SUM");
  t.AddAttribute("base_values", Floats{10, 5});
  t.AddAttribute("post_transform", "SOFTMAX");
  t.AddInput<float>("X", {1, 2}, {0, 0});
  t.AddOutput<float>("Y", {1, 2}, {0.999999887f, 1.12535162e-07f});
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, LogisticOnSingleTarget) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  AddTwoTrees(t);
  AddVotes(t, "target_", {0, 0, 1, 1}, {1, 2, 1, 2}, {0, 0, 0, 0}, {0.5f, -1, 0.5f, -1});
  t.AddAttribute("n_targets", int64_t{1});
  t.AddAttribute("post_transform", "LOGISTIC");
  t.AddInput<float>("X", {2, 2}, {0, 0, 1, 2});
  t.AddOutput<float>("Y", {2, 1}, {0.731058579f, 0.119202922f});
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, TargetCountInferredFromIds) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  AddTwoTrees(t);
  AddVotes(t, "target_", {0, 0, 1, 1}, {1, 2, 1, 2}, {0, 2, 0, 2}, {1, 2, 3, 4});
  t.AddInput<float>("X", {2, 2}, {0, 0, 1, 2});
  t.AddOutput<float>("Y", {2, 3}, {4, 0, 0, 0, 0, 6});
  t.Run();
}

// One split x0 <mode> 2 with leaves 1.0 (true) and 0.0 (false).
void RunSplit(const char* mode, const Floats& x, const Floats& expected, int64_t missing_true = -1) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  t.AddAttribute("nodes_treeids", Ints{0, 0, 0});
  t.AddAttribute("nodes_nodeids", Ints{0, 1, 2});
  t.AddAttribute("nodes_featureids", Ints{0, 0, 0});
  t.AddAttribute("nodes_modes", Strings{mode, "LEAF", "LEAF"});
  t.AddAttribute("nodes_values", Floats{2, 0, 0});
  t.AddAttribute("nodes_truenodeids", Ints{1, 0, 0});
  t.AddAttribute("nodes_falsenodeids", Ints{2, 0, 0});
  if (missing_true >= 0) t.AddAttribute("nodes_missing_value_tracks_true", Ints{missing_true, 0, 0});
  AddVotes(t, "target_", {0, 0}, {1, 2}, {0, 0}, {1, 0});
  t.AddAttribute("n_targets", int64_t{1});
  const int64_t n = static_cast<int64_t>(x.size());
  t.AddInput<float>("X", {n, 1}, x);
  t.AddOutput<float>("Y", {n, 1}, expected);
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, EveryBranchMode) {
  const Floats x = {1, 2, 3};
  RunSplit("BRANCH_LEQ", x, {1, 1, 0});
  RunSplit("BRANCH_LT", x, {1, 0, 0});
  RunSplit("BRANCH_GTE", x, {0, 1, 1});
  RunSplit("BRANCH_GT", x, {0, 0, 1});
  RunSplit("BRANCH_EQ", x, {0, 1, 0});
  RunSplit("BRANCH_NEQ", x, {1, 0, 1});
}

TEST(MLTreeEnsembleRegressorTest, MissingValueTracks) {
  // NaN follows nodes_missing_value_tracks_true whatever the comparison; absent means false.
  RunSplit("BRANCH_NEQ", {kNaN, 1}, {0, 1});
  RunSplit("BRANCH_NEQ", {kNaN, 1}, {0, 1}, 0);
  RunSplit("BRANCH_LEQ", {kNaN, 3}, {1, 0}, 1);
  RunSplit("BRANCH_GT", {kNaN, 3}, {1, 1}, 1);
}

TEST(MLTreeEnsembleRegressorTest, NodesInAnyOrderWithSparseIds) {
  // Leaves first, ids not starting at 0: the root is the node no other node points to.
  OpTester t("TreeEnsembleRegressor", 1, kML);
  t.AddAttribute("nodes_treeids", Ints{5, 5, 5});
  t.AddAttribute("nodes_nodeids", Ints{7, 3, 9});
  t.AddAttribute("nodes_featureids", Ints{0, 0, 1});
  t.AddAttribute("nodes_modes", Strings{"LEAF", "LEAF", "BRANCH_LEQ"});
  t.AddAttribute("nodes_values", Floats{0, 0, 0});
  t.AddAttribute("nodes_truenodeids", Ints{0, 0, 7});
  t.AddAttribute("nodes_falsenodeids", Ints{0, 0, 3});
  AddVotes(t, "target_", {5, 5}, {7, 3}, {0, 0}, {1, 2});
  t.AddInput<float>("X", {2, 2}, {9, -1, 9, 1});
  t.AddOutput<float>("Y", {2, 1}, {1, 2});
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, SharedSubtreeAndSeveralVotesPerLeaf) {
  // Both branches of the root lead to node 1 (a DAG, not a cycle); leaf 2 votes twice.
  OpTester t("TreeEnsembleRegressor", 1, kML);
  t.AddAttribute("nodes_treeids", Ints{0, 0, 0, 0});
  t.AddAttribute("nodes_nodeids", Ints{0, 1, 2, 3});
  t.AddAttribute("nodes_featureids", Ints{0, 0, 0, 0});
  t.AddAttribute("nodes_modes", Strings{"BRANCH_LEQ", "BRANCH_GT", "LEAF", "LEAF"});
  t.AddAttribute("nodes_values", Floats{0, 5, 0, 0});
  t.AddAttribute("nodes_truenodeids", Ints{1, 2, 0, 0});
  t.AddAttribute("nodes_falsenodeids", Ints{1, 3, 0, 0});
  AddVotes(t, "target_", {0, 0, 0}, {2, 2, 3}, {0, 0, 0}, {1, 0.5f, -4});
  t.AddInput<float>("X", {3, 1}, {-1, 6, 3});
  t.AddOutput<float>("Y", {3, 1}, {-4, 1.5f, -4});
  t.Run();
}

TEST(MLTreeEnsembleRegressorTest, Opset3DoubleThresholdsAndWeights) {
  // 0.10000000005 is above the double threshold 0.1 but below 0.1f (0.10000000149).
  for (bool as_tensor : {true, false}) {
    OpTester t("TreeEnsembleRegressor", 3, kML);
    t.AddAttribute("nodes_treeids", Ints{0, 0, 0});
    t.AddAttribute("nodes_nodeids", Ints{0, 1, 2});
    t.AddAttribute("nodes_featureids", Ints{0, 0, 0});
    t.AddAttribute("nodes_modes", Strings{"BRANCH_LEQ", "LEAF", "LEAF"});
    if (as_tensor) {
      t.AddAttribute("nodes_values_as_tensor", DoubleTensor({0.1, 0, 0}));
      t.AddAttribute("target_weights_as_tensor", DoubleTensor({1.25, 2.5}));
      t.AddAttribute("base_values_as_tensor", DoubleTensor({0.5}));
    } else {
      t.AddAttribute("nodes_values", Floats{0.1f, 0, 0});
      t.AddAttribute("target_weights", Floats{1.25f, 2.5f});
      t.AddAttribute("base_values", Floats{0.5f});
    }
    t.AddAttribute("nodes_truenodeids", Ints{1, 0, 0});
    t.AddAttribute("nodes_falsenodeids", Ints{2, 0, 0});
    t.AddAttribute("target_treeids", Ints{0, 0});
    t.AddAttribute("target_nodeids", Ints{1, 2});
    t.AddAttribute("target_ids", Ints{0, 0});
    t.AddAttribute("n_targets", int64_t{1});
    t.AddInput<double>("X", {1, 1}, {0.10000000005});
    t.AddOutput<float>("Y", {1, 1}, {as_tensor ? 3.0f : 1.75f});
    t.Run();
  }
}

TEST(MLTreeEnsembleRegressorTest, EveryInputType) {
  auto check = [](auto tag, int opset) {
    using T = typename decltype(tag)::type;
    OpTester t("TreeEnsembleRegressor", opset, kML);
    AddTwoTargetRegressor(t, "SUM");
    t.AddInput<T>("X", {4, 2}, {T(0), T(0), T(1), T(2), T(0), T(5), T(1), T(0)});
    t.AddOutput<float>("Y", {4, 2}, {11, 0, 3, 3, 1, 4, 13, -1});
    t.Run();
  };
  for (int opset : {1, 3}) {
    check(TypeTag<float>{}, opset);
    check(TypeTag<double>{}, opset);
    check(TypeTag<int32_t>{}, opset);
    check(TypeTag<int64_t>{}, opset);
  }
}

TEST(MLTreeEnsembleRegressorTest, OneDimensionalAndEmpty) {
  {
    OpTester t("TreeEnsembleRegressor", 1, kML);
    AddTwoTargetRegressor(t, "SUM");
    t.AddInput<float>("X", {2}, {1, 2});
    t.AddOutput<float>("Y", {1, 2}, {3, 3});
    t.Run();
  }
  {
    OpTester t("TreeEnsembleRegressor", 1, kML);
    AddTwoTargetRegressor(t, "SUM");
    t.AddInput<float>("X", {0, 2}, {});
    t.AddOutput<float>("Y", {0, 2}, {});
    t.Run();
  }
}

TEST(MLTreeEnsembleRegressorTest, ManyRowsInParallel) {
  // Enough rows to be split across threads; every row's answer is known.
  const int64_t n = 5000;
  Floats x, expected;
  const Floats per_row[4] = {{11, 0}, {3, 3}, {1, 4}, {13, -1}};
  for (int64_t i = 0; i < n; ++i) {
    x.push_back(kRows[2 * (i % 4)]);
    x.push_back(kRows[2 * (i % 4) + 1]);
    expected.insert(expected.end(), per_row[i % 4].begin(), per_row[i % 4].end());
  }
  OpTester t("TreeEnsembleRegressor", 1, kML);
  AddTwoTargetRegressor(t, "SUM");
  t.AddInput<float>("X", {n, 2}, x);
  t.AddOutput<float>("Y", {n, 2}, expected);
  t.Run();
}

// Malformed forests: one tree 0 -> (1, 2) with `change` applied.
void ExpectBadForest(const std::string& error, void (*change)(OpTester&), int64_t features = 1) {
  OpTester t("TreeEnsembleRegressor", 1, kML);
  change(t);
  t.AddAttribute("nodes_treeids", Ints{0, 0, 0});
  t.AddAttribute("nodes_modes", Strings{"BRANCH_LEQ", "LEAF", "LEAF"});
  t.AddAttribute("nodes_values", Floats{0, 0, 0});
  t.AddAttribute("n_targets", int64_t{1});
  Floats x(static_cast<size_t>(features), 0.0f);
  t.AddInput<float>("X", {1, features}, x);
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure(error);
}

void GoodNodes(OpTester& t, Ints true_ids, Ints false_ids, Ints features = {0, 0, 0}) {
  t.AddAttribute("nodes_nodeids", Ints{0, 1, 2});
  t.AddAttribute("nodes_featureids", features);
  t.AddAttribute("nodes_truenodeids", true_ids);
  t.AddAttribute("nodes_falsenodeids", false_ids);
}

TEST(MLTreeEnsembleRegressorTest, MalformedForests) {
  ExpectBadForest("has true child 5, which is not a node of that tree", [](OpTester& t) {
    GoodNodes(t, {5, 0, 0}, {2, 0, 0});
    AddVotes(t, "target_", {0}, {1}, {0}, {1});
  });
  ExpectBadForest("target_ids[0] = 1 is out of range [0, 1)", [](OpTester& t) {
    GoodNodes(t, {1, 0, 0}, {2, 0, 0});
    AddVotes(t, "target_", {0}, {1}, {1}, {1});
  });
  ExpectBadForest("target_nodeids[0] names node 4 of tree 0, which does not exist", [](OpTester& t) {
    GoodNodes(t, {1, 0, 0}, {2, 0, 0});
    AddVotes(t, "target_", {0}, {4}, {0}, {1});
  });
  ExpectBadForest(
      "the trees read feature 3 but X has 1 features per row",
      [](OpTester& t) {
        GoodNodes(t, {1, 0, 0}, {2, 0, 0}, {3, 0, 0});
        AddVotes(t, "target_", {0}, {1}, {0}, {1});
      },
      1);
  ExpectBadForest("'nodes_featureids' has 2 entries but there are 3 nodes", [](OpTester& t) {
    GoodNodes(t, {1, 0, 0}, {2, 0, 0}, {0, 0});
    AddVotes(t, "target_", {0}, {1}, {0}, {1});
  });
}

TEST(MLTreeEnsembleRegressorTest, CycleIsRejected) {
  // 0 -> 1, and node 1 branches back to itself.
  OpTester t("TreeEnsembleRegressor", 1, kML);
  t.AddAttribute("nodes_treeids", Ints{0, 0, 0});
  t.AddAttribute("nodes_nodeids", Ints{0, 1, 2});
  t.AddAttribute("nodes_featureids", Ints{0, 0, 0});
  t.AddAttribute("nodes_modes", Strings{"BRANCH_LEQ", "BRANCH_LEQ", "LEAF"});
  t.AddAttribute("nodes_values", Floats{0, 0, 0});
  t.AddAttribute("nodes_truenodeids", Ints{1, 1, 0});
  t.AddAttribute("nodes_falsenodeids", Ints{2, 2, 0});
  AddVotes(t, "target_", {0}, {2}, {0}, {1});
  t.AddInput<float>("X", {1, 1}, {0});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("tree 0 has a cycle through node 1");
}

TEST(MLTreeEnsembleRegressorTest, TreeWithoutRootIsRejected) {
  // Two branches pointing at each other: every node is a child.
  OpTester t("TreeEnsembleRegressor", 1, kML);
  t.AddAttribute("nodes_treeids", Ints{0, 0});
  t.AddAttribute("nodes_nodeids", Ints{0, 1});
  t.AddAttribute("nodes_featureids", Ints{0, 0});
  t.AddAttribute("nodes_modes", Strings{"BRANCH_LEQ", "BRANCH_LEQ"});
  t.AddAttribute("nodes_values", Floats{0, 0});
  t.AddAttribute("nodes_truenodeids", Ints{1, 0});
  t.AddAttribute("nodes_falsenodeids", Ints{1, 0});
  t.AddInput<float>("X", {1, 1}, {0});
  t.AddUncheckedOutput("Y", DataType::kFloat);
  t.RunExpectFailure("tree 0 has no root");
}

TEST(MLTreeEnsembleRegressorTest, UnknownModeAndAggregate) {
  {
    OpTester t("TreeEnsembleRegressor", 1, kML);
    AddTwoTargetRegressor(t, "MEDIAN");
    t.AddInput<float>("X", {1, 2}, {0, 0});
    t.AddUncheckedOutput("Y", DataType::kFloat);
    t.RunExpectFailure("unknown aggregate_function 'MEDIAN'");
  }
  {
    OpTester t("TreeEnsembleRegressor", 1, kML);
    t.AddAttribute("nodes_treeids", Ints{0});
    t.AddAttribute("nodes_nodeids", Ints{0});
    t.AddAttribute("nodes_modes", Strings{"BRANCH_SOMETIMES"});
    t.AddInput<float>("X", {1, 1}, {0});
    t.AddUncheckedOutput("Y", DataType::kFloat);
    t.RunExpectFailure("unknown node mode 'BRANCH_SOMETIMES'");
  }
}

// ---- TreeEnsembleClassifier ---------------------------------------------------------------

// Three classes. Tree 0: leaf 1 -> (c0 .4, c1 .1), leaf 2 -> c2 .5. Tree 1: leaf 1 -> (c0 .1,
// c1 .2), leaf 2 -> c2 .6. Row sums: [.5 .3 0], [0 0 1.1], [.4 .1 .6], [.1 .2 .5].
void AddThreeClassVotes(OpTester& t) {
  AddTwoTrees(t);
  AddVotes(t, "class_", {0, 0, 0, 1, 1, 1}, {1, 1, 2, 1, 1, 2}, {0, 1, 2, 0, 1, 2}, {0.4f, 0.1f, 0.5f, 0.1f, 0.2f, 0.6f});
}

TEST(MLTreeEnsembleClassifierTest, MultiClassSums) {
  for (int opset : {1, 3}) {
    OpTester t("TreeEnsembleClassifier", opset, kML);
    AddThreeClassVotes(t);
    t.AddAttribute("classlabels_int64s", Ints{10, 20, 30});
    t.AddInput<float>("X", {4, 2}, kRows);
    t.AddOutput<int64_t>("Y", {4}, {10, 30, 30, 30});
    t.AddOutput<float>("Z", {4, 3}, {0.5f, 0.3f, 0, 0, 0, 1.1f, 0.4f, 0.1f, 0.6f, 0.1f, 0.2f, 0.5f});
    t.Run();
  }
}

TEST(MLTreeEnsembleClassifierTest, BaseValuesAndSoftmaxWithStringLabels) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddThreeClassVotes(t);
  t.AddAttribute("classlabels_strings", Strings{"a", "b", "c"});
  t.AddAttribute("base_values", Floats{0.1f, 0, -0.2f});
  t.AddAttribute("post_transform", "SOFTMAX");
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<std::string>("Y", {4}, {"a", "c", "a", "c"});
  t.AddOutput<float>("Z", {4, 3},
                     {0.456590318f, 0.338250427f, 0.205159255f, 0.242108571f, 0.219068894f, 0.538822534f, 0.388325768f,
                      0.260302547f, 0.351371685f, 0.322043464f, 0.322043464f, 0.355913071f});
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, SoftmaxZero) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddThreeClassVotes(t);
  t.AddAttribute("classlabels_int64s", Ints{0, 1, 2});
  t.AddAttribute("post_transform", "SOFTMAX_ZERO");
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<int64_t>("Y", {4}, {0, 2, 2, 2});
  t.AddOutput<float>("Z", {4, 3},
                     {0.549833997f, 0.450166003f, 0, 0, 0, 1, 0.337584538f, 0.250088777f, 0.412326686f, 0.278009791f,
                      0.307248336f, 0.414741873f});
  t.Run();
}

// Two classes, every vote on class id 0 (gradient-boosting style): tree 0 leaves 1.5 / -0.8,
// tree 1 leaves 0.4 / -0.2, base -0.3. Margins per row: 1.6, -1.3, 1.0, -0.7.
void AddBinaryMargins(OpTester& t) {
  AddTwoTrees(t);
  AddVotes(t, "class_", {0, 0, 1, 1}, {1, 2, 1, 2}, {0, 0, 0, 0}, {1.5f, -0.8f, 0.4f, -0.2f});
  t.AddAttribute("base_values", Floats{-0.3f});
}

TEST(MLTreeEnsembleClassifierTest, BinaryLogisticGivesBothProbabilities) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddBinaryMargins(t);
  t.AddAttribute("classlabels_int64s", Ints{0, 1});
  t.AddAttribute("post_transform", "LOGISTIC");
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<int64_t>("Y", {4}, {1, 0, 1, 0});
  t.AddOutput<float>("Z", {4, 2},
                     {0.167981615f, 0.832018385f, 0.785834983f, 0.214165017f, 0.268941421f, 0.731058579f, 0.668187772f,
                      0.331812228f});
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, BinarySoftmaxOfMargins) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddBinaryMargins(t);
  t.AddAttribute("classlabels_strings", Strings{"no", "yes"});
  t.AddAttribute("post_transform", "SOFTMAX");
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<std::string>("Y", {4}, {"yes", "no", "yes", "no"});
  t.AddOutput<float>("Z", {4, 2},
                     {0.0391657228f, 0.960834277f, 0.93086158f, 0.0691384203f, 0.119202922f, 0.880797078f,
                      0.802183889f, 0.197816111f});
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, BinaryRawMarginsWithSignedVotes) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddBinaryMargins(t);
  t.AddAttribute("classlabels_int64s", Ints{-1, 1});
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<int64_t>("Y", {4}, {1, -1, 1, -1});
  t.AddOutput<float>("Z", {4, 2}, {-1.6f, 1.6f, 1.3f, -1.3f, -1.0f, 1.0f, 0.7f, -0.7f});
  t.Run();
}

// Two classes, non-negative votes on class 1 only: the sums are probabilities of class 1
// (0.3, 0.85, 0.55, 0.6).
void AddBinaryProbabilities(OpTester& t) {
  AddTwoTrees(t);
  AddVotes(t, "class_", {0, 0, 1, 1}, {1, 2, 1, 2}, {1, 1, 1, 1}, {0.1f, 0.4f, 0.2f, 0.45f});
}

TEST(MLTreeEnsembleClassifierTest, BinaryNonNegativeVotesAreProbabilities) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddBinaryProbabilities(t);
  t.AddAttribute("classlabels_int64s", Ints{0, 1});
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<int64_t>("Y", {4}, {0, 1, 1, 1});
  t.AddOutput<float>("Z", {4, 2}, {0.7f, 0.3f, 0.15f, 0.85f, 0.45f, 0.55f, 0.4f, 0.6f});
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, BinaryProbit) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddBinaryProbabilities(t);
  t.AddAttribute("classlabels_int64s", Ints{0, 1});
  t.AddAttribute("post_transform", "PROBIT");
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<int64_t>("Y", {4}, {0, 1, 1, 1});
  t.AddOutput<float>("Z", {4, 2},
                     {0.524400513f, -0.524400513f, -1.03643339f, 1.03643339f, -0.125661347f, 0.125661347f,
                      -0.253347103f, 0.253347103f});
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, TwoClassesWithVotesForBoth) {
  // Random-forest style: each leaf votes for both classes, so no binary special case.
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddTwoTrees(t);
  AddVotes(t, "class_", {0, 0, 0, 0, 1, 1, 1}, {1, 1, 2, 2, 1, 1, 2}, {0, 1, 0, 1, 0, 1, 1},
           {0.4f, 0.1f, 0.1f, 0.4f, 0.3f, 0.2f, 0.5f});
  t.AddAttribute("classlabels_strings", Strings{"a", "b"});
  t.AddInput<float>("X", {4, 2}, kRows);
  t.AddOutput<std::string>("Y", {4}, {"a", "b", "b", "b"});
  t.AddOutput<float>("Z", {4, 2}, {0.7f, 0.3f, 0.1f, 0.9f, 0.4f, 0.6f, 0.4f, 0.6f});
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, Opset3ClassWeightsAsTensor) {
  OpTester t("TreeEnsembleClassifier", 3, kML);
  AddTwoTrees(t);
  t.AddAttribute("class_treeids", Ints{0, 0, 1, 1});
  t.AddAttribute("class_nodeids", Ints{1, 2, 1, 2});
  t.AddAttribute("class_ids", Ints{0, 1, 0, 1});
  t.AddAttribute("class_weights_as_tensor", DoubleTensor({0.25, 0.5, 0.125, 1.0}));
  t.AddAttribute("base_values_as_tensor", DoubleTensor({0.0, 0.0625}));
  t.AddAttribute("classlabels_int64s", Ints{3, 4});
  t.AddInput<double>("X", {2, 2}, {0, 0, 1, 2});
  t.AddOutput<int64_t>("Y", {2}, {3, 4});
  t.AddOutput<float>("Z", {2, 2}, {0.375f, 0.0625f, 0, 1.5625f});
  t.Run();
}

TEST(MLTreeEnsembleClassifierTest, EveryInputTypeOneDimensionalAndEmpty) {
  auto check = [](auto tag) {
    using T = typename decltype(tag)::type;
    OpTester t("TreeEnsembleClassifier", 1, kML);
    AddThreeClassVotes(t);
    t.AddAttribute("classlabels_int64s", Ints{10, 20, 30});
    t.AddInput<T>("X", {2, 2}, {T(0), T(0), T(1), T(2)});
    t.AddOutput<int64_t>("Y", {2}, {10, 30});
    t.AddOutput<float>("Z", {2, 3}, {0.5f, 0.3f, 0, 0, 0, 1.1f});
    t.Run();
  };
  check(TypeTag<float>{});
  check(TypeTag<double>{});
  check(TypeTag<int32_t>{});
  check(TypeTag<int64_t>{});
  {
    OpTester t("TreeEnsembleClassifier", 1, kML);
    AddThreeClassVotes(t);
    t.AddAttribute("classlabels_int64s", Ints{10, 20, 30});
    t.AddInput<float>("X", {2}, {0, 0});
    t.AddOutput<int64_t>("Y", {1}, {10});
    t.AddOutput<float>("Z", {1, 3}, {0.5f, 0.3f, 0});
    t.Run();
  }
  {
    OpTester t("TreeEnsembleClassifier", 3, kML);
    AddThreeClassVotes(t);
    t.AddAttribute("classlabels_strings", Strings{"a", "b", "c"});
    t.AddInput<float>("X", {0, 2}, {});
    t.AddOutput<std::string>("Y", {0}, {});
    t.AddOutput<float>("Z", {0, 3}, {});
    t.Run();
  }
}

TEST(MLTreeEnsembleClassifierTest, ClassIdOutOfRange) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddTwoTrees(t);
  AddVotes(t, "class_", {0}, {1}, {3}, {1});
  t.AddAttribute("classlabels_int64s", Ints{0, 1, 2});
  t.AddInput<float>("X", {1, 2}, {0, 0});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("class_ids[0] = 3 is out of range [0, 3)");
}

TEST(MLTreeEnsembleClassifierTest, BaseValuesCountMustMatchClasses) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddThreeClassVotes(t);
  t.AddAttribute("classlabels_int64s", Ints{0, 1, 2});
  t.AddAttribute("base_values", Floats{1, 2});
  t.AddInput<float>("X", {1, 2}, {0, 0});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("base_values has 2 entries for 3 classes");
}

TEST(MLTreeEnsembleClassifierTest, NeedsClassLabels) {
  OpTester t("TreeEnsembleClassifier", 1, kML);
  AddThreeClassVotes(t);
  t.AddInput<float>("X", {1, 2}, {0, 0});
  t.AddUncheckedOutput("Y", DataType::kInt64);
  t.AddUncheckedOutput("Z", DataType::kFloat);
  t.RunExpectFailure("exactly one of 'classlabels_int64s' and 'classlabels_strings'");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
