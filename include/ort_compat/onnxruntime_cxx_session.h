// Part of ortlite's C++ API (include "onnxruntime_cxx_api.h", which includes this): Session,
// IoBinding, and the process-wide queries GetVersionString and GetAvailableProviders.
#ifndef ORTLITE_ONNXRUNTIME_CXX_SESSION_H_
#define ORTLITE_ONNXRUNTIME_CXX_SESSION_H_

#include "onnxruntime_cxx_api.h"

namespace Ort {

struct Session;

struct IoBinding : detail::Base<OrtIoBinding> {
  explicit IoBinding(std::nullptr_t) {}
  explicit IoBinding(Session& session);
  void BindInput(const char* name, const Value& value) { ThrowOnError(GetApi().BindInput(p_, name, value)); }
  void BindOutput(const char* name, const Value& value) { ThrowOnError(GetApi().BindOutput(p_, name, value)); }
  void BindOutput(const char* name, const OrtMemoryInfo* mem_info) {
    ThrowOnError(GetApi().BindOutputToDevice(p_, name, mem_info));
  }
  std::vector<std::string> GetOutputNames() const {
    AllocatorWithDefaultOptions allocator;
    char* buffer = nullptr;
    size_t* lengths = nullptr;
    size_t count = 0;
    ThrowOnError(GetApi().GetBoundOutputNames(p_, allocator, &buffer, &lengths, &count));
    std::vector<std::string> out;
    size_t pos = 0;
    for (size_t i = 0; i < count; ++i) {
      out.emplace_back(buffer + pos, lengths[i]);
      pos += lengths[i];
    }
    if (buffer) allocator.Free(buffer);
    if (lengths) allocator.Free(lengths);
    return out;
  }
  std::vector<Value> GetOutputValues() const {
    AllocatorWithDefaultOptions allocator;
    OrtValue** values = nullptr;
    size_t count = 0;
    ThrowOnError(GetApi().GetBoundOutputValues(p_, allocator, &values, &count));
    std::vector<Value> out;
    for (size_t i = 0; i < count; ++i) out.emplace_back(values[i]);
    if (values) allocator.Free(values);
    return out;
  }
  void ClearBoundInputs() { GetApi().ClearBoundInputs(p_); }
  void ClearBoundOutputs() { GetApi().ClearBoundOutputs(p_); }
  void SynchronizeInputs() { ThrowOnError(GetApi().SynchronizeBoundInputs(p_)); }
  void SynchronizeOutputs() { ThrowOnError(GetApi().SynchronizeBoundOutputs(p_)); }
};

struct Session : detail::Base<OrtSession> {
  explicit Session(std::nullptr_t) {}
  Session(const Env& env, const ORTCHAR_T* model_path, const SessionOptions& options) {
    ThrowOnError(GetApi().CreateSession(env, model_path, options, &p_));
  }
  Session(const Env& env, const void* model_data, size_t model_data_length, const SessionOptions& options) {
    ThrowOnError(GetApi().CreateSessionFromArray(env, model_data, model_data_length, options, &p_));
  }

  // Returns the outputs; the values are owned by the caller.
  std::vector<Value> Run(const RunOptions& run_options, const char* const* input_names, const Value* input_values,
                         size_t input_count, const char* const* output_names, size_t output_count) {
    std::vector<Value> outputs;
    for (size_t i = 0; i < output_count; ++i) outputs.emplace_back(nullptr);
    Run(run_options, input_names, input_values, input_count, output_names, outputs.data(), output_count);
    return outputs;
  }
  // Writes into `output_values`: caller-allocated tensors are filled in place, null ones created.
  void Run(const RunOptions& run_options, const char* const* input_names, const Value* input_values,
           size_t input_count, const char* const* output_names, Value* output_values, size_t output_count) {
    static_assert(sizeof(Value) == sizeof(OrtValue*), "Value must be a plain handle");
    auto ort_inputs = reinterpret_cast<const OrtValue* const*>(input_values);
    auto ort_outputs = reinterpret_cast<OrtValue**>(output_values);
    ThrowOnError(GetApi().Run(p_, run_options, input_names, ort_inputs, input_count, output_names, output_count,
                              ort_outputs));
  }
  void Run(const RunOptions& run_options, const IoBinding& io_binding) {
    ThrowOnError(GetApi().RunWithBinding(p_, run_options, io_binding));
  }

  size_t GetInputCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().SessionGetInputCount(p_, &out));
    return out;
  }
  size_t GetOutputCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().SessionGetOutputCount(p_, &out));
    return out;
  }
  size_t GetOverridableInitializerCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().SessionGetOverridableInitializerCount(p_, &out));
    return out;
  }
  AllocatedStringPtr GetInputNameAllocated(size_t index, OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().SessionGetInputName(p_, index, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  AllocatedStringPtr GetOutputNameAllocated(size_t index, OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().SessionGetOutputName(p_, index, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  AllocatedStringPtr GetOverridableInitializerNameAllocated(size_t index, OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().SessionGetOverridableInitializerName(p_, index, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  TypeInfo GetInputTypeInfo(size_t index) const {
    OrtTypeInfo* out = nullptr;
    ThrowOnError(GetApi().SessionGetInputTypeInfo(p_, index, &out));
    return TypeInfo{out};
  }
  TypeInfo GetOutputTypeInfo(size_t index) const {
    OrtTypeInfo* out = nullptr;
    ThrowOnError(GetApi().SessionGetOutputTypeInfo(p_, index, &out));
    return TypeInfo{out};
  }
  TypeInfo GetOverridableInitializerTypeInfo(size_t index) const {
    OrtTypeInfo* out = nullptr;
    ThrowOnError(GetApi().SessionGetOverridableInitializerTypeInfo(p_, index, &out));
    return TypeInfo{out};
  }
  ModelMetadata GetModelMetadata() const {
    OrtModelMetadata* out = nullptr;
    ThrowOnError(GetApi().SessionGetModelMetadata(p_, &out));
    return ModelMetadata{out};
  }
  // Writes the profile and returns its file name.
  AllocatedStringPtr EndProfilingAllocated(OrtAllocator* allocator) {
    char* out = nullptr;
    ThrowOnError(GetApi().SessionEndProfiling(p_, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  uint64_t GetProfilingStartTimeNs() const {
    uint64_t out = 0;
    ThrowOnError(GetApi().SessionGetProfilingStartTimeNs(p_, &out));
    return out;
  }
};

inline IoBinding::IoBinding(Session& session) { ThrowOnError(GetApi().CreateIoBinding(session, &p_)); }

inline std::string GetVersionString() { return OrtGetApiBase()->GetVersionString(); }

inline std::vector<std::string> GetAvailableProviders() {
  char** names = nullptr;
  int n = 0;
  ThrowOnError(GetApi().GetAvailableProviders(&names, &n));
  std::vector<std::string> out(names, names + n);
  ThrowOnError(GetApi().ReleaseAvailableProviders(names, n));
  return out;
}

}  // namespace Ort

#endif  // ORTLITE_ONNXRUNTIME_CXX_SESSION_H_
