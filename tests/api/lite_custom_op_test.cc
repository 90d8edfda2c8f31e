// Ort::Custom lite custom ops: the signature of a plain function (or a struct's Compute) defines
// the op; the tests run them inside small models of a custom domain.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "api/api_test_models.h"
#include "ort_compat/onnxruntime_cxx_api.h"
#include "ort_compat/onnxruntime_lite_custom_op.h"

namespace {

using namespace ortlite_api_test;
using Ort::Custom::Span;
using Ort::Custom::Tensor;
using LiteOp = std::unique_ptr<Ort::Custom::OrtLiteCustomOp>;

constexpr const char* kDomain = "test.lite";
constexpr int kFloat = onnx::TensorProto::FLOAT;
constexpr int kInt64 = onnx::TensorProto::INT64;
constexpr int kString = onnx::TensorProto::STRING;

// z = x + 2 * y
void ScaledSum(const Tensor<float>& x, const Tensor<float>& y, Tensor<float>& z) {
  const float* a = x.Data();
  const float* b = y.Data();
  float* out = z.Allocate(x.Shape());
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = a[i] + 2.f * b[i];
}

// Two outputs of different types from a span input.
void MaxArgMax(const Span<float>& x, Tensor<float>& max, Tensor<int64_t>& argmax) {
  float* m = max.Allocate({1});
  int64_t* am = argmax.Allocate({1});
  m[0] = x[0];
  am[0] = 0;
  for (size_t i = 1; i < x.size(); ++i) {
    if (x[i] > m[0]) {
      m[0] = x[i];
      am[0] = static_cast<int64_t>(i);
    }
  }
}

// Optional second input.
void AddBias(const Tensor<float>& x, const Tensor<float>* bias, Tensor<float>& y) {
  float* out = y.Allocate(x.Shape());
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = x.Data()[i] + (bias ? bias->Data()[i] : 100.f);
}

// A scalar input.
void AddScalar(const Tensor<float>& x, float s, Tensor<float>& y) {
  float* out = y.Allocate(x.Shape());
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = x.Data()[i] + s;
}

// Fails for negative inputs.
Ort::Status CheckedSqrt(const Tensor<float>& x, Tensor<float>& y) {
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) {
    if (x.Data()[i] < 0) return Ort::Status("CheckedSqrt: negative input", ORT_INVALID_ARGUMENT);
  }
  float* out = y.Allocate(x.Shape());
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = std::sqrt(x.Data()[i]);
  return Ort::Status(nullptr);
}

// Strings in, strings out.
void JoinStrings(const Tensor<std::string>& a, const Tensor<std::string>& b, Tensor<std::string>& out) {
  std::vector<std::string> joined;
  for (size_t i = 0; i < a.Data().size(); ++i) joined.push_back(a.Data()[i] + "-" + b.Data()[i]);
  out.SetStringOutput(joined, a.Shape());
}

// The struct form: one instance per node, with an attribute read at construction.
struct Scale {
  Scale(const OrtApi*, const OrtKernelInfo* info) {
    alpha_ = Ort::ConstKernelInfo(info).GetAttribute<float>("alpha");
  }
  void Compute(const Tensor<float>& x, Tensor<float>& y) const {
    float* out = y.Allocate(x.Shape());
    for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = alpha_ * x.Data()[i];
  }
  float alpha_ = 0;
};

// A struct returning Ort::Status, with a default constructor, counting its calls.
struct Counter {
  Ort::Status Compute(const Tensor<int64_t>& x, Tensor<int64_t>& y) {
    ++calls_;
    int64_t* out = y.Allocate(x.Shape());
    for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = x.Data()[i] + calls_;
    return Ort::Status{nullptr};
  }
  int64_t calls_ = 0;
};

std::vector<int64_t> Dims(std::initializer_list<int64_t> d) { return d; }

Ort::Value FloatTensor(std::vector<float>& data, const std::vector<int64_t>& shape) {
  auto mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  return Ort::Value::CreateTensor<float>(mi, data.data(), data.size(), shape.data(), shape.size());
}

std::vector<float> ToVector(const Ort::Value& v) {
  const float* p = v.GetTensorData<float>();
  return std::vector<float>(p, p + v.GetTensorTypeAndShapeInfo().GetElementCount());
}

TEST(LiteCustomOpTest, SignatureIsDeducedFromTheFunction) {
  LiteOp sum{Ort::Custom::CreateLiteCustomOp("ScaledSum", "CPUExecutionProvider", ScaledSum)};
  const OrtCustomOp* op = sum.get();
  EXPECT_STREQ(op->GetName(op), "ScaledSum");
  EXPECT_STREQ(op->GetExecutionProviderType(op), "CPUExecutionProvider");
  EXPECT_EQ(op->GetInputTypeCount(op), 2u);
  EXPECT_EQ(op->GetOutputTypeCount(op), 1u);
  EXPECT_EQ(op->GetInputType(op, 1), ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);

  LiteOp mm{Ort::Custom::CreateLiteCustomOp("MaxArgMax", "CPUExecutionProvider", MaxArgMax)};
  op = mm.get();
  EXPECT_EQ(op->GetInputTypeCount(op), 1u);
  ASSERT_EQ(op->GetOutputTypeCount(op), 2u);
  EXPECT_EQ(op->GetOutputType(op, 0), ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT);
  EXPECT_EQ(op->GetOutputType(op, 1), ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);

  LiteOp bias{Ort::Custom::CreateLiteCustomOp("AddBias", "CPUExecutionProvider", AddBias)};
  op = bias.get();
  EXPECT_EQ(op->GetInputCharacteristic(op, 0), INPUT_OUTPUT_REQUIRED);
  EXPECT_EQ(op->GetInputCharacteristic(op, 1), INPUT_OUTPUT_OPTIONAL);

  // OrtKernelContext* is not an input; a captureless lambda works like a function.
  LiteOp lambda{Ort::Custom::CreateLiteCustomOp(
      "Identity", "CPUExecutionProvider", [](OrtKernelContext* ctx, const Tensor<int32_t>& x, Tensor<int32_t>& y) {
        EXPECT_EQ(Ort::KernelContext(ctx).GetInputCount(), 1u);
        std::copy(x.Data(), x.Data() + x.NumberOfElement(), y.Allocate(x.Shape()));
      })};
  op = lambda.get();
  EXPECT_EQ(op->GetInputTypeCount(op), 1u);
  EXPECT_EQ(op->GetInputType(op, 0), ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32);

  LiteOp scale{Ort::Custom::CreateLiteCustomOp<Scale>("Scale", "CPUExecutionProvider")};
  op = scale.get();
  EXPECT_EQ(op->GetInputTypeCount(op), 1u);
  EXPECT_EQ(op->GetOutputTypeCount(op), 1u);
}

// ScaledSum -> Relu (a built-in kernel after a custom one) -> Scale (struct form).
TEST(LiteCustomOpTest, FunctionAndStructOpsInAModel) {
  LiteOp sum{Ort::Custom::CreateLiteCustomOp("ScaledSum", "CPUExecutionProvider", ScaledSum)};
  LiteOp scale{Ort::Custom::CreateLiteCustomOp<Scale>("Scale", "CPUExecutionProvider")};
  Ort::CustomOpDomain domain(kDomain);
  domain.Add(sum.get());
  domain.Add(scale.get());

  onnx::ModelProto m = NewModel({kDomain});
  AddInput(m, "x", kFloat, {"n"});
  AddInput(m, "y", kFloat, {"n"});
  AddNode(m, "ScaledSum", {"x", "y"}, {"s"}, kDomain);
  AddNode(m, "Relu", {"s"}, {"r"});
  SetAttr(AddNode(m, "Scale", {"r"}, {"z"}, kDomain), "alpha", 0.5f);
  AddOutput(m, "z", kFloat);
  const std::string bytes = Serialize(m);

  Ort::Env env;
  Ort::SessionOptions so;
  so.Add(domain);
  Ort::Session session(env, bytes.data(), bytes.size(), so);

  std::vector<float> x{1, -2, 3, -4}, y{0.5f, 0.5f, -3, 1};
  const auto shape = Dims({4});
  Ort::Value inputs[] = {FloatTensor(x, shape), FloatTensor(y, shape)};
  const char* in_names[] = {"x", "y"};
  const char* out_names[] = {"z"};
  for (int run = 0; run < 3; ++run) {
    auto out = session.Run(Ort::RunOptions{nullptr}, in_names, inputs, 2, out_names, 1);
    EXPECT_EQ(out[0].GetTensorTypeAndShapeInfo().GetShape(), shape);
    // x + 2y = {2, -1, -3, -2} -> relu {2, 0, 0, 0} -> * 0.5
    EXPECT_EQ(ToVector(out[0]), (std::vector<float>{1, 0, 0, 0}));
  }
}

TEST(LiteCustomOpTest, TwoOutputsOfDifferentTypes) {
  LiteOp mm{Ort::Custom::CreateLiteCustomOp("MaxArgMax", "CPUExecutionProvider", MaxArgMax)};
  Ort::CustomOpDomain domain(kDomain);
  domain.Add(mm.get());
  onnx::ModelProto m = NewModel({kDomain});
  AddInput(m, "x", kFloat, {"n"});
  AddNode(m, "MaxArgMax", {"x"}, {"max", "argmax"}, kDomain);
  AddOutput(m, "max", kFloat);
  AddOutput(m, "argmax", kInt64);
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  so.Add(domain);
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  std::vector<float> x{3, 9, -1, 9.5f, 2};
  Ort::Value in = FloatTensor(x, {5});
  const char* in_names[] = {"x"};
  const char* out_names[] = {"max", "argmax"};
  auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 2);
  EXPECT_EQ(out[0].GetTensorData<float>()[0], 9.5f);
  EXPECT_EQ(out[1].GetTensorTypeAndShapeInfo().GetElementType(), ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64);
  EXPECT_EQ(out[1].GetTensorData<int64_t>()[0], 3);
}

TEST(LiteCustomOpTest, OptionalAndScalarInputs) {
  LiteOp bias{Ort::Custom::CreateLiteCustomOp("AddBias", "CPUExecutionProvider", AddBias)};
  LiteOp scalar{Ort::Custom::CreateLiteCustomOp("AddScalar", "CPUExecutionProvider", AddScalar)};
  Ort::CustomOpDomain domain(kDomain);
  domain.Add(bias.get());
  domain.Add(scalar.get());
  onnx::ModelProto m = NewModel({kDomain});
  AddInput(m, "x", kFloat, {"2"});
  AddInput(m, "b", kFloat, {"2"});
  AddInput(m, "s", kFloat, {});
  m.mutable_graph()->mutable_input(2)->mutable_type()->mutable_tensor_type()->mutable_shape();  // rank 0
  AddNode(m, "AddBias", {"x", "b"}, {"with_bias"}, kDomain);
  AddNode(m, "AddBias", {"x"}, {"no_bias"}, kDomain);
  AddNode(m, "AddBias", {"x", ""}, {"empty_bias"}, kDomain);
  AddNode(m, "AddScalar", {"x", "s"}, {"plus_s"}, kDomain);
  for (const char* o : {"with_bias", "no_bias", "empty_bias", "plus_s"}) AddOutput(m, o, kFloat);
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  so.Add(domain);
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  std::vector<float> x{1, 2}, b{10, 20}, s{0.25f};
  Ort::Value inputs[] = {FloatTensor(x, {2}), FloatTensor(b, {2}), FloatTensor(s, {})};
  const char* in_names[] = {"x", "b", "s"};
  const char* out_names[] = {"with_bias", "no_bias", "empty_bias", "plus_s"};
  auto out = session.Run(Ort::RunOptions{nullptr}, in_names, inputs, 3, out_names, 4);
  EXPECT_EQ(ToVector(out[0]), (std::vector<float>{11, 22}));
  EXPECT_EQ(ToVector(out[1]), (std::vector<float>{101, 102}));
  EXPECT_EQ(ToVector(out[2]), (std::vector<float>{101, 102}));
  EXPECT_EQ(ToVector(out[3]), (std::vector<float>{1.25f, 2.25f}));

  // A scalar parameter fed more than one element is an error of the run.
  std::vector<float> s2{1, 2};
  Ort::Value bad[] = {FloatTensor(x, {2}), FloatTensor(b, {2}), FloatTensor(s2, {2})};
  EXPECT_THROW(session.Run(Ort::RunOptions{nullptr}, in_names, bad, 3, out_names, 4), Ort::Exception);
}

TEST(LiteCustomOpTest, StatusAndTypeErrorsFailTheRun) {
  LiteOp sqrt_op{Ort::Custom::CreateLiteCustomOp("CheckedSqrt", "CPUExecutionProvider", CheckedSqrt)};
  Ort::CustomOpDomain domain(kDomain);
  domain.Add(sqrt_op.get());
  onnx::ModelProto m = NewModel({kDomain});
  AddInput(m, "x", kFloat, {"n"});
  AddNode(m, "CheckedSqrt", {"x"}, {"y"}, kDomain);
  AddOutput(m, "y", kFloat);
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  so.Add(domain);
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  const char* in_names[] = {"x"};
  const char* out_names[] = {"y"};
  std::vector<float> good{4, 9};
  Ort::Value in = FloatTensor(good, {2});
  auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1);
  EXPECT_EQ(ToVector(out[0]), (std::vector<float>{2, 3}));
  std::vector<float> negative{4, -9};
  Ort::Value bad = FloatTensor(negative, {2});
  try {
    session.Run(Ort::RunOptions{nullptr}, in_names, &bad, 1, out_names, 1);
    FAIL() << "negative input accepted";
  } catch (const Ort::Exception& e) {
    EXPECT_NE(std::string(e.what()).find("CheckedSqrt: negative input"), std::string::npos) << e.what();
  }

  // The model's input is float but the op is declared for int32: the kernel reports the mismatch.
  LiteOp ints{Ort::Custom::CreateLiteCustomOp(
      "IntIdentity", "CPUExecutionProvider",
      [](const Tensor<int32_t>& x, Tensor<int32_t>& y) { y.Allocate(x.Shape()); })};
  Ort::CustomOpDomain domain2(kDomain);
  domain2.Add(ints.get());
  onnx::ModelProto m2 = NewModel({kDomain});
  AddInput(m2, "x", kFloat, {"n"});
  AddNode(m2, "IntIdentity", {"x"}, {"y"}, kDomain);
  AddOutput(m2, "y", onnx::TensorProto::INT32);
  const std::string bytes2 = Serialize(m2);
  Ort::SessionOptions so2;
  so2.Add(domain2);
  Ort::Session session2(env, bytes2.data(), bytes2.size(), so2);
  try {
    session2.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1);
    FAIL() << "element type mismatch accepted";
  } catch (const Ort::Exception& e) {
    EXPECT_NE(std::string(e.what()).find("element type"), std::string::npos) << e.what();
  }
}

TEST(LiteCustomOpTest, StringTensors) {
  LiteOp join{Ort::Custom::CreateLiteCustomOp("JoinStrings", "CPUExecutionProvider", JoinStrings)};
  Ort::CustomOpDomain domain(kDomain);
  domain.Add(join.get());
  onnx::ModelProto m = NewModel({kDomain});
  AddInput(m, "a", kString, {"2"});
  AddInput(m, "b", kString, {"2"});
  AddNode(m, "JoinStrings", {"a", "b"}, {"c"}, kDomain);
  AddOutput(m, "c", kString);
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  so.Add(domain);
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  Ort::AllocatorWithDefaultOptions allocator;
  const int64_t shape[] = {2};
  Ort::Value a = Ort::Value::CreateTensor(allocator, shape, 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  Ort::Value b = Ort::Value::CreateTensor(allocator, shape, 1, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING);
  const char* as[] = {"onnx", "lite"};
  const char* bs[] = {"runtime", "ops"};
  a.FillStringTensor(as, 2);
  b.FillStringTensor(bs, 2);
  Ort::Value inputs[] = {std::move(a), std::move(b)};
  const char* in_names[] = {"a", "b"};
  const char* out_names[] = {"c"};
  auto out = session.Run(Ort::RunOptions{nullptr}, in_names, inputs, 2, out_names, 1);
  EXPECT_EQ(out[0].GetStringTensorElement(0), "onnx-runtime");
  EXPECT_EQ(out[0].GetStringTensorElement(1), "lite-ops");
}

TEST(LiteCustomOpTest, StructStateLivesPerNode) {
  LiteOp counter{Ort::Custom::CreateLiteCustomOp<Counter>("Counter", "CPUExecutionProvider")};
  Ort::CustomOpDomain domain(kDomain);
  domain.Add(counter.get());
  onnx::ModelProto m = NewModel({kDomain});
  AddInput(m, "x", kInt64, {"1"});
  AddNode(m, "Counter", {"x"}, {"a"}, kDomain);
  AddNode(m, "Counter", {"a"}, {"b"}, kDomain);
  AddOutput(m, "b", kInt64);
  const std::string bytes = Serialize(m);
  Ort::Env env;
  Ort::SessionOptions so;
  so.Add(domain);
  so.SetGraphOptimizationLevel(ORT_DISABLE_ALL);
  Ort::Session session(env, bytes.data(), bytes.size(), so);
  auto mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  std::vector<int64_t> x{0};
  const int64_t shape[] = {1};
  Ort::Value in = Ort::Value::CreateTensor<int64_t>(mi, x.data(), 1, shape, 1);
  const char* in_names[] = {"x"};
  const char* out_names[] = {"b"};
  // Each node has its own counter: run r adds r twice.
  for (int64_t r = 1; r <= 3; ++r) {
    auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &in, 1, out_names, 1);
    EXPECT_EQ(out[0].GetTensorData<int64_t>()[0], 2 * r);
  }
}

}  // namespace
