// The blocked GEMM driver against the scalar reference over random shapes, for every kernel the
// machine supports, at one and two threads: odd M/N/K hitting the SIMD tails, both transposes,
// alpha/beta, padded strides (including 4 KiB multiples, which change how B is read), and the
// shapes that pick each way of feeding the micro-kernel (A and B read in place, B packed by the
// first row of tiles, A and B packed by the driver).
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "providers/cpu/math/gemm.h"
#include "util/gemm_kernels.h"

namespace ortlite {
namespace test {
namespace {

using gemm_detail::GemmMicroKernel;

struct Shape {
  bool trans_a, trans_b;
  int64_t M, N, K;
  float alpha, beta;
  int64_t lda, ldb, ldc;
};

std::string Describe(const GemmMicroKernel<float>& kernel, const Shape& s, int threads) {
  return std::string(kernel.name) + " M=" + std::to_string(s.M) + " N=" + std::to_string(s.N) +
         " K=" + std::to_string(s.K) + " tA=" + std::to_string(s.trans_a) + " tB=" + std::to_string(s.trans_b) +
         " alpha=" + std::to_string(s.alpha) + " beta=" + std::to_string(s.beta) + " lda=" + std::to_string(s.lda) +
         " ldb=" + std::to_string(s.ldb) + " ldc=" + std::to_string(s.ldc) + " threads=" + std::to_string(threads);
}

void Check(const GemmMicroKernel<float>& kernel, const Shape& s, ThreadPool* pool, int threads, std::mt19937& rng) {
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  const int64_t a_rows = s.trans_a ? s.K : s.M, b_rows = s.trans_b ? s.N : s.K;
  std::vector<float> A(static_cast<size_t>(std::max<int64_t>(1, a_rows * s.lda)));
  std::vector<float> B(static_cast<size_t>(std::max<int64_t>(1, b_rows * s.ldb)));
  std::vector<float> C(static_cast<size_t>(std::max<int64_t>(1, s.M * s.ldc)));
  for (auto& v : A) v = dist(rng);
  for (auto& v : B) v = dist(rng);
  for (size_t i = 0; i < C.size(); ++i) {
    const bool inside = static_cast<int64_t>(i % s.ldc) < s.N;
    // beta == 0 ignores C, NaN included; padding must stay as it was.
    C[i] = inside && s.beta == 0.f ? std::numeric_limits<float>::quiet_NaN() : dist(rng);
  }
  std::vector<float> expected = C;
  SgemmReference(s.trans_a, s.trans_b, s.M, s.N, s.K, s.alpha, A.data(), s.lda, B.data(), s.ldb, s.beta,
                 expected.data(), s.ldc);
  gemm_detail::SgemmPacked(kernel, s.trans_a, s.trans_b, s.M, s.N, s.K, s.alpha, A.data(), s.lda, B.data(), s.ldb,
                           s.beta, C.data(), s.ldc, pool);
  const double tol = 2e-6 * (s.K + 4);
  for (int64_t i = 0; i < s.M; ++i) {
    for (int64_t j = 0; j < s.ldc; ++j) {
      const float e = expected[i * s.ldc + j], a = C[i * s.ldc + j];
      ASSERT_NEAR(e, a, tol) << Describe(kernel, s, threads) << " at (" << i << "," << j << ")";
    }
  }
}

// Leading dimension of a matrix with `cols` columns: tight, padded, or a 4 KiB multiple.
int64_t PickStride(int64_t cols, int choice) {
  switch (choice) {
    case 0: return cols;
    case 1: return cols + 7;
    default: return (cols + 1023) / 1024 * 1024;
  }
}

TEST(GemmDriverTest, RandomShapesMatchReference) {
  std::mt19937 rng(2024);
  ThreadPool pool(2);
  // Sizes around tile multiples and past the K blocking (K > 384 splits K). N splits only past
  // the L2-sized B block: EachWayOfFeedingTheKernel covers that.
  const std::vector<int64_t> rows = {1, 3, 11, 12, 13, 23, 24, 25, 36, 37, 49, 97, 131};
  const std::vector<int64_t> cols = {1, 15, 16, 17, 31, 33, 64, 95, 200, 700};
  const std::vector<int64_t> depths = {1, 7, 16, 63, 129, 385, 800};
  const float scales[][2] = {{1.f, 0.f}, {1.f, 1.f}, {-0.5f, 0.25f}, {2.f, 0.f}};
  std::uniform_int_distribution<size_t> pick_m(0, rows.size() - 1), pick_n(0, cols.size() - 1),
      pick_k(0, depths.size() - 1);
  for (const auto* kernel : SupportedSgemmKernels()) {
    for (int trial = 0; trial < 120; ++trial) {
      Shape s;
      s.trans_a = trial % 3 == 1;
      s.trans_b = trial % 5 == 2;
      s.M = rows[pick_m(rng)];
      s.N = cols[pick_n(rng)];
      s.K = depths[pick_k(rng)];
      s.alpha = scales[trial % 4][0];
      s.beta = scales[trial % 4][1];
      s.lda = PickStride(s.trans_a ? s.M : s.K, trial % 3);
      s.ldb = PickStride(s.trans_b ? s.K : s.N, (trial / 3) % 3);
      s.ldc = PickStride(s.N, (trial / 9) % 2);
      const int threads = trial % 2 ? 2 : 1;
      Check(*kernel, s, threads == 2 ? &pool : nullptr, threads, rng);
    }
  }
}

TEST(GemmDriverTest, EachWayOfFeedingTheKernel) {
  std::mt19937 rng(77);
  ThreadPool pool(2);
  const std::vector<Shape> shapes = {
      // One row of tiles: B read in place, with an aliasing and a non-aliasing stride.
      {false, false, 5, 70, 300, 1.f, 0.f, 300, 1024, 70},
      {false, false, 12, 45, 500, 1.f, 0.5f, 503, 45, 50},
      // Two and three rows of tiles: in place unless B's stride aliases; rows split evenly (8 + 8,
      // 8 + 5) rather than 12 + 4.
      {false, false, 24, 100, 200, 1.f, 0.f, 200, 100, 100},
      {false, false, 16, 100, 300, 1.f, 1.f, 300, 100, 100},
      {false, false, 13, 33, 70, -1.f, 0.f, 71, 40, 35},
      {false, false, 36, 100, 200, 1.f, 1.f, 200, 2048, 100},
      // Many rows of tiles: B packed by the first, A read in place (full panels) or packed (tail).
      {false, false, 100, 129, 390, 0.75f, -1.f, 390, 129, 130},
      // ... and with A's stride a 4 KiB multiple: every A panel packed, the short last one too.
      {false, false, 100, 129, 390, 1.f, 0.f, 1024, 129, 130},
      // B's stride a 4 KiB multiple: packed in a separate pass, not by the first row of tiles.
      {false, false, 50, 90, 300, 1.f, 1.f, 300, 1024, 90},
      // Several column blocks (the B block is three quarters of L2, at most 6 MiB: 4096 columns
      // of 384 rows), with B packed by the tiles and in a separate pass.
      {false, false, 25, 4200, 384, 1.f, 0.5f, 384, 4200, 4200},
      {false, false, 25, 4200, 384, 1.f, 0.f, 384, 5120, 4200},
      // Transposed A: packed by the driver, a panel at a time.
      {true, false, 301, 40, 390, 1.f, 0.f, 301, 40, 40},
      // Transposed B: packed by the driver.
      {false, true, 50, 77, 410, 1.f, 0.f, 410, 410, 77},
  };
  for (const auto* kernel : SupportedSgemmKernels()) {
    for (const Shape& s : shapes) {
      Check(*kernel, s, nullptr, 1, rng);
      Check(*kernel, s, &pool, 2, rng);
    }
  }
}

// A pre-packed B with the fused epilogue, A read in place.
TEST(GemmDriverTest, PackedBWithEpilogueMatchesReference) {
  std::mt19937 rng(5);
  ThreadPool pool(2);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (const auto* kernel : SupportedSgemmKernels()) {
    for (auto dims : std::vector<std::array<int64_t, 3>>{{13, 45, 37}, {128, 384, 384}, {36, 97, 700}}) {
      const int64_t M = dims[0], N = dims[1], K = dims[2];
      std::vector<float> A(static_cast<size_t>(M * K)), B(static_cast<size_t>(K * N)), bias(static_cast<size_t>(M)),
          residual(static_cast<size_t>(M * N));
      for (auto* v : {&A, &B, &bias, &residual})
        for (auto& x : *v) x = dist(rng);
      GemmEpilogue ep;
      ep.row_bias = bias.data();
      ep.residual = residual.data();
      ep.ld_residual = N;
      ep.activation.kind = ActivationKind::kTanh;
      std::vector<float> expected(static_cast<size_t>(M * N)), actual(expected.size());
      SgemmReference(false, false, M, N, K, 1.f, A.data(), K, B.data(), N, 0.f, expected.data(), N);
      SgemmEpilogueReference(M, N, ep, expected.data(), N);
      const PackedSgemmB packed = PackSgemmB(*kernel, false, K, N, B.data(), N);
      SgemmWithPackedB(false, M, 1.f, A.data(), K, packed, 0.f, actual.data(), N, &pool, ep);
      for (size_t i = 0; i < expected.size(); ++i)
        ASSERT_NEAR(expected[i], actual[i], 2e-6 * (K + 4)) << kernel->name << " M=" << M << " at " << i;
    }
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
