// com.microsoft SkipLayerNormalization: s = input + skip (+ bias), then layer normalisation of s
// over the last dimension with gamma and the optional beta.
//   input (..., H); skip with input's shape or its trailing dims (e.g. (S, H) or (1, S, H) for
//   input (B, S, H)), repeated over the leading dims; gamma, beta, bias (H).
//   Outputs: output; mean and inv_std_var (float, input's shape with the last dim 1); and
//   input_skip_bias_sum (s).
// epsilon defaults to 1e-12. Rows run in parallel; 16-bit floats compute in float.
#include <algorithm>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/contrib/contrib_math.h"

namespace ortlite {
namespace contrib {
namespace {

void CheckVector(const Tensor* t, int64_t hidden, DataType type, const char* what) {
  if (!t) return;
  ORTLITE_CHECK_ARG(t->GetElementType() == type, "SkipLayerNormalization ", what, " has element type ",
                    DataTypeName(t->GetElementType()), " but the input has ", DataTypeName(type));
  ORTLITE_CHECK_ARG(t->Shape().NumDimensions() == 1 && t->Shape()[0] == hidden, "SkipLayerNormalization ", what,
                    " must have shape {", hidden, "}, got ", t->Shape().ToString());
}

class SkipLayerNormalization final : public OpKernel {
 public:
  explicit SkipLayerNormalization(const OpKernelInfo& info)
      : OpKernel(info), epsilon_(info.GetAttrOrDefault<float>("epsilon", 1e-12f)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const Tensor& skip = ctx.RequiredInput(1);
    const Tensor& gamma = ctx.RequiredInput(2);
    const Tensor* beta = ctx.Input(3);
    const Tensor* bias = ctx.Input(4);
    const TensorShape& shape = input.Shape();
    const DataType type = input.GetElementType();
    ORTLITE_CHECK_ARG(shape.NumDimensions() >= 1, "SkipLayerNormalization input must have rank >= 1, got ",
                      shape.ToString());
    const int64_t hidden = shape[shape.NumDimensions() - 1];
    ORTLITE_CHECK_ARG(skip.GetElementType() == type, "SkipLayerNormalization skip has element type ",
                      DataTypeName(skip.GetElementType()), " but the input has ", DataTypeName(type));
    CheckSkipShape(shape, skip.Shape());
    CheckVector(&gamma, hidden, type, "gamma");
    CheckVector(beta, hidden, type, "beta");
    CheckVector(bias, hidden, type, "bias");

    std::vector<int64_t> stat_dims = shape.GetDims();
    stat_dims.back() = 1;
    Tensor* out = ctx.Output(0, shape, type);
    Tensor* mean = ctx.OutputCount() > 1 && ctx.OutputIsUsed(1) ? ctx.Output(1, TensorShape(stat_dims), DataType::kFloat) : nullptr;
    Tensor* inv_std = ctx.OutputCount() > 2 && ctx.OutputIsUsed(2) ? ctx.Output(2, TensorShape(stat_dims), DataType::kFloat) : nullptr;
    Tensor* sum = ctx.OutputCount() > 3 && ctx.OutputIsUsed(3) ? ctx.Output(3, shape, type) : nullptr;
    const int64_t rows = hidden == 0 ? 0 : input.NumElements() / hidden;
    const int64_t skip_rows = hidden == 0 ? 0 : skip.NumElements() / hidden;
    if (rows == 0) return;

    VisitType<FloatTypes>(type, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = CalcType<T>;
      ComputeBuffer<T> g(gamma.Data<T>(), hidden);
      ComputeBuffer<T> b(beta ? beta->Data<T>() : nullptr, beta ? hidden : 0);
      ComputeBuffer<T> bi(bias ? bias->Data<T>() : nullptr, bias ? hidden : 0);
      const C* gc = g.data();
      const C* bc = beta ? b.data() : nullptr;
      const C* bias_c = bias ? bi.data() : nullptr;
      const T* x = input.Data<T>();
      const T* s = skip.Data<T>();
      T* y = out->MutableData<T>();
      T* sum_out = sum ? sum->MutableData<T>() : nullptr;
      float* mean_out = mean ? mean->MutableData<float>() : nullptr;
      float* inv_out = inv_std ? inv_std->MutableData<float>() : nullptr;
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), rows, 12.0 * hidden, [&](int64_t begin, int64_t end) {
        std::vector<C> scratch;
        if constexpr (!std::is_same_v<T, C>) scratch.resize(static_cast<size_t>(hidden));
        for (int64_t r = begin; r < end; ++r) {
          const T* xr = x + r * hidden;
          const T* sr = s + (r % skip_rows) * hidden;
          C* row;
          if constexpr (std::is_same_v<T, C>) {
            row = y + r * hidden;
            if (bias_c) {
              Row<C>(row, hidden) = ConstRow<C>(xr, hidden) + ConstRow<C>(sr, hidden) + ConstRow<C>(bias_c, hidden);
            } else {
              Row<C>(row, hidden) = ConstRow<C>(xr, hidden) + ConstRow<C>(sr, hidden);
            }
            if (sum_out) std::copy(row, row + hidden, sum_out + r * hidden);
          } else {
            row = scratch.data();
            for (int64_t i = 0; i < hidden; ++i) {
              row[i] = static_cast<C>(ToCompute(xr[i])) + static_cast<C>(ToCompute(sr[i])) + (bias_c ? bias_c[i] : C(0));
            }
            if (sum_out)
              for (int64_t i = 0; i < hidden; ++i) sum_out[r * hidden + i] = FromCompute<T>(row[i]);
          }
          C m, inv;
          LayerNormRow<C>(row, row, hidden, gc, bc, static_cast<C>(epsilon_), &m, &inv);
          if constexpr (!std::is_same_v<T, C>) {
            for (int64_t i = 0; i < hidden; ++i) y[r * hidden + i] = FromCompute<T>(row[i]);
          }
          if (mean_out) mean_out[r] = static_cast<float>(m);
          if (inv_out) inv_out[r] = static_cast<float>(inv);
        }
      });
    }, "SkipLayerNormalization");
  }

 private:
  // skip, without leading 1s, must be a suffix of the input's dims.
  static void CheckSkipShape(const TensorShape& input, const TensorShape& skip) {
    const auto& in = input.GetDims();
    std::vector<int64_t> sk = skip.GetDims();
    while (sk.size() > 1 && sk.front() == 1) sk.erase(sk.begin());
    const bool ok = !sk.empty() && sk.size() <= in.size() && std::equal(sk.begin(), sk.end(), in.end() - sk.size());
    ORTLITE_CHECK_ARG(ok, "SkipLayerNormalization skip shape ", skip.ToString(),
                      " must equal the input shape ", input.ToString(), " or its trailing dimensions");
  }

  float epsilon_;
};

}  // namespace

CPU_KERNEL_EX(SkipLayerNormalization, kMSDomain, 1, INT_MAX, SkipLayerNormalization, KernelDefBuilder())

}  // namespace contrib
}  // namespace ortlite
