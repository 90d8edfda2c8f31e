// Transpose optimiser:
//   - Transpose(Transpose(x, p1), p2) becomes one Transpose with the composed permutation, or
//     nothing when they cancel;
//   - an identity Transpose is removed;
//   - a Transpose that moves only size-1 dims (the data order is unchanged) becomes a Reshape,
//     which is a view;
//   - a Transpose read only by an elementwise op is pushed below it when both operands of a
//     binary op are transposed the same way (two Transposes become one), or when the op's result
//     flows through elementwise ops into another Transpose it can then merge with (for binary ops
//     the other operand must then be a constant, which is transposed here, or a single element).
// Pushing never adds work: the moved Transpose replaces one (or two) before the op, and ops that
// would broadcast the transposed operand to a larger result are not crossed.
#include <algorithm>
#include <cstring>
#include <numeric>
#include <unordered_set>

#include "core/framework/kernel_registry.h"
#include "core/optimizer/graph_transformer.h"
#include "core/optimizer/pattern_utils.h"

namespace ortlite {

namespace {

using namespace opt;

bool IsUnaryElementwise(const Node& n) {
  static const std::unordered_set<std::string> ops = {
      "Relu",     "LeakyRelu", "Sigmoid", "Tanh",  "Exp",      "Log",          "Neg",         "Abs",
      "Sqrt",     "Reciprocal", "Erf",    "Cast",  "Elu",      "Selu",         "HardSigmoid", "Softplus",
      "Softsign", "Sin",       "Cos",     "Floor", "Ceil",     "Round",        "Sign",        "Not",
      "IsNaN",    "Identity",  "Celu",    "HardSwish", "ThresholdedRelu", "Shrink", "Mish", "Tan",
      "Asin",     "Acos",      "Atan",    "Sinh",  "Cosh",     "Asinh",        "Acosh",       "Atanh"};
  if (n.NodeType() != Node::Type::kPrimitive || n.OutputDefs().size() != 1) return false;
  if (n.Domain() == kMSDomain) return n.OpType() == "Gelu" || n.OpType() == "FastGelu";
  if (!n.Domain().empty()) return false;
  if (ops.count(n.OpType())) return n.InputDefs().size() == 1;
  // Clip's min/max are scalars.
  return n.OpType() == "Clip";
}

bool IsBinaryElementwise(const Node& n) {
  static const std::unordered_set<std::string> ops = {"Add",  "Sub",     "Mul",  "Div", "Pow",          "Equal",
                                                      "Less", "Greater", "And",  "Or",  "Xor",          "Mod",
                                                      "Max",  "Min",     "Sum",  "Mean", "LessOrEqual", "GreaterOrEqual"};
  // Multidirectional broadcasting from opset 7 on; earlier versions had a broadcast attribute.
  return n.NodeType() == Node::Type::kPrimitive && n.Domain().empty() && ops.count(n.OpType()) &&
         n.InputDefs().size() == 2 && n.OutputDefs().size() == 1 && n.SinceVersion() >= 7;
}

std::optional<std::vector<int64_t>> Perm(const Node& t) {
  if (!IsOp(t, "Transpose") || !Input(t, 0)) return std::nullopt;
  const int rank = Rank(t.InputDefs()[0]);
  auto perm = IntsAttr(t, "perm");
  if (!perm) {
    if (rank < 0) return std::nullopt;
    perm = std::vector<int64_t>(static_cast<size_t>(rank));
    for (int i = 0; i < rank; ++i) (*perm)[i] = rank - 1 - i;
  }
  std::vector<bool> seen(perm->size(), false);
  for (int64_t p : *perm) {
    if (p < 0 || p >= static_cast<int64_t>(perm->size()) || seen[p]) return std::nullopt;
    seen[p] = true;
  }
  if (rank >= 0 && static_cast<size_t>(rank) != perm->size()) return std::nullopt;
  return perm;
}

bool IsIdentity(const std::vector<int64_t>& perm) {
  for (size_t i = 0; i < perm.size(); ++i)
    if (perm[i] != static_cast<int64_t>(i)) return false;
  return true;
}

std::vector<int64_t> Inverse(const std::vector<int64_t>& perm) {
  std::vector<int64_t> inv(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) inv[perm[i]] = static_cast<int64_t>(i);
  return inv;
}

// The type of `like` with its dims permuted by `perm` (out[i] = in[perm[i]]), or unchanged dims
// when the rank is unknown.
onnx::TypeProto PermutedType(const NodeArg& like, DataType elem, const std::vector<int64_t>& perm) {
  onnx::TypeProto t;
  if (like.TypeAsProto()) t = *like.TypeAsProto();
  auto* tt = t.mutable_tensor_type();
  tt->set_elem_type(static_cast<int>(elem));
  if (tt->has_shape() && tt->shape().dim_size() == static_cast<int>(perm.size())) {
    onnx::TensorShapeProto s;
    for (int64_t p : perm) *s.add_dim() = tt->shape().dim(static_cast<int>(p));
    *tt->mutable_shape() = s;
  }
  return t;
}

Tensor TransposeConstant(const Tensor& c, const std::vector<int64_t>& perm) {
  const auto& in = c.Shape().GetDims();
  const size_t rank = in.size();
  std::vector<int64_t> out_dims(rank), in_strides(rank, 1);
  for (size_t i = rank; i-- > 1;) in_strides[i - 1] = in_strides[i] * in[i];
  for (size_t i = 0; i < rank; ++i) out_dims[i] = in[perm[i]];
  Tensor out(c.GetElementType(), TensorShape(out_dims), GetCpuAllocator());
  const size_t elem = DataTypeSize(c.GetElementType());
  const int64_t n = out.NumElements();
  std::vector<int64_t> idx(rank, 0);
  const char* src = static_cast<const char*>(c.DataRaw());
  char* dst = static_cast<char*>(out.MutableDataRaw());
  for (int64_t o = 0; o < n; ++o) {
    int64_t off = 0;
    for (size_t i = 0; i < rank; ++i) off += idx[i] * in_strides[perm[i]];
    std::memcpy(dst + o * elem, src + off * elem, elem);
    for (size_t i = rank; i-- > 0;) {
      if (++idx[i] < out_dims[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

// Transpose feeding a Transpose: compose or cancel.
bool TryMergeTransposes(Graph& g, Node& second) {
  auto p2 = Perm(second);
  Node* first = InputProducer(g, second, 0);
  if (!p2 || !first) return false;
  auto p1 = Perm(*first);
  if (!p1 || p1->size() != p2->size()) return false;
  std::vector<int64_t> q(p2->size());
  for (size_t i = 0; i < q.size(); ++i) q[i] = (*p1)[(*p2)[i]];
  NodeArg* x = first->MutableInputDefs()[0];
  if (IsIdentity(q)) {
    if (CanRedirect(g, second.OutputDefs()[0])) {
      RedirectConsumers(g, second.OutputDefs()[0], x);
      g.RemoveNode(second.Index());
      FinishRewrite(g, {first->Index()});
      return true;
    }
    // The result is a graph output: let x's producer write it directly when nothing else reads x.
    Node* producer = g.GetProducerNode(x->Name());
    if (!producer || !OnlyFeeds(g, x, *first) || !OnlyFeeds(g, first->OutputDefs()[0], second)) return false;
    for (NodeArg*& o : producer->MutableOutputDefs())
      if (o == x) o = second.MutableOutputDefs()[0];
    g.RemoveNode(second.Index());
    g.RemoveNode(first->Index());
    FinishRewrite(g, {});
    return true;
  }
  second.MutableInputDefs()[0] = x;
  second.MutableAttributes()["perm"] = MakeAttr("perm", q);
  FinishRewrite(g, {first->Index()});
  return true;
}

bool TryRemoveIdentityOrReshape(Graph& g, Node& t) {
  auto perm = Perm(t);
  if (!perm) return false;
  const NodeArg* y = t.OutputDefs()[0];
  NodeArg* x = t.MutableInputDefs()[0];
  if (IsIdentity(*perm)) {
    if (!CanRedirect(g, y)) return false;
    RedirectConsumers(g, y, x);
    g.RemoveNode(t.Index());
    FinishRewrite(g, {});
    return true;
  }
  auto in = StaticShape(x);
  if (!in || OnnxOpset(g) < 5) return false;
  // The data order is unchanged when the dims other than 1 keep their relative order.
  int64_t last = -1;
  for (int64_t p : *perm) {
    if ((*in)[p] == 1) continue;
    if (p < last) return false;
    last = p;
  }
  std::vector<int64_t> out_dims;
  for (int64_t p : *perm) out_dims.push_back((*in)[p]);
  bool has_zero = false;
  for (int64_t d : out_dims) has_zero |= d == 0;
  if (has_zero) return false;
  NodeArg& shape = AddInt64Constant(g, t.Name() + "_shape", out_dims, {static_cast<int64_t>(out_dims.size())});
  NodeArg* out = t.MutableOutputDefs()[0];
  g.RemoveNode(t.Index());
  AddFusedNode(g, "Reshape", "", {x, &shape}, {out});
  FinishRewrite(g, {});
  return true;
}

// True if the value `v` flows through single-reader elementwise ops into a Transpose, so that a
// Transpose pushed down from here meets it.
bool ReachesTranspose(const Graph& g, const NodeArg* v, int depth = 0) {
  if (depth > 16 || g.IsGraphOutput(v->Name())) return false;
  auto readers = g.GetConsumerNodes(v->Name());
  if (readers.size() != 1) return false;
  const Node& c = *readers[0];
  if (IsOp(c, "Transpose")) return true;
  if (!IsUnaryElementwise(c) && !IsBinaryElementwise(c)) return false;
  if (c.InputDefs()[0] != v && !(IsBinaryElementwise(c) && c.InputDefs()[1] == v)) return false;
  return ReachesTranspose(g, c.OutputDefs()[0], depth + 1);
}

// Elementwise op reading a Transpose: move the Transpose below the op when that lets it cancel or
// merge with a later Transpose, or replaces the Transposes of both operands by one.
bool TryPushThrough(Graph& g, Node& op) {
  const bool unary = IsUnaryElementwise(op);
  if (!unary && !IsBinaryElementwise(op)) return false;
  Node* t = InputProducer(g, op, 0);
  size_t transposed = 0;
  if (!t || !Perm(*t)) {
    if (unary) return false;
    t = InputProducer(g, op, 1);
    transposed = 1;
    if (!t || !Perm(*t)) return false;
  }
  const std::vector<int64_t> perm = *Perm(*t);
  const int rank = static_cast<int>(perm.size());
  if (!OnlyFeeds(g, t->OutputDefs()[0], op)) return false;
  const NodeArg* out = op.OutputDefs()[0];
  if (out->ElementType() == DataType::kUndefined) return false;

  std::vector<NodeIndex> dead = {t->Index()};
  std::vector<std::string> old_constants;
  NodeArg* new_other = nullptr;
  if (!unary) {
    const size_t other_i = 1 - transposed;
    const NodeArg* other = Input(op, other_i);
    if (!other) return false;
    Node* t2 = InputProducer(g, op, other_i);
    auto perm2 = t2 ? Perm(*t2) : std::nullopt;
    auto other_shape = other->Shape();
    // The op must not broadcast the transposed operand to something larger, or the moved
    // Transpose would have more to move.
    auto t_shape = t->OutputDefs()[0]->Shape();
    if (!t_shape) return false;
    auto broadcasts_into_t = [&](const std::vector<int64_t>& d) {
      if (static_cast<int>(d.size()) > rank) return false;
      for (size_t k = 0; k < d.size(); ++k) {
        const int64_t td = (*t_shape)[rank - d.size() + k];
        if (d[k] != 1 && (d[k] < 0 || d[k] != td)) return false;
      }
      return true;
    };
    const bool worthwhile = ReachesTranspose(g, op.OutputDefs()[0]);
    if (t2 == t) {
      if (!worthwhile) return false;
      new_other = t->MutableInputDefs()[0];
    } else if (perm2 && *perm2 == perm && OnlyFeeds(g, other, op)) {
      if (!other_shape || !broadcasts_into_t(*other_shape)) return false;
      new_other = t2->MutableInputDefs()[0];
      dead.push_back(t2->Index());
    } else if (!worthwhile) {
      return false;
    } else if (std::optional<Tensor> c = ConstantTensor(g, other)) {
      const auto& cd = c->Shape().GetDims();
      if (!broadcasts_into_t(cd) || c->GetElementType() == DataType::kString) return false;
      std::vector<int64_t> padded(static_cast<size_t>(rank) - cd.size(), 1);
      padded.insert(padded.end(), cd.begin(), cd.end());
      new_other = &AddConstant(g, other->Name() + "_transposed",
                               TransposeConstant(c->Reshaped(TensorShape(padded)), Inverse(perm)));
      old_constants.push_back(other->Name());
    } else if (other_shape && static_cast<int>(other_shape->size()) <= rank &&
               std::all_of(other_shape->begin(), other_shape->end(), [](int64_t d) { return d == 1; })) {
      // One element broadcasts the same either way.
      new_other = op.MutableInputDefs()[other_i];
    } else {
      return false;
    }
  } else {
    if (!ReachesTranspose(g, op.OutputDefs()[0])) return false;
    // A Clip bound or other extra input must be a scalar for the op to stay elementwise.
    for (size_t i = 1; i < op.InputDefs().size(); ++i) {
      auto s = op.InputDefs()[i]->Exists() ? op.InputDefs()[i]->Shape() : std::optional<std::vector<int64_t>>(std::vector<int64_t>{});
      if (!s || !s->empty()) return false;
    }
  }

  // op now computes on the untransposed data into a new value; the Transpose produces the old one.
  NodeArg* x = t->MutableInputDefs()[0];
  NodeArg& inner = NewValue(g, out->Name(), nullptr);
  inner.SetType(PermutedType(*out, out->ElementType(), Inverse(perm)));
  op.MutableInputDefs()[transposed] = x;
  if (!unary) op.MutableInputDefs()[1 - transposed] = new_other;
  NodeArg* old_out = op.MutableOutputDefs()[0];
  op.MutableOutputDefs()[0] = &inner;
  NodeAttributes attrs;
  attrs["perm"] = MakeAttr("perm", perm);
  AddFusedNode(g, "Transpose", "", {&inner}, {old_out}, attrs);
  FinishRewrite(g, dead, old_constants);
  return true;
}

class TransposeOptimizer final : public GraphTransformer {
 public:
  explicit TransposeOptimizer(TransformerLevel level) : GraphTransformer("TransposeOptimizer", level) {}

  bool Apply(Graph& graph, const TransformContext&) const override {
    return RewriteEach(graph, [](Graph& g, Node& n) {
      if (IsOp(n, "Transpose")) return TryMergeTransposes(g, n) || TryRemoveIdentityOrReshape(g, n);
      return TryPushThrough(g, n);
    });
  }
};

}  // namespace

std::unique_ptr<GraphTransformer> CreateTransposeOptimizer(TransformerLevel level) {
  return std::make_unique<TransposeOptimizer>(level);
}

}  // namespace ortlite
