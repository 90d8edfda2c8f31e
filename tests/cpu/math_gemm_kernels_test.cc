// Every entry point of every SGEMM micro-kernel the machine supports, tile by tile, against the
// scalar reference: packed panels, operands read in place (fn_strided), B packed while it is read
// (fn_packing) and B given by row pointers (fn_indirect), over all tile heights and widths, with
// alpha/beta and the fused epilogue.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "providers/cpu/math/gemm.h"
#include "util/gemm_kernels.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

using gemm_detail::GemmMicroKernel;

// One tile's operands: A (m x k, row-major, lda), B (k x n, row-major, ldb), their packed panels,
// and C (mr x nr block of a wider matrix so writes outside the tile show up).
struct Tile {
  int mr, nr;
  int64_t m, n, k, lda, ldb, ldc;
  std::vector<float> a, b, a_panel, b_panel, c, bias, residual;

  Tile(const GemmMicroKernel<float>& kernel, int64_t m_, int64_t n_, int64_t k_, std::mt19937& rng)
      : mr(kernel.mr), nr(kernel.nr), m(m_), n(n_), k(k_) {
    lda = k + 3;
    // B's stride: past the tile's nr columns (kernels may read up to nr of them) plus padding.
    ldb = nr + 5;
    ldc = nr + 7;
    a = RandomFloats(static_cast<size_t>(mr * lda), rng);
    b = RandomFloats(static_cast<size_t>((k + 1) * ldb), rng);
    a_panel.assign(static_cast<size_t>(k * mr), 0.f);
    b_panel.assign(static_cast<size_t>(k * nr), 0.f);
    for (int64_t p = 0; p < k; ++p) {
      for (int64_t i = 0; i < m; ++i) a_panel[p * mr + i] = a[i * lda + p];
      for (int64_t j = 0; j < n; ++j) b_panel[p * nr + j] = b[p * ldb + j];
    }
    c = RandomFloats(static_cast<size_t>((mr + 1) * ldc), rng);
    bias = RandomFloats(static_cast<size_t>(mr), rng);
    residual = RandomFloats(static_cast<size_t>(mr * ldc), rng);
  }

  // The reference result for the whole C buffer: the tile updated, everything else untouched.
  std::vector<float> Expected(float alpha, float beta, const GemmEpilogue* ep) const {
    std::vector<float> out = c;
    SgemmReference(false, false, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, out.data(), ldc);
    if (ep) SgemmEpilogueReference(m, n, *ep, out.data(), ldc);
    return out;
  }
};

void ExpectSameC(const std::vector<float>& expected, const std::vector<float>& actual, int64_t k,
                 const std::string& what) {
  ASSERT_EQ(expected.size(), actual.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_NEAR(expected[i], actual[i], 2e-6 * (k + 4)) << what << " at " << i;
  }
}

struct Scale {
  float alpha, beta;
};
const Scale kScales[] = {{1.f, 0.f}, {1.f, 1.f}, {0.5f, -1.5f}};

// The epilogue variants a kernel applies itself (the driver handles the others).
std::vector<Activation> KernelActivations() {
  std::vector<Activation> acts(4);
  acts[1].kind = ActivationKind::kRelu;
  acts[2].kind = ActivationKind::kClip;
  acts[2].alpha = -0.2f;
  acts[2].beta = 0.3f;
  acts[3].kind = ActivationKind::kLeakyRelu;
  acts[3].alpha = 0.1f;
  return acts;
}

std::string Describe(const GemmMicroKernel<float>& kernel, const char* entry, int64_t m, int64_t n, int64_t k,
                     const Scale& s, int variant) {
  return std::string(kernel.name) + " " + entry + " m=" + std::to_string(m) + " n=" + std::to_string(n) +
         " k=" + std::to_string(k) + " alpha=" + std::to_string(s.alpha) + " beta=" + std::to_string(s.beta) +
         " variant=" + std::to_string(variant);
}

// Calls `run(tile, alpha, beta, ep)` for every tile size, k, scale and epilogue, and compares.
template <typename Run>
void SweepTiles(const GemmMicroKernel<float>& kernel, const char* entry, bool full_rows_only, const Run& run) {
  std::mt19937 rng(42);
  const auto acts = KernelActivations();
  int variant = 0;
  for (int64_t m = full_rows_only ? kernel.mr : 1; m <= kernel.mr; ++m) {
    for (int64_t n = 1; n <= kernel.nr; ++n) {
      for (int64_t k : {1, 2, 5, 16, 37}) {
        Tile t(kernel, m, n, k, rng);
        const Scale& s = kScales[variant % 3];
        GemmEpilogue ep;
        const bool with_ep = variant % 4 == 3;
        if (with_ep) {
          ep.row_bias = variant % 8 == 3 ? t.bias.data() : nullptr;
          ep.residual = t.residual.data();
          ep.ld_residual = t.ldc;
          ep.activation = acts[(variant / 4) % acts.size()];
        }
        if (s.beta == 0.f) {
          // beta == 0 must not read C: poison the tile.
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) t.c[i * t.ldc + j] = std::numeric_limits<float>::quiet_NaN();
        }
        const auto expected = t.Expected(s.alpha, s.beta, with_ep ? &ep : nullptr);
        run(t, s.alpha, s.beta, with_ep ? &ep : nullptr);
        ExpectSameC(expected, t.c, k, Describe(kernel, entry, m, n, k, s, variant));
        ++variant;
      }
    }
  }
}

TEST(GemmKernelsTest, PackedPanelsMatchReference) {
  for (const auto* kernel : SupportedSgemmKernels()) {
    SweepTiles(*kernel, "fn", false, [&](Tile& t, float alpha, float beta, const GemmEpilogue* ep) {
      kernel->fn(t.k, t.a_panel.data(), t.b_panel.data(), t.c.data(), t.ldc, t.m, t.n, alpha, beta, ep);
    });
  }
}

TEST(GemmKernelsTest, StridedOperandsMatchReference) {
  for (const auto* kernel : SupportedSgemmKernels()) {
    if (!kernel->fn_strided) continue;
    // A and B each from a packed panel (ld 0) or read in place; A in place needs a full tile.
    for (int mode = 0; mode < 4; ++mode) {
      const bool a_rows = mode & 1, b_rows = mode & 2;
      SweepTiles(*kernel, a_rows ? (b_rows ? "strided A rows B rows" : "strided A rows") : (b_rows ? "strided B rows" : "strided"),
                 a_rows, [&](Tile& t, float alpha, float beta, const GemmEpilogue* ep) {
                   kernel->fn_strided(t.k, a_rows ? t.a.data() : t.a_panel.data(), a_rows ? t.lda : 0,
                                      b_rows ? t.b.data() : t.b_panel.data(), b_rows ? t.ldb : 0, t.c.data(), t.ldc,
                                      t.m, t.n, alpha, beta, ep);
                 });
    }
  }
}

TEST(GemmKernelsTest, PackingKernelMatchesReferenceAndPacksB) {
  for (const auto* kernel : SupportedSgemmKernels()) {
    if (!kernel->fn_packing) continue;
    SweepTiles(*kernel, "fn_packing", false, [&](Tile& t, float alpha, float beta, const GemmEpilogue* ep) {
      std::vector<float> packed(t.b_panel.size() + 1, std::numeric_limits<float>::quiet_NaN());
      kernel->fn_packing(t.k, t.a_panel.data(), t.b.data(), t.ldb, packed.data(), t.c.data(), t.ldc, t.m, t.n, alpha,
                         beta, ep);
      for (size_t i = 0; i < t.b_panel.size(); ++i) ASSERT_EQ(t.b_panel[i], packed[i]) << kernel->name << " at " << i;
      ASSERT_TRUE(std::isnan(packed.back())) << kernel->name << " wrote past the panel";
    });
  }
}

TEST(GemmKernelsTest, IndirectRowsMatchReference) {
  for (const auto* kernel : SupportedSgemmKernels()) {
    if (!kernel->fn_indirect) continue;
    SweepTiles(*kernel, "fn_indirect", false, [&](Tile& t, float alpha, float beta, const GemmEpilogue* ep) {
      // Row p of B from row k - 1 - p of a reversed copy: offsets that are not a constant stride.
      std::vector<float> reversed(t.b.size(), 0.f);
      std::vector<int64_t> offsets(static_cast<size_t>(t.k));
      for (int64_t p = 0; p < t.k; ++p) {
        const int64_t row = t.k - 1 - p;
        for (int64_t j = 0; j < t.ldb; ++j) reversed[row * t.ldb + j] = t.b[p * t.ldb + j];
        offsets[p] = row * t.ldb;
      }
      kernel->fn_indirect(t.k, t.a_panel.data(), reversed.data(), offsets.data(), t.c.data(), t.ldc, t.m, t.n, alpha,
                          beta, ep);
    });
  }
}

// The SIMD packers against the layout they promise: op(B) rows x columns as nr-wide panels,
// zero-padded; op(A) rows as mr-row groups.
TEST(GemmKernelsTest, PackersProduceThePanelLayout) {
  std::mt19937 rng(9);
  for (const auto* kernel : SupportedSgemmKernels()) {
    const int64_t mr = kernel->mr, nr = kernel->nr;
    for (int64_t rows : {1, 5, 16, 17, 40}) {
      for (int64_t cols : {int64_t{1}, int64_t{13}, nr - 1, nr, nr + 1, 3 * nr + 5}) {
        const int64_t panels = (cols + nr - 1) / nr;
        // expected[p][j]: op(B)(p, j) = stored[p][j] (plain) or stored_t[j][p] (transposed).
        const int64_t ld = cols + 3, ld_t = rows + 2;
        const auto stored = RandomFloats(static_cast<size_t>(rows * ld), rng);
        const auto stored_t = RandomFloats(static_cast<size_t>(cols * ld_t), rng);
        for (int trans = 0; trans < 2; ++trans) {
          const auto fn = trans ? kernel->pack_b_trans : kernel->pack_b;
          if (!fn) continue;
          std::vector<float> out(static_cast<size_t>(panels * rows * nr + 1), std::numeric_limits<float>::quiet_NaN());
          fn(trans ? stored_t.data() : stored.data(), trans ? ld_t : ld, rows, cols, out.data());
          for (int64_t jp = 0; jp < panels; ++jp)
            for (int64_t p = 0; p < rows; ++p)
              for (int64_t j = 0; j < nr; ++j) {
                const int64_t col = jp * nr + j;
                const float want = col >= cols ? 0.f : trans ? stored_t[col * ld_t + p] : stored[p * ld + col];
                ASSERT_EQ(want, out[(jp * rows + p) * nr + j])
                    << kernel->name << (trans ? " pack_b_trans" : " pack_b") << " rows=" << rows << " cols=" << cols;
              }
          ASSERT_TRUE(std::isnan(out.back())) << kernel->name << " wrote past the panels";
        }
      }
    }
    if (!kernel->pack_a) continue;
    for (int64_t rows = 1; rows <= mr; ++rows) {
      for (int64_t kc : {1, 15, 16, 33}) {
        const int64_t lda = kc + 5;
        const auto a = RandomFloats(static_cast<size_t>(rows * lda), rng);
        std::vector<float> out(static_cast<size_t>(kc * mr + 1), std::numeric_limits<float>::quiet_NaN());
        kernel->pack_a(a.data(), lda, rows, kc, out.data());
        for (int64_t p = 0; p < kc; ++p)
          for (int64_t i = 0; i < mr; ++i)
            ASSERT_EQ(i < rows ? a[i * lda + p] : 0.f, out[p * mr + i]) << kernel->name << " pack_a rows=" << rows;
        ASSERT_TRUE(std::isnan(out.back())) << kernel->name << " pack_a wrote past the panel";
      }
    }
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
