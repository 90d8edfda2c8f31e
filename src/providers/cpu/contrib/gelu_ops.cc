// com.microsoft BiasGelu and FastGelu.
//   BiasGelu(A, B) = Gelu(A + B), with Gelu(x) = 0.5 x (1 + erf(x / sqrt(2))) and B a 1-D bias
//   over A's last dimension.
//   FastGelu(X, bias?) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) of x = X (+ bias), the
//   tanh approximation of Gelu; the optional bias is 1-D over X's last dimension.
// Rows of the last dimension are processed in parallel; 16-bit floats compute in float.
#include <algorithm>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/contrib/contrib_math.h"

namespace ortlite {
namespace contrib {
namespace {

enum class GeluKind { kExact, kTanh };

// kKind selects the activation; BiasGelu requires the bias, FastGelu takes it optionally.
template <GeluKind kKind>
class GeluWithBias final : public OpKernel {
 public:
  explicit GeluWithBias(const OpKernelInfo& info) : OpKernel(info), bias_required_(kKind == GeluKind::kExact) {}

  void Compute(OpKernelContext& ctx) const override {
    const char* op = kKind == GeluKind::kExact ? "BiasGelu" : "FastGelu";
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor* bias = bias_required_ ? &ctx.RequiredInput(1) : ctx.Input(1);
    const TensorShape& shape = x.Shape();
    const int64_t cols = shape.NumDimensions() == 0 ? 1 : shape[shape.NumDimensions() - 1];
    if (bias) {
      ORTLITE_CHECK_ARG(bias->GetElementType() == x.GetElementType(), op, " bias has element type ",
                        DataTypeName(bias->GetElementType()), " but the input has ", DataTypeName(x.GetElementType()));
      ORTLITE_CHECK_ARG(bias->Shape().NumDimensions() == 1 && bias->Shape()[0] == cols && shape.NumDimensions() >= 1,
                        op, " bias must be 1-D with the input's last dimension (", cols, "), got ",
                        bias->Shape().ToString(), " for input ", shape.ToString());
    }
    Tensor* y = ctx.Output(0, shape, x.GetElementType());
    const int64_t total = x.NumElements();
    if (total == 0) return;
    const int64_t rows = total / cols;
    VisitType<FloatTypes>(x.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = CalcType<T>;
      const T* in = x.Data<T>();
      T* out = y->MutableData<T>();
      ComputeBuffer<T> b(bias ? bias->Data<T>() : nullptr, bias ? cols : 0);
      const C* bc = bias ? b.data() : nullptr;
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, 40.0 * cols, [&](int64_t begin, int64_t end) {
        // Row buffer for 16-bit types; tanh argument for FastGelu.
        std::vector<C> scratch(static_cast<size_t>(std::is_same_v<T, C> ? 0 : cols));
        std::vector<C> tanh_arg(static_cast<size_t>(kKind == GeluKind::kTanh ? cols : 0));
        for (int64_t r = begin; r < end; ++r) {
          const T* xr = in + r * cols;
          C* row;
          if constexpr (std::is_same_v<T, C>) {
            row = out + r * cols;
            if (bc) {
              Row<C>(row, cols) = ConstRow<C>(xr, cols) + ConstRow<C>(bc, cols);
            } else if (row != xr) {
              std::copy(xr, xr + cols, row);
            }
          } else {
            row = scratch.data();
            for (int64_t i = 0; i < cols; ++i) row[i] = static_cast<C>(ToCompute(xr[i])) + (bc ? bc[i] : C(0));
          }
          if constexpr (kKind == GeluKind::kExact) {
            GeluRow(row, cols);
          } else {
            FastGeluRow(row, cols, tanh_arg.data());
          }
          if constexpr (!std::is_same_v<T, C>) {
            T* yr = out + r * cols;
            for (int64_t i = 0; i < cols; ++i) yr[i] = FromCompute<T>(row[i]);
          }
        }
      });
    }, op);
  }

 private:
  bool bias_required_;
};

using BiasGelu = GeluWithBias<GeluKind::kExact>;
using FastGelu = GeluWithBias<GeluKind::kTanh>;

}  // namespace

CPU_KERNEL_EX(BiasGelu, kMSDomain, 1, INT_MAX, BiasGelu, KernelDefBuilder())
CPU_KERNEL_EX(FastGelu, kMSDomain, 1, INT_MAX, FastGelu, KernelDefBuilder())

}  // namespace contrib
}  // namespace ortlite
