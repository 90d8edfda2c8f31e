// Single-precision and double GEMM used by MatMul, Gemm, Conv, ConvTranspose, RNNs and others.
//   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C
// Row-major; lda/ldb/ldc are the row strides of the stored (untransposed) matrices.
// beta == 0 means C is write-only (its old contents, even NaN, are ignored).
#pragma once
#include <cstdint>

#include "core/framework/thread_pool.h"
#include "providers/cpu/common/cpu_features.h"

namespace ortlite {

void Sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool);

void Dgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
           const double* B, int64_t ldb, double beta, double* C, int64_t ldc, ThreadPool* pool);

// The scalar reference every optimised path is tested against.
void SgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                    int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);
void DgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
                    int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc);

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
// when beta == 0 it must not read c. Panels are 64-byte aligned and zero-padded to mr/nr.
template <typename T>
using GemmMicroKernelFn = void (*)(int64_t k, const T* a_panel, const T* b_panel, T* c, int64_t ldc, int64_t m,
                                   int64_t n, T alpha, T beta);

template <typename T>
struct GemmMicroKernel {
  const char* name;
  int mr;
  int nr;
  GemmMicroKernelFn<T> fn;
};

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

}  // namespace gemm_detail
}  // namespace ortlite
