// Loads the custom-op library (custom_op_library.cc) into session options and runs a model that
// uses its operators ortlite.examples::ScaledAdd and Softsign, checking the results.
//
//   custom_op_runner <path/to/libcustom_op_library.so> [scaled_add.onnx]
//
// The model (made by make_scaled_add_model.py) computes
//   scaled = ScaledAdd(x, y, alpha=2.0)             = x + 2y
//   result = Abs(ScaledAdd(scaled, x, alpha=-0.5))  = |0.5x + 2y|
//   softsign = Softsign(scaled)                     = scaled / (1 + |scaled|)
// It also checks that a session may outlive the session options that loaded the library.
#include <cmath>
#include <iostream>
#include <string>
#include <vector>

#include "onnxruntime_cxx_api.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: custom_op_runner <custom-op library> [model.onnx]\n";
    return 2;
  }
  const std::string library = argv[1];
  const std::string model = argc > 2 ? argv[2] : "examples/custom_op_library/scaled_add.onnx";
  try {
    Ort::Env env(ORT_LOGGING_LEVEL_WARNING, "custom_op_runner");

    // Without the library the model's custom op is unknown: session creation fails.
    try {
      Ort::SessionOptions plain;
      Ort::Session session(env, model.c_str(), plain);
      std::cerr << "FAILED: a session without the library accepted the custom op\n";
      return 1;
    } catch (const Ort::Exception& e) {
      std::cout << "Without the library, as expected: " << e.what() << "\n";
    }

    // The options go out of scope before the session: the session keeps the library loaded.
    Ort::Session session{nullptr};
    {
      Ort::SessionOptions options;
      options.RegisterCustomOpsLibrary(library.c_str());
      session = Ort::Session(env, model.c_str(), options);
    }
    std::cout << "Loaded " << library << " and created a session for " << model << "\n";

    Ort::MemoryInfo mi = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    const char* input_names[] = {"x", "y"};
    const char* output_names[] = {"scaled", "result", "softsign"};
    int failures = 0;
    for (int64_t n : {1, 5, 1000}) {
      std::vector<float> x(n), y(n);
      for (int64_t i = 0; i < n; ++i) {
        x[i] = std::sin(0.37f * i) * 3.f;
        y[i] = std::cos(0.11f * i) - 0.5f;
      }
      const int64_t shape[] = {n};
      Ort::Value inputs[] = {Ort::Value::CreateTensor<float>(mi, x.data(), x.size(), shape, 1),
                             Ort::Value::CreateTensor<float>(mi, y.data(), y.size(), shape, 1)};
      std::vector<Ort::Value> out = session.Run(Ort::RunOptions{nullptr}, input_names, inputs, 2, output_names, 3);
      const float* scaled = out[0].GetTensorData<float>();
      const float* result = out[1].GetTensorData<float>();
      const float* softsign = out[2].GetTensorData<float>();
      float max_err = 0;
      for (int64_t i = 0; i < n; ++i) {
        const float s = x[i] + 2.f * y[i];
        max_err = std::max(max_err, std::fabs(scaled[i] - s));
        max_err = std::max(max_err, std::fabs(result[i] - std::fabs(0.5f * x[i] + 2.f * y[i])));
        max_err = std::max(max_err, std::fabs(softsign[i] - s / (1.f + std::fabs(s))));
      }
      const bool ok = max_err <= 1e-5f;
      std::cout << "n=" << n << ": scaled[0]=" << scaled[0] << " result[0]=" << result[0] << " max error " << max_err
                << (ok ? " ok" : " MISMATCH") << "\n";
      if (!ok) ++failures;
    }
    session = Ort::Session{nullptr};  // kernels are destroyed while the library is still loaded
    std::cout << (failures ? "FAILED\n" : "OK: the custom op library computed the expected results\n");
    return failures ? 1 : 0;
  } catch (const Ort::Exception& e) {
    std::cerr << "custom_op_runner: " << e.what() << " (error code " << e.GetOrtErrorCode() << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "custom_op_runner: " << e.what() << "\n";
  }
  return 1;
}
