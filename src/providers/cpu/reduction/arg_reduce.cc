// ArgMax and ArgMin: int64 index of the extreme value along one axis. Ties give the first index,
// or the last with select_last_index (opset 12+). A NaN counts as the extreme (the first NaN wins),
// as in numpy.
#include <climits>
#include <cmath>
#include <type_traits>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

// Whether `candidate` (at a later index) replaces `best`. Written without branches so the
// strided loop vectorises.
template <bool kMax, bool kLast, typename C>
inline bool Better(C candidate, C best) {
  const bool wins = kLast ? (kMax ? candidate >= best : candidate <= best) : (kMax ? candidate > best : candidate < best);
  if constexpr (std::is_floating_point_v<C>) {
    return (wins | (candidate != candidate)) & (best == best);
  } else {
    return wins;
  }
}

// Contiguous row: find the extreme value with independent lanes, then its first (or last)
// position. NaNs are tracked in a separate mask so the max/min stays a plain select that
// vectorises.
template <bool kMax, bool kLast, typename T>
int64_t ArgOfRow(const T* p, int64_t n) {
  using C = decltype(ToCompute(T()));
  constexpr int kLanes = 16;
  constexpr bool kFloat = std::is_floating_point_v<C>;
  const auto pick = [](C best, C v) { return (kMax ? v > best : v < best) ? v : best; };
  C best = ToCompute(p[0]);
  int32_t nan_seen = 0;
  if (n >= 2 * kLanes) {
    C lane[kLanes];
    int32_t lane_nan[kLanes] = {};
    for (int l = 0; l < kLanes; ++l) lane[l] = ToCompute(p[l]);
    int64_t i = 0;  // the first block again, so its NaNs are recorded too
    for (; i + kLanes <= n; i += kLanes) {
      for (int l = 0; l < kLanes; ++l) {
        const C v = ToCompute(p[i + l]);
        lane[l] = pick(lane[l], v);
        if constexpr (kFloat) lane_nan[l] |= (v != v);
      }
    }
    for (; i < n; ++i) {
      const C v = ToCompute(p[i]);
      lane[0] = pick(lane[0], v);
      if constexpr (kFloat) lane_nan[0] |= (v != v);
    }
    for (int l = 0; l < kLanes; ++l) {
      best = pick(best, lane[l]);
      nan_seen |= lane_nan[l];
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      const C v = ToCompute(p[i]);
      best = pick(best, v);
      if constexpr (kFloat) nan_seen |= (v != v);
    }
  }
  if constexpr (kFloat) {
    if (nan_seen) {  // the first NaN
      for (int64_t i = 0; i < n; ++i) {
        if (std::isnan(ToCompute(p[i]))) return i;
      }
    }
  }
  if constexpr (kLast) {
    for (int64_t i = n; i-- > 0;) {
      if (ToCompute(p[i]) == best) return i;
    }
  } else {
    for (int64_t i = 0; i < n; ++i) {
      if (ToCompute(p[i]) == best) return i;
    }
  }
  return 0;
}

// x viewed as [outer, n, inner] with inner > 1; y as [outer, inner].
template <bool kMax, bool kLast, typename I, typename T>
void StridedArg(const T* x, int64_t* y, int64_t outer, int64_t n, int64_t inner, ThreadPool* pool) {
  using C = decltype(ToCompute(T()));
  ThreadPool::TryParallelFor(pool, outer, static_cast<double>(n * inner) * 2.0, [&](int64_t begin, int64_t end) {
    // Locals, not captures, so stores do not look like they alias the loop bounds.
    const int64_t len = inner, count = n;
    std::vector<C> best_buf(static_cast<size_t>(len));
    std::vector<I> index_buf(static_cast<size_t>(len));
    C* best = best_buf.data();
    I* index = index_buf.data();
    for (int64_t o = begin; o < end; ++o) {
      const T* p = x + o * count * len;
      for (int64_t j = 0; j < len; ++j) {
        best[j] = ToCompute(p[j]);
        index[j] = 0;
      }
      for (int64_t i = 1; i < count; ++i) {
        const T* row = p + i * len;
        const I at = static_cast<I>(i);
        for (int64_t j = 0; j < len; ++j) {
          const C v = ToCompute(row[j]);
          const bool better = Better<kMax, kLast>(v, best[j]);
          best[j] = better ? v : best[j];
          index[j] = better ? at : index[j];
        }
      }
      int64_t* out = y + o * len;
      for (int64_t j = 0; j < len; ++j) out[j] = index[j];
    }
  });
}

// x viewed as [outer, n, inner]; y as [outer, inner].
template <bool kMax, bool kLast, typename T>
void ArgReduce(const T* x, int64_t* y, int64_t outer, int64_t n, int64_t inner, ThreadPool* pool) {
  if (inner == 1) {
    ThreadPool::TryParallelFor(pool, outer, static_cast<double>(n) * 2.0, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) y[o] = ArgOfRow<kMax, kLast>(x + o * n, n);
    });
    return;
  }
  // Strided axis: keep a running best per inner position so each pass reads a contiguous row.
  // Indices are kept as int32 while they fit: same lane width as float, so the select vectorises.
  if (n <= INT32_MAX) {
    StridedArg<kMax, kLast, int32_t>(x, y, outer, n, inner, pool);
  } else {
    StridedArg<kMax, kLast, int64_t>(x, y, outer, n, inner, pool);
  }
}

template <bool kMax>
class ArgReduceKernel final : public OpKernel {
 public:
  explicit ArgReduceKernel(const OpKernelInfo& info) : OpKernel(info) {
    axis_ = info.GetAttrOrDefault<int64_t>("axis", 0);
    keepdims_ = info.GetAttrOrDefault<int64_t>("keepdims", 1) != 0;
    select_last_index_ = info.GetAttrOrDefault<int64_t>("select_last_index", 0) != 0;
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const TensorShape& shape = x.Shape();
    const int64_t rank = static_cast<int64_t>(shape.NumDimensions());
    // A scalar behaves as a one-element vector.
    const int64_t axis = rank == 0 ? 0 : HandleNegativeAxis(axis_, rank);
    const int64_t n = rank == 0 ? 1 : shape[axis];
    std::vector<int64_t> out_dims;
    for (int64_t d = 0; d < rank; ++d) {
      if (d != axis) {
        out_dims.push_back(shape[d]);
      } else if (keepdims_) {
        out_dims.push_back(1);
      }
    }
    Tensor* y = ctx.Output(0, TensorShape(out_dims), DataType::kInt64);
    if (y->NumElements() == 0) return;
    ORTLITE_CHECK_ARG(n > 0, "cannot take ", node().OpType(), " over axis ", axis_, " of size 0 (input shape ",
                      shape.ToString(), ")");
    const int64_t outer = rank == 0 ? 1 : shape.SizeToDimension(axis);
    const int64_t inner = rank == 0 ? 1 : shape.SizeFromDimension(axis + 1);
    int64_t* out = y->MutableData<int64_t>();
    VisitType<AllNumericTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* in = x.Data<T>();
          if (select_last_index_) {
            ArgReduce<kMax, true>(in, out, outer, n, inner, ctx.GetThreadPool());
          } else {
            ArgReduce<kMax, false>(in, out, outer, n, inner, ctx.GetThreadPool());
          }
        },
        node().OpType().c_str());
  }

 private:
  int64_t axis_ = 0;
  bool keepdims_ = true;
  bool select_last_index_ = false;
};

ONNX_CPU_KERNEL(ArgMax, 1, ArgReduceKernel<true>, KernelDefBuilder())
ONNX_CPU_KERNEL(ArgMin, 1, ArgReduceKernel<false>, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
