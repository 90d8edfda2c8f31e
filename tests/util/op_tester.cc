#include "util/op_tester.h"

#include <cmath>

#include "core/framework/tensorprotoutils.h"
#include "core/session/inference_session.h"

namespace ortlite {
namespace test {

namespace {

onnx::TypeProto TensorType(DataType t, const TensorShape* shape) {
  onnx::TypeProto type;
  type.mutable_tensor_type()->set_elem_type(static_cast<int>(t));
  if (shape) {
    auto* s = type.mutable_tensor_type()->mutable_shape();
    for (int64_t d : shape->GetDims()) s->add_dim()->set_dim_value(d);
  }
  return type;
}

template <typename T>
double Get(const Tensor& t, int64_t i) {
  return static_cast<double>(ToCompute(t.Data<T>()[i]));
}

}  // namespace

OpTester::OpTester(std::string op_type, int opset_version, std::string domain)
    : op_type_(std::move(op_type)), domain_(std::move(domain)), opset_(opset_version) {}

void OpTester::AddAttribute(const std::string& name, int64_t v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INT);
  a.set_i(v);
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const std::string& name, float v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOAT);
  a.set_f(v);
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const std::string& name, const std::string& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRING);
  a.set_s(v);
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const std::string& name, const std::vector<int64_t>& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::INTS);
  for (auto x : v) a.add_ints(x);
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const std::string& name, const std::vector<float>& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::FLOATS);
  for (auto x : v) a.add_floats(x);
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const std::string& name, const std::vector<std::string>& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::STRINGS);
  for (const auto& x : v) a.add_strings(x);
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const std::string& name, const onnx::TensorProto& v) {
  onnx::AttributeProto a;
  a.set_name(name);
  a.set_type(onnx::AttributeProto::TENSOR);
  *a.mutable_t() = v;
  attributes_.push_back(a);
}
void OpTester::AddAttribute(const onnx::AttributeProto& attr) { attributes_.push_back(attr); }

void OpTester::AddInputTensor(const std::string& name, const Tensor& value, bool is_initializer) {
  Input in;
  in.name = name;
  in.value = OrtValue(value);
  in.type = TensorType(value.GetElementType(), &value.Shape());
  in.is_initializer = is_initializer;
  inputs_.push_back(std::move(in));
}

void OpTester::AddInputValue(const std::string& name, const OrtValue& value, const onnx::TypeProto& type) {
  Input in;
  in.name = name;
  in.value = value;
  in.type = type;
  inputs_.push_back(std::move(in));
}

void OpTester::AddMissingInput() {
  Input in;
  in.missing = true;
  inputs_.push_back(std::move(in));
}

void OpTester::AddOutputTensor(const std::string& name, const Tensor& expected) {
  Output out;
  out.name = name;
  out.expected = expected;
  out.type = expected.GetElementType();
  outputs_.push_back(std::move(out));
}

void OpTester::AddUncheckedOutput(const std::string& name, DataType type) {
  Output out;
  out.name = name;
  out.type = type;
  out.check = false;
  outputs_.push_back(std::move(out));
}

void OpTester::AddMissingOutput() {
  Output out;
  out.missing = true;
  outputs_.push_back(std::move(out));
}

onnx::ModelProto OpTester::BuildModel() const {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto* opset = model.add_opset_import();
  opset->set_domain(domain_);
  opset->set_version(opset_);
  if (!domain_.empty()) {
    auto* onnx_opset = model.add_opset_import();
    onnx_opset->set_domain("");
    onnx_opset->set_version(17);
  }
  auto* g = model.mutable_graph();
  g->set_name("op_tester");
  auto* node = g->add_node();
  node->set_op_type(op_type_);
  node->set_domain(domain_);
  node->set_name(op_type_ + "_under_test");
  for (const auto& a : attributes_) *node->add_attribute() = a;
  for (const auto& in : inputs_) {
    if (in.missing) {
      node->add_input("");
      continue;
    }
    node->add_input(in.name);
    if (in.is_initializer) {
      *g->add_initializer() = TensorToProto(in.value.Get(), in.name);
    } else {
      auto* vi = g->add_input();
      vi->set_name(in.name);
      *vi->mutable_type() = in.type;
    }
  }
  for (const auto& out : outputs_) {
    if (out.missing) {
      node->add_output("");
      continue;
    }
    node->add_output(out.name);
    auto* vi = g->add_output();
    vi->set_name(out.name);
    if (out.type != DataType::kUndefined) vi->mutable_type()->mutable_tensor_type()->set_elem_type(static_cast<int>(out.type));
  }
  return model;
}

std::vector<OrtValue> OpTester::RunAndFetch() {
  onnx::ModelProto model = BuildModel();
  std::string bytes;
  model.SerializeToString(&bytes);
  SessionOptions so;
  so.graph_optimization_level = static_cast<GraphOptimizationLevel>(opt_level_);
  so.intra_op_num_threads = 2;
  InferenceSession session(so);
  session.Load(bytes.data(), bytes.size());
  session.Initialize();
  std::vector<std::string> names;
  std::vector<OrtValue> values;
  for (const auto& in : inputs_) {
    if (in.missing || in.is_initializer) continue;
    names.push_back(in.name);
    values.push_back(in.value);
  }
  std::vector<std::string> out_names;
  for (const auto& out : outputs_)
    if (!out.missing) out_names.push_back(out.name);
  RunOptions ro;
  return session.Run(ro, names, values, out_names);
}

void OpTester::Run() {
  std::vector<OrtValue> actual;
  try {
    actual = RunAndFetch();
  } catch (const std::exception& e) {
    FAIL() << op_type_ << " failed: " << e.what();
  }
  size_t k = 0;
  for (const auto& out : outputs_) {
    if (out.missing) continue;
    const OrtValue& v = actual[k++];
    if (!out.check) continue;
    ASSERT_TRUE(v.IsTensor()) << "output '" << out.name << "' is not a tensor";
    const std::string diff = CompareTensors(out.expected, v.Get(), tol_);
    EXPECT_TRUE(diff.empty()) << op_type_ << " output '" << out.name << "': " << diff;
  }
}

void OpTester::RunExpectFailure(const std::string& error_substring) {
  try {
    RunAndFetch();
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(error_substring), std::string::npos)
        << "error '" << e.what() << "' does not contain '" << error_substring << "'";
    return;
  }
  ADD_FAILURE() << op_type_ << " succeeded; expected an error containing '" << error_substring << "'";
}

std::string CompareTensors(const Tensor& expected, const Tensor& actual, const Tolerance& tol) {
  if (expected.GetElementType() != actual.GetElementType()) {
    return MakeString("type: expected ", DataTypeName(expected.GetElementType()), ", got ", DataTypeName(actual.GetElementType()));
  }
  if (expected.Shape() != actual.Shape()) {
    return MakeString("shape: expected ", expected.Shape().ToString(), ", got ", actual.Shape().ToString());
  }
  const int64_t n = expected.NumElements();
  const DataType t = expected.GetElementType();
  if (t == DataType::kString) {
    for (int64_t i = 0; i < n; ++i)
      if (expected.Data<std::string>()[i] != actual.Data<std::string>()[i])
        return MakeString("at ", i, ": expected '", expected.Data<std::string>()[i], "', got '", actual.Data<std::string>()[i], "'");
    return "";
  }
  if (t == DataType::kInt64 || t == DataType::kUInt64) {
    if (std::memcmp(expected.DataRaw(), actual.DataRaw(), expected.SizeInBytes()) != 0) {
      for (int64_t i = 0; i < n; ++i) {
        const int64_t e = static_cast<const int64_t*>(expected.DataRaw())[i];
        const int64_t a = static_cast<const int64_t*>(actual.DataRaw())[i];
        if (e != a) return MakeString("at ", i, ": expected ", e, ", got ", a);
      }
    }
    return "";
  }
  const bool approximate = t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kBFloat16;
  for (int64_t i = 0; i < n; ++i) {
    double e = 0, a = 0;
    VisitType<AllNumericAndBoolTypes>(t, [&](auto tag) {
      using T = typename decltype(tag)::type;
      e = Get<T>(expected, i);
      a = Get<T>(actual, i);
    });
    bool ok;
    if (std::isnan(e) || std::isnan(a)) ok = std::isnan(e) && std::isnan(a);
    else if (std::isinf(e) || std::isinf(a)) ok = e == a;
    else if (!approximate) ok = e == a;
    else ok = std::fabs(e - a) <= tol.atol + tol.rtol * std::fabs(e);
    if (!ok) return MakeString("at ", i, ": expected ", e, ", got ", a);
  }
  return "";
}

}  // namespace test
}  // namespace ortlite
