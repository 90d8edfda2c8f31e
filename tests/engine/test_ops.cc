#include "engine/test_ops.h"

#include <chrono>
#include <thread>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"

namespace ortlite {
namespace test {

namespace {

class TestBinary final : public OpKernel {
 public:
  explicit TestBinary(const OpKernelInfo& info) : OpKernel(info), mul_(info.node().OpType() == "TestMul") {}
  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(a.Shape() == b.Shape(), "test ops need equal shapes");
    Tensor* y = ctx.Output(0, a.Shape(), DataType::kFloat);
    for (int64_t i = 0; i < a.NumElements(); ++i) {
      const float x = a.Data<float>()[i], z = b.Data<float>()[i];
      y->MutableData<float>()[i] = mul_ ? x * z : x + z;
    }
  }

 private:
  bool mul_;
};

class TestRelu final : public OpKernel {
 public:
  using OpKernel::OpKernel;
  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, a.Shape(), DataType::kFloat);
    for (int64_t i = 0; i < a.NumElements(); ++i) y->MutableData<float>()[i] = std::max(0.f, a.Data<float>()[i]);
  }
};

// Copies its input after sleeping `milliseconds`: branches of these show whether the executor
// runs them at once (sleeping needs no CPU, so the test holds on a busy machine).
class TestSleep final : public OpKernel {
 public:
  explicit TestSleep(const OpKernelInfo& info)
      : OpKernel(info), ms_(info.GetAttrOrDefault<int64_t>("milliseconds", 50)) {}
  void Compute(OpKernelContext& ctx) const override {
    std::this_thread::sleep_for(std::chrono::milliseconds(ms_));
    const Tensor& a = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, a.Shape(), a.GetElementType());
    CopyTensorData(a, *y);
  }

 private:
  int64_t ms_;
};

CPU_KERNEL_EX(TestSleep, kTestDomain, 1, INT_MAX, TestSleep, KernelDefBuilder())
CPU_KERNEL_EX(TestAdd, kTestDomain, 1, INT_MAX, TestBinary, KernelDefBuilder())
CPU_KERNEL_EX(TestMul, kTestDomain, 1, INT_MAX, TestBinary, KernelDefBuilder())
CPU_KERNEL_EX(TestRelu, kTestDomain, 1, INT_MAX, TestRelu, KernelDefBuilder())

}  // namespace

onnx::NodeProto* AddTestNode(onnx::GraphProto& g, const std::string& op, const std::vector<std::string>& inputs,
                             const std::string& output) {
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_domain(kTestDomain);
  n->set_name(op + "_" + output);
  for (const auto& i : inputs) n->add_input(i);
  n->add_output(output);
  return n;
}

void AddFloatValue(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                   const std::vector<int64_t>& dims) {
  auto* vi = list->Add();
  vi->set_name(name);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  if (!dims.empty()) {
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
  }
}

onnx::ModelProto MakeTestModel() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  auto* o = m.add_opset_import();
  o->set_domain("");
  o->set_version(17);
  o = m.add_opset_import();
  o->set_domain(kTestDomain);
  o->set_version(1);
  m.mutable_graph()->set_name("test");
  return m;
}

}  // namespace test
}  // namespace ortlite
