// Softmax, LogSoftmax and Hardmax (opset 1, 11, 13).
// Before opset 13 the input is viewed as a 2-D matrix [prod(dims[:axis]), prod(dims[axis:])] and
// each row is normalised; from 13 the operation runs along the single dimension `axis`.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/vector_kernels.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

enum class SoftmaxKind { kSoftmax, kLogSoftmax, kHardmax };

// Normalises `len` values spaced `stride` apart, for `lanes` adjacent lanes at once (lanes are
// contiguous in memory: element (i, lane) is at i * stride + lane).
template <typename T>
void NormalizeLanes(SoftmaxKind kind, const T* x, T* y, int64_t len, int64_t stride, int64_t lanes,
                    std::vector<ComputeType<T>>& scratch) {
  using C = ComputeType<T>;
  // Per lane: max, sum, argmax; then the shifted values (exponentiated for Softmax).
  scratch.assign(static_cast<size_t>((3 + len) * lanes), C(0));
  C* max = scratch.data();
  C* sum = max + lanes;
  C* arg = sum + lanes;
  C* v = arg + lanes;
  for (int64_t l = 0; l < lanes; ++l) max[l] = -std::numeric_limits<C>::infinity();
  for (int64_t i = 0; i < len; ++i) {
    const T* row = x + i * stride;
    C* vi = v + i * lanes;
    for (int64_t l = 0; l < lanes; ++l) {
      vi[l] = static_cast<C>(ToCompute(row[l]));
      if (vi[l] > max[l]) {
        max[l] = vi[l];
        arg[l] = static_cast<C>(i);
      }
    }
  }
  if (kind == SoftmaxKind::kHardmax) {
    for (int64_t i = 0; i < len; ++i) {
      T* row = y + i * stride;
      for (int64_t l = 0; l < lanes; ++l) row[l] = FromCompute<T>(arg[l] == static_cast<C>(i) ? C(1) : C(0));
    }
    return;
  }
  if constexpr (std::is_same_v<C, float>) {
    // Shift every column, exponentiate the whole block at once with the vector kernel (into v for
    // Softmax, into a second block for LogSoftmax, which keeps the shifted values), then sum.
    for (int64_t i = 0; i < len; ++i) {
      C* vi = v + i * lanes;
      for (int64_t l = 0; l < lanes; ++l) vi[l] -= max[l];
    }
    const int64_t block = len * lanes;
    float* e = v;
    if (kind == SoftmaxKind::kLogSoftmax) {
      scratch.resize(static_cast<size_t>((3 + 2 * len) * lanes));
      max = scratch.data();
      sum = max + lanes;
      v = sum + 2 * lanes;
      e = v + block;
    }
    vector_kernels::ActiveVectorKernels().exp(v, e, block);
    for (int64_t i = 0; i < len; ++i) {
      const float* ei = e + i * lanes;
      for (int64_t l = 0; l < lanes; ++l) sum[l] += ei[l];
    }
  } else {
    for (int64_t i = 0; i < len; ++i) {
      C* vi = v + i * lanes;
      for (int64_t l = 0; l < lanes; ++l) {
        vi[l] -= max[l];
        const C e = std::exp(vi[l]);
        sum[l] += e;
        if (kind == SoftmaxKind::kSoftmax) vi[l] = e;
      }
    }
  }
  for (int64_t l = 0; l < lanes; ++l) {
    sum[l] = kind == SoftmaxKind::kSoftmax ? C(1) / sum[l] : std::log(sum[l]);
  }
  for (int64_t i = 0; i < len; ++i) {
    const C* vi = v + i * lanes;
    T* out = y + i * stride;
    if (kind == SoftmaxKind::kSoftmax) {
      for (int64_t l = 0; l < lanes; ++l) out[l] = FromCompute<T>(vi[l] * sum[l]);
    } else {
      for (int64_t l = 0; l < lanes; ++l) out[l] = FromCompute<T>(vi[l] - sum[l]);
    }
  }
}

// One contiguous row: the common case (axis is the last dimension).
template <typename T>
void NormalizeRow(SoftmaxKind kind, const T* x, T* y, int64_t len, std::vector<ComputeType<T>>& scratch) {
  using C = ComputeType<T>;
  if constexpr (std::is_same_v<T, float>) {
    // Max-subtract, exp, sum and scale with the vector kernels, in place in y.
    const vector_kernels::VectorKernels& k = vector_kernels::ActiveVectorKernels();
    if (kind == SoftmaxKind::kSoftmax) return k.softmax_row(x, y, len);
    if (kind == SoftmaxKind::kLogSoftmax) return k.log_softmax_row(x, y, len);
  }
  scratch.resize(static_cast<size_t>(len));
  C* v = scratch.data();
  C max = -std::numeric_limits<C>::infinity();
  int64_t arg = 0;
  for (int64_t i = 0; i < len; ++i) {
    v[i] = static_cast<C>(ToCompute(x[i]));
    if (v[i] > max) {
      max = v[i];
      arg = i;
    }
  }
  if (kind == SoftmaxKind::kHardmax) {
    for (int64_t i = 0; i < len; ++i) y[i] = FromCompute<T>(i == arg ? C(1) : C(0));
    return;
  }
  C sum = C(0);
  if (kind == SoftmaxKind::kSoftmax) {
    for (int64_t i = 0; i < len; ++i) {
      v[i] = std::exp(v[i] - max);
      sum += v[i];
    }
    const C inv = C(1) / sum;
    for (int64_t i = 0; i < len; ++i) y[i] = FromCompute<T>(v[i] * inv);
    return;
  }
  for (int64_t i = 0; i < len; ++i) {
    v[i] -= max;
    sum += std::exp(v[i]);
  }
  const C log_sum = std::log(sum);
  for (int64_t i = 0; i < len; ++i) y[i] = FromCompute<T>(v[i] - log_sum);
}

class SoftmaxFamily final : public OpKernel {
 public:
  explicit SoftmaxFamily(const OpKernelInfo& info) : OpKernel(info), opset_(info.SinceVersion()) {
    const std::string& op = info.node().OpType();
    kind_ = op == "Softmax" ? SoftmaxKind::kSoftmax : op == "LogSoftmax" ? SoftmaxKind::kLogSoftmax
                                                                          : SoftmaxKind::kHardmax;
    axis_ = info.GetAttrOrDefault<int64_t>("axis", opset_ >= 13 ? -1 : 1);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const TensorShape& shape = X.Shape();
    const int64_t rank = static_cast<int64_t>(shape.NumDimensions());
    Tensor* Y = ctx.Output(0, shape);
    int64_t outer, len, inner;
    if (opset_ < 13) {
      // The 2-D coercion also accepts axis == rank (every row has one element).
      ORTLITE_CHECK_ARG(axis_ >= -rank && axis_ <= rank, "axis ", axis_, " is out of range for rank ", rank);
      const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
      outer = shape.SizeToDimension(static_cast<size_t>(axis));
      len = shape.SizeFromDimension(static_cast<size_t>(axis));
      inner = 1;
    } else {
      const int64_t axis = HandleNegativeAxis(axis_, rank);
      outer = shape.SizeToDimension(static_cast<size_t>(axis));
      len = shape[static_cast<size_t>(axis)];
      inner = shape.SizeFromDimension(static_cast<size_t>(axis) + 1);
    }
    if (X.NumElements() == 0) return;
    // Lanes are processed in chunks whose scratch (len values per lane) stays around 256 KiB; this
    // also spreads a single outer slice over threads.
    const int64_t lane_chunk = std::clamp<int64_t>((int64_t{1} << 16) / std::max<int64_t>(len, 1), 1, 256);
    const int64_t chunks = (inner + lane_chunk - 1) / lane_chunk;
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), outer * chunks, 20.0 * len * std::min(inner, lane_chunk),
                                 [&](int64_t begin, int64_t end) {
        std::vector<ComputeType<T>> scratch;
        for (int64_t t = begin; t < end; ++t) {
          const int64_t o = t / chunks, lane0 = (t % chunks) * lane_chunk;
          const int64_t offset = o * len * inner + lane0;
          if (inner == 1) {
            NormalizeRow<T>(kind_, x + offset, y + offset, len, scratch);
          } else {
            NormalizeLanes<T>(kind_, x + offset, y + offset, len, inner, std::min(lane_chunk, inner - lane0), scratch);
          }
        }
      });
    }, node().OpType().c_str());
  }

 private:
  int opset_;
  SoftmaxKind kind_;
  int64_t axis_;
};

}  // namespace

ONNX_CPU_KERNEL(Softmax, 1, SoftmaxFamily, KernelDefBuilder())
ONNX_CPU_KERNEL(LogSoftmax, 1, SoftmaxFamily, KernelDefBuilder())
ONNX_CPU_KERNEL(Hardmax, 1, SoftmaxFamily, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
