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

  struct Node {  // 32 bytes: two per cache line
    double threshold = 0;
    int32_t feature = 0;
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

  // Calls fn(row, vote) for every vote of every leaf that rows [begin, end) of `x` reach. Rows go
  // in small blocks, each walked through one tree after another, so a tree's nodes stay in cache
  // while the block's rows descend it.
  template <typename Fn>
  void ForEachVote(const FeatureMatrix& x, int64_t begin, int64_t end, Fn&& fn) const {
    constexpr int64_t kBlock = 64;
    for (int64_t block = begin; block < end; block += kBlock) {
      const int64_t block_end = std::min(end, block + kBlock);
      for (int64_t t = 0; t < NumTrees(); ++t) {
        for (int64_t r = block; r < block_end; ++r) {
          const Node& leaf = Leaf(t, x.Row(r));
          for (const Vote* v = VotesBegin(leaf); v != VotesEnd(leaf); ++v) fn(r, *v);
        }
      }
    }
  }

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
