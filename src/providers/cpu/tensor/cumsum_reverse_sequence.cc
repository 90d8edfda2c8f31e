// CumSum (running sum along an axis, optionally exclusive and/or reversed) and ReverseSequence
// (reversing the first seq_len steps of each batch entry): both walk one axis of the input as
// independent lines.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

class CumSum final : public OpKernel {
 public:
  explicit CumSum(const OpKernelInfo& info)
      : OpKernel(info),
        exclusive_(info.GetAttrOrDefault<int64_t>("exclusive", 0) != 0),
        reverse_(info.GetAttrOrDefault<int64_t>("reverse", 0) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const Tensor& axis_tensor = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(axis_tensor.NumElements() == 1, "CumSum axis must be a scalar, got shape ",
                      axis_tensor.Shape().ToString());
    const int64_t rank = static_cast<int64_t>(input.Shape().NumDimensions());
    ORTLITE_CHECK_ARG(rank > 0, "CumSum input must have rank >= 1");
    const size_t axis =
        static_cast<size_t>(HandleNegativeAxis(ReadInt64Values(axis_tensor, "axis")[0], rank, "CumSum axis"));
    Tensor* out = ctx.Output(0, input.Shape(), input.GetElementType());
    if (out->NumElements() == 0) return;
    const int64_t len = input.Shape()[axis];
    const int64_t outer = input.Shape().SizeToDimension(axis), inner = input.Shape().SizeFromDimension(axis + 1);
    using Types = TypeList<float, double, MLFloat16, BFloat16, int32_t, int64_t, uint32_t, uint64_t, int8_t, int16_t,
                           uint8_t, uint16_t>;
    VisitType<Types>(
        input.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          auto scan_lines = [&](int64_t begin, int64_t end) {
            ScanLines(input.Data<T>(), out->MutableData<T>(), begin, end, len, inner);
          };
          ThreadPool::TryParallelFor(ctx.GetThreadPool(), outer * inner, double(len) * 2.0, scan_lines);
        },
        "CumSum");
  }

 private:
  // Lines [begin, end) of the input seen as [outer, len, inner]; line l is (l / inner, :, l % inner).
  template <typename T>
  void ScanLines(const T* x, T* y, int64_t begin, int64_t end, int64_t len, int64_t inner) const {
    using Acc = decltype(ToCompute(T{}));
    for (int64_t line = begin; line < end; ++line) {
      const int64_t base = (line / inner) * len * inner + line % inner;
      Acc sum = Acc(0);
      for (int64_t step = 0; step < len; ++step) {
        const int64_t pos = base + (reverse_ ? len - 1 - step : step) * inner;
        if (exclusive_) {
          y[pos] = FromCompute<T>(sum);
          sum += ToCompute(x[pos]);
        } else {
          sum += ToCompute(x[pos]);
          y[pos] = FromCompute<T>(sum);
        }
      }
    }
  }

  bool exclusive_;
  bool reverse_;
};

class ReverseSequence final : public OpKernel {
 public:
  explicit ReverseSequence(const OpKernelInfo& info)
      : OpKernel(info),
        batch_axis_(info.GetAttrOrDefault<int64_t>("batch_axis", 1)),
        time_axis_(info.GetAttrOrDefault<int64_t>("time_axis", 0)) {
    ORTLITE_CHECK_ARG((batch_axis_ == 0 && time_axis_ == 1) || (batch_axis_ == 1 && time_axis_ == 0),
                      "batch_axis and time_axis must be 0 and 1 in some order");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const Tensor& lens_tensor = ctx.RequiredInput(1);
    const auto& dims = input.Shape().GetDims();
    ORTLITE_CHECK_ARG(dims.size() >= 2, "ReverseSequence input must have rank >= 2, got ", input.Shape().ToString());
    const int64_t batch = dims[batch_axis_], time = dims[time_axis_];
    const std::vector<int64_t> lens = ReadInt64Values(lens_tensor, "sequence_lens");
    ORTLITE_CHECK_ARG(static_cast<int64_t>(lens.size()) == batch, "sequence_lens has ", lens.size(),
                      " entries for a batch of ", batch);
    for (int64_t l : lens) ORTLITE_CHECK_ARG(l >= 0 && l <= time, "sequence length ", l, " is outside [0, ", time, "]");
    const DataType type = input.GetElementType();
    Tensor* out = ctx.Output(0, input.Shape(), type);
    if (out->NumElements() == 0) return;
    const int64_t slice = input.Shape().SizeFromDimension(2);
    // Element offset of the slice at (batch b, time t).
    const int64_t batch_stride = (batch_axis_ == 0 ? time : 1) * slice;
    const int64_t time_stride = (time_axis_ == 0 ? batch : 1) * slice;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), batch * time, double(slice) + 4.0, [&](int64_t begin, int64_t end) {
      for (int64_t u = begin; u < end; ++u) {
        const int64_t b = u / time, t = u % time;
        const int64_t from = t < lens[b] ? lens[b] - 1 - t : t;
        CopyElements(type, ElementAt(out->MutableDataRaw(), type, b * batch_stride + t * time_stride),
                     ElementAt(input.DataRaw(), type, b * batch_stride + from * time_stride), slice);
      }
    });
  }

 private:
  int64_t batch_axis_;
  int64_t time_axis_;
};

}  // namespace

ONNX_CPU_KERNEL(CumSum, 11, CumSum, KernelDefBuilder())
ONNX_CPU_KERNEL(ReverseSequence, 10, ReverseSequence, KernelDefBuilder())

}  // namespace ortlite
