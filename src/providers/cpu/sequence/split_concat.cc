// Moving between one tensor and a sequence of tensors (opset 11): SplitToSequence cuts a tensor
// along an axis, ConcatFromSequence joins a sequence along an existing or a new axis.
#include <numeric>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/controlflow/subgraph_utils.h"

namespace ortlite {
namespace {

// Copies `rows` rows of `row_elems` elements between buffers with different row pitches.
void CopyRows(DataType type, void* dst, int64_t dst_pitch, const void* src, int64_t src_pitch, int64_t rows,
              int64_t row_elems, ThreadPool* pool) {
  const size_t esize = DataTypeSize(type);
  const double cost = static_cast<double>(row_elems) * (type == DataType::kString ? 8.0 : 0.25);
  ThreadPool::TryParallelFor(pool, rows, cost, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; ++r) {
      CopyElements(type, static_cast<char*>(dst) + static_cast<size_t>(r * dst_pitch) * esize,
                   static_cast<const char*>(src) + static_cast<size_t>(r * src_pitch) * esize, row_elems);
    }
  });
}

class SplitToSequence final : public OpKernel {
 public:
  explicit SplitToSequence(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.GetAttrOrDefault<int64_t>("axis", 0)),
        keepdims_(info.GetAttrOrDefault<int64_t>("keepdims", 1) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    const int64_t rank = static_cast<int64_t>(dims.size());
    ORTLITE_CHECK_ARG(rank >= 1, "SplitToSequence cannot split a scalar");
    const int64_t axis = HandleNegativeAxis(axis_, rank);
    const int64_t dim = dims[axis];

    std::vector<int64_t> lengths;
    bool squeeze = false;
    if (const Tensor* split = ctx.Input(1)) {
      ORTLITE_CHECK_ARG(split->GetElementType() == DataType::kInt64 || split->GetElementType() == DataType::kInt32,
                        "SplitToSequence split must be int32 or int64, got ", DataTypeName(split->GetElementType()));
      ORTLITE_CHECK_ARG(split->Shape().NumDimensions() <= 1, "SplitToSequence split must be a scalar or 1-D, got shape ",
                        split->Shape().ToString());
      auto value = [&](int64_t i) -> int64_t {
        return split->GetElementType() == DataType::kInt64 ? split->Data<int64_t>()[i] : split->Data<int32_t>()[i];
      };
      if (split->Shape().NumDimensions() == 0) {
        const int64_t chunk = value(0);
        ORTLITE_CHECK_ARG(chunk > 0, "SplitToSequence split must be positive, got ", chunk);
        for (int64_t start = 0; start < dim; start += chunk) lengths.push_back(std::min(chunk, dim - start));
      } else {
        for (int64_t i = 0; i < split->NumElements(); ++i) {
          ORTLITE_CHECK_ARG(value(i) >= 0, "SplitToSequence split lengths must be >= 0, got ", value(i));
          lengths.push_back(value(i));
        }
        const int64_t total = std::accumulate(lengths.begin(), lengths.end(), int64_t{0});
        ORTLITE_CHECK_ARG(total == dim, "SplitToSequence split lengths sum to ", total, " but axis ", axis, " has ",
                          dim, " elements");
      }
    } else {
      lengths.assign(static_cast<size_t>(dim), 1);
      squeeze = !keepdims_;
    }

    const int64_t outer = input.Shape().SizeToDimension(axis);
    const int64_t inner = input.Shape().SizeFromDimension(axis + 1);
    const DataType type = input.GetElementType();
    const size_t esize = DataTypeSize(type);
    TensorSeq seq;
    seq.elem_type = type;
    int64_t start = 0;
    for (int64_t len : lengths) {
      std::vector<int64_t> part_dims = dims;
      if (squeeze) {
        part_dims.erase(part_dims.begin() + axis);
      } else {
        part_dims[axis] = len;
      }
      Tensor part(type, TensorShape(part_dims), GetCpuAllocator());
      CopyRows(type, part.MutableDataRaw(), len * inner,
               static_cast<const char*>(input.DataRaw()) + static_cast<size_t>(start * inner) * esize, dim * inner,
               outer, len * inner, ctx.GetThreadPool());
      seq.values.emplace_back(std::move(part));
      start += len;
    }
    ctx.SetOutput(0, OrtValue(std::move(seq)));
  }

 private:
  int64_t axis_;
  bool keepdims_;
};

class ConcatFromSequence final : public OpKernel {
 public:
  explicit ConcatFromSequence(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.GetAttr<int64_t>("axis")),
        new_axis_(info.GetAttrOrDefault<int64_t>("new_axis", 0) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    const OrtValue* v = ctx.InputValue(0);
    ORTLITE_CHECK_ARG(v && v->IsSequence(), "ConcatFromSequence input must be a sequence");
    const auto& values = v->GetSequence().values;
    ORTLITE_CHECK_ARG(!values.empty(), "ConcatFromSequence needs a non-empty sequence");
    std::vector<const Tensor*> parts;
    for (const OrtValue& e : values) {
      ORTLITE_CHECK_ARG(e.IsTensor(), "ConcatFromSequence sequence elements must be tensors");
      parts.push_back(&e.Get());
    }
    const Tensor& first = *parts[0];
    const int64_t rank = static_cast<int64_t>(first.Shape().NumDimensions());
    ORTLITE_CHECK_ARG(new_axis_ || rank >= 1, "ConcatFromSequence cannot concatenate scalars without new_axis");
    const int64_t axis = HandleNegativeAxis(axis_, new_axis_ ? rank + 1 : rank);

    // With new_axis every part gets a dimension of 1 at `axis`; then it is an ordinary concat.
    auto dims_of = [&](const Tensor& t) {
      std::vector<int64_t> d = t.Shape().GetDims();
      if (new_axis_) d.insert(d.begin() + axis, 1);
      return d;
    };
    std::vector<int64_t> out_dims = dims_of(first);
    out_dims[axis] = 0;
    for (size_t p = 0; p < parts.size(); ++p) {
      const Tensor& t = *parts[p];
      ORTLITE_CHECK_ARG(t.GetElementType() == first.GetElementType(), "ConcatFromSequence element ", p, " is ",
                        DataTypeName(t.GetElementType()), ", element 0 is ", DataTypeName(first.GetElementType()));
      const std::vector<int64_t> d = dims_of(t);
      ORTLITE_CHECK_ARG(d.size() == out_dims.size(), "ConcatFromSequence element ", p, " has shape ",
                        t.Shape().ToString(), ", of another rank than element 0 ", first.Shape().ToString());
      for (size_t k = 0; k < d.size(); ++k) {
        ORTLITE_CHECK_ARG(k == static_cast<size_t>(axis) || d[k] == out_dims[k], "ConcatFromSequence element ", p,
                          " has shape ", t.Shape().ToString(), ", incompatible with element 0 ",
                          first.Shape().ToString(), " for axis ", axis_);
      }
      out_dims[axis] += d[axis];
    }

    const DataType type = first.GetElementType();
    Tensor* out = ctx.Output(0, TensorShape(out_dims), type);
    const TensorShape out_shape(out_dims);
    const int64_t outer = out_shape.SizeToDimension(axis);
    const int64_t inner = out_shape.SizeFromDimension(axis + 1);
    const int64_t out_row = out_dims[axis] * inner;
    const size_t esize = DataTypeSize(type);
    int64_t offset = 0;  // elements into each output row
    for (const Tensor* t : parts) {
      const int64_t row = dims_of(*t)[axis] * inner;
      CopyRows(type, static_cast<char*>(out->MutableDataRaw()) + static_cast<size_t>(offset) * esize, out_row,
               t->DataRaw(), row, outer, row, ctx.GetThreadPool());
      offset += row;
    }
  }

 private:
  int64_t axis_;
  bool new_axis_;
};

}  // namespace

ONNX_CPU_KERNEL(SplitToSequence, 11, SplitToSequence, KernelDefBuilder())
ONNX_CPU_KERNEL(ConcatFromSequence, 11, ConcatFromSequence, KernelDefBuilder())

}  // namespace ortlite
