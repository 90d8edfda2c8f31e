// Ort::IoBinding beyond the happy path: rebinding, clearing, caller buffers of the wrong shape,
// and runs with nothing bound. Also Ort::UnownedSessionOptions.
#include <gtest/gtest.h>

#include <cmath>

#include "api/api_test_models.h"
#include "ort_compat/onnxruntime_cxx_api.h"

namespace {

using namespace ortlite_api_test;

// y = 2 * x over [n] floats.
std::string DoubleModel() {
  onnx::ModelProto m = NewModel();
  AddInput(m, "x", onnx::TensorProto::FLOAT, {"n"});
  AddFloatInitializer(m, "two", {1}, {2});
  AddNode(m, "Mul", {"x", "two"}, {"y"});
  AddOutput(m, "y", onnx::TensorProto::FLOAT, {"n"});
  return Serialize(m);
}

TEST(IoBindingTest, RebindClearAndReuse) {
  const std::string bytes = DoubleModel();
  Ort::Env env;
  Ort::SessionOptions so;
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  auto mi = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
  std::vector<float> a{1, 2, 3}, b{10, 20, 30}, out(3, 0.f);
  const int64_t shape[] = {3};
  Ort::Value va = Ort::Value::CreateTensor<float>(mi, a.data(), 3, shape, 1);
  Ort::Value vb = Ort::Value::CreateTensor<float>(mi, b.data(), 3, shape, 1);
  Ort::Value vout = Ort::Value::CreateTensor<float>(mi, out.data(), 3, shape, 1);

  Ort::IoBinding binding(session);
  binding.BindInput("x", va);
  binding.BindOutput("y", vout);
  session.Run(Ort::RunOptions{}, binding);
  EXPECT_EQ(out, (std::vector<float>{2, 4, 6}));

  binding.BindInput("x", vb);  // replaces the earlier binding of x
  session.Run(Ort::RunOptions{}, binding);
  EXPECT_EQ(out, (std::vector<float>{20, 40, 60}));

  // Outputs bound to a device: the runtime allocates them, GetOutputValues hands them out.
  binding.ClearBoundOutputs();
  binding.BindOutput("y", mi);
  session.Run(Ort::RunOptions{}, binding);
  auto values = binding.GetOutputValues();
  ASSERT_EQ(values.size(), 1u);
  EXPECT_NE(values[0].GetTensorData<float>(), out.data());
  EXPECT_EQ(values[0].GetTensorData<float>()[2], 60.f);
  EXPECT_EQ(out, (std::vector<float>{20, 40, 60}));  // the old buffer is no longer written

  // Missing inputs after clearing them.
  binding.ClearBoundInputs();
  EXPECT_THROW(session.Run(Ort::RunOptions{}, binding), Ort::Exception);
}

TEST(IoBindingTest, CallerBufferOfTheWrongShapeIsAnError) {
  const std::string bytes = DoubleModel();
  Ort::Env env;
  Ort::SessionOptions so;
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  auto mi = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
  std::vector<float> a{1, 2, 3, 4}, out(4, -1.f);
  const int64_t shape[] = {4}, small[] = {2}, other[] = {2, 2};
  Ort::Value va = Ort::Value::CreateTensor<float>(mi, a.data(), 4, shape, 1);
  for (auto [dims, rank] : {std::pair<const int64_t*, size_t>{small, 1}, {other, 2}}) {
    Ort::Value vout = Ort::Value::CreateTensor<float>(mi, out.data(), out.size(), dims, rank);
    Ort::IoBinding binding(session);
    binding.BindInput("x", va);
    binding.BindOutput("y", vout);
    try {
      session.Run(Ort::RunOptions{}, binding);
      FAIL() << "a bound output of the wrong shape was accepted";
    } catch (const Ort::Exception& e) {
      EXPECT_EQ(e.GetOrtErrorCode(), ORT_INVALID_ARGUMENT);
      EXPECT_NE(std::string(e.what()).find("'y'"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(out, std::vector<float>(4, -1.f));  // nothing was written
}

TEST(IoBindingTest, NothingToComputeIsAnError) {
  const std::string bytes = DoubleModel();
  Ort::Env env;
  Ort::SessionOptions so;
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  auto mi = Ort::MemoryInfo::CreateCpu(OrtDeviceAllocator, OrtMemTypeDefault);
  std::vector<float> a{1};
  const int64_t shape[] = {1};
  Ort::Value va = Ort::Value::CreateTensor<float>(mi, a.data(), 1, shape, 1);
  Ort::IoBinding binding(session);
  binding.BindInput("x", va);
  try {
    session.Run(Ort::RunOptions{}, binding);
    FAIL() << "a run with no bound output was accepted";
  } catch (const Ort::Exception& e) {
    EXPECT_EQ(e.GetOrtErrorCode(), ORT_INVALID_ARGUMENT);
  }
  const char* in_names[] = {"x"};
  EXPECT_THROW(session.Run(Ort::RunOptions{nullptr}, in_names, &va, 1, nullptr, 0), Ort::Exception);
}

TEST(IoBindingTest, UnownedSessionOptionsSetTheOwnersOptions) {
  Ort::SessionOptions owner;
  {
    Ort::UnownedSessionOptions view(static_cast<OrtSessionOptions*>(owner));
    view.SetIntraOpNumThreads(1).SetGraphOptimizationLevel(ORT_DISABLE_ALL);
  }  // the view does not release the options
  Ort::SessionOptions copy = owner.Clone();
  Ort::Env env;
  Ort::Session session(env, TinyCnnPath().c_str(), copy);
  EXPECT_EQ(session.GetInputCount(), 1u);
}

}  // namespace
