// Runs a model through the installed ortlite's Ort:: API and checks the result against the
// test data next to it.
//   app <model.onnx>    (with test_data_set_0/input_0.pb and output_0.pb, float tensors)
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "onnxruntime_cxx_api.h"
#include "onnxruntime_lite_custom_op.h"  // installed too; must compile stand-alone

namespace {

// The float payload (raw_data, field 9) and dims (field 1) of an ONNX TensorProto file.
bool ReadFloatTensor(const std::string& path, std::vector<float>& values, std::vector<int64_t>& dims) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  const std::string buf((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t pos = 0;
  auto varint = [&](uint64_t& v) {
    v = 0;
    for (int shift = 0; pos < buf.size() && shift < 64; shift += 7) {
      const uint8_t b = static_cast<uint8_t>(buf[pos++]);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  };
  while (pos < buf.size()) {
    uint64_t key = 0, v = 0;
    if (!varint(key)) return false;
    const int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
    if (wire == 0) {
      if (!varint(v)) return false;
      if (field == 1) dims.push_back(static_cast<int64_t>(v));
    } else if (wire == 2) {
      if (!varint(v) || pos + v > buf.size()) return false;
      if (field == 9) {
        values.resize(v / sizeof(float));
        std::memcpy(values.data(), buf.data() + pos, values.size() * sizeof(float));
      } else if (field == 1) {  // packed dims
        const size_t end = pos + v;
        while (pos < end) {
          uint64_t d = 0;
          if (!varint(d)) return false;
          dims.push_back(static_cast<int64_t>(d));
        }
        continue;
      }
      pos += v;
    } else if (wire == 5) {
      pos += 4;
    } else if (wire == 1) {
      pos += 8;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: app <model.onnx>\n";
    return 2;
  }
  const std::string model = argv[1];
  const std::string dir = model.substr(0, model.find_last_of('/'));
  try {
    std::vector<float> input, expected;
    std::vector<int64_t> in_dims, out_dims;
    if (!ReadFloatTensor(dir + "/test_data_set_0/input_0.pb", input, in_dims) ||
        !ReadFloatTensor(dir + "/test_data_set_0/output_0.pb", expected, out_dims)) {
      std::cerr << "cannot read the test data next to " << model << "\n";
      return 1;
    }
    Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "downstream");
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(1);
    Ort::Session session(env, model.c_str(), options);
    Ort::AllocatorWithDefaultOptions allocator;
    auto in_name = session.GetInputNameAllocated(0, allocator);
    auto out_name = session.GetOutputNameAllocated(0, allocator);
    auto mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    Ort::Value x = Ort::Value::CreateTensor<float>(mi, input.data(), input.size(), in_dims.data(), in_dims.size());
    const char* in_names[] = {in_name.get()};
    const char* out_names[] = {out_name.get()};
    auto out = session.Run(Ort::RunOptions{nullptr}, in_names, &x, 1, out_names, 1);
    const float* y = out[0].GetTensorData<float>();
    const size_t n = out[0].GetTensorTypeAndShapeInfo().GetElementCount();
    if (n != expected.size()) {
      std::cerr << "output has " << n << " elements, expected " << expected.size() << "\n";
      return 1;
    }
    float max_diff = 0;
    for (size_t i = 0; i < n; ++i) max_diff = std::max(max_diff, std::fabs(y[i] - expected[i]));
    std::cout << "ortlite " << Ort::GetVersionString() << ": ran " << model << ", " << n
              << " outputs, max abs diff " << max_diff << "\n";
    if (max_diff > 1e-5f) {
      std::cerr << "MISMATCH\n";
      return 1;
    }
    std::cout << "downstream OK\n";
    return 0;
  } catch (const Ort::Exception& e) {
    std::cerr << "app: " << e.what() << "\n";
    return 1;
  }
}
