#include "core/session/inference_session.h"

#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"
#include "core/optimizer/gradient_expansion.h"
#include "core/optimizer/graph_transformer.h"
#include "core/plan/execution_frame.h"

namespace ortlite {

namespace {

int DefaultThreadCount() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

std::set<std::string> SplitList(const std::string& s) {
  std::set<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.insert(item);
  }
  return out;
}

}  // namespace

InferenceSession::InferenceSession(SessionOptions options) : options_(std::move(options)) {
  if (options_.log_id.empty()) options_.log_id = "InferenceSession";
  if (options_.enable_profiling) profiler_.Start(options_.profile_file_prefix);
}

InferenceSession::~InferenceSession() {
  if (profiler_.IsEnabled()) {
    try {
      profiler_.EndProfiling();
    } catch (...) {
    }
  }
  state_.reset();
}

void InferenceSession::RegisterExecutionProvider(std::shared_ptr<IExecutionProvider> provider) {
  ORTLITE_ENFORCE(!initialized_, "providers must be registered before the session is initialised");
  for (const auto& p : providers_) {
    if (p->Type() == provider->Type()) {
      ThrowError(ErrorCode::kInvalidArgument, "provider ", provider->Type(), " is already registered");
    }
  }
  providers_.push_back(std::move(provider));
}

void InferenceSession::Load(const std::string& model_path) {
  const auto start = profiler_.Now();
  model_ = Model::LoadFromFile(model_path);
  profiler_.AddEvent("Session", "model_loading_uri", start);
}

void InferenceSession::Load(const void* model_data, size_t size) {
  const auto start = profiler_.Now();
  model_ = Model::LoadFromBytes(model_data, size, "");
  profiler_.AddEvent("Session", "model_loading_array", start);
}

void InferenceSession::CheckLoaded() const {
  if (!model_) ThrowError(ErrorCode::kNoModel, "no model has been loaded");
}

void InferenceSession::ApplyFreeDimensionOverrides() {
  if (options_.free_dimension_overrides_by_name.empty() && options_.free_dimension_overrides_by_denotation.empty()) return;
  Graph& graph = model_->MainGraph();
  bool changed = false;
  for (const NodeArg* input : graph.GetInputs()) {
    if (!input->IsTensorType() || !input->TypeAsProto()->tensor_type().has_shape()) continue;
    onnx::TypeProto type = *input->TypeAsProto();
    for (auto& dim : *type.mutable_tensor_type()->mutable_shape()->mutable_dim()) {
      if (dim.has_dim_value()) continue;
      for (const auto& [name, value] : options_.free_dimension_overrides_by_name) {
        if (dim.has_dim_param() && dim.dim_param() == name) {
          dim.set_dim_value(value);
          changed = true;
        }
      }
      for (const auto& [denotation, value] : options_.free_dimension_overrides_by_denotation) {
        if (!dim.has_dim_value() && dim.denotation() == denotation) {
          dim.set_dim_value(value);
          changed = true;
        }
      }
    }
    graph.GetNodeArg(input->Name())->SetType(type);
  }
  if (changed) graph.InferTypesAndShapes();
}

void InferenceSession::Initialize() {
  CheckLoaded();
  ORTLITE_ENFORCE(!initialized_, "the session is already initialised");
  const auto start = profiler_.Now();
  Graph& graph = model_->MainGraph();
  ApplyFreeDimensionOverrides();
  ExpandGradients(graph);

  // TransformGraph: optimisations, then device assignment and copy insertion.
  TransformContext tctx{model_->ModelDir(), options_.log_id, options_.log_severity_level};
  const int level = static_cast<int>(options_.graph_optimization_level);
  const int max_level = level >= 99 ? 3 : level;
  applied_transformers_ =
      TransformGraph(graph, max_level, SplitList(options_.GetConfigEntry("optimization.disable_specified_optimizers")), tctx);

  if (!options_.optimized_model_filepath.empty()) {
    // Overwriting the file weights are mapped from would change them under the session.
    if (graph.MapsFile(options_.optimized_model_filepath)) graph.DetachMappedData();
    onnx::ModelProto proto = model_->ToProto();
    std::ofstream out(options_.optimized_model_filepath, std::ios::binary);
    if (!out || !proto.SerializeToOstream(&out)) {
      ThrowError(ErrorCode::kFail, "cannot write the optimised model to '", options_.optimized_model_filepath, "'");
    }
  }

  bool has_cpu = false;
  for (const auto& p : providers_) has_cpu |= p->Type() == kCpuExecutionProvider;
  if (!has_cpu) providers_.push_back(std::make_shared<CpuExecutionProvider>(options_.custom_kernels));
  std::vector<IExecutionProvider*> eps;
  IExecutionProvider* cpu = nullptr;
  for (const auto& p : providers_) {
    eps.push_back(p.get());
    if (p->Type() == kCpuExecutionProvider) cpu = p.get();
  }
  GraphPartitioner partitioner(eps, options_.log_id, options_.log_severity_level);
  partitioner.Partition(graph, model_->ModelDir(), compiled_);
  for (Node* n : graph.Nodes())
    for (const auto& [attr, sub] : n->Subgraphs()) AssignSubgraphsToCpu(*n->GetMutableSubgraph(attr), *cpu);
  partition_report_ = partitioner.Report();

  const bool parallel = options_.execution_mode == ExecutionMode::kParallel;
  if (options_.use_per_session_threads || !options_.shared_intra_op_pool) {
    const int intra = options_.intra_op_num_threads > 0 ? options_.intra_op_num_threads : DefaultThreadCount();
    intra_pool_ = std::make_shared<ThreadPool>(intra);
  } else {
    intra_pool_ = options_.shared_intra_op_pool;
  }
  if (parallel) {
    if (!options_.use_per_session_threads && options_.shared_inter_op_pool) {
      inter_pool_ = options_.shared_inter_op_pool;
    } else {
      const int inter = options_.inter_op_num_threads > 0 ? options_.inter_op_num_threads : DefaultThreadCount();
      const bool spin = options_.GetConfigEntry("session.inter_op.allow_spinning", "1") != "0";
      inter_pool_ = std::make_shared<InterOpPool>(inter, spin);
    }
  }
  SessionStateConfig config;
  config.log_id = options_.log_id;
  config.log_min = options_.log_severity_level;
  config.parallel = parallel;
  config.mem_pattern = options_.enable_mem_pattern;
  config.prepacking = options_.GetConfigEntry("session.disable_prepacking", "0") != "1";
  state_ = std::make_unique<SessionState>(graph, eps, &compiled_, intra_pool_.get(), inter_pool_.get(), config);
  state_->Initialize();
#if defined(__GLIBC__)
  // Graph transforms and kernel creation free many temporary buffers (copies of weights, packing
  // scratch); hand the free pages inside the heap back instead of leaving them resident.
  malloc_trim(0);
#endif
  initialized_ = true;
  profiler_.AddEvent("Session", "session_initialization", start);
}

std::vector<const NodeArg*> InferenceSession::GetInputs() const {
  CheckLoaded();
  return model_->MainGraph().GetInputs();
}

std::vector<const NodeArg*> InferenceSession::GetOutputs() const {
  CheckLoaded();
  return model_->MainGraph().GetOutputs();
}

std::vector<const NodeArg*> InferenceSession::GetOverridableInitializers() const {
  CheckLoaded();
  std::vector<const NodeArg*> out;
  const Graph& g = model_->MainGraph();
  for (const NodeArg* a : g.GetInputsIncludingInitializers())
    if (g.Initializers().count(a->Name())) out.push_back(a);
  return out;
}

const ModelMetadata& InferenceSession::GetModelMetadata() const {
  CheckLoaded();
  return model_->Metadata();
}

size_t InferenceSession::PlannedPeakBytes() const { return state_ ? state_->Plan().arena_bytes : 0; }

void InferenceSession::ValidateFeed(const NodeArg& arg, const OrtValue& value) const {
  const onnx::TypeProto* type = arg.TypeAsProto();
  if (!type) return;
  if (type->has_tensor_type()) {
    if (!value.IsTensor()) {
      ThrowError(ErrorCode::kInvalidArgument, "input '", arg.Name(), "' expects ", TypeToString(type), ", got a non-tensor value");
    }
    const Tensor& t = value.Get();
    const DataType want = arg.ElementType();
    if (want != DataType::kUndefined && t.GetElementType() != want) {
      ThrowError(ErrorCode::kInvalidArgument, "Unexpected input data type for input '", arg.Name(), "'. Actual: (tensor(",
                 DataTypeName(t.GetElementType()), ")) , expected: (tensor(", DataTypeName(want), "))");
    }
    if (t.Location().device.type != OrtDevice::kCpu) {
      ThrowError(ErrorCode::kInvalidArgument, "input '", arg.Name(), "' must be in host memory");
    }
    auto shape = arg.Shape();
    if (!shape) return;
    const auto& dims = t.Shape().GetDims();
    if (dims.size() != shape->size()) {
      ThrowError(ErrorCode::kInvalidArgument, "Invalid rank for input: ", arg.Name(), " Got: ", dims.size(),
                 " Expected: ", shape->size(), " Please fix either the inputs/outputs or the model.");
    }
    std::string bad;
    for (size_t i = 0; i < dims.size(); ++i) {
      if ((*shape)[i] >= 0 && dims[i] != (*shape)[i]) {
        bad += MakeString(" index: ", i, " Got: ", dims[i], " Expected: ", (*shape)[i], "\n");
      }
    }
    if (!bad.empty()) {
      ThrowError(ErrorCode::kInvalidArgument, "Got invalid dimensions for input: ", arg.Name(),
                 " for the following indices\n", bad, " Please fix either the inputs/outputs or the model.");
    }
  } else if (type->has_sequence_type()) {
    if (!value.IsSequence()) ThrowError(ErrorCode::kInvalidArgument, "input '", arg.Name(), "' expects ", TypeToString(type));
  }
}

std::vector<OrtValue> InferenceSession::Run(const RunOptions& run_options, const std::vector<std::string>& input_names,
                                            const std::vector<OrtValue>& inputs,
                                            const std::vector<std::string>& output_names) {
  if (!initialized_) ThrowError(ErrorCode::kFail, "the session is not initialised");
  if (input_names.size() != inputs.size()) {
    ThrowError(ErrorCode::kInvalidArgument, input_names.size(), " input names for ", inputs.size(), " input values");
  }
  const Graph& graph = model_->MainGraph();
  std::unordered_map<std::string, const NodeArg*> feedable;
  for (const NodeArg* a : graph.GetInputsIncludingInitializers()) feedable[a->Name()] = a;

  std::vector<std::pair<int, OrtValue>> feeds;
  std::set<std::string> fed;
  for (size_t i = 0; i < inputs.size(); ++i) {
    auto it = feedable.find(input_names[i]);
    if (it == feedable.end()) ThrowError(ErrorCode::kInvalidArgument, "Invalid input name: ", input_names[i]);
    if (!fed.insert(input_names[i]).second) ThrowError(ErrorCode::kInvalidArgument, "input '", input_names[i], "' is fed twice");
    ValidateFeed(*it->second, inputs[i]);
    feeds.emplace_back(state_->ValueIndex(input_names[i]), inputs[i]);
  }
  for (const NodeArg* a : graph.GetInputs()) {
    if (!fed.count(a->Name())) ThrowError(ErrorCode::kInvalidArgument, "Missing Input: ", a->Name());
  }
  std::vector<int> fetches;
  if (output_names.empty()) {
    fetches = state_->GraphOutputIndices();
  } else {
    for (const auto& name : output_names) {
      if (!graph.IsGraphOutput(name)) ThrowError(ErrorCode::kInvalidArgument, "Invalid Output Name:", name);
      fetches.push_back(state_->ValueIndex(name));
    }
  }
  RunContext run;
  run.terminate = &run_options.terminate;
  run.profiler = &profiler_;
  run.log_id = options_.log_id;
  if (run_options.terminate.load()) ThrowError(ErrorCode::kFail, "Exiting due to terminate flag being set to true.");
  const auto start = profiler_.Now();
  std::vector<OrtValue> out;
  if (state_->Plan().streams.size() > 1) {
    // Streams of one run occupy the inter-op pool; runs take turns so they cannot starve each other.
    std::lock_guard<std::mutex> lock(parallel_run_mutex_);
    out = ExecuteGraph(*state_, std::move(feeds), fetches, run);
  } else {
    out = ExecuteGraph(*state_, std::move(feeds), fetches, run);
  }
  profiler_.AddEvent("Session", "model_run", start);
  return out;
}

}  // namespace ortlite
