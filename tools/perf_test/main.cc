// perf_test: measures a model's latency with ORT's onnxruntime_perf_test flags.
//   perf_test [options] model.onnx [result_file]
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"
#include "core/session/inference_session.h"
#include "providers/provider_factory.h"

namespace fs = std::filesystem;
using namespace ortlite;

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
      "  -v                verbose\n"
      "  -h                this help\n";
}

std::map<std::string, std::string> ParseKeyValues(const std::string& s) {
  std::map<std::string, std::string> out;
  std::istringstream in(s);
  std::string item;
  while (in >> item) {
    auto pos = item.find('|');
    if (pos == std::string::npos) ThrowError(ErrorCode::kInvalidArgument, "expected key|value, got '", item, "'");
    out[item.substr(0, pos)] = item.substr(pos + 1);
  }
  return out;
}

std::pair<std::string, int64_t> ParseDim(const std::string& s) {
  auto pos = s.rfind(':');
  if (pos == std::string::npos) ThrowError(ErrorCode::kInvalidArgument, "expected name:value, got '", s, "'");
  return {s.substr(0, pos), std::stoll(s.substr(pos + 1))};
}

Tensor GenerateTensor(const NodeArg& arg, std::mt19937& rng, const PerfConfig& cfg) {
  const DataType type = arg.ElementType() == DataType::kUndefined ? DataType::kFloat : arg.ElementType();
  std::vector<int64_t> dims;
  if (auto s = arg.Shape()) dims = *s;
  for (int64_t& d : dims) if (d < 0) d = 1;
  Tensor t(type, TensorShape(dims), GetCpuAllocator());
  const int64_t n = t.NumElements();
  VisitType<AllTensorTypes>(type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* p = t.MutableData<T>();
    if constexpr (std::is_same_v<T, std::string>) {
      for (int64_t i = 0; i < n; ++i) p[i] = "a";
    } else if constexpr (std::is_same_v<T, bool>) {
      for (int64_t i = 0; i < n; ++i) p[i] = (rng() & 1) != 0;
    } else if constexpr (std::is_integral_v<T>) {
      // Small non-negative values: safe as ids, indices and masks.
      for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(rng() % 2);
    } else if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
      for (int64_t i = 0; i < n; ++i) p[i] = T(0, 0);
    } else {
      std::uniform_real_distribution<float> dist(0.f, 1.f);
      for (int64_t i = 0; i < n; ++i) p[i] = FromCompute<T>(dist(rng));
    }
  }, "perf_test input generation");
  return t;
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
    if (cfg.mode != "duration" && cfg.mode != "times") ThrowError(ErrorCode::kInvalidArgument, "-m takes duration or times");

    SessionOptions so;
    so.intra_op_num_threads = cfg.intra;
    so.inter_op_num_threads = cfg.inter;
    so.execution_mode = cfg.parallel ? ExecutionMode::kParallel : ExecutionMode::kSequential;
    so.graph_optimization_level = static_cast<GraphOptimizationLevel>(cfg.opt_level == 3 ? 99 : cfg.opt_level);
    so.optimized_model_filepath = cfg.optimized_path;
    so.enable_cpu_mem_arena = !cfg.no_arena;
    so.enable_mem_pattern = !cfg.no_mem_pattern;
    so.config_entries = cfg.config_entries;
    if (cfg.no_spin) {
      so.config_entries["session.intra_op.allow_spinning"] = "0";
      so.config_entries["session.inter_op.allow_spinning"] = "0";
    }
    if (cfg.denormal_zero) so.config_entries["session.set_denormal_as_zero"] = "1";
    so.free_dimension_overrides_by_name = cfg.dims_by_name;
    so.free_dimension_overrides_by_denotation = cfg.dims_by_denotation;
    if (!cfg.profile.empty()) {
      so.enable_profiling = true;
      so.profile_file_prefix = cfg.profile;
    }
    if (cfg.verbose) so.log_severity_level = 0;
    if (!cfg.custom_op_library.empty()) {
      ThrowError(ErrorCode::kInvalidArgument, "-R: custom-op libraries are loaded through the Ort:: API build of perf_test");
    }

    const auto t0 = std::chrono::steady_clock::now();
    InferenceSession session(so);
    for (auto& p : CreateProvidersFor(cfg.provider, cfg.provider_options)) session.RegisterExecutionProvider(p);
    if (cfg.load_from_memory) {
      std::ifstream in(cfg.model, std::ios::binary);
      if (!in) ThrowError(ErrorCode::kNoSuchFile, "cannot open ", cfg.model);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      session.Load(bytes.data(), bytes.size());
    } else {
      session.Load(cfg.model);
    }
    session.Initialize();
    const double creation = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cout << "Session creation time cost: " << creation << " s\n";
    if (cfg.verbose) {
      for (const auto& line : session.PartitionReport()) std::cout << line << "\n";
      std::cout << "Planned intermediate memory: " << session.PlannedPeakBytes() << " bytes\n";
    }
    if (cfg.exit_after_session) return 0;

    // Inputs: generated, or the first test data set next to the model.
    std::vector<std::string> names;
    std::vector<OrtValue> values;
    const auto inputs = session.GetInputs();
    const fs::path data_dir = fs::path(cfg.model).parent_path() / "test_data_set_0";
    if (!cfg.generate_inputs && fs::exists(data_dir)) {
      for (size_t k = 0; k < inputs.size(); ++k) {
        const fs::path f = data_dir / ("input_" + std::to_string(k) + ".pb");
        std::ifstream in(f, std::ios::binary);
        onnx::TensorProto p;
        if (!in || !p.ParseFromIstream(&in)) ThrowError(ErrorCode::kNoSuchFile, "cannot read ", f.string());
        names.push_back(inputs[k]->Name());
        values.emplace_back(TensorFromProto(p));
      }
    } else {
      std::mt19937 rng(cfg.seed);
      for (const NodeArg* a : inputs) {
        names.push_back(a->Name());
        values.emplace_back(GenerateTensor(*a, rng, cfg));
      }
    }

    RunOptions ro;
    auto t_first = std::chrono::steady_clock::now();
    session.Run(ro, names, values, {});
    const double first_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t_first).count();
    std::cout << "First inference time cost: " << first_ms << " ms\n";

    std::vector<double> latencies;
    std::mutex lat_mu;
    const double cpu0 = CpuSeconds();
    const auto start = std::chrono::steady_clock::now();
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    std::atomic<int> issued{0};
    auto worker = [&] {
      while (true) {
        if (cfg.mode == "times") {
          if (issued++ >= cfg.runs) break;
        } else if (elapsed() >= cfg.seconds) {
          break;
        }
        const auto s = std::chrono::steady_clock::now();
        session.Run(ro, names, values, {});
        const double d = std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
        std::lock_guard<std::mutex> lock(lat_mu);
        latencies.push_back(d);
      }
    };
    std::vector<std::thread> threads;
    for (int c = 1; c < cfg.concurrent; ++c) threads.emplace_back(worker);
    worker();
    for (auto& t : threads) t.join();
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
    if (!cfg.profile.empty()) std::cout << "Profile written to: " << session.EndProfiling() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "perf_test: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
