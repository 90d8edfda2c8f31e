#include "core/framework/session_state_constants.h"

#include <cstdint>

#include "core/framework/tensorprotoutils.h"

namespace ortlite {

void SessionConstants::Add(const std::string& name, int value_index, bool overridable) {
  Constant c;
  c.proto = graph_.GetInitializer(name);
  ORTLITE_ENFORCE(c.proto, "no initializer '", name, "'");
  c.mapped = graph_.GetMappedData(name);
  c.value_index = value_index;
  c.overridable = overridable;
  // Checks type, dims and size now, as a copy would, but reads no mapped data.
  if (c.mapped) {
    MappedView(c);
  } else {
    c.aligned = TensorViewFromProto(*c.proto);
  }
  constants_[name] = std::move(c);
}

SessionConstants::Constant* SessionConstants::Find(const std::string& name) {
  auto it = constants_.find(name);
  return it == constants_.end() ? nullptr : &it->second;
}

bool SessionConstants::IsConstant(const std::string& name) const {
  auto it = constants_.find(name);
  return it != constants_.end() && !it->second.overridable;
}

Tensor SessionConstants::MappedView(const Constant& c) const {
  std::shared_ptr<void> keep_alive = std::const_pointer_cast<MappedFile>(c.mapped->file);
  return TensorViewOfRawBytes(*c.proto, c.mapped->Data(), c.mapped->size, std::move(keep_alive));
}

const Tensor& SessionConstants::Aligned(Constant& c) {
  if (!c.aligned.IsValid()) {
    // Payloads sit wherever serialisation put them; typed reads need the element alignment
    // buffers get, so unaligned ones are copied.
    const bool aligned = reinterpret_cast<uintptr_t>(c.mapped->Data()) % kBufferAlignment == 0;
    c.aligned = aligned ? MappedView(c) : TensorFromMappedBytes(*c.proto, *c.mapped);
  }
  return c.aligned;
}

bool SessionConstants::HoldsCopy(const Constant& c) {
  return c.mapped && c.aligned.IsValid() && c.aligned.DataRaw() != c.mapped->Data();
}

const Tensor* SessionConstants::ForKernel(const std::string& name, NodeIndex node, size_t input) {
  Constant* c = Find(name);
  if (!c || c->overridable) return nullptr;
  if (finalized_) return &c->bound;
  c->requests.insert({node, input});
  return &Aligned(*c);
}

const Tensor* SessionConstants::ForOuterScope(const std::string& name) {
  Constant* c = Find(name);
  if (!c || c->overridable) return nullptr;
  if (finalized_) return &c->bound;
  c->pinned = true;
  return &Aligned(*c);
}

void SessionConstants::MarkPrePacked(const std::string& name, NodeIndex node, size_t input) {
  if (Constant* c = Find(name)) c->prepacked.insert({node, input});
}

void SessionConstants::MarkReadAsBytes(const std::string& name, NodeIndex node, size_t input) {
  if (Constant* c = Find(name)) c->as_bytes.insert({node, input});
}

std::shared_ptr<const void> SessionConstants::SharedPrePack(const std::string& name, const std::string& format,
                                                            NodeIndex node, size_t input, const PackFunction& pack) {
  auto key = std::make_pair(name, format);
  auto it = prepacked_.find(key);
  if (it != prepacked_.end()) return it->second;
  const Tensor* t = ForKernel(name, node, input);
  if (!t) return nullptr;
  std::shared_ptr<const void> packed = pack(*t);
  if (!finalized_) prepacked_.emplace(std::move(key), packed);
  return packed;
}

void SessionConstants::AfterKernelCreated(const Node& node) {
  const auto& inputs = node.InputDefs();
  for (size_t k = 0; k < inputs.size(); ++k) {
    if (!inputs[k]->Exists()) continue;
    Constant* c = Find(inputs[k]->Name());
    if (!c || c->pinned || !c->prepacked.count({node.Index(), k})) continue;
    bool all_prepacked = true;
    for (const Reader& r : c->requests) all_prepacked &= c->prepacked.count(r) > 0;
    if (!all_prepacked) continue;
    // A later kernel asking again gets a fresh copy; the pages come back from the file.
    if (HoldsCopy(*c)) c->aligned = Tensor();
    if (c->mapped) c->mapped->DropPages();
  }
}

std::vector<std::pair<int, OrtValue>> SessionConstants::Finalize() {
  std::unordered_map<std::string, std::vector<Reader>> readers;
  std::set<std::string> pinned;
  for (const Node* n : graph_.Nodes()) {
    const auto& inputs = n->InputDefs();
    for (size_t k = 0; k < inputs.size(); ++k)
      if (inputs[k]->Exists()) readers[inputs[k]->Name()].push_back({n->Index(), k});
    for (const NodeArg* a : n->ImplicitInputDefs()) pinned.insert(a->Name());
  }
  for (const NodeArg* a : graph_.GetOutputs()) pinned.insert(a->Name());

  std::vector<std::pair<int, OrtValue>> bindings;
  bindings.reserve(constants_.size());
  for (auto& [name, c] : constants_) {
    bool typed = c.pinned || c.overridable || pinned.count(name) > 0;
    bool as_bytes = false;
    for (const Reader& r : readers[name]) {
      if (c.prepacked.count(r)) continue;
      if (c.as_bytes.count(r)) {
        as_bytes = true;
      } else {
        typed = true;
      }
    }
    if (!c.mapped) {
      c.bound = Aligned(c);  // a view of the TensorProto's bytes
    } else if (typed) {
      c.bound = Aligned(c);
      if (HoldsCopy(c)) c.mapped->DropPages();
    } else {
      // Read bytewise, or only in pre-packed form, or not at all: the mapping will do, and only
      // what is read of it becomes resident.
      c.bound = MappedView(c);
      c.aligned = Tensor();
      if (!as_bytes) c.mapped->DropPages();
    }
    bindings.emplace_back(c.value_index, OrtValue(c.bound));
    c.requests.clear();
    c.prepacked.clear();
    c.as_bytes.clear();
  }
  prepacked_.clear();
  finalized_ = true;
  return bindings;
}

const Tensor* SessionConstants::Bound(const std::string& name) const {
  auto it = constants_.find(name);
  if (it == constants_.end() || it->second.overridable || !finalized_) return nullptr;
  return &it->second.bound;
}

}  // namespace ortlite
