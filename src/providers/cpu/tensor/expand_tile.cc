// Expand and Tile: both repeat the input without computing anything, so each is a strided copy
// whose repeated dimensions have source stride 0.
#include <cmath>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"
#include "providers/cpu/tensor/element_ops.h"
#include "providers/cpu/tensor/strided_copy.h"

namespace ortlite {

namespace {

class Expand final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const std::vector<int64_t> shape = ReadInt64Values(ctx.RequiredInput(1), "Expand shape");
    for (int64_t d : shape) ORTLITE_CHECK_ARG(d >= 0, "Expand shape has a negative dimension ", d);
    const TensorShape out_shape = BroadcastShapes({input.Shape(), TensorShape(shape)});
    CheckOutputDims(out_shape.GetDims(), "Expand output");
    Tensor* out = ctx.Output(0, out_shape, input.GetElementType());
    if (out->NumElements() == 0) return;
    const BroadcastIndexer indexer({input.Shape()}, out_shape);
    StridedCopyToDense(input.GetElementType(), out->MutableDataRaw(), input.DataRaw(), indexer.Strides(0),
                       out_shape.GetDims(), ctx.GetThreadPool());
  }
};

// A scalar of any numeric type as int64 (Tile-1 types its `tiles` and `axis` inputs like the data).
int64_t ReadIntegralScalar(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must hold one value, got shape ", t.Shape().ToString());
  int64_t v = 0;
  VisitType<AllNumericTypes>(
      t.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const double x = static_cast<double>(ToCompute(t.Data<T>()[0]));
        ORTLITE_CHECK_ARG(std::isfinite(x) && x == std::floor(x), what, " must be an integer");
        v = static_cast<int64_t>(x);
      },
      what);
  return v;
}

// Tile-1 repeats along one axis (inputs `tiles`, `axis`); Tile-6+ takes one repeat per axis.
class Tile final : public OpKernel {
 public:
  explicit Tile(const OpKernelInfo& info) : OpKernel(info), single_axis_(info.SinceVersion() < 6) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    const size_t rank = dims.size();
    std::vector<int64_t> repeats;
    if (single_axis_) {
      const int64_t tiles = ReadIntegralScalar(ctx.RequiredInput(1), "tiles");
      const int64_t axis =
          HandleNegativeAxis(ReadIntegralScalar(ctx.RequiredInput(2), "axis"), static_cast<int64_t>(rank), "Tile axis");
      repeats.assign(rank, 1);
      ORTLITE_CHECK_ARG(rank > 0, "Tile input must have rank >= 1");
      repeats[axis] = tiles;
    } else {
      repeats = ReadInt64Values(ctx.RequiredInput(1), "repeats");
    }
    ORTLITE_CHECK_ARG(repeats.size() == rank, "repeats has ", repeats.size(), " entries for an input of rank ", rank);
    // Output index along axis k is (copy, position) = (r_k, d_k): view the output as
    // [r0, d0, r1, d1, ...] where the copy dimensions do not move in the source.
    const std::vector<int64_t> in_strides = ContiguousStrides(dims);
    std::vector<int64_t> out_dims(rank), split_dims, src_strides;
    for (size_t k = 0; k < rank; ++k) {
      ORTLITE_CHECK_ARG(repeats[k] >= 0, "repeats must be non-negative, got ", repeats[k]);
      ORTLITE_CHECK_ARG(!__builtin_mul_overflow(dims[k], repeats[k], &out_dims[k]), "repeats ", repeats[k],
                        " overflow axis ", k);
      split_dims.insert(split_dims.end(), {repeats[k], dims[k]});
      src_strides.insert(src_strides.end(), {0, in_strides[k]});
    }
    CheckOutputDims(out_dims, "Tile output");
    Tensor* out = ctx.Output(0, TensorShape(out_dims), input.GetElementType());
    if (out->NumElements() == 0) return;
    StridedCopyToDense(input.GetElementType(), out->MutableDataRaw(), input.DataRaw(), src_strides, split_dims,
                       ctx.GetThreadPool());
  }

 private:
  bool single_axis_;
};

}  // namespace

ONNX_CPU_KERNEL(Expand, 8, Expand, KernelDefBuilder())
ONNX_CPU_KERNEL(Tile, 1, Tile, KernelDefBuilder())

}  // namespace ortlite
