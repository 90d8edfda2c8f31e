// Image classification with the Ort:: C++ API: load a CNN, feed it one image, print the top 5
// classes.
//
//   image_classification [model.onnx]     (default models/tiny_cnn/model.onnx)
//
// The image is test_data_set_0/input_0.pb next to the model when there is one; otherwise a
// deterministic synthetic image of the model's input shape. The output is taken as class
// probabilities when it already sums to 1, and put through a softmax otherwise.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <numeric>
#include <string>
#include <vector>

#include "onnxruntime_cxx_api.h"
#include "tensor_proto_reader.h"

namespace {

std::vector<float> SyntheticImage(const std::vector<int64_t>& shape) {
  // A smooth colour gradient with a bright square in the middle, in [0, 1].
  const int64_t c = shape.size() == 4 ? shape[1] : 1;
  const int64_t h = shape.size() == 4 ? shape[2] : 1;
  const int64_t w = shape.size() == 4 ? shape[3] : 1;
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<float> image(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    const int64_t x = i % w, y = (i / w) % h, ch = (i / (w * h)) % c;
    const bool square = std::abs(x - w / 2) < w / 4 && std::abs(y - h / 2) < h / 4;
    image[i] = square ? 0.9f : static_cast<float>((x + 2 * y + 7 * ch) % 32) / 31.f;
  }
  return image;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string model_path = argc > 1 ? argv[1] : "models/tiny_cnn/model.onnx";
  try {
    Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "image_classification");
    Ort::SessionOptions options;
    options.SetIntraOpNumThreads(1);
    options.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    Ort::Session session(env, model_path.c_str(), options);

    Ort::AllocatorWithDefaultOptions allocator;
    Ort::AllocatedStringPtr input_name = session.GetInputNameAllocated(0, allocator);
    Ort::AllocatedStringPtr output_name = session.GetOutputNameAllocated(0, allocator);
    Ort::TypeInfo input_type = session.GetInputTypeInfo(0);
    std::vector<int64_t> shape = input_type.GetTensorTypeAndShapeInfo().GetShape();
    for (int64_t& d : shape)
      if (d < 0) d = 1;  // a symbolic batch dimension: one image

    std::cout << "Model: " << model_path << "\n";
    std::cout << "Input '" << input_name.get() << "' shape [";
    for (size_t i = 0; i < shape.size(); ++i) std::cout << (i ? ", " : "") << shape[i];
    std::cout << "], output '" << output_name.get() << "'\n";

    std::vector<float> image;
    const std::string data_file = test_data::DirName(model_path) + "/test_data_set_0/input_0.pb";
    if (test_data::FileExists(data_file)) {
      test_data::TensorData t = test_data::ReadTensorProtoFile(data_file);
      if (t.data_type != ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) throw std::runtime_error(data_file + " is not a float tensor");
      image = t.As<float>();
      shape = t.dims;
      std::cout << "Image: " << data_file << "\n";
    } else {
      image = SyntheticImage(shape);
      std::cout << "Image: synthetic (no test_data_set_0 next to the model)\n";
    }

    Ort::MemoryInfo memory_info = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    Ort::Value input = Ort::Value::CreateTensor<float>(memory_info, image.data(), image.size(), shape.data(), shape.size());
    const char* input_names[] = {input_name.get()};
    const char* output_names[] = {output_name.get()};
    std::vector<Ort::Value> outputs = session.Run(Ort::RunOptions{nullptr}, input_names, &input, 1, output_names, 1);

    const float* scores = outputs[0].GetTensorData<float>();
    const size_t classes = outputs[0].GetTensorTypeAndShapeInfo().GetElementCount();
    std::vector<float> probs(scores, scores + classes);
    const float sum = std::accumulate(probs.begin(), probs.end(), 0.f);
    const bool already_probabilities =
        std::fabs(sum - 1.f) < 1e-3f && std::all_of(probs.begin(), probs.end(), [](float p) { return p >= 0; });
    if (!already_probabilities) {
      const float mx = *std::max_element(probs.begin(), probs.end());
      float z = 0;
      for (float& p : probs) z += (p = std::exp(p - mx));
      for (float& p : probs) p /= z;
    }

    std::vector<size_t> order(classes);
    std::iota(order.begin(), order.end(), 0);
    const size_t k = std::min<size_t>(5, classes);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](size_t a, size_t b) { return probs[a] > probs[b]; });
    std::cout << "Top " << k << " of " << classes << " classes:\n";
    for (size_t i = 0; i < k; ++i) {
      char line[64];
      std::snprintf(line, sizeof(line), "  %zu. class %-4zu probability %.6f\n", i + 1, order[i], probs[order[i]]);
      std::cout << line;
    }
  } catch (const Ort::Exception& e) {
    std::cerr << "image_classification: " << e.what() << " (error code " << e.GetOrtErrorCode() << ")\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "image_classification: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
