// Single-precision and double GEMM used by MatMul, Gemm, Conv, ConvTranspose, RNNs and others.
//   C[M,N] = alpha * op(A)[M,K] * op(B)[K,N] + beta * C
// Row-major; lda/ldb/ldc are the row strides of the stored (untransposed) matrices.
// beta == 0 means C is write-only (its old contents, even NaN, are ignored).
#pragma once
#include <cstdint>

#include "core/framework/thread_pool.h"

namespace ortlite {

void Sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A, int64_t lda,
           const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool);

void Dgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A, int64_t lda,
           const double* B, int64_t ldb, double beta, double* C, int64_t ldc, ThreadPool* pool);

// The scalar reference every optimised path is tested against.
void SgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                    int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace ortlite
