// Layout analysis shared by the Reduce* kernels: which input dims are reduced, the output shape,
// and a collapsed view of the input in which adjacent dims of the same kind (kept or reduced) are
// merged and size-1 dims dropped. The collapsed view leaves one of two loop shapes:
//   inner reduced:  every output element reduces `inner` contiguous values at each reduced offset;
//   inner kept:     every output row of `inner` contiguous values accumulates one input row per
//                   reduced offset (a vectorisable row-wise update).
#pragma once
#include <cstdint>
#include <vector>

#include "core/common/status.h"
#include "core/framework/tensor_shape.h"

namespace ortlite {
namespace reduction {

// Offsets of a row-major walk over a subset of a tensor's dims (each with its own stride).
class OffsetWalker {
 public:
  void AddDim(int64_t size, int64_t stride) {
    sizes_.push_back(size);
    strides_.push_back(stride);
    index_.push_back(0);
  }
  int64_t Count() const {
    int64_t n = 1;
    for (int64_t s : sizes_) n *= s;
    return n;
  }
  // Positions the walker at the linear index `i` of its walk.
  void Seek(int64_t i) {
    offset_ = 0;
    for (size_t d = sizes_.size(); d-- > 0;) {
      index_[d] = i % sizes_[d];
      i /= sizes_[d];
      offset_ += index_[d] * strides_[d];
    }
  }
  int64_t Offset() const { return offset_; }
  void Next() {
    for (size_t d = sizes_.size(); d-- > 0;) {
      offset_ += strides_[d];
      if (++index_[d] < sizes_[d]) return;
      offset_ -= index_[d] * strides_[d];
      index_[d] = 0;
    }
  }
  std::vector<int64_t> AllOffsets() {
    std::vector<int64_t> out(static_cast<size_t>(Count()));
    Seek(0);
    for (auto& o : out) {
      o = offset_;
      Next();
    }
    return out;
  }

 private:
  std::vector<int64_t> sizes_, strides_, index_;
  int64_t offset_ = 0;
};

struct ReducePlan {
  TensorShape output_shape;
  int64_t reduce_count = 1;   // input values per output value
  bool inner_reduced = true;  // which loop shape (see the file comment)
  int64_t inner = 1;          // length of the contiguous run
  OffsetWalker kept;          // per output element (inner reduced) or per output row (inner kept)
  std::vector<int64_t> reduced_offsets;
};

// `axes` may be negative; empty means all dims (the caller handles noop_with_empty_axes by
// passing `reduce_nothing`).
inline ReducePlan MakeReducePlan(const TensorShape& input, const std::vector<int64_t>& axes, bool keepdims,
                                 bool reduce_nothing) {
  const int64_t rank = static_cast<int64_t>(input.NumDimensions());
  std::vector<bool> reduced(rank, !reduce_nothing && axes.empty());
  for (int64_t a : axes) {
    ORTLITE_CHECK_ARG(a >= -rank && a < rank, "reduction axis ", a, " is out of range for input of rank ", rank);
    const int64_t axis = a < 0 ? a + rank : a;
    ORTLITE_CHECK_ARG(!reduced[axis], "reduction axis ", a, " is given more than once");
    reduced[axis] = true;
  }

  ReducePlan plan;
  std::vector<int64_t> out_dims;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      out_dims.push_back(input[d]);
    } else {
      plan.reduce_count *= input[d];
      if (keepdims) out_dims.push_back(1);
    }
  }
  plan.output_shape = TensorShape(out_dims);

  // Collapse: drop size-1 dims, merge neighbours of the same kind.
  struct Group {
    int64_t size, stride;
    bool reduced;
  };
  std::vector<Group> groups;
  int64_t stride = 1;
  std::vector<int64_t> strides(rank);
  for (int64_t d = rank; d-- > 0;) {
    strides[d] = stride;
    stride *= input[d];
  }
  for (int64_t d = 0; d < rank; ++d) {
    if (input[d] == 1) continue;
    if (!groups.empty() && groups.back().reduced == reduced[d] &&
        groups.back().stride == input[d] * strides[d]) {
      groups.back().size *= input[d];
      groups.back().stride = strides[d];
    } else {
      groups.push_back({input[d], strides[d], reduced[d]});
    }
  }

  OffsetWalker reduced_walk;
  plan.inner_reduced = groups.empty() || groups.back().reduced;
  if (!groups.empty()) {
    plan.inner = groups.back().size;
    groups.pop_back();
  }
  for (const Group& g : groups) {
    if (g.reduced) {
      reduced_walk.AddDim(g.size, g.stride);
    } else {
      plan.kept.AddDim(g.size, g.stride);
    }
  }
  plan.reduced_offsets = reduced_walk.AllOffsets();
  return plan;
}

}  // namespace reduction
}  // namespace ortlite
