// Helpers shared by the graph rewrites: matching nodes and constant operands, checking that
// intermediate values have no other users, and finishing a rewrite (schemas, dead nodes, unused
// initializers, re-resolving).
//
// A fused node takes over the NodeArg of the last node it replaces, so graph outputs and names
// stay; interior nodes are then removed only if nothing else still reads them.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/framework/tensor.h"
#include "core/graph/graph.h"

namespace ortlite {
namespace opt {

// A primitive node of op `op_type` in `domain` ("" is the ONNX domain).
bool IsOp(const Node& n, const char* op_type, const char* domain = "");
// Reshape (opset >= 5, shape as input), Flatten, Squeeze or Unsqueeze: ops that only relabel the
// dims of their first input.
bool IsViewOp(const Node& n);
// The opset the graph imports for the ONNX domain.
int OnnxOpset(const Graph& g);

// Input i of `n` when present, else nullptr.
const NodeArg* Input(const Node& n, size_t i);
// The node producing input i of `n` (nullptr for graph inputs, initializers and omitted inputs).
Node* InputProducer(const Graph& g, const Node& n, size_t i);

// Attributes with defaults.
int64_t IntAttr(const Node& n, const char* name, int64_t default_value);
float FloatAttr(const Node& n, const char* name, float default_value);
std::optional<std::vector<int64_t>> IntsAttr(const Node& n, const char* name);

// A constant initializer (not overridable by a feed) behind `a`, else nullptr.
const onnx::TensorProto* ConstantProto(const Graph& g, const NodeArg* a);
std::optional<Tensor> ConstantTensor(const Graph& g, const NodeArg* a);
// The single value of a one-element numeric constant, as double.
std::optional<double> ScalarConstant(const Graph& g, const NodeArg* a);
// True if `a` is a one-element constant equal to `value` within relative tolerance `rtol`.
bool IsScalarNear(const Graph& g, const NodeArg* a, double value, double rtol = 1e-6);
// IsScalarNear, and the constant cannot broadcast `x` to more dims (its rank is at most x's).
bool IsScalarFor(const Graph& g, const NodeArg* c, double value, const NodeArg* x, double rtol = 1e-6);
// Integer constants (int32/int64) as int64.
std::optional<std::vector<int64_t>> ConstantInts(const Graph& g, const NodeArg* a);
// Float-typed (float, double, float16, bfloat16) constants as double.
std::optional<std::vector<double>> ConstantDoubles(const Graph& g, const NodeArg* a);

// A float-typed tensor of `type` holding `values`.
Tensor FloatTensor(DataType type, const TensorShape& shape, const std::vector<double>& values);
// The per-channel values of constant `c` when it broadcasts against a tensor of rank `rank`
// (N, C, ...) only along the channel axis 1 with C = `channels`: dims are 1 except axis 1, which
// is 1 or C. Returns C values (repeated when axis 1 is 1), else nullopt.
std::optional<std::vector<double>> PerChannelConstant(const Graph& g, const NodeArg* c, int rank, int64_t channels);

// Fully known dims of a value, else nullopt.
std::optional<std::vector<int64_t>> StaticShape(const NodeArg* a);
// True if dim i of a and dim j of b are known to be equal (same value, or same symbolic name).
bool SameDim(const NodeArg* a, int i, const NodeArg* b, int j);
// True if `a` and `b` are known to have the same shape.
bool SameShape(const NodeArg* a, const NodeArg* b);
// Known rank, else -1.
int Rank(const NodeArg* a);
bool IsFloatType(DataType t);

// Consumers including nodes whose subgraphs read the value.
size_t ConsumerCount(const Graph& g, const NodeArg* a);
// True if `a` is read only by `consumer` (explicit inputs only) and is not a graph output.
bool OnlyFeeds(const Graph& g, const NodeArg* a, const Node& consumer);
// True if readers of `a` can be pointed at another value: not a graph output and not read by a
// subgraph (subgraphs read outer values by name).
bool CanRedirect(const Graph& g, const NodeArg* a);
// Points every explicit reader of `from` at `to`.
void RedirectConsumers(Graph& g, const NodeArg* from, NodeArg* to);
// The other input of a two-input node, given one input index.
const NodeArg* OtherInput(const Node& n, size_t i);

// The shared NodeArg of omitted optional inputs and outputs.
NodeArg* NoValue(Graph& g);
// A new value named after `base` with the given type (copied).
NodeArg& NewValue(Graph& g, const std::string& base, const onnx::TypeProto* type);
NodeArg& NewTensorValue(Graph& g, const std::string& base, DataType type,
                        const std::optional<std::vector<int64_t>>& dims);
// A new constant initializer named after `base`.
NodeArg& AddConstant(Graph& g, const std::string& base, const Tensor& t);
NodeArg& AddInt64Constant(Graph& g, const std::string& base, const std::vector<int64_t>& values,
                          const std::vector<int64_t>& dims);

// Adds a node with a generated name; declares com.microsoft when the node is in that domain.
Node& AddFusedNode(Graph& g, const std::string& op_type, const std::string& domain, const std::vector<NodeArg*>& inputs,
                   const std::vector<NodeArg*>& outputs, const NodeAttributes& attrs = {});

onnx::AttributeProto MakeAttr(const std::string& name, int64_t v);
onnx::AttributeProto MakeAttr(const std::string& name, float v);
onnx::AttributeProto MakeAttr(const std::string& name, const std::vector<int64_t>& v);

// Finishes a rewrite: resolves schemas of new nodes, removes `candidates` (and then their
// producers among the candidates) that no longer have readers, drops initializers in
// `initializers` nobody reads any more, and resolves the graph.
void FinishRewrite(Graph& g, const std::vector<NodeIndex>& candidates,
                   const std::vector<std::string>& initializers = {});

// Calls `try_rewrite` on every node in topological order, repeating the sweep while something
// changed (a bounded number of times). `try_rewrite` returns true after a rewrite, which must
// leave the graph resolved (FinishRewrite). Returns true if anything changed.
bool RewriteEach(Graph& g, const std::function<bool(Graph&, Node&)>& try_rewrite);

}  // namespace opt
}  // namespace ortlite
