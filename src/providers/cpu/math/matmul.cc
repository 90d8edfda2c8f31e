// MatMul (opset 1, 9, 13) with numpy semantics: 1-D operands are promoted to matrices (and the
// added dimension removed again), leading batch dimensions broadcast.
#include <algorithm>
#include <memory>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/math/prepacked_weights.h"

namespace ortlite {
namespace {

// Batches whose product is below this many multiply-adds are spread over threads one whole GEMM
// per task; larger ones are parallelised inside the GEMM.
constexpr double kSmallGemmWork = 64.0 * 64.0 * 64.0;

struct MatMulPlan {
  int64_t M = 0, N = 0, K = 0;
  // Element offsets of each batch's A and B matrix; output batches are contiguous.
  std::vector<int64_t> a_offsets, b_offsets;
};

template <typename T>
void GemmOne(const T* a, const T* b, T* c, int64_t M, int64_t N, int64_t K, ThreadPool* pool) {
  if constexpr (std::is_same_v<T, float>) {
    Sgemm(false, false, M, N, K, 1.f, a, K, b, N, 0.f, c, N, pool);
  } else if constexpr (std::is_same_v<T, double>) {
    Dgemm(false, false, M, N, K, 1.0, a, K, b, N, 0.0, c, N, pool);
  } else {
    GemmGeneric<T>(false, false, M, N, K, T(1), a, K, b, N, T(0), c, N, pool);
  }
}

template <typename T>
void RunMatMul(const T* a, const T* b, T* y, const MatMulPlan& plan, ThreadPool* pool) {
  const int64_t batches = static_cast<int64_t>(plan.a_offsets.size());
  const int64_t mn = plan.M * plan.N;
  const double work = static_cast<double>(plan.M) * plan.N * plan.K;
  if (batches > 1 && work < kSmallGemmWork) {
    ThreadPool::TryParallelFor(pool, batches, 2.0 * work, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        GemmOne<T>(a + plan.a_offsets[i], b + plan.b_offsets[i], y + i * mn, plan.M, plan.N, plan.K, nullptr);
      }
    });
    return;
  }
  for (int64_t i = 0; i < batches; ++i) {
    GemmOne<T>(a + plan.a_offsets[i], b + plan.b_offsets[i], y + i * mn, plan.M, plan.N, plan.K, pool);
  }
}

class MatMul final : public OpKernel {
 public:
  explicit MatMul(const OpKernelInfo& info) : OpKernel(info), packed_b_(PrePackConstantSgemmB(info, 1, false)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& A = ctx.RequiredInput(0);
    const Tensor& B = ctx.RequiredInput(1);
    ORTLITE_CHECK_ARG(A.GetElementType() == B.GetElementType(), "MatMul inputs have different element types");
    std::vector<int64_t> ad = A.Shape().GetDims(), bd = B.Shape().GetDims();
    ORTLITE_CHECK_ARG(!ad.empty() && !bd.empty(), "MatMul inputs must have rank >= 1, got ", A.Shape().ToString(),
                      " and ", B.Shape().ToString());
    const bool a_vector = ad.size() == 1, b_vector = bd.size() == 1;
    if (a_vector) ad.insert(ad.begin(), 1);
    if (b_vector) bd.push_back(1);
    MatMulPlan plan;
    plan.M = ad[ad.size() - 2];
    plan.K = ad.back();
    plan.N = bd.back();
    ORTLITE_CHECK_ARG(bd[bd.size() - 2] == plan.K, "MatMul inner dimensions differ: ", A.Shape().ToString(), " x ",
                      B.Shape().ToString());
    const TensorShape a_batch(std::vector<int64_t>(ad.begin(), ad.end() - 2));
    const TensorShape b_batch(std::vector<int64_t>(bd.begin(), bd.end() - 2));
    const TensorShape batch = BroadcastShapes({a_batch, b_batch});

    std::vector<int64_t> ydims = batch.GetDims();
    if (!a_vector) ydims.push_back(plan.M);
    if (!b_vector) ydims.push_back(plan.N);
    Tensor* Y = ctx.Output(0, TensorShape(ydims));
    if (Y->NumElements() == 0) return;

    if (b_batch.Size() == 1 && a_batch.Size() == batch.Size()) {
      // B is shared by every batch: one tall GEMM over all of A's rows.
      plan.M *= batch.Size();
      plan.a_offsets = {0};
      plan.b_offsets = {0};
    } else {
      const int64_t a_mat = plan.M * plan.K, b_mat = plan.K * plan.N;
      BroadcastIndexer indexer({a_batch, b_batch}, batch);
      ForEachBroadcast(indexer, [&](int64_t, const int64_t* in) {
        plan.a_offsets.push_back(in[0] * a_mat);
        plan.b_offsets.push_back(in[1] * b_mat);
      });
    }

    ThreadPool* pool = ctx.GetThreadPool();
    if (packed_b_ && A.GetElementType() == DataType::kFloat) {
      // B is a constant 2-D matrix, packed at session start: one tall GEMM over A's rows.
      SgemmWithPackedB(false, plan.M, 1.f, A.Data<float>(), plan.K, *packed_b_, 0.f, Y->MutableData<float>(), plan.N,
                       pool);
      return;
    }
    using Types = TypeList<float, double, MLFloat16, BFloat16, int32_t, int64_t, uint32_t, uint64_t>;
    VisitType<Types>(A.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
        std::vector<float> a(static_cast<size_t>(A.NumElements())), b(static_cast<size_t>(B.NumElements()));
        std::vector<float> y(static_cast<size_t>(Y->NumElements()));
        for (size_t i = 0; i < a.size(); ++i) a[i] = A.Data<T>()[i].ToFloat();
        for (size_t i = 0; i < b.size(); ++i) b[i] = B.Data<T>()[i].ToFloat();
        RunMatMul<float>(a.data(), b.data(), y.data(), plan, pool);
        T* out = Y->MutableData<T>();
        for (size_t i = 0; i < y.size(); ++i) out[i] = T(y[i]);
      } else {
        RunMatMul<T>(A.Data<T>(), B.Data<T>(), Y->MutableData<T>(), plan, pool);
      }
    }, "MatMul");
  }

 private:
  std::shared_ptr<const PackedSgemmB> packed_b_;  // null unless B is a constant 2-D float matrix
};

}  // namespace

ONNX_CPU_KERNEL(MatMul, 1, MatMul, KernelDefBuilder())

}  // namespace ortlite
