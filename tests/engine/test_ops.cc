#include "engine/test_ops.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"

namespace ortlite {
namespace test {

std::atomic<int> pack_calls{0};

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

// TestAdd that copies a constant second input at creation ("pre-packs" it) and says so, so the
// session may let go of the original.
class TestPackedAdd final : public OpKernel {
 public:
  explicit TestPackedAdd(const OpKernelInfo& info) : OpKernel(info) {
    packed_ = info.GetOrPrePackConstantInput<std::vector<float>>(
        1, "test-copy", [&](const Tensor& b) {
          ++pack_calls;
          return std::make_shared<const std::vector<float>>(b.Data<float>(), b.Data<float>() + b.NumElements());
        });
    if (packed_) info.MarkConstantInputPrePacked(1);
  }
  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(a.Shape() == b.Shape(), "test ops need equal shapes");
    Tensor* y = ctx.Output(0, a.Shape(), DataType::kFloat);
    for (int64_t i = 0; i < a.NumElements(); ++i) {
      const float z = packed_ ? (*packed_)[i] : b.Data<float>()[i];
      y->MutableData<float>()[i] = a.Data<float>()[i] + z;
    }
  }

 private:
  std::shared_ptr<const std::vector<float>> packed_;
};

// TestAdd that reads its second input only with memcpy, so it may be unaligned.
class TestBytesAdd final : public OpKernel {
 public:
  explicit TestBytesAdd(const OpKernelInfo& info) : OpKernel(info) { info.MarkConstantInputReadAsBytes(1); }
  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(a.Shape() == b.Shape(), "test ops need equal shapes");
    Tensor* y = ctx.Output(0, a.Shape(), DataType::kFloat);
    for (int64_t i = 0; i < a.NumElements(); ++i) {
      float z;
      std::memcpy(&z, static_cast<const char*>(b.DataRaw()) + i * sizeof(float), sizeof(float));
      y->MutableData<float>()[i] = a.Data<float>()[i] + z;
    }
  }
};

CPU_KERNEL_EX(TestPackedAdd, kTestDomain, 1, INT_MAX, TestPackedAdd, KernelDefBuilder())
CPU_KERNEL_EX(TestBytesAdd, kTestDomain, 1, INT_MAX, TestBytesAdd, KernelDefBuilder())
CPU_KERNEL_EX(TestSleep, kTestDomain, 1, INT_MAX, TestSleep, KernelDefBuilder())
CPU_KERNEL_EX(TestAdd, kTestDomain, 1, INT_MAX, TestBinary, KernelDefBuilder())
// Elementwise, so its output may take its second input's buffer.
CPU_KERNEL_EX(TestAddInPlace, kTestDomain, 1, INT_MAX, TestBinary, KernelDefBuilder().MayInplace(1, 0))
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
