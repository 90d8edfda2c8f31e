// SessionState: everything one graph needs to run, built once at session start — value indices,
// constant initializers as tensors, one kernel per node, the execution plan, and the states of
// nested subgraphs (If/Loop/Scan bodies).
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/framework/execution_provider.h"
#include "core/framework/graph_partitioner.h"
#include "core/framework/inter_op_pool.h"
#include "core/framework/session_state_constants.h"
#include "core/plan/execution_plan.h"

namespace ortlite {

struct SessionStateConfig {
  std::string log_id;
  int log_min = -1;  // the session's log severity threshold (-1: process default)
  bool parallel = false;        // plan several streams run on the inter-op pool
  bool mem_pattern = true;      // plan static intermediate buffers into one arena per run
  bool prepacking = true;
};

class SessionState {
 public:
  struct NodeInfo {
    const Node* node = nullptr;
    IExecutionProvider* provider = nullptr;
    std::unique_ptr<OpKernel> kernel;
    std::vector<int> inputs, implicit_inputs, outputs;  // value indices (-1: omitted)
    std::vector<MemoryInfo> output_locations;
    std::vector<std::pair<int, int>> may_inplace;  // from the kernel's KernelDef
  };

  SessionState(const Graph& graph, std::vector<IExecutionProvider*> providers, const CompiledFunctions* compiled,
               ThreadPool* intra_op_pool, InterOpPool* inter_op_pool, SessionStateConfig config,
               const SessionState* parent = nullptr);
  ~SessionState();

  // Converts initializers, creates kernels (errors name the node), builds subgraph states and the plan.
  void Initialize();

  const Graph& GetGraph() const { return graph_; }
  const SessionStateConfig& Config() const { return config_; }
  int ValueIndex(const std::string& name) const;  // -1 if unknown
  size_t NumValues() const { return value_names_.size(); }
  const std::string& ValueName(int index) const { return value_names_[index]; }
  const NodeInfo* GetNodeInfo(NodeIndex i) const { return i < nodes_.size() ? nodes_[i].get() : nullptr; }
  // Constant initializer by name, searching enclosing graphs' states too; nullptr if none.
  // While kernels are created this is aligned data ready to read; afterwards it is the value runs
  // bind, whose data may be unaligned or not resident (see SessionConstants).
  const Tensor* GetConstantInitializer(const std::string& name) const;
  // For OpKernelInfo while the kernel of `node` is created (see op_kernel.h).
  const Tensor* ConstantInputForKernel(const Node& node, size_t input) const;
  void MarkConstantInputPrePacked(const Node& node, size_t input) const;
  void MarkConstantInputReadAsBytes(const Node& node, size_t input) const;
  std::shared_ptr<const void> SharedPrePack(const Node& node, size_t input, const std::string& format,
                                            const SessionConstants::PackFunction& pack) const;
  // Constant values bound at the start of every run, by value index.
  const std::vector<std::pair<int, OrtValue>>& ConstantValues() const { return constants_; }
  const std::vector<int>& GraphInputIndices() const { return input_indices_; }
  const std::vector<int>& GraphOutputIndices() const { return output_indices_; }
  // Values of enclosing scopes this graph reads, bound by the parent node at each run.
  const std::vector<int>& OuterScopeIndices() const { return outer_scope_indices_; }
  const SequentialExecutionPlan& Plan() const { return plan_; }
  const SessionState* GetSubgraphState(NodeIndex node, const std::string& attr) const;
  ThreadPool* IntraOpPool() const { return intra_pool_; }
  InterOpPool* GetInterOpPool() const { return inter_pool_; }
  const SessionState* Parent() const { return parent_; }
  IExecutionProvider* CpuProvider() const;

  // Arena buffers for statically planned values, reused across runs (one per concurrent run).
  std::shared_ptr<void> AcquireArena() const;
  void ReleaseArena(std::shared_ptr<void> arena) const;

 private:
  int AddValue(const std::string& name);

  const Graph& graph_;
  std::vector<IExecutionProvider*> providers_;
  const CompiledFunctions* compiled_;
  ThreadPool* intra_pool_;
  InterOpPool* inter_pool_;
  SessionStateConfig config_;
  const SessionState* parent_;

  std::unordered_map<std::string, int> value_index_;
  std::vector<std::string> value_names_;
  std::vector<std::unique_ptr<NodeInfo>> nodes_;
  std::vector<std::pair<int, OrtValue>> constants_;
  // Mutable: kernels record how they use constants through a const OpKernelInfo, and only while
  // Initialize runs.
  mutable SessionConstants constant_store_;
  std::vector<int> input_indices_, output_indices_, outer_scope_indices_;
  std::map<std::pair<NodeIndex, std::string>, std::unique_ptr<SessionState>> subgraph_states_;
  SequentialExecutionPlan plan_;

  mutable std::mutex arena_mutex_;
  mutable std::vector<std::shared_ptr<void>> free_arenas_;
};

// Builds the execution plan for `state` (defined in plan/allocation_planner.cc).
SequentialExecutionPlan CreateExecutionPlan(const SessionState& state);

}  // namespace ortlite
