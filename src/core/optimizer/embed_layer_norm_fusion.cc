// EmbedLayerNormalization fusion: LayerNormalization over the last axis of a sum of embeddings
//   Gather(word_table, ids) + position term (+ Gather(segment_table, segment_ids))
// where ids are (B, S) and the position term is either Gather(position_table, position_ids) with
// position_ids (B, S) or (1, S), or a constant (1, S, H) / (S, H) (what constant folding leaves of
// a Gather by the constant positions 0..S-1). It becomes com.microsoft EmbedLayerNormalization;
// the constant becomes the position table read at positions 0..S-1. Ids keep their type (int32
// or int64) and Gather's index rule. Other readers of the sum use its embedding_sum output.
#include <algorithm>

#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

struct EmbeddingGather {
  Node* node = nullptr;
  NodeArg* table = nullptr;
  NodeArg* ids = nullptr;
};

// Gather(table (rows, H), ids (b, S)) along axis 0 with integer ids of rank 2.
std::optional<EmbeddingGather> AsEmbeddingGather(const Graph& g, const NodeArg* v, const NodeArg* hidden_of) {
  Node* p = v ? g.GetProducerNode(v->Name()) : nullptr;
  if (!p || !IsOp(*p, "Gather") || p->InputDefs().size() != 2 || IntAttr(*p, "axis", 0) != 0) return std::nullopt;
  NodeArg* table = p->MutableInputDefs()[0];
  NodeArg* ids = p->MutableInputDefs()[1];
  const DataType it = ids->ElementType();
  if (Rank(table) != 2 || Rank(ids) != 2 || (it != DataType::kInt32 && it != DataType::kInt64)) return std::nullopt;
  if (!SameDim(table, 1, hidden_of, Rank(hidden_of) - 1)) return std::nullopt;
  return EmbeddingGather{p, table, ids};
}

// The terms of a tree of Adds whose inner sums feed only the next Add; appends the Adds.
void CollectTerms(const Graph& g, NodeArg* v, const Node* reader, std::vector<NodeArg*>& terms,
                  std::vector<NodeIndex>& adds, int depth) {
  Node* p = g.GetProducerNode(v->Name());
  const bool inner = depth > 0;
  if (p && IsOp(*p, "Add") && p->InputDefs().size() == 2 && depth < 3 && (!inner || OnlyFeeds(g, v, *reader))) {
    adds.push_back(p->Index());
    for (NodeArg* in : p->MutableInputDefs()) CollectTerms(g, in, p, terms, adds, depth + 1);
    return;
  }
  terms.push_back(v);
}

bool TryFuse(Graph& g, Node& ln) {
  if (!IsOp(ln, "LayerNormalization") || !Input(ln, 0) || !Input(ln, 1) || !Input(ln, 2)) return false;
  NodeArg* sum = ln.MutableInputDefs()[0];
  if (Rank(sum) != 3 || !IsFloatType(sum->ElementType())) return false;
  const int64_t axis = IntAttr(ln, "axis", -1);
  if (axis != -1 && axis != 2) return false;
  if (IntAttr(ln, "stash_type", 1) != 1 && sum->ElementType() != DataType::kFloat) return false;
  for (size_t i = 1; i < ln.OutputDefs().size(); ++i) {
    const NodeArg* o = ln.OutputDefs()[i];
    if (o->Exists() && (g.IsGraphOutput(o->Name()) || ConsumerCount(g, o) > 0)) return false;
  }
  NodeArg* gamma = ln.MutableInputDefs()[1];
  NodeArg* beta = ln.MutableInputDefs()[2];
  for (const NodeArg* v : {gamma, beta})
    if (Rank(v) != 1 || !SameDim(v, 0, sum, 2) || v->ElementType() != sum->ElementType()) return false;

  std::vector<NodeArg*> terms;
  std::vector<NodeIndex> adds;
  CollectTerms(g, sum, &ln, terms, adds, 0);
  if (adds.empty() || terms.size() < 2 || terms.size() > 3) return false;

  // The word embedding: a Gather whose ids have the sum's (B, S).
  std::optional<EmbeddingGather> word;
  for (size_t t = 0; t < terms.size() && !word; ++t) {
    auto e = AsEmbeddingGather(g, terms[t], sum);
    if (e && e->table->ElementType() == sum->ElementType() && SameDim(e->ids, 0, sum, 0) &&
        SameDim(e->ids, 1, sum, 1)) {
      word = e;
      std::swap(terms[0], terms[t]);
    }
  }
  if (!word) return false;
  const NodeArg* ids = word->ids;
  std::vector<NodeIndex> interior = adds;
  interior.push_back(word->node->Index());
  std::vector<std::string> constants;

  NodeArg* position_table = nullptr;
  std::optional<Tensor> position_constant;
  NodeArg* position_term = nullptr;
  NodeArg* position_ids = NoValue(g);
  NodeArg* segment_table = NoValue(g);
  NodeArg* segment_ids = NoValue(g);
  for (size_t t = 1; t < terms.size(); ++t) {
    auto e = AsEmbeddingGather(g, terms[t], sum);
    if (e && e->table->ElementType() == sum->ElementType() && SameDim(e->ids, 1, ids, 1)) {
      const bool same_batch = SameDim(e->ids, 0, ids, 0);
      const bool one_row = Rank(e->ids) == 2 && (*e->ids->Shape())[0] == 1;
      if (!position_table && (same_batch || one_row)) {
        position_table = e->table;
        position_ids = e->ids;
      } else if (!segment_ids->Exists() && same_batch) {
        segment_table = e->table;
        segment_ids = e->ids;
      } else {
        return false;
      }
      interior.push_back(e->node->Index());
      continue;
    }
    // A constant (1, S, H) or (S, H): the table of positions 0..S-1.
    std::optional<Tensor> c = ConstantTensor(g, terms[t]);
    auto seq = StaticShape(ids);
    if (!c || position_table || !seq || c->GetElementType() != sum->ElementType()) return false;
    const auto& cd = c->Shape().GetDims();
    const int64_t S = (*seq)[1];
    const bool rows_ok = (cd.size() == 3 && cd[0] == 1 && cd[1] == S) || (cd.size() == 2 && cd[0] == S);
    if (!rows_ok || !SameDim(terms[t], static_cast<int>(cd.size()) - 1, sum, 2)) return false;
    position_constant = c->Reshaped(TensorShape({S, cd.back()}));
    position_term = terms[t];
    position_table = position_term;  // replaced by the table below
  }
  if (!position_table) return false;
  if (position_constant) {
    position_table = &AddConstant(g, position_term->Name() + "_table", *position_constant);
    constants.push_back(position_term->Name());
  }

  const bool sum_used = g.IsGraphOutput(sum->Name()) || g.GetConsumerNodes(sum->Name()).size() > 1;
  std::vector<NodeArg*> outputs = {ln.MutableOutputDefs()[0]};
  if (sum_used) {
    outputs.push_back(NoValue(g));
    outputs.push_back(sum);
  }
  std::vector<NodeArg*> inputs = {word->ids,   segment_ids, word->table, position_table, segment_table,
                                  gamma,       beta,        NoValue(g),  position_ids};
  while (!inputs.back()->Exists()) inputs.pop_back();
  NodeAttributes attrs;
  attrs["epsilon"] = MakeAttr("epsilon", FloatAttr(ln, "epsilon", 1e-5f));
  if (sum_used) {
    Node* last_add = g.GetProducerNode(sum->Name());
    interior.erase(std::find(interior.begin(), interior.end(), last_add->Index()));
    g.RemoveNode(last_add->Index());
  }
  g.RemoveNode(ln.Index());
  AddFusedNode(g, "EmbedLayerNormalization", kMSDomain, inputs, outputs, attrs);
  FinishRewrite(g, interior, constants);
  return true;
}

class EmbedLayerNormFusion final : public GraphTransformer {
 public:
  EmbedLayerNormFusion() : GraphTransformer("EmbedLayerNormFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateEmbedLayerNormFusion() { return std::make_unique<EmbedLayerNormFusion>(); }

}  // namespace ortlite
