// The portable scalar reference of the vector kernels (the same algorithms and coefficients as
// the SIMD paths, without FMA) and the one place that picks a table for the host.
#include "providers/cpu/math/vector_kernels.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "core/common/status.h"
#include "core/framework/logging.h"

namespace ortlite {
namespace vector_kernels {

// Defined in vector_kernels_avx2.cc and vector_kernels_avx512.cc.
const VectorKernels& Avx2VectorKernels();
const VectorKernels& Avx512VectorKernels();

namespace {

using namespace coeffs;

inline float FromBits(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// 2^k for k in [-126, 127].
inline float Pow2(int k) { return FromBits(static_cast<uint32_t>(k + 127) << 23); }

template <int N>
inline float Horner(float u, const float (&c)[N]) {
  float acc = c[N - 1];
  for (int k = N - 2; k >= 0; --k) acc = acc * u + c[k];
  return acc;
}

float ExpOne(float x) {
  if (x != x) return x;
  if (x < kExpFlushArg) return 0.0f;
  x = x > kExpMaxArg ? kExpMaxArg : x;
  // Adding and removing 1.5 * 2^23 rounds to the nearest integer (ties to even), like the SIMD
  // paths' round instruction, without depending on the libm call nearbyint becomes.
  constexpr float kRoundShifter = 12582912.0f;
  const float fn = (x * kLog2e + kRoundShifter) - kRoundShifter;
  float r = x - fn * kLn2Hi;
  r = r - fn * kLn2Lo;
  const float p = (Horner(r, kExpPoly) * (r * r) + r) + 1.0f;
  // Two factors keep each power of two finite and normal (n in [-126, 128]).
  const int n = static_cast<int>(fn);
  const int n1 = n / 2;
  return p * Pow2(n1) * Pow2(n - n1);
}

// The interval polynomial P_k(z - c_k + z_lo) and offset s_k of the erf table for z in [0, 4):
// erf = s + P, erfc = 1 - s - P.
inline float ErfTable(float z, float z_lo, float* offset) {
  const int k = static_cast<int>(z + z);
  const float t = (z - kErfTableCenter[k]) + z_lo;
  float acc = kErfTablePoly[8][k];
  for (int j = 7; j >= 0; --j) acc = acc * t + kErfTablePoly[j][k];
  *offset = kErfTableOffset[k];
  return acc;
}

float ErfOne(float x) {
  if (x != x) return x;
  const float ax = std::fabs(x);
  float offset;
  const float p = ErfTable(ax < kErfTableLimit ? ax : kErfTableLimit, 0.0f, &offset);
  return std::copysign(offset + p, x);
}

void ExpScalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = ExpOne(x[i]);
}

void TanhScalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float av = std::fabs(v);
    if (av < kTanhPolyLimit) {
      const float v2 = v * v;
      y[i] = std::copysign((v * v2) * Horner(v2, kTanhPoly) + v, v);  // keeps tanh(-0) = -0
    } else {
      const float e = ExpOne(-2.0f * av);
      y[i] = std::copysign((1.0f - e) / (1.0f + e), v);
    }
  }
}

void SigmoidScalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    // A chain of monotone roundings, so the result is monotone too.
    y[i] = 1.0f / (1.0f + ExpOne(-x[i]));
  }
}

void ErfScalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = ErfOne(x[i]);
}

void GeluScalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (v != v) {
      y[i] = v;
      continue;
    }
    // z = |v| / sqrt 2 as a float pair hi + lo (the SIMD paths form the same pair with FMA).
    const double u = static_cast<double>(v) * 0.70710678118654752440;
    const double au = std::fabs(u);
    const float z = static_cast<float>(au);
    const float z_lo = static_cast<float>(au - z);
    float half_erfc = 0.0f;
    if (z < kErfSaturation) {
      float offset;
      const float p = ErfTable(z < kErfTableLimit ? z : kErfTableLimit, z_lo, &offset);
      half_erfc = 0.5f * ((1.0f - offset) - p);
    }
    y[i] = v * (v >= 0.0f ? 1.0f - half_erfc : half_erfc);  // gelu(-inf) = -inf * 0 = NaN
  }
}

void ReluScalar(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = 0.0f > x[i] ? 0.0f : x[i];
}

void ClipScalar(const float* x, float* y, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; ++i) {
    float c = lo > x[i] ? lo : x[i];
    y[i] = hi < c ? hi : c;
  }
}

void AddScalar(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] + b[i];
}
void SubScalar(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] - b[i];
}
void MulScalar(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] * b[i];
}
void DivScalar(const float* a, const float* b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] / b[i];
}
void AddScalarBroadcast(const float* a, float b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] + b;
}
void MulScalarBroadcast(const float* a, float b, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = a[i] * b;
}

float ReduceSumScalar(const float* x, int64_t n) {
  // Eight partial sums: the error grows with n / 8 rather than n, and the loop vectorises.
  float part[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int k = 0; k < 8; ++k) part[k] += x[i + k];
  }
  for (; i < n; ++i) part[i % 8] += x[i];
  return ((part[0] + part[1]) + (part[2] + part[3])) + ((part[4] + part[5]) + (part[6] + part[7]));
}

float ReduceMaxScalar(const float* x, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
  for (int64_t i = 0; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    m = x[i] > m ? x[i] : m;
  }
  return m;
}

void SoftmaxRowScalar(const float* x, float* y, int64_t n) {
  const float m = ReduceMaxScalar(x, n);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float e = ExpOne(x[i] - m);
    y[i] = e;
    sum += e;
  }
  const float inv = 1.0f / sum;
  for (int64_t i = 0; i < n; ++i) y[i] *= inv;
}

void LogSoftmaxRowScalar(const float* x, float* y, int64_t n) {
  const float m = ReduceMaxScalar(x, n);
  float sum = 0.0f;
  for (int64_t i = 0; i < n; ++i) sum += ExpOne(x[i] - m);
  const float log_sum = std::log(sum);
  for (int64_t i = 0; i < n; ++i) y[i] = (x[i] - m) - log_sum;
}

void LayerNormRowScalar(const float* x, const float* scale, const float* bias, float* y, int64_t n, float epsilon,
                        float* mean_out, float* inv_std_out) {
  const float mean = ReduceSumScalar(x, n) / static_cast<float>(n);
  float sq = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    const float d = x[i] - mean;
    sq += d * d;
  }
  const float inv_std = 1.0f / std::sqrt(sq / static_cast<float>(n) + epsilon);
  for (int64_t i = 0; i < n; ++i) {
    const float t = (x[i] - mean) * inv_std * scale[i];
    y[i] = bias ? t + bias[i] : t;
  }
  *mean_out = mean;
  *inv_std_out = inv_std;
}

const VectorKernels& ScalarVectorKernels() {
  static const VectorKernels kernels = [] {
    VectorKernels k{};
    k.name = "scalar";
    k.exp = ExpScalar;
    k.tanh = TanhScalar;
    k.sigmoid = SigmoidScalar;
    k.erf = ErfScalar;
    k.gelu = GeluScalar;
    k.relu = ReluScalar;
    k.clip = ClipScalar;
    k.add = AddScalar;
    k.sub = SubScalar;
    k.mul = MulScalar;
    k.div = DivScalar;
    k.add_scalar = AddScalarBroadcast;
    k.mul_scalar = MulScalarBroadcast;
    k.reduce_sum = ReduceSumScalar;
    k.reduce_max = ReduceMaxScalar;
    k.softmax_row = SoftmaxRowScalar;
    k.log_softmax_row = LogSoftmaxRowScalar;
    k.layer_norm_row = LayerNormRowScalar;
    return k;
  }();
  return kernels;
}

}  // namespace

const VectorKernels& VectorKernelsFor(IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx512:
      return Avx512VectorKernels();
    case IsaLevel::kAvx2:
      return Avx2VectorKernels();
    default:
      return ScalarVectorKernels();
  }
}

const VectorKernels& ActiveVectorKernels() {
  static const VectorKernels& chosen = []() -> const VectorKernels& {
    const VectorKernels& k = VectorKernelsFor(ActiveIsa());
    Log(Severity::kInfo, "", MakeString("vector kernels: ", k.name, " (isa ", IsaName(ActiveIsa()), ")"));
    return k;
  }();
  return chosen;
}

}  // namespace vector_kernels
}  // namespace ortlite
