// Weights read from the model file's mapping: loading from a file and from bytes must agree, each
// constant must end up bound the way its readers need (aligned for typed reads, the bare mapping
// for pre-packed or bytewise reads), and saving, external data and errors must work as before.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include "core/framework/allocator.h"
#include "core/framework/execution_provider.h"
#include "core/framework/session_state.h"
#include "core/framework/tensorprotoutils.h"
#include "core/graph/mapped_file.h"
#include "core/graph/model.h"
#include "core/graph/payload_lifting.h"
#include "core/plan/execution_frame.h"
#include "core/session/inference_session.h"
#include "engine/test_ops.h"

namespace fs = std::filesystem;

namespace ortlite {
namespace test {
namespace {

constexpr int64_t kN = 700;  // floats per weight: large enough to be lifted

void AddFloatInitializer(onnx::GraphProto& g, const std::string& name, float base) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_dims(kN);
  std::vector<float> v(kN);
  for (int64_t i = 0; i < kN; ++i) v[i] = base + 0.5f * static_cast<float>(i);
  t->set_raw_data(v.data(), v.size() * sizeof(float));
}

// Y = BytesAdd(PackedAdd(PackedAdd(Add(X, Wa), Wb), Wb), Wc), after an unused byte tensor whose
// odd length puts the weights at unaligned offsets of the file.
onnx::ModelProto WeightsModel(int pad) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {kN});
  AddFloatValue(g.mutable_output(), "Y", {kN});
  auto* p = g.add_initializer();
  p->set_name("pad");
  p->set_data_type(onnx::TensorProto::UINT8);
  p->add_dims(pad);
  p->set_raw_data(std::string(static_cast<size_t>(pad), '\x07'));
  AddFloatInitializer(g, "Wa", 1.f);
  AddFloatInitializer(g, "Wb", -3.f);
  AddFloatInitializer(g, "Wc", 0.25f);
  AddTestNode(g, "TestAdd", {"X", "Wa"}, "h1");
  AddTestNode(g, "TestPackedAdd", {"h1", "Wb"}, "h2");
  AddTestNode(g, "TestPackedAdd", {"h2", "Wb"}, "h3");
  AddTestNode(g, "TestBytesAdd", {"h3", "Wc"}, "Y");
  return m;
}

std::vector<float> Expected() {
  std::vector<float> y(kN);
  for (int64_t i = 0; i < kN; ++i) {
    const float x = static_cast<float>(i % 13) - 6.f, h = 0.5f * static_cast<float>(i);
    y[i] = x + (1.f + h) + (-3.f + h) + (-3.f + h) + (0.25f + h);
  }
  return y;
}

OrtValue Input() {
  std::vector<float> x(kN);
  for (int64_t i = 0; i < kN; ++i) x[i] = static_cast<float>(i % 13) - 6.f;
  return OrtValue(Tensor::FromVector<float>(x, {kN}));
}

std::vector<float> Values(const OrtValue& v) {
  const Tensor& t = v.Get();
  return std::vector<float>(t.Data<float>(), t.Data<float>() + t.NumElements());
}

class MappedWeightsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ortlite_mapped_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const onnx::ModelProto& m, const std::string& name = "model.onnx") {
    const fs::path p = dir_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    m.SerializeToOstream(&out);
    return p.string();
  }

  std::vector<float> Run(InferenceSession& s) {
    RunOptions ro;
    return Values(s.Run(ro, {"X"}, {Input()}, {"Y"})[0]);
  }

  fs::path dir_;
};

TEST_F(MappedWeightsTest, LargeInitializersStayInTheMapping) {
  int pad = 1025;
  const std::string path = Write(WeightsModel(pad));
  auto model = Model::LoadFromFile(path);
  const Graph& g = model->MainGraph();
  for (const char* name : {"pad", "Wa", "Wb", "Wc"}) {
    const MappedBytes* mapped = g.GetMappedData(name);
    ASSERT_NE(mapped, nullptr) << name;
    EXPECT_EQ(g.GetInitializer(name)->raw_data().size(), 0u) << name;  // not copied into the proto
    EXPECT_EQ(mapped->size, std::string(name) == "pad" ? size_t(pad) : size_t(kN * 4));
  }
  const Tensor wa = InitializerToTensor(g, "Wa");
  EXPECT_FLOAT_EQ(wa.Data<float>()[3], 2.5f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(wa.DataRaw()) % kBufferAlignment, 0u);

  // Serialising puts the data back in place.
  onnx::ModelProto back = model->ToProto();
  for (const auto& t : back.graph().initializer()) {
    EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
    EXPECT_EQ(t.external_data_size(), 0) << t.name();
  }
  EXPECT_EQ(back.graph().initializer_size(), 4);
}

TEST_F(MappedWeightsTest, FileAndBytesLoadsAgree) {
  const std::vector<float> want = Expected();
  for (int pad : {1024, 1025, 1026, 1027, 1088}) {
    const std::string path = Write(WeightsModel(pad));
    InferenceSession from_file(SessionOptions{});
    from_file.Load(path);
    from_file.Initialize();
    std::ifstream in(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    InferenceSession from_bytes(SessionOptions{});
    from_bytes.Load(bytes.data(), bytes.size());
    from_bytes.Initialize();
    EXPECT_EQ(Run(from_file), want) << "pad " << pad;
    EXPECT_EQ(Run(from_bytes), want) << "pad " << pad;
    EXPECT_EQ(Run(from_file), want) << "pad " << pad;  // again, with pages given back in between
  }
}

// Builds a session state for a model loaded from `path`, as the session would.
struct DirectState {
  std::unique_ptr<Model> model;
  CpuExecutionProvider cpu;
  std::unique_ptr<SessionState> state;

  explicit DirectState(const std::string& path) : model(Model::LoadFromFile(path)) {
    for (Node* n : model->MainGraph().Nodes()) n->SetExecutionProviderType(cpu.Type());
    state = std::make_unique<SessionState>(model->MainGraph(), std::vector<IExecutionProvider*>{&cpu}, nullptr,
                                           nullptr, nullptr, SessionStateConfig{});
    state->Initialize();
  }
  const char* Mapped(const std::string& name) const { return model->MainGraph().GetMappedData(name)->Data(); }
  const void* Bound(const std::string& name) const { return state->GetConstantInitializer(name)->DataRaw(); }
};

TEST_F(MappedWeightsTest, EachConstantIsBoundAsItsReadersNeed) {
  for (int pad : {1025, 1027}) {
    pack_calls = 0;
    DirectState d(Write(WeightsModel(pad)));
    // Read as typed data: aligned, a copy unless the file happened to align it.
    const void* wa = d.Bound("Wa");
    EXPECT_EQ(reinterpret_cast<uintptr_t>(wa) % kBufferAlignment, 0u);
    if (reinterpret_cast<uintptr_t>(d.Mapped("Wa")) % kBufferAlignment != 0) {
      EXPECT_NE(wa, d.Mapped("Wa"));
    }
    // Pre-packed once for both readers, then only the mapping is left.
    EXPECT_EQ(pack_calls.load(), 1);
    EXPECT_EQ(d.Bound("Wb"), d.Mapped("Wb"));
    // Read bytewise, and unused: the mapping itself.
    EXPECT_EQ(d.Bound("Wc"), d.Mapped("Wc"));
    EXPECT_EQ(d.Bound("pad"), d.Mapped("pad"));
    // The bound values still describe the tensors.
    EXPECT_EQ(d.state->GetConstantInitializer("Wb")->Shape().Size(), kN);

    RunContext run;
    std::vector<std::pair<int, OrtValue>> feeds{{d.state->ValueIndex("X"), Input()}};
    auto out = ExecuteGraph(*d.state, feeds, d.state->GraphOutputIndices(), run);
    EXPECT_EQ(Values(out[0]), Expected());
  }
}

TEST_F(MappedWeightsTest, ConstantsReadBySubgraphsOrFetchedStayReadable) {
  // If(cond) { Y = TestAdd(X, W) } else { Y = TestAdd(X, V) }, V a subgraph initializer, and W
  // also fetched as a graph output.
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {kN});
  auto* cond = g.add_input();
  cond->set_name("cond");
  cond->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::BOOL);
  cond->mutable_type()->mutable_tensor_type()->mutable_shape();
  AddFloatValue(g.mutable_output(), "Y", {kN});
  AddFloatValue(g.mutable_output(), "W", {kN});
  AddFloatInitializer(g, "W", 2.f);
  auto* node = g.add_node();
  node->set_op_type("If");
  node->add_input("cond");
  node->add_output("Y");
  for (const char* branch : {"then_branch", "else_branch"}) {
    auto* a = node->add_attribute();
    a->set_name(branch);
    a->set_type(onnx::AttributeProto::GRAPH);
    auto& sub = *a->mutable_g();
    sub.set_name(branch);
    AddFloatValue(sub.mutable_output(), std::string(branch) + "_y", {kN});
    if (std::string(branch) == "then_branch") {
      AddTestNode(sub, "TestAdd", {"X", "W"}, "then_branch_y");
    } else {
      AddFloatInitializer(sub, "V", -1.f);
      AddTestNode(sub, "TestPackedAdd", {"X", "V"}, "else_branch_y");
    }
  }
  const std::string path = Write(m);
  InferenceSession s(SessionOptions{});
  s.Load(path);
  s.Initialize();
  for (bool c : {true, false}) {
    Tensor ct(DataType::kBool, TensorShape(std::vector<int64_t>{}), GetCpuAllocator());
    *ct.MutableData<bool>() = c;
    RunOptions ro;
    auto out = s.Run(ro, {"X", "cond"}, {Input(), OrtValue(ct)}, {"Y", "W"});
    const std::vector<float> y = Values(out[0]), w = Values(out[1]);
    for (int64_t i = 0; i < kN; ++i) {
      const float x = static_cast<float>(i % 13) - 6.f, h = 0.5f * static_cast<float>(i);
      ASSERT_FLOAT_EQ(y[i], x + (c ? 2.f : -1.f) + h) << i;
      ASSERT_FLOAT_EQ(w[i], 2.f + h) << i;
    }
  }
}

TEST_F(MappedWeightsTest, OptimizedModelWriterGetsTheData) {
  const std::vector<float> want = Expected();
  const std::string path = Write(WeightsModel(1027));
  {
    SessionOptions so;
    so.optimized_model_filepath = (dir_ / "optimized.onnx").string();
    InferenceSession s(so);
    s.Load(path);
    s.Initialize();
    EXPECT_EQ(Run(s), want);
  }
  onnx::ModelProto saved;
  std::ifstream in(dir_ / "optimized.onnx", std::ios::binary);
  ASSERT_TRUE(saved.ParseFromIstream(&in));
  for (const auto& t : saved.graph().initializer()) {
    EXPECT_NE(t.data_location(), onnx::TensorProto::EXTERNAL) << t.name();
    EXPECT_GT(t.raw_data().size(), 0u) << t.name();
  }
  InferenceSession reloaded(SessionOptions{});
  reloaded.Load((dir_ / "optimized.onnx").string());
  reloaded.Initialize();
  EXPECT_EQ(Run(reloaded), want);

  // Saving over the model being run: the session must keep its weights.
  SessionOptions so;
  so.optimized_model_filepath = path;
  InferenceSession over(so);
  over.Load(path);
  over.Initialize();
  EXPECT_EQ(Run(over), want);
  InferenceSession again(SessionOptions{});
  again.Load(path);
  again.Initialize();
  EXPECT_EQ(Run(again), want);
}

TEST_F(MappedWeightsTest, FreeDimensionOverridesReinferWithMappedWeights) {
  onnx::ModelProto m = WeightsModel(1025);
  auto* dim = m.mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0);
  dim->clear_dim_value();
  dim->set_dim_param("n");
  SessionOptions so;
  so.free_dimension_overrides_by_name.push_back({"n", kN});
  InferenceSession s(so);
  s.Load(Write(m));
  s.Initialize();
  EXPECT_EQ(Run(s), Expected());
}

// X + W with W[kN] stored in `file` at `offset` (length kN floats).
onnx::ModelProto ExternalModel(const std::string& location, int64_t offset) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {kN});
  AddFloatValue(g.mutable_output(), "Y", {kN});
  AddTestNode(g, "TestAdd", {"X", "W"}, "Y");
  auto* w = g.add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(kN);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  for (auto [k, v] : {std::pair<std::string, std::string>{"location", location}, {"offset", std::to_string(offset)},
                      {"length", std::to_string(kN * 4)}}) {
    auto* kv = w->add_external_data();
    kv->set_key(k);
    kv->set_value(v);
  }
  return m;
}

TEST_F(MappedWeightsTest, LargeExternalDataIsMappedAndChecked) {
  std::vector<float> w(kN + 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i);
  std::ofstream(dir_ / "weights.bin", std::ios::binary).write(reinterpret_cast<const char*>(w.data()), w.size() * 4);
  fs::create_directories(dir_ / "inner");
  {
    InferenceSession s(SessionOptions{});
    s.Load(Write(ExternalModel("weights.bin", 6), "inner_model.onnx"));
    ASSERT_NE(s.GetGraph().GetMappedData("W"), nullptr);
    s.Initialize();
    RunOptions ro;
    const std::vector<float> y = Values(s.Run(ro, {"X"}, {Input()}, {"Y"})[0]);
    for (int64_t i = 0; i < kN; ++i) {
      float wi;
      std::memcpy(&wi, reinterpret_cast<const char*>(w.data()) + 6 + 4 * i, 4);
      ASSERT_FLOAT_EQ(y[i], static_cast<float>(i % 13) - 6.f + wi) << i;
    }
  }
  auto error = [&](const onnx::ModelProto& m, const std::string& name) -> std::string {
    try {
      Model::LoadFromFile(Write(m, name));
    } catch (const OrtliteError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error(ExternalModel("weights.bin", 16), "a.onnx").find("past the end"), std::string::npos);
  EXPECT_NE(error(ExternalModel("missing.bin", 0), "b.onnx").find("cannot open"), std::string::npos);
  EXPECT_NE(error(ExternalModel("../weights.bin", 0), "inner/c.onnx").find("outside the model's folder"),
            std::string::npos);
  EXPECT_NE(error(ExternalModel((dir_ / "weights.bin").string(), 0), "d.onnx").find("absolute"), std::string::npos);
}

TEST_F(MappedWeightsTest, ForgedSliceReferencesAndSizeMismatchesAreRefused) {
  // A tensor claiming to be a lifted slice that the loader did not lift.
  onnx::ModelProto m = WeightsModel(1025);
  auto* forged = m.mutable_graph()->add_initializer();
  forged->set_name("forged");
  forged->set_data_type(onnx::TensorProto::FLOAT);
  forged->add_dims(4);
  forged->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = forged->add_external_data();
  kv->set_key(kLiftedSliceKey);
  kv->set_value("99");
  try {
    Model::LoadFromFile(Write(m));
    FAIL() << "a forged slice reference loaded";
  } catch (const OrtliteError& e) {
    EXPECT_EQ(e.Code(), ErrorCode::kInvalidProtobuf) << e.what();
    EXPECT_NE(std::string(e.what()).find("forged"), std::string::npos) << e.what();
  }
  // Raw data that does not match the dims is reported naming the initializer, as before.
  onnx::ModelProto bad = WeightsModel(1025);
  bad.mutable_graph()->mutable_initializer(2)->set_dims(0, kN + 1);
  InferenceSession s(SessionOptions{});
  s.Load(Write(bad));
  try {
    s.Initialize();
    FAIL() << "a mis-sized initializer was accepted";
  } catch (const OrtliteError& e) {
    EXPECT_NE(std::string(e.what()).find("bytes of raw data"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("Wb"), std::string::npos) << e.what();
  }
}

TEST_F(MappedWeightsTest, EmbeddingTablesAreReadInPlaceWhateverTheirAlignment) {
  constexpr int64_t kVocab = 50, kHidden = 24, kSeq = 5;
  onnx::ModelProto m = MakeTestModel();
  auto* ms = m.add_opset_import();
  ms->set_domain("com.microsoft");
  ms->set_version(1);
  auto& g = *m.mutable_graph();
  auto* ids = g.add_input();
  ids->set_name("ids");
  auto* tt = ids->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::INT64);
  tt->mutable_shape()->add_dim()->set_dim_value(1);
  tt->mutable_shape()->add_dim()->set_dim_value(kSeq);
  AddFloatValue(g.mutable_output(), "Y", {1, kSeq, kHidden});
  auto* pad = g.add_initializer();
  pad->set_name("pad");
  pad->set_data_type(onnx::TensorProto::UINT8);
  pad->add_dims(1029);
  pad->set_raw_data(std::string(1029, '\x01'));
  std::mt19937 rng(5);
  auto table = [&](const std::string& name, std::vector<int64_t> dims) {
    auto* t = g.add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    int64_t n = 1;
    for (int64_t d : dims) {
      t->add_dims(d);
      n *= d;
    }
    std::vector<float> v(static_cast<size_t>(n));
    for (auto& x : v) x = std::uniform_real_distribution<float>(-1, 1)(rng);
    t->set_raw_data(v.data(), v.size() * sizeof(float));
  };
  table("word", {kVocab, kHidden});
  table("position", {kSeq + 40, kHidden});
  table("gamma", {kHidden});
  table("beta", {kHidden});
  auto* n = g.add_node();
  n->set_op_type("EmbedLayerNormalization");
  n->set_domain("com.microsoft");
  for (const char* in : {"ids", "", "word", "position", "", "gamma", "beta"}) n->add_input(in);
  n->add_output("Y");
  const std::string path = Write(m);

  Tensor idt(DataType::kInt64, TensorShape({1, kSeq}), GetCpuAllocator());
  for (int64_t i = 0; i < kSeq; ++i) idt.MutableData<int64_t>()[i] = (7 * i + 3) % kVocab;
  auto run = [&](InferenceSession& s) {
    s.Initialize();
    RunOptions ro;
    return Values(s.Run(ro, {"ids"}, {OrtValue(idt)}, {"Y"})[0]);
  };
  InferenceSession from_file(SessionOptions{});
  from_file.Load(path);
  ASSERT_NE(from_file.GetGraph().GetMappedData("word"), nullptr);
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  InferenceSession from_bytes(SessionOptions{});
  from_bytes.Load(bytes.data(), bytes.size());
  EXPECT_EQ(run(from_file), run(from_bytes));

  DirectState d(path);
  EXPECT_EQ(d.Bound("word"), d.Mapped("word"));  // no aligned copy of the table
}

TEST(MappedFileTest, DroppedPagesReadBackFromTheFile) {
  const fs::path p = fs::temp_directory_path() / ("ortlite_mapped_file_" + std::to_string(::getpid()));
  std::string content(3 * 4096 + 123, '\0');
  std::mt19937 rng(3);
  for (auto& c : content) c = static_cast<char>(rng());
  std::ofstream(p, std::ios::binary).write(content.data(), static_cast<std::streamsize>(content.size()));
  auto file = MappedFile::Open(p.string(), "test file");
  ASSERT_EQ(file->Size(), content.size());
  EXPECT_EQ(std::string(file->Data(), file->Size()), content);
  file->DropPages(100, 5000);
  file->DropPages(0, content.size());
  EXPECT_EQ(std::string(file->Data(), file->Size()), content);
  EXPECT_TRUE(file->IsFile(p.string()));
  EXPECT_THROW(MappedFile::Open((p.string() + ".missing"), "test file"), OrtliteError);
  fs::remove(p);
}

TEST(PageAllocatorTest, AlignedAndReusable) {
  AllocatorPtr pages = GetPageAllocator();
  EXPECT_EQ(pages->Info(), GetCpuAllocator()->Info());
  for (size_t bytes : {size_t{0}, size_t{1}, size_t{4096}, size_t{1} << 20}) {
    void* p = pages->Alloc(bytes);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kBufferAlignment, 0u);
    std::memset(p, 0x5a, bytes);
    pages->Free(p);
  }
  Tensor t(DataType::kFloat, TensorShape({1000}), pages);
  t.MutableData<float>()[999] = 1.f;
  EXPECT_EQ(t.Data<float>()[999], 1.f);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
