// f32 GEMM micro-kernels for AVX-512: a 12 x 32 tile of C in 24 zmm accumulators (and the 7 x 32
// tile of position-major convolutions). Each k step loads one row of B (two zmm) and broadcasts
// the tile's 12 values of A. Both operands come from packed panels or straight from the caller's
// matrices (A's rows, B's rows or row pointers), so the driver skips packing where it would cost
// more than it saves. The fused epilogue (row bias, residual, Relu/Clip/LeakyRelu) runs on the
// accumulators before the store.
#include <immintrin.h>

#include <algorithm>
#include <cstdint>

#include "providers/cpu/math/activation_avx512.h"
#include "providers/cpu/math/gemm.h"

// GCC 12 flags the _mm512_undefined_ps() inside _mm512_max_ps/_mm512_min_ps as maybe-uninitialized.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace ortlite {
namespace gemm_detail {

namespace {
constexpr int kMr = 12;
constexpr int kNr = 32;
// Rows of an unpacked B fetched ahead by the kernels reading it in place.
constexpr int kRowsAhead = 8;

using avx512::Activate;
using avx512::FirstLanes;

// c[i][j] = epilogue(alpha * acc + beta * c) for the first m rows and the columns in `mask`.
// Plain products (alpha 1, beta 0 or 1, no epilogue: every K block but the last) take a path
// without the per-vector tests.
template <int ROWS, int VECS>
inline void StoreTile(const __m512 (&acc)[ROWS][VECS], const __mmask16 (&mask)[2], float* c, int64_t ldc, int64_t m,
                      float alpha, float beta, const GemmEpilogueT<float>* ep) {
  if (!ep && alpha == 1.f && (beta == 0.f || beta == 1.f)) {
    const bool accumulate = beta == 1.f;
#pragma GCC unroll 12
    for (int i = 0; i < ROWS; ++i) {
      if (i >= m) break;
      float* row = c + i * ldc;
#pragma GCC unroll 2
      for (int v = 0; v < VECS; ++v) {
        __m512 r = acc[i][v];
        if (accumulate) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], row + 16 * v));
        _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
      }
    }
    return;
  }
  const __m512 va = _mm512_set1_ps(alpha);
  const __m512 vb = _mm512_set1_ps(beta);
  const ActivationKind kind = ep ? ep->activation.kind : ActivationKind::kNone;
  const __m512 p0 = _mm512_set1_ps(ep ? ep->activation.alpha : 0.f);
  const __m512 p1 = _mm512_set1_ps(ep ? ep->activation.beta : 0.f);
#pragma GCC unroll 12
  for (int i = 0; i < ROWS; ++i) {
    if (i >= m) break;
    float* row = c + i * ldc;
#pragma GCC unroll 2
    for (int v = 0; v < VECS; ++v) {
      __m512 r = alpha == 1.f ? acc[i][v] : _mm512_mul_ps(acc[i][v], va);
      if (beta != 0.f) r = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask[v], row + 16 * v), vb, r);
      if (ep) {
        if (ep->row_bias) r = _mm512_add_ps(r, _mm512_set1_ps(ep->row_bias[i]));
        if (ep->residual) r = _mm512_add_ps(r, _mm512_maskz_loadu_ps(mask[v], ep->residual + i * ep->ld_residual + 16 * v));
        r = Activate(r, kind, p0, p1);
      }
      _mm512_mask_storeu_ps(row + 16 * v, mask[v], r);
    }
  }
}

// Where a tile's B rows come from: a packed panel (32 values per k step); rows of an unpacked
// matrix used in place (row p at b + p * ldb); the same rows also stored zero-padded to 32 at
// b_dst, so the first tile of a column panel packs it for the others; or row pointers (row p at
// b + offsets[p]).
enum class BFrom { kPanel, kRows, kRowsPacking, kIndirect };
// Where its A columns come from: a packed panel (A_STRIDE values per k step), or the rows of an
// unpacked matrix (row i at a + i * lda, a full tile).
enum class AFrom { kPanel, kRows };

struct TileOperands {
  const float* a;
  int64_t lda;
  const float* b;
  int64_t ldb;
  float* b_dst;
  const int64_t* offsets;
};

// Floats of packed B (4 KiB) a tile of at most 4 rows fetches ahead of what it reads into L1,
// and (8 KiB) into L2. The L2 fetches keep more misses in flight than L1's fill buffers allow:
// twelve [1,2048]x[2048,1000] Gemms (pre-packed weights streaming from memory) ran 26 % faster
// with them; 16 and 32 KiB ahead gained slightly less.
constexpr int64_t kSmallTileBAhead = 1024;
constexpr int64_t kSmallTileBAheadL2 = 2048;
// Floats of packed B (1 KiB, 8 k steps) the taller tiles fetch ahead: the hardware prefetchers
// alone left SGEMM 1024^3 (B from L2) 3-4 % slower.
constexpr int64_t kBAhead = 256;

// The tile's first ROWS rows (of the A_STRIDE a packed panel holds) and first 16 * VECS columns:
// edge tiles with few rows or columns skip the multiply-adds nobody stores.
template <int ROWS, int VECS, BFrom B_FROM, AFrom A_FROM = AFrom::kPanel, int A_STRIDE = kMr>
void TileKernel(int64_t k, const TileOperands& in, float* __restrict c, int64_t ldc, int64_t m, int64_t n, float alpha,
                float beta, const GemmEpilogueT<float>* ep) {
  static_assert(A_FROM == AFrom::kPanel || ROWS % 3 == 0, "A rows are addressed in threes");
  constexpr bool kBRows = B_FROM == BFrom::kRows || B_FROM == BFrom::kRowsPacking;
  const float* __restrict a = in.a;
  const float* __restrict b = in.b;
  float* __restrict b_dst = in.b_dst;
  const int64_t* __restrict offsets = in.offsets;
  const int64_t lda = in.lda, ldb = in.ldb;
  // Four base pointers and the offsets lda, 2 * lda address twelve rows of A.
  const float* a_rows[4] = {a, a + 3 * lda, a + 6 * lda, a + 9 * lda};
  __mmask16 mask[2];
  mask[0] = n >= 16 ? __mmask16(0xffff) : __mmask16((1u << n) - 1u);
  mask[1] = n >= 32 ? __mmask16(0xffff) : n > 16 ? __mmask16((1u << (n - 16)) - 1u) : __mmask16(0);
  __m512 acc[ROWS][VECS];
#pragma GCC unroll 12
  for (int i = 0; i < ROWS; ++i)
#pragma GCC unroll 2
    for (int v = 0; v < VECS; ++v) acc[i][v] = _mm512_setzero_ps();
  // The tile's rows of C are written at the end; start fetching them now.
#pragma GCC unroll 12
  for (int i = 0; i < ROWS; ++i) {
    if (i < m) {
      _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
      if (VECS == 2) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
    }
  }
  for (int64_t p = 0; p < k; ++p) {
    // Pre-packed A (weights) streams from L3 once per use; fetch it well ahead.
    if (A_FROM == AFrom::kPanel) _mm_prefetch(reinterpret_cast<const char*>(a + A_STRIDE * 16), _MM_HINT_T0);
    __m512 bv[VECS];
    if (kBRows) {
      // Rows of an unpacked B are too far apart for the hardware prefetchers.
      _mm_prefetch(reinterpret_cast<const char*>(b + kRowsAhead * ldb), _MM_HINT_T0);
      if (VECS == 2) _mm_prefetch(reinterpret_cast<const char*>(b + kRowsAhead * ldb + 16), _MM_HINT_T0);
#pragma GCC unroll 2
      for (int v = 0; v < VECS; ++v) bv[v] = _mm512_maskz_loadu_ps(mask[v], b + 16 * v);
      if (B_FROM == BFrom::kRowsPacking) {
        _mm512_storeu_ps(b_dst, bv[0]);
        _mm512_storeu_ps(b_dst + 16, VECS == 2 ? bv[VECS - 1] : _mm512_setzero_ps());
        b_dst += kNr;
      }
      b += ldb;
    } else if (B_FROM == BFrom::kIndirect) {
      const float* row = b + offsets[p];
#pragma GCC unroll 2
      for (int v = 0; v < VECS; ++v) bv[v] = _mm512_loadu_ps(row + 16 * v);
    } else {
      if (ROWS <= 4) {
        // Few rows use each packed B value: B streams from memory at the rate one core's
        // outstanding misses allow. Fetching far ahead keeps more of them in flight.
        _mm_prefetch(reinterpret_cast<const char*>(b + kSmallTileBAhead), _MM_HINT_T0);
        if (VECS == 2) _mm_prefetch(reinterpret_cast<const char*>(b + kSmallTileBAhead + 16), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(b + kSmallTileBAheadL2), _MM_HINT_T1);
        if (VECS == 2) _mm_prefetch(reinterpret_cast<const char*>(b + kSmallTileBAheadL2 + 16), _MM_HINT_T1);
      } else {
        _mm_prefetch(reinterpret_cast<const char*>(b + kBAhead), _MM_HINT_T0);
        if (VECS == 2) _mm_prefetch(reinterpret_cast<const char*>(b + kBAhead + 16), _MM_HINT_T0);
      }
#pragma GCC unroll 2
      for (int v = 0; v < VECS; ++v) bv[v] = _mm512_loadu_ps(b + 16 * v);
      b += kNr;
    }
#pragma GCC unroll 12
    for (int i = 0; i < ROWS; ++i) {
      const __m512 ai = _mm512_set1_ps(A_FROM == AFrom::kRows ? a_rows[i / 3][(i % 3) * lda + p] : a[i]);
#pragma GCC unroll 2
      for (int v = 0; v < VECS; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
    }
    if (A_FROM == AFrom::kPanel) a += A_STRIDE;
  }
  StoreTile<ROWS, VECS>(acc, mask, c, ldc, m, alpha, beta, ep);
}

// Picks the instance for the tile's size: 4, 8 or 12 rows, 16 or 32 columns.
template <BFrom B_FROM>
void DispatchTile(int64_t k, const TileOperands& in, float* c, int64_t ldc, int64_t m, int64_t n, float alpha,
                  float beta, const GemmEpilogueT<float>* ep) {
  if (n > 16) {
    if (m > 8) return TileKernel<12, 2, B_FROM>(k, in, c, ldc, m, n, alpha, beta, ep);
    if (m > 4) return TileKernel<8, 2, B_FROM>(k, in, c, ldc, m, n, alpha, beta, ep);
    return TileKernel<4, 2, B_FROM>(k, in, c, ldc, m, n, alpha, beta, ep);
  }
  if (m > 8) return TileKernel<12, 1, B_FROM>(k, in, c, ldc, m, n, alpha, beta, ep);
  if (m > 4) return TileKernel<8, 1, B_FROM>(k, in, c, ldc, m, n, alpha, beta, ep);
  return TileKernel<4, 1, B_FROM>(k, in, c, ldc, m, n, alpha, beta, ep);
}

}  // namespace

void SgemmKernelAvx512_12x32(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int64_t m, int64_t n,
                             float alpha, float beta, const GemmEpilogueT<float>* ep) {
  DispatchTile<BFrom::kPanel>(k, {a, 0, b, kNr, nullptr, nullptr}, c, ldc, m, n, alpha, beta, ep);
}

void SgemmKernelStridedAvx512_12x32(int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
                                    int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                                    const GemmEpilogueT<float>* ep) {
  const TileOperands in{a, lda, b, ldb, nullptr, nullptr};
  if (lda == 0) {
    if (ldb == 0) return DispatchTile<BFrom::kPanel>(k, in, c, ldc, m, n, alpha, beta, ep);
    return DispatchTile<BFrom::kRows>(k, in, c, ldc, m, n, alpha, beta, ep);
  }
  // A in place: full tiles only.
  if (ldb == 0) {
    if (n > 16) return TileKernel<12, 2, BFrom::kPanel, AFrom::kRows>(k, in, c, ldc, kMr, n, alpha, beta, ep);
    return TileKernel<12, 1, BFrom::kPanel, AFrom::kRows>(k, in, c, ldc, kMr, n, alpha, beta, ep);
  }
  if (n > 16) return TileKernel<12, 2, BFrom::kRows, AFrom::kRows>(k, in, c, ldc, kMr, n, alpha, beta, ep);
  return TileKernel<12, 1, BFrom::kRows, AFrom::kRows>(k, in, c, ldc, kMr, n, alpha, beta, ep);
}

void SgemmKernelPackingAvx512_12x32(int64_t k, const float* a, const float* b_src, int64_t ldb, float* b_dst, float* c,
                                    int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                                    const GemmEpilogueT<float>* ep) {
  DispatchTile<BFrom::kRowsPacking>(k, {a, 0, b_src, ldb, b_dst, nullptr}, c, ldc, m, n, alpha, beta, ep);
}

void SgemmKernelIndirectAvx512_12x32(int64_t k, const float* a, const float* b_base, const int64_t* row_offsets,
                                     float* c, int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                                     const GemmEpilogueT<float>* ep) {
  DispatchTile<BFrom::kIndirect>(k, {a, 0, b_base, 0, nullptr, row_offsets}, c, ldc, m, n, alpha, beta, ep);
}

namespace {

// In-register transpose: on return r[c] lane i holds what r[i] lane c held.
inline void Transpose16x16(__m512 (&r)[16]) {
  __m512 t[16];
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
  }
  // r[4q + j], 128-bit lane L, now holds rows 4q..4q+3 of column 4L + j: gather the lanes.
  for (int i = 0; i < 16; ++i) t[i] = r[i];
  for (int j = 0; j < 4; ++j) {
    const __m512 a01 = _mm512_shuffle_f32x4(t[j], t[4 + j], 0x44);       // q0 L0 L1, q1 L0 L1
    const __m512 a23 = _mm512_shuffle_f32x4(t[8 + j], t[12 + j], 0x44);  // q2 L0 L1, q3 L0 L1
    const __m512 b01 = _mm512_shuffle_f32x4(t[j], t[4 + j], 0xee);       // q0 L2 L3, q1 L2 L3
    const __m512 b23 = _mm512_shuffle_f32x4(t[8 + j], t[12 + j], 0xee);
    r[j] = _mm512_shuffle_f32x4(a01, a23, 0x88);       // column j
    r[4 + j] = _mm512_shuffle_f32x4(a01, a23, 0xdd);   // column 4 + j
    r[8 + j] = _mm512_shuffle_f32x4(b01, b23, 0x88);   // column 8 + j
    r[12 + j] = _mm512_shuffle_f32x4(b01, b23, 0xdd);  // column 12 + j
  }
}

}  // namespace

// Rows of A become the 12 lanes of each packed group: a 16 x 16 register transpose (rows 12-15
// zero) per 16 columns, keeping 12 lanes of each result.
void SgemmPackAAvx512_12(const float* a, int64_t lda, int64_t rows, int64_t kc, float* dst) {
  __m512 r[16];
  for (int64_t p = 0; p < kc; p += 16) {
    const int64_t count = std::min<int64_t>(16, kc - p);
    const __mmask16 mask = FirstLanes(count);
    for (int i = 0; i < 16; ++i) r[i] = i < rows ? _mm512_maskz_loadu_ps(mask, a + i * lda + p) : _mm512_setzero_ps();
    Transpose16x16(r);
    for (int64_t c = 0; c < count; ++c) _mm512_mask_storeu_ps(dst + (p + c) * kMr, 0x0fff, r[c]);
  }
}


// op(B) = B^T, rows [0, rows) x columns [0, cols), from the stored B (column j of op(B) is row j
// of the storage, ld apart) into 32-wide panels: each 16 x 16 block of the storage is transposed
// in registers instead of gathered element by element.
void SgemmPackBTransAvx512_32(const float* src, int64_t ld, int64_t rows, int64_t cols, float* dst) {
  __m512 r[16];
  const int64_t panels = (cols + kNr - 1) / kNr;
  for (int64_t jp = 0; jp < panels; ++jp) {
    float* panel = dst + jp * rows * kNr;
    for (int half = 0; half < 2; ++half) {
      const int64_t j0 = jp * kNr + half * 16;
      const int64_t valid = std::min<int64_t>(16, cols - j0);  // <= 0: a zero half-panel
      for (int64_t p = 0; p < rows; p += 16) {
        const int64_t count = std::min<int64_t>(16, rows - p);
        const __mmask16 mask = FirstLanes(count);
        for (int i = 0; i < 16; ++i) {
          r[i] = i < valid ? _mm512_maskz_loadu_ps(mask, src + (j0 + i) * ld + p) : _mm512_setzero_ps();
        }
        Transpose16x16(r);
        for (int64_t c = 0; c < count; ++c) _mm512_storeu_ps(panel + (p + c) * kNr + half * 16, r[c]);
      }
    }
  }
}

void SgemmPackRowsAvx512_32(const float* src, int64_t ld, int64_t rows, int64_t cols, float* dst) {
  const int64_t full = cols / kNr, tail = cols - full * kNr;
  const __mmask16 tail0 = tail >= 16 ? __mmask16(0xffff) : __mmask16((1u << tail) - 1u);
  const __mmask16 tail1 = tail > 16 ? __mmask16((1u << (tail - 16)) - 1u) : __mmask16(0);
  const int64_t panel_stride = rows * kNr;
  for (int64_t p = 0; p < rows; ++p) {
    const float* s = src + p * ld;
    float* d = dst + p * kNr;
    for (int64_t jp = 0; jp < full; ++jp) {
      _mm512_storeu_ps(d + jp * panel_stride, _mm512_loadu_ps(s + jp * kNr));
      _mm512_storeu_ps(d + jp * panel_stride + 16, _mm512_loadu_ps(s + jp * kNr + 16));
    }
    if (tail) {
      _mm512_storeu_ps(d + full * panel_stride, _mm512_maskz_loadu_ps(tail0, s + full * kNr));
      _mm512_storeu_ps(d + full * panel_stride + 16, _mm512_maskz_loadu_ps(tail1, s + full * kNr + 16));
    }
  }
}

// Four rows at a time share each load of x; two accumulators per row hide the FMA latency.
void SgemvDotAvx512(const float* x, const float* mat, int64_t ld, int64_t K, int64_t rows, float* out) {
  const int64_t full = K / 32 * 32;
  const __mmask16 tail0 = K - full >= 16 ? __mmask16(0xffff) : __mmask16((1u << (K - full)) - 1u);
  const __mmask16 tail1 = K - full > 16 ? __mmask16((1u << (K - full - 16)) - 1u) : __mmask16(0);
  int64_t j = 0;
  for (; j + 4 <= rows; j += 4) {
    const float* r[4] = {mat + j * ld, mat + (j + 1) * ld, mat + (j + 2) * ld, mat + (j + 3) * ld};
    __m512 acc[4][2];
    for (int i = 0; i < 4; ++i) acc[i][0] = acc[i][1] = _mm512_setzero_ps();
    for (int64_t p = 0; p < full; p += 32) {
      const __m512 x0 = _mm512_loadu_ps(x + p), x1 = _mm512_loadu_ps(x + p + 16);
#pragma GCC unroll 4
      for (int i = 0; i < 4; ++i) {
        acc[i][0] = _mm512_fmadd_ps(x0, _mm512_loadu_ps(r[i] + p), acc[i][0]);
        acc[i][1] = _mm512_fmadd_ps(x1, _mm512_loadu_ps(r[i] + p + 16), acc[i][1]);
      }
    }
    if (full < K) {
      const __m512 x0 = _mm512_maskz_loadu_ps(tail0, x + full), x1 = _mm512_maskz_loadu_ps(tail1, x + full + 16);
      for (int i = 0; i < 4; ++i) {
        acc[i][0] = _mm512_fmadd_ps(x0, _mm512_maskz_loadu_ps(tail0, r[i] + full), acc[i][0]);
        acc[i][1] = _mm512_fmadd_ps(x1, _mm512_maskz_loadu_ps(tail1, r[i] + full + 16), acc[i][1]);
      }
    }
    for (int i = 0; i < 4; ++i) out[j + i] = _mm512_reduce_add_ps(_mm512_add_ps(acc[i][0], acc[i][1]));
  }
  for (; j < rows; ++j) {
    const float* row = mat + j * ld;
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    for (int64_t p = 0; p < full; p += 32) {
      acc0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + p), _mm512_loadu_ps(row + p), acc0);
      acc1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + p + 16), _mm512_loadu_ps(row + p + 16), acc1);
    }
    if (full < K) {
      acc0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail0, x + full), _mm512_maskz_loadu_ps(tail0, row + full), acc0);
      acc1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail1, x + full + 16),
                             _mm512_maskz_loadu_ps(tail1, row + full + 16), acc1);
    }
    out[j] = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
  }
}

// Up to 256 outputs held in 16 accumulators while the rows of `mat` stream past.
void SgemvAxpyAvx512(const float* x, const float* mat, int64_t ld, int64_t K, int64_t n, float* out) {
  __m512 acc[16];
  __mmask16 mask[16];
  for (int v = 0; v < 16; ++v) {
    acc[v] = _mm512_setzero_ps();
    const int64_t left = n - v * 16;
    mask[v] = left >= 16 ? __mmask16(0xffff) : left > 0 ? __mmask16((1u << left) - 1u) : __mmask16(0);
  }
  const int vectors = static_cast<int>((n + 15) / 16);
  if (vectors == 16) {
    for (int64_t p = 0; p < K; ++p) {
      const __m512 xp = _mm512_set1_ps(x[p]);
      const float* row = mat + p * ld;
#pragma GCC unroll 16
      for (int v = 0; v < 16; ++v) acc[v] = _mm512_fmadd_ps(xp, _mm512_loadu_ps(row + 16 * v), acc[v]);
    }
  } else {
    for (int64_t p = 0; p < K; ++p) {
      const __m512 xp = _mm512_set1_ps(x[p]);
      const float* row = mat + p * ld;
      for (int v = 0; v < vectors; ++v) acc[v] = _mm512_fmadd_ps(xp, _mm512_maskz_loadu_ps(mask[v], row + 16 * v), acc[v]);
    }
  }
  for (int v = 0; v < vectors; ++v) _mm512_mask_storeu_ps(out + 16 * v, mask[v], acc[v]);
}

}  // namespace gemm_detail
}  // namespace ortlite
