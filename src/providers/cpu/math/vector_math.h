// Vectorised float transcendental functions for the elementwise kernels, built on Eigen's packet
// math (several times faster than calling libm per element). Each takes n contiguous inputs and
// writes n outputs; in-place (x == y) is allowed.
#pragma once
#include <cstdint>

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

namespace ortlite {
namespace vector_math {

using ConstFloats = Eigen::Map<const Eigen::Array<float, Eigen::Dynamic, 1>>;
using Floats = Eigen::Map<Eigen::Array<float, Eigen::Dynamic, 1>>;

// Below this exp's result is subnormal; Eigen clamps there instead of reaching 0 (exp(-inf) must be 0).
constexpr float kExpUnderflow = -87.33654f;

inline void Exp(const float* x, float* y, int64_t n) {
  ConstFloats xs(x, n);
  Floats ys(y, n);
  ys = (xs < kExpUnderflow).select(0.0f, xs.exp());
}

inline void Tanh(const float* x, float* y, int64_t n) {
  ConstFloats xs(x, n);
  Floats ys(y, n);
  ys = xs.tanh();
}

// 1 / (1 + exp(-x)): exp overflowing to inf for very negative x gives the right limit 0, and the
// relative accuracy holds for small results (no 1 - something cancellation).
inline void Sigmoid(const float* x, float* y, int64_t n) {
  ConstFloats xs(x, n);
  Floats ys(y, n);
  ys = (1.0f + (-xs).exp()).inverse();
}

inline void Erf(const float* x, float* y, int64_t n) {
  ConstFloats xs(x, n);
  Floats ys(y, n);
  ys = xs.erf();
}

// x * Phi(x) = 0.5 x (1 + erf(x / sqrt(2))).
inline void Gelu(const float* x, float* y, int64_t n) {
  ConstFloats xs(x, n);
  Floats ys(y, n);
  ys = 0.5f * xs * (1.0f + (xs * 0.70710678118654752f).erf());
}

}  // namespace vector_math
}  // namespace ortlite
