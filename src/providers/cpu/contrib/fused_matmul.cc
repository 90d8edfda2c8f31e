// com.microsoft FusedMatMul: Y = alpha * op(A) x op(B) with numpy.matmul semantics, where op
// transposes the last two dimensions when transA / transB is set. Leading batch dimensions
// broadcast; a 1-D operand is promoted to a matrix (a row for A, a column for B; a vector has no
// second dimension to swap, so its trans flag has no effect) and the added dimension is removed
// from Y. transBatchA / transBatchB, which move the first dimension among the batch dimensions,
// are refused.
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace contrib {
namespace {

// Batches below this many multiply-adds each run as one task; larger GEMMs are parallel inside.
constexpr double kSmallGemmWork = 64.0 * 64.0 * 64.0;

struct Plan {
  bool trans_a = false, trans_b = false;
  int64_t M = 0, N = 0, K = 0;
  int64_t lda = 0, ldb = 0;
  std::vector<int64_t> a_offsets, b_offsets;  // element offsets of each batch's matrices
};

template <typename C>
void Gemm(const Plan& p, C alpha, const C* a, const C* b, C* y, int64_t i, ThreadPool* pool) {
  C* yi = y + i * p.M * p.N;
  if constexpr (std::is_same_v<C, float>) {
    Sgemm(p.trans_a, p.trans_b, p.M, p.N, p.K, alpha, a + p.a_offsets[i], p.lda, b + p.b_offsets[i], p.ldb, 0.f, yi,
          p.N, pool);
  } else {
    Dgemm(p.trans_a, p.trans_b, p.M, p.N, p.K, alpha, a + p.a_offsets[i], p.lda, b + p.b_offsets[i], p.ldb, 0.0, yi,
          p.N, pool);
  }
}

template <typename C>
void Run(const Plan& p, C alpha, const C* a, const C* b, C* y, ThreadPool* pool) {
  const int64_t batches = static_cast<int64_t>(p.a_offsets.size());
  const double work = static_cast<double>(p.M) * p.N * p.K;
  if (batches > 1 && work < kSmallGemmWork) {
    ThreadPool::TryParallelFor(pool, batches, 2.0 * work, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) Gemm(p, alpha, a, b, y, i, nullptr);
    });
    return;
  }
  for (int64_t i = 0; i < batches; ++i) Gemm(p, alpha, a, b, y, i, pool);
}

class FusedMatMul final : public OpKernel {
 public:
  explicit FusedMatMul(const OpKernelInfo& info)
      : OpKernel(info),
        alpha_(info.GetAttrOrDefault<float>("alpha", 1.0f)),
        trans_a_(info.GetAttrOrDefault<int64_t>("transA", 0) != 0),
        trans_b_(info.GetAttrOrDefault<int64_t>("transB", 0) != 0) {
    ORTLITE_CHECK_ARG(info.GetAttrOrDefault<int64_t>("transBatchA", 0) == 0 &&
                          info.GetAttrOrDefault<int64_t>("transBatchB", 0) == 0,
                      "FusedMatMul: transBatchA and transBatchB are not supported");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& A = ctx.RequiredInput(0);
    const Tensor& B = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(A.GetElementType() == B.GetElementType(), "FusedMatMul inputs have different element types: ",
                      DataTypeName(A.GetElementType()), " and ", DataTypeName(B.GetElementType()));
    std::vector<int64_t> ad = A.Shape().GetDims(), bd = B.Shape().GetDims();
    ORTLITE_CHECK_ARG(!ad.empty() && !bd.empty(), "FusedMatMul inputs must have rank >= 1, got ",
                      A.Shape().ToString(), " and ", B.Shape().ToString());
    const bool a_vector = ad.size() == 1, b_vector = bd.size() == 1;
    Plan p;
    p.trans_a = trans_a_ && !a_vector;
    p.trans_b = trans_b_ && !b_vector;
    if (a_vector) ad.insert(ad.begin(), 1);
    if (b_vector) bd.push_back(1);
    const int64_t a_rows = ad[ad.size() - 2], a_cols = ad.back();
    const int64_t b_rows = bd[bd.size() - 2], b_cols = bd.back();
    p.M = p.trans_a ? a_cols : a_rows;
    p.K = p.trans_a ? a_rows : a_cols;
    p.N = p.trans_b ? b_rows : b_cols;
    const int64_t k_of_b = p.trans_b ? b_cols : b_rows;
    ORTLITE_CHECK_ARG(k_of_b == p.K, "FusedMatMul inner dimensions differ: ", A.Shape().ToString(),
                      p.trans_a ? " (transposed)" : "", " x ", B.Shape().ToString(), p.trans_b ? " (transposed)" : "");
    p.lda = a_cols;
    p.ldb = b_cols;
    const TensorShape a_batch(std::vector<int64_t>(ad.begin(), ad.end() - 2));
    const TensorShape b_batch(std::vector<int64_t>(bd.begin(), bd.end() - 2));
    const TensorShape batch = BroadcastShapes({a_batch, b_batch});
    std::vector<int64_t> ydims = batch.GetDims();
    if (!a_vector) ydims.push_back(p.M);
    if (!b_vector) ydims.push_back(p.N);
    Tensor* Y = ctx.Output(0, TensorShape(ydims), A.GetElementType());
    if (Y->NumElements() == 0) return;

    if (b_batch.Size() == 1 && a_batch.Size() == batch.Size() && !p.trans_a) {
      // B is shared: A's batches stacked are one tall matrix.
      p.M *= batch.Size();
      p.a_offsets = {0};
      p.b_offsets = {0};
    } else {
      const int64_t a_mat = a_rows * a_cols, b_mat = b_rows * b_cols;
      BroadcastIndexer indexer({a_batch, b_batch}, batch);
      ForEachBroadcast(indexer, [&](int64_t, const int64_t* in) {
        p.a_offsets.push_back(in[0] * a_mat);
        p.b_offsets.push_back(in[1] * b_mat);
      });
    }

    ThreadPool* pool = ctx.GetThreadPool();
    VisitType<FloatTypes>(A.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) {
        Run<T>(p, static_cast<T>(alpha_), A.Data<T>(), B.Data<T>(), Y->MutableData<T>(), pool);
      } else {
        std::vector<float> a(static_cast<size_t>(A.NumElements())), b(static_cast<size_t>(B.NumElements()));
        std::vector<float> y(static_cast<size_t>(Y->NumElements()));
        for (size_t i = 0; i < a.size(); ++i) a[i] = A.Data<T>()[i].ToFloat();
        for (size_t i = 0; i < b.size(); ++i) b[i] = B.Data<T>()[i].ToFloat();
        Run<float>(p, alpha_, a.data(), b.data(), y.data(), pool);
        T* out = Y->MutableData<T>();
        for (size_t i = 0; i < y.size(); ++i) out[i] = T(y[i]);
      }
    }, "FusedMatMul");
  }

 private:
  float alpha_;
  bool trans_a_, trans_b_;
};

}  // namespace

CPU_KERNEL_EX(FusedMatMul, kMSDomain, 1, INT_MAX, FusedMatMul, KernelDefBuilder())

}  // namespace contrib
}  // namespace ortlite
