// Vectorised float transcendental functions for the elementwise kernels: thin wrappers over the
// dispatched vector kernels (vector_kernels.h documents each one's method and maximum error).
// Each takes n contiguous inputs and writes n outputs; in-place (x == y) is allowed.
#pragma once
#include <cstdint>

#include "providers/cpu/math/vector_kernels.h"

namespace ortlite {
namespace vector_math {

inline void Exp(const float* x, float* y, int64_t n) { vector_kernels::ActiveVectorKernels().exp(x, y, n); }
inline void Tanh(const float* x, float* y, int64_t n) { vector_kernels::ActiveVectorKernels().tanh(x, y, n); }
inline void Sigmoid(const float* x, float* y, int64_t n) { vector_kernels::ActiveVectorKernels().sigmoid(x, y, n); }
inline void Erf(const float* x, float* y, int64_t n) { vector_kernels::ActiveVectorKernels().erf(x, y, n); }
// x * Phi(x) = 0.5 x (1 + erf(x / sqrt(2))).
inline void Gelu(const float* x, float* y, int64_t n) { vector_kernels::ActiveVectorKernels().gelu(x, y, n); }
inline void Relu(const float* x, float* y, int64_t n) { vector_kernels::ActiveVectorKernels().relu(x, y, n); }

}  // namespace vector_math
}  // namespace ortlite
