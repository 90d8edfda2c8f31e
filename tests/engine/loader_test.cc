#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/framework/tensorprotoutils.h"
#include "core/graph/model.h"
#include "core/session/inference_session.h"
#include "engine/test_ops.h"

namespace fs = std::filesystem;

namespace ortlite {
namespace test {
namespace {

// X[2] + W[2] -> Y, with W an initializer stored as external data in `weights`.
onnx::ModelProto ModelWithExternalWeights(const std::string& location, int64_t offset = 0) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {2});
  AddFloatValue(g.mutable_output(), "Y", {2});
  AddTestNode(g, "TestAdd", {"X", "W"}, "Y");
  auto* w = g.add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(2);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = w->add_external_data();
  kv->set_key("location");
  kv->set_value(location);
  kv = w->add_external_data();
  kv->set_key("offset");
  kv->set_value(std::to_string(offset));
  kv = w->add_external_data();
  kv->set_key("length");
  kv->set_value("8");
  return m;
}

class LoaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ortlite_loader_" + std::to_string(::getpid()));
    fs::create_directories(dir_ / "model");
    const float w[3] = {0.f, 10.f, 20.f};
    std::ofstream(dir_ / "model" / "weights.bin", std::ios::binary).write(reinterpret_cast<const char*>(w), sizeof(w));
    std::ofstream(dir_ / "secret.bin", std::ios::binary).write(reinterpret_cast<const char*>(w), sizeof(w));
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Write(const onnx::ModelProto& m) {
    const fs::path p = dir_ / "model" / "model.onnx";
    std::ofstream out(p, std::ios::binary);
    m.SerializeToOstream(&out);
    return p.string();
  }

  std::string LoadError(const std::string& path) {
    try {
      Model::LoadFromFile(path);
    } catch (const OrtliteError& e) {
      return e.what();
    }
    return "";
  }

  fs::path dir_;
};

TEST_F(LoaderTest, ExternalDataIsReadRelativeToTheModel) {
  const std::string path = Write(ModelWithExternalWeights("weights.bin", 4));
  InferenceSession s(SessionOptions{});
  s.Load(path);
  s.Initialize();
  RunOptions ro;
  auto out = s.Run(ro, {"X"}, {OrtValue(Tensor::FromVector<float>({1, 2}, {2}))}, {"Y"});
  EXPECT_FLOAT_EQ(out[0].Get().Data<float>()[0], 11.f);
  EXPECT_FLOAT_EQ(out[0].Get().Data<float>()[1], 22.f);
}

TEST_F(LoaderTest, ExternalDataOutsideTheModelFolderIsRefused) {
  EXPECT_NE(LoadError(Write(ModelWithExternalWeights("../secret.bin"))).find("outside the model's folder"), std::string::npos);
  EXPECT_NE(LoadError(Write(ModelWithExternalWeights((dir_ / "secret.bin").string()))).find("absolute"), std::string::npos);
}

TEST_F(LoaderTest, ExternalDataPastTheFileEndIsRefused) {
  EXPECT_NE(LoadError(Write(ModelWithExternalWeights("weights.bin", 8))).find("past the end"), std::string::npos);
  EXPECT_NE(LoadError(Write(ModelWithExternalWeights("missing.bin"))).find("cannot open"), std::string::npos);
}

TEST_F(LoaderTest, TruncatedAndMalformedModelsGiveClearErrors) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {2});
  AddFloatValue(g.mutable_output(), "Y", {2});
  AddTestNode(g, "TestRelu", {"X"}, "H");
  AddTestNode(g, "TestRelu", {"H"}, "Y");
  std::string bytes;
  m.SerializeToString(&bytes);
  for (size_t cut : {bytes.size() / 2, bytes.size() - 3, size_t{5}}) {
    try {
      Model::LoadFromBytes(bytes.data(), cut);
      ADD_FAILURE() << "a model cut at " << cut << " of " << bytes.size() << " bytes loaded";
    } catch (const OrtliteError& e) {
      EXPECT_TRUE(e.Code() == ErrorCode::kInvalidProtobuf || e.Code() == ErrorCode::kInvalidGraph) << e.what();
    }
  }
  const std::string garbage = "this is not an onnx model at all";
  EXPECT_THROW(Model::LoadFromBytes(garbage.data(), garbage.size()), OrtliteError);
  EXPECT_THROW(Model::LoadFromBytes(garbage.data(), 0), OrtliteError);
  EXPECT_NE(LoadError((dir_ / "nope.onnx").string()).find("cannot open"), std::string::npos);
}

TEST_F(LoaderTest, UnknownOpNamesTheNode) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {2});
  AddFloatValue(g.mutable_output(), "Y", {2});
  auto* n = g.add_node();
  n->set_name("mystery");
  n->set_op_type("NoSuchOp");
  n->add_input("X");
  n->add_output("Y");
  std::string bytes;
  m.SerializeToString(&bytes);
  InferenceSession s(SessionOptions{});
  s.Load(bytes.data(), bytes.size());
  try {
    s.Initialize();
    FAIL() << "initialised a model with an unknown op";
  } catch (const OrtliteError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("mystery"), std::string::npos) << msg;
    EXPECT_NE(msg.find("NoSuchOp"), std::string::npos) << msg;
  }
}

TEST_F(LoaderTest, UndefinedValueAndBadIrVersion) {
  onnx::ModelProto m = MakeTestModel();
  auto& g = *m.mutable_graph();
  AddFloatValue(g.mutable_input(), "X", {2});
  AddFloatValue(g.mutable_output(), "Y", {2});
  AddTestNode(g, "TestAdd", {"X", "nowhere"}, "Y");
  std::string bytes;
  m.SerializeToString(&bytes);
  try {
    Model::LoadFromBytes(bytes.data(), bytes.size());
    FAIL();
  } catch (const OrtliteError& e) {
    EXPECT_NE(std::string(e.what()).find("nowhere"), std::string::npos) << e.what();
  }
  m.set_ir_version(42);
  m.SerializeToString(&bytes);
  EXPECT_THROW(Model::LoadFromBytes(bytes.data(), bytes.size()), OrtliteError);
}

TEST(TensorProtoTest, TypedFieldsAndRawData) {
  onnx::TensorProto p;
  p.set_name("t");
  p.set_data_type(onnx::TensorProto::INT64);
  p.add_dims(3);
  for (int64_t v : {1, -2, 3}) p.add_int64_data(v);
  Tensor t = TensorFromProto(p);
  EXPECT_EQ(t.Data<int64_t>()[1], -2);
  onnx::TensorProto back = TensorToProto(t, "t");
  Tensor t2 = TensorFromProto(back);
  EXPECT_EQ(t2.Data<int64_t>()[2], 3);
  p.add_int64_data(4);  // 4 values for 3 elements
  EXPECT_THROW(TensorFromProto(p), OrtliteError);
}

TEST(Float16Test, RoundTripAndRounding) {
  for (float f : {0.f, 1.f, -2.5f, 65504.f, 6.1035156e-05f, 5.9604645e-08f, 1e-10f}) {
    EXPECT_EQ(MLFloat16(f).ToFloat(), f == 1e-10f ? 0.f : f) << f;
  }
  EXPECT_TRUE(std::isinf(MLFloat16(1e6f).ToFloat()));
  EXPECT_TRUE(std::isnan(MLFloat16(std::nanf("")).ToFloat()));
  EXPECT_EQ(MLFloat16(1.0009765625f + 0.00048828125f).val, MLFloat16(1.001953125f).val);  // ties to even
  EXPECT_EQ(BFloat16(1.f).ToFloat(), 1.f);
}

}  // namespace
}  // namespace test
}  // namespace ortlite

namespace ortlite {
namespace test {
namespace {
TEST(TensorTest, HugeShapesAreRefused) {
  EXPECT_THROW(Tensor(DataType::kFloat, TensorShape({1LL << 40, 1LL << 30}), GetCpuAllocator()), OrtliteError);
  EXPECT_THROW(Tensor(DataType::kFloat, TensorShape({-1, 2}), GetCpuAllocator()), OrtliteError);
  Tensor empty(DataType::kFloat, TensorShape({0, 1LL << 40}), GetCpuAllocator());
  EXPECT_EQ(empty.NumElements(), 0);
}
}  // namespace
}  // namespace test
}  // namespace ortlite
