// Helpers shared by the C API's implementation files.
#pragma once
#include <dlfcn.h>

#include <cstring>
#include <functional>
#include <thread>

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"
#include "core/session/c_api_types.h"
#include "core/session/custom_ops.h"
#include "providers/provider_factory.h"

namespace ortlite_c_api {

using ortlite::DataType;
using ortlite::ErrorCode;
using ortlite::OrtliteError;
using ortlite::Tensor;
using ortlite::TensorShape;


inline constexpr const char* kVersion = "1.16.0-ortlite";

inline OrtStatus* MakeStatus(OrtErrorCode code, const std::string& msg) { return new OrtStatus{code, msg}; }

template <typename F>
inline OrtStatus* Guard(F&& f) {
  try {
    f();
    return nullptr;
  } catch (const OrtliteError& e) {
    return MakeStatus(static_cast<OrtErrorCode>(e.Code()), e.what());
  } catch (const std::exception& e) {
    return MakeStatus(ORT_RUNTIME_EXCEPTION, e.what());
  } catch (...) {
    return MakeStatus(ORT_RUNTIME_EXCEPTION, "unknown exception");
  }
}

inline void Check(bool cond, const char* what) {
  if (!cond) ortlite::ThrowError(ErrorCode::kInvalidArgument, what);
}

inline char* CopyString(OrtAllocator* allocator, const std::string& s) {
  Check(allocator != nullptr, "allocator is null");
  char* p = static_cast<char*>(allocator->Alloc(allocator, s.size() + 1));
  std::memcpy(p, s.c_str(), s.size() + 1);
  return p;
}

// The process's default allocator (64-byte aligned host memory).
struct DefaultAllocator : OrtAllocator {
  OrtMemoryInfo info;
  DefaultAllocator() {
    version = ORT_API_VERSION;
    Alloc = [](OrtAllocator*, size_t size) { return ortlite::GetCpuAllocator()->Alloc(size); };
    Free = [](OrtAllocator*, void* p) {
      if (p) ortlite::GetCpuAllocator()->Free(p);
    };
    Info = [](const OrtAllocator* self) -> const OrtMemoryInfo* {
      return &static_cast<const DefaultAllocator*>(self)->info;
    };
    info.alloc_type = OrtDeviceAllocator;
  }
};

inline DefaultAllocator& TheDefaultAllocator() {
  static DefaultAllocator a;
  return a;
}

inline std::unique_ptr<OrtTypeInfo> TypeInfoFrom(const onnx::TypeProto* type) {
  auto info = std::make_unique<OrtTypeInfo>();
  if (!type) return info;
  info->denotation = type->denotation();
  switch (type->value_case()) {
    case onnx::TypeProto::kTensorType: {
      info->type = ONNX_TYPE_TENSOR;
      info->tensor = std::make_unique<OrtTensorTypeAndShapeInfo>();
      info->tensor->type = static_cast<ONNXTensorElementDataType>(type->tensor_type().elem_type());
      if (type->tensor_type().has_shape()) {
        for (const auto& d : type->tensor_type().shape().dim()) {
          info->tensor->dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
          info->tensor->symbolic_dims.push_back(d.has_dim_param() ? d.dim_param() : "");
        }
      }
      break;
    }
    case onnx::TypeProto::kSequenceType:
      info->type = ONNX_TYPE_SEQUENCE;
      info->element = TypeInfoFrom(&type->sequence_type().elem_type());
      break;
    case onnx::TypeProto::kOptionalType:
      info->type = ONNX_TYPE_OPTIONAL;
      info->element = TypeInfoFrom(&type->optional_type().elem_type());
      break;
    case onnx::TypeProto::kMapType:
      info->type = ONNX_TYPE_MAP;
      info->map_key = static_cast<ONNXTensorElementDataType>(type->map_type().key_type());
      info->element = TypeInfoFrom(&type->map_type().value_type());
      break;
    default:
      break;
  }
  return info;
}

inline std::unique_ptr<OrtTensorTypeAndShapeInfo> TensorInfoFrom(const Tensor& t) {
  auto info = std::make_unique<OrtTensorTypeAndShapeInfo>();
  info->type = static_cast<ONNXTensorElementDataType>(t.GetElementType());
  info->dims = t.Shape().GetDims();
  info->symbolic_dims.assign(info->dims.size(), "");
  return info;
}

inline const Tensor& TensorOf(const OrtValue* v) {
  Check(v != nullptr, "value is null");
  if (!v->value.IsTensor()) ortlite::ThrowError(ErrorCode::kInvalidArgument, "the value is not a tensor");
  return v->value.Get();
}

inline ortlite::MemoryInfo ToMemoryInfo(const OrtMemoryInfo& m) {
  ortlite::MemoryInfo info;
  info.name = m.name;
  info.device.id = static_cast<int16_t>(m.id);
  if (m.name != "Cpu" && m.name != "CpuHost" && m.name != "Arena" && m.name != "Cpu_Arena") info.device.type = ortlite::OrtDevice::kOther;
  return info;
}

inline OrtMemoryInfo FromMemoryInfo(const ortlite::MemoryInfo& m) {
  OrtMemoryInfo info;
  info.name = m.name;
  info.id = m.device.id;
  return info;
}

inline OrtValue* Wrap(ortlite::OrtValue v) {
  auto* out = new OrtValue{std::move(v), {}};
  if (out->value.IsTensor()) out->memory_info = FromMemoryInfo(out->value.Get().Location());
  return out;
}

inline const ortlite::NodeArg* IoArg(const OrtSession* s, size_t index, int which) {
  Check(s != nullptr, "session is null");
  std::vector<const ortlite::NodeArg*> args = which == 0   ? s->session->GetInputs()
                                              : which == 1 ? s->session->GetOutputs()
                                                           : s->session->GetOverridableInitializers();
  if (index >= args.size()) {
    ortlite::ThrowError(ErrorCode::kInvalidArgument, "index ", index, " is out of range (", args.size(), " values)");
  }
  return args[index];
}

inline void LoadCustomOpsLibrary(OrtSessionOptions* options, const char* path) {
  void* handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) ortlite::ThrowError(ErrorCode::kNoSuchFile, "cannot load custom-op library '", path, "': ", dlerror());
  std::shared_ptr<void> lib(handle, [](void* h) { dlclose(h); });
  using RegisterFn = OrtStatus* (*)(OrtSessionOptions*, const OrtApiBase*);
  auto fn = reinterpret_cast<RegisterFn>(dlsym(handle, "RegisterCustomOps"));
  if (!fn) ortlite::ThrowError(ErrorCode::kInvalidArgument, "library '", path, "' has no RegisterCustomOps entry point");
  if (OrtStatus* st = fn(options, OrtGetApiBase())) {
    std::string msg = st->message;
    delete st;
    ortlite::ThrowError(ErrorCode::kFail, "RegisterCustomOps of '", path, "' failed: ", msg);
  }
  options->libraries.push_back(lib);
}

inline OrtSession* CreateSessionImpl(const OrtEnv* env, const OrtSessionOptions* options,
                              const std::function<void(ortlite::InferenceSession&)>& load) {
  auto s = std::make_unique<OrtSession>();
  ortlite::SessionOptions so = options ? options->options : ortlite::SessionOptions{};
  if (env && so.log_severity_level < 0) so.log_severity_level = static_cast<int>(env->level);
  if (env && !so.use_per_session_threads) {
    so.shared_intra_op_pool = env->global_intra_pool;
    so.shared_inter_op_pool = env->global_inter_pool;
  }
  if (options && !options->custom_op_domains.empty()) {
    s->custom_kernels = ortlite::BuildCustomOpRegistry(options->custom_op_domains);
    so.custom_kernels = s->custom_kernels;
  }
  s->session = std::make_unique<ortlite::InferenceSession>(so);
  if (options) {
    for (const auto& [name, provider_options] : options->providers)
      for (auto& p : ortlite::CreateProvidersFor(name, provider_options)) s->session->RegisterExecutionProvider(p);
    s->libraries = options->libraries;
  }
  load(*s->session);
  s->session->Initialize();
  return s.release();
}


// Entry points of the API table defined in c_api_values.cc (type information, values, memory,
// allocators, I/O binding).
void FillValueApi(OrtApi& api);

}  // namespace ortlite_c_api
