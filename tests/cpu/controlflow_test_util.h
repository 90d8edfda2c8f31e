// Helpers for the control-flow and sequence tests: models written in ONNX's text syntax (so
// subgraphs and outer-scope values read naturally), run through a real InferenceSession, and
// checks on sequence and optional results.
#pragma once
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "core/session/inference_session.h"
#include "onnx/defs/parser.h"
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace cf {

inline onnx::TypeProto TensorTypeOf(DataType t) {
  onnx::TypeProto type;
  type.mutable_tensor_type()->set_elem_type(static_cast<int>(t));
  return type;
}

inline onnx::TypeProto SeqOf(DataType t) {
  onnx::TypeProto type;
  *type.mutable_sequence_type()->mutable_elem_type() = TensorTypeOf(t);
  return type;
}

inline onnx::TypeProto OptionalOf(const onnx::TypeProto& elem) {
  onnx::TypeProto type;
  *type.mutable_optional_type()->mutable_elem_type() = elem;
  return type;
}

// Sets the declared type of every input/output/value_info called `name`, in `g` and its subgraphs.
// (The text parser of onnx 1.12 cannot spell sequence or optional types.)
inline void Retype(onnx::GraphProto& g, const std::string& name, const onnx::TypeProto& type) {
  for (auto* list : {g.mutable_input(), g.mutable_output(), g.mutable_value_info()}) {
    for (auto& vi : *list) {
      if (vi.name() == name) *vi.mutable_type() = type;
    }
  }
  for (auto& node : *g.mutable_node()) {
    for (auto& attr : *node.mutable_attribute()) {
      if (attr.has_g()) Retype(*attr.mutable_g(), name, type);
      for (auto& sub : *attr.mutable_graphs()) Retype(sub, name, type);
    }
  }
}

// Node inputs named "OMITTED" become omitted inputs (""): the parser cannot begin an input list
// with an empty name.
inline void OmitPlaceholderInputs(onnx::GraphProto& g) {
  for (auto& node : *g.mutable_node()) {
    for (auto& in : *node.mutable_input()) {
      if (in == "OMITTED") in.clear();
    }
    for (auto& attr : *node.mutable_attribute()) {
      if (attr.has_g()) OmitPlaceholderInputs(*attr.mutable_g());
    }
  }
}

inline onnx::ModelProto ParseModel(const std::string& text) {
  onnx::ModelProto model;
  const auto status = onnx::OnnxParser::Parse(model, text.c_str());
  EXPECT_TRUE(status.IsOK()) << status.ErrorMessage();
  OmitPlaceholderInputs(*model.mutable_graph());
  return model;
}

// Runs `model` with `feeds`; returns all graph outputs in order.
inline std::vector<OrtValue> RunModel(const onnx::ModelProto& model,
                                      const std::vector<std::pair<std::string, OrtValue>>& feeds,
                                      int optimization_level = 99) {
  std::string bytes;
  model.SerializeToString(&bytes);
  SessionOptions so;
  so.graph_optimization_level = static_cast<GraphOptimizationLevel>(optimization_level);
  so.intra_op_num_threads = 2;
  InferenceSession session(so);
  session.Load(bytes.data(), bytes.size());
  session.Initialize();
  std::vector<std::string> names;
  std::vector<OrtValue> values;
  for (const auto& [name, value] : feeds) {
    names.push_back(name);
    values.push_back(value);
  }
  std::vector<std::string> outputs;
  for (const auto& o : model.graph().output()) outputs.push_back(o.name());
  RunOptions ro;
  return session.Run(ro, names, values, outputs);
}

// Runs `model` expecting an error that contains `substring`.
inline void ExpectRunError(const onnx::ModelProto& model, const std::vector<std::pair<std::string, OrtValue>>& feeds,
                           const std::string& substring) {
  try {
    RunModel(model, feeds);
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find(substring), std::string::npos)
        << "error '" << e.what() << "' does not contain '" << substring << "'";
    return;
  }
  ADD_FAILURE() << "the model ran; expected an error containing '" << substring << "'";
}

template <typename T>
OrtValue TensorValue(const std::vector<int64_t>& dims, const std::vector<T>& values) {
  return OrtValue(Tensor::FromVector<T>(values, dims));
}

inline OrtValue SeqValue(DataType elem_type, std::vector<Tensor> tensors) {
  TensorSeq seq;
  seq.elem_type = elem_type;
  for (auto& t : tensors) seq.values.emplace_back(std::move(t));
  return OrtValue(std::move(seq));
}

inline void ExpectTensor(const OrtValue& actual, const Tensor& expected, const Tolerance& tol = {}) {
  ASSERT_TRUE(actual.IsTensor()) << "expected a tensor";
  EXPECT_EQ(CompareTensors(expected, actual.Get(), tol), "");
}

inline void ExpectSeq(const OrtValue& actual, const std::vector<Tensor>& expected) {
  ASSERT_TRUE(actual.IsSequence()) << "expected a sequence";
  const auto& values = actual.GetSequence().values;
  ASSERT_EQ(values.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_TRUE(values[i].IsTensor()) << "sequence element " << i << " is not a tensor";
    EXPECT_EQ(CompareTensors(expected[i], values[i].Get(), {}), "") << "sequence element " << i;
  }
}

}  // namespace cf
}  // namespace test
}  // namespace ortlite
