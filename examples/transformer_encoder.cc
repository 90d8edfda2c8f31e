// A transformer encoder with the Ort:: C++ API: print the model's metadata and its inputs and
// outputs (with their symbolic dimensions), run it on int64 input_ids + attention_mask, print
// the output shapes and first values.
//
//   transformer_encoder [model.onnx]   (default examples/models/tiny_transformer/model.onnx)
//
// Inputs come from test_data_set_0 next to the model when there is one, and the outputs are then
// checked against the expected ones (exit code 1 on a mismatch); otherwise a small batch of
// token ids is generated. A second run with another batch size and sequence length shows the
// symbolic dimensions at work.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "onnxruntime_cxx_api.h"
#include "tensor_proto_reader.h"

namespace {

std::string ShapeString(const std::vector<int64_t>& shape, const std::vector<const char*>& symbolic = {}) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    if (shape[i] < 0 && i < symbolic.size() && symbolic[i] && *symbolic[i]) s += symbolic[i];
    else s += std::to_string(shape[i]);
  }
  return s + "]";
}

const char* ElementTypeName(ONNXTensorElementDataType t) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return "float";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return "int64";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return "int32";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return "float16";
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return "bool";
    default: return "other";
  }
}

void PrintValueInfo(const char* kind, const char* name, const Ort::TypeInfo& type) {
  auto info = type.GetTensorTypeAndShapeInfo();
  std::vector<int64_t> shape = info.GetShape();
  std::vector<const char*> symbolic(shape.size(), nullptr);
  if (!shape.empty()) info.GetSymbolicDimensions(symbolic.data(), symbolic.size());
  std::cout << "  " << kind << " " << name << ": " << ElementTypeName(info.GetElementType()) << " "
            << ShapeString(shape, symbolic) << "\n";
}

void PrintMetadata(const Ort::Session& session) {
  Ort::AllocatorWithDefaultOptions allocator;
  Ort::ModelMetadata md = session.GetModelMetadata();
  std::cout << "Model metadata:\n";
  std::cout << "  producer:          " << md.GetProducerNameAllocated(allocator).get() << "\n";
  std::cout << "  graph name:        " << md.GetGraphNameAllocated(allocator).get() << "\n";
  std::cout << "  domain:            " << md.GetDomainAllocated(allocator).get() << "\n";
  std::cout << "  description:       " << md.GetDescriptionAllocated(allocator).get() << "\n";
  std::cout << "  graph description: " << md.GetGraphDescriptionAllocated(allocator).get() << "\n";
  std::cout << "  version:           " << md.GetVersion() << "\n";
  std::vector<Ort::AllocatedStringPtr> keys = md.GetCustomMetadataMapKeysAllocated(allocator);
  std::vector<std::string> sorted;
  for (const auto& k : keys) sorted.emplace_back(k.get());
  std::sort(sorted.begin(), sorted.end());
  std::cout << "  custom metadata (" << sorted.size() << " entries):\n";
  for (const auto& k : sorted) {
    Ort::AllocatedStringPtr v = md.LookupCustomMetadataMapAllocated(k.c_str(), allocator);
    std::cout << "    " << k << " = " << (v ? v.get() : "(null)") << "\n";
  }
}

struct Batch {
  std::vector<int64_t> ids, mask, shape;
};

Batch MakeBatch(int64_t batch, int64_t seq, int64_t vocab) {
  Batch b;
  b.shape = {batch, seq};
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t len = seq - i % seq;  // later rows are padded more
    for (int64_t j = 0; j < seq; ++j) {
      b.ids.push_back(j < len ? 1 + (7 * i + 13 * j) % (vocab - 1) : 0);
      b.mask.push_back(j < len ? 1 : 0);
    }
  }
  return b;
}

std::vector<Ort::Value> Run(Ort::Session& session, Batch& b) {
  Ort::MemoryInfo mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
  Ort::Value inputs[] = {
      Ort::Value::CreateTensor<int64_t>(mi, b.ids.data(), b.ids.size(), b.shape.data(), b.shape.size()),
      Ort::Value::CreateTensor<int64_t>(mi, b.mask.data(), b.mask.size(), b.shape.data(), b.shape.size())};
  const char* input_names[] = {"input_ids", "attention_mask"};
  const char* output_names[] = {"last_hidden_state", "pooled_output"};
  return session.Run(Ort::RunOptions{nullptr}, input_names, inputs, 2, output_names, 2);
}

void PrintOutput(const char* name, const Ort::Value& v) {
  auto info = v.GetTensorTypeAndShapeInfo();
  const float* p = v.GetTensorData<float>();
  std::cout << "  " << name << " shape " << ShapeString(info.GetShape()) << " first values:";
  for (size_t i = 0; i < std::min<size_t>(6, info.GetElementCount()); ++i) {
    char s[32];
    std::snprintf(s, sizeof(s), " %.5f", p[i]);
    std::cout << s;
  }
  std::cout << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  const std::string model_path = argc > 1 ? argv[1] : "examples/models/tiny_transformer/model.onnx";
  try {
    Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "transformer_encoder");
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(2);
    Ort::Session session(env, model_path.c_str(), options);

    std::cout << "Model: " << model_path << " (runtime " << Ort::GetVersionString() << ")\n";
    PrintMetadata(session);
    Ort::AllocatorWithDefaultOptions allocator;
    std::cout << "Inputs and outputs:\n";
    for (size_t i = 0; i < session.GetInputCount(); ++i)
      PrintValueInfo("input ", session.GetInputNameAllocated(i, allocator).get(), session.GetInputTypeInfo(i));
    for (size_t i = 0; i < session.GetOutputCount(); ++i)
      PrintValueInfo("output", session.GetOutputNameAllocated(i, allocator).get(), session.GetOutputTypeInfo(i));

    int64_t vocab = 128;
    Ort::ModelMetadata md = session.GetModelMetadata();
    if (auto v = md.LookupCustomMetadataMapAllocated("vocab_size", allocator)) vocab = std::stoll(v.get());

    const std::string data_dir = test_data::DirName(model_path) + "/test_data_set_0";
    const bool have_data = test_data::FileExists(data_dir + "/input_0.pb");
    Batch batch;
    if (have_data) {
      test_data::TensorData ids = test_data::ReadTensorProtoFile(data_dir + "/input_0.pb");
      test_data::TensorData mask = test_data::ReadTensorProtoFile(data_dir + "/input_1.pb");
      batch.ids = ids.As<int64_t>();
      batch.mask = mask.As<int64_t>();
      batch.shape = ids.dims;
      std::cout << "Inputs from " << data_dir << "\n";
    } else {
      batch = MakeBatch(2, 8, vocab);
      std::cout << "Generated inputs\n";
    }
    std::cout << "Run 1: batch " << batch.shape[0] << ", sequence " << batch.shape[1] << "\n";
    std::vector<Ort::Value> out = Run(session, batch);
    PrintOutput("last_hidden_state", out[0]);
    PrintOutput("pooled_output", out[1]);

    int status = 0;
    if (have_data) {
      for (int k = 0; k < 2; ++k) {
        const std::string file = data_dir + "/output_" + std::to_string(k) + ".pb";
        if (!test_data::FileExists(file)) continue;
        std::vector<float> expected = test_data::ReadTensorProtoFile(file).As<float>();
        const float* got = out[k].GetTensorData<float>();
        const size_t n = out[k].GetTensorTypeAndShapeInfo().GetElementCount();
        double max_diff = n == expected.size() ? 0.0 : INFINITY;
        for (size_t i = 0; i < std::min(n, expected.size()); ++i)
          max_diff = std::max(max_diff, static_cast<double>(std::fabs(got[i] - expected[i])));
        const bool ok = max_diff <= 1e-4;
        std::cout << "  output " << k << " vs expected: max abs diff " << max_diff << (ok ? " (ok)" : " (MISMATCH)") << "\n";
        if (!ok) status = 1;
      }
    }

    Batch other = MakeBatch(3, 5, vocab);
    std::cout << "Run 2: batch 3, sequence 5\n";
    std::vector<Ort::Value> out2 = Run(session, other);
    PrintOutput("last_hidden_state", out2[0]);
    PrintOutput("pooled_output", out2[1]);
    return status;
  } catch (const Ort::Exception& e) {
    std::cerr << "transformer_encoder: " << e.what() << " (error code " << e.GetOrtErrorCode() << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "transformer_encoder: " << e.what() << "\n";
  }
  return 1;
}
