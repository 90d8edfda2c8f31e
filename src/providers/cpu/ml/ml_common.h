// Shared pieces of the ai.onnx.ml kernels: the score post-transforms of the classifiers and
// regressors, reading feature matrices of any numeric input type, class-label attributes and
// the label output they produce, and attributes that opset 3 also accepts as double tensors.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace ml {

// ---- post transforms --------------------------------------------------------------------------

enum class PostTransform { kNone, kSoftmax, kLogistic, kSoftmaxZero, kProbit };

inline PostTransform ParsePostTransform(const std::string& name) {
  if (name == "NONE") return PostTransform::kNone;
  if (name == "SOFTMAX") return PostTransform::kSoftmax;
  if (name == "LOGISTIC") return PostTransform::kLogistic;
  if (name == "SOFTMAX_ZERO") return PostTransform::kSoftmaxZero;
  if (name == "PROBIT") return PostTransform::kProbit;
  ThrowError(ErrorCode::kInvalidArgument, "unknown post_transform '", name,
             "' (expected NONE, SOFTMAX, LOGISTIC, SOFTMAX_ZERO or PROBIT)");
}

inline PostTransform PostTransformAttr(const OpKernelInfo& info) {
  return ParsePostTransform(info.GetAttrOrDefault<std::string>("post_transform", "NONE"));
}

// exp() of a large negative number underflows to 0 instead of overflowing for either sign.
inline double Logistic(double x) {
  if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

// Inverse error function: a closed-form first guess refined by Newton steps on std::erf, so
// PROBIT is accurate to double precision rather than to the few digits of the guess alone.
inline double ErfInv(double y) {
  if (std::isnan(y) || y < -1.0 || y > 1.0) return std::nan("");
  if (y == 1.0) return INFINITY;
  if (y == -1.0) return -INFINITY;
  constexpr double kPi = 3.14159265358979323846;
  constexpr double a = 0.147;
  const double ln = std::log((1.0 - y) * (1.0 + y));
  const double t = 2.0 / (kPi * a) + ln / 2.0;
  double x = std::copysign(std::sqrt(std::sqrt(t * t - ln / a) - t), y);
  const double two_over_sqrt_pi = 1.12837916709551257390;
  for (int i = 0; i < 3; ++i) {
    const double slope = two_over_sqrt_pi * std::exp(-x * x);
    if (slope == 0) break;
    // erf(x) - y through erfc keeps precision in the tails, where erf(x) rounds to +-1.
    const double residual = x > 0 ? (1.0 - y) - std::erfc(x) : std::erfc(-x) - (1.0 + y);
    x -= residual / slope;
  }
  return x;
}

// The quantile function of the standard normal distribution.
inline double Probit(double p) { return 1.41421356237309504880 * ErfInv(2.0 * p - 1.0); }

inline void Softmax(double* v, int64_t n) {
  if (n == 0) return;
  const double mx = *std::max_element(v, v + n);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += (v[i] = std::exp(v[i] - mx));
  for (int64_t i = 0; i < n; ++i) v[i] /= sum;
}

// Softmax that keeps scores within 1e-7 of zero (classes no tree voted for) near zero, scaling
// them by exp(-max) instead of exponentiating; all zeros give 0.5 each. As in the ONNX
// reference implementation.
inline void SoftmaxZero(double* v, int64_t n) {
  if (n == 0) return;
  const double mx = *std::max_element(v, v + n);
  const double scale = std::exp(-mx);
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) {
    v[i] = std::abs(v[i]) > 1e-7 ? std::exp(v[i] - mx) : v[i] * scale;
    sum += v[i];
  }
  for (int64_t i = 0; i < n; ++i) v[i] = sum == 0 ? 0.5 : v[i] / sum;
}

// Applies `t` to one row of scores in place.
inline void ApplyPostTransform(PostTransform t, double* v, int64_t n) {
  switch (t) {
    case PostTransform::kNone:
      break;
    case PostTransform::kSoftmax:
      Softmax(v, n);
      break;
    case PostTransform::kLogistic:
      for (int64_t i = 0; i < n; ++i) v[i] = Logistic(v[i]);
      break;
    case PostTransform::kSoftmaxZero:
      SoftmaxZero(v, n);
      break;
    case PostTransform::kProbit:
      for (int64_t i = 0; i < n; ++i) v[i] = Probit(v[i]);
      break;
  }
}

// ---- features ---------------------------------------------------------------------------------

// An input X of float, double, int32 or int64 seen as `rows` samples of `cols` features, in
// double. A 1-D X is one sample; higher ranks keep the first dimension as the batch.
struct FeatureMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<double> values;
  const double* Row(int64_t r) const { return values.data() + r * cols; }
};

inline FeatureMatrix ReadFeatures(const Tensor& x, const char* op) {
  const auto& dims = x.Shape().GetDims();
  ORTLITE_CHECK_ARG(!dims.empty(), op, ": input X must have rank 1 or more, got a scalar");
  FeatureMatrix m;
  m.rows = dims.size() == 1 ? 1 : dims[0];
  m.cols = dims.size() == 1 ? dims[0] : x.Shape().SizeFromDimension(1);
  m.values.resize(static_cast<size_t>(x.NumElements()));
  VisitType<TypeList<float, double, int32_t, int64_t>>(
      x.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = x.Data<T>();
        for (size_t i = 0; i < m.values.size(); ++i) m.values[i] = static_cast<double>(p[i]);
      },
      op);
  return m;
}

// ---- attributes -------------------------------------------------------------------------------

// `name`_as_tensor (opset 3, double precision) when present, else the float list `name`.
inline std::vector<double> DoublesAttr(const OpKernelInfo& info, const std::string& name) {
  const std::string tensor_name = name + "_as_tensor";
  if (info.HasAttr(tensor_name)) {
    ORTLITE_CHECK_ARG(!info.HasAttr(name), "only one of '", name, "' and '", tensor_name, "' may be set");
    const Tensor t = info.GetAttr<Tensor>(tensor_name);
    std::vector<double> out(static_cast<size_t>(t.NumElements()));
    VisitType<TypeList<float, double>>(
        t.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* p = t.Data<T>();
          for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(p[i]);
        },
        tensor_name.c_str());
    return out;
  }
  const std::vector<float> f = info.GetAttrOrDefault<std::vector<float>>(name, {});
  return std::vector<double>(f.begin(), f.end());
}

// The class labels of a classifier: exactly one of an int64 and a string list attribute.
class ClassLabels {
 public:
  ClassLabels(const OpKernelInfo& info, const std::string& int_attr, const std::string& string_attr) {
    ints_ = info.GetAttrOrDefault<std::vector<int64_t>>(int_attr, {});
    strings_ = info.GetAttrOrDefault<std::vector<std::string>>(string_attr, {});
    ORTLITE_CHECK_ARG(ints_.empty() != strings_.empty(), "exactly one of '", int_attr, "' and '", string_attr,
                      "' must be a non-empty list");
    is_string_ = !strings_.empty();
  }

  int64_t size() const { return static_cast<int64_t>(is_string_ ? strings_.size() : ints_.size()); }
  bool IsString() const { return is_string_; }
  DataType Type() const { return is_string_ ? DataType::kString : DataType::kInt64; }

  // Writes the label of class `index` at position `pos` of `out` (of Type()).
  void Write(Tensor& out, int64_t pos, int64_t index) const {
    if (is_string_) {
      out.MutableData<std::string>()[pos] = strings_[index];
    } else {
      out.MutableData<int64_t>()[pos] = ints_[index];
    }
  }

 private:
  bool is_string_ = false;
  std::vector<int64_t> ints_;
  std::vector<std::string> strings_;
};

// Index of the first maximum of v[0..n).
inline int64_t ArgMax(const double* v, int64_t n) {
  int64_t best = 0;
  for (int64_t i = 1; i < n; ++i)
    if (v[i] > v[best]) best = i;
  return best;
}

}  // namespace ml
}  // namespace ortlite
