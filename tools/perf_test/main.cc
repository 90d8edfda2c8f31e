// perf_test: measures a model's latency with ORT's onnxruntime_perf_test flags.
//   perf_test [options] model.onnx [result_file]
// Like ORT's perf_test it is a client of the public API only (onnxruntime_cxx_api.h, linked
// against the ortlite library).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "onnxruntime_cxx_api.h"
#include "tensor_proto_reader.h"

namespace fs = std::filesystem;

namespace {

struct PerfConfig {
  std::string provider = "cpu";
  std::string mode = "duration";
  int runs = 1000;
  double seconds = 10;
  int intra = 0, inter = 0;
  bool parallel = false;
  int concurrent = 1;
  int opt_level = 99;
  std::string optimized_path;
  bool generate_inputs = false;
  int seed = 0;
  bool stats = false;
  std::string profile;
  std::map<std::string, std::string> provider_options;
  std::map<std::string, std::string> config_entries;
  bool no_arena = false, no_mem_pattern = false, no_spin = false, stop_spin_between_runs = false, denormal_zero = false;
  bool exit_after_session = false, load_from_memory = false, verbose = false;
  std::vector<std::pair<std::string, int64_t>> dims_by_name, dims_by_denotation;
  std::string custom_op_library;
  std::string model, result_file;
};

void Usage() {
  std::cout <<
      "usage: perf_test [options] model.onnx [result_file]\n"
      "  -e cpu|spacemit   execution provider (default cpu)\n"
      "  -m duration|times test mode (default duration)\n"
      "  -r N              number of runs (switches to times mode; default 1000)\n"
      "  -t SECONDS        duration (switches to duration mode; default 10)\n"
      "  -x N              intra-op threads (0 = one per core)\n"
      "  -y N              inter-op threads (parallel mode)\n"
      "  -P                parallel execution mode\n"
      "  -c N              concurrent session runs (default 1)\n"
      "  -o LEVEL          graph optimisation level 0, 1, 2, 3 or 99 (default 99)\n"
      "  -u PATH           save the optimised model to PATH\n"
      "  -I                generate inputs (symbolic dims = 1 unless -f/-F) instead of test_data_set_*\n"
      "  -S SEED           seed for generated inputs\n"
      "  -f NAME:VALUE     free dimension override by name\n"
      "  -F DENOT:VALUE    free dimension override by denotation\n"
      "  -s                print latency statistics\n"
      "  -p FILE           write a profile (Chrome trace) with FILE as prefix\n"
      "  -i \"k|v k|v\"      provider options\n"
      "  -C \"k|v k|v\"      session config entries\n"
      "  -A                disable the CPU memory arena\n"
      "  -M                disable the memory pattern\n"
      "  -D                disable spinning of the thread pools\n"
      "  -Z                stop spinning between runs\n"
      "  -z                denormals as zero\n"
      "  -n                exit after creating the session\n"
      "  -l                load the model from memory\n"
      "  -R LIB            custom-op library\n"
      "  -v                verbose (verbose logging, including where each node runs)\n"
      "  -h                this help\n";
}

std::map<std::string, std::string> ParseKeyValues(const std::string& s) {
  std::map<std::string, std::string> out;
  std::istringstream in(s);
  std::string item;
  while (in >> item) {
    auto pos = item.find('|');
    if (pos == std::string::npos) throw std::invalid_argument("expected key|value, got '" + item + "'");
    out[item.substr(0, pos)] = item.substr(pos + 1);
  }
  return out;
}

std::pair<std::string, int64_t> ParseDim(const std::string& s) {
  auto pos = s.rfind(':');
  if (pos == std::string::npos) throw std::invalid_argument("expected name:value, got '" + s + "'");
  return {s.substr(0, pos), std::stoll(s.substr(pos + 1))};
}

GraphOptimizationLevel OptimizationLevel(int level) {
  switch (level) {
    case 0: return ORT_DISABLE_ALL;
    case 1: return ORT_ENABLE_BASIC;
    case 2: return ORT_ENABLE_EXTENDED;
    case 3: case 99: return ORT_ENABLE_ALL;
    default: throw std::invalid_argument("-o takes 0, 1, 2, 3 or 99, got " + std::to_string(level));
  }
}

// The API's provider name for a -e value.
std::string ProviderName(const std::string& e) {
  if (e == "cpu" || e == "CPU") return "CPUExecutionProvider";
  if (e == "spacemit") return "SpaceMITExecutionProvider";
  return e;
}

// ---- test data: ONNX TensorProto files (tools/common/tensor_proto_reader.h) ---------------

Ort::Value ValueFromFile(const test_data::TensorData& t, OrtAllocator* allocator) {
  Ort::Value v = Ort::Value::CreateTensor(allocator, t.dims.data(), t.dims.size(),
                                          static_cast<ONNXTensorElementDataType>(t.data_type));
  if (t.data_type == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    std::vector<const char*> ptrs;
    for (const auto& s : t.strings) ptrs.push_back(s.c_str());
    v.FillStringTensor(ptrs.data(), ptrs.size());
  } else if (!t.bytes.empty()) {
    std::memcpy(v.GetTensorMutableRawData(), t.bytes.data(), t.bytes.size());
  }
  return v;
}

// ---- generated inputs -------------------------------------------------------------------------

uint16_t FloatToHalfBits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const int32_t exp = static_cast<int32_t>((x >> 23) & 0xff) - 127 + 15;
  uint32_t mant = x & 0x7fffffu;
  if (exp <= 0) {  // subnormal or zero (inputs are in [0, 1): no overflow case)
    if (exp < -10) return static_cast<uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - exp;
    uint32_t h = mant >> shift;
    if ((mant >> (shift - 1)) & 1u) ++h;
    return static_cast<uint16_t>(sign | h);
  }
  uint32_t h = sign | (static_cast<uint32_t>(exp) << 10) | (mant >> 13);
  if ((mant & 0x1fffu) > 0x1000u || ((mant & 0x1fffu) == 0x1000u && (h & 1u))) ++h;
  return static_cast<uint16_t>(h);
}

uint16_t FloatToBFloat16Bits(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}

template <typename T>
void FillIntegers(T* p, size_t n, std::mt19937& rng) {
  // Small non-negative values: safe as ids, indices and masks.
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<T>(rng() % 2);
}

Ort::Value GenerateInput(const Ort::TypeInfo& type, const std::string& name, std::mt19937& rng, OrtAllocator* allocator) {
  if (type.GetONNXType() != ONNX_TYPE_TENSOR) {
    throw std::runtime_error("input '" + name + "' is not a tensor; perf_test generates tensor inputs only");
  }
  auto info = type.GetTensorTypeAndShapeInfo();
  ONNXTensorElementDataType elem = info.GetElementType();
  if (elem == ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED) elem = ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT;
  std::vector<int64_t> dims = info.GetShape();
  for (int64_t& d : dims)
    if (d < 0) d = 1;
  Ort::Value v = Ort::Value::CreateTensor(allocator, dims.data(), dims.size(), elem);
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d);
  if (elem == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    std::vector<const char*> strs(n, "a");
    v.FillStringTensor(strs.data(), n);
    return v;
  }
  void* raw = v.GetTensorMutableRawData();
  std::uniform_real_distribution<float> dist(0.f, 1.f);
  switch (elem) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: {
      auto* p = static_cast<float*>(raw);
      for (size_t i = 0; i < n; ++i) p[i] = dist(rng);
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: {
      auto* p = static_cast<double*>(raw);
      for (size_t i = 0; i < n; ++i) p[i] = dist(rng);
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: {
      auto* p = static_cast<uint16_t*>(raw);
      for (size_t i = 0; i < n; ++i) p[i] = FloatToHalfBits(dist(rng));
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: {
      auto* p = static_cast<uint16_t*>(raw);
      for (size_t i = 0; i < n; ++i) p[i] = FloatToBFloat16Bits(dist(rng));
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: {
      auto* p = static_cast<bool*>(raw);
      for (size_t i = 0; i < n; ++i) p[i] = (rng() & 1) != 0;
      break;
    }
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: FillIntegers(static_cast<int8_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: FillIntegers(static_cast<uint8_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: FillIntegers(static_cast<int16_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: FillIntegers(static_cast<uint16_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: FillIntegers(static_cast<int32_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: FillIntegers(static_cast<uint32_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: FillIntegers(static_cast<int64_t*>(raw), n, rng); break;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: FillIntegers(static_cast<uint64_t*>(raw), n, rng); break;
    default:  // complex: zeros
      std::memset(raw, 0, n * test_data::ElementSize(elem));
      break;
  }
  return v;
}

double PeakWorkingSetBytes() {
  struct rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<double>(ru.ru_maxrss) * 1024.0;
}

double CpuSeconds() {
  struct rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  PerfConfig cfg;
  int opt;
  try {
    while ((opt = getopt(argc, argv, "e:m:r:t:x:y:Pc:o:u:IS:f:F:sp:i:C:AMDZznlR:vh")) != -1) {
      switch (opt) {
        case 'e': cfg.provider = optarg; break;
        case 'm': cfg.mode = optarg; break;
        case 'r': cfg.runs = std::atoi(optarg); cfg.mode = "times"; break;
        case 't': cfg.seconds = std::atof(optarg); cfg.mode = "duration"; break;
        case 'x': cfg.intra = std::atoi(optarg); break;
        case 'y': cfg.inter = std::atoi(optarg); break;
        case 'P': cfg.parallel = true; break;
        case 'c': cfg.concurrent = std::max(1, std::atoi(optarg)); break;
        case 'o': cfg.opt_level = std::atoi(optarg); break;
        case 'u': cfg.optimized_path = optarg; break;
        case 'I': cfg.generate_inputs = true; break;
        case 'S': cfg.seed = std::atoi(optarg); break;
        case 'f': cfg.dims_by_name.push_back(ParseDim(optarg)); break;
        case 'F': cfg.dims_by_denotation.push_back(ParseDim(optarg)); break;
        case 's': cfg.stats = true; break;
        case 'p': cfg.profile = optarg; break;
        case 'i': cfg.provider_options = ParseKeyValues(optarg); break;
        case 'C': cfg.config_entries = ParseKeyValues(optarg); break;
        case 'A': cfg.no_arena = true; break;
        case 'M': cfg.no_mem_pattern = true; break;
        case 'D': cfg.no_spin = true; break;
        case 'Z': cfg.stop_spin_between_runs = true; break;
        case 'z': cfg.denormal_zero = true; break;
        case 'n': cfg.exit_after_session = true; break;
        case 'l': cfg.load_from_memory = true; break;
        case 'R': cfg.custom_op_library = optarg; break;
        case 'v': cfg.verbose = true; break;
        case 'h': Usage(); return 0;
        default: Usage(); return 2;
      }
    }
    if (optind >= argc) {
      Usage();
      return 2;
    }
    cfg.model = argv[optind];
    if (optind + 1 < argc) cfg.result_file = argv[optind + 1];
    if (cfg.mode != "duration" && cfg.mode != "times") throw std::invalid_argument("-m takes duration or times");

    // -v: verbose logging, which includes the partitioner's report of where each node runs.
    Ort::Env env(cfg.verbose ? ORT_LOGGING_LEVEL_VERBOSE : ORT_LOGGING_LEVEL_WARNING, "perf_test");
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(cfg.intra);
    so.SetInterOpNumThreads(cfg.inter);
    so.SetExecutionMode(cfg.parallel ? ORT_PARALLEL : ORT_SEQUENTIAL);
    so.SetGraphOptimizationLevel(OptimizationLevel(cfg.opt_level));
    if (!cfg.optimized_path.empty()) so.SetOptimizedModelFilePath(cfg.optimized_path.c_str());
    if (cfg.no_arena) so.DisableCpuMemArena();
    if (cfg.no_mem_pattern) so.DisableMemPattern();
    std::map<std::string, std::string> config = cfg.config_entries;
    if (cfg.no_spin) {
      config["session.intra_op.allow_spinning"] = "0";
      config["session.inter_op.allow_spinning"] = "0";
    }
    if (cfg.stop_spin_between_runs) config["session.force_spinning_stop"] = "1";
    if (cfg.denormal_zero) config["session.set_denormal_as_zero"] = "1";
    for (const auto& [key, value] : config) so.AddConfigEntry(key.c_str(), value.c_str());
    for (const auto& [name, value] : cfg.dims_by_name) so.AddFreeDimensionOverrideByName(name.c_str(), value);
    for (const auto& [denotation, value] : cfg.dims_by_denotation) so.AddFreeDimensionOverride(denotation.c_str(), value);
    if (!cfg.profile.empty()) so.EnableProfiling(cfg.profile.c_str());
    if (cfg.verbose) so.SetLogSeverityLevel(ORT_LOGGING_LEVEL_VERBOSE);
    if (!cfg.custom_op_library.empty()) so.RegisterCustomOpsLibrary(cfg.custom_op_library.c_str());
    std::unordered_map<std::string, std::string> provider_options(cfg.provider_options.begin(), cfg.provider_options.end());
    so.AppendExecutionProvider(ProviderName(cfg.provider), provider_options);

    const auto t0 = std::chrono::steady_clock::now();
    Ort::Session session{nullptr};
    if (cfg.load_from_memory) {
      std::ifstream in(cfg.model, std::ios::binary);
      if (!in) throw Ort::Exception("cannot open " + cfg.model, ORT_NO_SUCHFILE);
      const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      session = Ort::Session(env, bytes.data(), bytes.size(), so);
    } else {
      session = Ort::Session(env, cfg.model.c_str(), so);
    }
    const double creation = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "Session creation time cost: " << creation << " s\n";
    if (cfg.exit_after_session) return 0;

    // Inputs: generated, or the first test data set next to the model.
    Ort::AllocatorWithDefaultOptions allocator;
    std::vector<std::string> names, output_names;
    std::vector<Ort::Value> values;
    const size_t input_count = session.GetInputCount();
    for (size_t k = 0; k < input_count; ++k) names.emplace_back(session.GetInputNameAllocated(k, allocator).get());
    for (size_t k = 0; k < session.GetOutputCount(); ++k)
      output_names.emplace_back(session.GetOutputNameAllocated(k, allocator).get());
    const fs::path data_dir = fs::path(cfg.model).parent_path() / "test_data_set_0";
    if (!cfg.generate_inputs && fs::exists(data_dir)) {
      for (size_t k = 0; k < input_count; ++k) {
        values.push_back(ValueFromFile(test_data::ReadTensorProtoFile((data_dir / ("input_" + std::to_string(k) + ".pb")).string()), allocator));
      }
    } else {
      std::mt19937 rng(cfg.seed);
      for (size_t k = 0; k < input_count; ++k) values.push_back(GenerateInput(session.GetInputTypeInfo(k), names[k], rng, allocator));
    }
    std::vector<const char*> in_names, out_names;
    for (const auto& n : names) in_names.push_back(n.c_str());
    for (const auto& n : output_names) out_names.push_back(n.c_str());
    auto run_once = [&](const Ort::RunOptions& ro) {
      session.Run(ro, in_names.data(), values.data(), values.size(), out_names.data(), out_names.size());
    };

    Ort::RunOptions ro;
    auto t_first = std::chrono::steady_clock::now();
    run_once(ro);
    const double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_first).count();
    std::cout << "First inference time cost: " << first_ms << " ms\n";

    std::vector<double> latencies;
    std::mutex lat_mu;
    const double cpu0 = CpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    std::atomic<int> issued{0};
    std::atomic<bool> failed{false};
    std::string failure;
    auto worker = [&] {
      try {
        while (!failed) {
          if (cfg.mode == "times") {
            if (issued++ >= cfg.runs) break;
          } else if (elapsed() >= cfg.seconds) {
            break;
          }
          const auto s = std::chrono::steady_clock::now();
          run_once(ro);
          const double d = std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
          std::lock_guard<std::mutex> lock(lat_mu);
          latencies.push_back(d);
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(lat_mu);
        if (!failed.exchange(true)) failure = e.what();
      }
    };
    std::vector<std::thread> threads;
    for (int c = 1; c < cfg.concurrent; ++c) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
    if (failed) throw std::runtime_error(failure);
    const double total = elapsed();
    const double cpu = CpuSeconds() - cpu0;

    double sum = 0;
    for (double l : latencies) sum += l;
    const size_t n = latencies.size();
    std::cout << "Total inference time cost: " << sum << " s\n";
    std::cout << "Total inference requests: " << n << "\n";
    std::cout << "Average inference time cost: " << (n ? sum / n * 1000.0 : 0.0) << " ms\n";
    std::cout << "Total inference run time: " << total << " s\n";
    std::cout << "Number of inferences per second: " << (total > 0 ? n / total : 0.0) << "\n";
    std::cout << "Avg CPU usage: " << static_cast<int>(total > 0 ? 100.0 * cpu / total / std::thread::hardware_concurrency() : 0) << " %\n";
    std::cout << "Peak working set size: " << static_cast<long long>(PeakWorkingSetBytes()) << " bytes\n";
    if (cfg.stats && n) {
      std::vector<double> sorted = latencies;
      std::sort(sorted.begin(), sorted.end());
      auto pct = [&](double p) { return sorted[std::min(n - 1, static_cast<size_t>(std::ceil(p * n)) - (p * n > 0 ? 1 : 0))]; };
      std::cout << "Min Latency: " << sorted.front() << " s\n";
      std::cout << "Max Latency: " << sorted.back() << " s\n";
      std::cout << "P50 Latency: " << pct(0.50) << " s\n";
      std::cout << "P90 Latency: " << pct(0.90) << " s\n";
      std::cout << "P95 Latency: " << pct(0.95) << " s\n";
      std::cout << "P99 Latency: " << pct(0.99) << " s\n";
      std::cout << "P999 Latency: " << pct(0.999) << " s\n";
    }
    if (!cfg.result_file.empty()) {
      std::ofstream out(cfg.result_file, std::ios::app);
      for (size_t i = 0; i < n; ++i) out << cfg.model << "," << cfg.provider << "," << i << "," << latencies[i] << "\n";
    }
    if (!cfg.profile.empty()) std::cout << "Profile written to: " << session.EndProfilingAllocated(allocator).get() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "perf_test: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
