#include "core/optimizer/pattern_utils.h"

#include <cmath>

#include "core/framework/kernel_registry.h"
#include "core/framework/memcpy.h"
#include "core/framework/tensorprotoutils.h"

namespace ortlite {
namespace opt {

bool IsOp(const Node& n, const char* op_type, const char* domain) {
  return n.NodeType() == Node::Type::kPrimitive && n.OpType() == op_type && n.Domain() == domain;
}

bool IsViewOp(const Node& n) {
  if (n.NodeType() != Node::Type::kPrimitive || !n.Domain().empty() || n.InputDefs().empty() ||
      !n.InputDefs()[0]->Exists() || n.OutputDefs().empty())
    return false;
  const std::string& op = n.OpType();
  if (op == "Reshape") return n.SinceVersion() >= 5;
  return op == "Flatten" || op == "Squeeze" || op == "Unsqueeze";
}

int OnnxOpset(const Graph& g) {
  const auto& imports = g.OpsetImports();
  auto it = imports.find("");
  if (it == imports.end()) it = imports.find("ai.onnx");
  return it == imports.end() ? 1 : it->second;
}

const NodeArg* Input(const Node& n, size_t i) {
  return i < n.InputDefs().size() && n.InputDefs()[i]->Exists() ? n.InputDefs()[i] : nullptr;
}

Node* InputProducer(const Graph& g, const Node& n, size_t i) {
  const NodeArg* a = Input(n, i);
  return a ? g.GetProducerNode(a->Name()) : nullptr;
}

int64_t IntAttr(const Node& n, const char* name, int64_t default_value) {
  const auto* a = n.GetAttribute(name);
  return a && a->type() == onnx::AttributeProto::INT ? a->i() : default_value;
}

float FloatAttr(const Node& n, const char* name, float default_value) {
  const auto* a = n.GetAttribute(name);
  return a && a->type() == onnx::AttributeProto::FLOAT ? a->f() : default_value;
}

std::optional<std::vector<int64_t>> IntsAttr(const Node& n, const char* name) {
  const auto* a = n.GetAttribute(name);
  if (!a || a->type() != onnx::AttributeProto::INTS) return std::nullopt;
  return std::vector<int64_t>(a->ints().begin(), a->ints().end());
}

const onnx::TensorProto* ConstantProto(const Graph& g, const NodeArg* a) {
  if (!a || !a->Exists() || !g.IsConstantInitializer(a->Name())) return nullptr;
  return g.GetInitializer(a->Name());
}

std::optional<Tensor> ConstantTensor(const Graph& g, const NodeArg* a) {
  const onnx::TensorProto* p = ConstantProto(g, a);
  if (!p) return std::nullopt;
  try {
    return InitializerToTensor(g, a->Name());
  } catch (const std::exception&) {
    return std::nullopt;  // malformed data: leave the node to report it at run time
  }
}

namespace {
template <typename Out>
std::optional<std::vector<Out>> ConstantValues(const Graph& g, const NodeArg* a, bool want_float) {
  std::optional<Tensor> t = ConstantTensor(g, a);
  if (!t) return std::nullopt;
  const DataType type = t->GetElementType();
  const bool is_float = IsFloatType(type);
  const bool is_int = type == DataType::kInt32 || type == DataType::kInt64;
  if (want_float ? !is_float : !is_int) return std::nullopt;
  std::vector<Out> out(static_cast<size_t>(t->NumElements()));
  VisitType<TypeList<float, double, MLFloat16, BFloat16, int32_t, int64_t>>(type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* d = t->Data<T>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<Out>(ToCompute(d[i]));
  });
  return out;
}
}  // namespace

std::optional<double> ScalarConstant(const Graph& g, const NodeArg* a) {
  std::optional<Tensor> t = ConstantTensor(g, a);
  if (!t || t->NumElements() != 1) return std::nullopt;
  std::optional<double> v;
  auto read = [&](auto tag) {
    using T = typename decltype(tag)::type;
    v = static_cast<double>(ToCompute(t->Data<T>()[0]));
  };
  detail::Visitor<AllNumericTypes>::Visit(t->GetElementType(), read);
  return v;
}

bool IsScalarNear(const Graph& g, const NodeArg* a, double value, double rtol) {
  std::optional<double> v = ScalarConstant(g, a);
  return v && std::fabs(*v - value) <= rtol * std::fabs(value);
}

bool IsScalarFor(const Graph& g, const NodeArg* c, double value, const NodeArg* x, double rtol) {
  if (!c || !x || !IsScalarNear(g, c, value, rtol)) return false;
  const int rank = ConstantProto(g, c)->dims_size();
  return rank == 0 || (Rank(x) >= rank);
}

std::optional<std::vector<int64_t>> ConstantInts(const Graph& g, const NodeArg* a) {
  return ConstantValues<int64_t>(g, a, false);
}

std::optional<std::vector<double>> ConstantDoubles(const Graph& g, const NodeArg* a) {
  return ConstantValues<double>(g, a, true);
}

Tensor FloatTensor(DataType type, const TensorShape& shape, const std::vector<double>& values) {
  Tensor t(type, shape, GetCpuAllocator());
  VisitType<FloatTypes>(type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* d = t.MutableData<T>();
    for (size_t i = 0; i < values.size(); ++i) d[i] = FromCompute<T>(values[i]);
  });
  return t;
}

std::optional<std::vector<double>> PerChannelConstant(const Graph& g, const NodeArg* c, int rank, int64_t channels) {
  const onnx::TensorProto* p = ConstantProto(g, c);
  if (!p || rank < 2 || p->dims_size() > rank) return std::nullopt;
  std::vector<int64_t> dims(static_cast<size_t>(rank - p->dims_size()), 1);
  dims.insert(dims.end(), p->dims().begin(), p->dims().end());
  for (int i = 0; i < rank; ++i)
    if (dims[i] != 1 && !(i == 1 && dims[i] == channels)) return std::nullopt;
  auto values = ConstantDoubles(g, c);
  if (!values) return std::nullopt;
  if (values->size() == 1) return std::vector<double>(static_cast<size_t>(channels), (*values)[0]);
  return values;
}

std::optional<std::vector<int64_t>> StaticShape(const NodeArg* a) {
  if (!a) return std::nullopt;
  auto s = a->Shape();
  if (!s) return std::nullopt;
  for (int64_t d : *s)
    if (d < 0) return std::nullopt;
  return s;
}

bool SameDim(const NodeArg* a, int i, const NodeArg* b, int j) {
  if (!a || !b || !a->IsTensorType() || !b->IsTensorType()) return false;
  const auto& ta = a->TypeAsProto()->tensor_type();
  const auto& tb = b->TypeAsProto()->tensor_type();
  if (!ta.has_shape() || !tb.has_shape() || i < 0 || j < 0 || i >= ta.shape().dim_size() || j >= tb.shape().dim_size())
    return false;
  const auto& da = ta.shape().dim(i);
  const auto& db = tb.shape().dim(j);
  if (da.has_dim_value() && db.has_dim_value()) return da.dim_value() == db.dim_value();
  return da.has_dim_param() && db.has_dim_param() && !da.dim_param().empty() && da.dim_param() == db.dim_param();
}

bool SameShape(const NodeArg* a, const NodeArg* b) {
  const int rank = Rank(a);
  if (rank < 0 || rank != Rank(b)) return false;
  for (int i = 0; i < rank; ++i)
    if (!SameDim(a, i, b, i)) return false;
  return true;
}

int Rank(const NodeArg* a) {
  if (!a) return -1;
  auto s = a->Shape();
  return s ? static_cast<int>(s->size()) : -1;
}

bool IsFloatType(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kBFloat16;
}

size_t ConsumerCount(const Graph& g, const NodeArg* a) { return g.GetConsumerNodes(a->Name()).size(); }

bool OnlyFeeds(const Graph& g, const NodeArg* a, const Node& consumer) {
  if (!a || g.IsGraphOutput(a->Name())) return false;
  for (const Node* c : g.GetConsumerNodes(a->Name())) {
    if (c != &consumer) return false;
    for (const NodeArg* im : c->ImplicitInputDefs())
      if (im->Name() == a->Name()) return false;
  }
  return true;
}

bool CanRedirect(const Graph& g, const NodeArg* a) {
  if (!a || g.IsGraphOutput(a->Name())) return false;
  for (const Node* c : g.GetConsumerNodes(a->Name()))
    for (const NodeArg* im : c->ImplicitInputDefs())
      if (im->Name() == a->Name()) return false;
  return true;
}

void RedirectConsumers(Graph& g, const NodeArg* from, NodeArg* to) {
  const std::string name = from->Name();
  for (Node* c : g.GetConsumerNodes(name))
    for (NodeArg*& in : c->MutableInputDefs())
      if (in->Name() == name) in = to;
}

const NodeArg* OtherInput(const Node& n, size_t i) { return Input(n, i == 0 ? 1 : 0); }

NodeArg* NoValue(Graph& g) { return &g.GetOrCreateNodeArg("", nullptr); }

NodeArg& NewValue(Graph& g, const std::string& base, const onnx::TypeProto* type) {
  return g.GetOrCreateNodeArg(g.GenerateNodeArgName(base), type);
}

NodeArg& NewTensorValue(Graph& g, const std::string& base, DataType type,
                        const std::optional<std::vector<int64_t>>& dims) {
  onnx::TypeProto tp;
  auto* tt = tp.mutable_tensor_type();
  tt->set_elem_type(static_cast<int>(type));
  if (dims) {
    auto* shape = tt->mutable_shape();
    for (int64_t d : *dims) {
      auto* dim = shape->add_dim();
      if (d >= 0) dim->set_dim_value(d);
    }
  }
  return NewValue(g, base, &tp);
}

NodeArg& AddConstant(Graph& g, const std::string& base, const Tensor& t) {
  const std::string name = g.GenerateNodeArgName(base);
  g.AddInitializer(TensorToProto(t, name));
  return *g.GetNodeArg(name);
}

NodeArg& AddInt64Constant(Graph& g, const std::string& base, const std::vector<int64_t>& values,
                          const std::vector<int64_t>& dims) {
  return AddConstant(g, base, Tensor::FromVector<int64_t>(values, TensorShape(dims)));
}

Node& AddFusedNode(Graph& g, const std::string& op_type, const std::string& domain, const std::vector<NodeArg*>& inputs,
                   const std::vector<NodeArg*>& outputs, const NodeAttributes& attrs) {
  if (domain == kMSDomain || domain == kOrtliteInternalDomain) g.AddOpsetImport(domain, 1);
  return g.AddNode(g.GenerateNodeName(op_type), op_type, domain, inputs, outputs, &attrs);
}

onnx::AttributeProto MakeAttr(const std::string& name, int64_t v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(v);
  return a;
}

onnx::AttributeProto MakeAttr(const std::string& name, float v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(v);
  return a;
}

onnx::AttributeProto MakeAttr(const std::string& name, const std::vector<int64_t>& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a.add_ints(x);
  return a;
}

void FinishRewrite(Graph& g, const std::vector<NodeIndex>& candidates, const std::vector<std::string>& initializers) {
  g.ResolveSchemas();
  g.Resolve();
  bool removed = false;
  for (bool again = true; again;) {
    again = false;
    for (NodeIndex i : candidates) {
      const Node* n = g.GetNode(i);
      if (!n) continue;
      bool dead = true;
      for (const NodeArg* o : n->OutputDefs()) {
        if (o->Exists() && (g.IsGraphOutput(o->Name()) || !g.GetConsumerNodes(o->Name()).empty())) {
          dead = false;
          break;
        }
      }
      if (!dead) continue;
      g.RemoveNode(i);
      removed = again = true;
    }
  }
  for (const std::string& name : initializers) {
    if (!g.IsConstantInitializer(name) || g.IsGraphOutput(name) || !g.GetConsumerNodes(name).empty()) continue;
    g.RemoveInitializer(name);
  }
  if (removed) g.Resolve();
}

bool RewriteEach(Graph& g, const std::function<bool(Graph&, Node&)>& try_rewrite) {
  constexpr int kMaxSweeps = 8;
  bool changed = false;
  for (int sweep = 0; sweep < kMaxSweeps; ++sweep) {
    bool again = false;
    for (NodeIndex i : std::vector<NodeIndex>(g.TopologicalOrder())) {
      Node* n = g.GetNode(i);
      if (n && try_rewrite(g, *n)) again = true;
    }
    if (!again) break;
    changed = true;
  }
  return changed;
}

}  // namespace opt
}  // namespace ortlite
