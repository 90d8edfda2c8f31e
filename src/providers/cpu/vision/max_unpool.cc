// MaxUnpool (opsets 9, 11): scatters pooled values back to the positions MaxPool took them from;
// every other output element is zero.
//
// The indices are linear offsets into the unpooled tensor whose spatial dimensions follow from
// kernel_shape, strides and pads. When output_shape is given, that unpooled tensor is placed at
// the origin of an output of the requested shape (zero padding, or cropping where it is smaller):
// the semantics of the ONNX backend test data (test_maxunpool_export_with_output_shape).
#include <cstring>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

class MaxUnpoolKernel final : public OpKernel {
 public:
  explicit MaxUnpoolKernel(const OpKernelInfo& info) : OpKernel(info) {
    kernel_shape_ = info.GetAttr<std::vector<int64_t>>("kernel_shape");
    const size_t rank = kernel_shape_.size();
    ORTLITE_CHECK_ARG(rank > 0, "kernel_shape must not be empty");
    for (int64_t k : kernel_shape_) ORTLITE_CHECK_ARG(k > 0, "kernel_shape values must be positive");
    strides_ = info.GetAttrOrDefault<std::vector<int64_t>>("strides", std::vector<int64_t>(rank, 1));
    pads_ = info.GetAttrOrDefault<std::vector<int64_t>>("pads", std::vector<int64_t>(rank * 2, 0));
    ORTLITE_CHECK_ARG(strides_.size() == rank, "strides has ", strides_.size(), " values for ", rank,
                      " spatial dimensions");
    ORTLITE_CHECK_ARG(pads_.size() == rank * 2, "pads has ", pads_.size(), " values; expected ", rank * 2);
    for (int64_t s : strides_) ORTLITE_CHECK_ARG(s > 0, "strides must be positive");
    for (int64_t p : pads_) ORTLITE_CHECK_ARG(p >= 0, "pads must be non-negative");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& indices = ctx.RequiredInput(1);
    const auto& xd = x.Shape();
    const size_t rank = kernel_shape_.size();
    ORTLITE_CHECK_ARG(xd.NumDimensions() == rank + 2, "X has rank ", xd.NumDimensions(), " but kernel_shape has ",
                      rank, " spatial dimensions");
    ORTLITE_CHECK_ARG(indices.Shape() == xd, "I must have the shape of X: ", indices.Shape().ToString(), " vs ",
                      xd.ToString());
    ORTLITE_CHECK_ARG(x.GetElementType() != DataType::kString, "MaxUnpool does not take string tensors");

    std::vector<int64_t> unpooled(xd.GetDims());
    for (size_t i = 0; i < rank; ++i) {
      unpooled[i + 2] = (xd[i + 2] - 1) * strides_[i] - pads_[i] - pads_[i + rank] + kernel_shape_[i];
      ORTLITE_CHECK_ARG(xd[i + 2] == 0 || unpooled[i + 2] > 0, "kernel_shape, strides and pads give a non-positive ",
                        "output dimension ", unpooled[i + 2]);
      if (xd[i + 2] == 0) unpooled[i + 2] = 0;
    }
    std::vector<int64_t> out_dims = unpooled;
    if (const Tensor* shape = ctx.Input(2)) {
      // The full shape; a spatial-only shape is accepted too, keeping N and C of X.
      const int64_t n = shape->NumElements();
      ORTLITE_CHECK_ARG(shape->Shape().NumDimensions() == 1 && (n == int64_t(rank) + 2 || n == int64_t(rank)),
                        "output_shape must be 1-D with ", rank + 2, " values, got ", shape->Shape().ToString());
      const int64_t* s = shape->Data<int64_t>();
      const size_t skip = n == int64_t(rank) + 2 ? 0 : 2;
      for (size_t i = skip; i < rank + 2; ++i) out_dims[i] = s[i - skip];
      ORTLITE_CHECK_ARG(out_dims[0] == xd[0] && out_dims[1] == xd[1],
                        "output_shape must keep the batch and channel dimensions of X");
      for (int64_t d : out_dims) ORTLITE_CHECK_ARG(d >= 0, "output_shape values must be non-negative");
    }

    Tensor* y = ctx.Output(0, TensorShape(out_dims));
    const size_t elem = DataTypeSize(x.GetElementType());
    const int64_t total = y->NumElements();
    auto* out = static_cast<char*>(y->MutableDataRaw());
    // All-zero bytes are zero for every numeric type and for bool.
    if (total > 0) std::memset(out, 0, static_cast<size_t>(total) * elem);

    const int64_t unpooled_total = TensorShape(unpooled).Size();
    const int64_t n = x.NumElements();
    const int64_t* idx = indices.Data<int64_t>();
    const auto* in = static_cast<const char*>(x.DataRaw());
    for (int64_t i = 0; i < n; ++i) {
      ORTLITE_CHECK_ARG(idx[i] >= 0 && idx[i] < unpooled_total, "index ", idx[i], " at position ", i,
                        " is outside the unpooled tensor of ", unpooled_total, " elements");
      // Coordinates in the unpooled tensor, then the same coordinates in the output.
      int64_t rem = idx[i], offset = 0, stride = 1;
      bool inside = true;
      std::vector<int64_t> coord(rank + 2);
      for (size_t d = rank + 2; d-- > 0;) {
        coord[d] = rem % unpooled[d];
        rem /= unpooled[d];
      }
      for (size_t d = rank + 2; d-- > 0;) {
        if (coord[d] >= out_dims[d]) inside = false;
        offset += coord[d] * stride;
        stride *= out_dims[d];
      }
      if (inside) std::memcpy(out + offset * elem, in + i * elem, elem);
    }
  }

 private:
  std::vector<int64_t> kernel_shape_, strides_, pads_;
};

}  // namespace

// Opset 11 only added the output_shape description; the semantics are the same.
ONNX_CPU_KERNEL(MaxUnpool, 9, MaxUnpoolKernel, KernelDefBuilder())

}  // namespace ortlite
