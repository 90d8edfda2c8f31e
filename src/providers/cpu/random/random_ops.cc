// Random generators: RandomNormal, RandomUniform, RandomNormalLike, RandomUniformLike (opset 1),
// Multinomial (opset 7) and Bernoulli (opset 15).
//
// Each node owns one engine, seeded from its `seed` attribute (or from std::random_device when
// absent), whose state carries over between runs: a seeded node gives the same sequence for the
// same sequence of runs, and successive runs give fresh values. Values match no other runtime;
// only the distributions are specified.
#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

using RandomFloatTypes = TypeList<float, double, MLFloat16, BFloat16>;

bool IsFloatType(DataType t) {
  return t == DataType::kFloat || t == DataType::kDouble || t == DataType::kFloat16 || t == DataType::kBFloat16;
}

// A per-node engine. Compute() is const and may run concurrently, so draws are serialised.
class NodeRandomEngine {
 public:
  explicit NodeRandomEngine(const OpKernelInfo& info) {
    if (info.HasAttr("seed")) {
      const float seed = info.GetAttr<float>("seed");
      ORTLITE_CHECK_ARG(std::isfinite(seed), "seed must be finite");
      // Distinct float seeds (0.5 vs 1.0) give distinct streams.
      const double scaled = static_cast<double>(seed) * 65536.0;
      const auto bits = static_cast<uint64_t>(static_cast<int64_t>(std::clamp(scaled, -9e18, 9e18)));
      engine_.seed(bits ^ 0x9e3779b97f4a7c15ull);
    } else {
      std::random_device rd;
      engine_.seed((static_cast<uint64_t>(rd()) << 32) ^ rd());
    }
  }

  // Runs fn(engine) holding the lock.
  template <typename Fn>
  void With(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mutex_);
    fn(engine_);
  }

 private:
  mutable std::mutex mutex_;
  mutable std::mt19937_64 engine_;
};

// Uniform double in [0, 1) from 53 random bits (std::generate_canonical may return 1.0).
double Uniform01(std::mt19937_64& engine) { return static_cast<double>(engine() >> 11) * 0x1.0p-53; }

void FillNormal(Tensor& t, double mean, double scale, const NodeRandomEngine& rng) {
  VisitType<RandomFloatTypes>(
      t.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* out = t.MutableData<T>();
        const int64_t n = t.NumElements();
        rng.With([&](std::mt19937_64& engine) {
          std::normal_distribution<double> standard(0.0, 1.0);
          for (int64_t i = 0; i < n; ++i) out[i] = FromCompute<T>(mean + scale * standard(engine));
        });
      },
      "random normal output");
}

void FillUniform(Tensor& t, double low, double high, const NodeRandomEngine& rng) {
  VisitType<RandomFloatTypes>(
      t.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        T* out = t.MutableData<T>();
        const int64_t n = t.NumElements();
        rng.With([&](std::mt19937_64& engine) {
          for (int64_t i = 0; i < n; ++i) out[i] = FromCompute<T>(low + (high - low) * Uniform01(engine));
        });
      },
      "random uniform output");
}

// The `dtype` attribute as a float output type; `fallback` when absent.
DataType FloatDtype(const OpKernelInfo& info, DataType fallback) {
  if (!info.HasAttr("dtype")) return fallback;
  const int64_t v = info.GetAttr<int64_t>("dtype");
  ORTLITE_CHECK_ARG(IsValidDataType(static_cast<int32_t>(v)) && IsFloatType(static_cast<DataType>(v)),
                    "dtype must be a floating-point type (float16, float, double), got ", v);
  return static_cast<DataType>(v);
}

std::vector<int64_t> ShapeAttr(const OpKernelInfo& info) {
  auto shape = info.GetAttr<std::vector<int64_t>>("shape");
  for (int64_t d : shape) ORTLITE_CHECK_ARG(d >= 0, "shape values must be non-negative, got ", d);
  return shape;
}

// RandomNormal / RandomNormalLike: `Like` takes the output shape (and, without dtype, the type)
// from its input.
class RandomNormalKernel final : public OpKernel {
 public:
  explicit RandomNormalKernel(const OpKernelInfo& info)
      : OpKernel(info), rng_(info), like_(info.node().OpType() == "RandomNormalLike") {
    mean_ = info.GetAttrOrDefault<float>("mean", 0.f);
    scale_ = info.GetAttrOrDefault<float>("scale", 1.f);
    if (like_) {
      has_dtype_ = info.HasAttr("dtype");
      dtype_ = FloatDtype(info, DataType::kUndefined);
    } else {
      dtype_ = FloatDtype(info, DataType::kFloat);
      shape_ = ShapeAttr(info);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    TensorShape shape(shape_);
    DataType type = dtype_;
    if (like_) {
      const Tensor& input = ctx.RequiredInput(0);
      shape = input.Shape();
      if (!has_dtype_) type = input.GetElementType();
      ORTLITE_CHECK_ARG(IsFloatType(type), "without dtype the input must be a float tensor, got ",
                        DataTypeName(type));
    }
    Tensor* y = ctx.Output(0, shape, type);
    FillNormal(*y, mean_, scale_, rng_);
  }

 private:
  NodeRandomEngine rng_;
  bool like_;
  bool has_dtype_ = false;
  DataType dtype_ = DataType::kFloat;
  std::vector<int64_t> shape_;
  double mean_ = 0, scale_ = 1;
};

class RandomUniformKernel final : public OpKernel {
 public:
  explicit RandomUniformKernel(const OpKernelInfo& info)
      : OpKernel(info), rng_(info), like_(info.node().OpType() == "RandomUniformLike") {
    low_ = info.GetAttrOrDefault<float>("low", 0.f);
    high_ = info.GetAttrOrDefault<float>("high", 1.f);
    ORTLITE_CHECK_ARG(low_ <= high_, "low (", low_, ") must not exceed high (", high_, ")");
    if (like_) {
      has_dtype_ = info.HasAttr("dtype");
      dtype_ = FloatDtype(info, DataType::kUndefined);
    } else {
      dtype_ = FloatDtype(info, DataType::kFloat);
      shape_ = ShapeAttr(info);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    TensorShape shape(shape_);
    DataType type = dtype_;
    if (like_) {
      const Tensor& input = ctx.RequiredInput(0);
      shape = input.Shape();
      if (!has_dtype_) type = input.GetElementType();
      ORTLITE_CHECK_ARG(IsFloatType(type), "without dtype the input must be a float tensor, got ",
                        DataTypeName(type));
    }
    Tensor* y = ctx.Output(0, shape, type);
    FillUniform(*y, low_, high_, rng_);
  }

 private:
  NodeRandomEngine rng_;
  bool like_;
  bool has_dtype_ = false;
  DataType dtype_ = DataType::kFloat;
  std::vector<int64_t> shape_;
  double low_ = 0, high_ = 1;
};

// Multinomial: for each batch row of unnormalised log-probabilities, draws sample_size class
// indices.
class MultinomialKernel final : public OpKernel {
 public:
  explicit MultinomialKernel(const OpKernelInfo& info) : OpKernel(info), rng_(info) {
    sample_size_ = info.GetAttrOrDefault<int64_t>("sample_size", 1);
    ORTLITE_CHECK_ARG(sample_size_ >= 0, "sample_size must be non-negative, got ", sample_size_);
    const int64_t dtype = info.GetAttrOrDefault<int64_t>("dtype", static_cast<int64_t>(DataType::kInt32));
    ORTLITE_CHECK_ARG(dtype == static_cast<int64_t>(DataType::kInt32) || dtype == static_cast<int64_t>(DataType::kInt64),
                      "dtype must be int32 or int64, got ", dtype);
    dtype_ = static_cast<DataType>(dtype);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const auto& dims = input.Shape();
    ORTLITE_CHECK_ARG(dims.NumDimensions() == 2, "input must be 2-D [batch_size, class_size], got ", dims.ToString());
    const int64_t batch = dims[0], classes = dims[1];
    ORTLITE_CHECK_ARG(classes > 0 || batch == 0 || sample_size_ == 0, "class_size must be positive");

    // Per-row cumulative (unnormalised) probabilities.
    std::vector<double> cumulative(static_cast<size_t>(batch * classes));
    VisitType<RandomFloatTypes>(
        input.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* logits = input.Data<T>();
          for (int64_t b = 0; b < batch; ++b) {
            const T* row = logits + b * classes;
            double max_logit = -std::numeric_limits<double>::infinity();
            for (int64_t c = 0; c < classes; ++c) {
              const double v = static_cast<double>(ToCompute(row[c]));
              ORTLITE_CHECK_ARG(!std::isnan(v), "input holds NaN at row ", b, ", class ", c);
              max_logit = std::max(max_logit, v);
            }
            ORTLITE_CHECK_ARG(std::isfinite(max_logit), "row ", b,
                              " has no class with finite log-probability (all -inf, or +inf present)");
            double sum = 0;
            for (int64_t c = 0; c < classes; ++c) {
              sum += std::exp(static_cast<double>(ToCompute(row[c])) - max_logit);
              cumulative[b * classes + c] = sum;
            }
          }
        },
        "Multinomial");

    Tensor* y = ctx.Output(0, TensorShape({batch, sample_size_}), dtype_);
    std::vector<int64_t> draws(static_cast<size_t>(batch * sample_size_));
    rng_.With([&](std::mt19937_64& engine) {
      for (int64_t b = 0; b < batch && sample_size_ > 0; ++b) {
        const double* cum = cumulative.data() + b * classes;
        const double total = cum[classes - 1];
        for (int64_t s = 0; s < sample_size_; ++s) {
          const double target = Uniform01(engine) * total;
          // The first class whose cumulative mass exceeds the target; zero-mass classes are skipped.
          const int64_t c = std::upper_bound(cum, cum + classes, target) - cum;
          draws[b * sample_size_ + s] = std::min(c, classes - 1);
        }
      }
    });
    if (dtype_ == DataType::kInt32) {
      int32_t* out = y->MutableData<int32_t>();
      for (size_t i = 0; i < draws.size(); ++i) out[i] = static_cast<int32_t>(draws[i]);
    } else {
      std::copy(draws.begin(), draws.end(), y->MutableData<int64_t>());
    }
  }

 private:
  NodeRandomEngine rng_;
  int64_t sample_size_ = 1;
  DataType dtype_ = DataType::kInt32;
};

// Bernoulli: 1 with probability p (the input element), else 0.
class BernoulliKernel final : public OpKernel {
 public:
  explicit BernoulliKernel(const OpKernelInfo& info) : OpKernel(info), rng_(info) {
    if (info.HasAttr("dtype")) {
      const int64_t v = info.GetAttr<int64_t>("dtype");
      ORTLITE_CHECK_ARG(IsValidDataType(static_cast<int32_t>(v)), "dtype ", v, " is not a valid data type");
      dtype_ = static_cast<DataType>(v);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const DataType out_type = dtype_ == DataType::kUndefined ? input.GetElementType() : dtype_;
    const int64_t n = input.NumElements();
    std::vector<double> p(static_cast<size_t>(n));
    VisitType<RandomFloatTypes>(
        input.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          const T* in = input.Data<T>();
          for (int64_t i = 0; i < n; ++i) {
            p[i] = static_cast<double>(ToCompute(in[i]));
            ORTLITE_CHECK_ARG(p[i] >= 0.0 && p[i] <= 1.0, "probability at ", i, " is ", p[i], ", outside [0, 1]");
          }
        },
        "Bernoulli input");

    Tensor* y = ctx.Output(0, input.Shape(), out_type);
    VisitType<AllNumericAndBoolTypes>(
        out_type,
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          T* out = y->MutableData<T>();
          rng_.With([&](std::mt19937_64& engine) {
            for (int64_t i = 0; i < n; ++i) {
              const bool one = Uniform01(engine) < p[i];
              if constexpr (std::is_same_v<T, bool>) {
                out[i] = one;
              } else {
                out[i] = FromCompute<T>(one ? 1.0f : 0.0f);
              }
            }
          });
        },
        "Bernoulli output");
  }

 private:
  NodeRandomEngine rng_;
  DataType dtype_ = DataType::kUndefined;
};

}  // namespace

ONNX_CPU_KERNEL(RandomNormal, 1, RandomNormalKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(RandomNormalLike, 1, RandomNormalKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(RandomUniform, 1, RandomUniformKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(RandomUniformLike, 1, RandomUniformKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Multinomial, 7, MultinomialKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(Bernoulli, 15, BernoulliKernel, KernelDefBuilder())

}  // namespace ortlite
