// Cache-blocked, packed GEMM.
//
// Loop structure (for each micro-kernel of tile mr x nr):
//   for jc over N in blocks of NC:             B block (KC x NC) is packed once, shared by all threads
//     for pc over K in blocks of KC:
//       pack op(B)[pc:pc+kc, jc:jc+nc] into nr-wide panels
//       parallel over (MC-row block, group of B panels):
//         pack op(A)[rows, pc:pc+kc] into mr-tall panels (thread-local, reused across groups)
//         for each B panel (stays in L1): for each A panel (block stays in L2): micro-kernel
// The first K block applies the caller's beta, later ones accumulate (beta = 1).
// Degenerate shapes (M == 1 or N == 1) go to dot/axpy paths that skip packing.
#include "providers/cpu/math/gemm.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

namespace ortlite {
namespace gemm_detail {
namespace {

// ---- micro-kernels ---------------------------------------------------------------------------

// Four rows of accumulators held in separate arrays: with a fixed NR g++ keeps them in vector
// registers (a single 2-D array is left in memory by its scalar-replacement pass).
template <typename T, int NR>
void PortableMicroKernel4(int64_t k, const T* __restrict a_panel, const T* __restrict b_panel, T* __restrict c,
                          int64_t ldc, int64_t m, int64_t n, T alpha, T beta) {
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
  if (m == kMR && n == NR) {
    for (int i = 0; i < kMR; ++i) {
      T* crow = c + i * ldc;
      const T* acc = rows[i];
      if (beta == T(0)) {
        for (int j = 0; j < NR; ++j) crow[j] = alpha * acc[j];
      } else {
        for (int j = 0; j < NR; ++j) crow[j] = alpha * acc[j] + beta * crow[j];
      }
    }
    return;
  }
  for (int64_t i = 0; i < m; ++i) {
    T* crow = c + i * ldc;
    const T* acc = rows[i];
    if (beta == T(0)) {
      for (int64_t j = 0; j < n; ++j) crow[j] = alpha * acc[j];
    } else {
      for (int64_t j = 0; j < n; ++j) crow[j] = alpha * acc[j] + beta * crow[j];
    }
  }
}

// ---- scratch memory --------------------------------------------------------------------------

// Per-thread, grow-only, 64-byte aligned buffers. Slot 0 holds packed B (owned by the calling
// thread, read by all workers), slot 1 packed A (owned by each worker).
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
// otherwise row p of `mat` holds element p of every vector (axpy over rows).
template <typename T>
void GemvPath(bool rows_contiguous, int64_t count, int64_t K, T alpha, const T* x, int64_t x_stride, const T* mat,
              int64_t ld, T beta, T* y, int64_t y_stride, ThreadPool* pool) {
  std::vector<T> xbuf;
  if (x_stride != 1) {
    xbuf.resize(static_cast<size_t>(K));
    for (int64_t p = 0; p < K; ++p) xbuf[p] = x[p * x_stride];
    x = xbuf.data();
  }
  if (rows_contiguous) {
    ThreadPool::TryParallelFor(pool, count, 2.0 * K, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j) {
        const T dot = alpha * DotProduct(x, mat + j * ld, K);
        T& out = y[j * y_stride];
        out = beta == T(0) ? dot : dot + beta * out;
      }
    });
    return;
  }
  // Axpy form: accumulate into a contiguous buffer per column block, then store.
  constexpr int64_t kBlock = 1024;
  const int64_t blocks = (count + kBlock - 1) / kBlock;
  ThreadPool::TryParallelFor(pool, blocks, 2.0 * K * kBlock, [&](int64_t begin, int64_t end) {
    alignas(64) T acc[kBlock];
    for (int64_t b = begin; b < end; ++b) {
      const int64_t j0 = b * kBlock;
      const int64_t n = std::min(kBlock, count - j0);
      std::fill(acc, acc + n, T(0));
      for (int64_t p = 0; p < K; ++p) Axpy(x[p], mat + p * ld + j0, acc, n);
      for (int64_t j = 0; j < n; ++j) {
        T& out = y[(j0 + j) * y_stride];
        out = beta == T(0) ? alpha * acc[j] : alpha * acc[j] + beta * out;
      }
    }
  });
}

// ---- the blocked driver ----------------------------------------------------------------------

template <typename T>
void GemmPackedImpl(const GemmMicroKernel<T>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                    T alpha, const T* A, int64_t lda, const T* B, int64_t ldb, T beta, T* C, int64_t ldc,
                    ThreadPool* pool) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == T(0)) {
    ThreadPool::TryParallelFor(pool, M, static_cast<double>(N), [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) ScaleInto(C + i * ldc, N, 1, beta);
    });
    return;
  }
  const int mr = kernel.mr;
  const int nr = kernel.nr;
  // Sized for ~48 KiB L1 / >= 1 MiB L2: a KC x nr B panel stays in L1, an MC x KC A block in L2.
  const int64_t kc_max = 256 * 4 / static_cast<int64_t>(sizeof(T));
  const int64_t mc_max = std::max<int64_t>(mr, (144 / mr) * mr);
  const int64_t nc_max = std::max<int64_t>(nr, (4096 / nr) * nr);

  const int64_t nc_first = std::min(nc_max, N);
  const int64_t kc_first = std::min(kc_max, K);
  const int64_t b_panels_max = (nc_first + nr - 1) / nr;
  T* packed_b = Scratch<T>(0, static_cast<size_t>(b_panels_max * kc_first * nr));
  const int threads = ThreadPool::DegreeOfParallelism(pool);

  for (int64_t jc = 0; jc < N; jc += nc_max) {
    const int64_t nc = std::min(nc_max, N - jc);
    const int64_t b_panels = (nc + nr - 1) / nr;
    for (int64_t pc = 0; pc < K; pc += kc_max) {
      const int64_t kc = std::min(kc_max, K - pc);
      const T beta_block = pc == 0 ? beta : T(1);

      ThreadPool::TryParallelFor(pool, b_panels, static_cast<double>(kc * nr), [&](int64_t begin, int64_t end) {
        for (int64_t jp = begin; jp < end; ++jp) {
          const int64_t j0 = jp * nr;
          PackBPanel(trans_b, B, ldb, pc, kc, jc + j0, std::min<int64_t>(nr, nc - j0), nr, packed_b + jp * kc * nr);
        }
      });

      // Enough tasks to balance the threads; B panel groups split the columns when M is short.
      const int64_t m_blocks = (M + mc_max - 1) / mc_max;
      const int64_t wanted = static_cast<int64_t>(threads) * 4;
      const int64_t n_groups = std::min(b_panels, std::max<int64_t>(1, (wanted + m_blocks - 1) / m_blocks));
      const int64_t panels_per_group = (b_panels + n_groups - 1) / n_groups;
      const int64_t tasks = m_blocks * n_groups;
      const double task_cost = 2.0 * static_cast<double>(mc_max) * kc * panels_per_group * nr;

      ThreadPool::TryParallelFor(pool, tasks, task_cost, [&](int64_t begin, int64_t end) {
        const int64_t a_panels_max = mc_max / mr;
        T* packed_a = Scratch<T>(1, static_cast<size_t>(a_panels_max * kc * mr));
        int64_t packed_block = -1;
        for (int64_t t = begin; t < end; ++t) {
          const int64_t mb = t / n_groups;
          const int64_t ng = t % n_groups;
          const int64_t i0 = mb * mc_max;
          const int64_t mc = std::min(mc_max, M - i0);
          const int64_t a_panels = (mc + mr - 1) / mr;
          if (mb != packed_block) {
            for (int64_t ip = 0; ip < a_panels; ++ip) {
              PackAPanel(trans_a, A, lda, i0 + ip * mr, std::min<int64_t>(mr, mc - ip * mr), pc, kc, mr,
                         packed_a + ip * kc * mr);
            }
            packed_block = mb;
          }
          const int64_t jp_end = std::min(b_panels, (ng + 1) * panels_per_group);
          for (int64_t jp = ng * panels_per_group; jp < jp_end; ++jp) {
            const int64_t j0 = jp * nr;
            const int64_t n = std::min<int64_t>(nr, nc - j0);
            const T* pb = packed_b + jp * kc * nr;
            for (int64_t ip = 0; ip < a_panels; ++ip) {
              const int64_t m = std::min<int64_t>(mr, mc - ip * mr);
              kernel.fn(kc, packed_a + ip * kc * mr, pb, C + (i0 + ip * mr) * ldc + jc + j0, ldc, m, n, alpha,
                        beta_block);
            }
          }
        }
      });
    }
  }
}

template <typename T>
void GemmReferenceImpl(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                       const T* B, int64_t ldb, T beta, T* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      T sum = T(0);
      for (int64_t p = 0; p < K; ++p) {
        const T a = trans_a ? A[p * lda + i] : A[i * lda + p];
        const T b = trans_b ? B[j * ldb + p] : B[p * ldb + j];
        sum += a * b;
      }
      T& c = C[i * ldc + j];
      c = beta == T(0) ? alpha * sum : alpha * sum + beta * c;
    }
  }
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
      GemvPath(trans_b, N, K, alpha, A, x_stride, B, ldb, beta, C, 1, pool);
      return;
    }
    if (N == 1) {
      // y = op(A) x: x is column 0 of op(B).
      const int64_t x_stride = trans_b ? 1 : ldb;
      GemvPath(!trans_a, M, K, alpha, B, x_stride, A, lda, beta, C, ldc, pool);
      return;
    }
  }
  GemmPackedImpl(kernel, trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
}

template <typename T>
using Unsigned = std::conditional_t<std::is_signed_v<T>, std::make_unsigned_t<T>, T>;

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

void SgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                    int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm_detail::GemmReferenceImpl(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void DgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
                    int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc) {
  gemm_detail::GemmReferenceImpl(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

template <typename T>
void GemmGeneric(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                 const T* B, int64_t ldb, T beta, T* C, int64_t ldc, ThreadPool* pool) {
  // Signed overflow is undefined in C++; the unsigned twin wraps the way the hardware does.
  using U = gemm_detail::Unsigned<T>;
  if (M <= 0 || N <= 0) return;
  const U ualpha = static_cast<U>(alpha);
  const U ubeta = static_cast<U>(beta);
  ThreadPool::TryParallelFor(pool, M, 2.0 * static_cast<double>(N) * K, [&](int64_t begin, int64_t end) {
    std::vector<U> acc(static_cast<size_t>(N));
    for (int64_t i = begin; i < end; ++i) {
      std::fill(acc.begin(), acc.end(), U(0));
      for (int64_t p = 0; p < K; ++p) {
        const U a = static_cast<U>(trans_a ? A[p * lda + i] : A[i * lda + p]);
        if (a == U(0)) continue;
        if (trans_b) {
          for (int64_t j = 0; j < N; ++j) acc[j] += a * static_cast<U>(B[j * ldb + p]);
        } else {
          const T* brow = B + p * ldb;
          for (int64_t j = 0; j < N; ++j) acc[j] += a * static_cast<U>(brow[j]);
        }
      }
      T* crow = C + i * ldc;
      for (int64_t j = 0; j < N; ++j) {
        const U prev = beta == T(0) ? U(0) : ubeta * static_cast<U>(crow[j]);
        crow[j] = static_cast<T>(ualpha * acc[j] + prev);
      }
    }
  });
}

template void GemmGeneric<int32_t>(bool, bool, int64_t, int64_t, int64_t, int32_t, const int32_t*, int64_t,
                                   const int32_t*, int64_t, int32_t, int32_t*, int64_t, ThreadPool*);
template void GemmGeneric<int64_t>(bool, bool, int64_t, int64_t, int64_t, int64_t, const int64_t*, int64_t,
                                   const int64_t*, int64_t, int64_t, int64_t*, int64_t, ThreadPool*);
template void GemmGeneric<uint32_t>(bool, bool, int64_t, int64_t, int64_t, uint32_t, const uint32_t*, int64_t,
                                    const uint32_t*, int64_t, uint32_t, uint32_t*, int64_t, ThreadPool*);
template void GemmGeneric<uint64_t>(bool, bool, int64_t, int64_t, int64_t, uint64_t, const uint64_t*, int64_t,
                                    const uint64_t*, int64_t, uint64_t, uint64_t*, int64_t, ThreadPool*);

}  // namespace ortlite
