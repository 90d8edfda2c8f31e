// Session features through the Ort:: API: profiling, saving the optimised model, free dimension
// overrides, global thread pools, sequence and map values, overridable initializers and the
// parallel executor.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <unistd.h>

#include "api/api_test_models.h"
#include "ort_compat/onnxruntime_cxx_api.h"

namespace {

using namespace ortlite_api_test;
namespace fs = std::filesystem;

constexpr int kFloat = onnx::TensorProto::FLOAT;

// A scratch directory removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("ortlite_api_" + tag + "_" + std::to_string(getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

Ort::MemoryInfo Cpu() { return Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault); }

template <typename T>
std::vector<T> Values(const Ort::Value& v) {
  const T* p = v.GetTensorData<T>();
  return std::vector<T>(p, p + v.GetTensorTypeAndShapeInfo().GetElementCount());
}

float MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  float d = 0;
  for (size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

// ---- the bundled models ----------------------------------------------------------------------

struct TinyCnn {
  std::vector<float> image = TinyCnnInput();
  std::vector<float> expected = TinyCnnOutput();
  std::vector<int64_t> shape{1, 3, 32, 32};
  Ort::MemoryInfo mi = Cpu();

  std::vector<float> Run(Ort::Session& session) {
    Ort::Value in = Ort::Value::CreateTensor<float>(mi, image.data(), image.size(), shape.data(), shape.size());
    const char* in_names[] = {"image"};
    const char* out_names[] = {"probabilities"};
    auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1);
    return Values<float>(out[0]);
  }
};

std::string TransformerPath() { return SourcePath("examples/models/tiny_transformer/model.onnx"); }

onnx::TensorProto ReadProto(const std::string& path) {
  onnx::TensorProto p;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(p.ParseFromIstream(&in)) << path;
  return p;
}

template <typename T>
std::vector<T> RawValues(const onnx::TensorProto& p) {
  std::vector<T> v(p.raw_data().size() / sizeof(T));
  std::memcpy(v.data(), p.raw_data().data(), v.size() * sizeof(T));
  return v;
}

struct Transformer {
  std::string dir = SourcePath("examples/models/tiny_transformer/test_data_set_0/");
  std::vector<int64_t> ids = RawValues<int64_t>(ReadProto(dir + "input_0.pb"));
  std::vector<int64_t> mask = RawValues<int64_t>(ReadProto(dir + "input_1.pb"));
  std::vector<float> hidden = RawValues<float>(ReadProto(dir + "output_0.pb"));
  std::vector<float> pooled = RawValues<float>(ReadProto(dir + "output_1.pb"));
  std::vector<int64_t> shape{2, 8};
  Ort::MemoryInfo mi = Cpu();

  std::vector<Ort::Value> Run(Ort::Session& session, std::vector<int64_t>* ids_in = nullptr,
                              std::vector<int64_t>* mask_in = nullptr, std::vector<int64_t> in_shape = {}) {
    if (!ids_in) ids_in = &ids;
    if (!mask_in) mask_in = &mask;
    if (in_shape.empty()) in_shape = shape;
    Ort::Value in[] = {Ort::Value::CreateTensor<int64_t>(mi, ids_in->data(), ids_in->size(), in_shape.data(), 2),
                       Ort::Value::CreateTensor<int64_t>(mi, mask_in->data(), mask_in->size(), in_shape.data(), 2)};
    const char* in_names[] = {"input_ids", "attention_mask"};
    const char* out_names[] = {"last_hidden_state", "pooled_output"};
    return session.Run(Ort::RunOptions{nullptr}, in_names, in, 2, out_names, 2);
  }
  void Check(Ort::Session& session) {
    auto out = Run(session);
    EXPECT_LT(MaxAbsDiff(Values<float>(out[0]), hidden), 1e-4f);
    EXPECT_LT(MaxAbsDiff(Values<float>(out[1]), pooled), 1e-4f);
  }
};

// ---- profiling ---------------------------------------------------------------------------------

TEST(SessionFeaturesTest, ProfilingWritesAChromeTraceWithNodeEvents) {
  TempDir tmp("profile");
  const std::string prefix = (tmp.path / "tiny_cnn").string();
  Ort::Env env;
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(1);
  so.EnableProfiling(prefix.c_str());
  Ort::Session session(env, TinyCnnPath().c_str(), so);
  EXPECT_GT(session.GetProfilingStartTimeNs(), 0u);
  TinyCnn cnn;
  for (int r = 0; r < 2; ++r) EXPECT_LT(MaxAbsDiff(cnn.Run(session), cnn.expected), 1e-5f);

  Ort::AllocatorWithDefaultOptions allocator;
  Ort::AllocatedStringPtr file = session.EndProfilingAllocated(allocator);
  ASSERT_TRUE(file);
  const std::string path = file.get();
  EXPECT_EQ(path.rfind(prefix, 0), 0u) << path;
  EXPECT_EQ(path.substr(path.size() - 5), ".json");
  ASSERT_TRUE(fs::exists(path)) << path;

  std::ifstream in(path);
  nlohmann::json trace = nlohmann::json::parse(in);  // throws (fails the test) on malformed JSON
  const nlohmann::json* events = &trace;
  if (trace.is_object() && trace.contains("traceEvents")) events = &trace["traceEvents"];
  ASSERT_TRUE(events->is_array());

  int node_events = 0, model_runs = 0;
  std::set<std::string> ops;
  for (const auto& e : *events) {
    ASSERT_TRUE(e.contains("name") && e.contains("cat") && e.contains("ts") && e.contains("dur")) << e.dump();
    EXPECT_EQ(e["ph"], "X");
    if (e["cat"] == "Session" && e["name"] == "model_run") ++model_runs;
    if (e["cat"] != "Node") continue;
    ++node_events;
    const std::string name = e["name"];
    EXPECT_NE(name.find("_kernel_time"), std::string::npos) << name;
    ASSERT_TRUE(e.contains("args")) << e.dump();
    const auto& args = e["args"];
    ASSERT_TRUE(args.contains("op_name")) << e.dump();
    ASSERT_TRUE(args.contains("provider")) << e.dump();
    ASSERT_TRUE(args.contains("input_type_shape")) << e.dump();
    EXPECT_EQ(args["provider"], "CPUExecutionProvider");
    ops.insert(args["op_name"].get<std::string>());
    // ORT's form: [{"float":[1,3,32,32]}, ...]
    ASSERT_TRUE(args["input_type_shape"].is_array()) << e.dump();
    ASSERT_FALSE(args["input_type_shape"].empty()) << e.dump();
    EXPECT_TRUE(args["input_type_shape"][0].is_object()) << e.dump();
    ASSERT_TRUE(args.contains("output_type_shape")) << e.dump();
    EXPECT_TRUE(args["output_type_shape"].is_array()) << e.dump();
    EXPECT_GE(e["dur"].get<long long>(), 0);
  }
  EXPECT_EQ(model_runs, 2);
  EXPECT_GE(node_events, 2 * 5);  // every node of both runs (after fusions at least five per run)
  EXPECT_TRUE(ops.count("Gemm") || ops.count("MatMul") || ops.count("FusedGemm")) << "ops seen: " << ops.size();
  // Runs after EndProfiling still work (they are no longer recorded).
  EXPECT_NO_THROW(cnn.Run(session));
}

TEST(SessionFeaturesTest, NoProfileWithoutEnableProfiling) {
  Ort::Env env;
  Ort::SessionOptions so;
  so.EnableProfiling("unused_prefix");
  so.DisableProfiling();
  Ort::Session session(env, TinyCnnPath().c_str(), so);
  Ort::AllocatorWithDefaultOptions allocator;
  auto file = session.EndProfilingAllocated(allocator);
  EXPECT_STREQ(file.get(), "");
}

// ---- the optimised model -----------------------------------------------------------------------

class OptimizedModelTest : public ::testing::TestWithParam<GraphOptimizationLevel> {};

TEST_P(OptimizedModelTest, SavedModelReloadsWithoutOptimisationAndAgrees) {
  TempDir tmp("optimized_" + std::to_string(static_cast<int>(GetParam())));
  Ort::Env env;
  for (const std::string& model : {TinyCnnPath(), TransformerPath()}) {
    SCOPED_TRACE(model);
    const std::string saved = (tmp.path / "optimized.onnx").string();
    fs::remove(saved);
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(1);
    so.SetGraphOptimizationLevel(GetParam());
    so.SetOptimizedModelFilePath(saved.c_str());
    Ort::Session original(env, model.c_str(), so);
    ASSERT_TRUE(fs::exists(saved));
    ASSERT_GT(fs::file_size(saved), 0u);

    Ort::SessionOptions plain;
    plain.SetIntraOpNumThreads(1);
    plain.SetGraphOptimizationLevel(ORT_DISABLE_ALL);
    Ort::Session reloaded(env, saved.c_str(), plain);
    EXPECT_EQ(reloaded.GetInputCount(), original.GetInputCount());
    EXPECT_EQ(reloaded.GetOutputCount(), original.GetOutputCount());
    Ort::AllocatorWithDefaultOptions allocator;
    for (size_t i = 0; i < original.GetInputCount(); ++i) {
      EXPECT_STREQ(reloaded.GetInputNameAllocated(i, allocator).get(), original.GetInputNameAllocated(i, allocator).get());
    }
    if (model == TinyCnnPath()) {
      TinyCnn cnn;
      const auto a = cnn.Run(original), b = cnn.Run(reloaded);
      EXPECT_LT(MaxAbsDiff(a, cnn.expected), 1e-5f);
      EXPECT_LT(MaxAbsDiff(b, a), 1e-5f);
    } else {
      Transformer t;
      t.Check(original);
      t.Check(reloaded);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SessionFeatures, OptimizedModelTest,
                         ::testing::Values(ORT_ENABLE_BASIC, ORT_ENABLE_EXTENDED, ORT_ENABLE_ALL));

// ---- free dimension overrides ----------------------------------------------------------------

TEST(SessionFeaturesTest, FreeDimensionOverrideByName) {
  Ort::Env env;
  Ort::SessionOptions so;
  so.AddFreeDimensionOverrideByName("batch", 2);
  so.AddFreeDimensionOverrideByName("sequence", 8);
  Ort::Session session(env, TransformerPath().c_str(), so);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(session.GetInputTypeInfo(i).GetTensorTypeAndShapeInfo().GetShape(), (std::vector<int64_t>{2, 8}));
  }
  Transformer t;
  t.Check(session);
  // The overridden dims are now fixed: another batch size is rejected.
  std::vector<int64_t> ids(8, 1), mask(8, 1);
  try {
    t.Run(session, &ids, &mask, {1, 8});
    FAIL() << "a batch of 1 was accepted after overriding batch to 2";
  } catch (const Ort::Exception& e) {
    EXPECT_EQ(e.GetOrtErrorCode(), ORT_INVALID_ARGUMENT);
  }

  // Without the override the dims stay symbolic.
  Ort::SessionOptions plain;
  Ort::Session free(env, TransformerPath().c_str(), plain);
  Ort::TypeInfo type = free.GetInputTypeInfo(0);  // owns what `info` views
  auto info = type.GetTensorTypeAndShapeInfo();
  EXPECT_EQ(info.GetShape(), (std::vector<int64_t>{-1, -1}));
  std::vector<const char*> names(2);
  info.GetSymbolicDimensions(names.data(), names.size());
  EXPECT_STREQ(names[0], "batch");
  EXPECT_STREQ(names[1], "sequence");
  EXPECT_NO_THROW(t.Run(free, &ids, &mask, {1, 8}));
}

TEST(SessionFeaturesTest, FreeDimensionOverrideByDenotation) {
  onnx::ModelProto m = NewModel();
  AddInput(m, "x", kFloat, {"N", "3"});
  m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_denotation(
      "DATA_BATCH");
  AddNode(m, "Relu", {"x"}, {"y"});
  AddOutput(m, "y", kFloat, {"N", "3"});
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  so.AddFreeDimensionOverride("DATA_BATCH", 4);
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  EXPECT_EQ(session.GetInputTypeInfo(0).GetTensorTypeAndShapeInfo().GetShape(), (std::vector<int64_t>{4, 3}));
  std::vector<float> x(12, -1.f);
  x[5] = 2.f;
  const int64_t shape[] = {4, 3};
  auto mi = Cpu();
  Ort::Value in = Ort::Value::CreateTensor<float>(mi, x.data(), x.size(), shape, 2);
  const char* in_names[] = {"x"};
  const char* out_names[] = {"y"};
  auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1);
  EXPECT_EQ(Values<float>(out[0])[5], 2.f);
  EXPECT_EQ(Values<float>(out[0])[0], 0.f);
}

// ---- global thread pools -----------------------------------------------------------------------

TEST(SessionFeaturesTest, GlobalThreadPoolsSharedBySessions) {
  Ort::ThreadingOptions tp;
  tp.SetGlobalIntraOpNumThreads(2);
  tp.SetGlobalInterOpNumThreads(2);
  tp.SetGlobalSpinControl(0);
  Ort::Env env(tp, ORT_LOGGING_LEVEL_WARNING, "global_pools");

  Ort::SessionOptions so;
  so.DisablePerSessionThreads();
  Ort::Session cnn_session(env, TinyCnnPath().c_str(), so);
  Ort::Session transformer_session(env, TransformerPath().c_str(), so);
  Ort::SessionOptions parallel = so.Clone();
  parallel.SetExecutionMode(ORT_PARALLEL);
  Ort::Session parallel_session(env, TransformerPath().c_str(), parallel);
  // A session with its own threads may share the env.
  Ort::SessionOptions own;
  own.SetIntraOpNumThreads(1);
  Ort::Session own_session(env, TinyCnnPath().c_str(), own);

  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      TinyCnn cnn;
      Transformer tr;
      for (int r = 0; r < 10; ++r) {
        Ort::Session& cs = t % 2 ? own_session : cnn_session;
        if (MaxAbsDiff(cnn.Run(cs), cnn.expected) > 1e-5f) ++bad;
        Ort::Session& ts = t % 2 ? parallel_session : transformer_session;
        auto out = tr.Run(ts);
        if (MaxAbsDiff(Values<float>(out[0]), tr.hidden) > 1e-4f) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

// ---- sequence and map values -------------------------------------------------------------------

TEST(SessionFeaturesTest, SequenceValues) {
  auto mi = Cpu();
  std::vector<float> a{1, 2, 3}, b{4, 5}, c{6};
  const int64_t sa[] = {3}, sb[] = {2}, sc[] = {1};
  std::vector<Ort::Value> items;
  items.push_back(Ort::Value::CreateTensor<float>(mi, a.data(), a.size(), sa, 1));
  items.push_back(Ort::Value::CreateTensor<float>(mi, b.data(), b.size(), sb, 1));
  items.push_back(Ort::Value::CreateTensor<float>(mi, c.data(), c.size(), sc, 1));
  Ort::Value seq = Ort::Value::CreateSequence(items);
  EXPECT_FALSE(seq.IsTensor());
  EXPECT_EQ(seq.GetCount(), 3u);
  Ort::TypeInfo type = seq.GetTypeInfo();
  ASSERT_EQ(type.GetONNXType(), ONNX_TYPE_SEQUENCE);
  Ort::TypeInfo elem = type.GetSequenceTypeInfo().GetSequenceElementType();
  EXPECT_EQ(elem.GetONNXType(), ONNX_TYPE_TENSOR);
  EXPECT_EQ(elem.GetTensorTypeAndShapeInfo().GetElementType(), ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  Ort::AllocatorWithDefaultOptions allocator;
  Ort::Value second = seq.GetValue(1, allocator);
  ASSERT_TRUE(second.IsTensor());
  EXPECT_EQ(Values<float>(second), b);
  EXPECT_EQ(second.GetTensorTypeAndShapeInfo().GetShape(), (std::vector<int64_t>{2}));
  EXPECT_THROW(seq.GetValue(3, allocator), Ort::Exception);
  EXPECT_THROW(items[0].GetCount(), Ort::Exception);  // a tensor is not a sequence

  // A model reading a sequence input and one producing a sequence output.
  onnx::ModelProto m = NewModel();
  auto* in = m.mutable_graph()->add_input();
  in->set_name("seq");
  in->mutable_type()->mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type()->set_elem_type(kFloat);
  AddNode(m, "ConcatFromSequence", {"seq"}, {"joined"})->add_attribute()->CopyFrom([] {
    onnx::AttributeProto a;
    a.set_name("axis");
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(0);
    return a;
  }());
  AddNode(m, "SplitToSequence", {"joined"}, {"pieces"});  // default: one piece per element
  AddOutput(m, "joined", kFloat);
  auto* out = m.mutable_graph()->add_output();
  out->set_name("pieces");
  out->mutable_type()->mutable_sequence_type()->mutable_elem_type()->mutable_tensor_type()->set_elem_type(kFloat);
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  Ort::TypeInfo input_type = session.GetInputTypeInfo(0);
  ASSERT_EQ(input_type.GetONNXType(), ONNX_TYPE_SEQUENCE);
  EXPECT_EQ(input_type.GetSequenceTypeInfo().GetSequenceElementType().GetTensorTypeAndShapeInfo().GetElementType(),
            ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  EXPECT_EQ(session.GetOutputTypeInfo(1).GetONNXType(), ONNX_TYPE_SEQUENCE);
  const char* in_names[] = {"seq"};
  const char* out_names[] = {"joined", "pieces"};
  auto outs = session.Run(Ort::RunOptions{nullptr}, in_names, &seq, 1, out_names, 2);
  EXPECT_EQ(Values<float>(outs[0]), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(outs[1].GetTypeInfo().GetONNXType(), ONNX_TYPE_SEQUENCE);
  ASSERT_EQ(outs[1].GetCount(), 6u);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(Values<float>(outs[1].GetValue(i, allocator))[0], i + 1.f);
}

TEST(SessionFeaturesTest, MapValues) {
  auto mi = Cpu();
  std::vector<int64_t> keys{3, 1, 2};
  std::vector<float> values{0.3f, 0.1f, 0.2f};
  const int64_t shape[] = {3};
  Ort::Value k = Ort::Value::CreateTensor<int64_t>(mi, keys.data(), keys.size(), shape, 1);
  Ort::Value v = Ort::Value::CreateTensor<float>(mi, values.data(), values.size(), shape, 1);
  Ort::Value map = Ort::Value::CreateMap(k, v);
  EXPECT_FALSE(map.IsTensor());
  EXPECT_EQ(map.GetCount(), 2u);
  Ort::TypeInfo type = map.GetTypeInfo();
  ASSERT_EQ(type.GetONNXType(), ONNX_TYPE_MAP);
  EXPECT_EQ(type.GetMapTypeInfo().GetMapKeyType(), ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);
  Ort::AllocatorWithDefaultOptions allocator;
  EXPECT_EQ(Values<int64_t>(map.GetValue(0, allocator)), keys);
  EXPECT_EQ(Values<float>(map.GetValue(1, allocator)), values);
  EXPECT_THROW(map.GetValue(2, allocator), Ort::Exception);

  // String keys.
  Ort::Value sk = Ort::Value::CreateTensor(allocator, shape, 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  const char* names[] = {"c", "a", "b"};
  sk.FillStringTensor(names, 3);
  Ort::Value smap = Ort::Value::CreateMap(sk, v);
  EXPECT_EQ(smap.GetTypeInfo().GetMapTypeInfo().GetMapKeyType(), ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  EXPECT_EQ(smap.GetValue(0, allocator).GetStringTensorElement(1), "a");

  // Keys and values of different lengths are rejected.
  const int64_t two[] = {2};
  Ort::Value short_values = Ort::Value::CreateTensor<float>(mi, values.data(), 2, two, 1);
  EXPECT_THROW(Ort::Value::CreateMap(k, short_values), Ort::Exception);
}

// ---- overridable initializers ------------------------------------------------------------------

TEST(SessionFeaturesTest, OverridableInitializers) {
  onnx::ModelProto m = NewModel();
  AddInput(m, "x", kFloat, {"3"});
  AddInput(m, "bias", kFloat, {"3"});  // also an initializer: a default the caller may override
  AddFloatInitializer(m, "bias", {3}, {10, 20, 30});
  AddFloatInitializer(m, "scale", {1}, {2});  // not a graph input: fixed
  AddNode(m, "Add", {"x", "bias"}, {"sum"});
  AddNode(m, "Mul", {"sum", "scale"}, {"y"});
  AddOutput(m, "y", kFloat, {"3"});
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  Ort::Session session(env, bytes.data(), bytes.size(), so);

  EXPECT_EQ(session.GetInputCount(), 1u);
  ASSERT_EQ(session.GetOverridableInitializerCount(), 1u);
  Ort::AllocatorWithDefaultOptions allocator;
  EXPECT_STREQ(session.GetOverridableInitializerNameAllocated(0, allocator).get(), "bias");
  Ort::TypeInfo type = session.GetOverridableInitializerTypeInfo(0);
  auto info = type.GetTensorTypeAndShapeInfo();
  EXPECT_EQ(info.GetElementType(), ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  EXPECT_EQ(info.GetShape(), (std::vector<int64_t>{3}));
  EXPECT_THROW(session.GetOverridableInitializerNameAllocated(1, allocator), Ort::Exception);

  auto mi = Cpu();
  std::vector<float> x{1, 2, 3}, bias{-1, -2, -3};
  const int64_t shape[] = {3};
  Ort::Value inputs[] = {Ort::Value::CreateTensor<float>(mi, x.data(), 3, shape, 1),
                         Ort::Value::CreateTensor<float>(mi, bias.data(), 3, shape, 1)};
  const char* in_names[] = {"x", "bias"};
  const char* out_names[] = {"y"};
  auto with_default = session.Run(Ort::RunOptions{nullptr}, in_names, inputs, 1, out_names, 1);
  EXPECT_EQ(Values<float>(with_default[0]), (std::vector<float>{22, 44, 66}));
  auto overridden = session.Run(Ort::RunOptions{nullptr}, in_names, inputs, 2, out_names, 1);
  EXPECT_EQ(Values<float>(overridden[0]), (std::vector<float>{0, 0, 0}));
  // The fixed initializer cannot be fed.
  const char* bad_names[] = {"x", "scale"};
  EXPECT_THROW(session.Run(Ort::RunOptions{nullptr}, bad_names, inputs, 2, out_names, 1), Ort::Exception);

  // The bundled CNN keeps its weights out of the graph inputs: nothing to override.
  Ort::Session cnn(env, TinyCnnPath().c_str(), so);
  EXPECT_EQ(cnn.GetOverridableInitializerCount(), 0u);
}

// ---- the parallel executor ---------------------------------------------------------------------

// Four independent branches (MatMul -> Tanh -> MatMul) summed: work the parallel executor can
// spread over streams.
std::string BranchyModel() {
  onnx::ModelProto m = NewModel();
  AddInput(m, "x", kFloat, {"batch", "16"});
  std::vector<std::string> branch_outputs;
  for (int b = 0; b < 4; ++b) {
    const std::string w1 = "w1_" + std::to_string(b), w2 = "w2_" + std::to_string(b);
    std::vector<float> v1(16 * 16), v2(16 * 16);
    for (size_t i = 0; i < v1.size(); ++i) {
      v1[i] = std::sin(0.1f * i + b) * 0.3f;
      v2[i] = std::cos(0.07f * i - b) * 0.3f;
    }
    AddFloatInitializer(m, w1, {16, 16}, v1);
    AddFloatInitializer(m, w2, {16, 16}, v2);
    const std::string p = "b" + std::to_string(b);
    AddNode(m, "MatMul", {"x", w1}, {p + "_mm1"});
    AddNode(m, "Tanh", {p + "_mm1"}, {p + "_act"});
    AddNode(m, "MatMul", {p + "_act", w2}, {p + "_out"});
    branch_outputs.push_back(p + "_out");
  }
  AddNode(m, "Sum", branch_outputs, {"y"});
  AddOutput(m, "y", kFloat, {"batch", "16"});
  return Serialize(m);
}

TEST(SessionFeaturesTest, ParallelExecutionModeGivesTheSequentialResults) {
  Ort::Env env;
  // The bundled models.
  for (int inter : {1, 2, 4}) {
    Ort::SessionOptions so;
    so.SetExecutionMode(ORT_PARALLEL);
    so.SetInterOpNumThreads(inter);
    so.SetIntraOpNumThreads(1);
    Ort::Session cnn(env, TinyCnnPath().c_str(), so);
    TinyCnn c;
    EXPECT_LT(MaxAbsDiff(c.Run(cnn), c.expected), 1e-5f) << "inter " << inter;
    Ort::Session tr(env, TransformerPath().c_str(), so);
    Transformer t;
    t.Check(tr);
  }

  // A model with independent branches, parallel vs sequential, from several threads at once.
  const std::string bytes = BranchyModel();
  Ort::SessionOptions seq_options;
  seq_options.SetExecutionMode(ORT_SEQUENTIAL);
  Ort::Session sequential(env, bytes.data(), bytes.size(), seq_options);
  Ort::SessionOptions par_options;
  par_options.SetExecutionMode(ORT_PARALLEL);
  par_options.SetInterOpNumThreads(3);
  Ort::Session parallel(env, bytes.data(), bytes.size(), par_options);

  auto run = [](Ort::Session& s, std::vector<float>& x) {
    auto mi = Cpu();
    const int64_t shape[] = {static_cast<int64_t>(x.size() / 16), 16};
    Ort::Value in = Ort::Value::CreateTensor<float>(mi, x.data(), x.size(), shape, 2);
    const char* in_names[] = {"x"};
    const char* out_names[] = {"y"};
    return Values<float>(s.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1)[0]);
  };
  std::vector<float> x(5 * 16);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.3f * i);
  const std::vector<float> expected = run(sequential, x);
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      std::vector<float> local = x;
      for (int r = 0; r < 25; ++r)
        if (MaxAbsDiff(run(parallel, local), expected) > 1e-5f) ++bad;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
