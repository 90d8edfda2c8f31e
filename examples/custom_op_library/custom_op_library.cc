// A custom-op library: a shared object the runtime loads with
// SessionOptions::RegisterCustomOpsLibrary. It defines two operators of domain ortlite.examples
// and registers them from RegisterCustomOps:
//   ScaledAdd: Z = A + alpha * B  (float tensors; B has A's shape or one element; float attribute
//              alpha), through Ort::CustomOpBase;
//   Softsign:  Y = X / (1 + |X|), a "lite" op defined by a plain function
//              (onnxruntime_lite_custom_op.h).
//
// The library links nothing from the runtime: it gets the API table from the OrtApiBase passed
// to RegisterCustomOps (hence ORT_API_MANUAL_INIT).
#define ORT_API_MANUAL_INIT
#include "onnxruntime_cxx_api.h"
#include "onnxruntime_lite_custom_op.h"
#undef ORT_API_MANUAL_INIT

#include <cmath>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace {

struct ScaledAddKernel {
  ScaledAddKernel(const OrtApi& /*api*/, const OrtKernelInfo* info) {
    Ort::ConstKernelInfo kernel_info(info);
    alpha_ = kernel_info.GetAttribute<float>("alpha");
    node_name_ = kernel_info.GetNodeName();
  }

  void Compute(OrtKernelContext* context) {
    Ort::KernelContext ctx(context);
    Ort::ConstValue a = ctx.GetInput(0);
    Ort::ConstValue b = ctx.GetInput(1);
    const std::vector<int64_t> shape = a.GetTensorTypeAndShapeInfo().GetShape();
    const size_t n = a.GetTensorTypeAndShapeInfo().GetElementCount();
    const size_t nb = b.GetTensorTypeAndShapeInfo().GetElementCount();
    if (nb != n && nb != 1) {
      throw Ort::Exception("ScaledAdd node '" + node_name_ + "': B must have A's shape or one element", ORT_INVALID_ARGUMENT);
    }
    const float* pa = a.GetTensorData<float>();
    const float* pb = b.GetTensorData<float>();
    float* pz = ctx.GetOutput(0, shape).GetTensorMutableData<float>();
    for (size_t i = 0; i < n; ++i) pz[i] = pa[i] + alpha_ * pb[nb == 1 ? 0 : i];
  }

 private:
  float alpha_ = 1.f;
  std::string node_name_;
};

struct ScaledAddOp : Ort::CustomOpBase<ScaledAddOp, ScaledAddKernel> {
  void* CreateKernel(const OrtApi& api, const OrtKernelInfo* info) const { return new ScaledAddKernel(api, info); }
  const char* GetName() const { return "ScaledAdd"; }
  const char* GetExecutionProviderType() const { return "CPUExecutionProvider"; }
  size_t GetInputTypeCount() const { return 2; }
  ONNXTensorElementDataType GetInputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
  size_t GetOutputTypeCount() const { return 1; }
  ONNXTensorElementDataType GetOutputType(size_t) const { return ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT; }
};

const ScaledAddOp& TheScaledAddOp() {
  static const ScaledAddOp op;
  return op;
}

void Softsign(const Ort::Custom::Tensor<float>& x, Ort::Custom::Tensor<float>& y) {
  const float* in = x.Data();
  float* out = y.Allocate(x.Shape());
  for (int64_t i = 0; i < x.NumberOfElement(); ++i) out[i] = in[i] / (1.f + std::fabs(in[i]));
}

const OrtCustomOp* TheSoftsignOp() {
  static const std::unique_ptr<Ort::Custom::OrtLiteCustomOp> op{
      Ort::Custom::CreateLiteCustomOp("Softsign", "CPUExecutionProvider", Softsign)};
  return op.get();
}

// Domains handed to session options must outlive the sessions made from them: keep them for the
// life of the library.
std::vector<Ort::CustomOpDomain>& Domains() {
  static std::vector<Ort::CustomOpDomain> domains;
  return domains;
}
std::mutex& DomainsMutex() {
  static std::mutex mu;
  return mu;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) OrtStatus* ORT_API_CALL
RegisterCustomOps(OrtSessionOptions* options, const OrtApiBase* api_base) {
  const OrtApi* api = api_base->GetApi(ORT_API_VERSION);
  if (!api) return nullptr;  // cannot even report: the runtime is older than this library
  Ort::InitApi(api);
  try {
    Ort::CustomOpDomain domain("ortlite.examples");
    domain.Add(&TheScaledAddOp());
    domain.Add(TheSoftsignOp());
    Ort::UnownedSessionOptions session_options(options);
    session_options.Add(domain);
    std::lock_guard<std::mutex> lock(DomainsMutex());
    Domains().push_back(std::move(domain));
  } catch (const Ort::Exception& e) {
    return api->CreateStatus(e.GetOrtErrorCode(), e.what());
  } catch (const std::exception& e) {
    return api->CreateStatus(ORT_FAIL, e.what());
  }
  return nullptr;
}
