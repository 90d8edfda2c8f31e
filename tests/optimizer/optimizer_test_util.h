// Helpers for graph-optimisation tests: build a small model with the onnx protobuf API, look at
// the node types after InferenceSession::Initialize, and compare outputs with the same model run
// without optimisations.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/framework/tensorprotoutils.h"
#include "core/session/inference_session.h"
#include "util/op_tester.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {

class ModelBuilder {
 public:
  explicit ModelBuilder(int opset = 17) {
    model_.set_ir_version(8);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("optimizer_test");
  }

  // dims: -1 is a symbolic dim (named "d<i>" by position, so equal positions share a name).
  void Input(const std::string& name, DataType type, const std::vector<int64_t>& dims) {
    auto* vi = graph().add_input();
    vi->set_name(name);
    SetType(vi, type, &dims);
  }
  void Output(const std::string& name, DataType type) {
    auto* vi = graph().add_output();
    vi->set_name(name);
    SetType(vi, type, nullptr);
  }
  void Initializer(const std::string& name, const Tensor& t) { *graph().add_initializer() = TensorToProto(t, name); }
  template <typename T>
  void Initializer(const std::string& name, const std::vector<int64_t>& dims, const std::vector<T>& values) {
    Initializer(name, Tensor::FromVector<T>(values, TensorShape(dims)));
  }
  void Scalar(const std::string& name, float v) { Initializer<float>(name, {}, {v}); }

  onnx::NodeProto& Node(const std::string& op, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs, const std::string& domain = "") {
    auto* n = graph().add_node();
    n->set_op_type(op);
    n->set_domain(domain);
    n->set_name(op + "_" + std::to_string(graph().node_size()));
    for (const auto& i : inputs) n->add_input(i);
    for (const auto& o : outputs) n->add_output(o);
    if (!domain.empty() && domain != "ai.onnx.ml") {
      bool found = false;
      for (const auto& op_import : model_.opset_import()) found |= op_import.domain() == domain;
      if (!found) {
        auto* imp = model_.add_opset_import();
        imp->set_domain(domain);
        imp->set_version(1);
      }
    }
    return *n;
  }

  onnx::ModelProto Build() const { return model_; }

 private:
  onnx::GraphProto& graph() { return *model_.mutable_graph(); }
  static void SetType(onnx::ValueInfoProto* vi, DataType type, const std::vector<int64_t>* dims) {
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int>(type));
    if (!dims) return;
    auto* shape = tt->mutable_shape();
    for (size_t i = 0; i < dims->size(); ++i) {
      auto* d = shape->add_dim();
      if ((*dims)[i] >= 0) {
        d->set_dim_value((*dims)[i]);
      } else {
        d->set_dim_param("d" + std::to_string(i));
      }
    }
  }

  onnx::ModelProto model_;
};

inline void SetAttr(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
inline void SetAttr(onnx::NodeProto& n, const std::string& name, float v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
inline void SetAttr(onnx::NodeProto& n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

using Feeds = std::map<std::string, OrtValue>;

inline std::unique_ptr<InferenceSession> MakeSession(const onnx::ModelProto& model, int level,
                                                     const std::string& disabled = "", int threads = 2) {
  std::string bytes;
  model.SerializeToString(&bytes);
  SessionOptions so;
  so.graph_optimization_level = static_cast<GraphOptimizationLevel>(level);
  so.intra_op_num_threads = threads;
  if (!disabled.empty()) so.config_entries["optimization.disable_specified_optimizers"] = disabled;
  auto s = std::make_unique<InferenceSession>(so);
  s->Load(bytes.data(), bytes.size());
  s->Initialize();
  return s;
}

// "Op" for ONNX ops, "domain.Op" otherwise, in topological order.
inline std::vector<std::string> OpTypes(const InferenceSession& s) {
  std::vector<std::string> ops;
  const Graph& g = s.GetGraph();
  for (NodeIndex i : g.TopologicalOrder()) {
    const Node* n = g.GetNode(i);
    if (n) ops.push_back(n->Domain().empty() ? n->OpType() : n->Domain() + "." + n->OpType());
  }
  return ops;
}

inline std::vector<std::string> OpTypesAfterInit(const onnx::ModelProto& model, int level = 99) {
  return OpTypes(*MakeSession(model, level));
}

inline int CountOp(const std::vector<std::string>& ops, const std::string& op) {
  return static_cast<int>(std::count(ops.begin(), ops.end(), op));
}

inline std::vector<OrtValue> RunModel(const onnx::ModelProto& model, int level, const Feeds& feeds) {
  auto s = MakeSession(model, level);
  std::vector<std::string> names;
  std::vector<OrtValue> values;
  for (const auto& [k, v] : feeds) {
    names.push_back(k);
    values.push_back(v);
  }
  RunOptions ro;
  return s->Run(ro, names, values, {});
}

// Runs at level 0 and at `level` and expects equal outputs.
inline void ExpectSameOutputs(const onnx::ModelProto& model, const Feeds& feeds, double rtol = 1e-5,
                              double atol = 1e-5, int level = 99) {
  auto expected = RunModel(model, 0, feeds);
  auto actual = RunModel(model, level, feeds);
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const std::string diff = CompareTensors(expected[i].Get(), actual[i].Get(), Tolerance{rtol, atol});
    EXPECT_TRUE(diff.empty()) << "output " << i << ": " << diff;
  }
}

inline OrtValue RandomValue(const std::vector<int64_t>& dims, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d);
  return OrtValue(Tensor::FromVector<float>(RandomFloats(n, seed, lo, hi), TensorShape(dims)));
}

}  // namespace test
}  // namespace ortlite
