// The scalar definitions the optimised GEMM paths are tested against (reference GEMM, fused
// epilogue, activations), and the plain-loop GEMM for integer types.
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "core/common/status.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {

// ---- activations -----------------------------------------------------------------------------

Activation Activation::FromName(const std::string& name, const std::vector<float>& params) {
  Activation a;
  auto need = [&](size_t n) {
    ORTLITE_CHECK_ARG(params.size() >= n, "activation ", name, " needs ", n, " activation_params, got ",
                      params.size());
  };
  if (name.empty()) return a;
  if (name == "Relu") {
    a.kind = ActivationKind::kRelu;
  } else if (name == "Clip") {
    need(2);
    a.kind = ActivationKind::kClip;
    a.alpha = params[0];
    a.beta = params[1];
  } else if (name == "LeakyRelu") {
    a.kind = ActivationKind::kLeakyRelu;
    a.alpha = params.empty() ? 0.01f : params[0];
  } else if (name == "Sigmoid") {
    a.kind = ActivationKind::kSigmoid;
  } else if (name == "Tanh") {
    a.kind = ActivationKind::kTanh;
  } else if (name == "HardSigmoid") {
    a.kind = ActivationKind::kHardSigmoid;
    a.alpha = params.size() >= 1 ? params[0] : 0.2f;
    a.beta = params.size() >= 2 ? params[1] : 0.5f;
  } else {
    ThrowError(ErrorCode::kInvalidArgument, "unsupported fused activation '", name, "'");
  }
  return a;
}

float ActivationReference(const Activation& act, float x) {
  switch (act.kind) {
    case ActivationKind::kNone: return x;
    case ActivationKind::kRelu: return x > 0.f ? x : 0.f;
    // Clip as the ONNX op: max first, then min (min > max gives max).
    case ActivationKind::kClip: return std::min(std::max(x, act.alpha), act.beta);
    case ActivationKind::kLeakyRelu: return x >= 0.f ? x : act.alpha * x;
    case ActivationKind::kSigmoid: return 1.f / (1.f + std::exp(-x));
    case ActivationKind::kTanh: return std::tanh(x);
    case ActivationKind::kHardSigmoid: return std::max(0.f, std::min(1.f, act.alpha * x + act.beta));
  }
  return x;
}

void ApplyActivation(const Activation& act, float* x, int64_t n) {
  switch (act.kind) {
    case ActivationKind::kNone: return;
    case ActivationKind::kRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] > 0.f ? x[i] : 0.f;
      return;
    case ActivationKind::kClip:
      for (int64_t i = 0; i < n; ++i) x[i] = std::min(std::max(x[i], act.alpha), act.beta);
      return;
    default:
      for (int64_t i = 0; i < n; ++i) x[i] = ActivationReference(act, x[i]);
      return;
  }
}

namespace gemm_detail {
namespace {

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

template <typename T>
using Unsigned = std::conditional_t<std::is_signed_v<T>, std::make_unsigned_t<T>, T>;

}  // namespace
}  // namespace gemm_detail

// ---- reference GEMM --------------------------------------------------------------------------

void SgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
                    int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc) {
  gemm_detail::GemmReferenceImpl(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void DgemmReference(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, double alpha, const double* A,
                    int64_t lda, const double* B, int64_t ldb, double beta, double* C, int64_t ldc) {
  gemm_detail::GemmReferenceImpl(trans_a, trans_b, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

void SgemmEpilogueReference(int64_t M, int64_t N, const GemmEpilogue& ep, float* C, int64_t ldc) {
  for (int64_t i = 0; i < M; ++i) {
    for (int64_t j = 0; j < N; ++j) {
      float v = C[i * ldc + j];
      if (ep.row_bias) v += ep.row_bias[i];
      if (ep.residual) v += ep.residual[i * ep.ld_residual + j];
      C[i * ldc + j] = ActivationReference(ep.activation, v);
    }
  }
}

// ---- integer GEMM ----------------------------------------------------------------------------

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
