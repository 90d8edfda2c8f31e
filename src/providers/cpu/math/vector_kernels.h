// Vectorised float32 kernels for the elementwise, activation and row-wise hot paths (Exp, Tanh,
// Sigmoid, Erf, Gelu, Relu/Clip, Add/Mul, Softmax, LayerNormalization, row reductions).
//
// One table of function pointers per instruction set: a portable scalar reference
// (vector_kernels.cc), AVX2 + FMA (vector_kernels_avx2.cc) and AVX-512 (vector_kernels_avx512.cc).
// ActiveVectorKernels() picks one once, from ActiveIsa() (capped by ORTLITE_MAX_ISA), and logs it.
// Every path runs the same algorithm with the same coefficients, so they agree to within a few
// ulp (the SIMD paths contract multiply-adds into FMA, the scalar one does not).
//
// Unary kernels take n contiguous inputs and write n outputs; in-place (x == y) is allowed, other
// overlap is not. n may be 0.
//
// Accuracy, measured against double-precision libm over a dense sweep of every float in range
// and random values (tests/cpu/vector_kernels_test.cc enforces these bounds on every path):
//   exp      x in [-87.3, 88.7]: relative error <= 2.5e-7 (about 2 ulp). Results in the
//            subnormal range (x down to -103.97) are correctly scaled, with an absolute error
//            below 2^-149. x > 88.7229 gives +inf, x < -103.98 gives 0, exp(-inf) = 0, NaN -> NaN.
//            Method: x = n ln2 + r, |r| <= ln2/2 (Cody-Waite split of ln2), e^r by a degree-6
//            minimax polynomial (error 3.1e-9), scaled by 2^n in two steps so that subnormal
//            results round once.
//   tanh     all x: relative error <= 3e-7. |x| < 0.625: x + x^3 P(x^2), a degree-11 odd minimax
//            polynomial (error 4.4e-9), so tanh(x) ~ x stays exact in relative terms near 0;
//            otherwise sign(x) (1 - e) / (1 + e) with e = exp(-2|x|) <= 0.29, which never
//            overflows and saturates to +-1 exactly. NaN -> NaN.
//   sigmoid  x >= -87.3 (results >= FLT_MIN): relative error <= 3e-7; below, absolute error
//            < FLT_MIN (0 from x < -88.72). 1 / (1 + exp(-x)): exp(-x) overflowing to inf gives
//            the limit 0, never NaN, and every step rounds monotonically, so the result is
//            monotone. sigmoid(+inf) = 1, sigmoid(-inf) = 0, NaN -> NaN.
//   erf      all x: absolute error <= 1.5e-7 and relative error <= 3e-7. |x| < 0.9: x P(x^2),
//            a degree-13 odd minimax polynomial (error 2.9e-10), exact in relative terms near 0
//            (erf(x) ~ 2x/sqrt(pi)); 0.9 <= |x| < 4: 1 - exp(-x^2) h(x), h a degree-11 minimax
//            polynomial for erfc(x) e^(x^2) (relative error 4.9e-8); |x| >= 4: +-1 (erfc(4) is
//            below half an ulp of 1). NaN -> NaN.
//   gelu     x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)): relative error <= 1e-6 for x >= -5.5 (the
//            negative tail uses erfc directly, no 1 + erf cancellation), absolute error
//            <= 1e-9 below that, where |gelu| < 1e-7. gelu(+inf) = +inf, gelu(-inf) = 0 (the
//            limit), NaN -> NaN.
//   clip     exact: y = min(hi, max(lo, x)) with NaN passing through and hi winning when
//            lo > hi (the Clip semantics). relu is clip(0, +inf) (relu(-0) = -0).
//   add/sub/mul/div, *_scalar, reduce_max: exact (IEEE). reduce_max propagates NaN.
//   reduce_sum: float accumulation in 64 lanes (error grows like sqrt(n) ulp, not n).
//   softmax_row / log_softmax_row: max-subtracted; error a few ulp (exp + sum).
//   layer_norm_row: two-pass mean and variance in float, as above.
#pragma once
#include <cstdint>

#include "providers/cpu/common/cpu_features.h"

namespace ortlite {
namespace vector_kernels {

using UnaryFn = void (*)(const float* x, float* y, int64_t n);
using ClipFn = void (*)(const float* x, float* y, int64_t n, float lo, float hi);
using BinaryFn = void (*)(const float* a, const float* b, float* y, int64_t n);
// y[i] = a[i] op b: the scalar-broadcast form of a binary op.
using ScalarBinaryFn = void (*)(const float* a, float b, float* y, int64_t n);
using ReduceFn = float (*)(const float* x, int64_t n);
// One row of n > 0 values, in place allowed.
using RowFn = void (*)(const float* x, float* y, int64_t n);
// y = (x - mean) / sqrt(var + epsilon) * scale + bias over one row of n > 0 values (bias may be
// null); also returns the row's mean and 1 / sqrt(var + epsilon). In place allowed.
using LayerNormRowFn = void (*)(const float* x, const float* scale, const float* bias, float* y, int64_t n,
                                float epsilon, float* mean, float* inv_std_dev);

struct VectorKernels {
  const char* name;
  UnaryFn exp;
  UnaryFn tanh;
  UnaryFn sigmoid;
  UnaryFn erf;
  UnaryFn gelu;  // erf form
  UnaryFn relu;
  ClipFn clip;
  BinaryFn add, sub, mul, div;
  ScalarBinaryFn add_scalar, mul_scalar;
  ReduceFn reduce_sum;
  ReduceFn reduce_max;  // -inf for n == 0
  RowFn softmax_row;
  RowFn log_softmax_row;
  LayerNormRowFn layer_norm_row;
};

// The table built for `level`. Only call it with a level the host supports (DetectedIsa()).
const VectorKernels& VectorKernelsFor(IsaLevel level);
// The table for ActiveIsa(), chosen once on first use.
const VectorKernels& ActiveVectorKernels();

// Shared coefficients (found by a Remez exchange in 40-digit arithmetic, then rounded to float).
namespace coeffs {

// Cody-Waite split of ln 2: kLn2Hi has 9 significant bits, so n * kLn2Hi is exact for |n| <= 2^15.
inline constexpr float kLog2e = 1.44269504088896341f;
inline constexpr float kLn2Hi = 0.693359375f;
inline constexpr float kLn2Lo = -2.12194440e-4f;
// exp's argument is clamped here: beyond, the result is +inf or 0 in float anyway.
inline constexpr float kExpMaxArg = 89.0f;
inline constexpr float kExpMinArg = -104.0f;
// e^r = 1 + r + r^2 (c[0] + c[1] r + c[2] r^2 + c[3] r^3 + c[4] r^4), |r| <= ln2/2.
inline constexpr float kExpPoly[5] = {4.9999994e-01f, 1.6666521e-01f, 4.166839e-02f, 8.3687175e-03f,
                                      1.3814953e-03f};

// tanh(x) = x + x^3 (c[0] + c[1] x^2 + ... + c[4] x^8), |x| < kTanhPolyLimit.
inline constexpr float kTanhPolyLimit = 0.625f;
inline constexpr float kTanhPoly[5] = {-3.333328e-01f, 1.3331442e-01f, -5.3739715e-02f, 2.0639088e-02f,
                                       -5.704988e-03f};

// erf(x) = x (c[0] + c[1] x^2 + ... + c[6] x^12), |x| < kErfPolyLimit.
inline constexpr float kErfPolyLimit = 0.9f;
inline constexpr float kErfPoly[7] = {1.1283792e+00f,  -3.7612635e-01f, 1.1283715e-01f, -2.6860509e-02f,
                                      5.2038594e-03f,  -8.1756397e-04f, 8.5131054e-05f};
// The same with c[0] - 1 (exact), for erf(x) = x + x Q(x^2) with one rounding of the sum.
inline constexpr float kErfPolyMinusX[7] = {kErfPoly[0] - 1.0f, kErfPoly[1], kErfPoly[2], kErfPoly[3],
                                            kErfPoly[4],        kErfPoly[5], kErfPoly[6]};
// erfc(z) = exp(-z^2) sum_k c[k] (z - kErfcCenter)^k for kErfPolyLimit <= z <= kErfSaturation.
inline constexpr float kErfcCenter = 2.45f;
inline constexpr float kErfSaturation = 4.0f;
inline constexpr float kErfcPoly[12] = {2.1458708e-01f,  -7.690243e-02f, 2.6176492e-02f,  -8.513805e-03f,
                                        2.6570607e-03f,  -8.000332e-04f, 2.3553277e-04f,  -6.601617e-05f,
                                        1.5837268e-05f,  -4.4037383e-06f, 1.9869763e-06f, -4.757087e-07f};
inline constexpr float kSqrtHalf = 0.70710678118654752f;

}  // namespace coeffs

}  // namespace vector_kernels
}  // namespace ortlite
