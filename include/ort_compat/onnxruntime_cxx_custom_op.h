// Part of ortlite's C++ API (include "onnxruntime_cxx_api.h", which includes this): the classes a
// custom operator's kernel is written with — KernelInfo, KernelContext and CustomOpBase.
#ifndef ORTLITE_ONNXRUNTIME_CXX_CUSTOM_OP_H_
#define ORTLITE_ONNXRUNTIME_CXX_CUSTOM_OP_H_

#include "onnxruntime_cxx_api.h"

namespace Ort {

namespace detail {
template <typename T>
struct KernelInfoImpl : Base<T> {
  using B = Base<T>;
  using B::B;
  template <typename R>
  R GetAttribute(const char* name) const;
  template <typename R>
  std::vector<R> GetAttributes(const char* name) const;
  size_t GetInputCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().KernelInfo_GetInputCount(this->p_, &out));
    return out;
  }
  size_t GetOutputCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().KernelInfo_GetOutputCount(this->p_, &out));
    return out;
  }
  std::string GetNodeName() const {
    size_t size = 0;
    ThrowOnError(GetApi().KernelInfo_GetNodeName(this->p_, nullptr, &size));
    std::string s(size, '\0');
    ThrowOnError(GetApi().KernelInfo_GetNodeName(this->p_, &s[0], &size));
    s.resize(size ? size - 1 : 0);
    return s;
  }
};

template <typename T>
template <typename R>
R KernelInfoImpl<T>::GetAttribute(const char* name) const {
  if constexpr (std::is_same_v<R, float>) {
    float out = 0;
    ThrowOnError(GetApi().KernelInfoGetAttribute_float(this->p_, name, &out));
    return out;
  } else if constexpr (std::is_same_v<R, int64_t>) {
    int64_t out = 0;
    ThrowOnError(GetApi().KernelInfoGetAttribute_int64(this->p_, name, &out));
    return out;
  } else {
    static_assert(std::is_same_v<R, std::string>, "GetAttribute supports float, int64_t and std::string");
    size_t size = 0;
    ThrowOnError(GetApi().KernelInfoGetAttribute_string(this->p_, name, nullptr, &size));
    std::string s(size, '\0');
    ThrowOnError(GetApi().KernelInfoGetAttribute_string(this->p_, name, &s[0], &size));
    s.resize(size ? size - 1 : 0);
    return s;
  }
}

template <typename T>
template <typename R>
std::vector<R> KernelInfoImpl<T>::GetAttributes(const char* name) const {
  size_t size = 0;
  std::vector<R> out;
  if constexpr (std::is_same_v<R, float>) {
    ThrowOnError(GetApi().KernelInfoGetAttributeArray_float(this->p_, name, nullptr, &size));
    out.resize(size);
    ThrowOnError(GetApi().KernelInfoGetAttributeArray_float(this->p_, name, out.data(), &size));
  } else {
    static_assert(std::is_same_v<R, int64_t>, "GetAttributes supports float and int64_t");
    ThrowOnError(GetApi().KernelInfoGetAttributeArray_int64(this->p_, name, nullptr, &size));
    out.resize(size);
    ThrowOnError(GetApi().KernelInfoGetAttributeArray_int64(this->p_, name, out.data(), &size));
  }
  return out;
}
}  // namespace detail

using ConstKernelInfo = detail::KernelInfoImpl<detail::Unowned<const OrtKernelInfo>>;
using KernelInfo = ConstKernelInfo;

struct KernelContext {
  explicit KernelContext(OrtKernelContext* context) : ctx_(context) {}
  size_t GetInputCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().KernelContext_GetInputCount(ctx_, &out));
    return out;
  }
  size_t GetOutputCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().KernelContext_GetOutputCount(ctx_, &out));
    return out;
  }
  ConstValue GetInput(size_t index) const {
    const OrtValue* out = nullptr;
    ThrowOnError(GetApi().KernelContext_GetInput(ctx_, index, &out));
    return ConstValue{out};
  }
  UnownedValue GetOutput(size_t index, const int64_t* dim_values, size_t dim_count) const {
    OrtValue* out = nullptr;
    ThrowOnError(GetApi().KernelContext_GetOutput(ctx_, index, dim_values, dim_count, &out));
    return UnownedValue{out};
  }
  UnownedValue GetOutput(size_t index, const std::vector<int64_t>& dims) const {
    return GetOutput(index, dims.data(), dims.size());
  }
  OrtKernelContext* GetOrtKernelContext() const { return ctx_; }

 private:
  OrtKernelContext* ctx_;
};

// Base for custom operators: TOp describes the op (GetName, input/output types, CreateKernel),
// TKernel computes it (Compute(OrtKernelContext*)).
template <typename TOp, typename TKernel, bool WithStatus = false>
struct CustomOpBase : OrtCustomOp {
  CustomOpBase() {
    OrtCustomOp::version = ORT_API_VERSION;
    OrtCustomOp::CreateKernel = [](const OrtCustomOp* this_, const OrtApi* api, const OrtKernelInfo* info) {
      return static_cast<const TOp*>(this_)->CreateKernel(*api, info);
    };
    OrtCustomOp::GetName = [](const OrtCustomOp* this_) { return static_cast<const TOp*>(this_)->GetName(); };
    OrtCustomOp::GetExecutionProviderType = [](const OrtCustomOp* this_) {
      return static_cast<const TOp*>(this_)->GetExecutionProviderType();
    };
    OrtCustomOp::GetInputTypeCount = [](const OrtCustomOp* this_) {
      return static_cast<const TOp*>(this_)->GetInputTypeCount();
    };
    OrtCustomOp::GetInputType = [](const OrtCustomOp* this_, size_t index) {
      return static_cast<const TOp*>(this_)->GetInputType(index);
    };
    OrtCustomOp::GetOutputTypeCount = [](const OrtCustomOp* this_) {
      return static_cast<const TOp*>(this_)->GetOutputTypeCount();
    };
    OrtCustomOp::GetOutputType = [](const OrtCustomOp* this_, size_t index) {
      return static_cast<const TOp*>(this_)->GetOutputType(index);
    };
    OrtCustomOp::KernelCompute = [](void* op_kernel, OrtKernelContext* context) {
      static_cast<TKernel*>(op_kernel)->Compute(context);
    };
    OrtCustomOp::KernelDestroy = [](void* op_kernel) { delete static_cast<TKernel*>(op_kernel); };
    OrtCustomOp::GetInputCharacteristic = [](const OrtCustomOp* this_, size_t index) {
      return static_cast<const TOp*>(this_)->GetInputCharacteristic(index);
    };
    OrtCustomOp::GetOutputCharacteristic = [](const OrtCustomOp* this_, size_t index) {
      return static_cast<const TOp*>(this_)->GetOutputCharacteristic(index);
    };
    OrtCustomOp::GetInputMemoryType = [](const OrtCustomOp* this_, size_t index) {
      return static_cast<const TOp*>(this_)->GetInputMemoryType(index);
    };
    OrtCustomOp::GetVariadicInputMinArity = [](const OrtCustomOp* this_) {
      return static_cast<const TOp*>(this_)->GetVariadicInputMinArity();
    };
    OrtCustomOp::GetVariadicInputHomogeneity = [](const OrtCustomOp* this_) {
      return static_cast<int>(static_cast<const TOp*>(this_)->GetVariadicInputHomogeneity());
    };
    OrtCustomOp::GetVariadicOutputMinArity = [](const OrtCustomOp* this_) {
      return static_cast<const TOp*>(this_)->GetVariadicOutputMinArity();
    };
    OrtCustomOp::GetVariadicOutputHomogeneity = [](const OrtCustomOp* this_) {
      return static_cast<int>(static_cast<const TOp*>(this_)->GetVariadicOutputHomogeneity());
    };
    OrtCustomOp::CreateKernelV2 = nullptr;
    OrtCustomOp::KernelComputeV2 = nullptr;
  }
  // Defaults a derived op may override.
  const char* GetExecutionProviderType() const { return nullptr; }
  OrtCustomOpInputOutputCharacteristic GetInputCharacteristic(size_t) const { return INPUT_OUTPUT_REQUIRED; }
  OrtCustomOpInputOutputCharacteristic GetOutputCharacteristic(size_t) const { return INPUT_OUTPUT_REQUIRED; }
  OrtMemType GetInputMemoryType(size_t) const { return OrtMemTypeDefault; }
  int GetVariadicInputMinArity() const { return 1; }
  bool GetVariadicInputHomogeneity() const { return true; }
  int GetVariadicOutputMinArity() const { return 1; }
  bool GetVariadicOutputHomogeneity() const { return true; }
};

}  // namespace Ort

#endif  // ORTLITE_ONNXRUNTIME_CXX_CUSTOM_OP_H_
