// Operators that make a tensor from attributes or a shape rather than from input data:
// Constant, ConstantOfShape, Range and EyeLike.
#include <algorithm>
#include <cmath>

#include "core/framework/kernel_registry.h"
#include "core/framework/tensorprotoutils.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// Constant: the tensor comes from exactly one of the value* attributes (which ones exist depends
// on the opset, but a model can only carry attributes its schema allows, so all are read here).
class Constant final : public OpKernel {
 public:
  explicit Constant(const OpKernelInfo& info) : OpKernel(info) {
    int found = 0;
    if (info.HasAttr("value")) {
      value_ = info.GetAttr<Tensor>("value");
      ++found;
    }
    if (info.HasAttr("value_float")) {
      value_ = Tensor::FromVector<float>({info.GetAttr<float>("value_float")}, TensorShape());
      ++found;
    }
    if (info.HasAttr("value_floats")) {
      const auto v = info.GetAttr<std::vector<float>>("value_floats");
      value_ = Tensor::FromVector<float>(v, TensorShape({static_cast<int64_t>(v.size())}));
      ++found;
    }
    if (info.HasAttr("value_int")) {
      value_ = Tensor::FromVector<int64_t>({info.GetAttr<int64_t>("value_int")}, TensorShape());
      ++found;
    }
    if (info.HasAttr("value_ints")) {
      const auto v = info.GetAttr<std::vector<int64_t>>("value_ints");
      value_ = Tensor::FromVector<int64_t>(v, TensorShape({static_cast<int64_t>(v.size())}));
      ++found;
    }
    if (info.HasAttr("value_string")) {
      value_ = Tensor::FromVector<std::string>({info.GetAttr<std::string>("value_string")}, TensorShape());
      ++found;
    }
    if (info.HasAttr("value_strings")) {
      const auto v = info.GetAttr<std::vector<std::string>>("value_strings");
      value_ = Tensor::FromVector<std::string>(v, TensorShape({static_cast<int64_t>(v.size())}));
      ++found;
    }
    ORTLITE_CHECK_ARG(!info.HasAttr("sparse_value"), "Constant with a sparse_value is not supported");
    ORTLITE_CHECK_ARG(found == 1, "Constant needs exactly one value attribute, found ", found);
  }

  void Compute(OpKernelContext& ctx) const override {
    // A copy each run: consumers and callers must never be able to modify the kernel's value.
    Tensor* out = ctx.Output(0, value_.Shape(), value_.GetElementType());
    CopyTensorData(value_, *out);
  }

 private:
  Tensor value_;
};

// Fills `count` elements of dst with the single element at `value`.
void FillWithElement(DataType type, void* dst, const void* value, int64_t count) {
  VisitByElementSize(type, [&](auto tag) {
    using S = typename decltype(tag)::type;
    const S v = *static_cast<const S*>(value);
    std::fill(static_cast<S*>(dst), static_cast<S*>(dst) + count, v);
  });
}

class ConstantOfShape final : public OpKernel {
 public:
  explicit ConstantOfShape(const OpKernelInfo& info) : OpKernel(info) {
    if (info.HasAttr("value")) {
      value_ = info.GetAttr<Tensor>("value");
      ORTLITE_CHECK_ARG(value_.NumElements() == 1, "ConstantOfShape value must hold one element, got shape ",
                        value_.Shape().ToString());
    } else {
      value_ = Tensor::FromVector<float>({0.f}, TensorShape({1}));
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const std::vector<int64_t> dims = ReadInt64Values(ctx.RequiredInput(0), "ConstantOfShape shape");
    CheckOutputDims(dims, "ConstantOfShape shape");
    Tensor* out = ctx.Output(0, TensorShape(dims), value_.GetElementType());
    FillWithElement(value_.GetElementType(), out->MutableDataRaw(), value_.DataRaw(), out->NumElements());
  }

 private:
  Tensor value_;
};

// Range: start, start + delta, ... while below limit (above it for a negative delta).
class Range final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& start = ctx.RequiredInput(0);
    const Tensor& limit = ctx.RequiredInput(1);
    const Tensor& delta = ctx.RequiredInput(2);
    const DataType type = start.GetElementType();
    ORTLITE_CHECK_ARG(limit.GetElementType() == type && delta.GetElementType() == type,
                      "Range inputs must share one type");
    for (const Tensor* t : {&start, &limit, &delta}) {
      ORTLITE_CHECK_ARG(t->NumElements() == 1, "Range inputs must be scalars, got shape ", t->Shape().ToString());
    }
    VisitType<TypeList<float, double, int16_t, int32_t, int64_t, MLFloat16, BFloat16, int8_t, uint8_t, uint16_t,
                       uint32_t, uint64_t>>(
        type,
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T s = start.Data<T>()[0], l = limit.Data<T>()[0], d = delta.Data<T>()[0];
          int64_t count;
          if constexpr (std::is_integral_v<T>) {
            ORTLITE_CHECK_ARG(d != 0, "Range delta must not be 0");
            // Exact ceil((limit - start) / delta) in 128 bits, where the difference cannot overflow.
            const __int128 span = static_cast<__int128>(l) - static_cast<__int128>(s), step = d;
            __int128 n = 0;
            if (step > 0 && span > 0) n = (span + step - 1) / step;
            if (step < 0 && span < 0) n = (span + step + 1) / step;
            count = static_cast<int64_t>(std::min<__int128>(n, INT64_MAX));
          } else {
            const double ds = ToCompute(s), dl = ToCompute(l), dd = ToCompute(d);
            ORTLITE_CHECK_ARG(dd != 0, "Range delta must not be 0");
            const double n = std::ceil((dl - ds) / dd);
            ORTLITE_CHECK_ARG(std::isfinite(n), "Range has no finite length for start ", ds, ", limit ", dl, ", delta ",
                              dd);
            count = static_cast<int64_t>(std::clamp(n, 0.0, 9.0e18));
          }
          CheckOutputDims({count}, "Range output");
          Tensor* out = ctx.Output(0, TensorShape({count}), type);
          T* o = out->MutableData<T>();
          for (int64_t i = 0; i < count; ++i) {
            if constexpr (std::is_integral_v<T>) {
              o[i] = static_cast<T>(s + static_cast<T>(i) * d);
            } else {
              o[i] = FromCompute<T>(ToCompute(s) + static_cast<decltype(ToCompute(s))>(i) * ToCompute(d));
            }
          }
        },
        "Range");
  }
};

// EyeLike: a 2-D tensor shaped like the input with ones on diagonal k.
class EyeLike final : public OpKernel {
 public:
  explicit EyeLike(const OpKernelInfo& info)
      : OpKernel(info),
        k_(info.GetAttrOrDefault<int64_t>("k", 0)),
        dtype_(static_cast<int32_t>(info.GetAttrOrDefault<int64_t>("dtype", 0))) {
    ORTLITE_CHECK_ARG(dtype_ == 0 || IsValidDataType(dtype_), "EyeLike dtype ", dtype_, " is not a tensor type");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    ORTLITE_CHECK_ARG(input.Shape().NumDimensions() == 2, "EyeLike input must be 2-D, got ", input.Shape().ToString());
    const DataType type = dtype_ ? static_cast<DataType>(dtype_) : input.GetElementType();
    const int64_t rows = input.Shape()[0], cols = input.Shape()[1];
    Tensor* out = ctx.Output(0, input.Shape(), type);
    VisitType<AllNumericAndBoolTypes>(
        type,
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          T* o = out->MutableData<T>();
          std::fill(o, o + rows * cols, FromCompute<T>(0));
          for (int64_t i = std::max<int64_t>(0, -k_); i < rows && i + k_ < cols; ++i)
            o[i * cols + i + k_] = FromCompute<T>(1);
        },
        "EyeLike");
  }

 private:
  int64_t k_;
  int32_t dtype_;
};

}  // namespace

ONNX_CPU_KERNEL(Constant, 1, Constant, KernelDefBuilder())
ONNX_CPU_KERNEL(ConstantOfShape, 9, ConstantOfShape, KernelDefBuilder())
ONNX_CPU_KERNEL(Range, 11, Range, KernelDefBuilder())
ONNX_CPU_KERNEL(EyeLike, 9, EyeLike, KernelDefBuilder())

}  // namespace ortlite
