#include "core/optimizer/graph_transformer.h"

#include "core/framework/logging.h"

namespace ortlite {

std::unique_ptr<GraphTransformer> CreateConstantFolding();
std::unique_ptr<GraphTransformer> CreateIdentityElimination();
std::unique_ptr<GraphTransformer> CreateDropoutElimination();
std::unique_ptr<GraphTransformer> CreateCastElimination();
std::unique_ptr<GraphTransformer> CreateReshapeElimination();
std::unique_ptr<GraphTransformer> CreateReshapeChainFusion();
std::unique_ptr<GraphTransformer> CreateTransposeOptimizer(TransformerLevel level);
std::unique_ptr<GraphTransformer> CreateCommonSubexpressionElimination();
std::unique_ptr<GraphTransformer> CreateConvBNFusion();
std::unique_ptr<GraphTransformer> CreateConvMulFusion();
std::unique_ptr<GraphTransformer> CreateConvAddFusion();
std::unique_ptr<GraphTransformer> CreateArithmeticIdentityElimination();
std::unique_ptr<GraphTransformer> CreateGeluFusion();
std::unique_ptr<GraphTransformer> CreateFastGeluFusion();
std::unique_ptr<GraphTransformer> CreateBiasGeluFusion();
std::unique_ptr<GraphTransformer> CreateConvActivationFusion();
std::unique_ptr<GraphTransformer> CreateConvPoolFusion();
std::unique_ptr<GraphTransformer> CreateAttentionFusion();
std::unique_ptr<GraphTransformer> CreateEmbedLayerNormFusion();
std::unique_ptr<GraphTransformer> CreateSkipLayerNormFusion();
std::unique_ptr<GraphTransformer> CreateMatMulTransposeFusion();
std::unique_ptr<GraphTransformer> CreateMatMulScaleFusion();
std::unique_ptr<GraphTransformer> CreateMatMulAddFusion();

std::vector<std::unique_ptr<GraphTransformer>> CreateTransformers(TransformerLevel level) {
  std::vector<std::unique_ptr<GraphTransformer>> out;
  switch (level) {
    case TransformerLevel::kBasic:
      out.push_back(CreateIdentityElimination());
      out.push_back(CreateDropoutElimination());
      out.push_back(CreateConstantFolding());
      out.push_back(CreateCastElimination());
      out.push_back(CreateArithmeticIdentityElimination());
      out.push_back(CreateReshapeElimination());
      out.push_back(CreateReshapeChainFusion());
      out.push_back(CreateTransposeOptimizer(level));
      out.push_back(CreateCommonSubexpressionElimination());
      out.push_back(CreateConvBNFusion());
      out.push_back(CreateConvMulFusion());
      out.push_back(CreateConvAddFusion());
      break;
    case TransformerLevel::kExtended:
      // Fusions into com.microsoft ops (CPU kernels in providers/cpu/contrib), then the basic
      // clean-ups again for what they leave (Transposes and Reshapes around Attention).
      out.push_back(CreateGeluFusion());
      out.push_back(CreateFastGeluFusion());
      out.push_back(CreateBiasGeluFusion());
      out.push_back(CreateConvActivationFusion());
      out.push_back(CreateConvPoolFusion());
      out.push_back(CreateAttentionFusion());
      out.push_back(CreateEmbedLayerNormFusion());
      out.push_back(CreateSkipLayerNormFusion());
      out.push_back(CreateMatMulTransposeFusion());
      out.push_back(CreateMatMulScaleFusion());
      out.push_back(CreateMatMulAddFusion());
      out.push_back(CreateTransposeOptimizer(level));
      out.push_back(CreateReshapeElimination());
      out.push_back(CreateReshapeChainFusion());
      out.push_back(CreateCastElimination());
      out.push_back(CreateCommonSubexpressionElimination());
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
