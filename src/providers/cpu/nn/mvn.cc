// MeanVarianceNormalization (opset 9, 13): Y = (X - E[X]) / (sqrt(E[X^2] - E[X]^2) + 1e-9), the
// expectations taken over `axes` (default {0, 2, 3}), as in the operator's function body.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

constexpr double kEpsilon = 1e-9;

class MeanVarianceNormalization final : public OpKernel {
 public:
  explicit MeanVarianceNormalization(const OpKernelInfo& info)
      : OpKernel(info), axes_(info.GetAttrOrDefault<std::vector<int64_t>>("axes", {0, 2, 3})) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const TensorShape& shape = X.Shape();
    const int64_t rank = static_cast<int64_t>(shape.NumDimensions());
    // The statistics' shape: X's with the reduced axes kept as 1.
    std::vector<int64_t> stat_dims = shape.GetDims();
    for (int64_t a : axes_) stat_dims[static_cast<size_t>(HandleNegativeAxis(a, rank, "axes"))] = 1;
    const TensorShape stat_shape(stat_dims);
    Tensor* Y = ctx.Output(0, shape);
    if (X.NumElements() == 0) return;
    const int64_t groups = stat_shape.Size();
    const double count = static_cast<double>(X.NumElements()) / static_cast<double>(groups);

    // Element i of X belongs to statistic group[i].
    std::vector<int64_t> group(static_cast<size_t>(X.NumElements()));
    BroadcastIndexer indexer({stat_shape}, shape);
    ForEachBroadcast(indexer, [&](int64_t o, const int64_t* in) { group[o] = in[0]; });

    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      std::vector<double> sum(static_cast<size_t>(groups), 0.0), sum_sq(static_cast<size_t>(groups), 0.0);
      for (size_t i = 0; i < group.size(); ++i) {
        const double v = static_cast<double>(ToCompute(x[i]));
        sum[group[i]] += v;
        sum_sq[group[i]] += v * v;
      }
      std::vector<double> mean(sum.size()), denom(sum.size());
      for (size_t g = 0; g < sum.size(); ++g) {
        mean[g] = sum[g] / count;
        const double var = std::max(0.0, sum_sq[g] / count - mean[g] * mean[g]);
        denom[g] = std::sqrt(var) + kEpsilon;
      }
      for (size_t i = 0; i < group.size(); ++i) {
        const int64_t g = group[i];
        y[i] = FromCompute<T>((static_cast<double>(ToCompute(x[i])) - mean[g]) / denom[g]);
      }
    }, "MeanVarianceNormalization");
  }

 private:
  std::vector<int64_t> axes_;
};

}  // namespace

ONNX_CPU_KERNEL(MeanVarianceNormalization, 9, MeanVarianceNormalization, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
