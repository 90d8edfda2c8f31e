// ortlite's C++ API: ONNX Runtime's `Ort::` classes, names and semantics, as a header-only layer
// over the C API (onnxruntime_c_api.h). Programs written against ORT's C++ API compile against
// this header with only their include path and link line changed.
#ifndef ORTLITE_ONNXRUNTIME_CXX_API_H_
#define ORTLITE_ONNXRUNTIME_CXX_API_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "onnxruntime_c_api.h"

namespace Ort {

// The API table, set once per process. A program gets it at static-initialisation time. A
// custom-op library defines ORT_API_MANUAL_INIT before including this header (so it needs no
// link-time reference to OrtGetApiBase) and calls Ort::InitApi(api_base->GetApi(ORT_API_VERSION))
// in its RegisterCustomOps.
template <typename T>
struct Global {
  static const OrtApi* api_;
};
#ifdef ORT_API_MANUAL_INIT
template <typename T>
const OrtApi* Global<T>::api_{};
#else
template <typename T>
const OrtApi* Global<T>::api_ = OrtGetApiBase()->GetApi(ORT_API_VERSION);
#endif

inline const OrtApi& GetApi() noexcept { return *Global<void>::api_; }
inline void InitApi() noexcept { Global<void>::api_ = OrtGetApiBase()->GetApi(ORT_API_VERSION); }
inline void InitApi(const OrtApi* api) noexcept { Global<void>::api_ = api; }

struct Exception : std::exception {
  Exception(std::string&& string, OrtErrorCode code) : message_{std::move(string)}, code_{code} {}
  OrtErrorCode GetOrtErrorCode() const { return code_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
  OrtErrorCode code_;
};

inline void ThrowOnError(OrtStatus* status) {
  if (status) {
    std::string msg = GetApi().GetErrorMessage(status);
    OrtErrorCode code = GetApi().GetErrorCode(status);
    GetApi().ReleaseStatus(status);
    throw Exception(std::move(msg), code);
  }
}

std::string GetVersionString();
std::vector<std::string> GetAvailableProviders();

// 16-bit float storage types (ORT's Ort::Float16_t / Ort::BFloat16_t).
struct Float16_t {
  uint16_t value;
  constexpr Float16_t() noexcept : value(0) {}
  constexpr explicit Float16_t(uint16_t v) noexcept : value(v) {}
  constexpr operator uint16_t() const noexcept { return value; }
  static constexpr Float16_t FromBits(uint16_t v) noexcept { return Float16_t(v); }
};
struct BFloat16_t {
  uint16_t value;
  constexpr BFloat16_t() noexcept : value(0) {}
  constexpr explicit BFloat16_t(uint16_t v) noexcept : value(v) {}
  constexpr operator uint16_t() const noexcept { return value; }
  static constexpr BFloat16_t FromBits(uint16_t v) noexcept { return BFloat16_t(v); }
};

template <typename T>
struct TypeToTensorType;
#define ORT_CXX_TENSOR_TYPE(T, E) \
  template <>                     \
  struct TypeToTensorType<T> {    \
    static constexpr ONNXTensorElementDataType type = E; \
  };
ORT_CXX_TENSOR_TYPE(float, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT)
ORT_CXX_TENSOR_TYPE(Float16_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16)
ORT_CXX_TENSOR_TYPE(BFloat16_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16)
ORT_CXX_TENSOR_TYPE(double, ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE)
ORT_CXX_TENSOR_TYPE(int8_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8)
ORT_CXX_TENSOR_TYPE(int16_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16)
ORT_CXX_TENSOR_TYPE(int32_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32)
ORT_CXX_TENSOR_TYPE(int64_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64)
ORT_CXX_TENSOR_TYPE(uint8_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8)
ORT_CXX_TENSOR_TYPE(uint16_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16)
ORT_CXX_TENSOR_TYPE(uint32_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32)
ORT_CXX_TENSOR_TYPE(uint64_t, ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64)
ORT_CXX_TENSOR_TYPE(bool, ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL)
ORT_CXX_TENSOR_TYPE(std::string, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING)
#undef ORT_CXX_TENSOR_TYPE

namespace detail {

#define ORT_CXX_RELEASE(T) \
  inline void OrtRelease(Ort##T* ptr) { GetApi().Release##T(ptr); }
ORT_CXX_RELEASE(Env)
ORT_CXX_RELEASE(Status)
ORT_CXX_RELEASE(MemoryInfo)
ORT_CXX_RELEASE(Session)
ORT_CXX_RELEASE(Value)
ORT_CXX_RELEASE(RunOptions)
ORT_CXX_RELEASE(TypeInfo)
ORT_CXX_RELEASE(TensorTypeAndShapeInfo)
ORT_CXX_RELEASE(SessionOptions)
ORT_CXX_RELEASE(CustomOpDomain)
ORT_CXX_RELEASE(ModelMetadata)
ORT_CXX_RELEASE(ThreadingOptions)
ORT_CXX_RELEASE(IoBinding)
#undef ORT_CXX_RELEASE

// Owns a C handle; move-only.
template <typename T>
struct Base {
  using contained_type = T;
  constexpr Base() = default;
  constexpr explicit Base(contained_type* p) noexcept : p_{p} {}
  ~Base() {
    if (p_) OrtRelease(p_);
  }
  Base(const Base&) = delete;
  Base& operator=(const Base&) = delete;
  Base(Base&& v) noexcept : p_{v.p_} { v.p_ = nullptr; }
  Base& operator=(Base&& v) noexcept {
    if (this != &v) {
      if (p_) OrtRelease(p_);
      p_ = v.release();
    }
    return *this;
  }
  constexpr operator contained_type*() const noexcept { return p_; }
  contained_type* release() {
    T* p = p_;
    p_ = nullptr;
    return p;
  }

 protected:
  contained_type* p_{};
};

// Borrows a C handle (const views of values and type infos owned elsewhere).
template <typename T>
struct Unowned {
  using Type = T;
};

template <typename T>
struct Base<Unowned<T>> {
  using contained_type = typename Unowned<T>::Type;
  constexpr Base() = default;
  constexpr explicit Base(contained_type* p) noexcept : p_{p} {}
  Base(const Base&) = default;
  Base& operator=(const Base&) = default;
  constexpr operator contained_type*() const noexcept { return p_; }

 protected:
  contained_type* p_{};
};

struct AllocatedFree {
  OrtAllocator* allocator_;
  explicit AllocatedFree(OrtAllocator* allocator) : allocator_(allocator) {}
  void operator()(void* ptr) const {
    if (ptr) allocator_->Free(allocator_, ptr);
  }
};

}  // namespace detail

// A string the API allocated; freed with the allocator that made it.
using AllocatedStringPtr = std::unique_ptr<char, detail::AllocatedFree>;

struct Status : detail::Base<OrtStatus> {
  explicit Status(std::nullptr_t) noexcept {}
  explicit Status(OrtStatus* status) noexcept : Base{status} {}
  explicit Status(const Exception& e) noexcept : Base{GetApi().CreateStatus(e.GetOrtErrorCode(), e.what())} {}
  explicit Status(const std::exception& e) noexcept : Base{GetApi().CreateStatus(ORT_FAIL, e.what())} {}
  Status(const char* message, OrtErrorCode code) noexcept : Base{GetApi().CreateStatus(code, message)} {}
  std::string GetErrorMessage() const { return p_ ? GetApi().GetErrorMessage(p_) : std::string(); }
  OrtErrorCode GetErrorCode() const { return p_ ? GetApi().GetErrorCode(p_) : ORT_OK; }
  bool IsOK() const noexcept { return p_ == nullptr; }
};

struct ThreadingOptions : detail::Base<OrtThreadingOptions> {
  ThreadingOptions() { ThrowOnError(GetApi().CreateThreadingOptions(&p_)); }
  ThreadingOptions& SetGlobalIntraOpNumThreads(int n) {
    ThrowOnError(GetApi().SetGlobalIntraOpNumThreads(p_, n));
    return *this;
  }
  ThreadingOptions& SetGlobalInterOpNumThreads(int n) {
    ThrowOnError(GetApi().SetGlobalInterOpNumThreads(p_, n));
    return *this;
  }
  ThreadingOptions& SetGlobalSpinControl(int allow_spinning) {
    ThrowOnError(GetApi().SetGlobalSpinControl(p_, allow_spinning));
    return *this;
  }
};

struct Env : detail::Base<OrtEnv> {
  explicit Env(std::nullptr_t) {}
  Env(OrtLoggingLevel logging_level = ORT_LOGGING_LEVEL_WARNING, const char* logid = "") {
    ThrowOnError(GetApi().CreateEnv(logging_level, logid, &p_));
  }
  Env(const OrtThreadingOptions* tp_options, OrtLoggingLevel logging_level = ORT_LOGGING_LEVEL_WARNING,
      const char* logid = "") {
    ThrowOnError(GetApi().CreateEnvWithGlobalThreadPools(logging_level, logid, tp_options, &p_));
  }
  explicit Env(OrtEnv* p) : Base{p} {}
};

struct CustomOpDomain : detail::Base<OrtCustomOpDomain> {
  explicit CustomOpDomain(std::nullptr_t) {}
  explicit CustomOpDomain(const char* domain) { ThrowOnError(GetApi().CreateCustomOpDomain(domain, &p_)); }
  void Add(const OrtCustomOp* op) { ThrowOnError(GetApi().CustomOpDomain_Add(p_, op)); }
};

struct RunOptions : detail::Base<OrtRunOptions> {
  explicit RunOptions(std::nullptr_t) {}
  RunOptions() { ThrowOnError(GetApi().CreateRunOptions(&p_)); }
  RunOptions& SetRunLogVerbosityLevel(int level) {
    ThrowOnError(GetApi().RunOptionsSetRunLogVerbosityLevel(p_, level));
    return *this;
  }
  int GetRunLogVerbosityLevel() const {
    int v = 0;
    ThrowOnError(GetApi().RunOptionsGetRunLogVerbosityLevel(p_, &v));
    return v;
  }
  RunOptions& SetRunLogSeverityLevel(int level) {
    ThrowOnError(GetApi().RunOptionsSetRunLogSeverityLevel(p_, level));
    return *this;
  }
  int GetRunLogSeverityLevel() const {
    int v = 0;
    ThrowOnError(GetApi().RunOptionsGetRunLogSeverityLevel(p_, &v));
    return v;
  }
  RunOptions& SetRunTag(const char* run_tag) {
    ThrowOnError(GetApi().RunOptionsSetRunTag(p_, run_tag));
    return *this;
  }
  const char* GetRunTag() const {
    const char* tag = nullptr;
    ThrowOnError(GetApi().RunOptionsGetRunTag(p_, &tag));
    return tag;
  }
  RunOptions& AddConfigEntry(const char* config_key, const char* config_value) {
    ThrowOnError(GetApi().AddRunConfigEntry(p_, config_key, config_value));
    return *this;
  }
  // Makes runs using these options stop with an error as soon as possible.
  RunOptions& SetTerminate() {
    ThrowOnError(GetApi().RunOptionsSetTerminate(p_));
    return *this;
  }
  RunOptions& UnsetTerminate() {
    ThrowOnError(GetApi().RunOptionsUnsetTerminate(p_));
    return *this;
  }
};

struct CustomOpConfigs {};

struct SessionOptions;

namespace detail {
// The setters of session options, on an owned (SessionOptions) or a borrowed
// (UnownedSessionOptions, e.g. in a custom-op library's RegisterCustomOps) handle.
template <typename T>
struct SessionOptionsImpl : Base<T> {
  using B = Base<T>;
  using B::B;
  SessionOptions Clone() const;
  SessionOptionsImpl& SetIntraOpNumThreads(int n) {
    ThrowOnError(GetApi().SetIntraOpNumThreads(this->p_, n));
    return *this;
  }
  SessionOptionsImpl& SetInterOpNumThreads(int n) {
    ThrowOnError(GetApi().SetInterOpNumThreads(this->p_, n));
    return *this;
  }
  SessionOptionsImpl& SetGraphOptimizationLevel(GraphOptimizationLevel level) {
    ThrowOnError(GetApi().SetSessionGraphOptimizationLevel(this->p_, level));
    return *this;
  }
  SessionOptionsImpl& SetExecutionMode(ExecutionMode mode) {
    ThrowOnError(GetApi().SetSessionExecutionMode(this->p_, mode));
    return *this;
  }
  SessionOptionsImpl& SetOptimizedModelFilePath(const ORTCHAR_T* path) {
    ThrowOnError(GetApi().SetOptimizedModelFilePath(this->p_, path));
    return *this;
  }
  SessionOptionsImpl& EnableProfiling(const ORTCHAR_T* profile_file_prefix) {
    ThrowOnError(GetApi().EnableProfiling(this->p_, profile_file_prefix));
    return *this;
  }
  SessionOptionsImpl& DisableProfiling() {
    ThrowOnError(GetApi().DisableProfiling(this->p_));
    return *this;
  }
  SessionOptionsImpl& SetLogId(const char* logid) {
    ThrowOnError(GetApi().SetSessionLogId(this->p_, logid));
    return *this;
  }
  SessionOptionsImpl& SetLogSeverityLevel(int level) {
    ThrowOnError(GetApi().SetSessionLogSeverityLevel(this->p_, level));
    return *this;
  }
  SessionOptionsImpl& EnableCpuMemArena() {
    ThrowOnError(GetApi().EnableCpuMemArena(this->p_));
    return *this;
  }
  SessionOptionsImpl& DisableCpuMemArena() {
    ThrowOnError(GetApi().DisableCpuMemArena(this->p_));
    return *this;
  }
  SessionOptionsImpl& EnableMemPattern() {
    ThrowOnError(GetApi().EnableMemPattern(this->p_));
    return *this;
  }
  SessionOptionsImpl& DisableMemPattern() {
    ThrowOnError(GetApi().DisableMemPattern(this->p_));
    return *this;
  }
  SessionOptionsImpl& AddConfigEntry(const char* config_key, const char* config_value) {
    ThrowOnError(GetApi().AddSessionConfigEntry(this->p_, config_key, config_value));
    return *this;
  }
  SessionOptionsImpl& AddFreeDimensionOverride(const char* dim_denotation, int64_t dim_value) {
    ThrowOnError(GetApi().AddFreeDimensionOverride(this->p_, dim_denotation, dim_value));
    return *this;
  }
  SessionOptionsImpl& AddFreeDimensionOverrideByName(const char* dim_name, int64_t dim_value) {
    ThrowOnError(GetApi().AddFreeDimensionOverrideByName(this->p_, dim_name, dim_value));
    return *this;
  }
  SessionOptionsImpl& DisablePerSessionThreads() {
    ThrowOnError(GetApi().DisablePerSessionThreads(this->p_));
    return *this;
  }
  SessionOptionsImpl& AppendExecutionProvider(const std::string& provider_name,
                                          const std::unordered_map<std::string, std::string>& provider_options = {}) {
    std::vector<const char*> keys, values;
    for (const auto& kv : provider_options) {
      keys.push_back(kv.first.c_str());
      values.push_back(kv.second.c_str());
    }
    ThrowOnError(GetApi().SessionOptionsAppendExecutionProvider(this->p_, provider_name.c_str(), keys.data(), values.data(),
                                                                keys.size()));
    return *this;
  }
  SessionOptionsImpl& RegisterCustomOpsLibrary(const ORTCHAR_T* library_name, const CustomOpConfigs& = {}) {
    ThrowOnError(GetApi().RegisterCustomOpsLibrary_V2(this->p_, library_name));
    return *this;
  }
  SessionOptionsImpl& Add(OrtCustomOpDomain* custom_op_domain) {
    ThrowOnError(GetApi().AddCustomOpDomain(this->p_, custom_op_domain));
    return *this;
  }
};
}  // namespace detail

struct SessionOptions : detail::SessionOptionsImpl<OrtSessionOptions> {
  explicit SessionOptions(std::nullptr_t) {}
  SessionOptions() { ThrowOnError(GetApi().CreateSessionOptions(&this->p_)); }
  explicit SessionOptions(OrtSessionOptions* p) : SessionOptionsImpl<OrtSessionOptions>{p} {}
};

using UnownedSessionOptions = detail::SessionOptionsImpl<detail::Unowned<OrtSessionOptions>>;

template <typename T>
SessionOptions detail::SessionOptionsImpl<T>::Clone() const {
  OrtSessionOptions* out = nullptr;
  ThrowOnError(GetApi().CloneSessionOptions(this->p_, &out));
  return SessionOptions{out};
}

struct ModelMetadata : detail::Base<OrtModelMetadata> {
  explicit ModelMetadata(std::nullptr_t) {}
  explicit ModelMetadata(OrtModelMetadata* p) : Base{p} {}
  AllocatedStringPtr GetProducerNameAllocated(OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().ModelMetadataGetProducerName(p_, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  AllocatedStringPtr GetGraphNameAllocated(OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().ModelMetadataGetGraphName(p_, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  AllocatedStringPtr GetDomainAllocated(OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().ModelMetadataGetDomain(p_, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  AllocatedStringPtr GetDescriptionAllocated(OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().ModelMetadataGetDescription(p_, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  AllocatedStringPtr GetGraphDescriptionAllocated(OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().ModelMetadataGetGraphDescription(p_, allocator, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  std::vector<AllocatedStringPtr> GetCustomMetadataMapKeysAllocated(OrtAllocator* allocator) const {
    char** keys = nullptr;
    int64_t n = 0;
    ThrowOnError(GetApi().ModelMetadataGetCustomMetadataMapKeys(p_, allocator, &keys, &n));
    std::vector<AllocatedStringPtr> out;
    for (int64_t i = 0; i < n; ++i) out.emplace_back(keys[i], detail::AllocatedFree(allocator));
    if (keys) allocator->Free(allocator, keys);
    return out;
  }
  // nullptr (in the returned pointer) when the key is absent.
  AllocatedStringPtr LookupCustomMetadataMapAllocated(const char* key, OrtAllocator* allocator) const {
    char* out = nullptr;
    ThrowOnError(GetApi().ModelMetadataLookupCustomMetadataMap(p_, allocator, key, &out));
    return AllocatedStringPtr(out, detail::AllocatedFree(allocator));
  }
  int64_t GetVersion() const {
    int64_t v = 0;
    ThrowOnError(GetApi().ModelMetadataGetVersion(p_, &v));
    return v;
  }
};

struct MemoryInfo;

namespace detail {
template <typename T>
struct MemoryInfoImpl : Base<T> {
  using B = Base<T>;
  using B::B;
  std::string GetAllocatorName() const {
    const char* name = nullptr;
    ThrowOnError(GetApi().MemoryInfoGetName(this->p_, &name));
    return name;
  }
  OrtAllocatorType GetAllocatorType() const {
    OrtAllocatorType t;
    ThrowOnError(GetApi().MemoryInfoGetType(this->p_, &t));
    return t;
  }
  int GetDeviceId() const {
    int id = 0;
    ThrowOnError(GetApi().MemoryInfoGetId(this->p_, &id));
    return id;
  }
  OrtMemType GetMemoryType() const {
    OrtMemType t;
    ThrowOnError(GetApi().MemoryInfoGetMemType(this->p_, &t));
    return t;
  }
  template <typename U>
  bool operator==(const MemoryInfoImpl<U>& o) const {
    int cmp = 0;
    ThrowOnError(GetApi().CompareMemoryInfo(this->p_, o, &cmp));
    return cmp == 0;
  }
};
}  // namespace detail

using ConstMemoryInfo = detail::MemoryInfoImpl<detail::Unowned<const OrtMemoryInfo>>;

struct MemoryInfo : detail::MemoryInfoImpl<OrtMemoryInfo> {
  static MemoryInfo CreateCpu(OrtAllocatorType type, OrtMemType mem_type) {
    OrtMemoryInfo* p = nullptr;
    ThrowOnError(GetApi().CreateCpuMemoryInfo(type, mem_type, &p));
    return MemoryInfo(p);
  }
  explicit MemoryInfo(std::nullptr_t) {}
  explicit MemoryInfo(OrtMemoryInfo* p) : MemoryInfoImpl<OrtMemoryInfo>{p} {}
  MemoryInfo(const char* name, OrtAllocatorType type, int id, OrtMemType mem_type) {
    ThrowOnError(GetApi().CreateMemoryInfo(name, type, id, mem_type, &this->p_));
  }
};

struct AllocatorWithDefaultOptions {
  AllocatorWithDefaultOptions() { ThrowOnError(GetApi().GetAllocatorWithDefaultOptions(&p_)); }
  operator OrtAllocator*() { return p_; }
  operator const OrtAllocator*() const { return p_; }
  void* Alloc(size_t size) {
    void* out = nullptr;
    ThrowOnError(GetApi().AllocatorAlloc(p_, size, &out));
    return out;
  }
  void Free(void* p) { ThrowOnError(GetApi().AllocatorFree(p_, p)); }
  ConstMemoryInfo GetInfo() const {
    const OrtMemoryInfo* info = nullptr;
    ThrowOnError(GetApi().AllocatorGetInfo(p_, &info));
    return ConstMemoryInfo{info};
  }

 private:
  OrtAllocator* p_{};
};

// ---- type information -------------------------------------------------------------------------

namespace detail {
template <typename T>
struct TensorTypeAndShapeInfoImpl : Base<T> {
  using B = Base<T>;
  using B::B;
  ONNXTensorElementDataType GetElementType() const {
    ONNXTensorElementDataType out;
    ThrowOnError(GetApi().GetTensorElementType(this->p_, &out));
    return out;
  }
  size_t GetElementCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().GetTensorShapeElementCount(this->p_, &out));
    return out;
  }
  size_t GetDimensionsCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().GetDimensionsCount(this->p_, &out));
    return out;
  }
  void GetDimensions(int64_t* values, size_t values_count) const {
    ThrowOnError(GetApi().GetDimensions(this->p_, values, values_count));
  }
  void GetSymbolicDimensions(const char** values, size_t values_count) const {
    ThrowOnError(GetApi().GetSymbolicDimensions(this->p_, values, values_count));
  }
  // Dimensions; -1 for a symbolic or unknown dimension.
  std::vector<int64_t> GetShape() const {
    std::vector<int64_t> out(GetDimensionsCount(), 0);
    if (!out.empty()) GetDimensions(out.data(), out.size());
    return out;
  }
};
}  // namespace detail

using ConstTensorTypeAndShapeInfo = detail::TensorTypeAndShapeInfoImpl<detail::Unowned<const OrtTensorTypeAndShapeInfo>>;

struct TensorTypeAndShapeInfo : detail::TensorTypeAndShapeInfoImpl<OrtTensorTypeAndShapeInfo> {
  explicit TensorTypeAndShapeInfo(std::nullptr_t) {}
  explicit TensorTypeAndShapeInfo(OrtTensorTypeAndShapeInfo* p) : TensorTypeAndShapeInfoImpl{p} {}
  ConstTensorTypeAndShapeInfo GetConst() const { return ConstTensorTypeAndShapeInfo{this->p_}; }
};

struct TypeInfo;

struct ConstSequenceTypeInfo : detail::Base<detail::Unowned<const OrtSequenceTypeInfo>> {
  using Base::Base;
  TypeInfo GetSequenceElementType() const;
};
struct ConstMapTypeInfo : detail::Base<detail::Unowned<const OrtMapTypeInfo>> {
  using Base::Base;
  ONNXTensorElementDataType GetMapKeyType() const {
    ONNXTensorElementDataType out;
    ThrowOnError(GetApi().GetMapKeyType(p_, &out));
    return out;
  }
  TypeInfo GetMapValueType() const;
};
struct ConstOptionalTypeInfo : detail::Base<detail::Unowned<const OrtOptionalTypeInfo>> {
  using Base::Base;
  TypeInfo GetOptionalElementType() const;
};

namespace detail {
template <typename T>
struct TypeInfoImpl : Base<T> {
  using B = Base<T>;
  using B::B;
  ConstTensorTypeAndShapeInfo GetTensorTypeAndShapeInfo() const {
    const OrtTensorTypeAndShapeInfo* out = nullptr;
    ThrowOnError(GetApi().CastTypeInfoToTensorInfo(this->p_, &out));
    return ConstTensorTypeAndShapeInfo{out};
  }
  ConstSequenceTypeInfo GetSequenceTypeInfo() const {
    const OrtSequenceTypeInfo* out = nullptr;
    ThrowOnError(GetApi().CastTypeInfoToSequenceTypeInfo(this->p_, &out));
    return ConstSequenceTypeInfo{out};
  }
  ConstMapTypeInfo GetMapTypeInfo() const {
    const OrtMapTypeInfo* out = nullptr;
    ThrowOnError(GetApi().CastTypeInfoToMapTypeInfo(this->p_, &out));
    return ConstMapTypeInfo{out};
  }
  ConstOptionalTypeInfo GetOptionalTypeInfo() const {
    const OrtOptionalTypeInfo* out = nullptr;
    ThrowOnError(GetApi().CastTypeInfoToOptionalTypeInfo(this->p_, &out));
    return ConstOptionalTypeInfo{out};
  }
  ONNXType GetONNXType() const {
    ONNXType out;
    ThrowOnError(GetApi().GetOnnxTypeFromTypeInfo(this->p_, &out));
    return out;
  }
};
}  // namespace detail

using ConstTypeInfo = detail::TypeInfoImpl<detail::Unowned<const OrtTypeInfo>>;

struct TypeInfo : detail::TypeInfoImpl<OrtTypeInfo> {
  explicit TypeInfo(std::nullptr_t) {}
  explicit TypeInfo(OrtTypeInfo* p) : TypeInfoImpl<OrtTypeInfo>{p} {}
  ConstTypeInfo GetConst() const { return ConstTypeInfo{this->p_}; }
};

inline TypeInfo ConstSequenceTypeInfo::GetSequenceElementType() const {
  OrtTypeInfo* out = nullptr;
  ThrowOnError(GetApi().GetSequenceElementType(p_, &out));
  return TypeInfo{out};
}
inline TypeInfo ConstMapTypeInfo::GetMapValueType() const {
  OrtTypeInfo* out = nullptr;
  ThrowOnError(GetApi().GetMapValueType(p_, &out));
  return TypeInfo{out};
}
inline TypeInfo ConstOptionalTypeInfo::GetOptionalElementType() const {
  OrtTypeInfo* out = nullptr;
  ThrowOnError(GetApi().GetOptionalContainedTypeInfo(p_, &out));
  return TypeInfo{out};
}

// ---- values -------------------------------------------------------------------------------------

struct Value;

namespace detail {
template <typename T>
struct ConstValueImpl : Base<T> {
  using B = Base<T>;
  using B::B;
  bool IsTensor() const {
    int out = 0;
    ThrowOnError(GetApi().IsTensor(this->p_, &out));
    return out != 0;
  }
  bool HasValue() const {
    int out = 0;
    ThrowOnError(GetApi().HasValue(this->p_, &out));
    return out != 0;
  }
  size_t GetCount() const {
    size_t out = 0;
    ThrowOnError(GetApi().GetValueCount(this->p_, &out));
    return out;
  }
  Value GetValue(int index, OrtAllocator* allocator) const;
  template <typename R>
  const R* GetTensorData() const {
    void* out = nullptr;
    ThrowOnError(GetApi().GetTensorMutableData(const_cast<OrtValue*>(static_cast<const OrtValue*>(this->p_)), &out));
    return static_cast<const R*>(out);
  }
  const void* GetTensorRawData() const { return GetTensorData<void>(); }
  TypeInfo GetTypeInfo() const {
    OrtTypeInfo* out = nullptr;
    ThrowOnError(GetApi().GetTypeInfo(this->p_, &out));
    return TypeInfo{out};
  }
  TensorTypeAndShapeInfo GetTensorTypeAndShapeInfo() const {
    OrtTensorTypeAndShapeInfo* out = nullptr;
    ThrowOnError(GetApi().GetTensorTypeAndShape(this->p_, &out));
    return TensorTypeAndShapeInfo{out};
  }
  ConstMemoryInfo GetTensorMemoryInfo() const {
    const OrtMemoryInfo* out = nullptr;
    ThrowOnError(GetApi().GetTensorMemoryInfo(this->p_, &out));
    return ConstMemoryInfo{out};
  }
  size_t GetStringTensorDataLength() const {
    size_t out = 0;
    ThrowOnError(GetApi().GetStringTensorDataLength(this->p_, &out));
    return out;
  }
  size_t GetStringTensorElementLength(size_t element_index) const {
    size_t out = 0;
    ThrowOnError(GetApi().GetStringTensorElementLength(this->p_, element_index, &out));
    return out;
  }
  void GetStringTensorContent(void* buffer, size_t buffer_length, size_t* offsets, size_t offsets_count) const {
    ThrowOnError(GetApi().GetStringTensorContent(this->p_, buffer, buffer_length, offsets, offsets_count));
  }
  void GetStringTensorElement(size_t buffer_length, size_t element_index, void* buffer) const {
    ThrowOnError(GetApi().GetStringTensorElement(this->p_, buffer_length, element_index, buffer));
  }
  std::string GetStringTensorElement(size_t element_index) const {
    std::string s(GetStringTensorElementLength(element_index), '\0');
    if (!s.empty()) GetStringTensorElement(s.size(), element_index, &s[0]);
    return s;
  }
};

template <typename T>
struct ValueImpl : ConstValueImpl<T> {
  using B = ConstValueImpl<T>;
  using B::B;
  template <typename R>
  R* GetTensorMutableData() {
    void* out = nullptr;
    ThrowOnError(GetApi().GetTensorMutableData(this->p_, &out));
    return static_cast<R*>(out);
  }
  void* GetTensorMutableRawData() { return GetTensorMutableData<void>(); }
  // The element at a multi-dimensional index (row-major), for tensors of numeric type R.
  template <typename R>
  R& At(const std::vector<int64_t>& location) {
    auto shape = this->GetTensorTypeAndShapeInfo().GetShape();
    int64_t offset = 0;
    for (size_t i = 0; i < shape.size(); ++i) offset = offset * shape[i] + location[i];
    return GetTensorMutableData<R>()[offset];
  }
  void FillStringTensor(const char* const* s, size_t s_len) { ThrowOnError(GetApi().FillStringTensor(this->p_, s, s_len)); }
  void FillStringTensorElement(const char* s, size_t index) {
    ThrowOnError(GetApi().FillStringTensorElement(this->p_, s, index));
  }
};
}  // namespace detail

using ConstValue = detail::ConstValueImpl<detail::Unowned<const OrtValue>>;
using UnownedValue = detail::ValueImpl<detail::Unowned<OrtValue>>;

struct Value : detail::ValueImpl<OrtValue> {
  explicit Value(std::nullptr_t) {}
  explicit Value(OrtValue* p) : ValueImpl<OrtValue>{p} {}
  Value(Value&&) = default;
  Value& operator=(Value&&) = default;

  ConstValue GetConst() const { return ConstValue{this->p_}; }
  UnownedValue GetUnowned() const { return UnownedValue{this->p_}; }

  // A tensor over caller memory (the caller keeps it alive); p_data_element_count elements of T.
  template <typename T>
  static Value CreateTensor(const OrtMemoryInfo* info, T* p_data, size_t p_data_element_count, const int64_t* shape,
                            size_t shape_len) {
    return CreateTensor(info, p_data, p_data_element_count * sizeof(T), shape, shape_len, TypeToTensorType<T>::type);
  }
  static Value CreateTensor(const OrtMemoryInfo* info, void* p_data, size_t p_data_byte_count, const int64_t* shape,
                            size_t shape_len, ONNXTensorElementDataType type) {
    OrtValue* out = nullptr;
    ThrowOnError(GetApi().CreateTensorWithDataAsOrtValue(info, p_data, p_data_byte_count, shape, shape_len, type, &out));
    return Value{out};
  }
  // A tensor whose memory `allocator` owns.
  template <typename T>
  static Value CreateTensor(OrtAllocator* allocator, const int64_t* shape, size_t shape_len) {
    return CreateTensor(allocator, shape, shape_len, TypeToTensorType<T>::type);
  }
  static Value CreateTensor(OrtAllocator* allocator, const int64_t* shape, size_t shape_len,
                            ONNXTensorElementDataType type) {
    OrtValue* out = nullptr;
    ThrowOnError(GetApi().CreateTensorAsOrtValue(allocator, shape, shape_len, type, &out));
    return Value{out};
  }
  static Value CreateSequence(const std::vector<Value>& values) {
    std::vector<const OrtValue*> in;
    for (const auto& v : values) in.push_back(v);
    OrtValue* out = nullptr;
    ThrowOnError(GetApi().CreateValue(in.data(), in.size(), ONNX_TYPE_SEQUENCE, &out));
    return Value{out};
  }
  static Value CreateMap(const Value& keys, const Value& values) {
    const OrtValue* in[2] = {keys, values};
    OrtValue* out = nullptr;
    ThrowOnError(GetApi().CreateValue(in, 2, ONNX_TYPE_MAP, &out));
    return Value{out};
  }
};

template <typename T>
Value detail::ConstValueImpl<T>::GetValue(int index, OrtAllocator* allocator) const {
  OrtValue* out = nullptr;
  ThrowOnError(GetApi().GetValue(this->p_, index, allocator, &out));
  return Value{out};
}

}  // namespace Ort

// Sessions and I/O binding; custom operators (KernelInfo, KernelContext, CustomOpBase).
#include "onnxruntime_cxx_session.h"
#include "onnxruntime_cxx_custom_op.h"

#endif  // ORTLITE_ONNXRUNTIME_CXX_API_H_
