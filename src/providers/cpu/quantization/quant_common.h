// Shared pieces of the quantized operators: rounding and saturation, reading scales and zero
// points, and the integer matrix product they all reduce to.
//
// Integer products work on int16 operands that already have their zero point subtracted
// ((u)int8 - (u)int8 fits in int16), accumulating in 32 bits with wrap-around as the operator
// specs allow.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/framework/op_kernel.h"

namespace ortlite {
namespace quant {

// round-half-to-even(x) + zero_point, saturated to Q's range. NaN maps to the zero point.
template <typename Q>
inline Q SaturateRound(float x, int32_t zero_point) {
  constexpr float lo = static_cast<float>(std::numeric_limits<Q>::min());
  constexpr float hi = static_cast<float>(std::numeric_limits<Q>::max());
  float v = std::nearbyint(x) + static_cast<float>(zero_point);
  if (std::isnan(v)) v = static_cast<float>(zero_point);
  return static_cast<Q>(std::min(hi, std::max(lo, v)));
}

// The values of an 8-bit or int32 tensor as int32 (zero points).
std::vector<int32_t> ReadAsInt32(const Tensor& t, const char* what);
// The values of a float tensor (scales).
std::vector<float> ReadScales(const Tensor& t, const char* what);

// A 1-element tensor of any rank.
inline bool IsScalarLike(const Tensor& t) { return t.NumElements() == 1; }

// dst[i] = src[i] - zero_point as int16.
template <typename Q>
void SubtractZeroPoint(const Q* src, int64_t n, int32_t zero_point, int16_t* dst) {
  for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<int16_t>(static_cast<int32_t>(src[i]) - zero_point);
}

// C[M,N] = A[M,K] * B[K,N] on int16 operands with 32-bit (wrapping) accumulation. Row-major with
// row strides lda, ldb, ldc. K == 0 yields zeros.
void GemmS16S32(int64_t M, int64_t N, int64_t K, const int16_t* A, int64_t lda, const int16_t* B, int64_t ldb,
                int32_t* C, int64_t ldc, ThreadPool* pool);

// Element type dispatch over the 8-bit types.
using Int8Types = TypeList<uint8_t, int8_t>;

}  // namespace quant
}  // namespace ortlite
