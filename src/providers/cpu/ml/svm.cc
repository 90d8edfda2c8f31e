// SVMClassifier and SVMRegressor (ai.onnx.ml 1), following libsvm's conventions.
//
// Classifier with support vectors (vectors_per_class set): one-vs-one. For classes i < j the
// decision value is rho[k] + sum over class i's vectors of coefficients[j-1][v] K(x, v) + sum over
// class j's vectors of coefficients[i][v] K(x, v); a positive value is a vote for i. The label is
// the class with most votes (the lower index on ties). Z holds the pairwise decision values, or,
// with prob_a/prob_b, class probabilities from libsvm's sigmoid fits and pairwise coupling. With
// two classes the single decision value s becomes the columns (-s, s) before the transform.
// Without support vectors (liblinear form) each class scores rho[0] + coefficients[c] . x.
//
// Regressor: rho[0] + sum_v coefficients[v] K(x, v) (or coefficients . x without support
// vectors); one_class turns it into +1 / -1 by its sign.
#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {
namespace {

enum class KernelType { kLinear, kPoly, kRbf, kSigmoid };

struct SvmKernel {
  KernelType type = KernelType::kLinear;
  double gamma = 0, coef0 = 0;
  double degree = 0;

  explicit SvmKernel(const OpKernelInfo& info) {
    const std::string name = info.GetAttrOrDefault<std::string>("kernel_type", "LINEAR");
    if (name == "LINEAR") type = KernelType::kLinear;
    else if (name == "POLY") type = KernelType::kPoly;
    else if (name == "RBF") type = KernelType::kRbf;
    else if (name == "SIGMOID") type = KernelType::kSigmoid;
    else ThrowError(ErrorCode::kInvalidArgument, "unknown kernel_type '", name, "' (expected LINEAR, POLY, RBF or SIGMOID)");
    const auto params = info.GetAttrOrDefault<std::vector<float>>("kernel_params", {});
    ORTLITE_CHECK_ARG(params.empty() || params.size() == 3, "kernel_params must hold gamma, coef0 and degree, got ",
                      params.size(), " values");
    if (params.size() == 3) {
      gamma = params[0];
      coef0 = params[1];
      // libsvm's degree is an integer; truncating keeps pow() defined for negative bases.
      degree = static_cast<double>(static_cast<int64_t>(params[2]));
    }
  }

  double operator()(const double* a, const double* b, int64_t n) const {
    if (type == KernelType::kRbf) {
      double d2 = 0;
      for (int64_t i = 0; i < n; ++i) d2 += (a[i] - b[i]) * (a[i] - b[i]);
      return std::exp(-gamma * d2);
    }
    double dot = 0;
    for (int64_t i = 0; i < n; ++i) dot += a[i] * b[i];
    switch (type) {
      case KernelType::kPoly: return std::pow(gamma * dot + coef0, degree);
      case KernelType::kSigmoid: return std::tanh(gamma * dot + coef0);
      default: return dot;
    }
  }
};

std::vector<double> Doubles(const OpKernelInfo& info, const std::string& name) {
  const auto f = info.GetAttrOrDefault<std::vector<float>>(name, {});
  return std::vector<double>(f.begin(), f.end());
}

double Dot(const double* a, const double* b, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i) s += a[i] * b[i];
  return s;
}

// libsvm's pairwise coupling (Wu, Lin and Weng 2004, method 2): class probabilities p from the
// pairwise estimates r[i][j] ~ P(i | i or j), by fixed-point iteration on min p'Qp.
void CoupleProbabilities(const std::vector<double>& r, int64_t k, double* p) {
  std::vector<double> q(k * k), qp(k);
  for (int64_t t = 0; t < k; ++t) {
    p[t] = 1.0 / static_cast<double>(k);
    q[t * k + t] = 0;
    for (int64_t j = 0; j < k; ++j) {
      if (j == t) continue;
      q[t * k + t] += r[j * k + t] * r[j * k + t];
      q[t * k + j] = -r[j * k + t] * r[t * k + j];
    }
  }
  const int64_t max_iter = std::max<int64_t>(100, k);
  const double eps = 0.005 / static_cast<double>(k);
  for (int64_t iter = 0; iter < max_iter; ++iter) {
    double pqp = 0;
    for (int64_t t = 0; t < k; ++t) {
      qp[t] = 0;
      for (int64_t j = 0; j < k; ++j) qp[t] += q[t * k + j] * p[j];
      pqp += p[t] * qp[t];
    }
    double max_error = 0;
    for (int64_t t = 0; t < k; ++t) max_error = std::max(max_error, std::abs(qp[t] - pqp));
    if (max_error < eps) break;
    for (int64_t t = 0; t < k; ++t) {
      const double diff = (-qp[t] + pqp) / q[t * k + t];
      p[t] += diff;
      pqp = (pqp + diff * (diff * q[t * k + t] + 2 * qp[t])) / (1 + diff) / (1 + diff);
      for (int64_t j = 0; j < k; ++j) {
        qp[j] = (qp[j] + diff * q[t * k + j]) / (1 + diff);
        p[j] /= (1 + diff);
      }
    }
  }
}

class SVMClassifier final : public OpKernel {
 public:
  explicit SVMClassifier(const OpKernelInfo& info)
      : OpKernel(info),
        labels_(info, "classlabels_ints", "classlabels_strings"),
        kernel_(info),
        post_(PostTransformAttr(info)),
        coefficients_(Doubles(info, "coefficients")),
        support_vectors_(Doubles(info, "support_vectors")),
        rho_(Doubles(info, "rho")),
        prob_a_(Doubles(info, "prob_a")),
        prob_b_(Doubles(info, "prob_b")) {
    classes_ = labels_.size();
    const auto per_class = info.GetAttrOrDefault<std::vector<int64_t>>("vectors_per_class", {});
    for (int64_t count : per_class) {
      ORTLITE_CHECK_ARG(count >= 0, "vectors_per_class holds a negative count ", count);
      class_start_.push_back(vectors_);
      vectors_ += count;
    }
    const auto n_coef = static_cast<int64_t>(coefficients_.size());
    if (vectors_ > 0) {
      ORTLITE_CHECK_ARG(static_cast<int64_t>(per_class.size()) == classes_, "vectors_per_class has ", per_class.size(),
                        " entries for ", classes_, " classes");
      ORTLITE_CHECK_ARG(classes_ >= 2, "an SVM with support vectors needs at least two classes");
      class_count_ = per_class;
      const auto n_sv = static_cast<int64_t>(support_vectors_.size());
      ORTLITE_CHECK_ARG(n_sv % vectors_ == 0, support_vectors_.size(), " support vector values do not split into ",
                        vectors_, " vectors");
      features_ = n_sv / vectors_;
      ORTLITE_CHECK_ARG(n_coef == (classes_ - 1) * vectors_, "coefficients has ", n_coef, " entries; ", classes_ - 1,
                        " rows of ", vectors_, " support vectors expected");
      pairs_ = classes_ * (classes_ - 1) / 2;
      ORTLITE_CHECK_ARG(static_cast<int64_t>(rho_.size()) == pairs_, "rho has ", rho_.size(), " entries for ", pairs_,
                        " class pairs");
      ORTLITE_CHECK_ARG(prob_a_.size() == prob_b_.size(), "prob_a and prob_b differ in length");
      ORTLITE_CHECK_ARG(prob_a_.empty() || static_cast<int64_t>(prob_a_.size()) == pairs_, "prob_a has ",
                        prob_a_.size(), " entries for ", pairs_, " class pairs");
    } else {
      ORTLITE_CHECK_ARG(n_coef > 0 && n_coef % classes_ == 0, "coefficients has ", n_coef,
                        " entries, which do not split into one row per class (", classes_, " classes)");
      features_ = n_coef / classes_;
      ORTLITE_CHECK_ARG(!rho_.empty(), "rho must not be empty");
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const FeatureMatrix x = ReadFeatures(ctx.RequiredInput(0), "SVMClassifier");
    ORTLITE_CHECK_ARG(x.rows == 0 || x.cols == features_, "SVMClassifier: X has ", x.cols,
                      " features per row but the model has ", features_);
    const bool svc = vectors_ > 0;
    const bool probabilities = svc && !prob_a_.empty();
    // Columns of Z: probabilities or class scores per class, else one per class pair (two for
    // a single pair).
    const int64_t columns = !svc || probabilities ? classes_ : std::max<int64_t>(pairs_, 2);
    Tensor* y = ctx.Output(0, {x.rows}, labels_.Type());
    Tensor* z = ctx.Output(1, {x.rows, columns}, DataType::kFloat);
    float* pz = z->MutableData<float>();
    const double cost = static_cast<double>((svc ? vectors_ : classes_) * features_) * 3 + 100;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.rows, cost, [&](int64_t begin, int64_t end) {
      std::vector<double> kernels(vectors_), scores(std::max(columns, pairs_)), votes(classes_), r;
      for (int64_t row = begin; row < end; ++row) {
        const double* xr = x.Row(row);
        int64_t best;
        if (svc) {
          for (int64_t v = 0; v < vectors_; ++v) kernels[v] = kernel_(xr, support_vectors_.data() + v * features_, features_);
          std::fill(votes.begin(), votes.end(), 0.0);
          OneVsOne(kernels.data(), scores.data(), votes.data());
          best = ArgMax(votes.data(), classes_);
          if (probabilities) {
            Probabilities(scores.data(), r);
            CoupleProbabilities(r, classes_, scores.data());
          } else if (pairs_ == 1) {
            scores[1] = scores[0];
            scores[0] = -scores[1];
          }
        } else {
          for (int64_t c = 0; c < classes_; ++c) scores[c] = rho_[0] + Dot(xr, coefficients_.data() + c * features_, features_);
          best = ArgMax(scores.data(), classes_);
        }
        ApplyPostTransform(post_, scores.data(), columns);
        labels_.Write(*y, row, best);
        for (int64_t c = 0; c < columns; ++c) pz[row * columns + c] = static_cast<float>(scores[c]);
      }
    });
  }

 private:
  // Pairwise decision values into scores[0..pairs) and the votes they cast.
  void OneVsOne(const double* kernels, double* scores, double* votes) const {
    int64_t k = 0;
    for (int64_t i = 0; i < classes_; ++i) {
      for (int64_t j = i + 1; j < classes_; ++j, ++k) {
        const double* coef_i = coefficients_.data() + (j - 1) * vectors_;  // weights of class i's vectors
        const double* coef_j = coefficients_.data() + i * vectors_;        // weights of class j's vectors
        double s = rho_[k];
        for (int64_t v = class_start_[i]; v < class_start_[i] + class_count_[i]; ++v) s += coef_i[v] * kernels[v];
        for (int64_t v = class_start_[j]; v < class_start_[j] + class_count_[j]; ++v) s += coef_j[v] * kernels[v];
        scores[k] = s;
        votes[s > 0 ? i : j] += 1;
      }
    }
  }

  // r[i][j]: libsvm's sigmoid estimate of P(class i | i or j) from the pair's decision value.
  void Probabilities(const double* decisions, std::vector<double>& r) const {
    r.assign(classes_ * classes_, 0.0);
    int64_t k = 0;
    for (int64_t i = 0; i < classes_; ++i) {
      for (int64_t j = i + 1; j < classes_; ++j, ++k) {
        double p = 1.0 - Logistic(decisions[k] * prob_a_[k] + prob_b_[k]);
        p = std::min(std::max(p, 1e-7), 1 - 1e-7);
        r[i * classes_ + j] = p;
        r[j * classes_ + i] = 1 - p;
      }
    }
  }

  ClassLabels labels_;
  SvmKernel kernel_;
  PostTransform post_;
  std::vector<double> coefficients_, support_vectors_, rho_, prob_a_, prob_b_;
  std::vector<int64_t> class_start_, class_count_;
  int64_t classes_ = 0, vectors_ = 0, features_ = 0, pairs_ = 0;
};

class SVMRegressor final : public OpKernel {
 public:
  explicit SVMRegressor(const OpKernelInfo& info)
      : OpKernel(info),
        kernel_(info),
        post_(PostTransformAttr(info)),
        coefficients_(Doubles(info, "coefficients")),
        support_vectors_(Doubles(info, "support_vectors")),
        supports_(info.GetAttrOrDefault<int64_t>("n_supports", 0)),
        one_class_(info.GetAttrOrDefault<int64_t>("one_class", 0) != 0) {
    const auto rho = Doubles(info, "rho");
    ORTLITE_CHECK_ARG(rho.size() <= 1, "SVMRegressor: rho must hold at most one value, got ", rho.size());
    rho_ = rho.empty() ? 0.0 : rho[0];
    ORTLITE_CHECK_ARG(supports_ >= 0, "n_supports must not be negative, got ", supports_);
    const auto n_coef = static_cast<int64_t>(coefficients_.size());
    if (supports_ > 0) {
      const auto n_sv = static_cast<int64_t>(support_vectors_.size());
      ORTLITE_CHECK_ARG(n_sv % supports_ == 0, n_sv, " support vector values do not split into ", supports_, " vectors");
      features_ = n_sv / supports_;
      ORTLITE_CHECK_ARG(n_coef == supports_, "coefficients has ", n_coef, " entries for ", supports_,
                        " support vectors");
    } else {
      features_ = n_coef;  // the linear form: one weight per feature
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const FeatureMatrix x = ReadFeatures(ctx.RequiredInput(0), "SVMRegressor");
    ORTLITE_CHECK_ARG(x.rows == 0 || x.cols == features_, "SVMRegressor: X has ", x.cols,
                      " features per row but the model has ", features_);
    Tensor* y = ctx.Output(0, {x.rows, 1}, DataType::kFloat);
    float* py = y->MutableData<float>();
    const double cost = static_cast<double>(std::max<int64_t>(supports_, 1) * features_) * 3 + 20;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.rows, cost, [&](int64_t begin, int64_t end) {
      for (int64_t row = begin; row < end; ++row) {
        const double* xr = x.Row(row);
        double s = rho_;
        if (supports_ > 0) {
          for (int64_t v = 0; v < supports_; ++v)
            s += coefficients_[v] * kernel_(xr, support_vectors_.data() + v * features_, features_);
        } else {
          s += Dot(xr, coefficients_.data(), features_);
        }
        if (one_class_) s = s > 0 ? 1.0 : -1.0;
        ApplyPostTransform(post_, &s, 1);
        py[row] = static_cast<float>(s);
      }
    });
  }

 private:
  SvmKernel kernel_;
  PostTransform post_;
  std::vector<double> coefficients_, support_vectors_;
  double rho_ = 0;
  int64_t supports_;
  bool one_class_;
  int64_t features_ = 0;
};

}  // namespace

CPU_KERNEL_EX(SVMClassifier, kMLDomain, 1, 1, SVMClassifier, KernelDefBuilder())
CPU_KERNEL_EX(SVMRegressor, kMLDomain, 1, 1, SVMRegressor, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
