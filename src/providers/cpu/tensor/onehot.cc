// OneHot: indices of any numeric type become a new axis of length `depth` holding on_value at
// the index and off_value elsewhere. Negative indices count from the end; indices outside
// [-depth, depth) give a row of off_value only, as the operator defines.
#include <cmath>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// A numeric tensor's values as int64 (floats truncate toward zero, as a cast would).
std::vector<int64_t> ReadAsInt64(const Tensor& t, const char* what) {
  std::vector<int64_t> v(static_cast<size_t>(t.NumElements()));
  VisitType<AllNumericTypes>(
      t.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = t.Data<T>();
        for (size_t i = 0; i < v.size(); ++i) {
          if constexpr (std::is_integral_v<T>) {
            v[i] = static_cast<int64_t>(p[i]);
          } else {
            const double x = static_cast<double>(ToCompute(p[i]));
            // NaN and out-of-range floats are no valid class: map them outside any depth.
            v[i] = std::isfinite(x) && std::fabs(x) < 9.0e18 ? static_cast<int64_t>(x) : INT64_MIN;
          }
        }
      },
      what);
  return v;
}

class OneHot final : public OpKernel {
 public:
  explicit OneHot(const OpKernelInfo& info) : OpKernel(info), axis_(info.GetAttrOrDefault<int64_t>("axis", -1)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& indices_tensor = ctx.RequiredInput(0);
    const Tensor& depth_tensor = ctx.RequiredInput(1);
    const Tensor& values = ctx.RequiredInput(2);
    ORTLITE_CHECK_ARG(depth_tensor.NumElements() == 1, "depth must hold one value, got shape ",
                      depth_tensor.Shape().ToString());
    ORTLITE_CHECK_ARG(values.NumElements() == 2, "values must hold [off_value, on_value], got shape ",
                      values.Shape().ToString());
    const int64_t depth = ReadAsInt64(depth_tensor, "OneHot depth")[0];
    ORTLITE_CHECK_ARG(depth >= 0, "depth must be non-negative, got ", depth);

    const auto& idx_dims = indices_tensor.Shape().GetDims();
    const int64_t out_rank = static_cast<int64_t>(idx_dims.size()) + 1;
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, out_rank, "OneHot axis"));
    std::vector<int64_t> out_dims(idx_dims);
    out_dims.insert(out_dims.begin() + axis, depth);
    CheckOutputDims(out_dims, "OneHot output");
    const DataType type = values.GetElementType();
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    if (out->NumElements() == 0) return;

    const std::vector<int64_t> indices = ReadAsInt64(indices_tensor, "OneHot indices");
    const int64_t inner = indices_tensor.Shape().SizeFromDimension(axis);
    VisitByElementSize(type, [&](auto tag) {
      using S = typename decltype(tag)::type;
      const S off = static_cast<const S*>(values.DataRaw())[0];
      const S on = static_cast<const S*>(values.DataRaw())[1];
      S* o = static_cast<S*>(out->MutableDataRaw());
      std::fill(o, o + out->NumElements(), off);
      for (int64_t i = 0; i < static_cast<int64_t>(indices.size()); ++i) {
        int64_t idx = indices[i];
        if (idx < -depth || idx >= depth) continue;
        if (idx < 0) idx += depth;
        const int64_t outer_pos = i / inner, inner_pos = i % inner;
        o[(outer_pos * depth + idx) * inner + inner_pos] = on;
      }
    });
  }

 private:
  int64_t axis_;
};

}  // namespace

ONNX_CPU_KERNEL(OneHot, 9, OneHot, KernelDefBuilder())

}  // namespace ortlite
