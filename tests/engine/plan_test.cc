#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "core/framework/kernel_registry.h"
#include "core/graph/model.h"
#include "core/session/inference_session.h"
#include "engine/test_ops.h"

namespace ortlite {
namespace test {
namespace {

// A chain of `n` TestRelu nodes over [1024] floats: each intermediate dies when the next is made.
onnx::ModelProto Chain(int n) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {1024});
  AddFloatValue(g.mutable_output(), "Y", {1024});
  std::string prev = "X";
  for (int i = 0; i < n; ++i) {
    const std::string out = i + 1 == n ? "Y" : "h" + std::to_string(i);
    AddTestNode(g, "TestRelu", {prev}, out);
    if (i + 1 < n) AddFloatValue(g.mutable_value_info(), out, {1024});
    prev = out;
  }
  return m;
}

std::unique_ptr<InferenceSession> Make(const onnx::ModelProto& m, SessionOptions so = {}) {
  auto s = std::make_unique<InferenceSession>(so);
  std::string bytes;
  m.SerializeToString(&bytes);
  s->Load(bytes.data(), bytes.size());
  s->Initialize();
  return s;
}

TEST(PlannerTest, IntermediateBuffersAreReused) {
  auto s = Make(Chain(10));
  // 9 intermediates of 4 KB, but at most two are alive at once.
  EXPECT_EQ(s->PlannedPeakBytes(), 2u * 4096u);
  RunOptions ro;
  std::vector<float> x(1024);
  for (int i = 0; i < 1024; ++i) x[i] = static_cast<float>(i % 7) - 3.f;
  auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(x, {1024}))}, {"Y"});
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(out[0].Get().Data<float>()[i], std::max(0.f, x[i]));
}

TEST(PlannerTest, BranchesKeepBuffersApartWhileAlive) {
  // a = relu(X); b = relu(X); c = a + b: a and b are alive together and must not share memory.
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {16});
  AddFloatValue(g.mutable_output(), "Y", {16});
  AddTestNode(g, "TestRelu", {"X"}, "a");
  AddTestNode(g, "TestMul", {"X", "X"}, "b");
  AddTestNode(g, "TestAdd", {"a", "b"}, "Y");
  AddFloatValue(g.mutable_value_info(), "a", {16});
  AddFloatValue(g.mutable_value_info(), "b", {16});
  auto s = Make(m);
  EXPECT_EQ(s->PlannedPeakBytes(), 2u * 64u);
  RunOptions ro;
  auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(16, -2.f), {16}))}, {"Y"});
  EXPECT_FLOAT_EQ(out[0].Get().Data<float>()[5], 4.f);
}

// a = relu(X); b = relu(X); c = a + b (c may take b's buffer); Y = relu(c), and b read again by
// the last node when `b_read_later`.
onnx::ModelProto InplaceCandidate(bool b_read_later) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {256});
  AddFloatValue(g.mutable_output(), "Y", {256});
  AddTestNode(g, "TestRelu", {"X"}, "a");
  AddTestNode(g, "TestMul", {"X", "X"}, "b");
  AddTestNode(g, "TestAddInPlace", {"a", "b"}, "c");
  if (b_read_later) {
    AddTestNode(g, "TestAdd", {"c", "b"}, "Y");
  } else {
    AddTestNode(g, "TestRelu", {"c"}, "Y");
  }
  for (const char* v : {"a", "b", "c"}) AddFloatValue(g.mutable_value_info(), v, {256});
  return m;
}

TEST(PlannerTest, OutputTakesOverADyingInputWhenTheKernelAllows) {
  std::vector<float> x(256);
  for (int i = 0; i < 256; ++i) x[i] = static_cast<float>(i % 9) - 4.f;
  for (bool b_read_later : {false, true}) {
    auto s = Make(InplaceCandidate(b_read_later));
    // a, b and c are 1 KB each: a and b are alive together, c shares b's block unless b is read
    // after c is made.
    EXPECT_EQ(s->PlannedPeakBytes(), (b_read_later ? 3u : 2u) * 1024u) << b_read_later;
    RunOptions ro;
    auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(x, {256}))}, {"Y"});
    for (int i = 0; i < 256; ++i) {
      const float a = std::max(0.f, x[i]), b = x[i] * x[i], c = a + b;
      ASSERT_FLOAT_EQ(out[0].Get().Data<float>()[i], b_read_later ? c + b : std::max(0.f, c)) << i;
    }
  }
}

// a = relu(X); b = X * X; c = Concat(a, b, axis); Y = relu(c). X is {1, channels, width} floats.
onnx::ModelProto ConcatOfTwo(int64_t channels, int64_t width, int64_t axis) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {1, channels, width});
  std::vector<int64_t> cd = {1, channels, width};
  cd[static_cast<size_t>(axis)] *= 2;
  AddFloatValue(g.mutable_output(), "Y", cd);
  AddTestNode(g, "TestRelu", {"X"}, "a");
  AddTestNode(g, "TestMul", {"X", "X"}, "b");
  auto* concat = g.add_node();
  concat->set_op_type("Concat");
  concat->add_input("a");
  concat->add_input("b");
  concat->add_output("c");
  auto* attr = concat->add_attribute();
  attr->set_name("axis");
  attr->set_type(onnx::AttributeProto::INT);
  attr->set_i(axis);
  AddTestNode(g, "TestRelu", {"c"}, "Y");
  AddFloatValue(g.mutable_value_info(), "a", {1, channels, width});
  AddFloatValue(g.mutable_value_info(), "b", {1, channels, width});
  AddFloatValue(g.mutable_value_info(), "c", cd);
  return m;
}

TEST(PlannerTest, ConcatInputsAreProducedInTheirPlace) {
  struct Case {
    int64_t channels, width, axis;
    bool sliced;  // a and b live inside c's block
  };
  // Axis 1 at batch 1: one run per input, at a 64-byte aligned offset in the output. Axis 2
  // interleaves the inputs row by row, and 3 x 12 floats put b at an unaligned offset: copied.
  for (const Case& c : {Case{4, 16, 1, true}, Case{4, 16, 2, false}, Case{3, 12, 1, false}}) {
    auto s = Make(ConcatOfTwo(c.channels, c.width, c.axis));
    const size_t input_bytes = static_cast<size_t>(c.channels * c.width * 4);
    const size_t aligned = (input_bytes + 63) / 64 * 64;
    EXPECT_EQ(s->PlannedPeakBytes(), c.sliced ? 2 * input_bytes : 2 * aligned + (2 * input_bytes + 63) / 64 * 64)
        << c.channels << " " << c.axis;
    std::vector<float> x(static_cast<size_t>(c.channels * c.width));
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 11) - 5.f;
    RunOptions ro;
    auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(x, {1, c.channels, c.width}))}, {"Y"});
    const float* y = out[0].Get().Data<float>();
    const int64_t rows = c.axis == 1 ? 1 : c.channels, run = c.axis == 1 ? c.channels * c.width : c.width;
    for (int64_t r = 0; r < rows; ++r) {
      for (int64_t j = 0; j < run; ++j) {
        const float v = x[static_cast<size_t>(r * run + j)];
        ASSERT_FLOAT_EQ(y[r * 2 * run + j], std::max(0.f, v)) << r << " " << j;
        ASSERT_FLOAT_EQ(y[r * 2 * run + run + j], v * v) << r << " " << j;
      }
    }
  }
}

TEST(PlannerTest, MemPatternOffPlansNothing) {
  SessionOptions so;
  so.enable_mem_pattern = false;
  auto s = Make(Chain(4), so);
  EXPECT_EQ(s->PlannedPeakBytes(), 0u);
}

TEST(PlannerTest, ParallelPlanHasSeveralStreamsAndSameResult) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {64});
  AddFloatValue(g.mutable_output(), "Y", {64});
  for (int b = 0; b < 4; ++b) AddTestNode(g, "TestRelu", {"X"}, "r" + std::to_string(b));
  AddTestNode(g, "TestAdd", {"r0", "r1"}, "s0");
  AddTestNode(g, "TestAdd", {"r2", "r3"}, "s1");
  AddTestNode(g, "TestAdd", {"s0", "s1"}, "Y");
  SessionOptions so;
  so.execution_mode = ExecutionMode::kParallel;
  so.inter_op_num_threads = 2;
  auto s = Make(m, so);
  RunOptions ro;
  for (int r = 0; r < 20; ++r) {
    auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(64, 1.5f), {64}))}, {"Y"});
    ASSERT_FLOAT_EQ(out[0].Get().Data<float>()[63], 6.f);
  }
}

TEST(PlannerTest, ParallelModeRunsBranchesAtOnce) {
  // Two branches of two 50 ms sleeps each, joined by an Add: 200 ms in sequence, ~100 ms when the
  // branches run at once.
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {4});
  AddFloatValue(g.mutable_output(), "Y", {4});
  AddTestNode(g, "TestSleep", {"X"}, "a1");
  AddTestNode(g, "TestSleep", {"a1"}, "a2");
  AddTestNode(g, "TestSleep", {"X"}, "b1");
  AddTestNode(g, "TestSleep", {"b1"}, "b2");
  AddTestNode(g, "TestAdd", {"a2", "b2"}, "Y");
  auto timed_run = [&](ExecutionMode mode) {
    SessionOptions so;
    so.execution_mode = mode;
    so.inter_op_num_threads = 2;
    so.intra_op_num_threads = 1;
    auto s = Make(m, so);
    RunOptions ro;
    const auto start = std::chrono::steady_clock::now();
    auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>({1, 2, 3, 4}, {4}))}, {"Y"});
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    EXPECT_FLOAT_EQ(out[0].Get().Data<float>()[3], 8.f);
    return ms;
  };
  const double sequential = timed_run(ExecutionMode::kSequential);
  const double parallel = timed_run(ExecutionMode::kParallel);
  EXPECT_GE(sequential, 195.0);
  EXPECT_LT(parallel, 170.0) << "sequential " << sequential << " ms";
}

TEST(SessionTest, InputErrorsNameTheInput) {
  auto s = Make(Chain(2));
  RunOptions ro;
  auto expect_error = [&](const std::vector<std::string>& names, const std::vector<OrtValue>& values, const std::string& text) {
    try {
      s->Run(ro, names, values, {"Y"});
      ADD_FAILURE() << "no error; expected " << text;
    } catch (const OrtliteError& e) {
      EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
      EXPECT_EQ(e.Code(), ErrorCode::kInvalidArgument);
    }
  };
  expect_error({"Q"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(1024), {1024}))}, "Invalid input name: Q");
  expect_error({"X"}, {OrtValue(Tensor::FromVector<double>(std::vector<double>(1024), {1024}))}, "Unexpected input data type");
  expect_error({"X"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(8), {8}))}, "Got invalid dimensions for input: X");
  expect_error({"X"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(8), {2, 4}))}, "Invalid rank for input: X");
  expect_error({}, {}, "Missing Input: X");
  try {
    s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(1024), {1024}))}, {"nope"});
    ADD_FAILURE();
  } catch (const OrtliteError& e) {
    EXPECT_NE(std::string(e.what()).find("Invalid Output Name"), std::string::npos);
  }
}

TEST(SessionTest, ConcurrentRunsAreSafe) {
  auto s = Make(Chain(6));
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      RunOptions ro;
      for (int r = 0; r < 50; ++r) {
        std::vector<float> x(1024, static_cast<float>(t + r) - 10.f);
        auto out = s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(x, {1024}))}, {"Y"});
        if (out[0].Get().Data<float>()[100] != std::max(0.f, x[0])) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(SessionTest, TerminateStopsTheRun) {
  auto s = Make(Chain(3));
  RunOptions ro;
  ro.terminate = true;
  try {
    s->Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>(std::vector<float>(1024), {1024}))}, {"Y"});
    FAIL();
  } catch (const OrtliteError& e) {
    EXPECT_NE(std::string(e.what()).find("terminate"), std::string::npos);
  }
}

// ---- registry -------------------------------------------------------------------------------

class Dummy final : public OpKernel {
 public:
  using OpKernel::OpKernel;
  void Compute(OpKernelContext&) const override {}
};

std::unique_ptr<Model> AbsModel(int opset, int elem_type) {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(opset);
  auto& g = *m.mutable_graph();
  auto* in = g.add_input();
  in->set_name("X");
  in->mutable_type()->mutable_tensor_type()->set_elem_type(elem_type);
  auto* out = g.add_output();
  out->set_name("Y");
  auto* n = g.add_node();
  n->set_op_type("Abs");
  n->add_input("X");
  n->add_output("Y");
  std::string bytes;
  m.SerializeToString(&bytes);
  return Model::LoadFromBytes(bytes.data(), bytes.size());
}

TEST(KernelRegistryTest, SelectsByVersionAndType) {
  KernelRegistry reg;
  auto create = [](const OpKernelInfo& info) -> std::unique_ptr<OpKernel> { return std::make_unique<Dummy>(info); };
  reg.Register(KernelDefBuilder().TypeConstraint("T", {DataType::kFloat}).Build("Abs", "", 6, 12, "cpu"), create);
  reg.Register(KernelDefBuilder().TypeConstraint("T", {DataType::kDouble}).Build("Abs", "", 13, INT_MAX, "cpu"), create);
  reg.Register(KernelDefBuilder().TypeConstraint("T", {DataType::kInt32}).Build("Abs", "", 13, INT_MAX, "cpu"), create);

  auto node_of = [](Model& m) -> const Node& { return *m.MainGraph().Nodes()[0]; };
  auto m12f = AbsModel(12, onnx::TensorProto::FLOAT);
  const KernelCreateInfo* k = reg.TryFind(node_of(*m12f));
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->def.end_version, 12);

  auto m14d = AbsModel(14, onnx::TensorProto::DOUBLE);  // Abs-13 schema
  EXPECT_EQ(node_of(*m14d).SinceVersion(), 13);
  k = reg.TryFind(node_of(*m14d));
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->def.type_constraints.at("T")[0], DataType::kDouble);

  auto m14i = AbsModel(14, onnx::TensorProto::INT32);
  k = reg.TryFind(node_of(*m14i));
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->def.type_constraints.at("T")[0], DataType::kInt32);

  std::string why;
  auto m13f = AbsModel(13, onnx::TensorProto::FLOAT);
  EXPECT_EQ(reg.TryFind(node_of(*m13f), &why), nullptr);
  EXPECT_NE(why.find("T=float"), std::string::npos) << why;

  auto m1 = AbsModel(1, onnx::TensorProto::FLOAT);
  EXPECT_EQ(reg.TryFind(node_of(*m1), &why), nullptr);
  EXPECT_NE(why.find("opset version 1"), std::string::npos) << why;
}

TEST(GraphTest, TopologicalOrderAndViewer) {
  // Nodes listed out of order in the file.
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {2});
  AddFloatValue(g.mutable_output(), "Y", {2});
  AddTestNode(g, "TestAdd", {"b", "a"}, "Y");
  AddTestNode(g, "TestRelu", {"a"}, "b");
  AddTestNode(g, "TestRelu", {"X"}, "a");
  std::string bytes;
  m.SerializeToString(&bytes);
  auto model = Model::LoadFromBytes(bytes.data(), bytes.size());
  const Graph& graph = model->MainGraph();
  const auto& order = graph.TopologicalOrder();
  ASSERT_EQ(order.size(), 3u);
  EXPECT_EQ(graph.GetNode(order[0])->OutputDefs()[0]->Name(), "a");
  EXPECT_EQ(graph.GetNode(order[2])->OutputDefs()[0]->Name(), "Y");
  EXPECT_EQ(graph.GetConsumerNodes("a").size(), 2u);
  EXPECT_EQ(graph.GetProducerNode("b")->OpType(), "TestRelu");

  std::unordered_set<NodeIndex> only{order[0], order[2]};
  GraphViewer viewer(graph, &only);
  EXPECT_EQ(viewer.NumberOfNodes(), 2);
  EXPECT_EQ(viewer.GetNode(order[1]), nullptr);
  EXPECT_EQ(viewer.GetConsumerNodes("a").size(), 1u);

  // A cycle is an error naming a node on it.
  onnx::ModelProto cyc = MakeTestModel();
  auto& cg = *cyc.mutable_graph();
  AddFloatValue(cg.mutable_input(), "X", {2});
  AddFloatValue(cg.mutable_output(), "Y", {2});
  AddTestNode(cg, "TestAdd", {"X", "q"}, "p");
  AddTestNode(cg, "TestRelu", {"p"}, "q");
  AddTestNode(cg, "TestRelu", {"q"}, "Y");
  cyc.SerializeToString(&bytes);
  try {
    Model::LoadFromBytes(bytes.data(), bytes.size());
    FAIL();
  } catch (const OrtliteError& e) {
    EXPECT_NE(std::string(e.what()).find("cycle"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
