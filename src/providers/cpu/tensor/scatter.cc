// Scatter (deprecated alias of ScatterElements), ScatterElements and ScatterND: a copy of `data`
// with `updates` written (or combined with a reduction) at positions given by `indices`.
// Updates are applied in order, so with duplicate indices the last one wins, as in the reference.
#include <algorithm>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

enum class Reduction { kNone, kAdd, kMul, kMax, kMin };

Reduction ParseReduction(const std::string& name) {
  if (name == "none") return Reduction::kNone;
  if (name == "add") return Reduction::kAdd;
  if (name == "mul") return Reduction::kMul;
  if (name == "max") return Reduction::kMax;
  if (name == "min") return Reduction::kMin;
  ThrowError(ErrorCode::kInvalidArgument, "unknown scatter reduction '", name, "'");
}

template <typename T>
T Combine(T a, T b, Reduction r) {
  if constexpr (std::is_same_v<T, bool>) {
    // numpy semantics on booleans: add is or, mul is and.
    switch (r) {
      case Reduction::kAdd:
      case Reduction::kMax: return a || b;
      case Reduction::kMul:
      case Reduction::kMin: return a && b;
      default: return b;
    }
  } else {
    const auto x = ToCompute(a), y = ToCompute(b);
    switch (r) {
      case Reduction::kAdd: return FromCompute<T>(x + y);
      case Reduction::kMul: return FromCompute<T>(x * y);
      case Reduction::kMax: return FromCompute<T>(std::max(x, y));
      case Reduction::kMin: return FromCompute<T>(std::min(x, y));
      default: return b;
    }
  }
}

// Writes a copy of `data` to output 0, then applies update slice i (`slice` elements from
// updates) at element offset dst_offsets[i] of the output.
void ScatterSlices(OpKernelContext& ctx, const Tensor& data, const Tensor& updates,
                   const std::vector<int64_t>& dst_offsets, int64_t slice, Reduction reduction) {
  const DataType type = data.GetElementType();
  ORTLITE_CHECK_ARG(updates.GetElementType() == type, "updates type ", DataTypeName(updates.GetElementType()),
                    " differs from data type ", DataTypeName(type));
  Tensor* out = ctx.Output(0, data.Shape(), type);
  CopyTensorData(data, *out);
  if (reduction == Reduction::kNone) {
    VisitByElementSize(type, [&](auto tag) {
      using S = typename decltype(tag)::type;
      S* o = static_cast<S*>(out->MutableDataRaw());
      const S* u = static_cast<const S*>(updates.DataRaw());
      for (size_t i = 0; i < dst_offsets.size(); ++i) {
        for (int64_t j = 0; j < slice; ++j) o[dst_offsets[i] + j] = u[i * slice + j];
      }
    });
    return;
  }
  VisitType<AllNumericAndBoolTypes>(
      type,
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* o = out->MutableData<T>();
        const T* u = updates.Data<T>();
        for (size_t i = 0; i < dst_offsets.size(); ++i) {
          for (int64_t j = 0; j < slice; ++j) {
            T& target = o[dst_offsets[i] + j];
            target = Combine(target, u[i * slice + j], reduction);
          }
        }
      },
      "scatter with a reduction");
}

class ScatterElements final : public OpKernel {
 public:
  explicit ScatterElements(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.GetAttrOrDefault<int64_t>("axis", 0)),
        reduction_(ParseReduction(info.GetAttrOrDefault<std::string>("reduction", "none"))) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& data = ctx.RequiredInput(0);
    const Tensor& indices = ctx.RequiredInput(1);
    const Tensor& updates = ctx.RequiredInput(2);
    const auto& dims = data.Shape().GetDims();
    const auto& idx_dims = indices.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    ORTLITE_CHECK_ARG(rank > 0, "data must have rank >= 1");
    ORTLITE_CHECK_ARG(indices.Shape() == updates.Shape(), "indices shape ", indices.Shape().ToString(),
                      " differs from updates shape ", updates.Shape().ToString());
    ORTLITE_CHECK_ARG(idx_dims.size() == dims.size(), "indices rank ", idx_dims.size(), " differs from data rank ",
                      dims.size());
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, rank, "scatter axis"));
    for (size_t k = 0; k < dims.size(); ++k) {
      ORTLITE_CHECK_ARG(k == axis || idx_dims[k] <= dims[k], "indices shape ", indices.Shape().ToString(),
                        " exceeds data shape ", data.Shape().ToString(), " on axis ", k);
    }
    const std::vector<int64_t> data_strides = ContiguousStrides(dims);
    const std::vector<int64_t> idx_strides = ContiguousStrides(idx_dims);
    IndexReader reader(indices, "scatter index");
    std::vector<int64_t> offsets(static_cast<size_t>(indices.NumElements()));
    for (int64_t i = 0; i < static_cast<int64_t>(offsets.size()); ++i) {
      int64_t offset = 0, rem = i;
      for (size_t k = 0; k < idx_dims.size(); ++k) {
        const int64_t coord = rem / idx_strides[k];
        rem -= coord * idx_strides[k];
        offset += (k == axis ? CheckedIndex(reader[i], dims[axis], "scatter index") : coord) * data_strides[k];
      }
      offsets[i] = offset;
    }
    ScatterSlices(ctx, data, updates, offsets, 1, reduction_);
  }

 private:
  int64_t axis_;
  Reduction reduction_;
};

class ScatterND final : public OpKernel {
 public:
  explicit ScatterND(const OpKernelInfo& info)
      : OpKernel(info), reduction_(ParseReduction(info.GetAttrOrDefault<std::string>("reduction", "none"))) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& data = ctx.RequiredInput(0);
    const Tensor& indices = ctx.RequiredInput(1);
    const Tensor& updates = ctx.RequiredInput(2);
    const auto& dims = data.Shape().GetDims();
    const auto& idx_dims = indices.Shape().GetDims();
    const int64_t r = static_cast<int64_t>(dims.size()), q = static_cast<int64_t>(idx_dims.size());
    ORTLITE_CHECK_ARG(r >= 1 && q >= 1, "ScatterND data and indices must have rank >= 1");
    const int64_t k = idx_dims[q - 1];
    ORTLITE_CHECK_ARG(k >= 1 && k <= r, "the last indices dimension (", k, ") must be in [1, ", r, "]");
    std::vector<int64_t> expected(idx_dims.begin(), idx_dims.end() - 1);
    expected.insert(expected.end(), dims.begin() + k, dims.end());
    ORTLITE_CHECK_ARG(updates.Shape() == TensorShape(expected), "updates shape ", updates.Shape().ToString(),
                      " must be ", TensorShape(expected).ToString());
    const std::vector<int64_t> strides = ContiguousStrides(dims);
    const int64_t tuples = indices.Shape().SizeToDimension(q - 1);
    IndexReader reader(indices, "ScatterND index");
    std::vector<int64_t> offsets(static_cast<size_t>(tuples));
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t offset = 0;
      for (int64_t j = 0; j < k; ++j)
        offset += CheckedIndex(reader[t * k + j], dims[j], "ScatterND index") * strides[j];
      offsets[t] = offset;
    }
    ScatterSlices(ctx, data, updates, offsets, data.Shape().SizeFromDimension(k), reduction_);
  }

 private:
  Reduction reduction_;
};

}  // namespace

ONNX_CPU_KERNEL(Scatter, 9, ScatterElements, KernelDefBuilder())
ONNX_CPU_KERNEL(ScatterElements, 11, ScatterElements, KernelDefBuilder())
ONNX_CPU_KERNEL(ScatterND, 11, ScatterND, KernelDefBuilder())

}  // namespace ortlite
