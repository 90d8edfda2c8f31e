// Operators that change only a tensor's shape (Reshape, Squeeze, Unsqueeze, Flatten, Identity) or
// report it (Shape, Size). The data is shared with the input rather than copied whenever the
// executor allows it.
#include <algorithm>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// Emits `input` under `shape`. A view is enough unless the input is a session constant, which a
// caller could otherwise reach and modify through a fetched output.
void OutputWithShape(OpKernelContext& ctx, const Tensor& input, TensorShape shape, bool input_is_constant) {
  if (input_is_constant) {
    Tensor* out = ctx.Output(0, shape, input.GetElementType());
    CopyTensorData(input.Reshaped(shape), *out);
  } else {
    ctx.SetOutput(0, OrtValue(input.Reshaped(std::move(shape))));
  }
}

// Reshape-1..4 take the target shape as an attribute, later versions as input 1.
class Reshape final : public OpKernel {
 public:
  explicit Reshape(const OpKernelInfo& info)
      : OpKernel(info),
        shape_from_attribute_(info.SinceVersion() < 5),
        allow_zero_(info.GetAttrOrDefault<int64_t>("allowzero", 0) != 0),
        input_is_constant_(info.TryGetConstantInput(0) != nullptr) {
    if (shape_from_attribute_) attribute_shape_ = info.GetAttrOrDefault<std::vector<int64_t>>("shape", {});
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    std::vector<int64_t> requested =
        shape_from_attribute_ ? attribute_shape_ : ReadInt64Values(ctx.RequiredInput(1), "Reshape shape");
    const auto& in_dims = input.Shape().GetDims();
    int64_t known = 1;
    int infer_at = -1;
    for (size_t i = 0; i < requested.size(); ++i) {
      int64_t& d = requested[i];
      if (d == 0 && !allow_zero_) {
        ORTLITE_CHECK_ARG(i < in_dims.size(), "shape dimension ", i, " is 0 (copy) but the input has rank ",
                          in_dims.size());
        d = in_dims[i];
      } else if (d == -1) {
        ORTLITE_CHECK_ARG(infer_at < 0, "at most one dimension of the new shape may be -1");
        infer_at = static_cast<int>(i);
        continue;
      } else {
        ORTLITE_CHECK_ARG(d >= 0, "invalid dimension ", d, " in the new shape");
      }
      ORTLITE_CHECK_ARG(!__builtin_mul_overflow(known, d, &known), "the new shape ", TensorShape(requested).ToString(),
                        " has too many elements");
    }
    const int64_t total = input.NumElements();
    if (infer_at >= 0) {
      ORTLITE_CHECK_ARG(known != 0 && total % known == 0, "cannot infer the -1 dimension: input ",
                        input.Shape().ToString(), " has ", total, " elements, the other dimensions give ", known);
      requested[infer_at] = total / known;
    } else {
      ORTLITE_CHECK_ARG(known == total, "cannot reshape input ", input.Shape().ToString(), " into ",
                        TensorShape(requested).ToString());
    }
    OutputWithShape(ctx, input, TensorShape(std::move(requested)), input_is_constant_);
  }

 private:
  bool shape_from_attribute_;
  bool allow_zero_;
  bool input_is_constant_;
  std::vector<int64_t> attribute_shape_;
};

// Squeeze and Unsqueeze take their axes from an attribute before opset 13 and from input 1 after.
class Squeeze final : public OpKernel {
 public:
  explicit Squeeze(const OpKernelInfo& info)
      : OpKernel(info),
        axes_from_input_(info.SinceVersion() >= 13),
        input_is_constant_(info.TryGetConstantInput(0) != nullptr) {
    if (!axes_from_input_) axes_ = info.GetAttrOrDefault<std::vector<int64_t>>("axes", {});
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    std::vector<int64_t> axes = axes_;
    if (axes_from_input_) {
      const Tensor* t = ctx.Input(1);
      axes = t ? ReadInt64Values(*t, "axes") : std::vector<int64_t>{};
    }
    // No axes (absent or empty) squeezes every dimension of size 1.
    std::vector<bool> drop(dims.size(), false);
    if (!axes.empty()) {
      for (int64_t a : NormalizeAxes(axes, rank, "Squeeze axis")) {
        ORTLITE_CHECK_ARG(dims[a] == 1, "cannot squeeze axis ", a, " of size ", dims[a], " in shape ",
                          input.Shape().ToString());
        drop[a] = true;
      }
    } else {
      for (size_t k = 0; k < dims.size(); ++k) drop[k] = dims[k] == 1;
    }
    std::vector<int64_t> out;
    for (size_t k = 0; k < dims.size(); ++k)
      if (!drop[k]) out.push_back(dims[k]);
    OutputWithShape(ctx, input, TensorShape(std::move(out)), input_is_constant_);
  }

 private:
  bool axes_from_input_;
  bool input_is_constant_;
  std::vector<int64_t> axes_;
};

class Unsqueeze final : public OpKernel {
 public:
  explicit Unsqueeze(const OpKernelInfo& info)
      : OpKernel(info),
        axes_from_input_(info.SinceVersion() >= 13),
        input_is_constant_(info.TryGetConstantInput(0) != nullptr) {
    if (!axes_from_input_) axes_ = info.GetAttr<std::vector<int64_t>>("axes");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const std::vector<int64_t> axes = axes_from_input_ ? ReadInt64Values(ctx.RequiredInput(1), "axes") : axes_;
    const auto& dims = input.Shape().GetDims();
    const int64_t out_rank = static_cast<int64_t>(dims.size() + axes.size());
    std::vector<bool> inserted(static_cast<size_t>(out_rank), false);
    for (int64_t a : NormalizeAxes(axes, out_rank, "Unsqueeze axis")) inserted[a] = true;
    std::vector<int64_t> out;
    out.reserve(static_cast<size_t>(out_rank));
    size_t next = 0;
    for (int64_t k = 0; k < out_rank; ++k) out.push_back(inserted[k] ? 1 : dims[next++]);
    OutputWithShape(ctx, input, TensorShape(std::move(out)), input_is_constant_);
  }

 private:
  bool axes_from_input_;
  bool input_is_constant_;
  std::vector<int64_t> axes_;
};

class Flatten final : public OpKernel {
 public:
  explicit Flatten(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.GetAttrOrDefault<int64_t>("axis", 1)),
        input_is_constant_(info.TryGetConstantInput(0) != nullptr) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const int64_t rank = static_cast<int64_t>(input.Shape().NumDimensions());
    // Unlike most axes, rank itself is valid here (everything goes to the outer dimension).
    ORTLITE_CHECK_ARG(axis_ >= -rank && axis_ <= rank, "Flatten axis ", axis_, " is out of range for rank ", rank);
    const size_t axis = static_cast<size_t>(axis_ < 0 ? axis_ + rank : axis_);
    TensorShape out({input.Shape().SizeToDimension(axis), input.Shape().SizeFromDimension(axis)});
    OutputWithShape(ctx, input, std::move(out), input_is_constant_);
  }

 private:
  int64_t axis_;
  bool input_is_constant_;
};

// Passes any value through: tensors, sequences and optionals (Identity-14/16).
class Identity final : public OpKernel {
 public:
  explicit Identity(const OpKernelInfo& info)
      : OpKernel(info), input_is_constant_(info.TryGetConstantInput(0) != nullptr) {}

  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* value = ctx.InputValue(0);
    ORTLITE_CHECK_ARG(value != nullptr, "Identity requires an input");
    if (value->IsTensor()) {
      OutputWithShape(ctx, value->Get(), value->Get().Shape(), input_is_constant_);
    } else {
      ctx.SetOutput(0, *value);
    }
  }

 private:
  bool input_is_constant_;
};

// Shape-15 may return a slice [start, end) of the dimensions; both clamp to [0, rank].
class Shape final : public OpKernel {
 public:
  explicit Shape(const OpKernelInfo& info)
      : OpKernel(info),
        start_(info.GetAttrOrDefault<int64_t>("start", 0)),
        end_(info.HasAttr("end") ? info.GetAttr<int64_t>("end") : INT64_MAX) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    auto clamp = [rank](int64_t v) { return std::clamp(v < 0 ? v + rank : v, int64_t{0}, rank); };
    const int64_t begin = clamp(start_), end = std::max(begin, clamp(end_));
    Tensor* out = ctx.Output(0, TensorShape({end - begin}), DataType::kInt64);
    std::copy(dims.begin() + begin, dims.begin() + end, out->MutableData<int64_t>());
  }

 private:
  int64_t start_, end_;
};

class Size final : public OpKernel {
 public:
  using OpKernel::OpKernel;
  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    *ctx.Output(0, TensorShape(), DataType::kInt64)->MutableData<int64_t>() = input.NumElements();
  }
};

}  // namespace

ONNX_CPU_KERNEL(Reshape, 1, Reshape, KernelDefBuilder())
ONNX_CPU_KERNEL(Squeeze, 1, Squeeze, KernelDefBuilder())
ONNX_CPU_KERNEL(Unsqueeze, 1, Unsqueeze, KernelDefBuilder())
ONNX_CPU_KERNEL(Flatten, 1, Flatten, KernelDefBuilder())
ONNX_CPU_KERNEL(Identity, 1, Identity, KernelDefBuilder())
ONNX_CPU_KERNEL(Shape, 1, Shape, KernelDefBuilder())
ONNX_CPU_KERNEL(Size, 1, Size, KernelDefBuilder())

}  // namespace ortlite
