// Trilu: keeps the upper (j - i >= k) or lower (j - i <= k) triangle of each matrix in the last
// two dimensions and zeroes the rest. A zero is all-zero bytes for every numeric and bool type,
// and the empty string for strings.
#include <algorithm>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/tensor/element_ops.h"

namespace ortlite {

namespace {

class Trilu final : public OpKernel {
 public:
  explicit Trilu(const OpKernelInfo& info) : OpKernel(info), upper_(info.GetAttrOrDefault<int64_t>("upper", 1) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape().GetDims();
    ORTLITE_CHECK_ARG(dims.size() >= 2, "Trilu input must have rank >= 2, got ", input.Shape().ToString());
    int64_t k = 0;
    if (const Tensor* kt = ctx.Input(1)) {
      ORTLITE_CHECK_ARG(kt->NumElements() == 1, "Trilu k must be a scalar");
      k = ReadInt64Values(*kt, "k")[0];
    }
    const DataType type = input.GetElementType();
    Tensor* out = ctx.Output(0, input.Shape(), type);
    if (out->NumElements() == 0) return;
    const int64_t rows = dims[dims.size() - 2], cols = dims[dims.size() - 1];
    const int64_t matrices = out->NumElements() / (rows * cols);
    VisitByElementSize(type, [&](auto tag) {
      using S = typename decltype(tag)::type;
      const S* src = static_cast<const S*>(input.DataRaw());
      S* dst = static_cast<S*>(out->MutableDataRaw());
      auto mask_rows = [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          const int64_t i = r % rows;
          // Columns [keep_begin, keep_end) of row i survive; clamping k first avoids overflow.
          const int64_t diag = std::clamp<int64_t>(k, -rows - 1, cols + 1) + i;
          const int64_t keep_begin = upper_ ? std::clamp<int64_t>(diag, 0, cols) : 0;
          const int64_t keep_end = upper_ ? cols : std::clamp<int64_t>(diag + 1, 0, cols);
          const S* s = src + r * cols;
          S* d = dst + r * cols;
          std::fill(d, d + keep_begin, S{});
          std::copy(s + keep_begin, s + std::max(keep_begin, keep_end), d + keep_begin);
          std::fill(d + std::max(keep_begin, keep_end), d + cols, S{});
        }
      };
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), matrices * rows, double(cols) + 4.0, mask_rows);
    });
  }

 private:
  bool upper_;
};

}  // namespace

ONNX_CPU_KERNEL(Trilu, 14, Trilu, KernelDefBuilder())

}  // namespace ortlite
