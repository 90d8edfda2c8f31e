// One conformance test directory: model.onnx + test_data_set_N/{input,output}_K.pb.
#pragma once
#include <string>
#include <vector>

#include "core/framework/ort_value.h"
#include "core/session/session_options.h"

namespace ortlite {
namespace test_runner {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-7;
};

struct RunnerConfig {
  std::string provider = "cpu";
  int optimization_level = 99;
  bool parallel_executor = false;
  int concurrent_runs = 1;
  int repeats = 1;
  bool rtol_override = false, atol_override = false;
  Tolerance tolerance;
  bool verbose = false;
  bool verbose_logging = false;
};

enum class Outcome { kPass, kFail, kSkip };

struct CaseResult {
  Outcome outcome = Outcome::kPass;
  std::string reason;
};

// Runs every data set of the test directory `dir` and compares outputs.
CaseResult RunTestCase(const std::string& dir, const RunnerConfig& config);

// Compares values; returns "" when equal within tolerance, else a description.
std::string CompareValues(const OrtValue& expected, const OrtValue& actual, const Tolerance& tol);

}  // namespace test_runner
}  // namespace ortlite
