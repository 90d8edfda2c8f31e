// Helpers for the operator micro-benchmarks: a one-node model run through a real InferenceSession,
// so a benchmark times exactly what a model's node costs (kernel dispatch included).
#pragma once
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "core/framework/tensor.h"
#include "core/framework/tensorprotoutils.h"
#include "core/session/inference_session.h"
#include "onnx/onnx_pb.h"
#include "util/random_data.h"

namespace ortlite {
namespace bench {

using test::ElementCount;
using test::RandomFloats;

class OneNodeModel {
 public:
  OneNodeModel(const std::string& op, int opset, const std::string& domain = "") {
    model_.set_ir_version(8);
    auto* onnx_import = model_.add_opset_import();
    onnx_import->set_domain("");
    onnx_import->set_version(opset);
    if (!domain.empty()) {
      auto* imp = model_.add_opset_import();
      imp->set_domain(domain);
      imp->set_version(1);
    }
    node_ = model_.mutable_graph()->add_node();
    node_->set_op_type(op);
    node_->set_domain(domain);
    node_->set_name("bench_node");
  }

  // A float input: a constant initializer, or a graph input fed at every run.
  void Input(const std::string& name, const std::vector<int64_t>& dims, bool constant, unsigned seed = 1) {
    node_->add_input(name);
    Tensor t = Tensor::FromVector<float>(RandomFloats(static_cast<size_t>(ElementCount(dims)), seed), TensorShape(dims));
    if (constant) {
      *model_.mutable_graph()->add_initializer() = TensorToProto(t, name);
      return;
    }
    auto* vi = model_.mutable_graph()->add_input();
    vi->set_name(name);
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(static_cast<int>(DataType::kFloat));
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
    feed_names_.push_back(name);
    feeds_.emplace_back(std::move(t));
  }
  void MissingInput() { node_->add_input(""); }
  void Output(const std::string& name) {
    node_->add_output(name);
    auto* vi = model_.mutable_graph()->add_output();
    vi->set_name(name);
    vi->mutable_type()->mutable_tensor_type()->set_elem_type(static_cast<int>(DataType::kFloat));
  }

  void Attr(const std::string& name, int64_t v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
  }
  void Attr(const std::string& name, float v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
  }
  void Attr(const std::string& name, const std::vector<int64_t>& v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) a->add_ints(x);
  }
  void Attr(const std::string& name, const std::string& v) {
    auto* a = node_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(v);
  }

  // Creates the session (optimisations off, so the node runs as built).
  void Prepare(int threads) {
    std::string bytes;
    model_.SerializeToString(&bytes);
    SessionOptions so;
    so.intra_op_num_threads = threads;
    so.graph_optimization_level = GraphOptimizationLevel::kDisableAll;
    session_ = std::make_unique<InferenceSession>(so);
    session_->Load(bytes.data(), bytes.size());
    session_->Initialize();
  }

  void Run() {
    auto out = session_->Run(run_options_, feed_names_, feeds_, {});
    benchmark::DoNotOptimize(out.data());
  }

 private:
  onnx::ModelProto model_;
  onnx::NodeProto* node_;
  std::vector<std::string> feed_names_;
  std::vector<OrtValue> feeds_;
  std::unique_ptr<InferenceSession> session_;
  RunOptions run_options_;
};

// One thread is timed by CPU time (less disturbed on a shared machine), more by the wall clock.
inline void ThreadTiming(benchmark::internal::Benchmark* b, int threads) {
  if (threads > 1) b->UseRealTime();
}

}  // namespace bench
}  // namespace ortlite
