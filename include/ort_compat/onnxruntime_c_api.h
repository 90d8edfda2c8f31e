// ortlite's C API, with ONNX Runtime's names, enums and calling pattern:
//   const OrtApi* api = OrtGetApiBase()->GetApi(ORT_API_VERSION);
//   OrtStatus* st = api->CreateEnv(ORT_LOGGING_LEVEL_WARNING, "app", &env);
// Every function returns an OrtStatus* (NULL on success) to be released with ReleaseStatus.
// The C++ API (onnxruntime_cxx_api.h) is a header-only layer over this struct.
#ifndef ORTLITE_ONNXRUNTIME_C_API_H_
#define ORTLITE_ONNXRUNTIME_C_API_H_

#include <stddef.h>
#include <stdint.h>

#define ORT_API_VERSION 16
#define ORT_API_CALL
#define ORTCHAR_T char
#define ORT_TSTR(X) X

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ONNXTensorElementDataType {
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX64,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_COMPLEX128,
  ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16
} ONNXTensorElementDataType;

typedef enum ONNXType {
  ONNX_TYPE_UNKNOWN,
  ONNX_TYPE_TENSOR,
  ONNX_TYPE_SEQUENCE,
  ONNX_TYPE_MAP,
  ONNX_TYPE_OPAQUE,
  ONNX_TYPE_SPARSETENSOR,
  ONNX_TYPE_OPTIONAL
} ONNXType;

typedef enum OrtLoggingLevel {
  ORT_LOGGING_LEVEL_VERBOSE,
  ORT_LOGGING_LEVEL_INFO,
  ORT_LOGGING_LEVEL_WARNING,
  ORT_LOGGING_LEVEL_ERROR,
  ORT_LOGGING_LEVEL_FATAL
} OrtLoggingLevel;

typedef enum OrtErrorCode {
  ORT_OK,
  ORT_FAIL,
  ORT_INVALID_ARGUMENT,
  ORT_NO_SUCHFILE,
  ORT_NO_MODEL,
  ORT_ENGINE_ERROR,
  ORT_RUNTIME_EXCEPTION,
  ORT_INVALID_PROTOBUF,
  ORT_MODEL_LOADED,
  ORT_NOT_IMPLEMENTED,
  ORT_INVALID_GRAPH,
  ORT_EP_FAIL
} OrtErrorCode;

typedef enum GraphOptimizationLevel {
  ORT_DISABLE_ALL = 0,
  ORT_ENABLE_BASIC = 1,
  ORT_ENABLE_EXTENDED = 2,
  ORT_ENABLE_ALL = 99
} GraphOptimizationLevel;

typedef enum ExecutionMode { ORT_SEQUENTIAL = 0, ORT_PARALLEL = 1 } ExecutionMode;

typedef enum OrtAllocatorType { OrtInvalidAllocator = -1, OrtDeviceAllocator = 0, OrtArenaAllocator = 1 } OrtAllocatorType;

typedef enum OrtMemType {
  OrtMemTypeCPUInput = -2,
  OrtMemTypeCPUOutput = -1,
  OrtMemTypeCPU = OrtMemTypeCPUOutput,
  OrtMemTypeDefault = 0
} OrtMemType;

typedef enum OrtCustomOpInputOutputCharacteristic {
  INPUT_OUTPUT_REQUIRED = 0,
  INPUT_OUTPUT_OPTIONAL,
  INPUT_OUTPUT_VARIADIC
} OrtCustomOpInputOutputCharacteristic;

typedef struct OrtEnv OrtEnv;
typedef struct OrtStatus OrtStatus;
typedef OrtStatus* OrtStatusPtr;
typedef struct OrtMemoryInfo OrtMemoryInfo;
typedef struct OrtIoBinding OrtIoBinding;
typedef struct OrtSession OrtSession;
typedef struct OrtValue OrtValue;
typedef struct OrtRunOptions OrtRunOptions;
typedef struct OrtTypeInfo OrtTypeInfo;
typedef struct OrtTensorTypeAndShapeInfo OrtTensorTypeAndShapeInfo;
typedef struct OrtSequenceTypeInfo OrtSequenceTypeInfo;
typedef struct OrtMapTypeInfo OrtMapTypeInfo;
typedef struct OrtOptionalTypeInfo OrtOptionalTypeInfo;
typedef struct OrtSessionOptions OrtSessionOptions;
typedef struct OrtCustomOpDomain OrtCustomOpDomain;
typedef struct OrtModelMetadata OrtModelMetadata;
typedef struct OrtThreadingOptions OrtThreadingOptions;
typedef struct OrtKernelInfo OrtKernelInfo;
typedef struct OrtKernelContext OrtKernelContext;

typedef struct OrtAllocator {
  uint32_t version;
  void*(ORT_API_CALL* Alloc)(struct OrtAllocator* this_, size_t size);
  void(ORT_API_CALL* Free)(struct OrtAllocator* this_, void* p);
  const struct OrtMemoryInfo*(ORT_API_CALL* Info)(const struct OrtAllocator* this_);
} OrtAllocator;

struct OrtApi;
typedef struct OrtApi OrtApi;

// A custom operator's description, filled in by the library that defines it.
typedef struct OrtCustomOp {
  uint32_t version;
  void*(ORT_API_CALL* CreateKernel)(const struct OrtCustomOp* op, const OrtApi* api, const OrtKernelInfo* info);
  const char*(ORT_API_CALL* GetName)(const struct OrtCustomOp* op);
  const char*(ORT_API_CALL* GetExecutionProviderType)(const struct OrtCustomOp* op);
  ONNXTensorElementDataType(ORT_API_CALL* GetInputType)(const struct OrtCustomOp* op, size_t index);
  size_t(ORT_API_CALL* GetInputTypeCount)(const struct OrtCustomOp* op);
  ONNXTensorElementDataType(ORT_API_CALL* GetOutputType)(const struct OrtCustomOp* op, size_t index);
  size_t(ORT_API_CALL* GetOutputTypeCount)(const struct OrtCustomOp* op);
  void(ORT_API_CALL* KernelCompute)(void* op_kernel, OrtKernelContext* context);
  void(ORT_API_CALL* KernelDestroy)(void* op_kernel);
  OrtCustomOpInputOutputCharacteristic(ORT_API_CALL* GetInputCharacteristic)(const struct OrtCustomOp* op, size_t index);
  OrtCustomOpInputOutputCharacteristic(ORT_API_CALL* GetOutputCharacteristic)(const struct OrtCustomOp* op, size_t index);
  OrtMemType(ORT_API_CALL* GetInputMemoryType)(const struct OrtCustomOp* op, size_t index);
  int(ORT_API_CALL* GetVariadicInputMinArity)(const struct OrtCustomOp* op);
  int(ORT_API_CALL* GetVariadicInputHomogeneity)(const struct OrtCustomOp* op);
  int(ORT_API_CALL* GetVariadicOutputMinArity)(const struct OrtCustomOp* op);
  int(ORT_API_CALL* GetVariadicOutputHomogeneity)(const struct OrtCustomOp* op);
  OrtStatusPtr(ORT_API_CALL* CreateKernelV2)(const struct OrtCustomOp* op, const OrtApi* api, const OrtKernelInfo* info,
                                             void** kernel);
  OrtStatusPtr(ORT_API_CALL* KernelComputeV2)(void* op_kernel, OrtKernelContext* context);
} OrtCustomOp;

#define ORT_API2_STATUS(NAME, ...) OrtStatusPtr(ORT_API_CALL* NAME)(__VA_ARGS__)

struct OrtApi {
  // Status
  OrtStatus*(ORT_API_CALL* CreateStatus)(OrtErrorCode code, const char* msg);
  OrtErrorCode(ORT_API_CALL* GetErrorCode)(const OrtStatus* status);
  const char*(ORT_API_CALL* GetErrorMessage)(const OrtStatus* status);
  void(ORT_API_CALL* ReleaseStatus)(OrtStatus* status);

  // Env and threading
  ORT_API2_STATUS(CreateEnv, OrtLoggingLevel log_severity_level, const char* logid, OrtEnv** out);
  ORT_API2_STATUS(CreateEnvWithGlobalThreadPools, OrtLoggingLevel log_severity_level, const char* logid,
                  const OrtThreadingOptions* tp_options, OrtEnv** out);
  void(ORT_API_CALL* ReleaseEnv)(OrtEnv* env);
  ORT_API2_STATUS(CreateThreadingOptions, OrtThreadingOptions** out);
  ORT_API2_STATUS(SetGlobalIntraOpNumThreads, OrtThreadingOptions* tp_options, int intra_op_num_threads);
  ORT_API2_STATUS(SetGlobalInterOpNumThreads, OrtThreadingOptions* tp_options, int inter_op_num_threads);
  ORT_API2_STATUS(SetGlobalSpinControl, OrtThreadingOptions* tp_options, int allow_spinning);
  void(ORT_API_CALL* ReleaseThreadingOptions)(OrtThreadingOptions* input);

  // Session options
  ORT_API2_STATUS(CreateSessionOptions, OrtSessionOptions** options);
  ORT_API2_STATUS(CloneSessionOptions, const OrtSessionOptions* in_options, OrtSessionOptions** out_options);
  ORT_API2_STATUS(SetIntraOpNumThreads, OrtSessionOptions* options, int intra_op_num_threads);
  ORT_API2_STATUS(SetInterOpNumThreads, OrtSessionOptions* options, int inter_op_num_threads);
  ORT_API2_STATUS(SetSessionExecutionMode, OrtSessionOptions* options, ExecutionMode execution_mode);
  ORT_API2_STATUS(SetSessionGraphOptimizationLevel, OrtSessionOptions* options, GraphOptimizationLevel level);
  ORT_API2_STATUS(SetOptimizedModelFilePath, OrtSessionOptions* options, const ORTCHAR_T* optimized_model_filepath);
  ORT_API2_STATUS(EnableProfiling, OrtSessionOptions* options, const ORTCHAR_T* profile_file_prefix);
  ORT_API2_STATUS(DisableProfiling, OrtSessionOptions* options);
  ORT_API2_STATUS(SetSessionLogId, OrtSessionOptions* options, const char* logid);
  ORT_API2_STATUS(SetSessionLogSeverityLevel, OrtSessionOptions* options, int session_log_severity_level);
  ORT_API2_STATUS(EnableCpuMemArena, OrtSessionOptions* options);
  ORT_API2_STATUS(DisableCpuMemArena, OrtSessionOptions* options);
  ORT_API2_STATUS(EnableMemPattern, OrtSessionOptions* options);
  ORT_API2_STATUS(DisableMemPattern, OrtSessionOptions* options);
  ORT_API2_STATUS(AddSessionConfigEntry, OrtSessionOptions* options, const char* config_key, const char* config_value);
  ORT_API2_STATUS(AddFreeDimensionOverride, OrtSessionOptions* options, const char* dim_denotation, int64_t dim_value);
  ORT_API2_STATUS(AddFreeDimensionOverrideByName, OrtSessionOptions* options, const char* dim_name, int64_t dim_value);
  ORT_API2_STATUS(DisablePerSessionThreads, OrtSessionOptions* options);
  ORT_API2_STATUS(SessionOptionsAppendExecutionProvider, OrtSessionOptions* options, const char* provider_name,
                  const char* const* provider_options_keys, const char* const* provider_options_values,
                  size_t num_keys);
  ORT_API2_STATUS(RegisterCustomOpsLibrary_V2, OrtSessionOptions* options, const ORTCHAR_T* library_name);
  ORT_API2_STATUS(AddCustomOpDomain, OrtSessionOptions* options, OrtCustomOpDomain* custom_op_domain);
  void(ORT_API_CALL* ReleaseSessionOptions)(OrtSessionOptions* input);

  // Custom op domains
  ORT_API2_STATUS(CreateCustomOpDomain, const char* domain, OrtCustomOpDomain** out);
  ORT_API2_STATUS(CustomOpDomain_Add, OrtCustomOpDomain* custom_op_domain, const OrtCustomOp* op);
  void(ORT_API_CALL* ReleaseCustomOpDomain)(OrtCustomOpDomain* input);

  // Session
  ORT_API2_STATUS(CreateSession, const OrtEnv* env, const ORTCHAR_T* model_path, const OrtSessionOptions* options,
                  OrtSession** out);
  ORT_API2_STATUS(CreateSessionFromArray, const OrtEnv* env, const void* model_data, size_t model_data_length,
                  const OrtSessionOptions* options, OrtSession** out);
  ORT_API2_STATUS(Run, OrtSession* session, const OrtRunOptions* run_options, const char* const* input_names,
                  const OrtValue* const* inputs, size_t input_len, const char* const* output_names,
                  size_t output_names_len, OrtValue** outputs);
  ORT_API2_STATUS(RunWithBinding, OrtSession* session, const OrtRunOptions* run_options, const OrtIoBinding* binding_ptr);
  ORT_API2_STATUS(SessionGetInputCount, const OrtSession* session, size_t* out);
  ORT_API2_STATUS(SessionGetOutputCount, const OrtSession* session, size_t* out);
  ORT_API2_STATUS(SessionGetOverridableInitializerCount, const OrtSession* session, size_t* out);
  ORT_API2_STATUS(SessionGetInputTypeInfo, const OrtSession* session, size_t index, OrtTypeInfo** type_info);
  ORT_API2_STATUS(SessionGetOutputTypeInfo, const OrtSession* session, size_t index, OrtTypeInfo** type_info);
  ORT_API2_STATUS(SessionGetOverridableInitializerTypeInfo, const OrtSession* session, size_t index,
                  OrtTypeInfo** type_info);
  ORT_API2_STATUS(SessionGetInputName, const OrtSession* session, size_t index, OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(SessionGetOutputName, const OrtSession* session, size_t index, OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(SessionGetOverridableInitializerName, const OrtSession* session, size_t index,
                  OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(SessionEndProfiling, OrtSession* session, OrtAllocator* allocator, char** out);
  ORT_API2_STATUS(SessionGetModelMetadata, const OrtSession* session, OrtModelMetadata** out);
  ORT_API2_STATUS(SessionGetProfilingStartTimeNs, const OrtSession* session, uint64_t* out);
  void(ORT_API_CALL* ReleaseSession)(OrtSession* input);

  // Model metadata
  ORT_API2_STATUS(ModelMetadataGetProducerName, const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(ModelMetadataGetGraphName, const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(ModelMetadataGetDomain, const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(ModelMetadataGetDescription, const OrtModelMetadata* model_metadata, OrtAllocator* allocator, char** value);
  ORT_API2_STATUS(ModelMetadataGetGraphDescription, const OrtModelMetadata* model_metadata, OrtAllocator* allocator,
                  char** value);
  ORT_API2_STATUS(ModelMetadataLookupCustomMetadataMap, const OrtModelMetadata* model_metadata, OrtAllocator* allocator,
                  const char* key, char** value);
  ORT_API2_STATUS(ModelMetadataGetCustomMetadataMapKeys, const OrtModelMetadata* model_metadata, OrtAllocator* allocator,
                  char*** keys, int64_t* num_keys);
  ORT_API2_STATUS(ModelMetadataGetVersion, const OrtModelMetadata* model_metadata, int64_t* value);
  void(ORT_API_CALL* ReleaseModelMetadata)(OrtModelMetadata* input);

  // Type information
  ORT_API2_STATUS(GetOnnxTypeFromTypeInfo, const OrtTypeInfo* type_info, ONNXType* out);
  ORT_API2_STATUS(CastTypeInfoToTensorInfo, const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out);
  ORT_API2_STATUS(CastTypeInfoToSequenceTypeInfo, const OrtTypeInfo* type_info, const OrtSequenceTypeInfo** out);
  ORT_API2_STATUS(CastTypeInfoToMapTypeInfo, const OrtTypeInfo* type_info, const OrtMapTypeInfo** out);
  ORT_API2_STATUS(CastTypeInfoToOptionalTypeInfo, const OrtTypeInfo* type_info, const OrtOptionalTypeInfo** out);
  ORT_API2_STATUS(GetSequenceElementType, const OrtSequenceTypeInfo* sequence_type_info, OrtTypeInfo** type_info);
  ORT_API2_STATUS(GetMapKeyType, const OrtMapTypeInfo* map_type_info, ONNXTensorElementDataType* out);
  ORT_API2_STATUS(GetMapValueType, const OrtMapTypeInfo* map_type_info, OrtTypeInfo** type_info);
  ORT_API2_STATUS(GetOptionalContainedTypeInfo, const OrtOptionalTypeInfo* optional_type_info, OrtTypeInfo** out);
  ORT_API2_STATUS(GetDenotationFromTypeInfo, const OrtTypeInfo* type_info, const char** const denotation, size_t* len);
  void(ORT_API_CALL* ReleaseTypeInfo)(OrtTypeInfo* input);

  ORT_API2_STATUS(CreateTensorTypeAndShapeInfo, OrtTensorTypeAndShapeInfo** out);
  ORT_API2_STATUS(SetTensorElementType, OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType type);
  ORT_API2_STATUS(SetDimensions, OrtTensorTypeAndShapeInfo* info, const int64_t* dim_values, size_t dim_count);
  ORT_API2_STATUS(GetTensorElementType, const OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType* out);
  ORT_API2_STATUS(GetDimensionsCount, const OrtTensorTypeAndShapeInfo* info, size_t* out);
  ORT_API2_STATUS(GetDimensions, const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values, size_t dim_values_length);
  ORT_API2_STATUS(GetSymbolicDimensions, const OrtTensorTypeAndShapeInfo* info, const char* dim_params[],
                  size_t dim_params_length);
  ORT_API2_STATUS(GetTensorShapeElementCount, const OrtTensorTypeAndShapeInfo* info, size_t* out);
  void(ORT_API_CALL* ReleaseTensorTypeAndShapeInfo)(OrtTensorTypeAndShapeInfo* input);

  // Values
  ORT_API2_STATUS(CreateTensorAsOrtValue, OrtAllocator* allocator, const int64_t* shape, size_t shape_len,
                  ONNXTensorElementDataType type, OrtValue** out);
  ORT_API2_STATUS(CreateTensorWithDataAsOrtValue, const OrtMemoryInfo* info, void* p_data, size_t p_data_len,
                  const int64_t* shape, size_t shape_len, ONNXTensorElementDataType type, OrtValue** out);
  ORT_API2_STATUS(IsTensor, const OrtValue* value, int* out);
  ORT_API2_STATUS(HasValue, const OrtValue* value, int* out);
  ORT_API2_STATUS(GetValueType, const OrtValue* value, ONNXType* out);
  ORT_API2_STATUS(GetTensorMutableData, OrtValue* value, void** out);
  ORT_API2_STATUS(GetTensorTypeAndShape, const OrtValue* value, OrtTensorTypeAndShapeInfo** out);
  ORT_API2_STATUS(GetTypeInfo, const OrtValue* value, OrtTypeInfo** out);
  ORT_API2_STATUS(GetTensorMemoryInfo, const OrtValue* value, const OrtMemoryInfo** mem_info);
  ORT_API2_STATUS(FillStringTensor, OrtValue* value, const char* const* s, size_t s_len);
  ORT_API2_STATUS(FillStringTensorElement, OrtValue* value, const char* s, size_t index);
  ORT_API2_STATUS(GetStringTensorDataLength, const OrtValue* value, size_t* len);
  ORT_API2_STATUS(GetStringTensorContent, const OrtValue* value, void* s, size_t s_len, size_t* offsets,
                  size_t offsets_len);
  ORT_API2_STATUS(GetStringTensorElementLength, const OrtValue* value, size_t index, size_t* out);
  ORT_API2_STATUS(GetStringTensorElement, const OrtValue* value, size_t s_len, size_t index, void* s);
  ORT_API2_STATUS(GetValueCount, const OrtValue* value, size_t* out);
  ORT_API2_STATUS(GetValue, const OrtValue* value, int index, OrtAllocator* allocator, OrtValue** out);
  ORT_API2_STATUS(CreateValue, const OrtValue* const* in, size_t num_values, enum ONNXType value_type, OrtValue** out);
  void(ORT_API_CALL* ReleaseValue)(OrtValue* input);

  // Memory
  ORT_API2_STATUS(CreateCpuMemoryInfo, enum OrtAllocatorType type, enum OrtMemType mem_type, OrtMemoryInfo** out);
  ORT_API2_STATUS(CreateMemoryInfo, const char* name, enum OrtAllocatorType type, int id, enum OrtMemType mem_type,
                  OrtMemoryInfo** out);
  ORT_API2_STATUS(CompareMemoryInfo, const OrtMemoryInfo* info1, const OrtMemoryInfo* info2, int* out);
  ORT_API2_STATUS(MemoryInfoGetName, const OrtMemoryInfo* ptr, const char** out);
  ORT_API2_STATUS(MemoryInfoGetId, const OrtMemoryInfo* ptr, int* out);
  ORT_API2_STATUS(MemoryInfoGetMemType, const OrtMemoryInfo* ptr, OrtMemType* out);
  ORT_API2_STATUS(MemoryInfoGetType, const OrtMemoryInfo* ptr, OrtAllocatorType* out);
  void(ORT_API_CALL* ReleaseMemoryInfo)(OrtMemoryInfo* input);
  ORT_API2_STATUS(GetAllocatorWithDefaultOptions, OrtAllocator** out);
  ORT_API2_STATUS(AllocatorAlloc, OrtAllocator* ort_allocator, size_t size, void** out);
  ORT_API2_STATUS(AllocatorFree, OrtAllocator* ort_allocator, void* p);
  ORT_API2_STATUS(AllocatorGetInfo, const OrtAllocator* ort_allocator, const struct OrtMemoryInfo** out);

  // Run options
  ORT_API2_STATUS(CreateRunOptions, OrtRunOptions** out);
  ORT_API2_STATUS(RunOptionsSetRunLogVerbosityLevel, OrtRunOptions* options, int log_verbosity_level);
  ORT_API2_STATUS(RunOptionsSetRunLogSeverityLevel, OrtRunOptions* options, int log_severity_level);
  ORT_API2_STATUS(RunOptionsSetRunTag, OrtRunOptions* options, const char* run_tag);
  ORT_API2_STATUS(RunOptionsGetRunLogVerbosityLevel, const OrtRunOptions* options, int* log_verbosity_level);
  ORT_API2_STATUS(RunOptionsGetRunLogSeverityLevel, const OrtRunOptions* options, int* log_severity_level);
  ORT_API2_STATUS(RunOptionsGetRunTag, const OrtRunOptions* options, const char** run_tag);
  ORT_API2_STATUS(RunOptionsSetTerminate, OrtRunOptions* options);
  ORT_API2_STATUS(RunOptionsUnsetTerminate, OrtRunOptions* options);
  ORT_API2_STATUS(AddRunConfigEntry, OrtRunOptions* options, const char* config_key, const char* config_value);
  void(ORT_API_CALL* ReleaseRunOptions)(OrtRunOptions* input);

  // I/O binding
  ORT_API2_STATUS(CreateIoBinding, OrtSession* session, OrtIoBinding** out);
  ORT_API2_STATUS(BindInput, OrtIoBinding* binding_ptr, const char* name, const OrtValue* val_ptr);
  ORT_API2_STATUS(BindOutput, OrtIoBinding* binding_ptr, const char* name, const OrtValue* val_ptr);
  ORT_API2_STATUS(BindOutputToDevice, OrtIoBinding* binding_ptr, const char* name, const OrtMemoryInfo* mem_info_ptr);
  ORT_API2_STATUS(GetBoundOutputNames, const OrtIoBinding* binding_ptr, OrtAllocator* allocator, char** buffer,
                  size_t** lengths, size_t* count);
  ORT_API2_STATUS(GetBoundOutputValues, const OrtIoBinding* binding_ptr, OrtAllocator* allocator, OrtValue*** output,
                  size_t* output_count);
  void(ORT_API_CALL* ClearBoundInputs)(OrtIoBinding* binding_ptr);
  void(ORT_API_CALL* ClearBoundOutputs)(OrtIoBinding* binding_ptr);
  ORT_API2_STATUS(SynchronizeBoundInputs, OrtIoBinding* binding_ptr);
  ORT_API2_STATUS(SynchronizeBoundOutputs, OrtIoBinding* binding_ptr);
  void(ORT_API_CALL* ReleaseIoBinding)(OrtIoBinding* input);

  // Kernels of custom ops
  ORT_API2_STATUS(KernelInfoGetAttribute_float, const OrtKernelInfo* info, const char* name, float* out);
  ORT_API2_STATUS(KernelInfoGetAttribute_int64, const OrtKernelInfo* info, const char* name, int64_t* out);
  ORT_API2_STATUS(KernelInfoGetAttribute_string, const OrtKernelInfo* info, const char* name, char* out, size_t* size);
  ORT_API2_STATUS(KernelInfoGetAttributeArray_float, const OrtKernelInfo* info, const char* name, float* out,
                  size_t* size);
  ORT_API2_STATUS(KernelInfoGetAttributeArray_int64, const OrtKernelInfo* info, const char* name, int64_t* out,
                  size_t* size);
  ORT_API2_STATUS(KernelInfo_GetInputCount, const OrtKernelInfo* info, size_t* out);
  ORT_API2_STATUS(KernelInfo_GetOutputCount, const OrtKernelInfo* info, size_t* out);
  ORT_API2_STATUS(KernelInfo_GetNodeName, const OrtKernelInfo* info, char* out, size_t* size);
  ORT_API2_STATUS(KernelContext_GetInputCount, const OrtKernelContext* context, size_t* out);
  ORT_API2_STATUS(KernelContext_GetOutputCount, const OrtKernelContext* context, size_t* out);
  ORT_API2_STATUS(KernelContext_GetInput, const OrtKernelContext* context, size_t index, const OrtValue** out);
  ORT_API2_STATUS(KernelContext_GetOutput, OrtKernelContext* context, size_t index, const int64_t* dim_values,
                  size_t dim_count, OrtValue** out);

  // Providers and version
  ORT_API2_STATUS(GetAvailableProviders, char*** out_ptr, int* provider_length);
  ORT_API2_STATUS(ReleaseAvailableProviders, char** ptr, int providers_length);
};

typedef struct OrtApiBase {
  const OrtApi*(ORT_API_CALL* GetApi)(uint32_t version);
  const char*(ORT_API_CALL* GetVersionString)(void);
} OrtApiBase;

// The entry point of the C API.
const OrtApiBase* ORT_API_CALL OrtGetApiBase(void);

#ifdef __cplusplus
}
#endif

#endif  // ORTLITE_ONNXRUNTIME_C_API_H_
