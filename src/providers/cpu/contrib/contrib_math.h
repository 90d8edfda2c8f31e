// Row kernels shared by the com.microsoft contrib operators: layer normalisation, softmax and the
// Gelu family over contiguous rows. float rows use the ISA-dispatched vector kernels (AVX2 /
// AVX-512 when the host has them); double rows use Eigen array expressions, which run in SIMD
// packets of the baseline ISA. C is float or double.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <unsupported/Eigen/SpecialFunctions>

#include "core/framework/data_types.h"
#include "providers/cpu/math/vector_kernels.h"

namespace ortlite {
namespace contrib {

template <typename C>
using ConstRow = Eigen::Map<const Eigen::Array<C, Eigen::Dynamic, 1>>;
template <typename C>
using Row = Eigen::Map<Eigen::Array<C, Eigen::Dynamic, 1>>;

// Arithmetic type for T: double stays double, everything else computes in float.
template <typename T>
using CalcType = std::conditional_t<std::is_same_v<T, double>, double, float>;

// y = (x - mean) / sqrt(var + epsilon) * gamma + beta over one row of n > 0 values (beta may be
// null). x and y may be the same buffer. Returns mean and 1/sqrt(var + epsilon).
template <typename C>
void LayerNormRow(const C* x, C* y, int64_t n, const C* gamma, const C* beta, C epsilon, C* mean_out,
                  C* inv_std_out) {
  if constexpr (std::is_same_v<C, float>) {
    float mean = 0.f, inv_std = 0.f;
    vector_kernels::ActiveVectorKernels().layer_norm_row(x, gamma, beta, y, n, epsilon, &mean, &inv_std);
    if (mean_out) *mean_out = mean;
    if (inv_std_out) *inv_std_out = inv_std;
  } else {
    ConstRow<C> xs(x, n);
    const C mean = xs.sum() / static_cast<C>(n);
    const C var = (xs - mean).square().sum() / static_cast<C>(n);
    const C inv_std = C(1) / std::sqrt(var + epsilon);
    Row<C> ys(y, n);
    if (beta) {
      ys = (xs - mean) * inv_std * ConstRow<C>(gamma, n) + ConstRow<C>(beta, n);
    } else {
      ys = (xs - mean) * inv_std * ConstRow<C>(gamma, n);
    }
    if (mean_out) *mean_out = mean;
    if (inv_std_out) *inv_std_out = inv_std;
  }
}

// Softmax of one row of n > 0 values in place: exp(x - max) / sum. A row of -inf gives NaN, as
// the ONNX op does.
inline void SoftmaxRow(float* x, int64_t n) { vector_kernels::ActiveVectorKernels().softmax_row(x, x, n); }

// x * Phi(x) = 0.5 x (1 + erf(x / sqrt(2))), in place.
template <typename C>
void GeluRow(C* x, int64_t n) {
  if constexpr (std::is_same_v<C, float>) {
    vector_kernels::ActiveVectorKernels().gelu(x, x, n);
  } else {
    Row<C> xs(x, n);
    xs = C(0.5) * xs * (C(1) + (xs * C(0.70710678118654752440)).erf());
  }
}

// 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), in place; `scratch` holds n values.
template <typename C>
void FastGeluRow(C* x, int64_t n, C* scratch) {
  Row<C> xs(x, n);
  Row<C> t(scratch, n);
  t = C(0.79788456080286535588) * xs * (C(1) + C(0.044715) * xs * xs);
  if constexpr (std::is_same_v<C, float>) {
    vector_kernels::ActiveVectorKernels().tanh(scratch, scratch, n);
  } else {
    t = t.tanh();
  }
  xs = C(0.5) * xs * (C(1) + t);
}

// A T buffer viewed in the compute type: aliases float/double data, converts 16-bit floats.
template <typename T>
class ComputeBuffer {
 public:
  using C = CalcType<T>;
  ComputeBuffer(const T* data, int64_t n) {
    if constexpr (std::is_same_v<T, C>) {
      ptr_ = data;
    } else {
      copy_.resize(static_cast<size_t>(n));
      for (int64_t i = 0; i < n; ++i) copy_[i] = static_cast<C>(ToCompute(data[i]));
      ptr_ = copy_.data();
    }
  }
  const C* data() const { return ptr_; }

 private:
  const C* ptr_ = nullptr;
  std::vector<C> copy_;
};

}  // namespace contrib
}  // namespace ortlite
