#include "providers/cpu/tensor/strided_copy.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "core/common/status.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// A copy problem reduced to as few dimensions as possible: unit dimensions are dropped and
// neighbours that are contiguous with each other in both buffers are merged.
struct CopyPlan {
  std::vector<int64_t> shape, dst_strides, src_strides;
  bool empty = false;
};

CopyPlan Simplify(const std::vector<int64_t>& shape, const std::vector<int64_t>& ds, const std::vector<int64_t>& ss) {
  CopyPlan p;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 0) {
      p.empty = true;
      return p;
    }
    if (shape[k] == 1) continue;
    if (!p.shape.empty()) {
      const size_t last = p.shape.size() - 1;
      if (p.dst_strides[last] == ds[k] * shape[k] && p.src_strides[last] == ss[k] * shape[k]) {
        p.shape[last] *= shape[k];
        p.dst_strides[last] = ds[k];
        p.src_strides[last] = ss[k];
        continue;
      }
    }
    p.shape.push_back(shape[k]);
    p.dst_strides.push_back(ds[k]);
    p.src_strides.push_back(ss[k]);
  }
  return p;
}

// Walks a multi-index over the leading `rank` dimensions of a plan, keeping both offsets current.
class OffsetWalker {
 public:
  OffsetWalker(const CopyPlan& p, size_t rank, int64_t start) : p_(p), index_(rank, 0) {
    int64_t rem = start;
    for (size_t k = rank; k-- > 0;) {
      index_[k] = rem % p.shape[k];
      rem /= p.shape[k];
      dst_ += index_[k] * p.dst_strides[k];
      src_ += index_[k] * p.src_strides[k];
    }
  }
  int64_t dst() const { return dst_; }
  int64_t src() const { return src_; }
  void Next() {
    for (size_t k = index_.size(); k-- > 0;) {
      dst_ += p_.dst_strides[k];
      src_ += p_.src_strides[k];
      if (++index_[k] < p_.shape[k]) return;
      dst_ -= p_.dst_strides[k] * p_.shape[k];
      src_ -= p_.src_strides[k] * p_.shape[k];
      index_[k] = 0;
    }
  }

 private:
  const CopyPlan& p_;
  std::vector<int64_t> index_;
  int64_t dst_ = 0, src_ = 0;
};

template <typename S>
double CostPerElement() {
  return std::is_same_v<S, std::string> ? 40.0 : 1.0;
}

// The innermost two dimensions form a matrix transpose (dst contiguous along the last dimension,
// src contiguous along the one before): copy in square tiles so both sides stay in cache.
template <typename S>
void CopyTransposedTiles(S* dst, const S* src, const CopyPlan& p, ThreadPool* pool) {
  constexpr int64_t kTile = 16;
  const size_t r = p.shape.size();
  const int64_t m = p.shape[r - 2], n = p.shape[r - 1];
  const int64_t dst_row = p.dst_strides[r - 2], src_col = p.src_strides[r - 1];
  const int64_t row_tiles = (m + kTile - 1) / kTile;
  int64_t batches = 1;
  for (size_t k = 0; k + 2 < r; ++k) batches *= p.shape[k];
  auto copy_tiles = [&](int64_t begin, int64_t end) {
    OffsetWalker walker(p, r - 2, begin / row_tiles);
    int64_t batch = begin / row_tiles;
    for (int64_t u = begin; u < end; ++u) {
      if (u / row_tiles != batch) {
        walker.Next();
        batch = u / row_tiles;
      }
      S* d = dst + walker.dst();
      const S* s = src + walker.src();
      const int64_t i0 = (u % row_tiles) * kTile, i1 = std::min(m, i0 + kTile);
      for (int64_t j0 = 0; j0 < n; j0 += kTile) {
        const int64_t j1 = std::min(n, j0 + kTile);
        for (int64_t i = i0; i < i1; ++i) {
          S* drow = d + i * dst_row;
          const S* scol = s + i;
          for (int64_t j = j0; j < j1; ++j) drow[j] = scol[j * src_col];
        }
      }
    }
  };
  ThreadPool::TryParallelFor(pool, batches * row_tiles, double(kTile * n) * CostPerElement<S>(), copy_tiles);
}

template <typename S>
void CopyPlanned(S* dst, const S* src, const CopyPlan& p, ThreadPool* pool) {
  const size_t r = p.shape.size();
  if (r == 0) {
    *dst = *src;
    return;
  }
  const int64_t n = p.shape[r - 1], dn = p.dst_strides[r - 1], sn = p.src_strides[r - 1];
  if (r >= 2 && dn == 1 && sn != 1 && p.src_strides[r - 2] == 1 && n >= 4 && p.shape[r - 2] >= 4) {
    CopyTransposedTiles(dst, src, p, pool);
    return;
  }
  int64_t rows = 1;
  for (size_t k = 0; k + 1 < r; ++k) rows *= p.shape[k];
  ThreadPool::TryParallelFor(pool, rows, double(n) * CostPerElement<S>() + 4.0, [&](int64_t begin, int64_t end) {
    OffsetWalker walker(p, r - 1, begin);
    for (int64_t row = begin; row < end; ++row, walker.Next()) {
      S* d = dst + walker.dst();
      const S* s = src + walker.src();
      if (dn == 1 && sn == 1) {
        if constexpr (std::is_trivially_copyable_v<S>) {
          std::memcpy(d, s, static_cast<size_t>(n) * sizeof(S));
        } else {
          for (int64_t j = 0; j < n; ++j) d[j] = s[j];
        }
      } else if (sn == 0) {
        const S v = *s;
        for (int64_t j = 0; j < n; ++j) d[j * dn] = v;
      } else {
        for (int64_t j = 0; j < n; ++j) d[j * dn] = s[j * sn];
      }
    }
  });
}

}  // namespace

void StridedCopy(DataType type, void* dst, const std::vector<int64_t>& dst_strides, const void* src,
                 const std::vector<int64_t>& src_strides, const std::vector<int64_t>& shape, ThreadPool* pool) {
  ORTLITE_ENFORCE(dst_strides.size() == shape.size() && src_strides.size() == shape.size(),
                  "StridedCopy: stride and shape ranks differ");
  const CopyPlan plan = Simplify(shape, dst_strides, src_strides);
  if (plan.empty) return;
  VisitByElementSize(type, [&](auto tag) {
    using S = typename decltype(tag)::type;
    CopyPlanned(static_cast<S*>(dst), static_cast<const S*>(src), plan, pool);
  });
}

void StridedCopyToDense(DataType type, void* dst, const void* src, const std::vector<int64_t>& src_strides,
                        const std::vector<int64_t>& shape, ThreadPool* pool) {
  StridedCopy(type, dst, ContiguousStrides(shape), src, src_strides, shape, pool);
}

void PermutedCopy(DataType type, void* dst, const void* src, const std::vector<int64_t>& in_dims,
                  const std::vector<size_t>& perm, ThreadPool* pool) {
  const std::vector<int64_t> in_strides = ContiguousStrides(in_dims);
  std::vector<int64_t> out_dims(perm.size()), src_strides(perm.size());
  for (size_t k = 0; k < perm.size(); ++k) {
    out_dims[k] = in_dims[perm[k]];
    src_strides[k] = in_strides[perm[k]];
  }
  StridedCopyToDense(type, dst, src, src_strides, out_dims, pool);
}

}  // namespace ortlite
