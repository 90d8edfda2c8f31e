// Chooses the f32 GEMM micro-kernel once, from the host's ISA (capped by ORTLITE_MAX_ISA), and
// logs the choice.
#include "core/common/status.h"
#include "core/framework/logging.h"
#include "providers/cpu/common/cpu_features.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace gemm_detail {

void SgemmKernelAvx512_12x32(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int64_t m, int64_t n,
                             float alpha, float beta, const GemmEpilogueT<float>* ep);
void SgemmPackRowsAvx512_32(const float* src, int64_t ld, int64_t rows, int64_t cols, float* dst);
void SgemmKernelIndirectAvx512_12x32(int64_t k, const float* a, const float* b_base, const int64_t* row_offsets,
                                     float* c, int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                                     const GemmEpilogueT<float>* ep);
void SgemmPackAAvx512_12(const float* a, int64_t lda, int64_t rows, int64_t kc, float* dst);
void SgemvDotAvx512(const float* x, const float* mat, int64_t ld, int64_t K, int64_t rows, float* out);
void SgemvAxpyAvx512(const float* x, const float* mat, int64_t ld, int64_t K, int64_t n, float* out);
void SgemmKernelPackingAvx512_12x32(int64_t k, const float* a, const float* b_src, int64_t ldb, float* b_dst, float* c,
                                    int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                                    const GemmEpilogueT<float>* ep);
void SgemmKernelStridedAvx512_12x32(int64_t k, const float* a, int64_t lda, const float* b, int64_t ldb, float* c,
                                    int64_t ldc, int64_t m, int64_t n, float alpha, float beta,
                                    const GemmEpilogueT<float>* ep);
void SgemmPackBTransAvx512_32(const float* src, int64_t ld, int64_t rows, int64_t cols, float* dst);
void SgemmKernelAvx2_6x16(int64_t k, const float* a, const float* b, float* c, int64_t ldc, int64_t m, int64_t n,
                          float alpha, float beta, const GemmEpilogueT<float>* ep);

const GemmMicroKernel<float>* SimdSgemmKernel(IsaLevel level) {
  static const GemmMicroKernel<float> avx512{"avx512_12x32", 12, 32, &SgemmKernelAvx512_12x32,
                                             &SgemmPackRowsAvx512_32, &SgemmKernelPackingAvx512_12x32,
                                             &SgemvDotAvx512, &SgemvAxpyAvx512, &SgemmKernelIndirectAvx512_12x32,
                                             &SgemmPackAAvx512_12, &SgemmKernelStridedAvx512_12x32,
                                             &SgemmPackBTransAvx512_32};
  static const GemmMicroKernel<float> avx2{"avx2_6x16", 6, 16, &SgemmKernelAvx2_6x16};
  switch (level) {
    case IsaLevel::kAvx512: return &avx512;
    case IsaLevel::kAvx2: return &avx2;
    default: return nullptr;
  }
}

const GemmMicroKernel<float>& SelectSgemmKernel() {
  static const GemmMicroKernel<float>& chosen = [&]() -> const GemmMicroKernel<float>& {
    const GemmMicroKernel<float>* k = SimdSgemmKernel(ActiveIsa());
    const GemmMicroKernel<float>& result = k ? *k : PortableSgemmKernel();
    Log(Severity::kInfo, "", MakeString("sgemm micro-kernel: ", result.name, " (isa ", IsaName(ActiveIsa()), ")"));
    return result;
  }();
  return chosen;
}

}  // namespace gemm_detail
}  // namespace ortlite
