// Small ONNX models for the API tests, built with the onnx protobuf classes and handed to
// Ort::Session as bytes.
#pragma once
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "onnx/onnx_pb.h"

namespace ortlite_api_test {

inline std::string SourcePath(const std::string& rel) { return std::string(ORTLITE_SOURCE_DIR) + "/" + rel; }
inline std::string TinyCnnPath() { return SourcePath("models/tiny_cnn/model.onnx"); }

inline std::vector<float> ReadTensorFloats(const std::string& path) {
  onnx::TensorProto p;
  std::ifstream in(path, std::ios::binary);
  if (!p.ParseFromIstream(&in)) return {};
  std::vector<float> v(p.raw_data().size() / 4);
  std::memcpy(v.data(), p.raw_data().data(), p.raw_data().size());
  return v;
}
inline std::vector<float> TinyCnnInput() { return ReadTensorFloats(SourcePath("models/tiny_cnn/test_data_set_0/input_0.pb")); }
inline std::vector<float> TinyCnnOutput() { return ReadTensorFloats(SourcePath("models/tiny_cnn/test_data_set_0/output_0.pb")); }

// A model with opset `opset` of the default domain plus version 1 of each of `domains`.
inline onnx::ModelProto NewModel(const std::vector<std::string>& domains = {}, int opset = 17) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.set_producer_name("ortlite api tests");
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(opset);
  for (const auto& d : domains) {
    o = m.add_opset_import();
    o->set_domain(d);
    o->set_version(1);
  }
  m.mutable_graph()->set_name("api_test");
  return m;
}

// A tensor value info; each dim is a number (fixed) or a name (symbolic). No dims: unknown shape,
// {"scalar"} is not special - pass an empty list with `rank0` for a scalar.
inline void AddValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                     int elem_type, const std::vector<std::string>& dims, bool rank0 = false) {
  auto* vi = list->Add();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(elem_type);
  if (!dims.empty() || rank0) {
    auto* shape = tt->mutable_shape();
    for (const auto& d : dims) {
      auto* dim = shape->add_dim();
      char* end = nullptr;
      const long long v = std::strtoll(d.c_str(), &end, 10);
      if (!d.empty() && end && *end == '\0') dim->set_dim_value(v);
      else dim->set_dim_param(d);
    }
  }
}
inline void AddInput(onnx::ModelProto& m, const std::string& name, int elem_type, const std::vector<std::string>& dims) {
  AddValue(m.mutable_graph()->mutable_input(), name, elem_type, dims);
}
inline void AddOutput(onnx::ModelProto& m, const std::string& name, int elem_type,
                      const std::vector<std::string>& dims = {}) {
  AddValue(m.mutable_graph()->mutable_output(), name, elem_type, dims);
}

inline onnx::NodeProto* AddNode(onnx::ModelProto& m, const std::string& op, const std::vector<std::string>& inputs,
                                const std::vector<std::string>& outputs, const std::string& domain = "") {
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_domain(domain);
  n->set_name(op + "_" + (outputs.empty() ? std::string("none") : outputs[0]));
  for (const auto& i : inputs) n->add_input(i);
  for (const auto& o : outputs) n->add_output(o);
  return n;
}

inline void SetAttr(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}
inline void SetAttr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

inline onnx::TensorProto* AddFloatInitializer(onnx::ModelProto& m, const std::string& name,
                                              const std::vector<int64_t>& dims, const std::vector<float>& values) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) t->add_dims(d);
  for (float v : values) t->add_float_data(v);
  return t;
}

inline std::string Serialize(const onnx::ModelProto& m) {
  std::string bytes;
  m.SerializeToString(&bytes);
  return bytes;
}

}  // namespace ortlite_api_test
