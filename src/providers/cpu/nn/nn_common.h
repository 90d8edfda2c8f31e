// Small helpers shared by the neural-network kernels: float staging of 16-bit tensors and
// GEMM overloads by element type.
#pragma once
#include <cstdint>
#include <type_traits>
#include <vector>

#include "core/framework/op_kernel.h"
#include "core/framework/tensor.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {

template <typename T>
constexpr bool kIs16BitFloat = std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>;

// The type a kernel computes in for element type T: double stays double, everything else float.
template <typename T>
using ComputeType = std::conditional_t<std::is_same_v<T, double>, double, float>;

// The values of a float-like tensor (float, double, float16, bfloat16) converted to C.
template <typename C>
std::vector<C> ToComputeVector(const Tensor& t) {
  std::vector<C> out(static_cast<size_t>(t.NumElements()));
  VisitType<FloatTypes>(t.GetElementType(), [&](auto tag) {
    using T = typename decltype(tag)::type;
    const T* src = t.Data<T>();
    for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<C>(ToCompute(src[i]));
  });
  return out;
}

// Element-type-overloaded GEMM so templated kernels can call one name.
inline void GemmFp(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                   int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc, ThreadPool* pool) {
  Sgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
}
inline void GemmFp(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
                   int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc, ThreadPool* pool) {
  Dgemm(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, pool);
}

// The Conv kernel (conv.cc); as FusedConv (com.microsoft) when the node is one.
std::unique_ptr<OpKernel> CreateConvKernel(const OpKernelInfo& info);

// MaxPool of `planes` float planes (pool.cc): y planes of g.OutSize() from x planes of g.InSize().
void MaxPoolFloat(const float* x, float* y, int64_t planes, const Geometry3D& g, ThreadPool* pool);
// The same on the calling thread, for planes x_stride and y_stride floats apart.
void MaxPoolFloatPlanes(const float* x, int64_t x_stride, float* y, int64_t y_stride, int64_t planes,
                        const Geometry3D& g);

}  // namespace nn
}  // namespace ortlite
