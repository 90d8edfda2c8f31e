// Element-wise feature preprocessing of ai.onnx.ml 1: Scaler, Normalizer, Binarizer, Imputer.
// Per-feature attributes index the last axis of X; a single value applies to every feature.
#include <limits>
#include <type_traits>

#include "providers/cpu/ml/ml_common.h"

namespace ortlite {
namespace ml {
namespace {

using NumericInputTypes = TypeList<float, double, int32_t, int64_t>;

constexpr double kElementCost = 4.0;

// The length of the last axis (1 for a scalar).
int64_t FeatureCount(const Tensor& x) {
  const auto& dims = x.Shape().GetDims();
  return dims.empty() ? 1 : dims.back();
}

// A per-feature list must hold 1 or `features` values (or be empty when `allow_empty`).
void CheckPerFeature(size_t size, int64_t features, const char* op, const char* name, bool allow_empty) {
  ORTLITE_CHECK_ARG((allow_empty && size == 0) || size == 1 || static_cast<int64_t>(size) == features, op, ": '", name,
                    "' has ", size, " values but X has ", features, " features (expected 1 or ", features, ")");
}

// Y = (X - offset) * scale, in float.
class Scaler final : public OpKernel {
 public:
  explicit Scaler(const OpKernelInfo& info)
      : OpKernel(info),
        offset_(info.GetAttrOrDefault<std::vector<float>>("offset", {})),
        scale_(info.GetAttrOrDefault<std::vector<float>>("scale", {})) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const int64_t features = FeatureCount(x);
    const int64_t n = x.NumElements();
    Tensor* y = ctx.Output(0, x.Shape(), DataType::kFloat);
    if (n == 0) return;
    CheckPerFeature(offset_.size(), features, "Scaler", "offset", true);
    CheckPerFeature(scale_.size(), features, "Scaler", "scale", true);
    float* py = y->MutableData<float>();
    VisitType<NumericInputTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* px = x.Data<T>();
          ThreadPool::TryParallelFor(ctx.GetThreadPool(), n, kElementCost, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
              const int64_t f = i % features;
              const double offset = offset_.empty() ? 0.0 : offset_[offset_.size() == 1 ? 0 : f];
              const double scale = scale_.empty() ? 1.0 : scale_[scale_.size() == 1 ? 0 : f];
              py[i] = static_cast<float>((static_cast<double>(px[i]) - offset) * scale);
            }
          });
        },
        "Scaler");
  }

 private:
  std::vector<float> offset_, scale_;
};

// Each row (the last axis) divided by its max-abs, L1 or L2 norm; a zero norm leaves it as is.
class Normalizer final : public OpKernel {
 public:
  enum class Norm { kMax, kL1, kL2 };

  explicit Normalizer(const OpKernelInfo& info) : OpKernel(info) {
    const std::string norm = info.GetAttrOrDefault<std::string>("norm", "MAX");
    if (norm == "MAX") norm_ = Norm::kMax;
    else if (norm == "L1") norm_ = Norm::kL1;
    else if (norm == "L2") norm_ = Norm::kL2;
    else ThrowError(ErrorCode::kInvalidArgument, "Normalizer: unknown norm '", norm, "' (expected MAX, L1 or L2)");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    ORTLITE_CHECK_ARG(x.Shape().NumDimensions() >= 1, "Normalizer: X must have rank 1 or more, got a scalar");
    const int64_t width = FeatureCount(x);
    const int64_t rows = width == 0 ? 0 : x.NumElements() / width;
    Tensor* y = ctx.Output(0, x.Shape(), DataType::kFloat);
    float* py = y->MutableData<float>();
    VisitType<NumericInputTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* px = x.Data<T>();
          ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, kElementCost * width, [&](int64_t begin, int64_t end) {
            for (int64_t r = begin; r < end; ++r) {
              const T* in = px + r * width;
              double norm = 0;
              for (int64_t i = 0; i < width; ++i) {
                const double v = static_cast<double>(in[i]);
                if (norm_ == Norm::kMax) norm = std::max(norm, std::abs(v));
                else if (norm_ == Norm::kL1) norm += std::abs(v);
                else norm += v * v;
              }
              if (norm_ == Norm::kL2) norm = std::sqrt(norm);
              const double divisor = norm == 0 ? 1.0 : norm;
              for (int64_t i = 0; i < width; ++i) py[r * width + i] = static_cast<float>(static_cast<double>(in[i]) / divisor);
            }
          });
        },
        "Normalizer");
  }

 private:
  Norm norm_ = Norm::kMax;
};

// 1 where X > threshold, else 0 (NaN gives 0), in X's type.
class Binarizer final : public OpKernel {
 public:
  explicit Binarizer(const OpKernelInfo& info)
      : OpKernel(info), threshold_(info.GetAttrOrDefault<float>("threshold", 0.0f)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), x.GetElementType());
    VisitType<NumericInputTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* px = x.Data<T>();
          T* py = y->MutableData<T>();
          ThreadPool::TryParallelFor(ctx.GetThreadPool(), x.NumElements(), 1.0, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) py[i] = static_cast<double>(px[i]) > threshold_ ? T(1) : T(0);
          });
        },
        "Binarizer");
  }

 private:
  double threshold_;
};

// Replaces elements equal to the replaced value (NaN matches NaN) with the imputed value of
// their feature.
class Imputer final : public OpKernel {
 public:
  explicit Imputer(const OpKernelInfo& info)
      : OpKernel(info),
        imputed_floats_(info.GetAttrOrDefault<std::vector<float>>("imputed_value_floats", {})),
        imputed_ints_(info.GetAttrOrDefault<std::vector<int64_t>>("imputed_value_int64s", {})),
        replaced_float_(info.GetAttrOrDefault<float>("replaced_value_float", 0.0f)),
        replaced_int_(info.GetAttrOrDefault<int64_t>("replaced_value_int64", 0)) {
    ORTLITE_CHECK_ARG(imputed_floats_.empty() != imputed_ints_.empty(),
                      "Imputer: exactly one of imputed_value_floats and imputed_value_int64s must be a non-empty list");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const int64_t features = FeatureCount(x);
    Tensor* y = ctx.Output(0, x.Shape(), x.GetElementType());
    const int64_t n = x.NumElements();
    const DataType type = x.GetElementType();
    const bool float_input = type == DataType::kFloat || type == DataType::kDouble;
    ORTLITE_CHECK_ARG(float_input == !imputed_floats_.empty(), "Imputer: X of type ", DataTypeName(type), " needs ",
                      float_input ? "imputed_value_floats" : "imputed_value_int64s");
    if (n == 0) return;
    const size_t imputed_count = float_input ? imputed_floats_.size() : imputed_ints_.size();
    CheckPerFeature(imputed_count, features, "Imputer", float_input ? "imputed_value_floats" : "imputed_value_int64s",
                    false);
    VisitType<NumericInputTypes>(
        type,
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          std::vector<T> imputed(imputed_count);
          for (size_t i = 0; i < imputed_count; ++i) {
            if constexpr (std::is_floating_point_v<T>) {
              imputed[i] = static_cast<T>(imputed_floats_[i]);
            } else {
              ORTLITE_CHECK_ARG(imputed_ints_[i] >= std::numeric_limits<T>::min() &&
                                    imputed_ints_[i] <= std::numeric_limits<T>::max(),
                                "Imputer: imputed value ", imputed_ints_[i], " does not fit in ", DataTypeName(type));
              imputed[i] = static_cast<T>(imputed_ints_[i]);
            }
          }
          const T* px = x.Data<T>();
          T* py = y->MutableData<T>();
          ThreadPool::TryParallelFor(ctx.GetThreadPool(), n, 2.0, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
              bool replace;
              if constexpr (std::is_floating_point_v<T>) {
                replace = std::isnan(replaced_float_) ? std::isnan(px[i]) : px[i] == static_cast<T>(replaced_float_);
              } else {
                replace = static_cast<int64_t>(px[i]) == replaced_int_;
              }
              py[i] = replace ? imputed[imputed_count == 1 ? 0 : i % features] : px[i];
            }
          });
        },
        "Imputer");
  }

 private:
  std::vector<float> imputed_floats_;
  std::vector<int64_t> imputed_ints_;
  float replaced_float_;
  int64_t replaced_int_;
};

}  // namespace

CPU_KERNEL_EX(Scaler, kMLDomain, 1, 1, Scaler, KernelDefBuilder())
CPU_KERNEL_EX(Normalizer, kMLDomain, 1, 1, Normalizer, KernelDefBuilder())
CPU_KERNEL_EX(Binarizer, kMLDomain, 1, 1, Binarizer, KernelDefBuilder())
CPU_KERNEL_EX(Imputer, kMLDomain, 1, 1, Imputer, KernelDefBuilder())

}  // namespace ml
}  // namespace ortlite
