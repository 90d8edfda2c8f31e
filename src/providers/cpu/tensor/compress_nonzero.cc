// Compress (select slices where a boolean condition holds) and NonZero (coordinates of the
// elements that are not zero). Both have an output size that depends on the data.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// Compress without an axis works on the flattened input. A condition shorter than the axis drops
// the slices past its end; a longer one may only add false entries.
class Compress final : public OpKernel {
 public:
  explicit Compress(const OpKernelInfo& info) : OpKernel(info), has_axis_(info.HasAttr("axis")) {
    if (has_axis_) axis_ = info.GetAttr<int64_t>("axis");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const Tensor& condition = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(condition.GetElementType() == DataType::kBool, "condition must be bool");
    ORTLITE_CHECK_ARG(condition.Shape().NumDimensions() == 1, "condition must be 1-D, got ",
                      condition.Shape().ToString());
    const DataType type = input.GetElementType();
    std::vector<int64_t> dims = input.Shape().GetDims();
    size_t axis = 0;
    if (has_axis_) {
      ORTLITE_CHECK_ARG(!dims.empty(), "Compress with an axis needs an input of rank >= 1");
      axis = static_cast<size_t>(HandleNegativeAxis(axis_, static_cast<int64_t>(dims.size()), "Compress axis"));
    } else {
      dims = {input.NumElements()};
    }
    const TensorShape shape(dims);
    const int64_t dim = dims[axis];
    const bool* cond = condition.Data<bool>();
    std::vector<int64_t> selected;
    for (int64_t i = 0; i < condition.NumElements(); ++i) {
      if (!cond[i]) continue;
      ORTLITE_CHECK_ARG(i < dim, "condition is true at ", i, ", past the axis size ", dim);
      selected.push_back(i);
    }
    std::vector<int64_t> out_dims = dims;
    out_dims[axis] = static_cast<int64_t>(selected.size());
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    if (out->NumElements() == 0) return;
    const int64_t outer = shape.SizeToDimension(axis), inner = shape.SizeFromDimension(axis + 1);
    int64_t dst = 0;
    for (int64_t o = 0; o < outer; ++o) {
      for (int64_t i : selected) {
        CopyElements(type, ElementAt(out->MutableDataRaw(), type, dst),
                     ElementAt(input.DataRaw(), type, (o * dim + i) * inner), inner);
        dst += inner;
      }
    }
  }

 private:
  bool has_axis_;
  int64_t axis_ = 0;
};

template <typename T>
bool IsNonZero(const T& v) {
  if constexpr (std::is_same_v<T, std::string>) {
    return !v.empty();
  } else if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
    return v.ToFloat() != 0.f;
  } else {
    return v != T{};
  }
}

// NonZero: a [rank, count] int64 tensor of coordinates in row-major order. A scalar counts as a
// one-element vector, as numpy treats it.
class NonZero final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    std::vector<int64_t> dims = input.Shape().GetDims();
    if (dims.empty()) dims = {1};
    std::vector<int64_t> flat_positions;
    VisitType<AllTensorTypes>(
        input.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* p = input.Data<T>();
          for (int64_t i = 0; i < input.NumElements(); ++i)
            if (IsNonZero(p[i])) flat_positions.push_back(i);
        },
        "NonZero");
    const int64_t count = static_cast<int64_t>(flat_positions.size());
    const int64_t rank = static_cast<int64_t>(dims.size());
    Tensor* out = ctx.Output(0, TensorShape({rank, count}), DataType::kInt64);
    int64_t* o = out->MutableData<int64_t>();
    for (int64_t j = 0; j < count; ++j) {
      int64_t rem = flat_positions[j];
      for (int64_t k = rank; k-- > 0;) {
        o[k * count + j] = rem % dims[k];
        rem /= dims[k];
      }
    }
  }
};

}  // namespace

ONNX_CPU_KERNEL(Compress, 9, Compress, KernelDefBuilder())
ONNX_CPU_KERNEL(NonZero, 9, NonZero, KernelDefBuilder())

}  // namespace ortlite
