// The packed GEMM against the triple-loop reference over shapes that hit every edge of the
// blocking: sizes around the micro-kernel tile, the cache blocks, vector shapes and empty ones.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "providers/cpu/math/gemm.h"
#include "util/gemm_kernels.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

template <typename T>
struct GemmCase {
  bool trans_a, trans_b;
  int64_t M, N, K;
  T alpha, beta;
  int64_t pad;  // extra leading-dimension elements
};

template <typename T>
using GemmFn = std::function<void(bool, bool, int64_t, int64_t, int64_t, T, const T*, int64_t, const T*, int64_t, T,
                                  T*, int64_t, ThreadPool*)>;

template <typename T>
void CheckAgainstReference(const GemmCase<T>& c, const GemmFn<T>& gemm, ThreadPool* pool, std::mt19937& rng) {
  std::uniform_real_distribution<double> dist(-1.0, 1.0);
  const int64_t a_rows = c.trans_a ? c.K : c.M, a_cols = c.trans_a ? c.M : c.K;
  const int64_t b_rows = c.trans_b ? c.N : c.K, b_cols = c.trans_b ? c.K : c.N;
  const int64_t lda = a_cols + c.pad, ldb = b_cols + c.pad, ldc = c.N + c.pad;
  std::vector<T> A(static_cast<size_t>(std::max<int64_t>(1, a_rows * lda)));
  std::vector<T> B(static_cast<size_t>(std::max<int64_t>(1, b_rows * ldb)));
  std::vector<T> C(static_cast<size_t>(std::max<int64_t>(1, c.M * ldc)));
  for (auto& v : A) v = static_cast<T>(dist(rng));
  for (auto& v : B) v = static_cast<T>(dist(rng));
  for (auto& v : C) v = static_cast<T>(dist(rng));
  if (c.beta == T(0)) {
    // beta == 0 must ignore C entirely, NaN included.
    for (auto& v : C) v = std::numeric_limits<T>::quiet_NaN();
  }
  std::vector<T> expected = C;
  if constexpr (std::is_same_v<T, float>) {
    SgemmReference(c.trans_a, c.trans_b, c.M, c.N, c.K, c.alpha, A.data(), lda, B.data(), ldb, c.beta,
                   expected.data(), ldc);
  } else {
    DgemmReference(c.trans_a, c.trans_b, c.M, c.N, c.K, c.alpha, A.data(), lda, B.data(), ldb, c.beta,
                   expected.data(), ldc);
  }
  // K == 0 with beta == 0: the reference writes 0 as well.
  gemm(c.trans_a, c.trans_b, c.M, c.N, c.K, c.alpha, A.data(), lda, B.data(), ldb, c.beta, C.data(), ldc, pool);
  const double tol = (std::is_same_v<T, float> ? 2e-6 : 1e-13) * std::max<int64_t>(1, c.K);
  for (int64_t i = 0; i < c.M; ++i) {
    for (int64_t j = 0; j < ldc; ++j) {
      const T e = expected[i * ldc + j], a = C[i * ldc + j];
      if (j >= c.N) {
        // Padding beyond N must be untouched (NaN stays NaN).
        ASSERT_TRUE((std::isnan(e) && std::isnan(a)) || e == a) << "wrote outside C at " << i << "," << j;
        continue;
      }
      ASSERT_NEAR(e, a, tol) << "M=" << c.M << " N=" << c.N << " K=" << c.K << " tA=" << c.trans_a
                             << " tB=" << c.trans_b << " alpha=" << c.alpha << " beta=" << c.beta << " at (" << i
                             << "," << j << ")";
    }
  }
}

template <typename T>
std::vector<int64_t> InterestingSizes(int tile) {
  return {1, 2, 7, 13, 127, int64_t(tile) - 1, int64_t(tile), int64_t(tile) + 1};
}

template <typename T>
void SweepShapes(const GemmFn<T>& gemm, int mr, int nr, ThreadPool* pool) {
  std::mt19937 rng(1234);
  const std::vector<int64_t> ms = InterestingSizes<T>(mr), ns = InterestingSizes<T>(nr);
  const std::vector<int64_t> ks = {1, 3, 16, 17, 255, 257};
  const std::vector<std::pair<T, T>> scales = {{T(1), T(0)}, {T(0.5), T(1)}, {T(-2), T(0.25)}};
  int which = 0;
  for (int64_t M : ms) {
    for (int64_t N : ns) {
      for (int64_t K : ks) {
        // All transposes and scale pairs for every shape would be slow; rotate through them.
        const int t = which++;
        GemmCase<T> c{(t & 1) != 0, (t & 2) != 0, M, N, K, scales[t % 3].first, scales[t % 3].second, t % 5 == 0 ? 3 : 0};
        CheckAgainstReference(c, gemm, pool, rng);
      }
    }
  }
}

GemmFn<float> PackedFloat(const gemm_detail::GemmMicroKernel<float>& k) {
  return [&k](bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
              const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool) {
    gemm_detail::SgemmPacked(k, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
  };
}
GemmFn<double> PackedDouble(const gemm_detail::GemmMicroKernel<double>& k) {
  return [&k](bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
              const double* B, int64_t ldb, double beta, double* C, int64_t ldc, ThreadPool* pool) {
    gemm_detail::DgemmPacked(k, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
  };
}

TEST(GemmTest, SgemmMatchesReferenceSingleThread) {
  SweepShapes<float>(Sgemm, gemm_detail::ActiveSgemmKernel().mr, gemm_detail::ActiveSgemmKernel().nr, nullptr);
}

TEST(GemmTest, SgemmMatchesReferenceThreaded) {
  ThreadPool pool(2);
  SweepShapes<float>(Sgemm, gemm_detail::ActiveSgemmKernel().mr, gemm_detail::ActiveSgemmKernel().nr, &pool);
}

TEST(GemmTest, PortableSgemmKernelMatchesReference) {
  const auto& k = gemm_detail::PortableSgemmKernel();
  SweepShapes<float>(PackedFloat(k), k.mr, k.nr, nullptr);
}

TEST(GemmTest, DgemmMatchesReference) {
  ThreadPool pool(2);
  SweepShapes<double>(Dgemm, gemm_detail::ActiveDgemmKernel().mr, gemm_detail::ActiveDgemmKernel().nr, &pool);
  const auto& k = gemm_detail::PortableDgemmKernel();
  SweepShapes<double>(PackedDouble(k), k.mr, k.nr, nullptr);
}

TEST(GemmTest, AllTransposeAndScaleCombinations) {
  std::mt19937 rng(7);
  ThreadPool pool(2);
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb)
      for (auto ab : std::vector<std::pair<float, float>>{{1, 0}, {1, 1}, {0.5f, -1}, {0, 0.5f}, {0, 0}})
        for (int64_t pad : {0, 5}) {
          CheckAgainstReference<float>({ta != 0, tb != 0, 37, 45, 29, ab.first, ab.second, pad}, Sgemm, &pool, rng);
          CheckAgainstReference<float>({ta != 0, tb != 0, 1, 45, 29, ab.first, ab.second, pad}, Sgemm, &pool, rng);
          CheckAgainstReference<float>({ta != 0, tb != 0, 37, 1, 29, ab.first, ab.second, pad}, Sgemm, &pool, rng);
        }
}

TEST(GemmTest, LargerThanCacheBlocks) {
  // Crosses the K, M and N block boundaries of the driver.
  std::mt19937 rng(99);
  ThreadPool pool(2);
  CheckAgainstReference<float>({false, false, 150, 4100, 100, 1.f, 0.5f, 0}, Sgemm, &pool, rng);
  CheckAgainstReference<float>({true, true, 301, 77, 1030, 1.f, 0.f, 1}, Sgemm, &pool, rng);
}

TEST(GemmTest, VectorShapesAcrossSimdBlocks) {
  // M == 1 and N == 1 take the dot/axpy paths: counts past their 64/256 output blocks, K with
  // and without vector tails.
  std::mt19937 rng(98);
  ThreadPool pool(2);
  for (int64_t count : {255, 256, 600}) {
    for (int64_t K : {32, 70, 1030}) {
      for (int t = 0; t < 4; ++t) {
        const bool ta = t & 1, tb = t & 2;
        CheckAgainstReference<float>({ta, tb, 1, count, K, 1.f, t == 3 ? 0.5f : 0.f, 0}, Sgemm, &pool, rng);
        CheckAgainstReference<float>({ta, tb, count, 1, K, 0.75f, 0.f, 2}, Sgemm, nullptr, rng);
      }
    }
  }
}

TEST(GemmTest, EmptyDimensions) {
  std::mt19937 rng(3);
  for (auto dims : std::vector<std::array<int64_t, 3>>{{0, 5, 4}, {5, 0, 4}, {5, 4, 0}, {0, 0, 0}, {1, 4, 0}}) {
    for (float beta : {0.f, 2.f}) {
      CheckAgainstReference<float>({false, false, dims[0], dims[1], dims[2], 1.f, beta, 0}, Sgemm, nullptr, rng);
      CheckAgainstReference<double>({true, true, dims[0], dims[1], dims[2], 1.0, beta, 0}, Dgemm, nullptr, rng);
    }
  }
}

TEST(GemmTest, GenericIntegerGemmWraps) {
  const std::vector<int32_t> A = {1, 2, 3, 4, 5, 6};  // 2x3
  const std::vector<int32_t> B = {7, 8, 9, 10, 11, 12};  // 3x2
  std::vector<int32_t> C = {1, 1, 1, 1};
  GemmGeneric<int32_t>(false, false, 2, 2, 3, 1, A.data(), 3, B.data(), 2, 2, C.data(), 2, nullptr);
  EXPECT_EQ(C, (std::vector<int32_t>{60, 66, 141, 156}));
  // Transposed operands give the transposed product.
  std::vector<int32_t> Ct(4);
  GemmGeneric<int32_t>(true, true, 2, 2, 3, 1, B.data(), 2, A.data(), 3, 0, Ct.data(), 2, nullptr);
  EXPECT_EQ(Ct, (std::vector<int32_t>{58, 139, 64, 154}));
  const std::vector<uint32_t> ua = {0xFFFFFFFFu}, ub = {2};
  std::vector<uint32_t> uc = {0};
  GemmGeneric<uint32_t>(false, false, 1, 1, 1, 1, ua.data(), 1, ub.data(), 1, 0, uc.data(), 1, nullptr);
  EXPECT_EQ(uc[0], 0xFFFFFFFEu);
}

// ---- pre-packed operands and the fused epilogue ------------------------------------------------

std::vector<Activation> AllActivations() {
  std::vector<Activation> acts(7);
  acts[1].kind = ActivationKind::kRelu;
  acts[2].kind = ActivationKind::kClip;
  acts[2].alpha = -0.25f;
  acts[2].beta = 0.5f;
  acts[3].kind = ActivationKind::kLeakyRelu;
  acts[3].alpha = 0.1f;
  acts[4].kind = ActivationKind::kSigmoid;
  acts[5].kind = ActivationKind::kTanh;
  acts[6].kind = ActivationKind::kHardSigmoid;
  acts[6].alpha = 0.2f;
  acts[6].beta = 0.5f;
  return acts;
}

// C = epilogue(packed(A) x op(B)) against the reference product plus the reference epilogue.
void CheckPackedA(const gemm_detail::GemmMicroKernel<float>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N,
                  int64_t K, bool bias, bool residual, const Activation& act, ThreadPool* pool, std::mt19937& rng) {
  const int64_t lda = trans_a ? M + 1 : K + 2, ldb = trans_b ? K + 3 : N + 1, ldc = N + 2;
  const auto A = RandomFloats(static_cast<size_t>((trans_a ? K : M) * lda), rng);
  const auto B = RandomFloats(static_cast<size_t>((trans_b ? N : K) * ldb), rng);
  const auto row_bias = RandomFloats(static_cast<size_t>(M), rng);
  const auto res = RandomFloats(static_cast<size_t>(M * ldc), rng);
  std::vector<float> expected(static_cast<size_t>(std::max<int64_t>(1, M * ldc)), 7.f);
  std::vector<float> actual(expected.size(), std::numeric_limits<float>::quiet_NaN());
  SgemmReference(trans_a, trans_b, M, N, K, 1.f, A.data(), lda, B.data(), ldb, 0.f, expected.data(), ldc);
  GemmEpilogue ep;
  ep.row_bias = bias ? row_bias.data() : nullptr;
  ep.residual = residual ? res.data() : nullptr;
  ep.ld_residual = ldc;
  ep.activation = act;
  SgemmEpilogueReference(M, N, ep, expected.data(), ldc);
  const PackedSgemmA packed = PackSgemmA(kernel, trans_a, M, K, A.data(), lda);
  SgemmWithPackedA(packed, trans_b, N, B.data(), ldb, actual.data(), ldc, ep, pool);
  const double tol = 2e-6 * std::max<int64_t>(1, K);
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j)
      ASSERT_NEAR(expected[i * ldc + j], actual[i * ldc + j], tol)
          << kernel.name << " M=" << M << " N=" << N << " K=" << K << " tA=" << trans_a << " tB=" << trans_b
          << " bias=" << bias << " residual=" << residual << " act=" << int(act.kind) << " at (" << i << "," << j
          << ")";
}

TEST(GemmTest, PackedAWithEpilogueMatchesReference) {
  std::mt19937 rng(11);
  ThreadPool pool(2);
  const auto acts = AllActivations();
  int which = 0;
  for (const auto* kernel : SupportedSgemmKernels()) {
    for (int64_t M : {1, 5, 12, 13, 64, 75}) {
      for (int64_t N : {1, 7, 31, 32, 33, 49, 200}) {
        for (int64_t K : {1, 9, 64, 147, 700}) {
          const int t = which++;
          CheckPackedA(*kernel, t % 3 == 0, t % 5 == 0, M, N, K, t % 2 == 0, t % 4 == 1, acts[t % acts.size()],
                       t % 2 ? &pool : nullptr, rng);
        }
      }
    }
  }
}

TEST(GemmTest, PackedAWithCallerPacker) {
  // A packer that reads a plain row-major B must give the same result as passing B.
  std::mt19937 rng(12);
  ThreadPool pool(2);
  for (const auto* kernel : SupportedSgemmKernels()) {
    for (auto dims : std::vector<std::array<int64_t, 3>>{{20, 45, 37}, {64, 1100, 700}, {3, 5, 2}}) {
      const int64_t M = dims[0], N = dims[1], K = dims[2];
      const auto A = RandomFloats(static_cast<size_t>(M * K), rng), B = RandomFloats(static_cast<size_t>(K * N), rng);
      std::vector<float> expected(static_cast<size_t>(M * N)), actual(expected.size());
      const PackedSgemmA packed = PackSgemmA(*kernel, false, M, K, A.data(), K);
      int calls = 0;
      const SgemmBPacker packer = [&](int64_t row0, int64_t rows, int64_t col0, int64_t cols, int nr, float* dst) {
        ++calls;
        for (int64_t c = 0; c < (cols + nr - 1) / nr * nr; ++c)
          for (int64_t r = 0; r < rows; ++r)
            dst[(c / nr) * rows * nr + r * nr + c % nr] = c < cols ? B[(row0 + r) * N + col0 + c] : 0.f;
      };
      SgemmReference(false, false, M, N, K, 1.f, A.data(), K, B.data(), N, 0.f, expected.data(), N);
      SgemmWithPackedA(packed, N, packer, actual.data(), N, GemmEpilogue{}, &pool);
      EXPECT_GT(calls, 0);
      for (size_t i = 0; i < expected.size(); ++i) ASSERT_NEAR(expected[i], actual[i], 2e-6 * K) << kernel->name;
    }
  }
}

TEST(GemmTest, PackedBMatchesReference) {
  std::mt19937 rng(13);
  ThreadPool pool(2);
  int which = 0;
  for (const auto* kernel : SupportedSgemmKernels()) {
    for (int64_t M : {1, 2, 11, 12, 13, 100}) {
      for (int64_t N : {1, 15, 32, 33, 300}) {
        for (int64_t K : {1, 17, 321, 1000}) {
          const int t = which++;
          const bool ta = t % 2 == 1, tb = t % 3 == 1;
          const float alpha = t % 4 == 0 ? 1.f : 0.5f, beta = t % 5 == 0 ? 0.f : -1.5f;
          const int64_t lda = (ta ? M : K) + 1, ldb = (tb ? K : N) + 2, ldc = N + 3;
          const auto A = RandomFloats(static_cast<size_t>((ta ? K : M) * lda), rng);
          const auto B = RandomFloats(static_cast<size_t>((tb ? N : K) * ldb), rng);
          auto expected = RandomFloats(static_cast<size_t>(M * ldc), rng);
          auto actual = expected;
          const PackedSgemmB packed = PackSgemmB(*kernel, tb, K, N, B.data(), ldb);
          SgemmReference(ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, expected.data(), ldc);
          SgemmWithPackedB(ta, M, alpha, A.data(), lda, packed, beta, actual.data(), ldc, t % 2 ? &pool : nullptr);
          for (int64_t i = 0; i < M; ++i)
            for (int64_t j = 0; j < ldc; ++j)
              ASSERT_NEAR(expected[i * ldc + j], actual[i * ldc + j], 3e-6 * K)
                  << kernel->name << " M=" << M << " N=" << N << " K=" << K << " at " << i << "," << j;
        }
      }
    }
  }
}

TEST(GemmTest, PackedOperandsWithEmptyDimensions) {
  std::mt19937 rng(14);
  const std::vector<float> A(8, 1.f), B(8, 1.f);
  // K == 0: the product is zero, the epilogue still runs.
  const PackedSgemmA packed = PackSgemmA(false, 2, 0, A.data(), 1);
  std::vector<float> C(6, 5.f);
  const std::vector<float> bias = {1.f, -2.f};
  GemmEpilogue ep;
  ep.row_bias = bias.data();
  ep.activation.kind = ActivationKind::kRelu;
  SgemmWithPackedA(packed, false, 3, B.data(), 3, C.data(), 3, ep, nullptr);
  EXPECT_EQ(C, (std::vector<float>{1, 1, 1, 0, 0, 0}));
  // M == 0 or N == 0 writes nothing.
  const PackedSgemmB pb = PackSgemmB(false, 2, 0, B.data(), 1);
  std::vector<float> D(4, 3.f);
  SgemmWithPackedB(false, 2, 1.f, A.data(), 2, pb, 0.f, D.data(), 2, nullptr);
  EXPECT_EQ(D, std::vector<float>(4, 3.f));
}

TEST(GemmTest, ActivationFromName) {
  EXPECT_EQ(Activation::FromName("", {}).kind, ActivationKind::kNone);
  const Activation clip = Activation::FromName("Clip", {0.f, 6.f});
  EXPECT_EQ(clip.kind, ActivationKind::kClip);
  EXPECT_EQ(ActivationReference(clip, 7.f), 6.f);
  EXPECT_EQ(ActivationReference(clip, -1.f), 0.f);
  EXPECT_FLOAT_EQ(ActivationReference(Activation::FromName("LeakyRelu", {0.5f}), -2.f), -1.f);
  EXPECT_THROW(Activation::FromName("Clip", {1.f}), std::exception);
  EXPECT_THROW(Activation::FromName("Swish", {}), std::exception);
  // The vectorised application agrees with the scalar definition.
  std::mt19937 rng(15);
  for (const Activation& act : AllActivations()) {
    auto x = RandomFloats(37, rng);
    for (auto& v : x) v *= 8.f;
    auto y = x;
    ApplyActivation(act, y.data(), static_cast<int64_t>(y.size()));
    for (size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], ActivationReference(act, x[i]), 1e-6f);
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
