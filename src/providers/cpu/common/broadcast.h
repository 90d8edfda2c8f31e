// Multidirectional (numpy) broadcasting for elementwise kernels.
//
//   TensorShape out = BroadcastShapes({a.Shape(), b.Shape()});
//   BroadcastIndexer idx({a.Shape(), b.Shape()}, out);
//   ForEachBroadcast(idx, [&](int64_t out_i, const int64_t* in_i) { o[out_i] = f(pa[in_i[0]], pb[in_i[1]]); });
//
// For speed the walk is done in runs along the innermost dimension: ForEachBroadcastRun calls
// fn(out_offset, in_offsets, in_strides, count) where each input advances by its stride (0 for a
// broadcast input, 1 otherwise) for `count` elements.
#pragma once
#include <cstdint>
#include <vector>

#include "core/common/status.h"
#include "core/framework/tensor_shape.h"

namespace ortlite {

// The broadcast result of shapes; throws kInvalidArgument naming both shapes if incompatible.
inline TensorShape BroadcastShapes(const std::vector<TensorShape>& shapes) {
  size_t rank = 0;
  for (const auto& s : shapes) rank = std::max(rank, s.NumDimensions());
  std::vector<int64_t> out(rank, 1);
  for (size_t k = 0; k < rank; ++k) {
    int64_t dim = 1;
    bool has_zero = false;
    for (const auto& s : shapes) {
      const size_t r = s.NumDimensions();
      if (k + r < rank) continue;
      const int64_t d = s[k + r - rank];
      if (d == 1) continue;
      if (d == 0) has_zero = true;
      if (dim == 1 || dim == d) {
        dim = d;
      } else {
        std::string all;
        for (const auto& x : shapes) all += x.ToString() + " ";
        ThrowError(ErrorCode::kInvalidArgument, "shapes cannot be broadcast together: ", all);
      }
    }
    out[k] = has_zero ? 0 : dim;
    if (has_zero && dim != 0 && dim != 1) {
      ThrowError(ErrorCode::kInvalidArgument, "shapes cannot be broadcast: dimension 0 vs ", dim);
    }
  }
  return TensorShape(out);
}

// Per-input element strides aligned to the output's dimensions (0 where the input broadcasts).
class BroadcastIndexer {
 public:
  BroadcastIndexer(const std::vector<TensorShape>& inputs, const TensorShape& output) : out_(output) {
    const size_t rank = output.NumDimensions();
    strides_.resize(inputs.size(), std::vector<int64_t>(rank, 0));
    for (size_t i = 0; i < inputs.size(); ++i) {
      const auto& s = inputs[i];
      const size_t r = s.NumDimensions();
      int64_t stride = 1;
      for (size_t k = r; k-- > 0;) {
        const size_t ok = k + rank - r;
        strides_[i][ok] = (s[k] == 1 && output[ok] != 1) ? 0 : stride;
        stride *= s[k];
      }
    }
  }
  const TensorShape& OutputShape() const { return out_; }
  size_t NumInputs() const { return strides_.size(); }
  const std::vector<int64_t>& Strides(size_t input) const { return strides_[input]; }

 private:
  TensorShape out_;
  std::vector<std::vector<int64_t>> strides_;
};

// fn(out_offset, in_offsets[], in_inner_strides[], count): `count` consecutive output elements
// starting at out_offset; input i starts at in_offsets[i] and advances by in_inner_strides[i].
template <typename Fn>
void ForEachBroadcastRun(const BroadcastIndexer& idx, Fn&& fn) {
  const TensorShape& out = idx.OutputShape();
  const size_t rank = out.NumDimensions();
  const size_t n_in = idx.NumInputs();
  const int64_t total = out.Size();
  if (total == 0) return;
  std::vector<int64_t> offsets(n_in, 0), inner(n_in, 0);
  if (rank == 0) {
    fn(int64_t{0}, offsets.data(), inner.data(), int64_t{1});
    return;
  }
  const int64_t run = out[rank - 1];
  for (size_t i = 0; i < n_in; ++i) inner[i] = idx.Strides(i)[rank - 1];
  std::vector<int64_t> counter(rank, 0);
  for (int64_t out_off = 0; out_off < total; out_off += run) {
    for (size_t i = 0; i < n_in; ++i) {
      int64_t off = 0;
      const auto& st = idx.Strides(i);
      for (size_t k = 0; k + 1 < rank; ++k) off += counter[k] * st[k];
      offsets[i] = off;
    }
    fn(out_off, offsets.data(), inner.data(), run);
    for (size_t k = rank - 1; k-- > 0;) {
      if (++counter[k] < out[k]) break;
      counter[k] = 0;
    }
  }
}

// Element-by-element form: fn(out_index, in_index[]).
template <typename Fn>
void ForEachBroadcast(const BroadcastIndexer& idx, Fn&& fn) {
  std::vector<int64_t> cur(idx.NumInputs());
  ForEachBroadcastRun(idx, [&](int64_t out_off, const int64_t* in_off, const int64_t* in_stride, int64_t count) {
    for (int64_t j = 0; j < count; ++j) {
      for (size_t i = 0; i < cur.size(); ++i) cur[i] = in_off[i] + j * in_stride[i];
      fn(out_off + j, cur.data());
    }
  });
}

}  // namespace ortlite
