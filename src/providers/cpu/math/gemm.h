// Single-precision and double GEMM used by MatMul, Gemm, Conv, ConvTranspose, RNNs and others.
//   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C
// Row-major; lda/ldb/ldc are the row strides of the stored (untransposed) matrices.
// beta == 0 means C is write-only (its old contents, even NaN, are ignored).
//
// Operands that do not change between runs (Conv, MatMul and Gemm weights) can be packed once
// into the micro-kernel's panel layout (PackSgemmA / PackSgemmB) and multiplied without
// repacking; the final store of each C tile can add a bias, add a residual and apply an
// activation while the tile is still in registers (GemmEpilogue).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/framework/thread_pool.h"
#include "providers/cpu/common/cpu_features.h"

namespace ortlite {

// ---- fused epilogue --------------------------------------------------------------------------

enum class ActivationKind : uint8_t { kNone, kRelu, kClip, kLeakyRelu, kSigmoid, kTanh, kHardSigmoid };

struct Activation {
  ActivationKind kind = ActivationKind::kNone;
  // Clip: min, max. LeakyRelu: alpha. HardSigmoid: alpha, beta.
  float alpha = 0.f, beta = 0.f;

  // From FusedConv's `activation` / `activation_params` attributes ("" means none). Throws
  // (invalid argument) for an unknown name or missing parameters.
  static Activation FromName(const std::string& name, const std::vector<float>& params);
};

// The scalar definition every vectorised path is tested against.
float ActivationReference(const Activation& act, float x);
// x[i] = act(x[i]) for i < n.
void ApplyActivation(const Activation& act, float* x, int64_t n);

// C[i][j] = act(alpha * sum + beta * C[i][j] + row_bias[i] + residual[i * ld_residual + j]);
// absent terms are skipped. `residual` may be C itself only if it is not also accumulated
// through beta.
template <typename T>
struct GemmEpilogueT {
  const T* row_bias = nullptr;
  const T* residual = nullptr;
  int64_t ld_residual = 0;
  Activation activation;

  bool Empty() const { return !row_bias && !residual && activation.kind == ActivationKind::kNone; }
};
using GemmEpilogue = GemmEpilogueT<float>;

// ---- plain GEMM ------------------------------------------------------------------------------

void Sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool);

void Dgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
           const double* B, int64_t ldb, double beta, double* C, int64_t ldc, ThreadPool* pool);

// The scalar reference every optimised path is tested against.
void SgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                    int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void DgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
                    int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc);
// Applies `ep` to C[M,N] in place (the reference for the fused epilogue).
void SgemmEpilogueReference(int64_t M, int64_t N, const GemmEpilogue& ep, float* C, int64_t ldc);

// Gemm for any arithmetic T (integer MatMul/Gemm): plain loops, exact wrap-around arithmetic for
// unsigned types. Defined in gemm.cc for int32_t, int64_t, uint32_t, uint64_t.
template <typename T>
void GemmGeneric(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, T alpha, const T* A, int64_t lda,
                 const T* B, int64_t ldb, T beta, T* C, int64_t ldc, ThreadPool* pool);

namespace gemm_detail {

// A micro-kernel computes one mr x nr tile of C from packed panels:
//   a_panel holds k groups of mr values (column p of op(A) for the tile's rows),
//   b_panel holds k groups of nr values (row p of op(B) for the tile's columns).
// It stores c[i*ldc + j] = alpha * sum + beta * c[i*ldc + j] for i < m, j < n (m <= mr, n <= nr);
// when beta == 0 it must not read c. Panels are zero-padded to mr/nr.
// With `ep` (pointers already offset to the tile) it also adds ep->row_bias[i] and
// ep->residual[i * ld_residual + j] and applies Relu, Clip or LeakyRelu (the driver applies the
// other activations itself).
template <typename T>
using GemmMicroKernelFn = void (*)(int64_t k, const T* a_panel, const T* b_panel, T* c, int64_t ldc, int64_t m,
                                   int64_t n, T alpha, T beta, const GemmEpilogueT<T>* ep);

// Packs rows [0, rows) x columns [0, cols) of a row-major matrix (row stride ld) into nr-wide
// panels of `rows` rows each, the last zero-padded (the layout of PackBBlock).
template <typename T>
using GemmPackRowsFn = void (*)(const T* src, int64_t ld, int64_t rows, int64_t cols, T* dst);
// Packs `rows` (<= mr) rows of a row-major A (row stride lda), columns [0, kc), into one mr-row
// panel (kc groups of mr values, rows beyond `rows` zero).
template <typename T>
using GemmPackAFn = void (*)(const T* a, int64_t lda, int64_t rows, int64_t kc, T* dst);

// The micro-kernel reading B from an untransposed matrix (row p at b_src + p * ldb, n columns)
// instead of a packed panel, and storing the packed panel (zero-padded to nr) at b_dst as it goes:
// the first tile of each column panel packs B for the others.
template <typename T>
using GemmPackingMicroKernelFn = void (*)(int64_t k, const T* a_panel, const T* b_src, int64_t ldb, T* b_dst, T* c,
                                          int64_t ldc, int64_t m, int64_t n, T alpha, T beta,
                                          const GemmEpilogueT<T>* ep);

// The micro-kernel reading row p of B at b_base + row_offsets[p] (nr columns readable, n used):
// B is a set of row pointers into another array, e.g. the shifted rows of a padded image that
// make up a stride-1 convolution's im2col matrix, which is then never built.
template <typename T>
using GemmIndirectMicroKernelFn = void (*)(int64_t k, const T* a_panel, const T* b_base, const int64_t* row_offsets,
                                           T* c, int64_t ldc, int64_t m, int64_t n, T alpha, T beta,
                                           const GemmEpilogueT<T>* ep);

// Matrix-vector helpers for the M == 1 / N == 1 shapes (optional SIMD versions):
//   dot:  out[j] = x . mat[j * ld, + K) for j < rows
//   axpy: out[j] = sum_p x[p] * mat[p * ld + j] for j < n (p < K)
template <typename T>
using GemvDotFn = void (*)(const T* x, const T* mat, int64_t ld, int64_t K, int64_t rows, T* out);
template <typename T>
using GemvAxpyFn = void (*)(const T* x, const T* mat, int64_t ld, int64_t K, int64_t n, T* out);

// The micro-kernel reading A and/or B in place instead of from packed panels. lda > 0: row i of
// the tile's A is at a + i * lda, k consecutive values, and the tile is full (m == mr);
// lda == 0: a packed A panel. ldb > 0: row p of B is at b + p * ldb, n columns readable;
// ldb == 0: a packed B panel.
template <typename T>
using GemmStridedMicroKernelFn = void (*)(int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c,
                                          int64_t ldc, int64_t m, int64_t n, T alpha, T beta,
                                          const GemmEpilogueT<T>* ep);

template <typename T>
struct GemmMicroKernel {
  const char* name;
  int mr;
  int nr;
  GemmMicroKernelFn<T> fn;
  GemmPackRowsFn<T> pack_b = nullptr;                 // optional SIMD packing of untransposed B
  GemmPackingMicroKernelFn<T> fn_packing = nullptr;  // optional, see above
  GemvDotFn<T> gemv_dot = nullptr;
  GemvAxpyFn<T> gemv_axpy = nullptr;
  GemmIndirectMicroKernelFn<T> fn_indirect = nullptr;  // optional, see above
  GemmPackAFn<T> pack_a = nullptr;                      // optional SIMD packing of untransposed A
  GemmStridedMicroKernelFn<T> fn_strided = nullptr;     // optional, see above
  // Optional SIMD packing of transposed B: `src` is the stored B (row j holds column j of op(B)),
  // `rows` and `cols` count op(B)'s rows and columns, and the panels come out as for pack_b.
  GemmPackRowsFn<T> pack_b_trans = nullptr;
};

// True if micro-kernels apply `kind` themselves.
inline bool KernelAppliesActivation(ActivationKind kind) {
  return kind == ActivationKind::kNone || kind == ActivationKind::kRelu || kind == ActivationKind::kClip ||
         kind == ActivationKind::kLeakyRelu;
}

// Plain C++ kernels that g++ -O3 vectorises for the baseline ISA.
const GemmMicroKernel<float>& PortableSgemmKernel();
const GemmMicroKernel<double>& PortableDgemmKernel();

// The kernels Sgemm/Dgemm use; chosen once, on first use (the single place for runtime dispatch).
const GemmMicroKernel<float>& ActiveSgemmKernel();
// The SIMD micro-kernel for `level`, nullptr for scalar; and the one chosen
// for this host (gemm_dispatch.cc).
const GemmMicroKernel<float>* SimdSgemmKernel(IsaLevel level);
const GemmMicroKernel<float>& SelectSgemmKernel();
const GemmMicroKernel<double>& ActiveDgemmKernel();

// The packed, blocked driver with an explicit micro-kernel (tests run it against the reference
// for every kernel the machine supports).
void SgemmPacked(const GemmMicroKernel<float>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                 float alpha, const float* A, int64_t lda, const float* B, int64_t ldb, float beta, float* C,
                 int64_t ldc, ThreadPool* pool);
void DgemmPacked(const GemmMicroKernel<double>& kernel, bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K,
                 double alpha, const double* A, int64_t lda, const double* B, int64_t ldb, double beta, double* C,
                 int64_t ldc, ThreadPool* pool);

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

}  // namespace gemm_detail

// ---- pre-packed operands ---------------------------------------------------------------------

// op(A) (M x K) packed into the micro-kernel's row panels: panel i holds rows [i*mr, i*mr + mr)
// as K groups of mr values, zero-padded. Built once (at session start for a constant weight).
class PackedSgemmA {
 public:
  PackedSgemmA() = default;
  int64_t M() const { return M_; }
  int64_t K() const { return K_; }
  bool Empty() const { return !data_; }
  const gemm_detail::GemmMicroKernel<float>& Kernel() const { return *kernel_; }
  const float* Panel(int64_t index) const { return data_.get() + index * K_ * kernel_->mr; }

 private:
  friend PackedSgemmA PackSgemmA(const gemm_detail::GemmMicroKernel<float>&, bool, int64_t, int64_t, const float*,
                                 int64_t);
  const gemm_detail::GemmMicroKernel<float>* kernel_ = nullptr;
  int64_t M_ = 0, K_ = 0;
  std::unique_ptr<float[], gemm_detail::FreeDeleter> data_;
};

// op(B) (K x N) packed into column panels: panel j holds columns [j*nr, j*nr + nr) as K groups of
// nr values, zero-padded.
class PackedSgemmB {
 public:
  PackedSgemmB() = default;
  int64_t K() const { return K_; }
  int64_t N() const { return N_; }
  bool Empty() const { return !data_; }
  const gemm_detail::GemmMicroKernel<float>& Kernel() const { return *kernel_; }
  const float* Panel(int64_t index) const { return data_.get() + index * K_ * kernel_->nr; }

 private:
  friend PackedSgemmB PackSgemmB(const gemm_detail::GemmMicroKernel<float>&, bool, int64_t, int64_t, const float*,
                                 int64_t);
  const gemm_detail::GemmMicroKernel<float>* kernel_ = nullptr;
  int64_t K_ = 0, N_ = 0;
  std::unique_ptr<float[], gemm_detail::FreeDeleter> data_;
};

// Packs for the active micro-kernel (or an explicit one, for tests).
PackedSgemmA PackSgemmA(bool trans_a, int64_t M, int64_t K, const float* A, int64_t lda);
PackedSgemmA PackSgemmA(const gemm_detail::GemmMicroKernel<float>& kernel, bool trans_a, int64_t M, int64_t K,
                        const float* A, int64_t lda);
PackedSgemmB PackSgemmB(bool trans_b, int64_t K, int64_t N, const float* B, int64_t ldb);
PackedSgemmB PackSgemmB(const gemm_detail::GemmMicroKernel<float>& kernel, bool trans_b, int64_t K, int64_t N,
                        const float* B, int64_t ldb);

// Writes rows [row0, row0 + rows) x columns [col0, col0 + cols) of op(B) as nr-wide panels:
// column col0 + p*nr + j, row row0 + r goes to dst[p * rows * nr + r * nr + j]; columns of the last
// panel beyond `cols` are zero. Lets a caller (Conv's im2col) build B straight into the layout.
using SgemmBPacker = std::function<void(int64_t row0, int64_t rows, int64_t col0, int64_t cols, int nr, float* dst)>;

// C[M,N] = epilogue(packed_a x op(B)), M and K from `a`.
void SgemmWithPackedA(const PackedSgemmA& a, bool trans_b, int64_t N, const float* B, int64_t ldb, float* C,
                      int64_t ldc, const GemmEpilogue& ep, ThreadPool* pool);
// The same with op(B) produced by `pack_b` (called once per block of B each task needs).
void SgemmWithPackedA(const PackedSgemmA& a, int64_t N, const SgemmBPacker& pack_b, float* C, int64_t ldc,
                      const GemmEpilogue& ep, ThreadPool* pool);
// The same with B given by rows: row k is b_base + b_row_offsets[k], N contiguous columns, and
// reading up to 32 columns past N must stay inside the caller's buffer (the values are unused).
void SgemmWithPackedA(const PackedSgemmA& a, int64_t N, const float* b_base, const int64_t* b_row_offsets, float* C,
                      int64_t ldc, const GemmEpilogue& ep, ThreadPool* pool);
// Rows [row_begin, row_end) of C[M, N] = A x B, with B (a.K() x N) already in the micro-kernel's
// column panels (a.Kernel().nr columns each, panel j at b_panels + j * a.K() * nr; columns past N
// are read but not stored), on the calling thread, so that callers can split the rows over
// threads; row_begin is a multiple of a.Kernel().mr and C points at row row_begin (a caller's
// buffer holds just the rows it asks for).
void SgemmWithPackedABRows(const PackedSgemmA& a, int64_t row_begin, int64_t row_end, int64_t N,
                           const float* b_panels, float* C, int64_t ldc);
// C[M,N] = epilogue(alpha * op(A) x packed_b + beta * C), K and N from `b`.
void SgemmWithPackedB(bool trans_a, int64_t M, float alpha, const float* A, int64_t lda, const PackedSgemmB& b,
                      float beta, float* C, int64_t ldc, ThreadPool* pool, const GemmEpilogue& ep = GemmEpilogue{});

}  // namespace ortlite
