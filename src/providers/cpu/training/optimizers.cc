// One update step of the ai.onnx.preview.training optimisers: Adagrad, Adam and Momentum
// (standard and Nesterov). Each node updates any number of tensors at once: its inputs are
// R, T, then groups X_1..X_n, G_1..G_n, and the optimiser's state tensors, each group n long;
// its outputs are the updated X group followed by the updated state groups.
#include <cmath>
#include <string>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

using OptimizerTypes = TypeList<float, double>;

double ReadScalar(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must be a scalar, got shape ", t.Shape().ToString());
  double v = 0;
  VisitType<OptimizerTypes>(t.GetElementType(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    v = static_cast<double>(t.Data<T>()[0]);
  }, what);
  return v;
}

int64_t ReadStep(const Tensor& t) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, "T (update count) must be a scalar, got shape ", t.Shape().ToString());
  ORTLITE_CHECK_ARG(t.GetElementType() == DataType::kInt64, "T (update count) must be int64");
  return t.Data<int64_t>()[0];
}

// Values fixed for the whole step (learning rate after decay or bias correction, etc).
struct StepCoefficients {
  double rate = 0;
  double beta = 0;
};

// Runs an optimiser Rule over every tensor of the node. A Rule has kStateCount, kName,
// a constructor from OpKernelInfo, ForStep(rate, step) -> StepCoefficients and
// Update(k, x, g, state, new_x), which updates `state` in place.
template <typename Rule>
class OptimizerKernel final : public OpKernel {
 public:
  explicit OptimizerKernel(const OpKernelInfo& info) : OpKernel(info), rule_(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const int groups = 2 + state_count_;
    const int inputs = ctx.InputCount() - 2;
    ORTLITE_CHECK_ARG(inputs > 0 && inputs % groups == 0, name_, " expects 2 + ", groups,
                      "*n inputs (R, T, X..., G..., states...), got ", ctx.InputCount());
    const int n = inputs / groups;
    ORTLITE_CHECK_ARG(ctx.OutputCount() == (1 + state_count_) * n, name_, " with ", n, " tensors expects ",
                      (1 + state_count_) * n, " outputs, got ", ctx.OutputCount());
    const double rate = ReadScalar(ctx.RequiredInput(0), "R (learning rate)");
    const int64_t step = ReadStep(ctx.RequiredInput(1));
    const StepCoefficients k = rule_.ForStep(rate, step);

    for (int t = 0; t < n; ++t) {
      const Tensor& x = ctx.RequiredInput(2 + t);
      const Tensor& g = ctx.RequiredInput(2 + n + t);
      std::vector<const Tensor*> states(state_count_);
      for (int s = 0; s < state_count_; ++s) states[s] = &ctx.RequiredInput(2 + (2 + s) * n + t);
      ORTLITE_CHECK_ARG(g.Shape() == x.Shape(), "gradient ", t, " shape ", g.Shape().ToString(),
                        " differs from X shape ", x.Shape().ToString());
      for (int s = 0; s < state_count_; ++s) {
        ORTLITE_CHECK_ARG(states[s]->Shape() == x.Shape(), "state tensor ", s, " of X ", t, " has shape ",
                          states[s]->Shape().ToString(), ", expected ", x.Shape().ToString());
        ORTLITE_CHECK_ARG(states[s]->GetElementType() == x.GetElementType(), "state tensors must match X's type");
      }
      ORTLITE_CHECK_ARG(g.GetElementType() == x.GetElementType(), "G must have X's element type");
      VisitType<OptimizerTypes>(x.GetElementType(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* xp = x.Data<T>();
        const T* gp = g.Data<T>();
        const T* sp[2] = {nullptr, nullptr};
        T* out_state[2] = {nullptr, nullptr};
        for (int s = 0; s < state_count_; ++s) {
          sp[s] = states[s]->Data<T>();
          out_state[s] = ctx.Output((1 + s) * n + t, x.Shape(), x.GetElementType())->template MutableData<T>();
        }
        T* out_x = ctx.Output(t, x.Shape(), x.GetElementType())->template MutableData<T>();
        ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.NumElements(), 20.0, [&](int64_t begin, int64_t end) {
          for (int64_t i = begin; i < end; ++i) {
            double state[2] = {0, 0};
            for (int s = 0; s < state_count_; ++s) state[s] = static_cast<double>(sp[s][i]);
            double new_x = 0;
            rule_.Update(k, static_cast<double>(xp[i]), static_cast<double>(gp[i]), state, &new_x);
            out_x[i] = static_cast<T>(new_x);
            for (int s = 0; s < state_count_; ++s) out_state[s][i] = static_cast<T>(state[s]);
          }
        });
      }, name_);
    }
  }

 private:
  static constexpr int state_count_ = Rule::kStateCount;
  static constexpr const char* name_ = Rule::kName;
  Rule rule_;
};

class AdagradRule {
 public:
  static constexpr int kStateCount = 1;
  static constexpr const char* kName = "Adagrad";

  explicit AdagradRule(const OpKernelInfo& info) {
    decay_factor_ = info.GetAttrOrDefault<float>("decay_factor", 0.0f);
    epsilon_ = info.GetAttrOrDefault<float>("epsilon", 1e-6f);
    norm_coefficient_ = info.GetAttrOrDefault<float>("norm_coefficient", 0.0f);
  }

  StepCoefficients ForStep(double rate, int64_t step) const {
    StepCoefficients k;
    k.rate = rate / (1.0 + static_cast<double>(step) * decay_factor_);
    return k;
  }
  void Update(const StepCoefficients& k, double x, double g, double* state, double* new_x) const {
    const double g_reg = norm_coefficient_ * x + g;
    state[0] += g_reg * g_reg;
    *new_x = x - k.rate * g_reg / (std::sqrt(state[0]) + epsilon_);
  }

 private:
  double decay_factor_, epsilon_, norm_coefficient_;
};

class AdamRule {
 public:
  static constexpr int kStateCount = 2;
  static constexpr const char* kName = "Adam";

  explicit AdamRule(const OpKernelInfo& info) {
    alpha_ = info.GetAttrOrDefault<float>("alpha", 0.9f);
    beta_ = info.GetAttrOrDefault<float>("beta", 0.999f);
    epsilon_ = info.GetAttrOrDefault<float>("epsilon", 1e-6f);
    norm_coefficient_ = info.GetAttrOrDefault<float>("norm_coefficient", 0.0f);
    norm_coefficient_post_ = info.GetAttrOrDefault<float>("norm_coefficient_post", 0.0f);
  }

  StepCoefficients ForStep(double rate, int64_t step) const {
    StepCoefficients k;
    const double t = static_cast<double>(step);
    // Bias correction of both running averages, folded into the rate.
    k.rate = step > 0 ? rate * std::sqrt(1.0 - std::pow(beta_, t)) / (1.0 - std::pow(alpha_, t)) : rate;
    return k;
  }
  // state[0] = V (running gradient), state[1] = H (running squared gradient).
  void Update(const StepCoefficients& k, double x, double g, double* state, double* new_x) const {
    const double g_reg = norm_coefficient_ * x + g;
    state[0] = alpha_ * state[0] + (1.0 - alpha_) * g_reg;
    state[1] = beta_ * state[1] + (1.0 - beta_) * g_reg * g_reg;
    const double moved = x - k.rate * state[0] / (std::sqrt(state[1]) + epsilon_);
    *new_x = (1.0 - norm_coefficient_post_) * moved;
  }

 private:
  double alpha_, beta_, epsilon_, norm_coefficient_, norm_coefficient_post_;
};

class MomentumRule {
 public:
  static constexpr int kStateCount = 1;
  static constexpr const char* kName = "Momentum";

  explicit MomentumRule(const OpKernelInfo& info) {
    alpha_ = info.GetAttr<float>("alpha");
    beta_ = info.GetAttr<float>("beta");
    norm_coefficient_ = info.GetAttr<float>("norm_coefficient");
    const std::string mode = info.GetAttr<std::string>("mode");
    ORTLITE_CHECK_ARG(mode == "standard" || mode == "nesterov", "Momentum mode must be 'standard' or 'nesterov', got '",
                      mode, "'");
    nesterov_ = mode == "nesterov";
  }

  StepCoefficients ForStep(double rate, int64_t step) const {
    StepCoefficients k;
    k.rate = rate;
    // The first step takes the whole gradient.
    k.beta = step > 0 ? beta_ : 1.0;
    return k;
  }
  void Update(const StepCoefficients& k, double x, double g, double* state, double* new_x) const {
    const double g_reg = norm_coefficient_ * x + g;
    state[0] = alpha_ * state[0] + k.beta * g_reg;
    *new_x = nesterov_ ? x - k.rate * (g_reg + alpha_ * state[0]) : x - k.rate * state[0];
  }

 private:
  double alpha_, beta_, norm_coefficient_;
  bool nesterov_ = false;
};

using AdagradKernel = OptimizerKernel<AdagradRule>;
using AdamKernel = OptimizerKernel<AdamRule>;
using MomentumKernel = OptimizerKernel<MomentumRule>;

}  // namespace

CPU_KERNEL_EX(Adagrad, kPreviewTrainingDomain, 1, INT_MAX, AdagradKernel, KernelDefBuilder())
CPU_KERNEL_EX(Adam, kPreviewTrainingDomain, 1, INT_MAX, AdamKernel, KernelDefBuilder())
CPU_KERNEL_EX(Momentum, kPreviewTrainingDomain, 1, INT_MAX, MomentumKernel, KernelDefBuilder())

}  // namespace ortlite
