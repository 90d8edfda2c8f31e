// ArgMax and ArgMin: int64 index of the extreme value along one axis. Ties give the first index,
// or the last with select_last_index (opset 12+). A NaN counts as the extreme (the first NaN wins),
// as in numpy.
#include <cmath>
#include <type_traits>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

template <bool kMax, bool kLast, typename C>
inline bool Better(C candidate, C best) {
  if constexpr (std::is_floating_point_v<C>) {
    if (std::isnan(best)) return false;
    if (std::isnan(candidate)) return true;
  }
  if constexpr (kLast) {
    return kMax ? candidate >= best : candidate <= best;
  } else {
    return kMax ? candidate > best : candidate < best;
  }
}

// x viewed as [outer, n, inner]; y as [outer, inner].
template <bool kMax, bool kLast, typename T>
void ArgReduce(const T* x, int64_t* y, int64_t outer, int64_t n, int64_t inner, ThreadPool* pool) {
  using C = decltype(ToCompute(T()));
  if (inner == 1) {
    ThreadPool::TryParallelFor(pool, outer, static_cast<double>(n) * 2.0, [&](int64_t begin, int64_t end) {
      for (int64_t o = begin; o < end; ++o) {
        const T* p = x + o * n;
        C best = ToCompute(p[0]);
        int64_t best_i = 0;
        for (int64_t i = 1; i < n; ++i) {
          const C v = ToCompute(p[i]);
          if (Better<kMax, kLast>(v, best)) {
            best = v;
            best_i = i;
          }
        }
        y[o] = best_i;
      }
    });
    return;
  }
  // Strided axis: keep a running best per inner position so each pass reads a contiguous row.
  ThreadPool::TryParallelFor(pool, outer, static_cast<double>(n * inner) * 2.0, [&](int64_t begin, int64_t end) {
    std::vector<C> best(static_cast<size_t>(inner));
    for (int64_t o = begin; o < end; ++o) {
      const T* p = x + o * n * inner;
      int64_t* out = y + o * inner;
      for (int64_t j = 0; j < inner; ++j) {
        best[j] = ToCompute(p[j]);
        out[j] = 0;
      }
      for (int64_t i = 1; i < n; ++i) {
        const T* row = p + i * inner;
        for (int64_t j = 0; j < inner; ++j) {
          const C v = ToCompute(row[j]);
          if (Better<kMax, kLast>(v, best[j])) {
            best[j] = v;
            out[j] = i;
          }
        }
      }
    }
  });
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
