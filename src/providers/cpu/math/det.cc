// Det (opset 11): determinants of a batch of square matrices [*, M, M] -> [*], by LU
// decomposition with partial pivoting.
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

// Determinant of the m x m row-major matrix `a`, destroyed in the process.
double LuDeterminant(double* a, int64_t m) {
  double det = 1.0;
  for (int64_t col = 0; col < m; ++col) {
    // The largest pivot keeps the elimination multipliers at most 1 in magnitude.
    int64_t pivot = col;
    double best = std::fabs(a[col * m + col]);
    for (int64_t r = col + 1; r < m; ++r) {
      const double v = std::fabs(a[r * m + col]);
      if (v > best) {
        best = v;
        pivot = r;
      }
    }
    if (best == 0.0) return 0.0;
    if (pivot != col) {
      for (int64_t c = col; c < m; ++c) std::swap(a[col * m + c], a[pivot * m + c]);
      det = -det;
    }
    const double diag = a[col * m + col];
    det *= diag;
    for (int64_t r = col + 1; r < m; ++r) {
      const double factor = a[r * m + col] / diag;
      if (factor == 0.0) continue;
      for (int64_t c = col + 1; c < m; ++c) a[r * m + c] -= factor * a[col * m + c];
    }
  }
  return det;
}

class Det final : public OpKernel {
 public:
  explicit Det(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const TensorShape& shape = x.Shape();
    const size_t rank = shape.NumDimensions();
    ORTLITE_CHECK_ARG(rank >= 2, "Det input must have rank >= 2 ([*, M, M]), got ", shape.ToString());
    const int64_t m = shape[rank - 1];
    ORTLITE_CHECK_ARG(shape[rank - 2] == m, "Det input must end in square matrices, got ", shape.ToString());
    const std::vector<int64_t> batch_dims(shape.GetDims().begin(), shape.GetDims().end() - 2);
    const int64_t batch = TensorShape(batch_dims).Size();
    Tensor* y = ctx.Output(0, TensorShape(batch_dims));
    VisitType<TypeList<float, double, MLFloat16>>(x.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.Data<T>();
      T* out = y->MutableData<T>();
      const int64_t area = m * m;
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), batch, static_cast<double>(area * m), [&](int64_t begin, int64_t end) {
        std::vector<double> work(static_cast<size_t>(area));
        for (int64_t b = begin; b < end; ++b) {
          const T* src = in + b * area;
          for (int64_t i = 0; i < area; ++i) work[i] = static_cast<double>(ToCompute(src[i]));
          out[b] = FromCompute<T>(LuDeterminant(work.data(), m));
        }
      });
    }, "Det");
  }
};

}  // namespace

ONNX_CPU_KERNEL(Det, 11, Det, KernelDefBuilder())

}  // namespace ortlite
