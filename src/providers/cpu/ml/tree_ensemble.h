// The decision-tree forest shared by TreeEnsembleClassifier and TreeEnsembleRegressor: nodes from
// the nodes_* attributes flattened into one array with children as indices, and the leaf votes
// (class_* or target_* attributes) grouped per leaf. Checked once at construction: equal lengths,
// children that exist, no cycles, votes that name existing nodes and valid output indices.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {

class TreeForest {
 public:
  enum class Mode : uint8_t { kLeq, kLt, kGte, kGt, kEq, kNeq, kLeaf };

  struct Vote {
    int64_t output;  // class or target index
    double weight;
  };

  struct Node {
    double threshold = 0;
    int64_t feature = 0;
    int32_t true_child = -1;
    int32_t false_child = -1;
    Mode mode = Mode::kLeaf;
    bool missing_goes_true = false;
    uint32_t votes_begin = 0;  // this node's votes are votes_[votes_begin, votes_end)
    uint32_t votes_end = 0;
  };

  // `vote_prefix` is "class_" or "target_"; votes must name outputs in [0, num_outputs).
  TreeForest(const OpKernelInfo& info, const std::string& vote_prefix, int64_t num_outputs);

  int64_t NumTrees() const { return static_cast<int64_t>(roots_.size()); }
  // Smallest feature count an input row needs.
  int64_t RequiredFeatures() const { return max_feature_ + 1; }
  bool AllWeightsNonNegative() const { return all_weights_non_negative_; }
  // The class ids the votes name, each once (for the binary classifier case).
  const std::vector<int64_t>& VotedOutputs() const { return voted_outputs_; }

  // The leaf that row `x` reaches in tree `tree`.
  const Node& Leaf(int64_t tree, const double* x) const {
    const Node* n = &nodes_[roots_[tree]];
    while (n->mode != Mode::kLeaf) n = &nodes_[GoesTrue(*n, x[n->feature]) ? n->true_child : n->false_child];
    return *n;
  }
  const Vote* VotesBegin(const Node& leaf) const { return votes_.data() + leaf.votes_begin; }
  const Vote* VotesEnd(const Node& leaf) const { return votes_.data() + leaf.votes_end; }

 private:
  static bool GoesTrue(const Node& n, double x) {
    if (std::isnan(x)) return n.missing_goes_true;
    switch (n.mode) {
      case Mode::kLeq: return x <= n.threshold;
      case Mode::kLt: return x < n.threshold;
      case Mode::kGte: return x >= n.threshold;
      case Mode::kGt: return x > n.threshold;
      case Mode::kEq: return x == n.threshold;
      case Mode::kNeq: return x != n.threshold;
      case Mode::kLeaf: break;
    }
    return false;
  }

  std::vector<Node> nodes_;
  std::vector<int32_t> roots_;
  std::vector<Vote> votes_;
  std::vector<int64_t> voted_outputs_;
  int64_t max_feature_ = -1;
  bool all_weights_non_negative_ = true;
};

}  // namespace ml
}  // namespace ortlite
