// The vector kernels (providers/cpu/math/vector_kernels.h) on every instruction-set path the host
// can run, each table called directly: accuracy against double-precision libm over dense sweeps
// and random values, NaN/Inf/saturation behaviour, monotonicity, sizes that hit the SIMD tails,
// agreement with the scalar reference, and the row kernels (softmax, layer norm, reductions).
// MathVectorKernels.DISABLED_Throughput prints elements/ns per kernel and path
// (--gtest_also_run_disabled_tests).
#include "providers/cpu/math/vector_kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "providers/cpu/common/cpu_features.h"

namespace ortlite {
namespace test {
namespace {

using vector_kernels::VectorKernels;
using vector_kernels::VectorKernelsFor;

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();
const float kMaxFloat = std::numeric_limits<float>::max();
const float kMinNormal = std::numeric_limits<float>::min();
const float kMinSubnormal = std::numeric_limits<float>::denorm_min();

// Documented bounds (vector_kernels.h). Errors are |y - ref| / max(|ref|, FLT_MIN): relative for
// normal results, and for subnormal results absolute in units of FLT_MIN.
constexpr double kExpMaxRelError = 1.2e-7;
constexpr double kTanhMaxRelError = 2e-7;
constexpr double kSigmoidMaxRelError = 2e-7;
constexpr double kErfMaxAbsError = 1.2e-7;
constexpr double kErfMaxRelError = 2e-7;
constexpr double kGeluMaxRelError = 1.5e-6;  // x >= -5.5
constexpr double kGeluMaxAbsError = 4.5e-8;  // x < -5.5, where |gelu| < 1.1e-7
// The SIMD paths may differ from the scalar reference by FMA contraction only: a few ulp, more
// in gelu's far negative tail, where erfc's polynomial sums terms larger than the result.
constexpr int kMaxUlpFromScalar = 4;
constexpr int kMaxGeluUlpFromScalar = 16;

std::vector<const VectorKernels*> Paths() {
  std::vector<const VectorKernels*> paths{&VectorKernelsFor(IsaLevel::kScalar)};
  if (DetectedIsa() >= IsaLevel::kAvx2) paths.push_back(&VectorKernelsFor(IsaLevel::kAvx2));
  if (DetectedIsa() >= IsaLevel::kAvx512) paths.push_back(&VectorKernelsFor(IsaLevel::kAvx512));
  return paths;
}

double Gelu(double x) { return x * 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double Sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }

struct UnaryCase {
  const char* name;
  vector_kernels::UnaryFn VectorKernels::*fn;
  std::function<double(double)> reference;
  // -1: not monotone; otherwise how many ulp a result may dip below its left neighbour's (erf's
  // polynomial, with slope below 1, cannot be both monotone and rounded like this to the ulp).
  int monotone_slack_ulp;
};

std::vector<UnaryCase> UnaryCases() {
  return {
      {"exp", &VectorKernels::exp, [](double x) { return std::exp(x); }, 0},
      {"tanh", &VectorKernels::tanh, [](double x) { return std::tanh(x); }, 0},
      {"sigmoid", &VectorKernels::sigmoid, Sigmoid, 0},
      {"erf", &VectorKernels::erf, [](double x) { return std::erf(x); }, 1},
      {"gelu", &VectorKernels::gelu, Gelu, -1},
  };
}

uint32_t Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
float FromBits(uint32_t b) {
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

// About `count` floats in [lo, hi] evenly spaced in bit pattern on each side of zero: every binade
// is sampled, from the subnormals up.
std::vector<float> Sweep(float lo, float hi, uint32_t count) {
  // Bit-pattern ranges of the magnitudes on each side.
  const bool has_positive = hi >= 0, has_negative = lo < 0;
  const uint32_t pos_begin = Bits(std::max(lo, 0.0f)), pos_end = Bits(std::max(hi, 0.0f));
  const uint32_t neg_begin = Bits(std::max(-hi, 0.0f)), neg_end = Bits(std::max(-lo, 0.0f));
  const uint64_t total = (has_positive ? pos_end - pos_begin : 0) + (has_negative ? neg_end - neg_begin : 0);
  const uint32_t stride = static_cast<uint32_t>(std::max<uint64_t>(1, total / count));
  std::vector<float> v;
  if (has_positive) {
    for (uint64_t b = pos_begin; b <= pos_end; b += stride) v.push_back(FromBits(static_cast<uint32_t>(b)));
  }
  if (has_negative) {
    for (uint64_t b = neg_begin; b <= neg_end; b += stride) v.push_back(-FromBits(static_cast<uint32_t>(b)));
  }
  v.push_back(lo);
  v.push_back(hi);
  return v;
}

// `count` evenly spaced values in [lo, hi], and the 1000 floats either side of each of `points`
// (where the kernels switch between approximations).
std::vector<float> Linear(float lo, float hi, int count, const std::vector<float>& points = {}) {
  std::vector<float> v;
  for (int i = 0; i <= count; ++i) v.push_back(lo + (hi - lo) * static_cast<float>(i) / count);
  for (float p : points) {
    for (float s : {p, -p}) {
      float f = s;
      for (int i = 0; i < 1000; ++i) f = std::nextafter(f, -kInf);
      for (int i = 0; i < 2000; ++i, f = std::nextafter(f, kInf)) {
        if (f >= lo && f <= hi) v.push_back(f);
      }
    }
  }
  return v;
}

// Where the kernels switch approximation or clamp.
const std::vector<float> kSwitchPoints = {0.625f,  0.9f,    0.9f * 1.41421356f, 4.0f, 5.656854f, 14.85f, 88.72f,
                                          -87.33f, -103.97f};

std::vector<float> RandomValues(size_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> unit(0.0f, 1.0f), wide(0.0f, 8.0f);
  std::uniform_real_distribution<float> uniform(-120.0f, 100.0f);
  std::vector<float> v;
  for (size_t i = 0; i < count; ++i) v.push_back(i % 3 == 0 ? unit(rng) : i % 3 == 1 ? wide(rng) : uniform(rng));
  return v;
}

// Distance in representable floats (both finite).
int64_t UlpDistance(float a, float b) {
  auto ordered = [](float f) {
    const int64_t b = static_cast<int32_t>(Bits(f));
    return b < 0 ? -(b & 0x7fffffff) : b;
  };
  return std::abs(ordered(a) - ordered(b));
}

double ScaledError(float y, double ref) { return std::fabs(y - ref) / std::max(std::fabs(ref), double{kMinNormal}); }

struct ErrorStats {
  double max_error = 0;
  float worst_x = 0;
  void Add(double err, float x) {
    if (err > max_error || std::isnan(err)) {
      max_error = std::isnan(err) ? INFINITY : err;
      worst_x = x;
    }
  }
};

std::vector<float> Apply(const VectorKernels& k, vector_kernels::UnaryFn VectorKernels::*fn,
                         const std::vector<float>& x) {
  std::vector<float> y(x.size());
  (k.*fn)(x.data(), y.data(), static_cast<int64_t>(x.size()));
  return y;
}

// The inputs where each function's documented bound applies: a sweep of every binade, a dense
// linear sweep, the switch points and random values.
std::vector<float> AccuracyInputs(const std::string& name) {
  float lo = -12.0f, hi = 12.0f;
  if (name == "exp") lo = -87.336f, hi = 88.72f;
  if (name == "sigmoid") lo = -87.3f, hi = 30.0f;
  if (name == "gelu") lo = -5.5f, hi = 20.0f;
  std::vector<float> x = Sweep(lo, hi, 1 << 19);
  const std::vector<float> dense = Linear(lo, hi, 1 << 19, kSwitchPoints);
  x.insert(x.end(), dense.begin(), dense.end());
  for (float r : RandomValues(200000, 7)) {
    if (r >= lo && r <= hi) x.push_back(r);
  }
  return x;
}

TEST(MathVectorKernels, AccuracyAgainstLibm) {
  for (const VectorKernels* k : Paths()) {
    for (const UnaryCase& c : UnaryCases()) {
      SCOPED_TRACE(std::string(k->name) + " " + c.name);
      const std::vector<float> x = AccuracyInputs(c.name);
      const std::vector<float> y = Apply(*k, c.fn, x);
      ErrorStats rel, abs;
      for (size_t i = 0; i < x.size(); ++i) {
        const double ref = c.reference(x[i]);
        if (c.name == std::string("gelu") && x[i] < -5.5f) {
          abs.Add(std::fabs(y[i] - ref), x[i]);
          continue;
        }
        rel.Add(ScaledError(y[i], ref), x[i]);
        abs.Add(std::fabs(y[i] - ref), x[i]);
      }
      std::printf("  %-7s %-8s max scaled relative error %.3g (x = %.9g), max absolute error %.3g (x = %.9g)\n",
                  k->name, c.name, rel.max_error, rel.worst_x, abs.max_error, abs.worst_x);
      const std::string name = c.name;
      const double bound = name == "exp"       ? kExpMaxRelError
                           : name == "tanh"    ? kTanhMaxRelError
                           : name == "sigmoid" ? kSigmoidMaxRelError
                           : name == "erf"     ? kErfMaxRelError
                                               : kGeluMaxRelError;
      EXPECT_LE(rel.max_error, bound) << "x = " << rel.worst_x;
      if (name == "erf") {
        EXPECT_LE(abs.max_error, kErfMaxAbsError) << "x = " << abs.worst_x;
      }
    }
  }
}

TEST(MathVectorKernels, GeluFarNegativeTailIsTiny) {
  const std::vector<float> x = Sweep(-200.0f, -5.5f, 1 << 16);
  for (const VectorKernels* k : Paths()) {
    SCOPED_TRACE(k->name);
    const std::vector<float> y = Apply(*k, &VectorKernels::gelu, x);
    for (size_t i = 0; i < x.size(); ++i) {
      ASSERT_LE(std::fabs(y[i] - Gelu(x[i])), kGeluMaxAbsError) << "x = " << x[i];
      ASSERT_LE(y[i], 0.0f) << "x = " << x[i];
    }
  }
}

// Tiny inputs: tanh(x) ~ x, erf(x) ~ 2x/sqrt(pi), gelu(x) ~ x/2 must hold in relative terms (the
// conformance tolerance is relative near 0).
TEST(MathVectorKernels, TinyInputsKeepRelativeAccuracy) {
  std::vector<float> x;
  for (float v = 1e-30f; v < 1e-2f; v *= 1.37f) {
    x.push_back(v);
    x.push_back(-v);
  }
  x.push_back(kMinSubnormal);
  x.push_back(-kMinSubnormal);
  x.push_back(kMinNormal);
  for (const VectorKernels* k : Paths()) {
    SCOPED_TRACE(k->name);
    const std::vector<float> t = Apply(*k, &VectorKernels::tanh, x);
    const std::vector<float> e = Apply(*k, &VectorKernels::erf, x);
    const std::vector<float> g = Apply(*k, &VectorKernels::gelu, x);
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_LE(ScaledError(t[i], std::tanh(double{x[i]})), kTanhMaxRelError) << x[i];
      EXPECT_LE(ScaledError(e[i], std::erf(double{x[i]})), kErfMaxRelError) << x[i];
      EXPECT_LE(ScaledError(g[i], Gelu(x[i])), kGeluMaxRelError) << x[i];
    }
  }
}

void ExpectSame(float got, float want, const std::string& what) {
  if (std::isnan(want)) {
    EXPECT_TRUE(std::isnan(got)) << what << ": got " << got << ", want NaN";
  } else {
    EXPECT_EQ(got, want) << what;
    EXPECT_EQ(std::signbit(got), std::signbit(want)) << what << ": sign of " << got;
  }
}

TEST(MathVectorKernels, SpecialValuesAndSaturation) {
  struct Expect {
    const char* name;
    vector_kernels::UnaryFn VectorKernels::*fn;
    std::vector<std::pair<float, float>> cases;
  };
  const std::vector<Expect> expects = {
      {"exp",
       &VectorKernels::exp,
       {{kNaN, kNaN},
        {kInf, kInf},
        {-kInf, 0.0f},
        {0.0f, 1.0f},
        {-0.0f, 1.0f},
        {88.73f, kInf},
        {89.0f, kInf},
        {1000.0f, kInf},
        {kMaxFloat, kInf},
        {-104.0f, 0.0f},
        {-1000.0f, 0.0f},
        {-kMaxFloat, 0.0f}}},
      {"tanh",
       &VectorKernels::tanh,
       {{kNaN, kNaN},
        {kInf, 1.0f},
        {-kInf, -1.0f},
        {0.0f, 0.0f},
        {-0.0f, -0.0f},
        {10.0f, 1.0f},
        {-10.0f, -1.0f},
        {1e30f, 1.0f},
        {-kMaxFloat, -1.0f},
        {kMinSubnormal, kMinSubnormal}}},
      {"sigmoid",
       &VectorKernels::sigmoid,
       {{kNaN, kNaN},
        {kInf, 1.0f},
        {-kInf, 0.0f},
        {0.0f, 0.5f},
        {-0.0f, 0.5f},
        {20.0f, 1.0f},
        {1e30f, 1.0f},
        {-200.0f, 0.0f},
        {-kMaxFloat, 0.0f}}},
      {"erf",
       &VectorKernels::erf,
       {{kNaN, kNaN},
        {kInf, 1.0f},
        {-kInf, -1.0f},
        {0.0f, 0.0f},
        {-0.0f, -0.0f},
        {4.0f, 1.0f},
        {-6.0f, -1.0f},
        {kMaxFloat, 1.0f}}},
      {"gelu",
       &VectorKernels::gelu,
       {{kNaN, kNaN},
        {kInf, kInf},
        {-kInf, kNaN},
        {0.0f, 0.0f},
        {-0.0f, -0.0f},
        {10.0f, 10.0f},
        {1e30f, 1e30f},
        {-20.0f, -0.0f},
        {-kMaxFloat, -0.0f}}},
  };
  for (const VectorKernels* k : Paths()) {
    for (const Expect& e : expects) {
      std::vector<float> x;
      for (auto& c : e.cases) x.push_back(c.first);
      const std::vector<float> y = Apply(*k, e.fn, x);
      for (size_t i = 0; i < x.size(); ++i) {
        ExpectSame(y[i], e.cases[i].second, std::string(k->name) + " " + e.name + "(" + std::to_string(x[i]) + ")");
      }
    }
  }
}

TEST(MathVectorKernels, ExpFlushesSubnormalResultsToZero) {
  const std::vector<float> x = Sweep(-120.0f, -87.0f, 1 << 16);
  for (const VectorKernels* k : Paths()) {
    SCOPED_TRACE(k->name);
    const std::vector<float> y = Apply(*k, &VectorKernels::exp, x);
    for (size_t i = 0; i < x.size(); ++i) {
      const double want = std::exp(double{x[i]});
      if (want < kMinNormal) {
        ASSERT_EQ(y[i], 0.0f) << "x = " << x[i];
      } else {
        ASSERT_LE(ScaledError(y[i], want), kExpMaxRelError) << "x = " << x[i];
      }
    }
  }
}

TEST(MathVectorKernels, MonotoneWhereTheFunctionIs) {
  const std::vector<float> x = [] {
    std::vector<float> v = Sweep(-110.0f, 95.0f, 1 << 19);
    const std::vector<float> dense = Linear(-12.0f, 12.0f, 1 << 18, kSwitchPoints);
    v.insert(v.end(), dense.begin(), dense.end());
    std::sort(v.begin(), v.end());
    return v;
  }();
  for (const VectorKernels* k : Paths()) {
    for (const UnaryCase& c : UnaryCases()) {
      if (c.monotone_slack_ulp < 0) continue;
      SCOPED_TRACE(std::string(k->name) + " " + c.name);
      const std::vector<float> y = Apply(*k, c.fn, x);
      int violations = 0;
      for (size_t i = 1; i < x.size(); ++i) {
        if (y[i - 1] > y[i] && UlpDistance(y[i - 1], y[i]) > c.monotone_slack_ulp) {
          if (++violations < 5)
            ADD_FAILURE() << "between " << x[i - 1] << " and " << x[i] << ": " << y[i - 1] << " > " << y[i];
        }
      }
      EXPECT_EQ(violations, 0);
    }
  }
}

const std::vector<int64_t> kTailSizes = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 127, 1000};

// Every size gives the per-element results of the scalar reference (within FMA differences),
// writes nothing past n, and works in place.
TEST(MathVectorKernels, TailSizesMatchScalarReference) {
  const VectorKernels& scalar = VectorKernelsFor(IsaLevel::kScalar);
  const std::vector<float> pool = RandomValues(1000, 3);
  for (const VectorKernels* k : Paths()) {
    for (const UnaryCase& c : UnaryCases()) {
      for (int64_t n : kTailSizes) {
        SCOPED_TRACE(std::string(k->name) + " " + c.name + " n=" + std::to_string(n));
        std::vector<float> x(pool.begin(), pool.begin() + n);
        std::vector<float> want(n + 1, 12345.0f), got(n + 1, 12345.0f);
        (scalar.*c.fn)(x.data(), want.data(), n);
        (k->*c.fn)(x.data(), got.data(), n);
        EXPECT_EQ(got[n], 12345.0f) << "wrote past the end";
        for (int64_t i = 0; i < n; ++i) {
          ASSERT_LE(UlpDistance(got[i], want[i]),
                    c.name == std::string("gelu") ? kMaxGeluUlpFromScalar : kMaxUlpFromScalar)
              << "x = " << x[i] << ": " << got[i] << " vs " << want[i];
        }
        std::vector<float> in_place = x;
        (k->*c.fn)(in_place.data(), in_place.data(), n);
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(Bits(in_place[i]), Bits(got[i])) << "in place, i = " << i;
      }
    }
  }
}

TEST(MathVectorKernels, ClipAndRelu) {
  std::vector<float> x = {kNaN, -kInf, kInf, -0.0f, 0.0f, -1.0f, 1.0f, 5.9f, 6.0f, 6.1f, -3.0f, 100.0f, 2.5f};
  const std::vector<float> r = RandomValues(990, 11);
  x.insert(x.end(), r.begin(), r.end());
  auto clip = [](float v, float lo, float hi) {
    float c = lo > v ? lo : v;
    return hi < c ? hi : c;
  };
  const std::vector<std::pair<float, float>> bounds = {{0.0f, 6.0f}, {-1.0f, 1.0f}, {-kInf, kInf},
                                                       {2.0f, 1.0f}, {0.0f, kInf},  {-kMaxFloat, kMaxFloat}};
  for (const VectorKernels* k : Paths()) {
    for (int64_t n : kTailSizes) {
      SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n));
      for (const auto& b : bounds) {
        std::vector<float> y(n + 1, 7.0f);
        k->clip(x.data(), y.data(), n, b.first, b.second);
        EXPECT_EQ(y[n], 7.0f);
        for (int64_t i = 0; i < n; ++i) {
          ExpectSame(y[i], clip(x[i], b.first, b.second), "clip(" + std::to_string(x[i]) + ")");
        }
      }
      std::vector<float> y(n + 1, 7.0f);
      k->relu(x.data(), y.data(), n);
      EXPECT_EQ(y[n], 7.0f);
      for (int64_t i = 0; i < n; ++i) ExpectSame(y[i], 0.0f > x[i] ? 0.0f : x[i], "relu(" + std::to_string(x[i]) + ")");
    }
  }
}

TEST(MathVectorKernels, BinaryOpsAreExact) {
  std::vector<float> a = RandomValues(1000, 5), b = RandomValues(1000, 6);
  a[3] = kNaN;
  b[4] = kInf;
  b[5] = 0.0f;
  for (const VectorKernels* k : Paths()) {
    for (int64_t n : kTailSizes) {
      SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n));
      std::vector<float> y(n + 1, 7.0f);
      auto check = [&](const char* op, auto fn) {
        EXPECT_EQ(y[n], 7.0f) << op;
        for (int64_t i = 0; i < n; ++i) ExpectSame(y[i], fn(i), op);
      };
      k->add(a.data(), b.data(), y.data(), n);
      check("add", [&](int64_t i) { return a[i] + b[i]; });
      k->sub(a.data(), b.data(), y.data(), n);
      check("sub", [&](int64_t i) { return a[i] - b[i]; });
      k->mul(a.data(), b.data(), y.data(), n);
      check("mul", [&](int64_t i) { return a[i] * b[i]; });
      k->div(a.data(), b.data(), y.data(), n);
      check("div", [&](int64_t i) { return a[i] / b[i]; });
      k->add_scalar(a.data(), 0.75f, y.data(), n);
      check("add_scalar", [&](int64_t i) { return a[i] + 0.75f; });
      k->mul_scalar(a.data(), -3.5f, y.data(), n);
      check("mul_scalar", [&](int64_t i) { return a[i] * -3.5f; });
    }
  }
}

TEST(MathVectorKernels, Reductions) {
  const std::vector<float> x = RandomValues(5000, 9);
  for (const VectorKernels* k : Paths()) {
    for (int64_t n :
         {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{17}, int64_t{33}, int64_t{65}, int64_t{1000}, int64_t{5000}}) {
      SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n));
      double sum = 0, abs_sum = 0;
      float max = -kInf;
      for (int64_t i = 0; i < n; ++i) {
        sum += x[i];
        abs_sum += std::fabs(x[i]);
        max = std::max(max, x[i]);
      }
      EXPECT_NEAR(k->reduce_sum(x.data(), n), sum, 1e-6 * abs_sum + 1e-30);
      EXPECT_EQ(k->reduce_max(x.data(), n), max);
      if (n > 0) {
        std::vector<float> with_nan(x.begin(), x.begin() + n);
        with_nan[n - 1] = kNaN;
        EXPECT_TRUE(std::isnan(k->reduce_max(with_nan.data(), n)));
        with_nan[n - 1] = x[n - 1];
        with_nan[0] = kNaN;
        EXPECT_TRUE(std::isnan(k->reduce_max(with_nan.data(), n)));
        std::vector<float> all_neg_inf(n, -kInf);
        EXPECT_EQ(k->reduce_max(all_neg_inf.data(), n), -kInf);
      }
    }
  }
}

TEST(MathVectorKernels, SoftmaxRows) {
  std::mt19937 rng(21);
  std::normal_distribution<float> dist(0.0f, 6.0f);
  for (const VectorKernels* k : Paths()) {
    for (int64_t n :
         {int64_t{1}, int64_t{2}, int64_t{15}, int64_t{16}, int64_t{17}, int64_t{33}, int64_t{128}, int64_t{1000}}) {
      SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n));
      std::vector<float> x(n);
      for (auto& v : x) v = dist(rng);
      if (n > 3) {
        x[1] = -kInf;  // a masked position
        x[2] = 1e30f;  // would overflow exp without the max shift
        x[3] = 1e30f;
      }
      double m = -INFINITY;
      for (float v : x) m = std::max(m, double{v});
      double s = 0;
      for (float v : x) s += std::exp(v - m);
      std::vector<float> y(n + 1, 7.0f), ly(n + 1, 7.0f);
      k->softmax_row(x.data(), y.data(), n);
      k->log_softmax_row(x.data(), ly.data(), n);
      EXPECT_EQ(y[n], 7.0f);
      EXPECT_EQ(ly[n], 7.0f);
      double total = 0;
      for (int64_t i = 0; i < n; ++i) {
        const double want = std::exp(x[i] - m) / s;
        const double want_log = (x[i] - m) - std::log(s);
        EXPECT_LE(std::fabs(y[i] - want), 1e-6 * want + 1e-38) << i;
        if (std::isinf(want_log)) {
          EXPECT_EQ(ly[i], -kInf) << i;
        } else {
          EXPECT_LE(std::fabs(ly[i] - want_log), 1e-6 * std::fabs(want_log) + 2e-7) << i;
        }
        total += y[i];
      }
      EXPECT_NEAR(total, 1.0, 1e-5);
      // In place.
      std::vector<float> z = x;
      k->softmax_row(z.data(), z.data(), n);
      for (int64_t i = 0; i < n; ++i) EXPECT_EQ(Bits(z[i]), Bits(y[i])) << i;
      z = x;
      k->log_softmax_row(z.data(), z.data(), n);
      for (int64_t i = 0; i < n; ++i) EXPECT_EQ(Bits(z[i]), Bits(ly[i])) << i;
      // A NaN anywhere makes the row NaN, as exp(x - max) in numpy does.
      z = x;
      z[n / 2] = kNaN;
      k->softmax_row(z.data(), y.data(), n);
      for (int64_t i = 0; i < n; ++i) EXPECT_TRUE(std::isnan(y[i])) << i;
    }
  }
}

TEST(MathVectorKernels, LayerNormRows) {
  std::mt19937 rng(33);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (const VectorKernels* k : Paths()) {
    for (int64_t n : {int64_t{1}, int64_t{3}, int64_t{16}, int64_t{17}, int64_t{33}, int64_t{384}, int64_t{1001}}) {
      for (bool with_bias : {true, false}) {
        SCOPED_TRACE(std::string(k->name) + " n=" + std::to_string(n) + (with_bias ? " bias" : ""));
        // An offset mean checks the two-pass variance.
        std::vector<float> x(n), scale(n), bias(n);
        for (auto& v : x) v = 100.0f + 3.0f * dist(rng);
        for (auto& v : scale) v = dist(rng);
        for (auto& v : bias) v = dist(rng);
        double mean = 0;
        for (float v : x) mean += v;
        mean /= n;
        double var = 0;
        for (float v : x) var += (v - mean) * (v - mean);
        var /= n;
        const double inv_std = 1.0 / std::sqrt(var + 1e-5);
        std::vector<float> y(n + 1, 7.0f);
        float got_mean = 0, got_inv_std = 0;
        k->layer_norm_row(x.data(), scale.data(), with_bias ? bias.data() : nullptr, y.data(), n, 1e-5f, &got_mean,
                          &got_inv_std);
        EXPECT_EQ(y[n], 7.0f);
        EXPECT_NEAR(got_mean, mean, 1e-5 * std::fabs(mean));
        EXPECT_NEAR(got_inv_std, inv_std, 1e-5 * inv_std);
        for (int64_t i = 0; i < n; ++i) {
          const double want = (x[i] - mean) * inv_std * scale[i] + (with_bias ? bias[i] : 0.0);
          EXPECT_NEAR(y[i], want, 1e-5 * (std::fabs(want) + 1.0)) << i;
        }
        std::vector<float> z = x;
        k->layer_norm_row(z.data(), scale.data(), with_bias ? bias.data() : nullptr, z.data(), n, 1e-5f, &got_mean,
                          &got_inv_std);
        for (int64_t i = 0; i < n; ++i) EXPECT_EQ(Bits(z[i]), Bits(y[i])) << "in place " << i;
      }
    }
  }
}

TEST(MathVectorKernels, EveryEntryIsSet) {
  for (const VectorKernels* k : Paths()) {
    SCOPED_TRACE(k->name);
    EXPECT_TRUE(k->exp && k->tanh && k->sigmoid && k->erf && k->gelu && k->relu && k->clip);
    EXPECT_TRUE(k->add && k->sub && k->mul && k->div && k->add_scalar && k->mul_scalar);
    EXPECT_TRUE(k->reduce_sum && k->reduce_max && k->softmax_row && k->log_softmax_row && k->layer_norm_row);
  }
}

TEST(MathVectorKernels, ActiveTableFollowsIsaCap) {
  EXPECT_EQ(&vector_kernels::ActiveVectorKernels(), &VectorKernelsFor(ActiveIsa()));
  EXPECT_STREQ(vector_kernels::ActiveVectorKernels().name, IsaName(ActiveIsa()));
}

// A float buffer starting `offset` floats past a 64-byte boundary (tensor buffers are 64-byte
// aligned; slices handed to threads need not be).
class Buffer {
 public:
  Buffer(const std::vector<float>& values, size_t offset) : storage_(values.size() + 32) {
    const uintptr_t base = reinterpret_cast<uintptr_t>(storage_.data());
    data_ = reinterpret_cast<float*>((base + 63) / 64 * 64) + offset;
    std::copy(values.begin(), values.end(), data_);
  }
  float* data() { return data_; }

 private:
  std::vector<float> storage_;
  float* data_;
};

// Elements per nanosecond of each kernel on 64K floats (in L2), per path, with 64-byte aligned
// buffers and with buffers 4 floats off alignment.
TEST(MathVectorKernels, DISABLED_Throughput) {
  const int64_t n = 1 << 16;
  std::vector<float> xv = RandomValues(n, 1);
  for (auto& v : xv) v = std::max(-80.0f, std::min(80.0f, v));
  for (size_t offset : {size_t{0}, size_t{4}}) {
    Buffer xb(xv, offset), bb(RandomValues(n, 2), offset), yb(std::vector<float>(n), offset);
    float* x = xb.data();
    float* b = bb.data();
    float* y = yb.data();
    std::printf("buffers %zu bytes past 64-byte alignment\n", offset * sizeof(float));
    for (const VectorKernels* k : Paths()) {
      auto time = [&](const char* what, const std::function<void()>& fn) {
        fn();
        double best = 1e30;
        for (int rep = 0; rep < 7; ++rep) {
          const auto t0 = std::chrono::steady_clock::now();
          for (int it = 0; it < 10; ++it) fn();
          const double ns =
              std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / 10;
          best = std::min(best, ns);
        }
        std::printf("  %-7s %-16s %7.2f elements/ns\n", k->name, what, n / best);
      };
      for (const UnaryCase& c : UnaryCases()) time(c.name, [&] { (k->*c.fn)(x, y, n); });
      time("relu", [&] { k->relu(x, y, n); });
      time("clip", [&] { k->clip(x, y, n, 0.0f, 6.0f); });
      time("add", [&] { k->add(x, b, y, n); });
      time("mul", [&] { k->mul(x, b, y, n); });
      time("mul_scalar", [&] { k->mul_scalar(x, 0.5f, y, n); });
      time("reduce_sum", [&] { y[0] = k->reduce_sum(x, n); });
      time("reduce_max", [&] { y[0] = k->reduce_max(x, n); });
      time("softmax_row128", [&] {
        for (int64_t r = 0; r < n; r += 128) k->softmax_row(x + r, y + r, 128);
      });
      time("layer_norm_384", [&] {
        float m, s;
        for (int64_t r = 0; r + 384 <= n; r += 384) k->layer_norm_row(x + r, b, b, y + r, 384, 1e-5f, &m, &s);
      });
    }
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
