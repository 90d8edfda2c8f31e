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
// Accuracy against double-precision libm, measured over ~1M inputs per function spread evenly over
// every binade in range, a dense linear sweep, the floats around every switch point and random
// values (tests/cpu/vector_kernels_test.cc enforces these bounds on every path):
//   exp      x >= -87.3365 (results >= FLT_MIN): relative error <= 1.2e-7 (about 1 ulp). Below
//            that the result is flushed to 0 (absolute error < FLT_MIN): subnormal results would
//            cost a microcode assist per instruction. x > 88.7229 gives +inf, exp(-inf) = 0,
//            NaN -> NaN. Method: x = n ln2 + r, |r| <= ln2/2 (Cody-Waite split of ln2), e^r by a
//            degree-6 minimax polynomial (error 3.1e-9), times 2^n.
//   tanh     all x: relative error <= 2e-7. |x| < 0.625: x + x^3 P(x^2), a degree-11 odd minimax
//            polynomial (error 4.4e-9), so tanh(x) ~ x stays exact in relative terms near 0;
//            otherwise sign(x) (1 - e) / (1 + e) with e = exp(-2|x|) <= 0.29, which never
//            overflows and saturates to +-1 exactly. NaN -> NaN.
//   sigmoid  x >= -87.3 (results >= FLT_MIN): relative error <= 2e-7; below, absolute error
//            < FLT_MIN (0 from x < -88.72). 1 / (1 + exp(-x)): exp(-x) overflowing to inf gives
//            the limit 0, never NaN, and every step rounds monotonically, so the result is
//            monotone. sigmoid(+inf) = 1, sigmoid(-inf) = 0, NaN -> NaN.
//   erf      all x: absolute error <= 1.2e-7 and relative error <= 2e-7. Piecewise: eight degree-8
//            minimax polynomials on [0, 4) in steps of 1/2, picked per lane (coefficient
//            tables below); the first is exact in relative terms near 0 (erf(x) ~ 2x/sqrt(pi)).
//            |x| >= 4: +-1 (erfc(4) is below half an ulp of 1). NaN -> NaN.
//   gelu     x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)): relative error <= 1.5e-6 for x >= -5.5 (the
//            negative side uses the erfc polynomials directly, with z = x / sqrt 2 formed in
//            extended precision, so there is no 1 + erf cancellation); below -5.657 the result
//            is -0 (absolute error < 4.5e-8, as |gelu| is). gelu(+inf) = +inf; gelu(-inf) =
//            -inf * 0 = NaN, as the formula (and onnxruntime) gives; NaN -> NaN.
//   clip     exact: y = min(hi, max(lo, x)) with NaN passing through and hi winning when
//            lo > hi (the Clip semantics). relu is clip(0, +inf) (relu(-0) = -0).
//   add/sub/mul/div, *_scalar, reduce_max: exact (IEEE). reduce_max propagates NaN.
//   reduce_sum: float accumulation in 64 lanes (error grows like sqrt(n) ulp, not n).
//   softmax_row / log_softmax_row: max-subtracted (no overflow; -inf entries give 0 / -inf; a NaN
//            makes the row NaN); relative error <= 1e-6 per element (exp, the sum, 1/sum).
//   layer_norm_row: two-pass mean and variance in float, then (x - mean) * inv_std * scale + bias;
//            within 1e-5 (|y| + 1) of the double-precision result for rows up to ~1000 long.
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
// exp's argument is clamped to [kExpMinArg, kExpMaxArg] (beyond, the result is +inf, or 0 after
// the flush below); below kExpFlushArg, where e^x < FLT_MIN, the result is 0. Producing subnormal
// or underflowing results costs a microcode assist of ~100 cycles per instruction on x86, which
// made softmax rows with masked (-inf / -1e4) entries 30x slower.
inline constexpr float kExpMaxArg = 89.0f;
inline constexpr float kExpMinArg = -88.0f;
inline constexpr float kExpFlushArg = -87.33654f;
// e^r = 1 + r + r^2 (c[0] + c[1] r + c[2] r^2 + c[3] r^3 + c[4] r^4), |r| <= ln2/2.
inline constexpr float kExpPoly[5] = {4.9999994e-01f, 1.6666521e-01f, 4.166839e-02f, 8.3687175e-03f, 1.3814953e-03f};

// tanh(x) = x + x^3 (c[0] + c[1] x^2 + ... + c[4] x^8), |x| < kTanhPolyLimit.
inline constexpr float kTanhPolyLimit = 0.625f;
inline constexpr float kTanhPoly[5] = {-3.333328e-01f, 1.3331442e-01f, -5.3739715e-02f, 2.0639088e-02f, -5.704988e-03f};

// erf and erfc on z in [0, 4) by table: on the interval k = floor(2z),
//   erf(z) = kErfTableOffset[k] + P_k(z - kErfTableCenter[k]),  erfc(z) = (1 - offset) - P_k,
// P_k(t) = sum_j kErfTablePoly[j][k] t^j, degree 8. Interval 0 fits erf with P_0(0) = 0 (relative
// error 3e-10, so erf(x) ~ 2x/sqrt(pi) holds near 0); intervals 1..7 fit -erfc with relative
// weight (at most 7.6e-7 on [3.5, 4), below 1e-8 up to 3). One coefficient table per power lets
// the SIMD paths fetch each lane's coefficients with a single 8-entry permute.
inline constexpr float kErfSaturation = 4.0f;
inline constexpr float kErfTableLimit = 3.9999998f;  // the largest float below 4
inline constexpr float kErfTableCenter[8] = {0.0f, 0.75f, 1.25f, 1.75f, 2.25f, 2.75f, 3.25f, 3.75f};
inline constexpr float kErfTableOffset[8] = {0.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
inline constexpr float kErfTablePoly[9][8] = {
    {0.0f, -2.8884438e-01f, -7.7099875e-02f, -1.3328329e-02f, -1.4627166e-03f, -1.00621925e-04f, -4.302779e-06f,
     -1.13727175e-07f},
    {1.1283792e+00f, 6.4293104e-01f, 2.3652112e-01f, 5.2774996e-02f, 7.1423193e-03f, 5.862773e-04f, 2.9189025e-05f,
     8.8143236e-07f},
    {9.637335e-08f, -4.821983e-01f, -2.956514e-01f, -9.235625e-02f, -1.6070215e-02f, -1.6122619e-03f, -9.4864576e-05f,
     -3.3054278e-06f},
    {-3.7613055e-01f, 2.6788376e-02f, 1.6753587e-01f, 9.015737e-02f, 2.1724526e-02f, 2.7603833e-03f, 1.958109e-04f,
     7.969836e-06f},
    {6.862071e-05f, 1.5068571e-01f, -6.1588096e-03f, -4.810182e-02f, -1.9083636e-02f, -3.258156e-03f, -2.865472e-04f,
     -1.3836006e-05f},
    {1.1227812e-01f, -5.3217936e-02f, -4.7186013e-02f, 6.619059e-03f, 1.0659623e-02f, 2.7561898e-03f, 3.1368659e-04f,
     1.8346776e-05f},
    {2.5082103e-03f, -2.6840944e-02f, 2.1282932e-02f, 8.954387e-03f, -2.8975608e-03f, -1.6563792e-03f, -2.6413644e-04f,
     -1.9413112e-05f},
    {-3.3215173e-02f, 1.789324e-02f, 3.740118e-03f, -5.9384946e-03f, -7.1747595e-04f, 6.3675706e-04f, 1.7305216e-04f,
     1.6985841e-05f},
    {8.681291e-03f, 2.0639824e-03f, -5.480213e-03f, 7.6229946e-04f, 9.4243366e-04f, -9.216557e-05f, -7.668357e-05f,
     -1.0139119e-05f},
};
// sqrt(1/2) as a float pair (hi + lo to 48 bits): gelu forms z = x / sqrt 2 to about 2^-40, since
// a rounding error dz costs erfc a relative 2 z dz.
inline constexpr float kSqrtHalf = 0.70710678118654752f;
inline constexpr float kSqrtHalfLo = static_cast<float>(0.70710678118654752440 - static_cast<double>(kSqrtHalf));

}  // namespace coeffs

}  // namespace vector_kernels
}  // namespace ortlite
