// The SGEMM micro-kernels this machine can run, for tests that compare each with the reference.
#pragma once
#include <vector>

#include "providers/cpu/common/cpu_features.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace test {

// The portable kernel, then the AVX2 and AVX-512 ones up to the host's level.
inline std::vector<const gemm_detail::GemmMicroKernel<float>*> SupportedSgemmKernels() {
  std::vector<const gemm_detail::GemmMicroKernel<float>*> kernels = {&gemm_detail::PortableSgemmKernel()};
  for (IsaLevel level : {IsaLevel::kAvx2, IsaLevel::kAvx512}) {
    if (static_cast<int>(level) <= static_cast<int>(ActiveIsa())) kernels.push_back(gemm_detail::SimdSgemmKernel(level));
  }
  return kernels;
}

}  // namespace test
}  // namespace ortlite
