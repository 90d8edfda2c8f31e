// The Ort:: C++ API used the way an ONNX Runtime client uses it.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <thread>

#include "engine/test_ops.h"
#include "ort_compat/onnxruntime_cxx_api.h"
#include "ort_compat/spacemit_ort_env.h"

namespace {

std::string TinyCnnPath() { return std::string(ORTLITE_SOURCE_DIR) + "/models/tiny_cnn/model.onnx"; }

std::vector<float> ReadTensorFloats(const std::string& path) {
  onnx::TensorProto p;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(p.ParseFromIstream(&in)) << path;
  std::vector<float> v(p.raw_data().size() / 4);
  std::memcpy(v.data(), p.raw_data().data(), p.raw_data().size());
  return v;
}

TEST(CxxApiTest, ClassifierEndToEnd) {
  Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "cxx_api_test");
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(1);
  so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
  Ort::Session session(env, TinyCnnPath().c_str(), so);

  Ort::AllocatorWithDefaultOptions allocator;
  ASSERT_EQ(session.GetInputCount(), 1u);
  ASSERT_EQ(session.GetOutputCount(), 1u);
  auto in_name = session.GetInputNameAllocated(0, allocator);
  auto out_name = session.GetOutputNameAllocated(0, allocator);
  EXPECT_STREQ(in_name.get(), "image");
  Ort::TypeInfo type_info = session.GetInputTypeInfo(0);
  auto tensor_info = type_info.GetTensorTypeAndShapeInfo();
  EXPECT_EQ(tensor_info.GetElementType(), ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  std::vector<int64_t> shape = tensor_info.GetShape();
  ASSERT_EQ(shape, (std::vector<int64_t>{1, 3, 32, 32}));

  std::vector<float> image = ReadTensorFloats(std::string(ORTLITE_SOURCE_DIR) + "/models/tiny_cnn/test_data_set_0/input_0.pb");
  std::vector<float> expected = ReadTensorFloats(std::string(ORTLITE_SOURCE_DIR) + "/models/tiny_cnn/test_data_set_0/output_0.pb");
  auto memory_info = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  Ort::Value input = Ort::Value::CreateTensor<float>(memory_info, image.data(), image.size(), shape.data(), shape.size());
  ASSERT_TRUE(input.IsTensor());
  const char* input_names[] = {in_name.get()};
  const char* output_names[] = {out_name.get()};
  auto outputs = session.Run(Ort::RunOptions{nullptr}, input_names, &input, 1, output_names, 1);
  ASSERT_EQ(outputs.size(), 1u);
  auto out_info = outputs[0].GetTensorTypeAndShapeInfo();
  EXPECT_EQ(out_info.GetShape(), (std::vector<int64_t>{1, 10}));
  const float* probs = outputs[0].GetTensorData<float>();
  for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(probs[i], expected[i], 1e-5) << i;

  // Caller-allocated output.
  std::vector<float> out_buffer(10);
  std::vector<int64_t> out_shape{1, 10};
  Ort::Value out_value = Ort::Value::CreateTensor<float>(memory_info, out_buffer.data(), out_buffer.size(), out_shape.data(), 2);
  session.Run(Ort::RunOptions{}, input_names, &input, 1, output_names, &out_value, 1);
  EXPECT_NEAR(out_buffer[3], expected[3], 1e-5);

  // IoBinding, reused across runs.
  Ort::IoBinding binding(session);
  binding.BindInput("image", input);
  binding.BindOutput("probabilities", memory_info);
  for (int r = 0; r < 3; ++r) {
    session.Run(Ort::RunOptions{}, binding);
    auto values = binding.GetOutputValues();
    ASSERT_EQ(values.size(), 1u);
    EXPECT_NEAR(values[0].GetTensorData<float>()[0], expected[0], 1e-5);
  }
  EXPECT_EQ(binding.GetOutputNames(), std::vector<std::string>{"probabilities"});

  Ort::ModelMetadata md = session.GetModelMetadata();
  EXPECT_STREQ(md.GetProducerNameAllocated(allocator).get(), "ortlite models/make_tiny_cnn.py");
  EXPECT_STREQ(md.GetDescriptionAllocated(allocator).get(), "Tiny CNN image classifier bundled with ortlite");
}

TEST(CxxApiTest, ErrorsAreOrtExceptions) {
  Ort::Env env;
  Ort::SessionOptions so;
  try {
    Ort::Session s(env, "/nonexistent/model.onnx", so);
    FAIL();
  } catch (const Ort::Exception& e) {
    EXPECT_EQ(e.GetOrtErrorCode(), ORT_NO_SUCHFILE);
  }
  Ort::Session session(env, TinyCnnPath().c_str(), so);
  auto memory_info = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeCPU);
  std::vector<float> data(12);
  std::vector<int64_t> shape{1, 3, 2, 2};
  Ort::Value input = Ort::Value::CreateTensor<float>(memory_info, data.data(), data.size(), shape.data(), shape.size());
  const char* in_names[] = {"image"};
  const char* out_names[] = {"probabilities"};
  try {
    session.Run(Ort::RunOptions{}, in_names, &input, 1, out_names, 1);
    FAIL();
  } catch (const Ort::Exception& e) {
    EXPECT_EQ(e.GetOrtErrorCode(), ORT_INVALID_ARGUMENT);
    EXPECT_NE(std::string(e.what()).find("image"), std::string::npos);
  }
  Ort::RunOptions ro;
  ro.SetTerminate();
  std::vector<float> full(3 * 32 * 32);
  std::vector<int64_t> full_shape{1, 3, 32, 32};
  Ort::Value good = Ort::Value::CreateTensor<float>(memory_info, full.data(), full.size(), full_shape.data(), 4);
  EXPECT_THROW(session.Run(ro, in_names, &good, 1, out_names, 1), Ort::Exception);
  ro.UnsetTerminate();
  EXPECT_NO_THROW(session.Run(ro, in_names, &good, 1, out_names, 1));
}

TEST(CxxApiTest, SpaceMitRegistrationFailsClearly) {
  Ort::SessionOptions so;
  try {
    SessionOptionsSpaceMITEnvInit(so, {{"SPACEMIT_EP_INTRA_THREAD_NUM", "2"}});
    FAIL() << "registered a provider this build does not have";
  } catch (const Ort::Exception& e) {
    EXPECT_NE(std::string(e.what()).find("SpaceMITExecutionProvider"), std::string::npos);
  }
}

TEST(CxxApiTest, StringTensorsAndVersion) {
  Ort::AllocatorWithDefaultOptions allocator;
  std::vector<int64_t> shape{2};
  Ort::Value v = Ort::Value::CreateTensor(allocator, shape.data(), 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  const char* strs[] = {"hello", "ortlite"};
  v.FillStringTensor(strs, 2);
  EXPECT_EQ(v.GetStringTensorDataLength(), 12u);
  EXPECT_EQ(v.GetStringTensorElement(1), "ortlite");
  EXPECT_FALSE(Ort::GetVersionString().empty());
  auto providers = Ort::GetAvailableProviders();
  EXPECT_NE(std::find(providers.begin(), providers.end(), "CPUExecutionProvider"), providers.end());
}

TEST(CxxApiTest, ConcurrentRunsFromEightThreads) {
  Ort::Env env;
  Ort::SessionOptions so;
  so.SetIntraOpNumThreads(1);
  Ort::Session session(env, TinyCnnPath().c_str(), so);
  std::vector<float> image = ReadTensorFloats(std::string(ORTLITE_SOURCE_DIR) + "/models/tiny_cnn/test_data_set_0/input_0.pb");
  std::vector<float> expected = ReadTensorFloats(std::string(ORTLITE_SOURCE_DIR) + "/models/tiny_cnn/test_data_set_0/output_0.pb");
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      auto mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
      std::vector<float> local = image;
      std::vector<int64_t> shape{1, 3, 32, 32};
      Ort::Value in = Ort::Value::CreateTensor<float>(mi, local.data(), local.size(), shape.data(), 4);
      const char* in_names[] = {"image"};
      const char* out_names[] = {"probabilities"};
      for (int r = 0; r < 20; ++r) {
        auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1);
        if (std::fabs(out[0].GetTensorData<float>()[4] - expected[4]) > 1e-5) ++bad;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
