// LayerNormalization (opset 17): normalises over dims [axis, rank) and applies Scale and B, which
// broadcast against those dims. Optional outputs Mean and InvStdDev have X's shape with the
// normalised dims set to 1. Statistics are computed in float (stash_type 1) or, for double
// inputs, in double. Float rows use the vector kernels (two-pass mean and variance in float).
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"
#include "providers/cpu/math/vector_kernels.h"
#include "providers/cpu/nn/nn_common.h"

namespace ortlite {
namespace nn {
namespace {

// `param` broadcast to the normalised dims, flattened; throws if it would need more dims.
std::vector<double> ExpandToNormalizedShape(const Tensor& param, const TensorShape& norm_shape, const char* what) {
  const TensorShape& ps = param.Shape();
  ORTLITE_CHECK_ARG(ps.NumDimensions() <= norm_shape.NumDimensions(), "LayerNormalization ", what, " shape ",
                    ps.ToString(), " has more dims than the normalised shape ", norm_shape.ToString());
  const TensorShape joint = BroadcastShapes({norm_shape, ps});
  ORTLITE_CHECK_ARG(joint == norm_shape, "LayerNormalization ", what, " shape ", ps.ToString(),
                    " does not broadcast to the normalised shape ", norm_shape.ToString());
  const std::vector<double> values = ToComputeVector<double>(param);
  std::vector<double> out(static_cast<size_t>(norm_shape.Size()));
  BroadcastIndexer indexer({ps}, norm_shape);
  ForEachBroadcast(indexer, [&](int64_t o, const int64_t* in) { out[o] = values[in[0]]; });
  return out;
}

void WriteStat(Tensor* t, int64_t i, double v) {
  VisitType<FloatTypes>(t->GetElementType(), [&](auto tag) {
    using U = typename decltype(tag)::type;
    t->MutableData<U>()[i] = FromCompute<U>(v);
  });
}

class LayerNormalization final : public OpKernel {
 public:
  explicit LayerNormalization(const OpKernelInfo& info)
      : OpKernel(info),
        axis_(info.GetAttrOrDefault<int64_t>("axis", -1)),
        epsilon_(info.GetAttrOrDefault<float>("epsilon", 1e-5f)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const Tensor& scale = ctx.RequiredInput(1);
    const Tensor* bias = ctx.Input(2);
    const TensorShape& shape = X.Shape();
    const int64_t rank = static_cast<int64_t>(shape.NumDimensions());
    const size_t axis = static_cast<size_t>(HandleNegativeAxis(axis_, rank));
    const int64_t rows = shape.SizeToDimension(axis);
    const int64_t cols = shape.SizeFromDimension(axis);
    const TensorShape norm_shape(std::vector<int64_t>(shape.GetDims().begin() + axis, shape.GetDims().end()));
    const std::vector<double> s = ExpandToNormalizedShape(scale, norm_shape, "Scale");
    const std::vector<double> b = bias ? ExpandToNormalizedShape(*bias, norm_shape, "B") : std::vector<double>();

    Tensor* Y = ctx.Output(0, shape);
    std::vector<int64_t> stat_dims = shape.GetDims();
    for (size_t d = axis; d < stat_dims.size(); ++d) stat_dims[d] = 1;
    Tensor* mean_out = ctx.OutputCount() > 1 && ctx.OutputIsUsed(1) ? ctx.Output(1, TensorShape(stat_dims)) : nullptr;
    Tensor* inv_std_out =
        ctx.OutputCount() > 2 && ctx.OutputIsUsed(2) ? ctx.Output(2, TensorShape(stat_dims)) : nullptr;
    if (X.NumElements() == 0) {
      // Rows of no elements have no mean or deviation (numpy gives NaN).
      for (int64_t r = 0; r < rows; ++r) {
        if (mean_out) WriteStat(mean_out, r, std::nan(""));
        if (inv_std_out) WriteStat(inv_std_out, r, std::nan(""));
      }
      return;
    }

    if (X.GetElementType() == DataType::kFloat) {
      // Mean, variance and the affine map with the vector kernels, one row at a time.
      const float* x = X.Data<float>();
      float* y = Y->MutableData<float>();
      const std::vector<float> sf(s.begin(), s.end()), bf(b.begin(), b.end());
      const vector_kernels::LayerNormRowFn row_fn = vector_kernels::ActiveVectorKernels().layer_norm_row;
      const float epsilon = epsilon_;
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, 3.0 * cols, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          float mean, inv_std;
          row_fn(x + r * cols, sf.data(), bf.empty() ? nullptr : bf.data(), y + r * cols, cols, epsilon, &mean,
                 &inv_std);
          if (mean_out) WriteStat(mean_out, r, mean);
          if (inv_std_out) WriteStat(inv_std_out, r, inv_std);
        }
      });
      return;
    }

    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = ComputeType<T>;
      const T* x = X.Data<T>();
      T* y = Y->MutableData<T>();
      std::vector<C> sc(s.begin(), s.end()), bc(b.begin(), b.end());
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, 6.0 * cols, [&](int64_t begin, int64_t end) {
        for (int64_t r = begin; r < end; ++r) {
          const T* xr = x + r * cols;
          T* yr = y + r * cols;
          // Accumulated in double: long rows in float lose digits the reference keeps.
          double sum = 0.0;
          for (int64_t i = 0; i < cols; ++i) sum += static_cast<double>(ToCompute(xr[i]));
          const C mean = static_cast<C>(sum / static_cast<double>(cols));
          double sq = 0.0;
          for (int64_t i = 0; i < cols; ++i) {
            const double d = static_cast<double>(static_cast<C>(ToCompute(xr[i])) - mean);
            sq += d * d;
          }
          const C var = static_cast<C>(sq / static_cast<double>(cols));
          const C inv_std = C(1) / std::sqrt(var + static_cast<C>(epsilon_));
          for (int64_t i = 0; i < cols; ++i) {
            C v = (static_cast<C>(ToCompute(xr[i])) - mean) * inv_std * sc[i];
            if (!bc.empty()) v += bc[i];
            yr[i] = FromCompute<T>(v);
          }
          if (mean_out) WriteStat(mean_out, r, static_cast<double>(mean));
          if (inv_std_out) WriteStat(inv_std_out, r, static_cast<double>(inv_std));
        }
      });
    }, "LayerNormalization");
  }

 private:
  int64_t axis_;
  float epsilon_;
};

}  // namespace

ONNX_CPU_KERNEL(LayerNormalization, 17, LayerNormalization, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
