// Tiny float kernels in a test-only domain, so engine tests do not depend on the CPU kernels.
#pragma once
#include <string>

#include "onnx/onnx_pb.h"

namespace ortlite {
namespace test {

constexpr const char* kTestDomain = "ortlite.test";

// Adds a node `op` (TestAdd, TestMul: two inputs; TestRelu: one) to `g`.
onnx::NodeProto* AddTestNode(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& inputs,
                             const std::string& output);
// Adds a float tensor input/output value info with `dims` (empty: unknown shape).
void AddFloatValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                   const std::vector<int64_t>& dims);
onnx::ModelProto MakeTestModel();

}  // namespace test
}  // namespace ortlite
