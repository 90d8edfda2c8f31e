// Expands ai.onnx.preview.training Gradient nodes into the nodes that compute the gradients
// (reverse-mode differentiation of the enclosing graph from the inputs `xs` to the output `y`).
// This is a lowering step, run at every optimisation level: no kernel computes Gradient itself.
#include <functional>
#include <map>
#include <set>
#include <unordered_set>

#include "core/framework/tensorprotoutils.h"
#include "core/optimizer/gradient_expansion.h"

namespace ortlite {

namespace {

class Builder {
 public:
  Builder(Graph& graph, const std::string& base) : graph_(graph), base_(base) {}

  NodeArg* Add(const std::string& op, const std::vector<NodeArg*>& inputs, const NodeArg* like,
               const NodeAttributes* attrs = nullptr, const std::string& domain = "") {
    NodeArg& out = graph_.GetOrCreateNodeArg(graph_.GenerateNodeArgName(base_ + "_" + op), like ? like->TypeAsProto() : nullptr);
    graph_.AddNode(graph_.GenerateNodeName(base_ + "_" + op), op, domain, inputs, {&out}, attrs);
    return &out;
  }
  // A tensor of ones shaped like `v`.
  NodeArg* OnesLike(NodeArg* v) {
    NodeArg* shape = Add("Shape", {v}, nullptr);
    onnx::TypeProto shape_type;
    shape_type.mutable_tensor_type()->set_elem_type(onnx::TensorProto::INT64);
    shape->SetType(shape_type);
    Tensor one = Tensor::FromVector<float>({1.f}, {1});
    DataType t = v->ElementType() == DataType::kUndefined ? DataType::kFloat : v->ElementType();
    Tensor typed(t, TensorShape({1}), GetCpuAllocator());
    VisitType<FloatTypes>(t, [&](auto tag) {
      using T = typename decltype(tag)::type;
      typed.MutableData<T>()[0] = FromCompute<T>(1.0);
    }, "Gradient");
    NodeAttributes attrs;
    attrs["value"].set_name("value");
    attrs["value"].set_type(onnx::AttributeProto::TENSOR);
    *attrs["value"].mutable_t() = TensorToProto(typed, "value");
    return Add("ConstantOfShape", {shape}, v, &attrs);
  }
  // The gradient flowing to `input`, reduced over the axes it was broadcast along.
  NodeArg* Unbroadcast(NodeArg* grad, NodeArg* input) {
    return Add("SumToShape", {grad, input}, input, nullptr, "ortlite.internal");
  }

 private:
  Graph& graph_;
  std::string base_;
};

void Expand(Graph& graph, Node& gradient) {
  const auto* xs_attr = gradient.GetAttribute("xs");
  const auto* y_attr = gradient.GetAttribute("y");
  if (!xs_attr || !y_attr) {
    ThrowError(ErrorCode::kInvalidGraph, "Gradient node '", gradient.Name(), "' needs the attributes xs and y");
  }
  std::vector<std::string> xs(xs_attr->strings().begin(), xs_attr->strings().end());
  const std::string y = y_attr->s();
  if (xs.size() != gradient.OutputDefs().size()) {
    ThrowError(ErrorCode::kInvalidGraph, "Gradient node '", gradient.Name(), "' has ", gradient.OutputDefs().size(),
               " outputs for ", xs.size(), " xs");
  }
  NodeArg* y_arg = graph.GetNodeArg(y);
  if (!y_arg) ThrowError(ErrorCode::kInvalidGraph, "Gradient node '", gradient.Name(), "': y '", y, "' is not in the graph");

  // Nodes between xs and y: forward-reachable from xs and backward-reachable from y.
  std::unordered_set<std::string> from_x(xs.begin(), xs.end());
  std::vector<Node*> on_path;
  for (NodeIndex i : graph.TopologicalOrder()) {
    Node* n = graph.GetNode(i);
    if (!n || n == &gradient) continue;
    bool reached = false;
    for (const NodeArg* a : n->InputDefs()) reached |= from_x.count(a->Name()) > 0;
    if (!reached) continue;
    for (const NodeArg* o : n->OutputDefs()) from_x.insert(o->Name());
    on_path.push_back(n);
  }
  std::unordered_set<std::string> to_y{y};
  std::vector<Node*> backward;
  for (auto it = on_path.rbegin(); it != on_path.rend(); ++it) {
    bool feeds = false;
    for (const NodeArg* o : (*it)->OutputDefs()) feeds |= to_y.count(o->Name()) > 0;
    if (!feeds) continue;
    for (const NodeArg* a : (*it)->InputDefs()) to_y.insert(a->Name());
    backward.push_back(*it);
  }

  Builder b(graph, gradient.Name());
  std::map<std::string, std::vector<NodeArg*>> contributions;
  contributions[y].push_back(b.OnesLike(y_arg));
  auto total = [&](const std::string& name) -> NodeArg* {
    auto& parts = contributions[name];
    if (parts.empty()) return nullptr;
    if (parts.size() == 1) return parts[0];
    return b.Add("Sum", parts, graph.GetNodeArg(name));
  };
  for (Node* n : backward) {
    if (n->OutputDefs().size() != 1) {
      ThrowError(ErrorCode::kNotImplemented, "Gradient node '", gradient.Name(), "': no derivative for node '",
                 n->Name(), "' (op ", n->OpType(), ") with several outputs");
    }
    NodeArg* g = total(n->OutputDefs()[0]->Name());
    if (!g) continue;
    const auto& in = n->MutableInputDefs();
    const std::string& op = n->OpType();
    auto give = [&](size_t k, NodeArg* grad) {
      if (to_y.count(in[k]->Name()) && from_x.count(in[k]->Name())) contributions[in[k]->Name()].push_back(grad);
    };
    if (op == "Add") {
      give(0, b.Unbroadcast(g, in[0]));
      give(1, b.Unbroadcast(g, in[1]));
    } else if (op == "Sub") {
      give(0, b.Unbroadcast(g, in[0]));
      give(1, b.Unbroadcast(b.Add("Neg", {g}, in[1]), in[1]));
    } else if (op == "Mul") {
      give(0, b.Unbroadcast(b.Add("Mul", {g, in[1]}, n->OutputDefs()[0]), in[0]));
      give(1, b.Unbroadcast(b.Add("Mul", {g, in[0]}, n->OutputDefs()[0]), in[1]));
    } else if (op == "Div") {
      give(0, b.Unbroadcast(b.Add("Div", {g, in[1]}, n->OutputDefs()[0]), in[0]));
      // d(a/b)/db = -(a/b)/b
      NodeArg* q = b.Add("Div", {n->MutableOutputDefs()[0], in[1]}, n->OutputDefs()[0]);
      give(1, b.Unbroadcast(b.Add("Neg", {b.Add("Mul", {g, q}, q)}, q), in[1]));
    } else if (op == "Neg") {
      give(0, b.Add("Neg", {g}, in[0]));
    } else if (op == "Identity") {
      give(0, g);
    } else {
      ThrowError(ErrorCode::kNotImplemented, "Gradient node '", gradient.Name(), "': no derivative for op ", op,
                 " (node '", n->Name(), "'); supported: Add, Sub, Mul, Div, Neg, Identity");
    }
  }
  // Each requested gradient; an x that does not influence y gets zeros.
  std::vector<NodeArg*> outs = gradient.MutableOutputDefs();
  graph.RemoveNode(gradient.Index());
  for (size_t k = 0; k < xs.size(); ++k) {
    if (!outs[k]->Exists()) continue;
    NodeArg* x = graph.GetNodeArg(xs[k]);
    if (!x) ThrowError(ErrorCode::kInvalidGraph, "Gradient: x '", xs[k], "' is not in the graph");
    NodeArg* g = total(xs[k]);
    if (!g) g = b.Add("Sub", {x, x}, x);
    graph.AddNode(graph.GenerateNodeName(xs[k] + "_gradient"), "Identity", "", {g}, {outs[k]});
  }
}

}  // namespace

bool ExpandGradients(Graph& graph) {
  std::vector<NodeIndex> found;
  for (Node* n : graph.Nodes())
    if (n->OpType() == "Gradient" && n->Domain() == "ai.onnx.preview.training") found.push_back(n->Index());
  for (NodeIndex i : found) Expand(graph, *graph.GetNode(i));
  if (found.empty()) return false;
  graph.ResolveSchemas();
  graph.Resolve();
  return true;
}

}  // namespace ortlite
