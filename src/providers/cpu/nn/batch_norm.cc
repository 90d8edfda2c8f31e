// BatchNormalization (opset 1, 6, 7, 9, 14, 15).
//
// Inference: Y = (X - mean) / sqrt(var + epsilon) * scale + B per channel (dimension 1). Opsets
// before 9 also have spatial=0, where the statistics hold one value per element of X[0].
// Training statistics are computed when the model asks for them: training_mode=1 (opset 14+),
// or, before 14, when the optional mean/var outputs are present (and is_test is 0 for opset 1/6).
// The batch mean/variance then normalise X, and running_mean/var = input * momentum +
// batch * (1 - momentum). Opset < 14 also outputs the batch mean and variance as saved_mean/var.
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

template <typename C>
void WriteVector(Tensor* t, const std::vector<C>& v) {
  VisitType<FloatTypes>(t->GetElementType(), [&](auto tag) {
    using U = typename decltype(tag)::type;
    U* out = t->MutableData<U>();
    for (size_t i = 0; i < v.size(); ++i) out[i] = FromCompute<U>(v[i]);
  });
}

class BatchNormalization final : public OpKernel {
 public:
  explicit BatchNormalization(const OpKernelInfo& info) : OpKernel(info), opset_(info.SinceVersion()) {
    epsilon_ = info.GetAttrOrDefault<float>("epsilon", 1e-5f);
    momentum_ = info.GetAttrOrDefault<float>("momentum", 0.9f);
    spatial_ = opset_ >= 9 || info.GetAttrOrDefault<int64_t>("spatial", 1) != 0;
    if (opset_ >= 14) {
      training_ = info.GetAttrOrDefault<int64_t>("training_mode", 0) != 0;
    } else {
      const bool is_test = opset_ < 7 && info.GetAttrOrDefault<int64_t>("is_test", 0) != 0;
      bool stats_requested = false;
      for (size_t i = 1; i < info.OutputCount(); ++i) {
        stats_requested = stats_requested || (info.OutputDef(i) && info.OutputDef(i)->Exists());
      }
      training_ = !is_test && stats_requested;
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const Tensor& scale = ctx.RequiredInput(1);
    const Tensor& bias = ctx.RequiredInput(2);
    const Tensor& mean = ctx.RequiredInput(3);
    const Tensor& var = ctx.RequiredInput(4);
    const TensorShape& shape = X.Shape();
    ORTLITE_CHECK_ARG(shape.NumDimensions() >= 1, "BatchNormalization input must have rank >= 1");
    const int64_t batch = shape[0];
    const int64_t channels = shape.NumDimensions() > 1 ? shape[1] : 1;
    // Statistics are per channel (spatial) or per element of one sample (spatial = 0).
    const int64_t stat_count = spatial_ ? channels : shape.SizeFromDimension(1);
    const int64_t inner = spatial_ ? shape.SizeFromDimension(2) : 1;
    for (const Tensor* t : {&scale, &bias, &mean, &var}) {
      ORTLITE_CHECK_ARG(t->NumElements() == stat_count, "BatchNormalization expects ", stat_count,
                        " values per parameter, got shape ", t->Shape().ToString());
    }
    Tensor* Y = ctx.Output(0, shape);

    using C = double;
    const std::vector<C> s = ToComputeVector<C>(scale), b = ToComputeVector<C>(bias);
    std::vector<C> m = ToComputeVector<C>(mean), v = ToComputeVector<C>(var);
    if (training_) {
      std::vector<C> batch_mean, batch_var;
      BatchStatistics(X, batch, stat_count, inner, batch_mean, batch_var);
      const TensorShape stat_shape({stat_count});
      // Opset 14+: outputs running_mean, running_var. Earlier: mean, var, saved_mean, saved_var.
      std::vector<C> running_mean(m.size()), running_var(v.size());
      for (size_t i = 0; i < m.size(); ++i) {
        running_mean[i] = m[i] * momentum_ + batch_mean[i] * (1.0 - momentum_);
        running_var[i] = v[i] * momentum_ + batch_var[i] * (1.0 - momentum_);
      }
      if (ctx.OutputCount() > 1) WriteVector(ctx.Output(1, mean.Shape(), mean.GetElementType()), running_mean);
      if (ctx.OutputCount() > 2) WriteVector(ctx.Output(2, var.Shape(), var.GetElementType()), running_var);
      if (opset_ < 14 && ctx.OutputCount() > 3) {
        WriteVector(ctx.Output(3, stat_shape, mean.GetElementType()), batch_mean);
      }
      if (opset_ < 14 && ctx.OutputCount() > 4) {
        WriteVector(ctx.Output(4, stat_shape, var.GetElementType()), batch_var);
      }
      m = std::move(batch_mean);
      v = std::move(batch_var);
    }
    // y = x * mul + add per statistic.
    std::vector<C> mul(static_cast<size_t>(stat_count)), add(static_cast<size_t>(stat_count));
    for (int64_t i = 0; i < stat_count; ++i) {
      mul[i] = s[i] / std::sqrt(v[i] + static_cast<C>(epsilon_));
      add[i] = b[i] - m[i] * mul[i];
    }
    if (X.NumElements() == 0) return;
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using F = ComputeType<T>;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      const int64_t blocks = batch * stat_count;
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), blocks, 2.0 * inner, [&](int64_t begin, int64_t end) {
        for (int64_t blk = begin; blk < end; ++blk) {
          const int64_t c = blk % stat_count;
          const F k = static_cast<F>(mul[c]), a = static_cast<F>(add[c]);
          const T* xs = x + blk * inner;
          T* ys = y + blk * inner;
          for (int64_t i = 0; i < inner; ++i) ys[i] = FromCompute<T>(static_cast<F>(ToCompute(xs[i])) * k + a);
        }
      });
    }, "BatchNormalization");
  }

 private:
  // Mean and (biased) variance of X per statistic over the batch and, if spatial, the spatial dims.
  static void BatchStatistics(const Tensor& X, int64_t batch, int64_t stat_count, int64_t inner,
                              std::vector<double>& mean, std::vector<double>& var) {
    mean.assign(static_cast<size_t>(stat_count), 0.0);
    var.assign(static_cast<size_t>(stat_count), 0.0);
    const double count = static_cast<double>(batch * inner);
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = X.Data<T>();
      for (int64_t c = 0; c < stat_count; ++c) {
        double sum = 0.0;
        for (int64_t n = 0; n < batch; ++n) {
          const T* xs = x + (n * stat_count + c) * inner;
          for (int64_t i = 0; i < inner; ++i) sum += static_cast<double>(ToCompute(xs[i]));
        }
        const double mu = count > 0 ? sum / count : 0.0;
        double sq = 0.0;
        for (int64_t n = 0; n < batch; ++n) {
          const T* xs = x + (n * stat_count + c) * inner;
          for (int64_t i = 0; i < inner; ++i) {
            const double d = static_cast<double>(ToCompute(xs[i])) - mu;
            sq += d * d;
          }
        }
        mean[c] = mu;
        var[c] = count > 0 ? sq / count : 0.0;
      }
    }, "BatchNormalization");
  }

  int opset_;
  float epsilon_, momentum_;
  bool spatial_ = true;
  bool training_ = false;
};

}  // namespace

ONNX_CPU_KERNEL(BatchNormalization, 1, BatchNormalization, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
