// The structs behind the C API's opaque handles.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "core/session/inference_session.h"
#include "ort_compat/onnxruntime_c_api.h"

struct OrtStatus {
  OrtErrorCode code;
  std::string message;
};

struct OrtThreadingOptions {
  int intra_op_num_threads = 0;
  int inter_op_num_threads = 0;
  bool allow_spinning = true;
};

struct OrtEnv {
  OrtLoggingLevel level = ORT_LOGGING_LEVEL_WARNING;
  std::string log_id;
  std::shared_ptr<ortlite::ThreadPool> global_intra_pool;
  std::shared_ptr<ortlite::InterOpPool> global_inter_pool;
};

struct OrtCustomOpDomain {
  std::string domain;
  std::vector<const OrtCustomOp*> ops;
};

struct OrtSessionOptions {
  ortlite::SessionOptions options;
  std::vector<std::pair<std::string, std::map<std::string, std::string>>> providers;
  std::vector<OrtCustomOpDomain*> custom_op_domains;  // owned by the caller, alive while sessions are
  std::vector<std::shared_ptr<void>> libraries;       // custom-op libraries kept loaded
};

struct OrtSession {
  // Declared first so they are released last: the session's custom-op kernels call into these
  // libraries (KernelDestroy) when the session is destroyed.
  std::vector<std::shared_ptr<void>> libraries;
  std::shared_ptr<ortlite::KernelRegistry> custom_kernels;
  std::unique_ptr<ortlite::InferenceSession> session;
};

struct OrtMemoryInfo {
  std::string name = "Cpu";
  int id = 0;
  OrtAllocatorType alloc_type = OrtDeviceAllocator;
  OrtMemType mem_type = OrtMemTypeDefault;
};

struct OrtValue {
  ortlite::OrtValue value;
  OrtMemoryInfo memory_info;
};

struct OrtTensorTypeAndShapeInfo {
  ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  std::vector<int64_t> dims;
  std::vector<std::string> symbolic_dims;
};

struct OrtTypeInfo {
  ONNXType type = ONNX_TYPE_UNKNOWN;
  std::string denotation;
  std::unique_ptr<OrtTensorTypeAndShapeInfo> tensor;
  std::unique_ptr<OrtTypeInfo> element;  // sequence/optional element, map value
  ONNXTensorElementDataType map_key = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
};

struct OrtRunOptions {
  ortlite::RunOptions options;
  int log_verbosity_level = 0;
  std::map<std::string, std::string> config;
};

struct OrtModelMetadata {
  ortlite::ModelMetadata metadata;
};

struct OrtIoBinding {
  OrtSession* session = nullptr;
  std::vector<std::string> input_names;
  std::vector<ortlite::OrtValue> inputs;
  std::vector<std::string> output_names;
  std::vector<std::unique_ptr<OrtValue>> outputs;  // pre-bound value, or empty to be filled by Run
  std::vector<bool> preallocated;
};

struct OrtKernelInfo {
  const ortlite::OpKernelInfo* info;
};

struct OrtKernelContext {
  ortlite::OpKernelContext* ctx;
  const OrtCustomOp* op;
  std::vector<std::unique_ptr<OrtValue>> inputs, outputs;
};
