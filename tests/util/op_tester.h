// OpTester: builds a one-node model, runs it through a real InferenceSession on the CPU provider
// and compares the outputs with expected values.
//
//   OpTester t("Add", 14);
//   t.AddInput<float>("A", {2, 1}, {1, 2});
//   t.AddInput<float>("B", {3}, {10, 20, 30});
//   t.AddOutput<float>("C", {2, 3}, {11, 21, 31, 12, 22, 32});
//   t.Run();
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/framework/ort_value.h"
#include "onnx/onnx_pb.h"

namespace ortlite {
namespace test {

// numpy.isclose-style comparison: |expected - actual| <= atol + rtol * |expected|; NaN == NaN.
struct Tolerance {
  double rtol = 1e-5;
  double atol = 1e-6;
};

class OpTester {
 public:
  explicit OpTester(std::string op_type, int opset_version = 17, std::string domain = "");

  // Attributes.
  void AddAttribute(const std::string& name, int64_t v);
  void AddAttribute(const std::string& name, float v);
  void AddAttribute(const std::string& name, const std::string& v);
  void AddAttribute(const std::string& name, const char* v) { AddAttribute(name, std::string(v)); }
  void AddAttribute(const std::string& name, const std::vector<int64_t>& v);
  void AddAttribute(const std::string& name, const std::vector<float>& v);
  void AddAttribute(const std::string& name, const std::vector<std::string>& v);
  void AddAttribute(const std::string& name, const onnx::TensorProto& v);
  void AddAttribute(const onnx::AttributeProto& attr);

  // Inputs. With `is_initializer` the input becomes a constant initializer of the model.
  template <typename T>
  void AddInput(const std::string& name, const std::vector<int64_t>& dims, const std::vector<T>& values,
                bool is_initializer = false) {
    AddInputTensor(name, Tensor::FromVector<T>(values, dims), is_initializer);
  }
  void AddInputTensor(const std::string& name, const Tensor& value, bool is_initializer = false);
  void AddInputValue(const std::string& name, const OrtValue& value, const onnx::TypeProto& type);
  // An omitted optional input (empty name in the node).
  void AddMissingInput();

  // Expected outputs. Outputs declared without shape check the values only when `dims` is empty
  // and `check_shape` false.
  template <typename T>
  void AddOutput(const std::string& name, const std::vector<int64_t>& dims, const std::vector<T>& values) {
    AddOutputTensor(name, Tensor::FromVector<T>(values, dims));
  }
  void AddOutputTensor(const std::string& name, const Tensor& expected);
  // An output that is produced but not compared (e.g. random values); its type must be given.
  void AddUncheckedOutput(const std::string& name, DataType type);
  void AddMissingOutput();

  void SetTolerance(double rtol, double atol) { tol_ = {rtol, atol}; }
  // Graph optimisation level for the session (0 = disabled, default 99 = all).
  void SetOptimizationLevel(int level) { opt_level_ = level; }

  // Runs and checks outputs. With expect_failure, checks that session creation or Run fails with
  // an error whose message contains `error_substring`.
  void Run();
  void RunExpectFailure(const std::string& error_substring);
  // Runs and returns all outputs (no comparison).
  std::vector<OrtValue> RunAndFetch();

  // The model that Run() builds (for tests that inspect or modify it).
  onnx::ModelProto BuildModel() const;

 private:
  struct Input {
    std::string name;
    OrtValue value;
    onnx::TypeProto type;
    bool is_initializer = false;
    bool missing = false;
  };
  struct Output {
    std::string name;
    Tensor expected;
    DataType type = DataType::kUndefined;
    bool check = true;
    bool missing = false;
  };

  std::string op_type_, domain_;
  int opset_;
  std::vector<onnx::AttributeProto> attributes_;
  std::vector<Input> inputs_;
  std::vector<Output> outputs_;
  Tolerance tol_;
  int opt_level_ = 99;
};

// Compares two tensors (type, shape, values within tolerance); returns "" or a description.
std::string CompareTensors(const Tensor& expected, const Tensor& actual, const Tolerance& tol);

}  // namespace test
}  // namespace ortlite
