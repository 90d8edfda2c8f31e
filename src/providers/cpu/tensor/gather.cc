// Gather, GatherElements and GatherND: reading elements or slices at positions given by an index
// tensor (int32 or int64, negative counting from the end). Every index is validated before any
// copying starts, so bad indices are reported and never dereferenced.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

// All indices of `t`, checked against `dim` and made non-negative.
std::vector<int64_t> CheckedIndices(const Tensor& t, int64_t dim, const char* what) {
  IndexReader reader(t, what);
  std::vector<int64_t> out(static_cast<size_t>(t.NumElements()));
  for (size_t i = 0; i < out.size(); ++i) out[i] = CheckedIndex(reader[static_cast<int64_t>(i)], dim, what);
  return out;
}

// Fills dst with `count` consecutive slices of `slice` elements; slice i comes from element
// src_offset_of(i) of src.
template <typename OffsetFn>
void CopySlices(OpKernelContext& ctx, DataType type, void* dst, const void* src, int64_t count, int64_t slice,
                const OffsetFn& src_offset_of) {
  ThreadPool::TryParallelFor(ctx.GetThreadPool(), count, double(slice) + 4.0, [&](int64_t begin, int64_t end) {
    VisitByElementSize(type, [&](auto tag) {
      using S = typename decltype(tag)::type;
      S* d = static_cast<S*>(dst);
      const S* s = static_cast<const S*>(src);
      for (int64_t i = begin; i < end; ++i) {
        const S* from = s + src_offset_of(i);
        S* to = d + i * slice;
        if (slice == 1) {
          *to = *from;
        } else {
          for (int64_t j = 0; j < slice; ++j) to[j] = from[j];
        }
      }
    });
  });
}

class Gather final : public OpKernel {
 public:
  explicit Gather(const OpKernelInfo& info) : OpKernel(info), axis_(info.GetAttrOrDefault<int64_t>("axis", 0)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& data = ctx.RequiredInput(0);
    const Tensor& indices_tensor = ctx.RequiredInput(1);
    const auto& dims = data.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    ORTLITE_CHECK_ARG(rank > 0, "Gather data must have rank >= 1");
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, rank, "Gather axis"));
    const int64_t axis_dim = dims[axis];
    const std::vector<int64_t> indices = CheckedIndices(indices_tensor, axis_dim, "Gather index");

    std::vector<int64_t> out_dims(dims.begin(), dims.begin() + axis);
    for (int64_t d : indices_tensor.Shape().GetDims()) out_dims.push_back(d);
    out_dims.insert(out_dims.end(), dims.begin() + axis + 1, dims.end());
    const DataType type = data.GetElementType();
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    if (out->NumElements() == 0) return;

    const int64_t outer = data.Shape().SizeToDimension(axis);
    const int64_t inner = data.Shape().SizeFromDimension(axis + 1);
    const int64_t n = static_cast<int64_t>(indices.size());
    CopySlices(ctx, type, out->MutableDataRaw(), data.DataRaw(), outer * n, inner,
               [&](int64_t i) { return ((i / n) * axis_dim + indices[i % n]) * inner; });
  }

 private:
  int64_t axis_;
};

class GatherElements final : public OpKernel {
 public:
  explicit GatherElements(const OpKernelInfo& info)
      : OpKernel(info), axis_(info.GetAttrOrDefault<int64_t>("axis", 0)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& data = ctx.RequiredInput(0);
    const Tensor& indices_tensor = ctx.RequiredInput(1);
    const auto& dims = data.Shape().GetDims();
    const auto& idx_dims = indices_tensor.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    ORTLITE_CHECK_ARG(rank > 0, "GatherElements data must have rank >= 1");
    ORTLITE_CHECK_ARG(idx_dims.size() == dims.size(), "indices rank ", idx_dims.size(), " differs from data rank ",
                      dims.size());
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, rank, "GatherElements axis"));
    for (size_t k = 0; k < dims.size(); ++k) {
      ORTLITE_CHECK_ARG(k == axis || idx_dims[k] <= dims[k], "indices shape ", indices_tensor.Shape().ToString(),
                        " exceeds data shape ", data.Shape().ToString(), " on axis ", k);
    }
    const std::vector<int64_t> indices = CheckedIndices(indices_tensor, dims[axis], "GatherElements index");
    const DataType type = data.GetElementType();
    Tensor* out = ctx.Output(0, indices_tensor.Shape(), type);
    if (out->NumElements() == 0) return;

    const std::vector<int64_t> data_strides = ContiguousStrides(dims);
    const std::vector<int64_t> idx_strides = ContiguousStrides(idx_dims);
    CopySlices(ctx, type, out->MutableDataRaw(), data.DataRaw(), out->NumElements(), 1, [&](int64_t i) {
      int64_t offset = 0, rem = i;
      for (size_t k = 0; k < idx_dims.size(); ++k) {
        const int64_t coord = rem / idx_strides[k];
        rem -= coord * idx_strides[k];
        offset += (k == axis ? indices[i] : coord) * data_strides[k];
      }
      return offset;
    });
  }

 private:
  int64_t axis_;
};

// GatherND: the last dimension of `indices` addresses the leading dimensions of data (after the
// first batch_dims, which indices and data share).
class GatherND final : public OpKernel {
 public:
  explicit GatherND(const OpKernelInfo& info)
      : OpKernel(info), batch_dims_(info.GetAttrOrDefault<int64_t>("batch_dims", 0)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& data = ctx.RequiredInput(0);
    const Tensor& indices_tensor = ctx.RequiredInput(1);
    const auto& dims = data.Shape().GetDims();
    const auto& idx_dims = indices_tensor.Shape().GetDims();
    const int64_t r = static_cast<int64_t>(dims.size()), q = static_cast<int64_t>(idx_dims.size());
    const int64_t b = batch_dims_;
    ORTLITE_CHECK_ARG(r >= 1 && q >= 1, "GatherND data and indices must have rank >= 1");
    ORTLITE_CHECK_ARG(b >= 0 && b < std::min(r, q), "batch_dims ", b, " must be less than both ranks");
    for (int64_t k = 0; k < b; ++k) {
      ORTLITE_CHECK_ARG(dims[k] == idx_dims[k], "batch dimension ", k, " differs between data ",
                        data.Shape().ToString(), " and indices ", indices_tensor.Shape().ToString());
    }
    const int64_t m = idx_dims[q - 1];
    ORTLITE_CHECK_ARG(m >= 1 && m <= r - b, "the last indices dimension (", m, ") must be in [1, ", r - b, "]");

    std::vector<int64_t> out_dims(idx_dims.begin(), idx_dims.end() - 1);
    out_dims.insert(out_dims.end(), dims.begin() + b + m, dims.end());
    const DataType type = data.GetElementType();
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);

    const int64_t tuples = indices_tensor.Shape().SizeToDimension(q - 1);
    const int64_t batches = data.Shape().SizeToDimension(b);
    const int64_t per_batch = batches ? tuples / batches : 0;
    const int64_t batch_size = data.Shape().SizeFromDimension(b);
    const int64_t slice = data.Shape().SizeFromDimension(b + m);
    const std::vector<int64_t> strides = ContiguousStrides(dims);
    IndexReader reader(indices_tensor, "GatherND index");
    std::vector<int64_t> offsets(static_cast<size_t>(tuples));
    for (int64_t t = 0; t < tuples; ++t) {
      int64_t offset = (t / per_batch) * batch_size;
      for (int64_t j = 0; j < m; ++j) {
        offset += CheckedIndex(reader[t * m + j], dims[b + j], "GatherND index") * strides[b + j];
      }
      offsets[t] = offset;
    }
    if (out->NumElements() == 0) return;
    CopySlices(ctx, type, out->MutableDataRaw(), data.DataRaw(), tuples, slice, [&](int64_t t) { return offsets[t]; });
  }

 private:
  int64_t batch_dims_;
};

}  // namespace

ONNX_CPU_KERNEL(Gather, 1, Gather, KernelDefBuilder())
ONNX_CPU_KERNEL(GatherElements, 11, GatherElements, KernelDefBuilder())
ONNX_CPU_KERNEL(GatherND, 11, GatherND, KernelDefBuilder())

}  // namespace ortlite
