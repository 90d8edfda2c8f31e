#include "test_case.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "core/framework/tensorprotoutils.h"
#include "core/session/inference_session.h"
#include "providers/provider_factory.h"

namespace fs = std::filesystem;

namespace ortlite {
namespace test_runner {

namespace {

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) ThrowError(ErrorCode::kNoSuchFile, "cannot open ", p.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Files named <prefix>_<N>.pb, in numeric order.
std::vector<fs::path> NumberedFiles(const fs::path& dir, const std::string& prefix) {
  std::vector<std::pair<int, fs::path>> found;
  const std::regex re(prefix + "_([0-9]+)\\.pb");
  for (const auto& e : fs::directory_iterator(dir)) {
    std::smatch m;
    const std::string name = e.path().filename().string();
    if (std::regex_match(name, m, re)) found.emplace_back(std::stoi(m[1]), e.path());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

// Reads a value file as the kind `type` says (TensorProto, SequenceProto or OptionalProto).
std::pair<std::string, OrtValue> ReadValue(const fs::path& file, const onnx::TypeProto* type) {
  const std::string bytes = ReadFile(file);
  const auto kind = type ? type->value_case() : onnx::TypeProto::kTensorType;
  if (kind == onnx::TypeProto::kSequenceType) {
    onnx::SequenceProto p;
    if (!p.ParseFromString(bytes)) ThrowError(ErrorCode::kInvalidProtobuf, "cannot parse ", file.string());
    OrtValue v = ValueFromSequenceProto(p);
    if (v.IsSequence() && type->sequence_type().elem_type().has_tensor_type()) {
      v.GetMutableSequence().elem_type =
          static_cast<DataType>(type->sequence_type().elem_type().tensor_type().elem_type());
    }
    return {p.name(), v};
  }
  if (kind == onnx::TypeProto::kOptionalType) {
    onnx::OptionalProto p;
    if (!p.ParseFromString(bytes)) ThrowError(ErrorCode::kInvalidProtobuf, "cannot parse ", file.string());
    OrtValue v = ValueFromOptionalProto(p);
    const auto& elem = type->optional_type().elem_type();
    if (v.IsSequence() && elem.has_sequence_type() && elem.sequence_type().elem_type().has_tensor_type()) {
      v.GetMutableSequence().elem_type = static_cast<DataType>(elem.sequence_type().elem_type().tensor_type().elem_type());
    }
    return {p.name(), v};
  }
  onnx::TensorProto p;
  if (!p.ParseFromString(bytes)) ThrowError(ErrorCode::kInvalidProtobuf, "cannot parse ", file.string());
  // The ONNX test data stores bfloat16 tensors as uint16 bit patterns (numpy has no bfloat16);
  // take them as the model's declared type.
  if (type && type->has_tensor_type() && type->tensor_type().elem_type() == onnx::TensorProto::BFLOAT16 &&
      p.data_type() == onnx::TensorProto::UINT16) {
    p.set_data_type(onnx::TensorProto::BFLOAT16);
  }
  return {p.name(), OrtValue(TensorFromProto(p))};
}

Tolerance ToleranceFor(const fs::path& dir, const RunnerConfig& config) {
  Tolerance tol;
  if (fs::exists(dir / "data.json")) {
    try {
      auto j = nlohmann::json::parse(ReadFile(dir / "data.json"));
      if (j.contains("rtol")) tol.rtol = j["rtol"].get<double>();
      if (j.contains("atol")) tol.atol = j["atol"].get<double>();
    } catch (const std::exception&) {
    }
  }
  if (fs::exists(dir / "config.txt")) {
    std::istringstream in(ReadFile(dir / "config.txt"));
    std::string line;
    while (std::getline(in, line)) {
      auto pos = line.find(':');
      if (pos == std::string::npos) continue;
      std::string key = line.substr(0, pos), value = line.substr(pos + 1);
      key.erase(std::remove(key.begin(), key.end(), ' '), key.end());
      if (key == "per_sample_tolerance") tol.atol = std::stod(value);
      if (key == "relative_per_sample_tolerance") tol.rtol = std::stod(value);
    }
  }
  if (config.rtol_override) tol.rtol = config.tolerance.rtol;
  if (config.atol_override) tol.atol = config.tolerance.atol;
  return tol;
}

template <typename T>
double AsDouble(const void* p, int64_t i) {
  return static_cast<double>(ToCompute(static_cast<const T*>(p)[i]));
}

std::string CompareTensor(const Tensor& e, const Tensor& a, const Tolerance& tol) {
  if (e.GetElementType() != a.GetElementType()) {
    return MakeString("type mismatch: expected ", DataTypeName(e.GetElementType()), ", got ", DataTypeName(a.GetElementType()));
  }
  if (e.Shape() != a.Shape()) return MakeString("shape mismatch: expected ", e.Shape().ToString(), ", got ", a.Shape().ToString());
  const int64_t n = e.NumElements();
  const DataType t = e.GetElementType();
  if (t == DataType::kString) {
    for (int64_t i = 0; i < n; ++i)
      if (e.Data<std::string>()[i] != a.Data<std::string>()[i])
        return MakeString("value mismatch at ", i, ": expected '", e.Data<std::string>()[i], "', got '", a.Data<std::string>()[i], "'");
    return "";
  }
  const bool exact = !(t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 ||
                       t == DataType::kBFloat16 || t == DataType::kComplex64 || t == DataType::kComplex128);
  // Half types carry ~3 decimal digits: widen the tolerance like the ONNX backend does.
  const double scale = (t == DataType::kFloat16 || t == DataType::kBFloat16) ? 10.0 : 1.0;
  int64_t count = n;
  if (t == DataType::kComplex64 || t == DataType::kComplex128) count = 2 * n;
  int64_t bad = 0;
  std::string first;
  for (int64_t i = 0; i < count; ++i) {
    double ev = 0, av = 0;
    switch (t) {
      case DataType::kFloat: ev = AsDouble<float>(e.DataRaw(), i); av = AsDouble<float>(a.DataRaw(), i); break;
      case DataType::kDouble: ev = AsDouble<double>(e.DataRaw(), i); av = AsDouble<double>(a.DataRaw(), i); break;
      case DataType::kFloat16: ev = AsDouble<MLFloat16>(e.DataRaw(), i); av = AsDouble<MLFloat16>(a.DataRaw(), i); break;
      case DataType::kBFloat16: ev = AsDouble<BFloat16>(e.DataRaw(), i); av = AsDouble<BFloat16>(a.DataRaw(), i); break;
      case DataType::kComplex64: ev = AsDouble<float>(e.DataRaw(), i); av = AsDouble<float>(a.DataRaw(), i); break;
      case DataType::kComplex128: ev = AsDouble<double>(e.DataRaw(), i); av = AsDouble<double>(a.DataRaw(), i); break;
      case DataType::kInt8: ev = AsDouble<int8_t>(e.DataRaw(), i); av = AsDouble<int8_t>(a.DataRaw(), i); break;
      case DataType::kUInt8: ev = AsDouble<uint8_t>(e.DataRaw(), i); av = AsDouble<uint8_t>(a.DataRaw(), i); break;
      case DataType::kInt16: ev = AsDouble<int16_t>(e.DataRaw(), i); av = AsDouble<int16_t>(a.DataRaw(), i); break;
      case DataType::kUInt16: ev = AsDouble<uint16_t>(e.DataRaw(), i); av = AsDouble<uint16_t>(a.DataRaw(), i); break;
      case DataType::kInt32: ev = AsDouble<int32_t>(e.DataRaw(), i); av = AsDouble<int32_t>(a.DataRaw(), i); break;
      case DataType::kUInt32: ev = AsDouble<uint32_t>(e.DataRaw(), i); av = AsDouble<uint32_t>(a.DataRaw(), i); break;
      case DataType::kBool: ev = AsDouble<bool>(e.DataRaw(), i); av = AsDouble<bool>(a.DataRaw(), i); break;
      case DataType::kInt64: {
        const int64_t x = e.Data<int64_t>()[i], y = a.Data<int64_t>()[i];
        if (x != y) {
          if (!bad++) first = MakeString("value mismatch at ", i, ": expected ", x, ", got ", y);
        }
        continue;
      }
      case DataType::kUInt64: {
        const uint64_t x = e.Data<uint64_t>()[i], y = a.Data<uint64_t>()[i];
        if (x != y) {
          if (!bad++) first = MakeString("value mismatch at ", i, ": expected ", x, ", got ", y);
        }
        continue;
      }
      default: return MakeString("cannot compare type ", DataTypeName(t));
    }
    bool ok;
    if (std::isnan(ev) || std::isnan(av)) {
      ok = std::isnan(ev) && std::isnan(av);
    } else if (std::isinf(ev) || std::isinf(av)) {
      ok = ev == av;
    } else if (exact) {
      ok = ev == av;
    } else {
      ok = std::fabs(ev - av) <= scale * (tol.atol + tol.rtol * std::fabs(ev));
    }
    if (!ok && !bad++) first = MakeString("value mismatch at ", i, ": expected ", ev, ", got ", av);
  }
  if (bad) return MakeString(first, " (", bad, " of ", count, " differ, rtol ", tol.rtol, " atol ", tol.atol, ")");
  return "";
}

}  // namespace

std::string CompareValues(const OrtValue& expected, const OrtValue& actual, const Tolerance& tol) {
  if (!expected.IsAllocated() || !actual.IsAllocated()) {
    if (expected.IsAllocated() != actual.IsAllocated()) {
      return expected.IsAllocated() ? "expected a value, got none" : "expected no value (empty optional), got one";
    }
    return "";
  }
  if (expected.GetKind() != actual.GetKind()) return "value kind mismatch (tensor/sequence/map)";
  if (expected.IsTensor()) return CompareTensor(expected.Get(), actual.Get(), tol);
  if (expected.IsSequence()) {
    const auto& e = expected.GetSequence().values;
    const auto& a = actual.GetSequence().values;
    if (e.size() != a.size()) return MakeString("sequence length mismatch: expected ", e.size(), ", got ", a.size());
    for (size_t i = 0; i < e.size(); ++i) {
      std::string r = CompareValues(e[i], a[i], tol);
      if (!r.empty()) return MakeString("sequence element ", i, ": ", r);
    }
    return "";
  }
  return "cannot compare maps";
}

CaseResult RunTestCase(const std::string& dir_str, const RunnerConfig& config) {
  const fs::path dir(dir_str);
  if (!fs::exists(dir / "model.onnx")) return {Outcome::kSkip, "no model.onnx"};
  try {
    SessionOptions options;
    options.graph_optimization_level = static_cast<GraphOptimizationLevel>(config.optimization_level);
    if (config.parallel_executor) options.execution_mode = ExecutionMode::kParallel;
    options.log_id = dir.filename().string();
    options.intra_op_num_threads = 1;
    // -v: the session logs at verbose level (provider per node, declines and why, the plan).
    if (config.verbose_logging) options.log_severity_level = 0;
    InferenceSession session(options);
    for (auto& p : CreateProvidersFor(config.provider, {})) session.RegisterExecutionProvider(p);
    session.Load((dir / "model.onnx").string());
    session.Initialize();
    const Tolerance tol = ToleranceFor(dir, config);
    const auto inputs = session.GetInputs();
    const auto outputs = session.GetOutputs();

    std::vector<fs::path> sets;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0) sets.push_back(e.path());
    std::sort(sets.begin(), sets.end());
    if (sets.empty()) return {Outcome::kSkip, "no test_data_set_*"};

    for (const auto& set : sets) {
      std::vector<std::string> names;
      std::vector<OrtValue> values;
      auto in_files = NumberedFiles(set, "input");
      // Feeds bind by the name stored in the file, else by position among the graph's inputs
      // (overridable initializers included, as the ONNX backend binds them).
      std::vector<const NodeArg*> all_inputs = inputs;
      for (const NodeArg* a : session.GetOverridableInitializers()) all_inputs.push_back(a);
      for (size_t k = 0; k < in_files.size(); ++k) {
        const NodeArg* formal = k < all_inputs.size() ? all_inputs[k] : nullptr;
        auto [name, value] = ReadValue(in_files[k], formal ? formal->TypeAsProto() : nullptr);
        bool named = false;
        for (const NodeArg* a : all_inputs) named |= a->Name() == name;
        if (!named) {
          if (!formal) return {Outcome::kFail, MakeString("more input files than model inputs in ", set.string())};
          name = formal->Name();
        }
        names.push_back(name);
        values.push_back(value);
      }
      auto out_files = NumberedFiles(set, "output");
      std::vector<std::string> out_names;
      std::vector<OrtValue> expected;
      for (size_t k = 0; k < out_files.size() && k < outputs.size(); ++k) {
        auto [name, value] = ReadValue(out_files[k], outputs[k]->TypeAsProto());
        out_names.push_back(outputs[k]->Name());
        expected.push_back(value);
      }
      for (int r = 0; r < config.repeats; ++r) {
        std::vector<std::future<std::vector<OrtValue>>> runs;
        for (int c = 0; c < config.concurrent_runs; ++c) {
          runs.push_back(std::async(std::launch::async, [&] {
            RunOptions ro;
            return session.Run(ro, names, values, out_names);
          }));
        }
        for (auto& fut : runs) {
          std::vector<OrtValue> actual = fut.get();
          for (size_t k = 0; k < expected.size(); ++k) {
            std::string diff = CompareValues(expected[k], actual[k], tol);
            if (!diff.empty()) {
              return {Outcome::kFail, MakeString(set.filename().string(), " output '", out_names[k], "': ", diff)};
            }
          }
        }
      }
    }
    return {Outcome::kPass, ""};
  } catch (const std::exception& e) {
    std::string msg = e.what();
    std::replace(msg.begin(), msg.end(), '\n', ' ');
    return {Outcome::kFail, msg};
  }
}

}  // namespace test_runner
}  // namespace ortlite
