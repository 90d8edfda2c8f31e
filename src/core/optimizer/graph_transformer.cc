#include "core/optimizer/graph_transformer.h"

#include "core/framework/logging.h"

namespace ortlite {

std::unique_ptr<GraphTransformer> CreateConstantFolding();
std::unique_ptr<GraphTransformer> CreateIdentityElimination();
std::unique_ptr<GraphTransformer> CreateDropoutElimination();

std::vector<std::unique_ptr<GraphTransformer>> CreateTransformers(TransformerLevel level) {
  std::vector<std::unique_ptr<GraphTransformer>> out;
  switch (level) {
    case TransformerLevel::kBasic:
      out.push_back(CreateIdentityElimination());
      out.push_back(CreateDropoutElimination());
      out.push_back(CreateConstantFolding());
      break;
    default:
      break;
  }
  return out;
}

std::vector<std::string> TransformGraph(Graph& graph, int max_level, const std::set<std::string>& disabled,
                                        const TransformContext& ctx) {
  constexpr int kMaxRounds = 10;
  std::vector<std::string> applied;
  for (int level = 1; level <= 3 && level <= max_level; ++level) {
    auto passes = CreateTransformers(static_cast<TransformerLevel>(level));
    for (int round = 0; round < kMaxRounds; ++round) {
      bool changed = false;
      for (const auto& pass : passes) {
        if (disabled.count(pass->Name())) continue;
        if (pass->Apply(graph, ctx)) {
          changed = true;
          applied.push_back(pass->Name());
          LogVerbose(ctx.log_id, "graph transformer " + pass->Name() + " modified the graph", ctx.log_min);
        }
      }
      if (!changed) break;
    }
  }
  return applied;
}

}  // namespace ortlite
