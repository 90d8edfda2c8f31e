// SessionConstants: how one graph's initializers are held while its session is created and run.
//
// An initializer's data is in its TensorProto or in a mapping of the model file (Graph). Nothing
// is read until something asks:
//  - while kernels are created, a kernel asking for a constant input gets an aligned tensor: a
//    view of the mapping when the bytes happen to be aligned, else an aligned copy;
//  - a kernel that pre-packed a constant and will not read its data at run time says so
//    (MarkPrePacked); once every kernel that asked did, the copy is freed and the mapped pages
//    are given back, so a pre-packed weight is resident once, as its packed form;
//  - a kernel that reads a constant at run time only bytewise (MarkReadAsBytes, e.g. rows of an
//    embedding table) may be given the mapping itself, aligned or not; its unread pages never
//    become resident.
// Finalize then fixes what runs bind: an aligned tensor for any constant still read as typed
// data (by a kernel, a subgraph, as a graph output, or because a feed may replace it), the bare
// mapping otherwise. Pre-packed forms can be shared between kernels reading the same initializer
// in the same format (SharedPrePack), e.g. a weight several layers reuse.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/framework/ort_value.h"
#include "core/graph/graph.h"

namespace ortlite {

class SessionConstants {
 public:
  using PackFunction = std::function<std::shared_ptr<const void>(const Tensor&)>;

  explicit SessionConstants(const Graph& graph) : graph_(graph) {}

  // Registers initializer `name` (value `value_index`) without reading its data; `overridable`
  // when it is also a graph input. Throws naming the initializer if its metadata is malformed.
  void Add(const std::string& name, int value_index, bool overridable);
  // True for a registered initializer no feed can replace.
  bool IsConstant(const std::string& name) const;

  // While kernels are created. `ForKernel` records that input `input` of node `node` reads it;
  // `ForOuterScope` serves subgraphs, whose reads keep the constant's aligned data for good.
  // nullptr if `name` is not a constant here.
  const Tensor* ForKernel(const std::string& name, NodeIndex node, size_t input);
  const Tensor* ForOuterScope(const std::string& name);
  void MarkPrePacked(const std::string& name, NodeIndex node, size_t input);
  void MarkReadAsBytes(const std::string& name, NodeIndex node, size_t input);
  // The shared pre-packed form of constant `name` in `format`, made by `pack` on first use.
  std::shared_ptr<const void> SharedPrePack(const std::string& name, const std::string& format, NodeIndex node,
                                            size_t input, const PackFunction& pack);
  // After the kernel of `node` was created: lets go of the data of constants it pre-packed when
  // every kernel that asked for them did.
  void AfterKernelCreated(const Node& node);

  // Fixes the run-time values (see the file comment); returns (value index, value) bindings.
  std::vector<std::pair<int, OrtValue>> Finalize();
  bool Finalized() const { return finalized_; }
  // After Finalize: the value runs bind for constant `name` (its data may be unaligned or, for a
  // pre-packed weight, not resident), or nullptr.
  const Tensor* Bound(const std::string& name) const;

 private:
  using Reader = std::pair<NodeIndex, size_t>;  // node, input position
  struct Constant {
    const onnx::TensorProto* proto = nullptr;
    const MappedBytes* mapped = nullptr;  // null: the data is in `proto`
    int value_index = -1;
    bool overridable = false;
    bool pinned = false;  // read through ForOuterScope: keep aligned data
    Tensor aligned;       // made on demand
    Tensor bound;         // after Finalize
    std::set<Reader> requests, prepacked, as_bytes;
  };

  Constant* Find(const std::string& name);
  const Tensor& Aligned(Constant& c);
  // Aligned data of `c` that is a copy (not a view of its mapping or its TensorProto).
  static bool HoldsCopy(const Constant& c);
  Tensor MappedView(const Constant& c) const;

  const Graph& graph_;
  std::unordered_map<std::string, Constant> constants_;
  std::map<std::pair<std::string, std::string>, std::shared_ptr<const void>> prepacked_;
  bool finalized_ = false;
};

}  // namespace ortlite
