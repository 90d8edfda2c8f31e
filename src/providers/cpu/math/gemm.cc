// Cache-blocked GEMM driver.
//
// The output is split into a grid of tasks (row range x column range), one per thread, chosen so
// the tasks hold equal numbers of micro-tiles. Each task runs, for its own rows and columns:
//   for jc over columns in blocks of NC:
//     for pc over K in blocks of KC:
//       B block (KC x NC, in L2): pre-packed panels, packed by the first row of tiles, or (few
//       rows of tiles) read in place
//       for each A panel (mr x KC, stays in L1): pre-packed, read in place, or packed
//         for each B panel of the block: micro-kernel
// The first K block applies the caller's beta, later ones accumulate (beta = 1); the last one
// also runs the epilogue (bias, residual, activation) on the tile in registers.
// Degenerate shapes of the plain GEMM (M == 1 or N == 1) go to dot/axpy paths that skip packing.
// The scalar references and the integer GEMM are in gemm_reference.cc.
#include "providers/cpu/math/gemm.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "core/common/status.h"
#include "providers/cpu/common/cpu_features.h"

namespace ortlite {
namespace gemm_detail {
namespace {

template <typename T>
T KernelActivation(const Activation& act, T v) {
  switch (act.kind) {
    case ActivationKind::kRelu: return v > T(0) ? v : T(0);
    case ActivationKind::kClip: return std::min(std::max(v, T(act.alpha)), T(act.beta));
    case ActivationKind::kLeakyRelu: return v >= T(0) ? v : T(act.alpha) * v;
    default: return v;
  }
}

// ---- micro-kernels ---------------------------------------------------------------------------

// Four rows of accumulators held in separate arrays: with a fixed NR g++ keeps them in vector
// registers (a single 2-D array is left in memory by its scalar-replacement pass).
template <typename T, int NR>
void PortableMicroKernel4(int64_t k, const T* __restrict a_panel, const T* __restrict b_panel, T* __restrict c,
                          int64_t ldc, int64_t m, int64_t n, T alpha, T beta, const GemmEpilogueT<T>* ep) {
  constexpr int kMR = 4;
  T acc0[NR] = {}, acc1[NR] = {}, acc2[NR] = {}, acc3[NR] = {};
  for (int64_t p = 0; p < k; ++p) {
    const T* a = a_panel + p * kMR;
    const T* b = b_panel + p * NR;
    const T a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (int j = 0; j < NR; ++j) {
      acc0[j] += a0 * b[j];
      acc1[j] += a1 * b[j];
      acc2[j] += a2 * b[j];
      acc3[j] += a3 * b[j];
    }
  }
  const T* rows[kMR] = {acc0, acc1, acc2, acc3};
  for (int64_t i = 0; i < m; ++i) {
    T* crow = c + i * ldc;
    const T* acc = rows[i];
    for (int64_t j = 0; j < n; ++j) {
      T v = beta == T(0) ? alpha * acc[j] : alpha * acc[j] + beta * crow[j];
      if (ep) {
        if (ep->row_bias) v += ep->row_bias[i];
        if (ep->residual) v += ep->residual[i * ep->ld_residual + j];
        v = KernelActivation(ep->activation, v);
      }
      crow[j] = v;
    }
  }
}

// ---- scratch memory --------------------------------------------------------------------------

// Per-thread, grow-only, 64-byte aligned buffers: slot 0 holds a task's packed B block, slot 1
// its packed A panel.
class ScratchBuffers {
 public:
  ~ScratchBuffers() {
    for (auto& s : slots_) std::free(s.data);
  }
  void* Get(int slot, size_t bytes) {
    Slot& s = slots_[slot];
    if (s.bytes < bytes) {
      std::free(s.data);
      const size_t rounded = (bytes + 63) / 64 * 64;
      s.data = std::aligned_alloc(64, rounded);
      if (!s.data) {
        s.bytes = 0;
        throw std::bad_alloc();
      }
      s.bytes = rounded;
    }
    return s.data;
  }

 private:
  struct Slot {
    void* data = nullptr;
    size_t bytes = 0;
  };
  Slot slots_[2];
};

template <typename T>
T* Scratch(int slot, size_t count) {
  thread_local ScratchBuffers buffers;
  return static_cast<T*>(buffers.Get(slot, count * sizeof(T)));
}

template <typename T>
std::unique_ptr<T[], FreeDeleter> AlignedArray(size_t count) {
  const size_t bytes = (std::max<size_t>(count, 1) * sizeof(T) + 63) / 64 * 64;
  T* p = static_cast<T*>(std::aligned_alloc(64, bytes));
  if (!p) throw std::bad_alloc();
  return std::unique_ptr<T[], FreeDeleter>(p);
}

// ---- packing ---------------------------------------------------------------------------------

// Panel of op(A) rows [row0, row0 + rows) x columns [col0, col0 + kc), mr rows interleaved per
// column; rows beyond `rows` are zero.
template <typename T>
void PackAPanel(bool trans_a, const T* A, int64_t lda, int64_t row0, int64_t rows, int64_t col0, int64_t kc, int mr,
                T* dst) {
  if (trans_a) {
    // op(A)(i, p) = A[p * lda + i]: each packed group is a contiguous run of A.
    for (int64_t p = 0; p < kc; ++p) {
      const T* src = A + (col0 + p) * lda + row0;
      T* d = dst + p * mr;
      int64_t i = 0;
      for (; i < rows; ++i) d[i] = src[i];
      for (; i < mr; ++i) d[i] = T(0);
    }
  } else {
    for (int64_t i = 0; i < rows; ++i) {
      const T* src = A + (row0 + i) * lda + col0;
      for (int64_t p = 0; p < kc; ++p) dst[p * mr + i] = src[p];
    }
    for (int64_t i = rows; i < mr; ++i)
      for (int64_t p = 0; p < kc; ++p) dst[p * mr + i] = T(0);
  }
}

// Panel of op(B) rows [row0, row0 + kc) x columns [col0, col0 + cols), nr columns per row;
// columns beyond `cols` are zero.
template <typename T>
void PackBPanel(bool trans_b, const T* B, int64_t ldb, int64_t row0, int64_t kc, int64_t col0, int64_t cols, int nr,
                T* dst) {
  if (!trans_b) {
    if (cols == nr) {
      // An inline loop: a memcpy call per 128-byte row costs more than the copy.
      for (int64_t p = 0; p < kc; ++p) {
        const T* __restrict src = B + (row0 + p) * ldb + col0;
        T* __restrict d = dst + p * nr;
        for (int j = 0; j < nr; ++j) d[j] = src[j];
      }
      return;
    }
    for (int64_t p = 0; p < kc; ++p) {
      const T* src = B + (row0 + p) * ldb + col0;
      T* d = dst + p * nr;
      int64_t j = 0;
      for (; j < cols; ++j) d[j] = src[j];
      for (; j < nr; ++j) d[j] = T(0);
    }
  } else {
    // op(B)(p, j) = B[j * ldb + p].
    for (int64_t j = 0; j < cols; ++j) {
      const T* src = B + (col0 + j) * ldb + row0;
      for (int64_t p = 0; p < kc; ++p) dst[p * nr + j] = src[p];
    }
    for (int64_t j = cols; j < nr; ++j)
      for (int64_t p = 0; p < kc; ++p) dst[p * nr + j] = T(0);
  }
}

// Rows [row0, row0 + kc) x columns [col0, col0 + cols) of op(B) as consecutive nr-wide panels.
// Untransposed B is walked row by row so the reads stream along each row of B.
template <typename T>
void PackBBlock(bool trans_b, const T* B, int64_t ldb, int64_t row0, int64_t kc, int64_t col0, int64_t cols, int nr,
                T* dst) {
  const int64_t panels = (cols + nr - 1) / nr;
  if (trans_b) {
    for (int64_t jp = 0; jp < panels; ++jp) {
      PackBPanel(trans_b, B, ldb, row0, kc, col0 + jp * nr, std::min<int64_t>(nr, cols - jp * nr), nr,
                 dst + jp * kc * nr);
    }
    return;
  }
  const int64_t full = cols / nr, tail = cols - full * nr;
  for (int64_t p = 0; p < kc; ++p) {
    const T* src = B + (row0 + p) * ldb + col0;
    T* d = dst + p * nr;
    for (int64_t jp = 0; jp < full; ++jp) {
      const T* __restrict s = src + jp * nr;
      T* __restrict o = d + jp * kc * nr;
      for (int j = 0; j < nr; ++j) o[j] = s[j];
    }
    if (tail) {
      T* o = d + full * kc * nr;
      for (int64_t j = 0; j < tail; ++j) o[j] = src[full * nr + j];
      for (int64_t j = tail; j < nr; ++j) o[j] = T(0);
    }
  }
}

// Rows [0, kc) of an indirect B (row p at base + row_offsets[p]), columns [col0, col0 + cols), as
// consecutive nr-wide panels.
template <typename T>
void PackIndirectBlock(const T* base, const int64_t* row_offsets, int64_t kc, int64_t col0, int64_t cols, int nr,
                       T* dst) {
  const int64_t panels = (cols + nr - 1) / nr;
  for (int64_t jp = 0; jp < panels; ++jp) {
    const int64_t n = std::min<int64_t>(nr, cols - jp * nr);
    T* panel = dst + jp * kc * nr;
    for (int64_t p = 0; p < kc; ++p) {
      const T* src = base + row_offsets[p] + col0 + jp * nr;
      T* d = panel + p * nr;
      for (int64_t j = 0; j < n; ++j) d[j] = src[j];
      for (int64_t j = n; j < nr; ++j) d[j] = T(0);
    }
  }
}

// ---- helpers for the degenerate shapes -------------------------------------------------------

// Independent partial sums so the loop vectorises without reassociation flags.
template <typename T>
T DotProduct(const T* __restrict x, const T* __restrict y, int64_t n) {
  constexpr int kLanes = 16;
  T part[kLanes] = {};
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int j = 0; j < kLanes; ++j) part[j] += x[i + j] * y[i + j];
  T sum = T(0);
  for (; i < n; ++i) sum += x[i] * y[i];
  for (int j = 0; j < kLanes; ++j) sum += part[j];
  return sum;
}

template <typename T>
void Axpy(T a, const T* __restrict x, T* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

template <typename T>
void ScaleInto(T* y, int64_t n, int64_t stride, T beta) {
  for (int64_t i = 0; i < n; ++i) y[i * stride] = beta == T(0) ? T(0) : beta * y[i * stride];
}

// y[j * y_stride] = alpha * (x . op(B) column j) + beta * y, for a vector x of length K:
// the M == 1 case (x is the row of op(A)) and, transposed, the N == 1 case.
// `rows_contiguous`: the vectors combined with x are contiguous rows of `mat` (dot products);
// otherwise row p of `mat` holds element p of every vector (axpy over rows). Blocks of outputs
// run in parallel; the kernel's SIMD helpers do the arithmetic when it has them.
template <typename T>
void GemvPath(const GemmMicroKernel<T>& kernel, bool rows_contiguous, int64_t count, int64_t K, T alpha, const T* x,
              int64_t x_stride, const T* mat, int64_t ld, T beta, T* y, int64_t y_stride, ThreadPool* pool) {
  std::vector<T> xbuf;
  if (x_stride != 1) {
    xbuf.resize(static_cast<size_t>(K));
    for (int64_t p = 0; p < K; ++p) xbuf[p] = x[p * x_stride];
    x = xbuf.data();
  }
  // Dot form: blocks of 64 outputs; axpy form: 256 (a row of accumulators per block).
  const int64_t block = rows_contiguous ? 64 : 256;
  const int64_t blocks = (count + block - 1) / block;
  ThreadPool::TryParallelFor(pool, blocks, 2.0 * K * block, [&](int64_t begin, int64_t end) {
    alignas(64) T acc[256];
    for (int64_t b = begin; b < end; ++b) {
      const int64_t j0 = b * block;
      const int64_t n = std::min(block, count - j0);
      if (rows_contiguous) {
        if (kernel.gemv_dot) {
          kernel.gemv_dot(x, mat + j0 * ld, ld, K, n, acc);
        } else {
          for (int64_t j = 0; j < n; ++j) acc[j] = DotProduct(x, mat + (j0 + j) * ld, K);
        }
      } else if (kernel.gemv_axpy) {
        kernel.gemv_axpy(x, mat + j0, ld, K, n, acc);
      } else {
        std::fill(acc, acc + n, T(0));
        for (int64_t p = 0; p < K; ++p) Axpy(x[p], mat + p * ld + j0, acc, n);
      }
      for (int64_t j = 0; j < n; ++j) {
        T& out = y[(j0 + j) * y_stride];
        out = beta == T(0) ? alpha * acc[j] : alpha * acc[j] + beta * out;
      }
    }
  });
}

// ---- the blocked driver ----------------------------------------------------------------------

// op(A): pre-packed full-K panels, or a matrix packed a panel at a time.
template <typename T>
struct OperandA {
  const T* packed = nullptr;  // panel i at packed + i * K * mr
  bool trans = false;
  const T* data = nullptr;
  int64_t ld = 0;
};

// op(B): pre-packed full-K panels, a caller's packer, or a matrix packed a block at a time.
template <typename T>
struct OperandB {
  const T* packed = nullptr;  // panel j at packed + j * K * nr
  const SgemmBPacker* packer = nullptr;
  const int64_t* row_offsets = nullptr;  // indirect rows: row k at data + row_offsets[k]
  bool trans = false;
  const T* data = nullptr;
  int64_t ld = 0;
};

// Splits `total` into `parts` near-equal chunks of whole blocks of `unit`; chunk i is
// [Split(i), Split(i + 1)).
inline int64_t SplitPoint(int64_t units, int64_t parts, int64_t i) { return units * i / parts; }

// Blocking. The micro-kernel's A panel (12 x KC floats, 16 KiB at KC = 342) stays in L1 while
// the B block (KC x NC) is read from L2 once per A panel. The block takes three quarters of L2
// (the rest holds the C tiles and the A rows streaming past): 768 KiB of a 1 MiB L2, 1.5 MiB of
// 2 MiB, where SGEMM 1024^3 ran 4-5 % faster than with 768 KiB (20 interleaved rounds, one
// thread), as each A panel is packed once per K block instead of once per column block too.
// K and N are split into near-equal blocks so no block is a sliver.
constexpr int64_t kKcMaxBytes = 384 * 4;
inline int64_t BBlockBytes() { return L2CacheBytes() / 4 * 3; }
// Untransposed B is read in place, without packing, when at most this many A panels use each
// block of it (one, whatever the stride; up to three when the stride does not alias): packing
// would cost more than the strided reads.
constexpr int64_t kInPlaceBMaxPanels = 3;

struct Blocking {
  int64_t kc, k_blocks;
};

template <typename T>
Blocking ChooseKBlocking(int64_t K) {
  const int64_t kc_max = kKcMaxBytes / static_cast<int64_t>(sizeof(T));
  Blocking b;
  b.k_blocks = std::max<int64_t>(1, (K + kc_max - 1) / kc_max);
  b.kc = (K + b.k_blocks - 1) / b.k_blocks;
  return b;
}

// Near-equal blocks of whole `unit`s covering `total`, none larger than `cap` (rounded up to a
// unit).
inline int64_t BalancedBlock(int64_t total, int64_t cap, int64_t unit) {
  cap = std::max<int64_t>(unit, cap / unit * unit);
  const int64_t blocks = (total + cap - 1) / cap;
  return ((total + blocks - 1) / blocks + unit - 1) / unit * unit;
}

// Rows of a matrix whose stride is a multiple of 4 KiB share L1 and L2 sets (and the L1 TLB
// reach): a B block read in place from such rows keeps evicting itself, so it is packed instead.
// So is A: the 12 rows of an A panel then fill one L1 set, which every B and C line landing in
// that set evicts from. Packing them ran SGEMM 1024^3 2-7 % faster (8 interleaved pairs, one
// thread), M=128 x K=1024 shapes 6-14 %.
template <typename T>
bool StrideAliases(int64_t ld) {
  return (ld * static_cast<int64_t>(sizeof(T))) % 4096 == 0;
}

// One task: rows [row_begin, row_end) x columns [col_begin, col_end) of C.
//   for jc over column blocks:
//     for pc over K blocks (the C block of this column block stays warm across them):
//       B block (KC x NC, stays in L2): pre-packed, packed by the first A panel's tiles as they
//       read it, packed by the caller's packer, or (few A panels) read in place
//       for each A panel (stays in L1): pre-packed, read in place, or packed now
//         for each B panel of the block: micro-kernel
// Reading an operand in place saves a pass over it: full-height panels of untransposed A are,
// unless its row stride aliases; untransposed B is when only one A panel uses it, or when few do
// and its row stride does not alias.
template <typename T>
void GemmTask(const GemmMicroKernel<T>& kernel, const OperandA<T>& a, const OperandB<T>& b, int64_t M, int64_t K,
              int64_t row_begin, int64_t row_end, int64_t col_begin, int64_t col_end, T alpha, T beta, T* C,
              int64_t ldc, const GemmEpilogueT<T>* ep) {
  const int mr = kernel.mr, nr = kernel.nr;
  const Blocking kb = ChooseKBlocking<T>(K);
  const int64_t kc_max = kb.kc;
  const int64_t nc_max =
      BalancedBlock(col_end - col_begin, BBlockBytes() / static_cast<int64_t>(sizeof(T)) / kc_max, nr);
  const int64_t a_panels = (row_end - row_begin + mr - 1) / mr;
  const bool post_activation = ep && !KernelAppliesActivation(ep->activation.kind);

  const bool indirect = b.row_offsets != nullptr;
  const bool indirect_in_kernel = indirect && kernel.fn_indirect;
  const bool b_plain = !b.packed && !b.packer && !indirect && !b.trans;
  const bool b_in_place = b_plain && kernel.fn_strided &&
                          (a_panels == 1 || (a_panels <= kInPlaceBMaxPanels && !StrideAliases<T>(b.ld)));
  // Otherwise the first A panel's tiles pack plain B as they read it: cheaper than a separate
  // pass, as the strided reads overlap the arithmetic. Not when B's rows alias (4 KiB apart or a
  // multiple): one k step then reads a new page and the same L1 set every row, and the tiles
  // packing ran 7 times slower than the rest; a separate pass reading whole rows ran SGEMM 1024^3
  // 4-5 % faster.
  const bool pack_in_kernel = b_plain && !b_in_place && kernel.fn_packing && !StrideAliases<T>(b.ld);
  const bool a_in_place = !a.packed && !a.trans && kernel.fn_strided && !StrideAliases<T>(a.ld);
  // With B read in place every A panel streams it again, so a short last panel (the 4 rows left
  // of 16) costs nearly as much as a full one: split the rows evenly instead, in multiples of 4
  // (the kernels' tile heights), unless A comes pre-packed in mr-row panels.
  int64_t panel_rows = mr;
  if (b_in_place && !a.packed && a_panels > 1) {
    const int64_t rows = row_end - row_begin;
    panel_rows = std::min<int64_t>(mr, ((rows + a_panels - 1) / a_panels + 3) / 4 * 4);
  }

  T* b_buffer = b.packed || b_in_place || indirect_in_kernel ? nullptr
                                                             : Scratch<T>(0, static_cast<size_t>(kc_max * nc_max));
  T* a_buffer = a.packed ? nullptr : Scratch<T>(1, static_cast<size_t>(kc_max * mr));

  for (int64_t jc = col_begin; jc < col_end; jc += nc_max) {
    const int64_t nc = std::min(nc_max, col_end - jc);
    const int64_t b_panels = (nc + nr - 1) / nr;
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      const bool last_k = pc + kc >= K;
      const T beta_block = pc == 0 ? beta : T(1);

      const T* b_block = b_buffer;
      int64_t b_stride = kc * nr;
      if (b.packed) {
        b_block = b.packed + (jc / nr) * K * nr + pc * nr;
        b_stride = K * nr;
      } else if (b_buffer) {
        if constexpr (std::is_same_v<T, float>) {
          if (b.packer) (*b.packer)(pc, kc, jc, nc, nr, b_buffer);
        }
        if (pack_in_kernel || b.packer) {
          // Packed by the first row of tiles below, or by the caller.
        } else if (indirect) {
          PackIndirectBlock(b.data, b.row_offsets + pc, kc, jc, nc, nr, b_buffer);
        } else if (!b.trans && kernel.pack_b) {
          kernel.pack_b(b.data + pc * b.ld + jc, b.ld, kc, nc, b_buffer);
        } else if (b.trans && kernel.pack_b_trans) {
          kernel.pack_b_trans(b.data + jc * b.ld + pc, b.ld, kc, nc, b_buffer);
        } else {
          PackBBlock(b.trans, b.data, b.ld, pc, kc, jc, nc, nr, b_buffer);
        }
      }

      for (int64_t i0 = row_begin; i0 < row_end; i0 += panel_rows) {
        const int64_t q = (i0 - row_begin) / panel_rows;
        const int64_t m = std::min<int64_t>(panel_rows, row_end - i0);
        const bool packs_b = pack_in_kernel && q == 0;
        const bool a_rows = a_in_place && m == mr && !indirect_in_kernel && !packs_b;
        const T* a_panel = nullptr;
        if (a.packed) {
          a_panel = a.packed + (i0 / mr) * K * mr + pc * mr;
        } else if (!a_rows) {
          if (!a.trans && kernel.pack_a) {
            kernel.pack_a(a.data + i0 * a.ld + pc, a.ld, m, kc, a_buffer);
          } else {
            PackAPanel(a.trans, a.data, a.ld, i0, m, pc, kc, mr, a_buffer);
          }
          a_panel = a_buffer;
        }
        T* c_row = C + i0 * ldc;
        GemmEpilogueT<T> tile_ep;
        if (last_k && ep) {
          tile_ep = *ep;
          if (tile_ep.row_bias) tile_ep.row_bias += i0;
          if (post_activation) tile_ep.activation = Activation{};
        }
        for (int64_t jp = 0; jp < b_panels; ++jp) {
          const int64_t j0 = jc + jp * nr;
          const int64_t n = std::min<int64_t>(nr, col_end - j0);
          const GemmEpilogueT<T>* kernel_ep = nullptr;
          if (last_k && ep) {
            if (ep->residual) tile_ep.residual = ep->residual + i0 * ep->ld_residual + j0;
            kernel_ep = &tile_ep;
          }
          if (indirect_in_kernel) {
            kernel.fn_indirect(kc, a_panel, b.data + j0, b.row_offsets + pc, c_row + j0, ldc, m, n, alpha, beta_block,
                               kernel_ep);
          } else if (packs_b) {
            kernel.fn_packing(kc, a_panel, b.data + pc * b.ld + j0, b.ld, b_buffer + jp * b_stride, c_row + j0, ldc, m,
                              n, alpha, beta_block, kernel_ep);
          } else if (a_rows || b_in_place) {
            const T* a_src = a_rows ? a.data + i0 * a.ld + pc : a_panel;
            const T* b_src = b_in_place ? b.data + pc * b.ld + j0 : b_block + jp * b_stride;
            kernel.fn_strided(kc, a_src, a_rows ? a.ld : 0, b_src, b_in_place ? b.ld : 0, c_row + j0, ldc, m, n, alpha,
                              beta_block, kernel_ep);
          } else {
            kernel.fn(kc, a_panel, b_block + jp * b_stride, c_row + j0, ldc, m, n, alpha, beta_block, kernel_ep);
          }
          if constexpr (std::is_same_v<T, float>) {
            if (last_k && post_activation) {
              for (int64_t i = 0; i < m; ++i) ApplyActivation(ep->activation, c_row + i * ldc + j0, n);
            }
          }
        }
      }
    }
  }
}

// Below this many flops per thread, a thread costs more to wake than it saves.
constexpr double kMinFlopsPerThread = 3.0e6;
// With few rows a GEMM is a stream over B rather than arithmetic: reading one element of B costs
// the time of about this many flops (bandwidth from L2/L3 against FMA throughput), which counts
// towards the work worth splitting.
constexpr double kFlopsPerElementOfB = 24.0;

// Splits the M x N output over the threads worth using: rows in whole mr panels, columns in
// whole nr panels, picking the split whose largest task has the fewest micro-tiles (ties favour
// splitting columns, which keeps B packing unduplicated).
template <typename T>
void GemmDriver(const GemmMicroKernel<T>& kernel, const OperandA<T>& a, const OperandB<T>& b, int64_t M, int64_t N,
                int64_t K, T alpha, T beta, T* C, int64_t ldc, const GemmEpilogueT<T>* ep, ThreadPool* pool) {
  if (M <= 0 || N <= 0) return;
  const int mr = kernel.mr, nr = kernel.nr;
  const int64_t m_panels = (M + mr - 1) / mr, n_panels = (N + nr - 1) / nr;
  const double depth = static_cast<double>(std::max<int64_t>(K, 1));
  const double work = (2.0 * static_cast<double>(M) + kFlopsPerElementOfB) * static_cast<double>(N) * depth;
  int64_t threads = std::min<int64_t>(ThreadPool::DegreeOfParallelism(pool),
                                      std::max<int64_t>(1, static_cast<int64_t>(work / kMinFlopsPerThread)));
  threads = std::min(threads, m_panels * n_panels);

  int64_t best_mt = 1, best_nt = 1, best_tiles = m_panels * n_panels;
  if (threads > 1) {
    best_tiles = INT64_MAX;
    for (int64_t mt = 1; mt <= threads; ++mt) {
      if (threads % mt) continue;
      const int64_t nt = threads / mt;
      if (mt > m_panels || nt > n_panels) continue;
      const int64_t tiles = ((m_panels + mt - 1) / mt) * ((n_panels + nt - 1) / nt);
      if (tiles < best_tiles || (tiles == best_tiles && nt > best_nt)) {
        best_tiles = tiles;
        best_mt = mt;
        best_nt = nt;
      }
    }
    if (best_tiles == INT64_MAX) best_mt = best_nt = 1;
  }
  auto run_task = [&](int64_t t) {
    const int64_t mi = t / best_nt, ni = t % best_nt;
    const int64_t r0 = SplitPoint(m_panels, best_mt, mi) * mr, r1 = std::min(M, SplitPoint(m_panels, best_mt, mi + 1) * mr);
    const int64_t c0 = SplitPoint(n_panels, best_nt, ni) * nr, c1 = std::min(N, SplitPoint(n_panels, best_nt, ni + 1) * nr);
    if (r0 < r1 && c0 < c1) GemmTask(kernel, a, b, M, K, r0, r1, c0, c1, alpha, beta, C, ldc, ep);
  };
  const int64_t tasks = best_mt * best_nt;
  if (tasks == 1) {
    run_task(0);
  } else {
    ThreadPool::TrySimpleParallelFor(pool, tasks, run_task);
  }
}

// C = beta * C (then the epilogue) when there is no product to add.
template <typename T>
void ScaleOnly(int64_t M, int64_t N, T beta, T* C, int64_t ldc, const GemmEpilogueT<T>* ep, ThreadPool* pool) {
  ThreadPool::TryParallelFor(pool, M, static_cast<double>(N), [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      ScaleInto(C + i * ldc, N, 1, beta);
      if constexpr (std::is_same_v<T, float>) {
        if (ep) SgemmEpilogueReference(1, N, GemmEpilogue{ep->row_bias ? ep->row_bias + i : nullptr,
                                                              ep->residual ? ep->residual + i * ep->ld_residual : nullptr,
                                                              ep->ld_residual, ep->activation},
                                       C + i * ldc, ldc);
      }
    }
  });
}

template <typename T>
void GemmPackedImpl(const GemmMicroKernel<T>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                    T alpha, const T* A, int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc,
                    ThreadPool* pool) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == T(0)) {
    ScaleOnly<T>(M, N, beta, C, ldc, nullptr, pool);
    return;
  }
  OperandA<T> a;
  a.trans = trans_a;
  a.data = A;
  a.ld = lda;
  OperandB<T> b;
  b.trans = trans_b;
  b.data = B;
  b.ld = ldb;
  GemmDriver<T>(kernel, a, b, M, N, K, alpha, beta, C, ldc, nullptr, pool);
}

// Picks the path: dot/axpy for vector shapes, the packed driver otherwise.
template <typename T>
void GemmDispatch(const GemmMicroKernel<T>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                  T alpha, const T* A, int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc,
                  ThreadPool* pool) {
  if (M <= 0 || N <= 0) return;
  if (K > 0 && alpha != T(0)) {
    if (M == 1) {
      // y = x op(B): x is row 0 of op(A).
      const int64_t x_stride = trans_a ? lda : 1;
      GemvPath(kernel, trans_b, N, K, alpha, A, x_stride, B, ldb, beta, C, 1, pool);
      return;
    }
    if (N == 1) {
      // y = op(A) x: x is column 0 of op(B).
      const int64_t x_stride = trans_b ? 1 : ldb;
      GemvPath(kernel, !trans_a, M, K, alpha, B, x_stride, A, lda, beta, C, ldc, pool);
      return;
    }
  }
  GemmPackedImpl(kernel, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
}

}  // namespace

const GemmMicroKernel<float>& PortableSgemmKernel() {
  static const GemmMicroKernel<float> kernel{"portable_4x16", 4, 16, &PortableMicroKernel4<float, 16>};
  return kernel;
}

const GemmMicroKernel<double>& PortableDgemmKernel() {
  static const GemmMicroKernel<double> kernel{"portable_4x8", 4, 8, &PortableMicroKernel4<double, 8>};
  return kernel;
}

const GemmMicroKernel<float>& ActiveSgemmKernel() { return SelectSgemmKernel(); }

const GemmMicroKernel<double>& ActiveDgemmKernel() {
  static const GemmMicroKernel<double>& kernel = PortableDgemmKernel();
  return kernel;
}

void SgemmPacked(const GemmMicroKernel<float>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                 float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                 int64_t ldc, ThreadPool* pool) {
  GemmPackedImpl(kernel, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
}

void DgemmPacked(const GemmMicroKernel<double>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                 double alpha, const double* A, int64_t lda, const double* B, int64_t ldb, double beta, double* C,
                 int64_t ldc, ThreadPool* pool) {
  GemmPackedImpl(kernel, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
}

}  // namespace gemm_detail

// ---- public entry points ---------------------------------------------------------------------

void Sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool) {
  gemm_detail::GemmDispatch(gemm_detail::ActiveSgemmKernel(), trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta,
                            C, ldc, pool);
}

void Dgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
           const double* B, int64_t ldb, double beta, double* C, int64_t ldc, ThreadPool* pool) {
  gemm_detail::GemmDispatch(gemm_detail::ActiveDgemmKernel(), trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta,
                            C, ldc, pool);
}

PackedSgemmA PackSgemmA(const gemm_detail::GemmMicroKernel<float>& kernel, bool trans_a, int64_t M, int64_t K,
                        const float* A, int64_t lda) {
  PackedSgemmA p;
  p.kernel_ = &kernel;
  p.M_ = std::max<int64_t>(M, 0);
  p.K_ = std::max<int64_t>(K, 0);
  const int64_t panels = (p.M_ + kernel.mr - 1) / kernel.mr;
  p.data_ = gemm_detail::AlignedArray<float>(static_cast<size_t>(panels * p.K_ * kernel.mr));
  for (int64_t ip = 0; ip < panels; ++ip) {
    gemm_detail::PackAPanel(trans_a, A, lda, ip * kernel.mr, std::min<int64_t>(kernel.mr, p.M_ - ip * kernel.mr), 0,
                            p.K_, kernel.mr, p.data_.get() + ip * p.K_ * kernel.mr);
  }
  return p;
}

PackedSgemmA PackSgemmA(bool trans_a, int64_t M, int64_t K, const float* A, int64_t lda) {
  return PackSgemmA(gemm_detail::ActiveSgemmKernel(), trans_a, M, K, A, lda);
}

PackedSgemmB PackSgemmB(const gemm_detail::GemmMicroKernel<float>& kernel, bool trans_b, int64_t K, int64_t N,
                        const float* B, int64_t ldb) {
  PackedSgemmB p;
  p.kernel_ = &kernel;
  p.K_ = std::max<int64_t>(K, 0);
  p.N_ = std::max<int64_t>(N, 0);
  const int64_t panels = (p.N_ + kernel.nr - 1) / kernel.nr;
  p.data_ = gemm_detail::AlignedArray<float>(static_cast<size_t>(panels * p.K_ * kernel.nr));
  for (int64_t jp = 0; jp < panels; ++jp) {
    gemm_detail::PackBPanel(trans_b, B, ldb, 0, p.K_, jp * kernel.nr, std::min<int64_t>(kernel.nr, p.N_ - jp * kernel.nr),
                            kernel.nr, p.data_.get() + jp * p.K_ * kernel.nr);
  }
  return p;
}

PackedSgemmB PackSgemmB(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb) {
  return PackSgemmB(gemm_detail::ActiveSgemmKernel(), trans_b, K, N, B, ldb);
}

namespace {

const GemmEpilogue* EpilogueOrNull(const GemmEpilogue& ep) { return ep.Empty() ? nullptr : &ep; }

void RunWithPackedA(const PackedSgemmA& a, int64_t N, const gemm_detail::OperandB<float>& b, float* C, int64_t ldc,
                    const GemmEpilogue& ep, ThreadPool* pool) {
  const int64_t M = a.M(), K = a.K();
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    gemm_detail::ScaleOnly<float>(M, N, 0.f, C, ldc, EpilogueOrNull(ep), pool);
    return;
  }
  gemm_detail::OperandA<float> op_a;
  op_a.packed = a.Panel(0);
  gemm_detail::GemmDriver(a.Kernel(), op_a, b, M, N, K, 1.f, 0.f, C, ldc, EpilogueOrNull(ep), pool);
}

}  // namespace

void SgemmWithPackedA(const PackedSgemmA& a, bool trans_b, int64_t N, const float* B, int64_t ldb, float* C,
                      int64_t ldc, const GemmEpilogue& ep, ThreadPool* pool) {
  gemm_detail::OperandB<float> b;
  b.trans = trans_b;
  b.data = B;
  b.ld = ldb;
  RunWithPackedA(a, N, b, C, ldc, ep, pool);
}

void SgemmWithPackedA(const PackedSgemmA& a, int64_t N, const SgemmBPacker& pack_b, float* C, int64_t ldc,
                      const GemmEpilogue& ep, ThreadPool* pool) {
  gemm_detail::OperandB<float> b;
  b.packer = &pack_b;
  RunWithPackedA(a, N, b, C, ldc, ep, pool);
}

void SgemmWithPackedA(const PackedSgemmA& a, int64_t N, const float* b_base, const int64_t* b_row_offsets, float* C,
                      int64_t ldc, const GemmEpilogue& ep, ThreadPool* pool) {
  gemm_detail::OperandB<float> b;
  b.data = b_base;
  b.row_offsets = b_row_offsets;
  RunWithPackedA(a, N, b, C, ldc, ep, pool);
}

void SgemmWithPackedABRows(const PackedSgemmA& a, int64_t row_begin, int64_t row_end, int64_t N,
                           const float* b_panels, float* C, int64_t ldc) {
  const int64_t M = a.M(), K = a.K(), mr = a.Kernel().mr;
  ORTLITE_CHECK_ARG(row_begin >= 0 && row_begin % mr == 0 && row_end <= M,
                    "SgemmWithPackedABRows needs rows inside A, starting at a panel");
  if (row_begin >= row_end || N <= 0) return;
  if (K <= 0) {
    gemm_detail::ScaleOnly<float>(row_end - row_begin, N, 0.f, C, ldc, nullptr, nullptr);
    return;
  }
  // Rows [row_begin, row_end) of A x B are rows [0, row_end - row_begin) of the product of A's
  // panels from row_begin on.
  gemm_detail::OperandA<float> op_a;
  op_a.packed = a.Panel(row_begin / mr);
  gemm_detail::OperandB<float> op_b;
  op_b.packed = b_panels;
  const int64_t rows = row_end - row_begin;
  gemm_detail::GemmTask(a.Kernel(), op_a, op_b, rows, K, 0, rows, 0, N, 1.f, 0.f, C, ldc,
                        static_cast<const GemmEpilogueT<float>*>(nullptr));
}

void SgemmWithPackedB(bool trans_a, int64_t M, float alpha, const float* A, int64_t lda, const PackedSgemmB& b,
                      float beta, float* C, int64_t ldc, ThreadPool* pool, const GemmEpilogue& ep) {
  const int64_t N = b.N(), K = b.K();
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0.f) {
    gemm_detail::ScaleOnly<float>(M, N, beta, C, ldc, EpilogueOrNull(ep), pool);
    return;
  }
  gemm_detail::OperandA<float> op_a;
  op_a.trans = trans_a;
  op_a.data = A;
  op_a.ld = lda;
  gemm_detail::OperandB<float> op_b;
  op_b.packed = b.Panel(0);
  gemm_detail::GemmDriver(b.Kernel(), op_a, op_b, M, N, K, alpha, beta, C, ldc, EpilogueOrNull(ep), pool);
}

}  // namespace ortlite
