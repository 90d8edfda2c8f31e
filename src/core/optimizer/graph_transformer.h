// Graph rewrites. Each pass is a small named GraphTransformer; a level's passes run in turn until
// none changes the graph (or a step limit is hit). Passes can be disabled by name
// (session config "optimization.disable_specified_optimizers").
#pragma once
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/graph/graph.h"

namespace ortlite {

enum class TransformerLevel : int { kBasic = 1, kExtended = 2, kLayout = 3 };

struct TransformContext {
  std::string model_dir;
  std::string log_id;
  int log_min = -1;  // the session's log severity threshold (-1: process default)
};

class GraphTransformer {
 public:
  GraphTransformer(std::string name, TransformerLevel level) : name_(std::move(name)), level_(level) {}
  virtual ~GraphTransformer() = default;
  const std::string& Name() const { return name_; }
  TransformerLevel Level() const { return level_; }
  // Rewrites `graph` (already resolved); returns true if anything changed. Must leave the graph
  // resolved when it changed something.
  virtual bool Apply(Graph& graph, const TransformContext& ctx) const = 0;

 private:
  std::string name_;
  TransformerLevel level_;
};

// The passes of each level, in order.
std::vector<std::unique_ptr<GraphTransformer>> CreateTransformers(TransformerLevel level);

// Runs the passes of every level up to `max_level` (0 = none) on `graph`, to a fixed point per level.
// Returns the names of the passes that changed something, for the verbose report.
std::vector<std::string> TransformGraph(Graph& graph, int max_level, const std::set<std::string>& disabled,
                                        const TransformContext& ctx);

}  // namespace ortlite
