// Session and run options as the engine sees them (the Ort:: API maps onto these).
#pragma once
#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ortlite {

class IExecutionProvider;
class ThreadPool;
class InterOpPool;
class KernelRegistry;

enum class ExecutionMode : int { kSequential = 0, kParallel = 1 };

// Values equal ORT's GraphOptimizationLevel.
enum class GraphOptimizationLevel : int { kDisableAll = 0, kEnableBasic = 1, kEnableExtended = 2, kEnableAll = 99 };

struct SessionOptions {
  int intra_op_num_threads = 0;  // 0: one per core
  int inter_op_num_threads = 0;  // 0: one per core (parallel mode only)
  ExecutionMode execution_mode = ExecutionMode::kSequential;
  GraphOptimizationLevel graph_optimization_level = GraphOptimizationLevel::kEnableAll;
  std::string optimized_model_filepath;
  bool enable_profiling = false;
  std::string profile_file_prefix = "onnxruntime_profile_";
  std::string log_id;
  int log_severity_level = -1;  // -1: the process default
  bool enable_cpu_mem_arena = true;
  bool enable_mem_pattern = true;
  bool use_per_session_threads = true;
  std::map<std::string, std::string> config_entries;
  std::vector<std::pair<std::string, int64_t>> free_dimension_overrides_by_denotation;
  std::vector<std::pair<std::string, int64_t>> free_dimension_overrides_by_name;
  // Process-wide pools (an Env with global thread pools and DisablePerSessionThreads).
  std::shared_ptr<ThreadPool> shared_intra_op_pool;
  std::shared_ptr<InterOpPool> shared_inter_op_pool;
  // Kernels of custom-op domains, searched before the built-in CPU kernels.
  std::shared_ptr<KernelRegistry> custom_kernels;

  std::string GetConfigEntry(const std::string& key, const std::string& default_value = "") const {
    auto it = config_entries.find(key);
    return it == config_entries.end() ? default_value : it->second;
  }
};

struct RunOptions {
  std::string run_tag;
  int log_severity_level = -1;
  std::atomic<bool> terminate{false};
};

}  // namespace ortlite
