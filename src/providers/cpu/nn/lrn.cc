// LRN (opset 1, 13): local response normalisation across channels,
//   y = x / (bias + alpha / size * sum of x^2 over the channel window) ^ beta.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

class LRN final : public OpKernel {
 public:
  explicit LRN(const OpKernelInfo& info)
      : OpKernel(info),
        alpha_(info.GetAttrOrDefault<float>("alpha", 1e-4f)),
        beta_(info.GetAttrOrDefault<float>("beta", 0.75f)),
        bias_(info.GetAttrOrDefault<float>("bias", 1.f)),
        size_(info.GetAttr<int64_t>("size")) {
    ORTLITE_CHECK_ARG(size_ > 0, "LRN size must be positive, got ", size_);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const TensorShape& shape = X.Shape();
    ORTLITE_CHECK_ARG(shape.NumDimensions() >= 2, "LRN input must have rank >= 2, got ", shape.ToString());
    Tensor* Y = ctx.Output(0, shape);
    if (X.NumElements() == 0) return;
    const int64_t channels = shape[1];
    const int64_t plane = shape.SizeFromDimension(2);
    const int64_t before = (size_ - 1) / 2, after = size_ - 1 - before;
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = ComputeType<T>;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      const C scale = static_cast<C>(alpha_) / static_cast<C>(size_);
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), shape[0] * channels, 3.0 * plane * size_,
                                 [&](int64_t begin, int64_t end) {
        std::vector<C> sum(static_cast<size_t>(plane));
        for (int64_t p = begin; p < end; ++p) {
          const int64_t n = p / channels, c = p % channels;
          std::fill(sum.begin(), sum.end(), C(0));
          const int64_t lo = std::max<int64_t>(0, c - before), hi = std::min(channels - 1, c + after);
          for (int64_t k = lo; k <= hi; ++k) {
            const T* xk = x + (n * channels + k) * plane;
            for (int64_t i = 0; i < plane; ++i) {
              const C v = static_cast<C>(ToCompute(xk[i]));
              sum[i] += v * v;
            }
          }
          const T* xp = x + p * plane;
          T* yp = y + p * plane;
          for (int64_t i = 0; i < plane; ++i) {
            yp[i] = FromCompute<T>(static_cast<C>(ToCompute(xp[i])) /
                                   std::pow(static_cast<C>(bias_) + scale * sum[i], static_cast<C>(beta_)));
          }
        }
      });
    }, "LRN");
  }

 private:
  float alpha_, beta_, bias_;
  int64_t size_;
};

}  // namespace

ONNX_CPU_KERNEL(LRN, 1, LRN, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
