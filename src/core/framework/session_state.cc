#include "core/framework/session_state.h"

#include "core/framework/logging.h"
#include "core/framework/tensorprotoutils.h"

namespace ortlite {

namespace {

std::string Label(const Node& n) {
  return MakeString("node '", n.Name(), "' (op ", n.Domain().empty() ? "" : n.Domain() + ".", n.OpType(), ")");
}

// Runs a fused node through the function its provider compiled.
class FunctionKernel final : public OpKernel {
 public:
  FunctionKernel(const OpKernelInfo& info, const NodeComputeInfo& compute) : OpKernel(info), compute_(compute) {
    if (compute_.create_state) state_ = compute_.create_state(info.node());
  }
  ~FunctionKernel() override {
    if (compute_.release_state) compute_.release_state(state_);
  }
  void Compute(OpKernelContext& ctx) const override { compute_.compute(state_, ctx); }

 private:
  const NodeComputeInfo& compute_;
  void* state_ = nullptr;
};

const KernelDef& FusedKernelDef() {
  static const KernelDef def = KernelDefBuilder().Build("Fused", "ortlite.fused", 1, INT_MAX, "");
  return def;
}

}  // namespace

SessionState::SessionState(const Graph& graph, std::vector<IExecutionProvider*> providers,
                           const CompiledFunctions* compiled, ThreadPool* intra_op_pool, InterOpPool* inter_op_pool,
                           SessionStateConfig config, const SessionState* parent)
    : graph_(graph),
      providers_(std::move(providers)),
      compiled_(compiled),
      intra_pool_(intra_op_pool),
      inter_pool_(inter_op_pool),
      config_(std::move(config)),
      parent_(parent),
      constant_store_(graph) {}

SessionState::~SessionState() {
  // Kernels may hold references into subgraph states; drop kernels first.
  nodes_.clear();
}

int SessionState::AddValue(const std::string& name) {
  auto it = value_index_.find(name);
  if (it != value_index_.end()) return it->second;
  const int idx = static_cast<int>(value_names_.size());
  value_index_.emplace(name, idx);
  value_names_.push_back(name);
  return idx;
}

int SessionState::ValueIndex(const std::string& name) const {
  auto it = value_index_.find(name);
  return it == value_index_.end() ? -1 : it->second;
}

IExecutionProvider* SessionState::CpuProvider() const {
  for (IExecutionProvider* p : providers_)
    if (p->Type() == kCpuExecutionProvider) return p;
  return providers_.empty() ? nullptr : providers_.back();
}

const Tensor* SessionState::GetConstantInitializer(const std::string& name) const {
  if (constant_store_.IsConstant(name)) {
    return constant_store_.Finalized() ? constant_store_.Bound(name) : constant_store_.ForOuterScope(name);
  }
  // Outer scope: only if this graph does not define the name itself.
  if (parent_ && ValueIndex(name) >= 0 && !graph_.GetProducerNode(name) && !graph_.GetInitializer(name)) {
    for (const NodeArg* a : graph_.GetInputsIncludingInitializers())
      if (a->Name() == name) return nullptr;
    return parent_->GetConstantInitializer(name);
  }
  return nullptr;
}

const Tensor* SessionState::ConstantInputForKernel(const Node& node, size_t input) const {
  const std::string& name = node.InputDefs()[input]->Name();
  if (constant_store_.IsConstant(name)) return constant_store_.ForKernel(name, node.Index(), input);
  return GetConstantInitializer(name);
}

void SessionState::MarkConstantInputPrePacked(const Node& node, size_t input) const {
  constant_store_.MarkPrePacked(node.InputDefs()[input]->Name(), node.Index(), input);
}

void SessionState::MarkConstantInputReadAsBytes(const Node& node, size_t input) const {
  constant_store_.MarkReadAsBytes(node.InputDefs()[input]->Name(), node.Index(), input);
}

std::shared_ptr<const void> SessionState::SharedPrePack(const Node& node, size_t input, const std::string& format,
                                                        const SessionConstants::PackFunction& pack) const {
  const std::string& name = node.InputDefs()[input]->Name();
  if (constant_store_.IsConstant(name)) return constant_store_.SharedPrePack(name, format, node.Index(), input, pack);
  const Tensor* outer = GetConstantInitializer(name);  // enclosing graphs' constants are not shared
  return outer ? pack(*outer) : nullptr;
}

const SessionState* SessionState::GetSubgraphState(NodeIndex node, const std::string& attr) const {
  auto it = subgraph_states_.find({node, attr});
  return it == subgraph_states_.end() ? nullptr : it->second.get();
}

void SessionState::Initialize() {
  // Value indices: inputs first, then initializers, outer-scope values, node values, outputs.
  for (const NodeArg* a : graph_.GetInputsIncludingInitializers()) AddValue(a->Name());
  for (const auto& [name, t] : graph_.Initializers()) AddValue(name);
  for (const auto& name : graph_.OuterScopeValueNames()) outer_scope_indices_.push_back(AddValue(name));
  for (NodeIndex i : graph_.TopologicalOrder()) {
    const Node* n = graph_.GetNode(i);
    for (const NodeArg* a : n->InputDefs())
      if (a->Exists()) AddValue(a->Name());
    for (const NodeArg* a : n->ImplicitInputDefs()) AddValue(a->Name());
    for (const NodeArg* a : n->OutputDefs())
      if (a->Exists()) AddValue(a->Name());
  }
  for (const NodeArg* a : graph_.GetOutputs()) output_indices_.push_back(AddValue(a->Name()));
  for (const NodeArg* a : graph_.GetInputs()) input_indices_.push_back(ValueIndex(a->Name()));

  for (const auto& [name, proto] : graph_.Initializers()) {
    try {
      // Constants borrow the graph's initializer bytes (the graph outlives this state).
      constant_store_.Add(name, ValueIndex(name), !graph_.IsConstantInitializer(name));
    } catch (const OrtliteError& e) {
      throw OrtliteError(e.Code(), MakeString("initializer '", name, "': ", e.what()));
    }
  }

  nodes_.resize(graph_.MaxNodeIndex());
  for (NodeIndex i : graph_.TopologicalOrder()) {
    const Node& n = *graph_.GetNode(i);
    auto info = std::make_unique<NodeInfo>();
    info->node = &n;
    for (IExecutionProvider* p : providers_)
      if (p->Type() == n.GetExecutionProviderType()) info->provider = p;
    if (!info->provider) {
      ThrowError(ErrorCode::kEngineError, Label(n), " is assigned to provider '", n.GetExecutionProviderType(),
                 "', which this session does not have");
    }
    for (const NodeArg* a : n.InputDefs()) info->inputs.push_back(a->Exists() ? ValueIndex(a->Name()) : -1);
    for (const NodeArg* a : n.ImplicitInputDefs()) info->implicit_inputs.push_back(ValueIndex(a->Name()));
    for (const NodeArg* a : n.OutputDefs()) info->outputs.push_back(a->Exists() ? ValueIndex(a->Name()) : -1);

    for (const auto& [attr, sub] : n.Subgraphs()) {
      SessionStateConfig sub_config = config_;
      sub_config.parallel = false;
      auto sub_state = std::make_unique<SessionState>(*sub, providers_, compiled_, intra_pool_, inter_pool_,
                                                      sub_config, this);
      sub_state->Initialize();
      subgraph_states_[{i, attr}] = std::move(sub_state);
    }

    const KernelDef* def = nullptr;
    try {
      if (n.NodeType() == Node::Type::kFused) {
        auto it = compiled_ ? compiled_->find(n.Name()) : decltype(compiled_->end()){};
        if (!compiled_ || it == compiled_->end()) {
          ThrowError(ErrorCode::kEngineError, "the fused node was not compiled by its provider");
        }
        OpKernelInfo kinfo(n, FusedKernelDef(), *info->provider, *this);
        info->kernel = std::make_unique<FunctionKernel>(kinfo, it->second);
      } else {
        const KernelRegistry* reg = info->provider->GetKernelRegistry();
        std::string why;
        const KernelCreateInfo* k = reg ? reg->TryFind(n, &why) : nullptr;
        if (!k) ThrowError(ErrorCode::kNotImplemented, why.empty() ? "no kernel registry" : why);
        def = &k->def;
        info->may_inplace = def->may_inplace;
        OpKernelInfo kinfo(n, k->def, *info->provider, *this);
        info->kernel = k->create(kinfo);
      }
    } catch (const OrtliteError& e) {
      throw OrtliteError(e.Code(), MakeString(Label(n), ": ", e.what()));
    } catch (const std::exception& e) {
      ThrowError(ErrorCode::kFail, Label(n), ": ", e.what());
    }
    const MemoryInfo device_mem = info->provider->GetAllocator()->Info();
    for (size_t k = 0; k < n.OutputDefs().size(); ++k) {
      const bool host = def && std::find(def->host_outputs.begin(), def->host_outputs.end(), static_cast<int>(k)) !=
                                   def->host_outputs.end();
      info->output_locations.push_back(host ? GetCpuAllocator()->Info() : device_mem);
    }
    nodes_[i] = std::move(info);
    constant_store_.AfterKernelCreated(n);
  }
  constants_ = constant_store_.Finalize();
  plan_ = CreateExecutionPlan(*this);
  if (LogEnabled(Severity::kVerbose, config_.log_min)) {
    LogVerbose(config_.log_id, "execution plan:\n" + plan_.ToString(), config_.log_min);
  }
}

std::shared_ptr<void> SessionState::AcquireArena() const {
  if (plan_.arena_bytes == 0) return nullptr;
  {
    std::lock_guard<std::mutex> lock(arena_mutex_);
    if (!free_arenas_.empty()) {
      auto a = std::move(free_arenas_.back());
      free_arenas_.pop_back();
      return a;
    }
  }
  AllocatorPtr alloc = GetCpuAllocator();
  void* p = alloc->Alloc(plan_.arena_bytes);
  return std::shared_ptr<void>(p, [alloc](void* q) { alloc->Free(q); });
}

void SessionState::ReleaseArena(std::shared_ptr<void> arena) const {
  if (!arena) return;
  std::lock_guard<std::mutex> lock(arena_mutex_);
  free_arenas_.push_back(std::move(arena));
}

}  // namespace ortlite
