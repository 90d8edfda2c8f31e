// Gemm (opset 1, 6, 7, 9, 11, 13): Y = alpha * op(A) * op(B) + beta * C, C broadcast
// unidirectionally to (M, N) and optional from opset 11. Opsets 1 and 6 carry a `broadcast`
// attribute; broadcasting C is accepted whatever its value, as later versions always allow it.
#include <cmath>
#include <memory>
#include <type_traits>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/math/prepacked_weights.h"

namespace ortlite {
namespace {

// Element strides of C along Y's rows and columns, or throws if C does not broadcast to (M, N).
void BroadcastStridesOfC(const TensorShape& c, int64_t M, int64_t N, int64_t& row_stride, int64_t& col_stride) {
  const auto& d = c.GetDims();
  ORTLITE_CHECK_ARG(d.size() <= 2, "Gemm C must have rank <= 2, got ", c.ToString());
  const int64_t c_rows = d.size() == 2 ? d[0] : 1;
  const int64_t c_cols = d.empty() ? 1 : d.back();
  ORTLITE_CHECK_ARG((c_rows == 1 || c_rows == M) && (c_cols == 1 || c_cols == N), "Gemm C of shape ", c.ToString(),
                    " cannot be broadcast to {", M, ",", N, "}");
  col_stride = c_cols == 1 ? 0 : 1;
  row_stride = c_rows == 1 ? 0 : c_cols;
}

class Gemm final : public OpKernel {
 public:
  explicit Gemm(const OpKernelInfo& info)
      : OpKernel(info),
        trans_a_(info.GetAttrOrDefault<int64_t>("transA", 0) != 0),
        trans_b_(info.GetAttrOrDefault<int64_t>("transB", 0) != 0),
        alpha_(info.GetAttrOrDefault<float>("alpha", 1.f)),
        beta_(info.GetAttrOrDefault<float>("beta", 1.f)),
        packed_b_(PrePackConstantSgemmB(info, 1, trans_b_)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& A = ctx.RequiredInput(0);
    const Tensor& B = ctx.RequiredInput(1);
    const Tensor* C = ctx.Input(2);
    ORTLITE_CHECK_ARG(A.Shape().NumDimensions() == 2 && B.Shape().NumDimensions() == 2,
                      "Gemm inputs must be 2-D, got ", A.Shape().ToString(), " and ", B.Shape().ToString());
    ORTLITE_CHECK_ARG(A.GetElementType() == B.GetElementType(), "Gemm inputs have different element types");
    const int64_t M = trans_a_ ? A.Shape()[1] : A.Shape()[0];
    const int64_t K = trans_a_ ? A.Shape()[0] : A.Shape()[1];
    const int64_t KB = trans_b_ ? B.Shape()[1] : B.Shape()[0];
    const int64_t N = trans_b_ ? B.Shape()[0] : B.Shape()[1];
    ORTLITE_CHECK_ARG(K == KB, "Gemm inner dimensions differ: op(A) is {", M, ",", K, "}, op(B) is {", KB, ",", N,
                      "}");
    int64_t c_row_stride = 0, c_col_stride = 0;
    const bool use_c = C != nullptr && beta_ != 0.f;
    if (C) {
      ORTLITE_CHECK_ARG(C->GetElementType() == A.GetElementType(), "Gemm C has a different element type");
      BroadcastStridesOfC(C->Shape(), M, N, c_row_stride, c_col_stride);
    }
    Tensor* Y = ctx.Output(0, TensorShape({M, N}));
    if (Y->NumElements() == 0) return;
    ThreadPool* pool = ctx.GetThreadPool();
    const int64_t lda = A.Shape()[1], ldb = B.Shape()[1];

    using Types = TypeList<float, double, MLFloat16, BFloat16, int32_t, int64_t, uint32_t, uint64_t>;
    VisitType<Types>(A.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      // Y starts as broadcast C so every path can accumulate with beta.
      auto expand_c = [&](auto* y) {
        using Out = std::remove_pointer_t<decltype(y)>;
        const T* c = C->Data<T>();
        for (int64_t i = 0; i < M; ++i)
          for (int64_t j = 0; j < N; ++j) y[i * N + j] = static_cast<Out>(ToCompute(c[i * c_row_stride + j * c_col_stride]));
      };
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        T* y = Y->MutableData<T>();
        if (use_c) expand_c(y);
        const T beta = use_c ? static_cast<T>(beta_) : T(0);
        if constexpr (std::is_same_v<T, float>) {
          if (packed_b_) {
            SgemmWithPackedB(trans_a_, M, alpha_, A.Data<T>(), lda, *packed_b_, beta, y, N, pool);
            return;
          }
          Sgemm(trans_a_, trans_b_, M, N, K, alpha_, A.Data<T>(), lda, B.Data<T>(), ldb, beta, y, N, pool);
        } else {
          Dgemm(trans_a_, trans_b_, M, N, K, alpha_, A.Data<T>(), lda, B.Data<T>(), ldb, beta, y, N, pool);
        }
      } else if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
        std::vector<float> a(static_cast<size_t>(A.NumElements())), b(static_cast<size_t>(B.NumElements()));
        std::vector<float> y(static_cast<size_t>(M * N));
        for (size_t i = 0; i < a.size(); ++i) a[i] = A.Data<T>()[i].ToFloat();
        for (size_t i = 0; i < b.size(); ++i) b[i] = B.Data<T>()[i].ToFloat();
        if (use_c) expand_c(y.data());
        Sgemm(trans_a_, trans_b_, M, N, K, alpha_, a.data(), lda, b.data(), ldb, use_c ? beta_ : 0.f, y.data(), N,
              pool);
        T* out = Y->MutableData<T>();
        for (size_t i = 0; i < y.size(); ++i) out[i] = T(y[i]);
      } else {
        T* y = Y->MutableData<T>();
        const bool integral_scales = alpha_ == std::trunc(alpha_) && beta_ == std::trunc(beta_);
        if (integral_scales) {
          if (use_c) expand_c(y);
          // Through int64 so negative scales wrap for unsigned T instead of being undefined.
          const T alpha = static_cast<T>(static_cast<int64_t>(alpha_));
          const T beta = use_c ? static_cast<T>(static_cast<int64_t>(beta_)) : T(0);
          GemmGeneric<T>(trans_a_, trans_b_, M, N, K, alpha, A.Data<T>(), lda, B.Data<T>(), ldb, beta, y, N, pool);
          return;
        }
        // Fractional scales on integers: exact product, scaled in double.
        GemmGeneric<T>(trans_a_, trans_b_, M, N, K, T(1), A.Data<T>(), lda, B.Data<T>(), ldb, T(0), y, N, pool);
        const T* c = use_c ? C->Data<T>() : nullptr;
        for (int64_t i = 0; i < M; ++i) {
          for (int64_t j = 0; j < N; ++j) {
            double v = static_cast<double>(alpha_) * static_cast<double>(y[i * N + j]);
            if (c) v += static_cast<double>(beta_) * static_cast<double>(c[i * c_row_stride + j * c_col_stride]);
            y[i * N + j] = std::is_unsigned_v<T> && v < 0 ? static_cast<T>(static_cast<int64_t>(v)) : static_cast<T>(v);
          }
        }
      }
    }, "Gemm");
  }

 private:
  bool trans_a_, trans_b_;
  float alpha_, beta_;
  std::shared_ptr<const PackedSgemmB> packed_b_;  // null unless B is a constant 2-D float matrix
};

}  // namespace

ONNX_CPU_KERNEL(Gemm, 1, Gemm, KernelDefBuilder())

}  // namespace ortlite
