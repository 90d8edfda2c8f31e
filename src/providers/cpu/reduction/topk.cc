// TopK: the k largest (or smallest, opset 11+) values along an axis and their int64 indices.
// k is an attribute in opset 1 and a one-element input from 10. Equal values keep the lower index
// first; NaN sorts above every number (first among the largest, last among the smallest). With
// sorted=0 the order is unspecified; we return sorted output anyway since it costs little more
// than a selection.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

template <typename C>
struct Entry {
  C value;
  int64_t index;
};

// Strict "a comes before b" for the requested direction, NaN treated as the greatest value.
template <bool kLargest, typename C>
inline bool Precedes(const Entry<C>& a, const Entry<C>& b) {
  if constexpr (std::is_floating_point_v<C>) {
    const bool a_nan = std::isnan(a.value), b_nan = std::isnan(b.value);
    if (a_nan || b_nan) {
      if (a_nan && b_nan) return a.index < b.index;
      return kLargest ? a_nan : b_nan;
    }
  }
  if (a.value != b.value) return kLargest ? a.value > b.value : a.value < b.value;
  return a.index < b.index;
}

// Inserts `e` into the sorted `top[0, count)` (capacity `k`), dropping the last entry when full.
template <bool kLargest, typename C>
inline void InsertSorted(Entry<C>* top, int64_t& count, int64_t k, const Entry<C>& e) {
  int64_t pos;
  if (count < k) {
    pos = count++;
  } else {
    // `e` comes after everything in `top` by index, so among numbers only a strictly better value
    // gets in; the full comparison is needed only when a NaN is involved.
    const C threshold = top[k - 1].value;
    const bool strictly_better = kLargest ? e.value > threshold : e.value < threshold;
    if (!strictly_better) {
      if constexpr (std::is_floating_point_v<C>) {
        if ((e.value == e.value && threshold == threshold) || !Precedes<kLargest>(e, top[k - 1])) return;
      } else {
        return;
      }
    }
    pos = k - 1;
  }
  while (pos > 0 && Precedes<kLargest>(e, top[pos - 1])) {
    top[pos] = top[pos - 1];
    --pos;
  }
  top[pos] = e;
}

// x viewed as [outer, n, inner]; outputs as [outer, k, inner].
template <bool kLargest, typename T>
void TopKSlices(const T* x, T* values, int64_t* indices, int64_t outer, int64_t n, int64_t inner, int64_t k,
                ThreadPool* pool) {
  using C = decltype(ToCompute(T()));
  // Small k: one pass keeping a sorted top list; most values fail the single threshold compare.
  constexpr int64_t kSmallK = 32;
  const bool small_k = k <= kSmallK;
  const double log_k = std::log2(static_cast<double>(k) + 2.0);
  ThreadPool::TryParallelFor(pool, outer * inner, static_cast<double>(n) * log_k * 4.0, [&](int64_t begin, int64_t end) {
    std::vector<Entry<C>> items(static_cast<size_t>(small_k ? k : n));
    const auto before = [](const Entry<C>& a, const Entry<C>& b) { return Precedes<kLargest>(a, b); };
    for (int64_t s = begin; s < end; ++s) {
      const int64_t o = s / inner, j = s % inner;
      const T* p = x + o * n * inner + j;
      if (small_k) {
        int64_t count = 0;
        for (int64_t i = 0; i < n; ++i) InsertSorted<kLargest>(items.data(), count, k, {ToCompute(p[i * inner]), i});
      } else {
        for (int64_t i = 0; i < n; ++i) items[i] = {ToCompute(p[i * inner]), i};
        std::partial_sort(items.begin(), items.begin() + k, items.end(), before);
      }
      T* v = values + o * k * inner + j;
      int64_t* idx = indices + o * k * inner + j;
      for (int64_t i = 0; i < k; ++i) {
        v[i * inner] = p[items[i].index * inner];
        idx[i * inner] = items[i].index;
      }
    }
  });
}

class TopKKernel final : public OpKernel {
 public:
  explicit TopKKernel(const OpKernelInfo& info) : OpKernel(info) {
    axis_ = info.GetAttrOrDefault<int64_t>("axis", -1);
    largest_ = info.GetAttrOrDefault<int64_t>("largest", 1) != 0;
    k_is_input_ = info.SinceVersion() >= 10;
    if (!k_is_input_) k_attr_ = info.GetAttr<int64_t>("k");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const TensorShape& shape = x.Shape();
    const int64_t rank = static_cast<int64_t>(shape.NumDimensions());
    ORTLITE_CHECK_ARG(rank > 0, "TopK input must have rank >= 1");
    const int64_t axis = HandleNegativeAxis(axis_, rank);
    int64_t k = k_attr_;
    if (k_is_input_) {
      const Tensor& kt = ctx.RequiredInput(1);
      ORTLITE_CHECK_ARG(kt.GetElementType() == DataType::kInt64 && kt.NumElements() == 1,
                        "TopK input K must be a one-element int64 tensor, got ", DataTypeName(kt.GetElementType()),
                        " of shape ", kt.Shape().ToString());
      k = kt.Data<int64_t>()[0];
    }
    const int64_t n = shape[axis];
    ORTLITE_CHECK_ARG(k >= 0 && k <= n, "TopK k = ", k, " is out of range for axis ", axis, " of size ", n);

    std::vector<int64_t> out_dims = shape.GetDims();
    out_dims[axis] = k;
    Tensor* values = ctx.Output(0, TensorShape(out_dims), x.GetElementType());
    Tensor* indices = ctx.Output(1, TensorShape(out_dims), DataType::kInt64);
    if (values->NumElements() == 0) return;
    const int64_t outer = shape.SizeToDimension(axis);
    const int64_t inner = shape.SizeFromDimension(axis + 1);
    VisitType<AllNumericTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          if (largest_) {
            TopKSlices<true>(x.Data<T>(), values->MutableData<T>(), indices->MutableData<int64_t>(), outer, n, inner,
                             k, ctx.GetThreadPool());
          } else {
            TopKSlices<false>(x.Data<T>(), values->MutableData<T>(), indices->MutableData<int64_t>(), outer, n,
                              inner, k, ctx.GetThreadPool());
          }
        },
        "TopK");
  }

 private:
  int64_t axis_ = -1;
  bool largest_ = true;
  bool k_is_input_ = true;
  int64_t k_attr_ = 0;
};

ONNX_CPU_KERNEL(TopK, 1, TopKKernel, KernelDefBuilder().HostInput(1))

}  // namespace
}  // namespace ortlite
