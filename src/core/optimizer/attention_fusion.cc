// Attention fusion for the self-attention torch 1.13 exports for nn.MultiheadAttention inside
// nn.TransformerEncoderLayer(batch_first=True) (after the basic passes):
//
//   Xt = Transpose(X (B,S,Hin), [1,0,2])      (a Reshape to (S,1,Hin) when B = 1)
//   P  = Add(MatMul(Xt, W (Hin,3H)), bias (3H))                       (S, B, 3H)
//   Q, K, V = Slice(P, [0,H,2H] .. [H,2H,3H], last axis) -> Reshape (S, B*N, d)
//   scores = (Transpose(Q, [1,0,2]) * q) x (Transpose(K, [1,2,0]) * k) * s     (B*N, S, S)
//   scores += Where(key_mask, fill, 0)    key_mask: (B,S) bool -> (B,1,1,S) -> expand (B,N,1,S)
//                                          -> (B*N,1,S); optional
//   ctx = Transpose(Softmax(scores) x Transpose(V, [1,0,2]), [1,0,2])          (S, B*N, d)
//
// (q, k, s: optional Mul/Div by scalar constants) becomes
//
//   Attention(X, W, bias, Cast(Not(key_mask), int32); num_heads N, scale q*k*s,
//             mask_filter_value fill) -> Transpose [1,0,2] -> Reshape (S, B*N, d) = ctx
//
// so ctx's readers are unchanged (the cleanup passes then turn the Transpose into a Reshape when
// B = 1 and merge the Reshapes). The raw mask adds fill exactly where the Where did.
#include <cmath>

#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

Node* ProducerOp(const Graph& g, const NodeArg* v, const char* op) {
  Node* p = v ? g.GetProducerNode(v->Name()) : nullptr;
  return p && IsOp(*p, op) ? p : nullptr;
}

bool HasPerm(const Node* t, const std::vector<int64_t>& perm) {
  if (!t || !IsOp(*t, "Transpose")) return false;
  auto p = IntsAttr(*t, "perm");
  return p && *p == perm;
}

// Steps back over Mul/Div by one-element constants, multiplying their factors into *scale.
NodeArg* StripScale(const Graph& g, NodeArg* v, double* scale, std::vector<NodeIndex>& nodes) {
  for (int guard = 0; guard < 4; ++guard) {
    Node* p = g.GetProducerNode(v->Name());
    if (!p || p->InputDefs().size() != 2) return v;
    const bool mul = IsOp(*p, "Mul"), div = IsOp(*p, "Div");
    if (!mul && !div) return v;
    bool stepped = false;
    for (size_t s = div ? 1 : 0; s < 2 && !stepped; ++s) {
      NodeArg* value = p->MutableInputDefs()[1 - s];
      std::optional<double> f = ScalarConstant(g, Input(*p, s));
      if (!f || !value->Exists() || !IsScalarFor(g, Input(*p, s), *f, value, 0.0) || (div && *f == 0.0)) continue;
      *scale *= div ? 1.0 / *f : *f;
      nodes.push_back(p->Index());
      v = value;
      stepped = true;
    }
    if (!stepped) return v;
  }
  return v;
}

// Slice(P, [start], [end], [last axis], [1]) with constant operands; returns P and sets the range.
NodeArg* LastAxisSlice(const Graph& g, const NodeArg* v, int rank, int64_t* start, int64_t* end, Node** node) {
  Node* s = ProducerOp(g, v, "Slice");
  if (!s || s->SinceVersion() < 10 || s->InputDefs().size() < 3) return nullptr;
  auto starts = ConstantInts(g, Input(*s, 1));
  auto ends = ConstantInts(g, Input(*s, 2));
  auto axes = Input(*s, 3) ? ConstantInts(g, Input(*s, 3)) : std::optional<std::vector<int64_t>>();
  auto steps = Input(*s, 4) ? ConstantInts(g, Input(*s, 4)) : std::optional<std::vector<int64_t>>(std::vector<int64_t>{1});
  if (!starts || !ends || !axes || !steps || starts->size() != 1 || ends->size() != 1 || axes->size() != 1 ||
      steps->size() != 1 || (*steps)[0] != 1)
    return nullptr;
  if ((*axes)[0] != -1 && (*axes)[0] != rank - 1) return nullptr;
  *start = (*starts)[0];
  *end = (*ends)[0];
  *node = s;
  return s->MutableInputDefs()[0];
}

struct Dims {
  int64_t B, S, N, d, H;
};

// The key mask term Where(cond, fill, 0) whose cond is the (B,S) bool mask broadcast over heads;
// returns the (B,S) mask and sets the fill.
NodeArg* MatchKeyMask(const Graph& g, const NodeArg* term, const Dims& dm, float* fill, std::vector<NodeIndex>& nodes) {
  Node* where = ProducerOp(g, term, "Where");
  if (!where || where->InputDefs().size() != 3) return nullptr;
  std::optional<double> f = ScalarConstant(g, Input(*where, 1));
  std::optional<Tensor> zeros = ConstantTensor(g, Input(*where, 2));
  if (!f || !zeros || !IsFloatType(zeros->GetElementType()) || ConstantProto(g, Input(*where, 1))->dims_size() > 3)
    return nullptr;
  auto zero_values = ConstantDoubles(g, Input(*where, 2));
  for (double z : *zero_values)
    if (z != 0.0) return nullptr;
  const auto& zd = zeros->Shape().GetDims();
  const std::vector<int64_t> scores = {dm.B * dm.N, dm.S, dm.S};
  if (zd.size() > 3) return nullptr;
  for (size_t k = 0; k < zd.size(); ++k)
    if (zd[k] != 1 && zd[k] != scores[3 - zd.size() + k]) return nullptr;
  nodes.push_back(where->Index());

  // cond (B*N, 1, S) <- views <- Expand (B,1,1,S) -> (B,N,1,S) <- views <- mask (B,S) bool.
  const NodeArg* v = where->InputDefs()[0];
  if (StaticShape(v) != std::vector<int64_t>{dm.B * dm.N, 1, dm.S}) return nullptr;
  Node* p = g.GetProducerNode(v->Name());
  while (p && IsViewOp(*p)) {
    nodes.push_back(p->Index());
    v = p->InputDefs()[0];
    p = g.GetProducerNode(v->Name());
  }
  if (!p || !IsOp(*p, "Expand") || p->InputDefs().size() != 2) return nullptr;
  nodes.push_back(p->Index());
  const NodeArg* expand_shape = p->InputDefs()[1];
  v = p->InputDefs()[0];
  if (StaticShape(v) != std::vector<int64_t>{dm.B, 1, 1, dm.S}) return nullptr;
  // Shape inference may not have known the Expand's shape operand before constant folding.
  auto target = ConstantInts(g, expand_shape);
  if (!target || target->size() != 4) return nullptr;
  const std::vector<int64_t> in_dims = {dm.B, 1, 1, dm.S}, want = {dm.B, dm.N, 1, dm.S};
  for (size_t k = 0; k < 4; ++k) {
    const int64_t t = (*target)[k];
    const int64_t out = in_dims[k] == 1 ? t : (t == 1 || t == in_dims[k] ? in_dims[k] : -1);
    if (out != want[k]) return nullptr;
  }
  for (p = g.GetProducerNode(v->Name()); p && IsViewOp(*p); p = g.GetProducerNode(v->Name())) {
    nodes.push_back(p->Index());
    v = p->InputDefs()[0];
  }
  if (StaticShape(v) != std::vector<int64_t>{dm.B, dm.S} || v->ElementType() != DataType::kBool) return nullptr;
  *fill = static_cast<float>(*f);
  return const_cast<NodeArg*>(v);
}

bool TryFuse(Graph& g, Node& softmax) {
  if (!IsOp(softmax, "Softmax") || !Input(softmax, 0) || OnnxOpset(g) < 10) return false;
  NodeArg* scores_in = softmax.MutableInputDefs()[0];
  const DataType type = scores_in->ElementType();
  if (type != DataType::kFloat && type != DataType::kFloat16 && type != DataType::kBFloat16) return false;
  auto sd = StaticShape(scores_in);
  if (!sd || sd->size() != 3) return false;
  const int64_t axis = IntAttr(softmax, "axis", softmax.SinceVersion() < 13 ? 1 : -1);
  if (axis != -1 && axis != 2) return false;
  std::vector<NodeIndex> nodes;

  // scores (+ mask term)
  NodeArg* scores = scores_in;
  const NodeArg* mask_term = nullptr;
  if (Node* add = ProducerOp(g, scores_in, "Add"); add && add->InputDefs().size() == 2) {
    for (size_t s = 0; s < 2 && !mask_term; ++s) {
      if (ProducerOp(g, add->InputDefs()[1 - s], "Where")) {
        scores = add->MutableInputDefs()[s];
        mask_term = add->InputDefs()[1 - s];
        nodes.push_back(add->Index());
      }
    }
  }
  double scale = 1.0;
  scores = StripScale(g, scores, &scale, nodes);
  Node* qk = ProducerOp(g, scores, "MatMul");
  if (!qk || StaticShape(scores) != *sd) return false;
  nodes.push_back(qk->Index());
  NodeArg* q = StripScale(g, qk->MutableInputDefs()[0], &scale, nodes);
  NodeArg* k = StripScale(g, qk->MutableInputDefs()[1], &scale, nodes);
  Node* qt = g.GetProducerNode(q->Name());
  Node* kt = g.GetProducerNode(k->Name());
  if (!HasPerm(qt, {1, 0, 2}) || !HasPerm(kt, {1, 2, 0})) return false;
  // Attention reads scale 0 as "use the default".
  if (scale == 0.0 || !std::isfinite(scale)) return false;
  nodes.push_back(qt->Index());
  nodes.push_back(kt->Index());

  // context: Transpose(Softmax x Transpose(V, [1,0,2]), [1,0,2])
  const NodeArg* probs = softmax.OutputDefs()[0];
  auto readers = g.GetConsumerNodes(probs->Name());
  if (readers.size() != 1 || !IsOp(*readers[0], "MatMul") || readers[0]->InputDefs()[0] != probs ||
      !OnlyFeeds(g, probs, *readers[0]))
    return false;
  Node* pv = readers[0];
  Node* vt = g.GetProducerNode(pv->InputDefs()[1]->Name());
  if (!HasPerm(vt, {1, 0, 2})) return false;
  auto ctx_readers = g.GetConsumerNodes(pv->OutputDefs()[0]->Name());
  if (ctx_readers.size() != 1 || !HasPerm(ctx_readers[0], {1, 0, 2}) || !OnlyFeeds(g, pv->OutputDefs()[0], *ctx_readers[0]))
    return false;
  Node* ctx_t = ctx_readers[0];
  nodes.push_back(pv->Index());
  nodes.push_back(vt->Index());

  // Q, K, V: Reshape (S, B*N, d) of slices of one projection P (S, B, 3H).
  Node* reshapes[3] = {g.GetProducerNode(qt->InputDefs()[0]->Name()), g.GetProducerNode(kt->InputDefs()[0]->Name()),
                       g.GetProducerNode(vt->InputDefs()[0]->Name())};
  NodeArg* proj = nullptr;
  Dims dm{};
  for (int i = 0; i < 3; ++i) {
    Node* r = reshapes[i];
    if (!r || !IsOp(*r, "Reshape")) return false;
    auto rd = StaticShape(r->OutputDefs()[0]);
    if (!rd || rd->size() != 3) return false;
    int64_t start = 0, end = 0;
    Node* slice = nullptr;
    NodeArg* p = LastAxisSlice(g, r->InputDefs()[0], 3, &start, &end, &slice);
    auto pd = p ? StaticShape(p) : std::nullopt;
    if (!p || !pd || pd->size() != 3 || (proj && p != proj)) return false;
    if (i == 0) {
      proj = p;
      dm.S = (*pd)[0];
      dm.B = (*pd)[1];
      dm.H = (*pd)[2] / 3;
      dm.d = (*rd)[2];
      if (dm.B <= 0 || dm.d <= 0 || (*rd)[1] % dm.B != 0 || (*pd)[2] != 3 * dm.H) return false;
      dm.N = (*rd)[1] / dm.B;
      if (dm.N * dm.d != dm.H) return false;
    }
    if (*rd != std::vector<int64_t>{dm.S, dm.B * dm.N, dm.d}) return false;
    if (start != i * dm.H || (end != (i + 1) * dm.H && !(i == 2 && end >= 3 * dm.H))) return false;
    nodes.push_back(r->Index());
    nodes.push_back(slice->Index());
  }
  if (*sd != std::vector<int64_t>{dm.B * dm.N, dm.S, dm.S}) return false;

  // P = MatMul(Xt, W) + bias; Xt = X (B, S, Hin) with batch and sequence swapped.
  Node* bias_add = ProducerOp(g, proj, "Add");
  if (!bias_add || bias_add->InputDefs().size() != 2) return false;
  Node* mm = nullptr;
  NodeArg* bias = nullptr;
  for (size_t s = 0; s < 2 && !mm; ++s) {
    Node* m = ProducerOp(g, bias_add->InputDefs()[s], "MatMul");
    NodeArg* b = bias_add->MutableInputDefs()[1 - s];
    if (m && StaticShape(b) == std::vector<int64_t>{3 * dm.H} && b->ElementType() == type) {
      mm = m;
      bias = b;
    }
  }
  if (!mm) return false;
  NodeArg* w = mm->MutableInputDefs()[1];
  auto wd = StaticShape(w);
  if (!wd || wd->size() != 2 || (*wd)[1] != 3 * dm.H || w->ElementType() != type) return false;
  Node* swap = g.GetProducerNode(mm->InputDefs()[0]->Name());
  if (!swap || !swap->InputDefs()[0]->Exists()) return false;
  NodeArg* x = swap->MutableInputDefs()[0];
  const std::vector<int64_t> x_dims = {dm.B, dm.S, (*wd)[0]};
  if (StaticShape(x) != x_dims ||
      StaticShape(mm->InputDefs()[0]) != std::vector<int64_t>{dm.S, dm.B, (*wd)[0]})
    return false;
  const bool is_swap = HasPerm(swap, {1, 0, 2}) || (dm.B == 1 && IsViewOp(*swap));
  if (!is_swap) return false;
  nodes.push_back(bias_add->Index());
  nodes.push_back(mm->Index());
  nodes.push_back(swap->Index());

  NodeArg* mask_index = NoValue(g);
  float fill = 0.0f;
  if (mask_term) {
    NodeArg* key_mask = MatchKeyMask(g, mask_term, dm, &fill, nodes);
    if (!key_mask) return false;
    NodeArg& keep = NewTensorValue(g, key_mask->Name() + "_keep", DataType::kBool, std::vector<int64_t>{dm.B, dm.S});
    AddFusedNode(g, "Not", "", {key_mask}, {&keep});
    mask_index = &NewTensorValue(g, key_mask->Name() + "_mask_index", DataType::kInt32, std::vector<int64_t>{dm.B, dm.S});
    NodeAttributes cast;
    cast["to"] = MakeAttr("to", static_cast<int64_t>(DataType::kInt32));
    AddFusedNode(g, "Cast", "", {&keep}, {mask_index}, cast);
  }
  NodeAttributes attrs;
  attrs["num_heads"] = MakeAttr("num_heads", dm.N);
  attrs["scale"] = MakeAttr("scale", static_cast<float>(scale));
  if (mask_term) attrs["mask_filter_value"] = MakeAttr("mask_filter_value", fill);
  NodeArg& att = NewTensorValue(g, "attention_output", type, std::vector<int64_t>{dm.B, dm.S, dm.H});
  std::vector<NodeArg*> inputs = {x, w, bias};
  if (mask_term) inputs.push_back(mask_index);
  AddFusedNode(g, "Attention", kMSDomain, inputs, {&att}, attrs);
  NodeArg& seq_first = NewTensorValue(g, "attention_output_seq_first", type, std::vector<int64_t>{dm.S, dm.B, dm.H});
  NodeAttributes perm;
  perm["perm"] = MakeAttr("perm", std::vector<int64_t>{1, 0, 2});
  AddFusedNode(g, "Transpose", "", {&att}, {&seq_first}, perm);
  NodeArg& shape = AddInt64Constant(g, "attention_context_shape", {dm.S, dm.B * dm.N, dm.d}, {3});
  NodeArg* ctx_out = ctx_t->MutableOutputDefs()[0];
  g.RemoveNode(ctx_t->Index());
  AddFusedNode(g, "Reshape", "", {&seq_first, &shape}, {ctx_out});
  nodes.push_back(softmax.Index());
  FinishRewrite(g, nodes);
  return true;
}

class AttentionFusion final : public GraphTransformer {
 public:
  AttentionFusion() : GraphTransformer("AttentionFusion", TransformerLevel::kExtended) {}
  bool Apply(Graph& graph, const TransformContext&) const override { return RewriteEach(graph, TryFuse); }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateAttentionFusion() { return std::make_unique<AttentionFusion>(); }

}  // namespace ortlite
