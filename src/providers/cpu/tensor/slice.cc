// Slice: a strided window of the input. Slice-1 takes starts/ends/axes as attributes; from
// opset 10 they (and steps) are inputs.
#include <algorithm>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"
#include "providers/cpu/tensor/strided_copy.h"

namespace ortlite {

namespace {

class Slice final : public OpKernel {
 public:
  explicit Slice(const OpKernelInfo& info) : OpKernel(info), from_inputs_(info.SinceVersion() >= 10) {
    if (!from_inputs_) {
      starts_ = info.GetAttr<std::vector<int64_t>>("starts");
      ends_ = info.GetAttr<std::vector<int64_t>>("ends");
      axes_ = info.GetAttrOrDefault<std::vector<int64_t>>("axes", {});
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    std::vector<int64_t> starts = starts_, ends = ends_, axes = axes_, steps;
    if (from_inputs_) {
      starts = ReadInt64Values(ctx.RequiredInput(1), "starts");
      ends = ReadInt64Values(ctx.RequiredInput(2), "ends");
      if (const Tensor* t = ctx.Input(3)) axes = ReadInt64Values(*t, "axes");
      if (const Tensor* t = ctx.Input(4)) steps = ReadInt64Values(*t, "steps");
    }
    const auto& dims = input.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    ORTLITE_CHECK_ARG(starts.size() == ends.size(), "starts has ", starts.size(), " entries but ends has ",
                      ends.size());
    if (axes.empty() && !(from_inputs_ && ctx.Input(3))) {
      for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
    }
    ORTLITE_CHECK_ARG(axes.size() == starts.size(), "axes has ", axes.size(), " entries but starts has ",
                      starts.size());
    if (steps.empty()) steps.assign(starts.size(), 1);
    ORTLITE_CHECK_ARG(steps.size() == starts.size(), "steps has ", steps.size(), " entries but starts has ",
                      starts.size());
    const std::vector<int64_t> norm_axes = NormalizeAxes(axes, rank, "Slice axis");

    std::vector<int64_t> out_dims = dims, first(dims.size(), 0), step_of(dims.size(), 1);
    for (size_t i = 0; i < norm_axes.size(); ++i) {
      const size_t a = static_cast<size_t>(norm_axes[i]);
      const int64_t dim = dims[a], step = steps[i];
      ORTLITE_CHECK_ARG(step != 0, "Slice step must not be 0");
      int64_t start = starts[i], end = ends[i];
      if (start < 0) start += dim;
      if (end < 0) end += dim;
      int64_t count;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        count = end > start ? (end - start - 1) / step + 1 : 0;
      } else if (dim == 0) {
        start = 0;
        count = 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        const int64_t back = step == INT64_MIN ? INT64_MAX : -step;
        count = start > end ? (start - end - 1) / back + 1 : 0;
      }
      out_dims[a] = count;
      first[a] = start;
      step_of[a] = step;
    }
    const DataType type = input.GetElementType();
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    if (out->NumElements() == 0) return;
    const std::vector<int64_t> in_strides = ContiguousStrides(dims);
    std::vector<int64_t> src_strides(dims.size());
    int64_t base = 0;
    for (size_t k = 0; k < dims.size(); ++k) {
      base += first[k] * in_strides[k];
      src_strides[k] = in_strides[k] * step_of[k];
    }
    StridedCopyToDense(type, out->MutableDataRaw(), ElementAt(input.DataRaw(), type, base), src_strides, out_dims,
                       ctx.GetThreadPool());
  }

 private:
  bool from_inputs_;
  std::vector<int64_t> starts_, ends_, axes_;
};

}  // namespace

ONNX_CPU_KERNEL(Slice, 1, Slice, KernelDefBuilder())

}  // namespace ortlite
