// The C API over InferenceSession. Every entry point converts exceptions into an OrtStatus.
#include "core/session/c_api_internal.h"

using namespace ortlite_c_api;

namespace {

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

  FillValueApi(a);

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
