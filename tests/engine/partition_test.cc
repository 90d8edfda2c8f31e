// Partitioning with a test-only compile-based provider on a non-host device: it claims the TestAdd
// and TestMul nodes, the partitioner fuses each connected group into one node, compiles it, and
// inserts MemcpyFromHost / MemcpyToHost copies. The provider checks that every tensor it receives
// lives on its device.
#include <gtest/gtest.h>

#include <unordered_set>

#include "core/framework/memcpy.h"
#include "core/session/inference_session.h"
#include "engine/test_ops.h"

namespace ortlite {
namespace test {
namespace {

const MemoryInfo kDeviceMemory{"TestDevice", OrtDevice{OrtDevice::kOther, 0}};

// Device memory that is really host memory, tagged so misuse is visible.
class TestDeviceAllocator : public IAllocator {
 public:
  TestDeviceAllocator() : IAllocator(kDeviceMemory) {}
  void* Alloc(size_t bytes) override { return GetCpuAllocator()->Alloc(bytes); }
  void Free(void* p) override { GetCpuAllocator()->Free(p); }
};

class TestDeviceProvider : public IExecutionProvider {
 public:
  TestDeviceProvider() : IExecutionProvider("TestDeviceExecutionProvider", kDeviceMemory.device) {
    RegisterMemcpyKernels(registry_, Type());
  }
  const KernelRegistry* GetKernelRegistry() const override { return &registry_; }
  AllocatorPtr GetAllocator() const override { return allocator_; }

  std::vector<std::unique_ptr<ComputeCapability>> GetCapability(const GraphViewer& graph,
                                                                CapabilityReport* report) const override {
    // Group claimed nodes into connected components.
    std::vector<std::unique_ptr<ComputeCapability>> caps;
    std::unordered_set<NodeIndex> done;
    for (NodeIndex i : graph.GetNodesInTopologicalOrder()) {
      const Node* n = graph.GetNode(i);
      if (!Claims(*n)) {
        if (report) report->declined[i] = "op not supported by the test device";
        continue;
      }
      if (done.count(i)) continue;
      auto sub = std::make_unique<IndexedSubGraph>();
      std::vector<const Node*> stack{n};
      while (!stack.empty()) {
        const Node* cur = stack.back();
        stack.pop_back();
        if (!done.insert(cur->Index()).second) continue;
        sub->nodes.push_back(cur->Index());
        for (const NodeArg* o : cur->OutputDefs())
          for (const Node* c : graph.GetConsumerNodes(o->Name()))
            if (Claims(*c)) stack.push_back(c);
        for (const NodeArg* in : cur->InputDefs())
          if (const Node* p = graph.GetProducerNode(in->Name()); p && graph.GetNode(p->Index()) && Claims(*p))
            stack.push_back(p);
      }
      sub->meta_def = std::make_unique<IndexedSubGraph::MetaDef>();
      sub->meta_def->name = "TestDeviceSubgraph";
      auto cap = std::make_unique<ComputeCapability>();
      cap->sub_graph = std::move(sub);
      caps.push_back(std::move(cap));
    }
    return caps;
  }

  std::vector<NodeComputeInfo> Compile(const std::vector<FusedNodeAndGraph>& fused) override {
    std::vector<NodeComputeInfo> out;
    for (const auto& f : fused) {
      compiled_node_counts.push_back(f.filtered_graph.NumberOfNodes());
      // The compiled form: the body's ops in order, by value name.
      struct Op {
        bool mul;
        std::string a, b, y;
      };
      auto ops = std::make_shared<std::vector<Op>>();
      std::map<std::string, std::vector<float>> constants;
      for (NodeIndex i : f.filtered_graph.GetNodesInTopologicalOrder()) {
        const Node* n = f.filtered_graph.GetNode(i);
        ops->push_back({n->OpType() == "TestMul", n->InputDefs()[0]->Name(), n->InputDefs()[1]->Name(),
                        n->OutputDefs()[0]->Name()});
      }
      std::vector<std::string> in_names, out_names;
      for (const NodeArg* a : f.fused_node.InputDefs()) in_names.push_back(a->Name());
      for (const NodeArg* a : f.fused_node.OutputDefs()) out_names.push_back(a->Name());
      NodeComputeInfo info;
      info.compute = [ops, in_names, out_names, this](void*, OpKernelContext& ctx) {
        std::map<std::string, std::vector<float>> env;
        TensorShape shape;
        for (size_t k = 0; k < in_names.size(); ++k) {
          const Tensor& t = ctx.RequiredInput(static_cast<int>(k));
          if (t.Location().device != Device()) ++wrong_device_inputs;
          env[in_names[k]].assign(t.Data<float>(), t.Data<float>() + t.NumElements());
          shape = t.Shape();
        }
        for (const Op& op : *ops) {
          const auto& a = env.at(op.a);
          const auto& b = env.at(op.b);
          std::vector<float> y(a.size());
          for (size_t j = 0; j < a.size(); ++j) y[j] = op.mul ? a[j] * b[j] : a[j] + b[j];
          env[op.y] = std::move(y);
        }
        for (size_t k = 0; k < out_names.size(); ++k) {
          Tensor* t = ctx.Output(static_cast<int>(k), shape, DataType::kFloat);
          if (t->Location().device != Device()) ++wrong_device_outputs;
          std::copy(env[out_names[k]].begin(), env[out_names[k]].end(), t->MutableData<float>());
        }
      };
      out.push_back(std::move(info));
    }
    return out;
  }

  std::vector<int> compiled_node_counts;
  mutable std::atomic<int> wrong_device_inputs{0}, wrong_device_outputs{0};

 private:
  static bool Claims(const Node& n) { return n.OpType() == "TestAdd" || n.OpType() == "TestMul"; }
  KernelRegistry registry_;
  AllocatorPtr allocator_ = std::make_shared<TestDeviceAllocator>();
};

// X -> Relu(cpu) -> A ; A + Y -> B ; B * W -> C (device) ; Relu(C) -> Z (cpu), C is also an output.
onnx::ModelProto MixedModel() {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {3});
  AddFloatValue(g.mutable_input(), "Y", {3});
  AddFloatValue(g.mutable_output(), "Z", {3});
  AddFloatValue(g.mutable_output(), "C", {3});
  AddTestNode(g, "TestRelu", {"X"}, "A");
  AddTestNode(g, "TestAdd", {"A", "Y"}, "B");
  AddTestNode(g, "TestMul", {"B", "W"}, "C");
  AddTestNode(g, "TestRelu", {"C"}, "Z");
  auto* w = g.add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(3);
  for (float v : {2.f, -1.f, 3.f}) w->add_float_data(v);
  return m;
}

TEST(PartitionTest, CompileBasedProviderFusesAndCopiesAreInserted) {
  auto device = std::make_shared<TestDeviceProvider>();
  InferenceSession s(SessionOptions{});
  s.RegisterExecutionProvider(device);
  std::string bytes;
  MixedModel().SerializeToString(&bytes);
  s.Load(bytes.data(), bytes.size());
  s.Initialize();

  ASSERT_EQ(device->compiled_node_counts.size(), 1u);
  EXPECT_EQ(device->compiled_node_counts[0], 2);  // TestAdd + TestMul fused into one node
  int fused = 0, to_device = 0, to_host = 0, relu_on_cpu = 0;
  for (const Node* n : s.GetGraph().Nodes()) {
    if (n->NodeType() == Node::Type::kFused) ++fused;
    if (n->OpType() == kMemcpyFromHost) ++to_device;
    if (n->OpType() == kMemcpyToHost) ++to_host;
    if (n->OpType() == "TestRelu" && n->GetExecutionProviderType() == kCpuExecutionProvider) ++relu_on_cpu;
  }
  EXPECT_EQ(fused, 1);
  EXPECT_EQ(to_device, 3);  // A, Y and the initializer W
  EXPECT_EQ(to_host, 2);    // C for the CPU Relu, and C as a graph output
  EXPECT_EQ(relu_on_cpu, 2);

  RunOptions ro;
  auto out = s.Run(ro, {"X", "Y"},
                   {OrtValue(Tensor::FromVector<float>({-1, 2, 3}, {3})), OrtValue(Tensor::FromVector<float>({1, 1, 1}, {3}))},
                   {"Z", "C"});
  // A = relu(X) = {0,2,3}; B = A+1 = {1,3,4}; C = B*W = {2,-3,12}; Z = relu(C) = {2,0,12}
  const float* z = out[0].Get().Data<float>();
  const float* c = out[1].Get().Data<float>();
  EXPECT_FLOAT_EQ(z[0], 2);
  EXPECT_FLOAT_EQ(z[1], 0);
  EXPECT_FLOAT_EQ(z[2], 12);
  EXPECT_FLOAT_EQ(c[1], -3);
  EXPECT_EQ(out[1].Get().Location().device.type, OrtDevice::kCpu);
  EXPECT_EQ(device->wrong_device_inputs.load(), 0);
  EXPECT_EQ(device->wrong_device_outputs.load(), 0);

  bool reported_fusion = false, reported_decline = false;
  for (const auto& line : s.PartitionReport()) {
    reported_fusion |= line.find("fused subgraph of 2 nodes") != std::string::npos;
    reported_decline |= line.find("op not supported by the test device") != std::string::npos;
  }
  EXPECT_TRUE(reported_fusion);
  EXPECT_TRUE(reported_decline);
}

TEST(PartitionTest, CpuOnlySessionRunsEveryNodeOnCpu) {
  InferenceSession s(SessionOptions{});
  std::string bytes;
  MixedModel().SerializeToString(&bytes);
  s.Load(bytes.data(), bytes.size());
  s.Initialize();
  for (const Node* n : s.GetGraph().Nodes()) EXPECT_EQ(n->GetExecutionProviderType(), kCpuExecutionProvider);
  RunOptions ro;
  auto out = s.Run(ro, {"X", "Y"},
                   {OrtValue(Tensor::FromVector<float>({-1, 2, 3}, {3})), OrtValue(Tensor::FromVector<float>({1, 1, 1}, {3}))},
                   {"Z"});
  EXPECT_FLOAT_EQ(out[0].Get().Data<float>()[2], 12);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
