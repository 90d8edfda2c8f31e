// TreeEnsembleClassifier and TreeEnsembleRegressor (ai.onnx.ml 1 and 3; opset 3 adds the
// *_as_tensor attributes that carry thresholds and weights in double precision).
//
// Each input row walks every tree to a leaf; the leaf's votes add into per-class or per-target
// scores. Features and thresholds are compared in double, so float inputs against float
// thresholds decide exactly as in float. A NaN feature takes the branch that
// nodes_missing_value_tracks_true names.
#include "providers/cpu/ml/tree_ensemble.h"

#include <limits>
#include <map>
#include <utility>

namespace ortlite {
namespace ml {

namespace {

TreeForest::Mode ParseMode(const std::string& s) {
  using Mode = TreeForest::Mode;
  if (s == "BRANCH_LEQ") return Mode::kLeq;
  if (s == "BRANCH_LT") return Mode::kLt;
  if (s == "BRANCH_GTE") return Mode::kGte;
  if (s == "BRANCH_GT") return Mode::kGt;
  if (s == "BRANCH_EQ") return Mode::kEq;
  if (s == "BRANCH_NEQ") return Mode::kNeq;
  if (s == "LEAF") return Mode::kLeaf;
  ThrowError(ErrorCode::kInvalidArgument, "unknown node mode '", s,
             "' in nodes_modes (expected BRANCH_LEQ, BRANCH_LT, BRANCH_GTE, BRANCH_GT, BRANCH_EQ, BRANCH_NEQ or LEAF)");
}

std::vector<int64_t> Ints(const OpKernelInfo& info, const std::string& name) {
  return info.GetAttrOrDefault<std::vector<int64_t>>(name, {});
}

// A per-node attribute must have one entry per node; `optional` ones may also be absent.
template <typename V>
void CheckLength(const V& v, size_t n, const char* name, bool optional) {
  ORTLITE_CHECK_ARG(v.size() == n || (optional && v.empty()), "attribute '", name, "' has ", v.size(),
                    " entries but there are ", n, " nodes");
}

}  // namespace

TreeForest::TreeForest(const OpKernelInfo& info, const std::string& vote_prefix, int64_t num_outputs) {
  const auto tree_ids = Ints(info, "nodes_treeids");
  const auto node_ids = Ints(info, "nodes_nodeids");
  const auto feature_ids = Ints(info, "nodes_featureids");
  const auto true_ids = Ints(info, "nodes_truenodeids");
  const auto false_ids = Ints(info, "nodes_falsenodeids");
  const auto missing = Ints(info, "nodes_missing_value_tracks_true");
  const auto modes = info.GetAttrOrDefault<std::vector<std::string>>("nodes_modes", {});
  const auto thresholds = DoublesAttr(info, "nodes_values");
  const size_t n = node_ids.size();
  ORTLITE_CHECK_ARG(n > 0, "the ensemble has no nodes (nodes_nodeids is empty)");
  ORTLITE_CHECK_ARG(n < static_cast<size_t>(std::numeric_limits<int32_t>::max()), "too many tree nodes: ", n);
  CheckLength(tree_ids, n, "nodes_treeids", false);
  CheckLength(modes, n, "nodes_modes", false);
  CheckLength(missing, n, "nodes_missing_value_tracks_true", true);
  bool any_branch = false;
  for (const auto& m : modes) any_branch |= ParseMode(m) != Mode::kLeaf;
  CheckLength(feature_ids, n, "nodes_featureids", !any_branch);
  CheckLength(true_ids, n, "nodes_truenodeids", !any_branch);
  CheckLength(false_ids, n, "nodes_falsenodeids", !any_branch);
  CheckLength(thresholds, n, "nodes_values", !any_branch);

  std::map<std::pair<int64_t, int64_t>, int32_t> index_of;  // (tree id, node id) -> node index
  std::map<int64_t, int64_t> tree_of;                         // tree id -> tree index, by first appearance
  std::vector<int64_t> tree_order;
  nodes_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    ORTLITE_CHECK_ARG(index_of.emplace(std::make_pair(tree_ids[i], node_ids[i]), static_cast<int32_t>(i)).second,
                      "node id ", node_ids[i], " appears twice in tree ", tree_ids[i]);
    if (tree_of.emplace(tree_ids[i], static_cast<int64_t>(tree_order.size())).second) tree_order.push_back(tree_ids[i]);
    Node& node = nodes_[i];
    node.mode = ParseMode(modes[i]);
    node.missing_goes_true = !missing.empty() && missing[i] != 0;
    if (node.mode == Mode::kLeaf) continue;
    ORTLITE_CHECK_ARG(feature_ids[i] >= 0 && feature_ids[i] < std::numeric_limits<int32_t>::max(), "node ",
                      node_ids[i], " of tree ", tree_ids[i], " has invalid feature id ", feature_ids[i]);
    node.feature = static_cast<int32_t>(feature_ids[i]);
    max_feature_ = std::max<int64_t>(max_feature_, node.feature);
    node.threshold = thresholds[i];
  }

  // Children by index; a node that is nobody's child is its tree's root.
  std::vector<bool> is_child(n, false);
  for (size_t i = 0; i < n; ++i) {
    Node& node = nodes_[i];
    if (node.mode == Mode::kLeaf) continue;
    auto child = [&](int64_t id, const char* which) {
      auto it = index_of.find({tree_ids[i], id});
      ORTLITE_CHECK_ARG(it != index_of.end(), "node ", node_ids[i], " of tree ", tree_ids[i], " has ", which,
                        " child ", id, ", which is not a node of that tree");
      is_child[it->second] = true;
      return it->second;
    };
    node.true_child = child(true_ids[i], "true");
    node.false_child = child(false_ids[i], "false");
  }
  roots_.assign(tree_order.size(), -1);
  for (size_t i = 0; i < n; ++i) {
    int32_t& root = roots_[tree_of[tree_ids[i]]];
    if (root < 0 && !is_child[i]) root = static_cast<int32_t>(i);
  }
  for (size_t t = 0; t < roots_.size(); ++t) {
    ORTLITE_CHECK_ARG(roots_[t] >= 0, "tree ", tree_order[t], " has no root: every node is some node's child");
  }

  // Depth-first walk from each root: reaching a node that is still being explored is a cycle,
  // which would make the evaluation loop forever.
  std::vector<uint8_t> state(n, 0);  // 0 unseen, 1 on the current path, 2 finished
  for (int32_t root : roots_) {
    std::vector<std::pair<int32_t, int>> stack{{root, 0}};
    while (!stack.empty()) {
      auto& [idx, phase] = stack.back();
      const Node& node = nodes_[idx];
      if (phase == 0) {
        if (state[idx] == 2) {
          stack.pop_back();
          continue;
        }
        ORTLITE_CHECK_ARG(state[idx] != 1, "tree ", tree_ids[idx], " has a cycle through node ", node_ids[idx]);
        state[idx] = 1;
        if (node.mode == Mode::kLeaf) {
          state[idx] = 2;
          stack.pop_back();
          continue;
        }
        phase = 1;
        stack.emplace_back(node.true_child, 0);
      } else if (phase == 1) {
        phase = 2;
        stack.emplace_back(node.false_child, 0);
      } else {
        state[idx] = 2;
        stack.pop_back();
      }
    }
  }

  // Votes, grouped by the node they belong to (attribute order kept within a node).
  const auto vote_trees = Ints(info, vote_prefix + "treeids");
  const auto vote_nodes = Ints(info, vote_prefix + "nodeids");
  const auto vote_outputs = Ints(info, vote_prefix + "ids");
  const auto vote_weights = DoublesAttr(info, vote_prefix + "weights");
  const size_t nv = vote_nodes.size();
  for (const auto* v : {&vote_trees, &vote_outputs}) {
    ORTLITE_CHECK_ARG(v->size() == nv, "the ", vote_prefix, "* attributes differ in length");
  }
  ORTLITE_CHECK_ARG(vote_weights.size() == nv, "the ", vote_prefix, "* attributes differ in length");
  std::vector<int32_t> vote_node(nv);
  std::vector<uint32_t> count(n + 1, 0);
  std::vector<bool> seen_output(static_cast<size_t>(std::max<int64_t>(num_outputs, 0)), false);
  for (size_t k = 0; k < nv; ++k) {
    auto it = index_of.find({vote_trees[k], vote_nodes[k]});
    ORTLITE_CHECK_ARG(it != index_of.end(), vote_prefix, "nodeids[", k, "] names node ", vote_nodes[k], " of tree ",
                      vote_trees[k], ", which does not exist");
    ORTLITE_CHECK_ARG(vote_outputs[k] >= 0 && vote_outputs[k] < num_outputs, vote_prefix, "ids[", k, "] = ",
                      vote_outputs[k], " is out of range [0, ", num_outputs, ")");
    vote_node[k] = it->second;
    ++count[it->second + 1];
    if (!seen_output[vote_outputs[k]]) {
      seen_output[vote_outputs[k]] = true;
      voted_outputs_.push_back(vote_outputs[k]);
    }
    if (vote_weights[k] < 0) all_weights_non_negative_ = false;
  }
  for (size_t i = 0; i < n; ++i) count[i + 1] += count[i];
  votes_.resize(nv);
  std::vector<uint32_t> fill(count.begin(), count.end() - 1);
  for (size_t k = 0; k < nv; ++k) votes_[fill[vote_node[k]]++] = Vote{vote_outputs[k], vote_weights[k]};
  for (size_t i = 0; i < n; ++i) {
    nodes_[i].votes_begin = count[i];
    nodes_[i].votes_end = count[i + 1];
  }
}

namespace {

// Rows of X with at least as many features as the trees read.
FeatureMatrix ReadForestInput(const OpKernelContext& ctx, const TreeForest& forest, const char* op) {
  FeatureMatrix x = ReadFeatures(ctx.RequiredInput(0), op);
  ORTLITE_CHECK_ARG(x.rows == 0 || x.cols >= forest.RequiredFeatures(), op, ": the trees read feature ",
                    forest.RequiredFeatures() - 1, " but X has ", x.cols, " features per row");
  return x;
}

double RowCost(const TreeForest& forest) { return 40.0 * static_cast<double>(forest.NumTrees()) + 20.0; }

class TreeEnsembleClassifier final : public OpKernel {
 public:
  explicit TreeEnsembleClassifier(const OpKernelInfo& info)
      : OpKernel(info),
        labels_(info, "classlabels_int64s", "classlabels_strings"),
        forest_(info, "class_", labels_.size()),
        base_(DoublesAttr(info, "base_values")),
        post_(PostTransformAttr(info)) {
    const int64_t classes = labels_.size();
    // Two classes with every vote on one class id: the votes score the second (positive) class
    // alone, as gradient-boosted binary models are exported.
    binary_ = classes == 2 && forest_.VotedOutputs().size() == 1;
    ORTLITE_CHECK_ARG(base_.empty() || static_cast<int64_t>(base_.size()) == classes || (binary_ && base_.size() == 1),
                      "base_values has ", base_.size(), " entries for ", classes, " classes");
  }

  void Compute(OpKernelContext& ctx) const override {
    const FeatureMatrix x = ReadForestInput(ctx, forest_, "TreeEnsembleClassifier");
    const int64_t classes = labels_.size();
    Tensor* y = ctx.Output(0, {x.rows}, labels_.Type());
    Tensor* z = ctx.Output(1, {x.rows, classes}, DataType::kFloat);
    float* pz = z->MutableData<float>();
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.rows, RowCost(forest_), [&](int64_t begin, int64_t end) {
      // Row r's class scores are scores[(r - begin) * classes ...].
      std::vector<double> scores((end - begin) * classes, 0.0);
      if (base_.size() == static_cast<size_t>(classes)) {
        for (int64_t r = 0; r < end - begin; ++r) std::copy(base_.begin(), base_.end(), scores.begin() + r * classes);
      }
      forest_.ForEachVote(x, begin, end, [&](int64_t r, const TreeForest::Vote& v) {
        scores[(r - begin) * classes + v.output] += v.weight;
      });
      for (int64_t r = begin; r < end; ++r) {
        double* s = scores.data() + (r - begin) * classes;
        if (binary_) {
          const double positive = s[forest_.VotedOutputs()[0]] + (base_.size() == 1 ? base_[0] : 0.0);
          // Non-negative votes read as a probability of the positive class; signed votes as a
          // margin, which the transforms (or nothing) turn into the two columns.
          const bool probability = post_ == PostTransform::kProbit ||
                                   (post_ == PostTransform::kNone && forest_.AllWeightsNonNegative());
          s[0] = probability ? 1.0 - positive : -positive;
          s[1] = positive;
        }
        ApplyPostTransform(post_, s, classes);
        labels_.Write(*y, r, ArgMax(s, classes));
        for (int64_t c = 0; c < classes; ++c) pz[r * classes + c] = static_cast<float>(s[c]);
      }
    });
  }

 private:
  ClassLabels labels_;
  TreeForest forest_;
  std::vector<double> base_;
  PostTransform post_;
  bool binary_ = false;
};

enum class Aggregate { kSum, kAverage, kMin, kMax };

Aggregate ParseAggregate(const std::string& s) {
  if (s == "SUM") return Aggregate::kSum;
  if (s == "AVERAGE") return Aggregate::kAverage;
  if (s == "MIN") return Aggregate::kMin;
  if (s == "MAX") return Aggregate::kMax;
  ThrowError(ErrorCode::kInvalidArgument, "unknown aggregate_function '", s, "' (expected SUM, AVERAGE, MIN or MAX)");
}

// n_targets, or one more than the largest target id when the attribute is absent.
int64_t TargetCount(const OpKernelInfo& info) {
  if (info.HasAttr("n_targets")) {
    const int64_t n = info.GetAttr<int64_t>("n_targets");
    ORTLITE_CHECK_ARG(n > 0, "n_targets must be positive, got ", n);
    return n;
  }
  int64_t n = 1;
  for (int64_t id : Ints(info, "target_ids")) n = std::max(n, id + 1);
  return n;
}

class TreeEnsembleRegressor final : public OpKernel {
 public:
  explicit TreeEnsembleRegressor(const OpKernelInfo& info)
      : OpKernel(info),
        targets_(TargetCount(info)),
        forest_(info, "target_", targets_),
        base_(DoublesAttr(info, "base_values")),
        post_(PostTransformAttr(info)),
        aggregate_(ParseAggregate(info.GetAttrOrDefault<std::string>("aggregate_function", "SUM"))) {
    ORTLITE_CHECK_ARG(base_.empty() || static_cast<int64_t>(base_.size()) == targets_, "base_values has ",
                      base_.size(), " entries for ", targets_, " targets");
  }

  void Compute(OpKernelContext& ctx) const override {
    const FeatureMatrix x = ReadForestInput(ctx, forest_, "TreeEnsembleRegressor");
    Tensor* y = ctx.Output(0, {x.rows, targets_}, DataType::kFloat);
    float* py = y->MutableData<float>();
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.rows, RowCost(forest_), [&](int64_t begin, int64_t end) {
      // Row r's target values are acc[(r - begin) * targets_ ...]; `voted` marks those some
      // leaf voted for (MIN and MAX start from the first vote).
      std::vector<double> acc((end - begin) * targets_, 0.0);
      std::vector<uint8_t> voted(acc.size(), 0);
      forest_.ForEachVote(x, begin, end, [&](int64_t r, const TreeForest::Vote& v) {
        const size_t k = static_cast<size_t>((r - begin) * targets_ + v.output);
        double& a = acc[k];
        switch (aggregate_) {
          case Aggregate::kSum:
          case Aggregate::kAverage:
            a += v.weight;
            break;
          case Aggregate::kMin:
            a = voted[k] ? std::min(a, v.weight) : v.weight;
            break;
          case Aggregate::kMax:
            a = voted[k] ? std::max(a, v.weight) : v.weight;
            break;
        }
        voted[k] = 1;
      });
      for (int64_t r = begin; r < end; ++r) {
        double* a = acc.data() + (r - begin) * targets_;
        for (int64_t k = 0; k < targets_; ++k) {
          if (aggregate_ == Aggregate::kAverage) a[k] /= static_cast<double>(forest_.NumTrees());
          if (!base_.empty()) a[k] += base_[k];
        }
        ApplyPostTransform(post_, a, targets_);
        for (int64_t k = 0; k < targets_; ++k) py[r * targets_ + k] = static_cast<float>(a[k]);
      }
    });
  }

 private:
  int64_t targets_;
  TreeForest forest_;
  std::vector<double> base_;
  PostTransform post_;
  Aggregate aggregate_;
};

}  // namespace

CPU_KERNEL_EX(TreeEnsembleClassifier, kMLDomain, 1, 3, TreeEnsembleClassifier, KernelDefBuilder())
CPU_KERNEL_EX(TreeEnsembleRegressor, kMLDomain, 1, 3, TreeEnsembleRegressor, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
