// Unique: the distinct elements (or, with an axis, the distinct slices along it) of the input,
// sorted or in order of first occurrence, with the index of each first occurrence, the position
// of every input item in the result, and how often each result item occurs.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// A strict weak order over every element type: NaN sorts after all numbers and equals NaN;
// complex numbers order by real then imaginary part.
template <typename T>
bool Less(const T& a, const T& b) {
  if constexpr (std::is_same_v<T, std::complex<float>> || std::is_same_v<T, std::complex<double>>) {
    if (Less(a.real(), b.real())) return true;
    if (Less(b.real(), a.real())) return false;
    return Less(a.imag(), b.imag());
  } else if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
    return Less(a.ToFloat(), b.ToFloat());
  } else if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(a)) return false;
    return std::isnan(b) || a < b;
  } else {
    return a < b;
  }
}

class Unique final : public OpKernel {
 public:
  explicit Unique(const OpKernelInfo& info)
      : OpKernel(info), has_axis_(info.HasAttr("axis")), sorted_(info.GetAttrOrDefault<int64_t>("sorted", 1) != 0) {
    if (has_axis_) axis_ = info.GetAttr<int64_t>("axis");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    // Items are compared as [outer, n, inner]: item j is the (outer x inner) block at position j.
    std::vector<int64_t> dims = input.Shape().GetDims();
    size_t axis = 0;
    if (has_axis_) {
      ORTLITE_CHECK_ARG(!dims.empty(), "Unique with an axis needs an input of rank >= 1");
      axis = static_cast<size_t>(HandleNegativeAxis(axis_, static_cast<int64_t>(dims.size()), "Unique axis"));
    } else {
      dims = {input.NumElements()};
    }
    const TensorShape shape(dims);
    const int64_t n = dims[axis];
    const int64_t outer = shape.SizeToDimension(axis), inner = shape.SizeFromDimension(axis + 1);

    std::vector<int64_t> order(static_cast<size_t>(n));
    std::iota(order.begin(), order.end(), int64_t{0});
    // group_of[j]: the rank of item j's value among the distinct values (in sorted order).
    std::vector<int64_t> group_of(static_cast<size_t>(n));
    int64_t groups = 0;
    VisitType<AllTensorTypes>(
        input.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* x = input.Data<T>();
          auto compare = [&](int64_t a, int64_t b) {  // -1, 0, 1 as item a is below, equal to, above item b
            for (int64_t o = 0; o < outer; ++o) {
              for (int64_t i = 0; i < inner; ++i) {
                const T& va = x[(o * n + a) * inner + i];
                const T& vb = x[(o * n + b) * inner + i];
                if (Less(va, vb)) return -1;
                if (Less(vb, va)) return 1;
              }
            }
            return 0;
          };
          // Stable, so within a group of equal items the first occurrence comes first.
          std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return compare(a, b) < 0; });
          for (int64_t k = 0; k < n; ++k) {
            if (k > 0 && compare(order[k - 1], order[k]) != 0) ++groups;
            group_of[order[k]] = groups;
          }
          if (n > 0) ++groups;
        },
        "Unique");

    // first[g]: first occurrence of group g (in sorted group order).
    std::vector<int64_t> first(static_cast<size_t>(groups), -1), counts(static_cast<size_t>(groups), 0);
    for (int64_t j = 0; j < n; ++j) {
      const int64_t g = group_of[j];
      if (first[g] < 0) first[g] = j;
      ++counts[g];
    }
    // position[g]: where group g goes in the output.
    std::vector<int64_t> output_groups(static_cast<size_t>(groups));
    std::iota(output_groups.begin(), output_groups.end(), int64_t{0});
    if (!sorted_) {
      std::sort(output_groups.begin(), output_groups.end(), [&](int64_t a, int64_t b) { return first[a] < first[b]; });
    }
    std::vector<int64_t> position(static_cast<size_t>(groups));
    for (int64_t p = 0; p < groups; ++p) position[output_groups[p]] = p;

    const DataType type = input.GetElementType();
    std::vector<int64_t> out_dims = has_axis_ ? input.Shape().GetDims() : std::vector<int64_t>{};
    if (has_axis_) {
      out_dims[axis] = groups;
    } else {
      out_dims = {groups};
    }
    Tensor* y = ctx.Output(0, TensorShape(out_dims), type);
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t p = 0; p < groups; ++p) {
        CopyElements(type, ElementAt(y->MutableDataRaw(), type, (o * groups + p) * inner),
                     ElementAt(input.DataRaw(), type, (o * n + first[output_groups[p]]) * inner), inner);
      }
    }
    if (ctx.OutputCount() > 1) {
      int64_t* indices = ctx.Output(1, TensorShape({groups}), DataType::kInt64)->MutableData<int64_t>();
      for (int64_t p = 0; p < groups; ++p) indices[p] = first[output_groups[p]];
    }
    if (ctx.OutputCount() > 2) {
      int64_t* inverse = ctx.Output(2, TensorShape({n}), DataType::kInt64)->MutableData<int64_t>();
      for (int64_t j = 0; j < n; ++j) inverse[j] = position[group_of[j]];
    }
    if (ctx.OutputCount() > 3) {
      int64_t* count_out = ctx.Output(3, TensorShape({groups}), DataType::kInt64)->MutableData<int64_t>();
      for (int64_t p = 0; p < groups; ++p) count_out[p] = counts[output_groups[p]];
    }
  }

 private:
  bool has_axis_;
  bool sorted_;
  int64_t axis_ = 0;
};

}  // namespace

ONNX_CPU_KERNEL(Unique, 11, Unique, KernelDefBuilder())

}  // namespace ortlite
