// Tiny float kernels in a test-only domain, so engine tests do not depend on the CPU kernels.
#pragma once
#include <atomic>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace ortlite {
namespace test {

constexpr const char* kTestDomain = "ortlite.test";
extern std::atomic<int> pack_calls;

// Adds a node `op` to `g`: TestAdd, TestMul (two inputs of equal shape); TestRelu (one);
// TestPackedAdd (TestAdd that pre-packs a constant second input, shared between nodes, counting
// pack calls in `pack_calls`); TestBytesAdd (TestAdd reading its second input only bytewise).
onnx::NodeProto* AddTestNode(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& inputs,
                             const std::string& output);
// Adds a float tensor input/output value info with `dims` (empty: unknown shape).
void AddFloatValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                   const std::vector<int64_t>& dims);
onnx::ModelProto MakeTestModel();

}  // namespace test
}  // namespace ortlite
