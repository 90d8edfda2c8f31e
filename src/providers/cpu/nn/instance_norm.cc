// InstanceNormalization (opset 1, 6): y = scale[c] * (x - mean) / sqrt(var + epsilon) + B[c], the
// statistics taken over the spatial dims of each (n, c) plane.
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

class InstanceNormalization final : public OpKernel {
 public:
  explicit InstanceNormalization(const OpKernelInfo& info)
      : OpKernel(info), epsilon_(info.GetAttrOrDefault<float>("epsilon", 1e-5f)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const Tensor& scale = ctx.RequiredInput(1);
    const Tensor& bias = ctx.RequiredInput(2);
    const TensorShape& shape = X.Shape();
    ORTLITE_CHECK_ARG(shape.NumDimensions() >= 2, "InstanceNormalization input must have rank >= 2, got ",
                      shape.ToString());
    const int64_t batch = shape[0], channels = shape[1];
    ORTLITE_CHECK_ARG(scale.NumElements() == channels && bias.NumElements() == channels,
                      "InstanceNormalization scale and B must have ", channels, " values, got ",
                      scale.Shape().ToString(), " and ", bias.Shape().ToString());
    Tensor* Y = ctx.Output(0, shape);
    if (X.NumElements() == 0) return;
    const int64_t plane = shape.SizeFromDimension(2);
    const std::vector<double> s = ToComputeVector<double>(scale), b = ToComputeVector<double>(bias);
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = ComputeType<T>;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), batch * channels, 4.0 * plane, [&](int64_t begin, int64_t end) {
        for (int64_t p = begin; p < end; ++p) {
          const int64_t c = p % channels;
          const T* xp = x + p * plane;
          T* yp = y + p * plane;
          double sum = 0.0;
          for (int64_t i = 0; i < plane; ++i) sum += static_cast<double>(ToCompute(xp[i]));
          const double mean = sum / static_cast<double>(plane);
          double sq = 0.0;
          for (int64_t i = 0; i < plane; ++i) {
            const double d = static_cast<double>(ToCompute(xp[i])) - mean;
            sq += d * d;
          }
          const double var = sq / static_cast<double>(plane);
          const C mul = static_cast<C>(s[c] / std::sqrt(var + epsilon_));
          const C add = static_cast<C>(b[c] - mean * s[c] / std::sqrt(var + epsilon_));
          for (int64_t i = 0; i < plane; ++i) yp[i] = FromCompute<T>(static_cast<C>(ToCompute(xp[i])) * mul + add);
        }
      });
    }, "InstanceNormalization");
  }

 private:
  float epsilon_;
};

}  // namespace

ONNX_CPU_KERNEL(InstanceNormalization, 1, InstanceNormalization, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
