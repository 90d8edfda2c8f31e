// InferenceSession: load a model, transform and partition it, plan it, and run it.
//
//   InferenceSession s(options);
//   s.Load("model.onnx");
//   s.Initialize();
//   auto outputs = s.Run(run_options, {"x"}, {OrtValue(x)}, {"y"});
//
// Run() may be called from many threads at once.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/framework/execution_provider.h"
#include "core/framework/inter_op_pool.h"
#include "core/framework/profiler.h"
#include "core/framework/session_state.h"
#include "core/graph/model.h"
#include "core/session/session_options.h"

namespace ortlite {

class InferenceSession {
 public:
  explicit InferenceSession(SessionOptions options);
  ~InferenceSession();

  // Providers in priority order; the CPU provider is always added last.
  void RegisterExecutionProvider(std::shared_ptr<IExecutionProvider> provider);
  void Load(const std::string& model_path);
  void Load(const void* model_data, size_t size);
  void Initialize();

  // Runs with named feeds; returns the named outputs (all graph outputs if `output_names` is empty).
  // Throws OrtliteError: kInvalidArgument for a bad name/type/shape, kFail/others from kernels.
  std::vector<OrtValue> Run(const RunOptions& run_options, const std::vector<std::string>& input_names,
                            const std::vector<OrtValue>& inputs, const std::vector<std::string>& output_names);

  // Graph inputs the caller must feed (no initializer behind them), outputs, and initializers
  // that are also inputs (a feed overrides them).
  std::vector<const NodeArg*> GetInputs() const;
  std::vector<const NodeArg*> GetOutputs() const;
  std::vector<const NodeArg*> GetOverridableInitializers() const;
  const ModelMetadata& GetModelMetadata() const;
  const SessionOptions& Options() const { return options_; }

  // Bytes of the statically planned intermediate arena of the main graph.
  size_t PlannedPeakBytes() const;
  // One line per node: which provider took it (and why others declined), fused subgraphs, copies.
  const std::vector<std::string>& PartitionReport() const { return partition_report_; }
  const std::vector<std::string>& AppliedTransformers() const { return applied_transformers_; }
  const std::vector<std::shared_ptr<IExecutionProvider>>& Providers() const { return providers_; }
  const Graph& GetGraph() const { return model_->MainGraph(); }

  Profiler& GetProfiler() { return profiler_; }
  std::string EndProfiling() { return profiler_.EndProfiling(); }

 private:
  void CheckLoaded() const;
  void ApplyFreeDimensionOverrides();
  void ValidateFeed(const NodeArg& arg, const OrtValue& value) const;

  SessionOptions options_;
  std::unique_ptr<Model> model_;
  std::vector<std::shared_ptr<IExecutionProvider>> providers_;
  CompiledFunctions compiled_;
  std::shared_ptr<ThreadPool> intra_pool_;
  std::shared_ptr<InterOpPool> inter_pool_;
  std::unique_ptr<SessionState> state_;
  std::vector<std::string> partition_report_;
  std::vector<std::string> applied_transformers_;
  Profiler profiler_;
  bool initialized_ = false;
  std::mutex parallel_run_mutex_;
};

}  // namespace ortlite
