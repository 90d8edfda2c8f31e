// SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss (opset 12, 13).
//
// Both gather one value per sample from a [N, C, d1..dk] tensor at the class named by the labels
// [N, d1..dk]; SoftmaxCrossEntropyLoss first turns scores into log-probabilities along C. They
// share the weighting, ignore_index and reduction logic below.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

enum class Reduction { kNone, kSum, kMean };

Reduction ParseReduction(const std::string& s) {
  if (s == "none") return Reduction::kNone;
  if (s == "sum") return Reduction::kSum;
  if (s == "mean") return Reduction::kMean;
  ThrowError(ErrorCode::kInvalidArgument, "reduction must be 'none', 'sum' or 'mean', got '", s, "'");
}

using LabelTypes = TypeList<int32_t, int64_t>;
using LossTypes = TypeList<float, double, MLFloat16, BFloat16>;

// Float types compute in float, double in double.
template <typename T>
using ComputeType = std::conditional_t<std::is_same_v<T, double>, double, float>;

class ClassLossBase : public OpKernel {
 public:
  ClassLossBase(const OpKernelInfo& info, bool apply_log_softmax)
      : OpKernel(info), apply_log_softmax_(apply_log_softmax) {
    reduction_ = ParseReduction(info.GetAttrOrDefault<std::string>("reduction", "mean"));
    has_ignore_index_ = info.HasAttr("ignore_index");
    if (has_ignore_index_) ignore_index_ = info.GetAttr<int64_t>("ignore_index");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& scores = ctx.RequiredInput(0);
    const Tensor& labels = ctx.RequiredInput(1);
    const Tensor* weights = ctx.Input(2);
    const TensorShape& sshape = scores.Shape();
    const size_t rank = sshape.NumDimensions();
    ORTLITE_CHECK_ARG(rank >= 2, "input must have shape [N, C] or [N, C, d1, ..., dk], got ", sshape.ToString());
    const TensorShape& lshape = labels.Shape();
    bool label_shape_ok = lshape.NumDimensions() == rank - 1 && lshape[0] == sshape[0];
    for (size_t i = 2; label_shape_ok && i < rank; ++i) label_shape_ok = lshape[i - 1] == sshape[i];
    ORTLITE_CHECK_ARG(label_shape_ok, "labels shape ", lshape.ToString(), " does not match input shape ",
                      sshape.ToString(), " (expected [N, d1, ..., dk])");
    const int64_t classes = sshape[1];
    if (weights) {
      ORTLITE_CHECK_ARG(weights->Shape().NumDimensions() == 1 && weights->Shape()[0] == classes,
                        "weights must have shape [C] = [", classes, "], got ", weights->Shape().ToString());
      ORTLITE_CHECK_ARG(weights->GetElementType() == scores.GetElementType(),
                        "weights must have the element type of the input");
    }
    VisitType<LossTypes>(scores.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      VisitType<LabelTypes>(labels.GetElementType(), [&](auto ltag) {
        using L = typename decltype(ltag)::type;
        ComputeTyped<T, L>(ctx, scores, labels, weights);
      }, "the labels of this loss");
    }, "this loss operator");
  }

 private:
  template <typename T, typename L>
  void ComputeTyped(OpKernelContext& ctx, const Tensor& scores, const Tensor& labels, const Tensor* weights) const {
    using C = ComputeType<T>;
    const TensorShape& sshape = scores.Shape();
    const int64_t batch = sshape[0];
    const int64_t classes = sshape[1];
    const int64_t inner = sshape.SizeFromDimension(2);
    const int64_t samples = batch * inner;
    const T* x = scores.Data<T>();
    const L* label = labels.Data<L>();
    const T* w = weights ? weights->Data<T>() : nullptr;

    // Validate labels up front so the parallel loop below never indexes out of range.
    for (int64_t i = 0; i < samples; ++i) {
      const int64_t c = static_cast<int64_t>(label[i]);
      if (has_ignore_index_ && c == ignore_index_) continue;
      ORTLITE_CHECK_ARG(c >= 0 && c < classes, "label ", c, " at position ", i, " is outside [0, ", classes, ")");
    }

    const bool want_log_prob = apply_log_softmax_ && ctx.OutputCount() > 1 && ctx.OutputIsUsed(1);
    T* log_prob = nullptr;
    if (want_log_prob) log_prob = ctx.Output(1, sshape)->template MutableData<T>();

    // Per-sample weighted loss and the weight it counts with (0 for ignored samples).
    std::vector<C> sample_loss(static_cast<size_t>(samples));
    std::vector<C> sample_weight(static_cast<size_t>(samples));

    auto per_batch = [&](int64_t begin, int64_t end) {
      std::vector<C> max_v, log_sum;
      if (apply_log_softmax_) {
        max_v.resize(static_cast<size_t>(inner));
        log_sum.resize(static_cast<size_t>(inner));
      }
      for (int64_t n = begin; n < end; ++n) {
        const T* xn = x + n * classes * inner;
        if (apply_log_softmax_) {
          std::fill(max_v.begin(), max_v.end(), -std::numeric_limits<C>::infinity());
          for (int64_t c = 0; c < classes; ++c)
            for (int64_t d = 0; d < inner; ++d) max_v[d] = std::max(max_v[d], C(ToCompute(xn[c * inner + d])));
          std::fill(log_sum.begin(), log_sum.end(), C(0));
          for (int64_t c = 0; c < classes; ++c)
            for (int64_t d = 0; d < inner; ++d) log_sum[d] += std::exp(C(ToCompute(xn[c * inner + d])) - max_v[d]);
          // log_softmax = (x - max) - log(sum exp(x - max)); subtracting max first keeps precision.
          for (int64_t d = 0; d < inner; ++d) log_sum[d] = std::log(log_sum[d]);
          if (log_prob) {
            T* lp = log_prob + n * classes * inner;
            for (int64_t c = 0; c < classes; ++c)
              for (int64_t d = 0; d < inner; ++d)
                lp[c * inner + d] = FromCompute<T>((C(ToCompute(xn[c * inner + d])) - max_v[d]) - log_sum[d]);
          }
        }
        for (int64_t d = 0; d < inner; ++d) {
          const int64_t i = n * inner + d;
          const int64_t c = static_cast<int64_t>(label[i]);
          if (has_ignore_index_ && c == ignore_index_) {
            sample_loss[i] = C(0);
            sample_weight[i] = C(0);
            continue;
          }
          C value = C(ToCompute(xn[c * inner + d]));
          if (apply_log_softmax_) value = (value - max_v[d]) - log_sum[d];
          const C weight = w ? C(ToCompute(w[c])) : C(1);
          sample_loss[i] = -value * weight;
          sample_weight[i] = weight;
        }
      }
    };
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), batch, static_cast<double>(classes * inner) * 8.0, per_batch);

    if (reduction_ == Reduction::kNone) {
      T* out = ctx.Output(0, labels.Shape())->template MutableData<T>();
      for (int64_t i = 0; i < samples; ++i) out[i] = FromCompute<T>(sample_loss[i]);
      return;
    }
    double total = 0, total_weight = 0;
    for (int64_t i = 0; i < samples; ++i) {
      total += sample_loss[i];
      total_weight += sample_weight[i];
    }
    // Mean divides by the summed weights of the counted samples: the sample count when there are
    // neither weights nor ignored labels.
    const double result = reduction_ == Reduction::kSum ? total : total / total_weight;
    ctx.Output(0, TensorShape(std::vector<int64_t>{}))->template MutableData<T>()[0] = FromCompute<T>(result);
  }

  bool apply_log_softmax_;
  Reduction reduction_;
  bool has_ignore_index_ = false;
  int64_t ignore_index_ = 0;
};

class SoftmaxCrossEntropyLoss final : public ClassLossBase {
 public:
  explicit SoftmaxCrossEntropyLoss(const OpKernelInfo& info) : ClassLossBase(info, true) {}
};

class NegativeLogLikelihoodLoss final : public ClassLossBase {
 public:
  explicit NegativeLogLikelihoodLoss(const OpKernelInfo& info) : ClassLossBase(info, false) {}
};

}  // namespace

ONNX_CPU_KERNEL(SoftmaxCrossEntropyLoss, 12, SoftmaxCrossEntropyLoss, KernelDefBuilder())
ONNX_CPU_KERNEL(NegativeLogLikelihoodLoss, 12, NegativeLogLikelihoodLoss, KernelDefBuilder())

}  // namespace ortlite
