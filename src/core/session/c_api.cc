// The C API over InferenceSession. Every entry point converts exceptions into an OrtStatus.
#include <dlfcn.h>

#include <cstring>
#include <thread>

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"
#include "core/session/c_api_types.h"
#include "core/session/custom_ops.h"
#include "providers/provider_factory.h"

using ortlite::DataType;
using ortlite::ErrorCode;
using ortlite::OrtliteError;
using ortlite::Tensor;
using ortlite::TensorShape;

namespace {

constexpr const char* kVersion = "1.16.0-ortlite";

OrtStatus* MakeStatus(OrtErrorCode code, const std::string& msg) { return new OrtStatus{code, msg}; }

template <typename F>
OrtStatus* Guard(F&& f) {
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

void Check(bool cond, const char* what) {
  if (!cond) ortlite::ThrowError(ErrorCode::kInvalidArgument, what);
}

char* CopyString(OrtAllocator* allocator, const std::string& s) {
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

DefaultAllocator& TheDefaultAllocator() {
  static DefaultAllocator a;
  return a;
}

std::unique_ptr<OrtTypeInfo> TypeInfoFrom(const onnx::TypeProto* type) {
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

std::unique_ptr<OrtTensorTypeAndShapeInfo> TensorInfoFrom(const Tensor& t) {
  auto info = std::make_unique<OrtTensorTypeAndShapeInfo>();
  info->type = static_cast<ONNXTensorElementDataType>(t.GetElementType());
  info->dims = t.Shape().GetDims();
  info->symbolic_dims.assign(info->dims.size(), "");
  return info;
}

const Tensor& TensorOf(const OrtValue* v) {
  Check(v != nullptr, "value is null");
  if (!v->value.IsTensor()) ortlite::ThrowError(ErrorCode::kInvalidArgument, "the value is not a tensor");
  return v->value.Get();
}

ortlite::MemoryInfo ToMemoryInfo(const OrtMemoryInfo& m) {
  ortlite::MemoryInfo info;
  info.name = m.name;
  info.device.id = static_cast<int16_t>(m.id);
  if (m.name != "Cpu" && m.name != "CpuHost" && m.name != "Arena" && m.name != "Cpu_Arena") info.device.type = ortlite::OrtDevice::kOther;
  return info;
}

OrtMemoryInfo FromMemoryInfo(const ortlite::MemoryInfo& m) {
  OrtMemoryInfo info;
  info.name = m.name;
  info.id = m.device.id;
  return info;
}

OrtValue* Wrap(ortlite::OrtValue v) {
  auto* out = new OrtValue{std::move(v), {}};
  if (out->value.IsTensor()) out->memory_info = FromMemoryInfo(out->value.Get().Location());
  return out;
}

const ortlite::NodeArg* IoArg(const OrtSession* s, size_t index, int which) {
  Check(s != nullptr, "session is null");
  std::vector<const ortlite::NodeArg*> args = which == 0   ? s->session->GetInputs()
                                              : which == 1 ? s->session->GetOutputs()
                                                           : s->session->GetOverridableInitializers();
  if (index >= args.size()) {
    ortlite::ThrowError(ErrorCode::kInvalidArgument, "index ", index, " is out of range (", args.size(), " values)");
  }
  return args[index];
}

void LoadCustomOpsLibrary(OrtSessionOptions* options, const char* path) {
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

OrtSession* CreateSessionImpl(const OrtEnv* env, const OrtSessionOptions* options,
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

// ---- the API table ------------------------------------------------------------------------

OrtApi MakeApi() {
  OrtApi a{};
  a.CreateStatus = [](OrtErrorCode code, const char* msg) { return MakeStatus(code, msg ? msg : ""); };
  a.GetErrorCode = [](const OrtStatus* s) { return s ? s->code : ORT_OK; };
  a.GetErrorMessage = [](const OrtStatus* s) { return s ? s->message.c_str() : ""; };
  a.ReleaseStatus = [](OrtStatus* s) { delete s; };

  a.CreateEnv = [](OrtLoggingLevel level, const char* logid, OrtEnv** out) {
    return Guard([&] {
      auto* env = new OrtEnv;
      env->level = level;
      env->log_id = logid ? logid : "";
      ortlite::SetDefaultLogSeverity(static_cast<ortlite::Severity>(level));
      *out = env;
    });
  };
  a.CreateEnvWithGlobalThreadPools = [](OrtLoggingLevel level, const char* logid, const OrtThreadingOptions* tp,
                                        OrtEnv** out) {
    return Guard([&] {
      auto* env = new OrtEnv;
      env->level = level;
      env->log_id = logid ? logid : "";
      ortlite::SetDefaultLogSeverity(static_cast<ortlite::Severity>(level));
      const int cores = std::max(1u, std::thread::hardware_concurrency());
      const int intra = tp && tp->intra_op_num_threads > 0 ? tp->intra_op_num_threads : cores;
      const int inter = tp && tp->inter_op_num_threads > 0 ? tp->inter_op_num_threads : cores;
      env->global_intra_pool = std::make_shared<ortlite::ThreadPool>(intra);
      env->global_inter_pool = std::make_shared<ortlite::InterOpPool>(inter, tp ? tp->allow_spinning : true);
      *out = env;
    });
  };
  a.ReleaseEnv = [](OrtEnv* e) { delete e; };
  a.CreateThreadingOptions = [](OrtThreadingOptions** out) { return Guard([&] { *out = new OrtThreadingOptions; }); };
  a.SetGlobalIntraOpNumThreads = [](OrtThreadingOptions* o, int n) { return Guard([&] { o->intra_op_num_threads = n; }); };
  a.SetGlobalInterOpNumThreads = [](OrtThreadingOptions* o, int n) { return Guard([&] { o->inter_op_num_threads = n; }); };
  a.SetGlobalSpinControl = [](OrtThreadingOptions* o, int spin) { return Guard([&] { o->allow_spinning = spin != 0; }); };
  a.ReleaseThreadingOptions = [](OrtThreadingOptions* o) { delete o; };

  a.CreateSessionOptions = [](OrtSessionOptions** out) { return Guard([&] { *out = new OrtSessionOptions; }); };
  a.CloneSessionOptions = [](const OrtSessionOptions* in, OrtSessionOptions** out) {
    return Guard([&] { *out = new OrtSessionOptions(*in); });
  };
  a.SetIntraOpNumThreads = [](OrtSessionOptions* o, int n) { return Guard([&] { o->options.intra_op_num_threads = n; }); };
  a.SetInterOpNumThreads = [](OrtSessionOptions* o, int n) { return Guard([&] { o->options.inter_op_num_threads = n; }); };
  a.SetSessionExecutionMode = [](OrtSessionOptions* o, ExecutionMode m) {
    return Guard([&] { o->options.execution_mode = static_cast<ortlite::ExecutionMode>(m); });
  };
  a.SetSessionGraphOptimizationLevel = [](OrtSessionOptions* o, GraphOptimizationLevel l) {
    return Guard([&] {
      Check(l == ORT_DISABLE_ALL || l == ORT_ENABLE_BASIC || l == ORT_ENABLE_EXTENDED || l == ORT_ENABLE_ALL,
            "invalid graph optimization level");
      o->options.graph_optimization_level = static_cast<ortlite::GraphOptimizationLevel>(l);
    });
  };
  a.SetOptimizedModelFilePath = [](OrtSessionOptions* o, const char* path) {
    return Guard([&] { o->options.optimized_model_filepath = path ? path : ""; });
  };
  a.EnableProfiling = [](OrtSessionOptions* o, const char* prefix) {
    return Guard([&] {
      o->options.enable_profiling = true;
      if (prefix) o->options.profile_file_prefix = prefix;
    });
  };
  a.DisableProfiling = [](OrtSessionOptions* o) { return Guard([&] { o->options.enable_profiling = false; }); };
  a.SetSessionLogId = [](OrtSessionOptions* o, const char* id) { return Guard([&] { o->options.log_id = id ? id : ""; }); };
  a.SetSessionLogSeverityLevel = [](OrtSessionOptions* o, int level) {
    return Guard([&] { o->options.log_severity_level = level; });
  };
  a.EnableCpuMemArena = [](OrtSessionOptions* o) { return Guard([&] { o->options.enable_cpu_mem_arena = true; }); };
  a.DisableCpuMemArena = [](OrtSessionOptions* o) { return Guard([&] { o->options.enable_cpu_mem_arena = false; }); };
  a.EnableMemPattern = [](OrtSessionOptions* o) { return Guard([&] { o->options.enable_mem_pattern = true; }); };
  a.DisableMemPattern = [](OrtSessionOptions* o) { return Guard([&] { o->options.enable_mem_pattern = false; }); };
  a.AddSessionConfigEntry = [](OrtSessionOptions* o, const char* k, const char* v) {
    return Guard([&] {
      Check(k && v, "config key and value must not be null");
      o->options.config_entries[k] = v;
    });
  };
  a.AddFreeDimensionOverride = [](OrtSessionOptions* o, const char* denotation, int64_t v) {
    return Guard([&] { o->options.free_dimension_overrides_by_denotation.emplace_back(denotation, v); });
  };
  a.AddFreeDimensionOverrideByName = [](OrtSessionOptions* o, const char* name, int64_t v) {
    return Guard([&] { o->options.free_dimension_overrides_by_name.emplace_back(name, v); });
  };
  a.DisablePerSessionThreads = [](OrtSessionOptions* o) { return Guard([&] { o->options.use_per_session_threads = false; }); };
  a.SessionOptionsAppendExecutionProvider = [](OrtSessionOptions* o, const char* name, const char* const* keys,
                                               const char* const* values, size_t n) {
    return Guard([&] {
      std::map<std::string, std::string> opts;
      for (size_t i = 0; i < n; ++i) opts[keys[i]] = values[i];
      // Fail now, not at session creation, when the provider does not exist in this build.
      ortlite::CreateProvidersFor(name, opts);
      o->providers.emplace_back(name, opts);
    });
  };
  a.RegisterCustomOpsLibrary_V2 = [](OrtSessionOptions* o, const char* path) {
    return Guard([&] { LoadCustomOpsLibrary(o, path); });
  };
  a.AddCustomOpDomain = [](OrtSessionOptions* o, OrtCustomOpDomain* d) {
    return Guard([&] { o->custom_op_domains.push_back(d); });
  };
  a.ReleaseSessionOptions = [](OrtSessionOptions* o) { delete o; };

  a.CreateCustomOpDomain = [](const char* domain, OrtCustomOpDomain** out) {
    return Guard([&] { *out = new OrtCustomOpDomain{domain ? domain : "", {}}; });
  };
  a.CustomOpDomain_Add = [](OrtCustomOpDomain* d, const OrtCustomOp* op) { return Guard([&] { d->ops.push_back(op); }); };
  a.ReleaseCustomOpDomain = [](OrtCustomOpDomain* d) { delete d; };

  a.CreateSession = [](const OrtEnv* env, const char* path, const OrtSessionOptions* o, OrtSession** out) {
    return Guard([&] {
      Check(path != nullptr, "model path is null");
      *out = CreateSessionImpl(env, o, [&](ortlite::InferenceSession& s) { s.Load(std::string(path)); });
    });
  };
  a.CreateSessionFromArray = [](const OrtEnv* env, const void* data, size_t len, const OrtSessionOptions* o,
                                OrtSession** out) {
    return Guard([&] { *out = CreateSessionImpl(env, o, [&](ortlite::InferenceSession& s) { s.Load(data, len); }); });
  };
  a.Run = [](OrtSession* s, const OrtRunOptions* ro, const char* const* in_names, const OrtValue* const* inputs,
             size_t n_in, const char* const* out_names, size_t n_out, OrtValue** outputs) {
    return Guard([&] {
      Check(s != nullptr, "session is null");
      Check(n_out > 0, "At least one output should be requested.");
      std::vector<std::string> names(in_names, in_names + n_in), onames(out_names, out_names + n_out);
      std::vector<ortlite::OrtValue> values;
      for (size_t i = 0; i < n_in; ++i) {
        Check(inputs[i] != nullptr, "input value is null");
        values.push_back(inputs[i]->value);
      }
      static const ortlite::RunOptions default_run_options;
      auto result = s->session->Run(ro ? ro->options : default_run_options, names, values, onames);
      for (size_t i = 0; i < n_out; ++i) {
        if (outputs[i]) {
          // Caller-allocated output: copy into it (shapes must agree).
          Tensor& dst = outputs[i]->value.GetMutable();
          const Tensor& src = result[i].Get();
          if (dst.Shape() != src.Shape() || dst.GetElementType() != src.GetElementType()) {
            ortlite::ThrowError(ErrorCode::kInvalidArgument, "pre-allocated output '", onames[i], "' has shape ",
                                dst.Shape().ToString(), ", the model produced ", src.Shape().ToString());
          }
          ortlite::CopyTensorData(src, dst);
        } else {
          outputs[i] = Wrap(std::move(result[i]));
        }
      }
    });
  };
  a.RunWithBinding = [](OrtSession* s, const OrtRunOptions* ro, const OrtIoBinding* b) {
    return Guard([&] {
      Check(s != nullptr && b != nullptr, "session or binding is null");
      Check(!b->output_names.empty(), "At least one output should be requested.");
      static const ortlite::RunOptions default_run_options;
      auto result = s->session->Run(ro ? ro->options : default_run_options, b->input_names, b->inputs, b->output_names);
      auto* binding = const_cast<OrtIoBinding*>(b);
      for (size_t i = 0; i < result.size(); ++i) {
        if (binding->preallocated[i]) {
          // Caller-allocated output: copy into it (shapes and types must agree, as in Run).
          Tensor& dst = binding->outputs[i]->value.GetMutable();
          const Tensor& src = result[i].Get();
          if (dst.Shape() != src.Shape() || dst.GetElementType() != src.GetElementType()) {
            ortlite::ThrowError(ErrorCode::kInvalidArgument, "bound output '", b->output_names[i], "' has shape ",
                                dst.Shape().ToString(), ", the model produced ", src.Shape().ToString());
          }
          ortlite::CopyTensorData(src, dst);
        } else {
          binding->outputs[i].reset(Wrap(std::move(result[i])));
        }
      }
    });
  };
  a.SessionGetInputCount = [](const OrtSession* s, size_t* out) { return Guard([&] { *out = s->session->GetInputs().size(); }); };
  a.SessionGetOutputCount = [](const OrtSession* s, size_t* out) { return Guard([&] { *out = s->session->GetOutputs().size(); }); };
  a.SessionGetOverridableInitializerCount = [](const OrtSession* s, size_t* out) {
    return Guard([&] { *out = s->session->GetOverridableInitializers().size(); });
  };
  a.SessionGetInputTypeInfo = [](const OrtSession* s, size_t i, OrtTypeInfo** out) {
    return Guard([&] { *out = TypeInfoFrom(IoArg(s, i, 0)->TypeAsProto()).release(); });
  };
  a.SessionGetOutputTypeInfo = [](const OrtSession* s, size_t i, OrtTypeInfo** out) {
    return Guard([&] { *out = TypeInfoFrom(IoArg(s, i, 1)->TypeAsProto()).release(); });
  };
  a.SessionGetOverridableInitializerTypeInfo = [](const OrtSession* s, size_t i, OrtTypeInfo** out) {
    return Guard([&] { *out = TypeInfoFrom(IoArg(s, i, 2)->TypeAsProto()).release(); });
  };
  a.SessionGetInputName = [](const OrtSession* s, size_t i, OrtAllocator* al, char** out) {
    return Guard([&] { *out = CopyString(al, IoArg(s, i, 0)->Name()); });
  };
  a.SessionGetOutputName = [](const OrtSession* s, size_t i, OrtAllocator* al, char** out) {
    return Guard([&] { *out = CopyString(al, IoArg(s, i, 1)->Name()); });
  };
  a.SessionGetOverridableInitializerName = [](const OrtSession* s, size_t i, OrtAllocator* al, char** out) {
    return Guard([&] { *out = CopyString(al, IoArg(s, i, 2)->Name()); });
  };
  a.SessionEndProfiling = [](OrtSession* s, OrtAllocator* al, char** out) {
    return Guard([&] { *out = CopyString(al, s->session->EndProfiling()); });
  };
  a.SessionGetModelMetadata = [](const OrtSession* s, OrtModelMetadata** out) {
    return Guard([&] { *out = new OrtModelMetadata{s->session->GetModelMetadata()}; });
  };
  a.SessionGetProfilingStartTimeNs = [](const OrtSession* s, uint64_t* out) {
    return Guard([&] { *out = s->session->GetProfiler().StartTimeNs(); });
  };
  a.ReleaseSession = [](OrtSession* s) { delete s; };

  a.ModelMetadataGetProducerName = [](const OrtModelMetadata* m, OrtAllocator* al, char** v) {
    return Guard([&] { *v = CopyString(al, m->metadata.producer_name); });
  };
  a.ModelMetadataGetGraphName = [](const OrtModelMetadata* m, OrtAllocator* al, char** v) {
    return Guard([&] { *v = CopyString(al, m->metadata.graph_name); });
  };
  a.ModelMetadataGetDomain = [](const OrtModelMetadata* m, OrtAllocator* al, char** v) {
    return Guard([&] { *v = CopyString(al, m->metadata.domain); });
  };
  a.ModelMetadataGetDescription = [](const OrtModelMetadata* m, OrtAllocator* al, char** v) {
    return Guard([&] { *v = CopyString(al, m->metadata.description); });
  };
  a.ModelMetadataGetGraphDescription = [](const OrtModelMetadata* m, OrtAllocator* al, char** v) {
    return Guard([&] { *v = CopyString(al, m->metadata.graph_description); });
  };
  a.ModelMetadataLookupCustomMetadataMap = [](const OrtModelMetadata* m, OrtAllocator* al, const char* key, char** v) {
    return Guard([&] {
      auto it = m->metadata.custom.find(key);
      *v = it == m->metadata.custom.end() ? nullptr : CopyString(al, it->second);
    });
  };
  a.ModelMetadataGetCustomMetadataMapKeys = [](const OrtModelMetadata* m, OrtAllocator* al, char*** keys, int64_t* n) {
    return Guard([&] {
      *n = static_cast<int64_t>(m->metadata.custom.size());
      *keys = nullptr;
      if (*n == 0) return;
      *keys = static_cast<char**>(al->Alloc(al, sizeof(char*) * m->metadata.custom.size()));
      size_t i = 0;
      for (const auto& [k, v] : m->metadata.custom) (*keys)[i++] = CopyString(al, k);
    });
  };
  a.ModelMetadataGetVersion = [](const OrtModelMetadata* m, int64_t* v) { return Guard([&] { *v = m->metadata.version; }); };
  a.ReleaseModelMetadata = [](OrtModelMetadata* m) { delete m; };

  a.GetOnnxTypeFromTypeInfo = [](const OrtTypeInfo* t, ONNXType* out) { return Guard([&] { *out = t->type; }); };
  a.CastTypeInfoToTensorInfo = [](const OrtTypeInfo* t, const OrtTensorTypeAndShapeInfo** out) {
    return Guard([&] { *out = t->tensor.get(); });
  };
  a.CastTypeInfoToSequenceTypeInfo = [](const OrtTypeInfo* t, const OrtSequenceTypeInfo** out) {
    return Guard([&] { *out = t->type == ONNX_TYPE_SEQUENCE ? reinterpret_cast<const OrtSequenceTypeInfo*>(t) : nullptr; });
  };
  a.CastTypeInfoToMapTypeInfo = [](const OrtTypeInfo* t, const OrtMapTypeInfo** out) {
    return Guard([&] { *out = t->type == ONNX_TYPE_MAP ? reinterpret_cast<const OrtMapTypeInfo*>(t) : nullptr; });
  };
  a.CastTypeInfoToOptionalTypeInfo = [](const OrtTypeInfo* t, const OrtOptionalTypeInfo** out) {
    return Guard([&] { *out = t->type == ONNX_TYPE_OPTIONAL ? reinterpret_cast<const OrtOptionalTypeInfo*>(t) : nullptr; });
  };
  auto clone_type = [](const OrtTypeInfo* t) {
    auto c = std::make_unique<OrtTypeInfo>();
    std::function<void(const OrtTypeInfo&, OrtTypeInfo&)> copy = [&](const OrtTypeInfo& s, OrtTypeInfo& d) {
      d.type = s.type;
      d.denotation = s.denotation;
      d.map_key = s.map_key;
      if (s.tensor) d.tensor = std::make_unique<OrtTensorTypeAndShapeInfo>(*s.tensor);
      if (s.element) {
        d.element = std::make_unique<OrtTypeInfo>();
        copy(*s.element, *d.element);
      }
    };
    if (t) copy(*t, *c);
    return c.release();
  };
  static std::function<OrtTypeInfo*(const OrtTypeInfo*)> clone_fn = clone_type;
  a.GetSequenceElementType = [](const OrtSequenceTypeInfo* s, OrtTypeInfo** out) {
    return Guard([&] { *out = clone_fn(reinterpret_cast<const OrtTypeInfo*>(s)->element.get()); });
  };
  a.GetMapKeyType = [](const OrtMapTypeInfo* m, ONNXTensorElementDataType* out) {
    return Guard([&] { *out = reinterpret_cast<const OrtTypeInfo*>(m)->map_key; });
  };
  a.GetMapValueType = [](const OrtMapTypeInfo* m, OrtTypeInfo** out) {
    return Guard([&] { *out = clone_fn(reinterpret_cast<const OrtTypeInfo*>(m)->element.get()); });
  };
  a.GetOptionalContainedTypeInfo = [](const OrtOptionalTypeInfo* o, OrtTypeInfo** out) {
    return Guard([&] { *out = clone_fn(reinterpret_cast<const OrtTypeInfo*>(o)->element.get()); });
  };
  a.GetDenotationFromTypeInfo = [](const OrtTypeInfo* t, const char** const d, size_t* len) {
    return Guard([&] {
      *const_cast<const char**>(d) = t->denotation.c_str();
      *len = t->denotation.size();
    });
  };
  a.ReleaseTypeInfo = [](OrtTypeInfo* t) { delete t; };

  a.CreateTensorTypeAndShapeInfo = [](OrtTensorTypeAndShapeInfo** out) {
    return Guard([&] { *out = new OrtTensorTypeAndShapeInfo; });
  };
  a.SetTensorElementType = [](OrtTensorTypeAndShapeInfo* i, ONNXTensorElementDataType t) { return Guard([&] { i->type = t; }); };
  a.SetDimensions = [](OrtTensorTypeAndShapeInfo* i, const int64_t* d, size_t n) {
    return Guard([&] {
      i->dims.assign(d, d + n);
      i->symbolic_dims.assign(n, "");
    });
  };
  a.GetTensorElementType = [](const OrtTensorTypeAndShapeInfo* i, ONNXTensorElementDataType* out) {
    return Guard([&] { *out = i->type; });
  };
  a.GetDimensionsCount = [](const OrtTensorTypeAndShapeInfo* i, size_t* out) { return Guard([&] { *out = i->dims.size(); }); };
  a.GetDimensions = [](const OrtTensorTypeAndShapeInfo* i, int64_t* d, size_t n) {
    return Guard([&] { std::copy(i->dims.begin(), i->dims.begin() + std::min(n, i->dims.size()), d); });
  };
  a.GetSymbolicDimensions = [](const OrtTensorTypeAndShapeInfo* i, const char* d[], size_t n) {
    return Guard([&] {
      for (size_t k = 0; k < n && k < i->symbolic_dims.size(); ++k) d[k] = i->symbolic_dims[k].c_str();
    });
  };
  a.GetTensorShapeElementCount = [](const OrtTensorTypeAndShapeInfo* i, size_t* out) {
    return Guard([&] {
      int64_t n = 1;
      for (int64_t d : i->dims) n *= d < 0 ? 0 : d;  // ORT reports 0 for unknown dims... product over known
      *out = static_cast<size_t>(n);
    });
  };
  a.ReleaseTensorTypeAndShapeInfo = [](OrtTensorTypeAndShapeInfo* i) { delete i; };

  a.CreateTensorAsOrtValue = [](OrtAllocator* al, const int64_t* shape, size_t n, ONNXTensorElementDataType type,
                                OrtValue** out) {
    return Guard([&] {
      Check(ortlite::IsValidDataType(type), "invalid element type");
      for (size_t i = 0; i < n; ++i) Check(shape[i] >= 0, "tensor dimensions must not be negative");
      Tensor t(static_cast<DataType>(type), TensorShape(shape, n), ortlite::GetCpuAllocator());
      (void)al;
      *out = Wrap(ortlite::OrtValue(std::move(t)));
    });
  };
  a.CreateTensorWithDataAsOrtValue = [](const OrtMemoryInfo* info, void* data, size_t bytes, const int64_t* shape,
                                        size_t n, ONNXTensorElementDataType type, OrtValue** out) {
    return Guard([&] {
      Check(ortlite::IsValidDataType(type), "invalid element type");
      Check(type != ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, "string tensors cannot wrap caller memory");
      TensorShape s(shape, n);
      for (size_t i = 0; i < n; ++i) Check(shape[i] >= 0, "tensor dimensions must not be negative");
      const size_t need = static_cast<size_t>(s.Size()) * ortlite::DataTypeSize(static_cast<DataType>(type));
      if (need > bytes) {
        ortlite::ThrowError(ErrorCode::kInvalidArgument, "not enough data for the shape: need ", need, " bytes, got ", bytes);
      }
      Tensor t(static_cast<DataType>(type), s, data, info ? ToMemoryInfo(*info) : ortlite::MemoryInfo{});
      auto* v = new OrtValue{ortlite::OrtValue(std::move(t)), info ? *info : OrtMemoryInfo{}};
      *out = v;
    });
  };
  a.IsTensor = [](const OrtValue* v, int* out) { return Guard([&] { *out = v->value.IsTensor(); }); };
  a.HasValue = [](const OrtValue* v, int* out) { return Guard([&] { *out = v->value.IsAllocated(); }); };
  a.GetValueType = [](const OrtValue* v, ONNXType* out) {
    return Guard([&] {
      switch (v->value.GetKind()) {
        case ortlite::OrtValue::Kind::kTensor: *out = ONNX_TYPE_TENSOR; break;
        case ortlite::OrtValue::Kind::kSequence: *out = ONNX_TYPE_SEQUENCE; break;
        case ortlite::OrtValue::Kind::kMap: *out = ONNX_TYPE_MAP; break;
        default: *out = ONNX_TYPE_OPTIONAL; break;
      }
    });
  };
  a.GetTensorMutableData = [](OrtValue* v, void** out) {
    return Guard([&] { *out = const_cast<void*>(TensorOf(v).DataRaw()); });
  };
  a.GetTensorTypeAndShape = [](const OrtValue* v, OrtTensorTypeAndShapeInfo** out) {
    return Guard([&] { *out = TensorInfoFrom(TensorOf(v)).release(); });
  };
  a.GetTypeInfo = [](const OrtValue* v, OrtTypeInfo** out) {
    return Guard([&] {
      auto info = std::make_unique<OrtTypeInfo>();
      if (v->value.IsTensor()) {
        info->type = ONNX_TYPE_TENSOR;
        info->tensor = TensorInfoFrom(v->value.Get());
      } else if (v->value.IsSequence()) {
        info->type = ONNX_TYPE_SEQUENCE;
        info->element = std::make_unique<OrtTypeInfo>();
        info->element->type = ONNX_TYPE_TENSOR;
        info->element->tensor = std::make_unique<OrtTensorTypeAndShapeInfo>();
        info->element->tensor->type = static_cast<ONNXTensorElementDataType>(v->value.GetSequence().elem_type);
      } else if (v->value.IsMap()) {
        info->type = ONNX_TYPE_MAP;
        info->map_key = static_cast<ONNXTensorElementDataType>(v->value.GetMap().keys.GetElementType());
      } else {
        info->type = ONNX_TYPE_OPTIONAL;
      }
      *out = info.release();
    });
  };
  a.GetTensorMemoryInfo = [](const OrtValue* v, const OrtMemoryInfo** out) {
    return Guard([&] {
      TensorOf(v);
      *out = &v->memory_info;
    });
  };
  a.FillStringTensor = [](OrtValue* v, const char* const* s, size_t n) {
    return Guard([&] {
      Tensor& t = v->value.GetMutable();
      Check(static_cast<size_t>(t.NumElements()) == n, "string count does not match the tensor's size");
      auto* d = t.MutableData<std::string>();
      for (size_t i = 0; i < n; ++i) d[i] = s[i];
    });
  };
  a.FillStringTensorElement = [](OrtValue* v, const char* s, size_t index) {
    return Guard([&] {
      Tensor& t = v->value.GetMutable();
      Check(index < static_cast<size_t>(t.NumElements()), "string index out of range");
      t.MutableData<std::string>()[index] = s;
    });
  };
  a.GetStringTensorDataLength = [](const OrtValue* v, size_t* len) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      size_t n = 0;
      for (int64_t i = 0; i < t.NumElements(); ++i) n += t.Data<std::string>()[i].size();
      *len = n;
    });
  };
  a.GetStringTensorContent = [](const OrtValue* v, void* s, size_t s_len, size_t* offsets, size_t offsets_len) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      Check(offsets_len >= static_cast<size_t>(t.NumElements()), "offsets buffer is too small");
      size_t pos = 0;
      for (int64_t i = 0; i < t.NumElements(); ++i) {
        const std::string& e = t.Data<std::string>()[i];
        Check(pos + e.size() <= s_len, "string buffer is too small");
        offsets[i] = pos;
        std::memcpy(static_cast<char*>(s) + pos, e.data(), e.size());
        pos += e.size();
      }
    });
  };
  a.GetStringTensorElementLength = [](const OrtValue* v, size_t index, size_t* out) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      Check(index < static_cast<size_t>(t.NumElements()), "string index out of range");
      *out = t.Data<std::string>()[index].size();
    });
  };
  a.GetStringTensorElement = [](const OrtValue* v, size_t s_len, size_t index, void* s) {
    return Guard([&] {
      const Tensor& t = TensorOf(v);
      Check(index < static_cast<size_t>(t.NumElements()), "string index out of range");
      const std::string& e = t.Data<std::string>()[index];
      Check(s_len >= e.size(), "string buffer is too small");
      std::memcpy(s, e.data(), e.size());
    });
  };
  a.GetValueCount = [](const OrtValue* v, size_t* out) {
    return Guard([&] {
      if (v->value.IsSequence()) *out = v->value.GetSequence().values.size();
      else if (v->value.IsMap()) *out = 2;
      else ortlite::ThrowError(ErrorCode::kInvalidArgument, "GetValueCount needs a sequence or a map");
    });
  };
  a.GetValue = [](const OrtValue* v, int index, OrtAllocator*, OrtValue** out) {
    return Guard([&] {
      if (v->value.IsSequence()) {
        const auto& vals = v->value.GetSequence().values;
        Check(index >= 0 && static_cast<size_t>(index) < vals.size(), "sequence index out of range");
        *out = Wrap(vals[index]);
      } else if (v->value.IsMap()) {
        Check(index == 0 || index == 1, "map index must be 0 (keys) or 1 (values)");
        *out = Wrap(ortlite::OrtValue(index == 0 ? v->value.GetMap().keys : v->value.GetMap().values));
      } else {
        ortlite::ThrowError(ErrorCode::kInvalidArgument, "GetValue needs a sequence or a map");
      }
    });
  };
  a.CreateValue = [](const OrtValue* const* in, size_t n, ONNXType type, OrtValue** out) {
    return Guard([&] {
      if (type == ONNX_TYPE_SEQUENCE) {
        ortlite::TensorSeq seq;
        for (size_t i = 0; i < n; ++i) seq.values.push_back(in[i]->value);
        if (n && seq.values[0].IsTensor()) seq.elem_type = seq.values[0].Get().GetElementType();
        *out = Wrap(ortlite::OrtValue(std::move(seq)));
      } else if (type == ONNX_TYPE_MAP) {
        Check(n == 2, "a map is made of two tensors: keys and values");
        ortlite::MapValue m{TensorOf(in[0]), TensorOf(in[1])};
        Check(m.keys.NumElements() == m.values.NumElements(), "map keys and values differ in length");
        *out = Wrap(ortlite::OrtValue(std::move(m)));
      } else {
        ortlite::ThrowError(ErrorCode::kInvalidArgument, "CreateValue makes sequences and maps");
      }
    });
  };
  a.ReleaseValue = [](OrtValue* v) { delete v; };

  a.CreateCpuMemoryInfo = [](OrtAllocatorType type, OrtMemType mem, OrtMemoryInfo** out) {
    return Guard([&] { *out = new OrtMemoryInfo{"Cpu", 0, type, mem}; });
  };
  a.CreateMemoryInfo = [](const char* name, OrtAllocatorType type, int id, OrtMemType mem, OrtMemoryInfo** out) {
    return Guard([&] { *out = new OrtMemoryInfo{name ? name : "Cpu", id, type, mem}; });
  };
  a.CompareMemoryInfo = [](const OrtMemoryInfo* x, const OrtMemoryInfo* y, int* out) {
    return Guard([&] { *out = (x->name == y->name && x->id == y->id && x->mem_type == y->mem_type) ? 0 : -1; });
  };
  a.MemoryInfoGetName = [](const OrtMemoryInfo* m, const char** out) { return Guard([&] { *out = m->name.c_str(); }); };
  a.MemoryInfoGetId = [](const OrtMemoryInfo* m, int* out) { return Guard([&] { *out = m->id; }); };
  a.MemoryInfoGetMemType = [](const OrtMemoryInfo* m, OrtMemType* out) { return Guard([&] { *out = m->mem_type; }); };
  a.MemoryInfoGetType = [](const OrtMemoryInfo* m, OrtAllocatorType* out) { return Guard([&] { *out = m->alloc_type; }); };
  a.ReleaseMemoryInfo = [](OrtMemoryInfo* m) { delete m; };
  a.GetAllocatorWithDefaultOptions = [](OrtAllocator** out) { return Guard([&] { *out = &TheDefaultAllocator(); }); };
  a.AllocatorAlloc = [](OrtAllocator* al, size_t size, void** out) { return Guard([&] { *out = al->Alloc(al, size); }); };
  a.AllocatorFree = [](OrtAllocator* al, void* p) { return Guard([&] { al->Free(al, p); }); };
  a.AllocatorGetInfo = [](const OrtAllocator* al, const OrtMemoryInfo** out) { return Guard([&] { *out = al->Info(al); }); };

  a.CreateRunOptions = [](OrtRunOptions** out) { return Guard([&] { *out = new OrtRunOptions; }); };
  a.RunOptionsSetRunLogVerbosityLevel = [](OrtRunOptions* o, int v) { return Guard([&] { o->log_verbosity_level = v; }); };
  a.RunOptionsSetRunLogSeverityLevel = [](OrtRunOptions* o, int v) { return Guard([&] { o->options.log_severity_level = v; }); };
  a.RunOptionsSetRunTag = [](OrtRunOptions* o, const char* tag) { return Guard([&] { o->options.run_tag = tag ? tag : ""; }); };
  a.RunOptionsGetRunLogVerbosityLevel = [](const OrtRunOptions* o, int* v) { return Guard([&] { *v = o->log_verbosity_level; }); };
  a.RunOptionsGetRunLogSeverityLevel = [](const OrtRunOptions* o, int* v) { return Guard([&] { *v = o->options.log_severity_level; }); };
  a.RunOptionsGetRunTag = [](const OrtRunOptions* o, const char** tag) { return Guard([&] { *tag = o->options.run_tag.c_str(); }); };
  a.RunOptionsSetTerminate = [](OrtRunOptions* o) { return Guard([&] { o->options.terminate = true; }); };
  a.RunOptionsUnsetTerminate = [](OrtRunOptions* o) { return Guard([&] { o->options.terminate = false; }); };
  a.AddRunConfigEntry = [](OrtRunOptions* o, const char* k, const char* v) { return Guard([&] { o->config[k] = v; }); };
  a.ReleaseRunOptions = [](OrtRunOptions* o) { delete o; };

  a.CreateIoBinding = [](OrtSession* s, OrtIoBinding** out) {
    return Guard([&] {
      auto* b = new OrtIoBinding;
      b->session = s;
      *out = b;
    });
  };
  a.BindInput = [](OrtIoBinding* b, const char* name, const OrtValue* v) {
    return Guard([&] {
      for (size_t i = 0; i < b->input_names.size(); ++i) {
        if (b->input_names[i] == name) {
          b->inputs[i] = v->value;
          return;
        }
      }
      b->input_names.push_back(name);
      b->inputs.push_back(v->value);
    });
  };
  auto bind_output = [](OrtIoBinding* b, const char* name, const OrtValue* v) {
    size_t i = 0;
    while (i < b->output_names.size() && b->output_names[i] != name) ++i;
    if (i == b->output_names.size()) {
      b->output_names.push_back(name);
      b->outputs.emplace_back();
      b->preallocated.push_back(false);
    }
    b->outputs[i].reset(v ? new OrtValue(*v) : nullptr);
    b->preallocated[i] = v != nullptr;
  };
  static std::function<void(OrtIoBinding*, const char*, const OrtValue*)> bind_output_fn = bind_output;
  a.BindOutput = [](OrtIoBinding* b, const char* name, const OrtValue* v) { return Guard([&] { bind_output_fn(b, name, v); }); };
  a.BindOutputToDevice = [](OrtIoBinding* b, const char* name, const OrtMemoryInfo* m) {
    return Guard([&] {
      Check(m && ToMemoryInfo(*m).device.type == ortlite::OrtDevice::kCpu, "outputs can be bound to CPU memory only");
      bind_output_fn(b, name, nullptr);
    });
  };
  a.GetBoundOutputNames = [](const OrtIoBinding* b, OrtAllocator* al, char** buffer, size_t** lengths, size_t* count) {
    return Guard([&] {
      *count = b->output_names.size();
      *buffer = nullptr;
      *lengths = nullptr;
      if (b->output_names.empty()) return;
      size_t total = 0;
      for (const auto& n : b->output_names) total += n.size();
      *buffer = static_cast<char*>(al->Alloc(al, total));
      *lengths = static_cast<size_t*>(al->Alloc(al, sizeof(size_t) * b->output_names.size()));
      size_t pos = 0;
      for (size_t i = 0; i < b->output_names.size(); ++i) {
        std::memcpy(*buffer + pos, b->output_names[i].data(), b->output_names[i].size());
        (*lengths)[i] = b->output_names[i].size();
        pos += b->output_names[i].size();
      }
    });
  };
  a.GetBoundOutputValues = [](const OrtIoBinding* b, OrtAllocator* al, OrtValue*** out, size_t* count) {
    return Guard([&] {
      *count = b->outputs.size();
      *out = nullptr;
      if (b->outputs.empty()) return;
      *out = static_cast<OrtValue**>(al->Alloc(al, sizeof(OrtValue*) * b->outputs.size()));
      for (size_t i = 0; i < b->outputs.size(); ++i) {
        if (!b->outputs[i]) ortlite::ThrowError(ErrorCode::kFail, "output '", b->output_names[i], "' has not been computed");
        (*out)[i] = new OrtValue(*b->outputs[i]);
      }
    });
  };
  a.ClearBoundInputs = [](OrtIoBinding* b) {
    b->input_names.clear();
    b->inputs.clear();
  };
  a.ClearBoundOutputs = [](OrtIoBinding* b) {
    b->output_names.clear();
    b->outputs.clear();
    b->preallocated.clear();
  };
  a.SynchronizeBoundInputs = [](OrtIoBinding*) -> OrtStatus* { return nullptr; };
  a.SynchronizeBoundOutputs = [](OrtIoBinding*) -> OrtStatus* { return nullptr; };
  a.ReleaseIoBinding = [](OrtIoBinding* b) { delete b; };

  ortlite::FillCustomOpApi(a);

  a.GetAvailableProviders = [](char*** out, int* n) {
    return Guard([&] {
      auto names = ortlite::AvailableProviders();
      *n = static_cast<int>(names.size());
      *out = new char*[names.size()];
      for (size_t i = 0; i < names.size(); ++i) {
        (*out)[i] = new char[names[i].size() + 1];
        std::memcpy((*out)[i], names[i].c_str(), names[i].size() + 1);
      }
    });
  };
  a.ReleaseAvailableProviders = [](char** p, int n) {
    return Guard([&] {
      for (int i = 0; i < n; ++i) delete[] p[i];
      delete[] p;
    });
  };
  return a;
}

const OrtApi* GetApi(uint32_t version) {
  static const OrtApi api = MakeApi();
  return version >= 1 && version <= ORT_API_VERSION ? &api : nullptr;
}

const char* GetVersionString() { return kVersion; }

}  // namespace

extern "C" const OrtApiBase* ORT_API_CALL OrtGetApiBase(void) {
  static const OrtApiBase base = {&GetApi, &GetVersionString};
  return &base;
}
