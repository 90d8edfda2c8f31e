// ConvTranspose (opset 1, 11): the adjoint of Conv, 1 to 3 spatial dims, with groups, dilations,
// output_padding, output_shape and automatic padding.
//
// Per image and group: col[M/G * kernel, in] = W_g^T x X_g, then every col entry is added into the
// output position it maps to (col2im). The input is processed in bands of rows so col stays small.
#include <algorithm>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/nn/nn_common.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {
namespace {

constexpr int64_t kColBudget = int64_t{1} << 21;

struct ConvTransposeProblem {
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  // The geometry of the equivalent forward convolution: `in` is this op's output image, `out` its
  // input image.
  Geometry3D g;
};

template <typename T>
void RunConvTranspose(const T* x, const T* w, const T* bias, T* y, const ConvTransposeProblem& p, ThreadPool* pool) {
  const Geometry3D& g = p.g;
  const int64_t x_size = g.OutSize(), y_size = g.InSize(), ks = g.KernelSize();
  const int64_t c_per_group = p.in_channels / p.group;
  const int64_t m_per_group = p.out_channels / p.group;
  const int64_t col_rows = m_per_group * ks;
  const int64_t x_w = g.out[2];
  const int64_t x_rows = g.out[0] * g.out[1];
  const int64_t rows_per_band =
      std::clamp<int64_t>(kColBudget / std::max<int64_t>(1, col_rows * x_w), 1, std::max<int64_t>(1, x_rows));
  std::vector<T> col(static_cast<size_t>(col_rows * rows_per_band * x_w));

  for (int64_t n = 0; n < p.batch; ++n) {
    for (int64_t m = 0; m < p.out_channels; ++m) {
      T* plane = y + (n * p.out_channels + m) * y_size;
      std::fill(plane, plane + y_size, bias ? bias[m] : T(0));
    }
    for (int64_t gi = 0; gi < p.group; ++gi) {
      const T* xg = x + (n * p.in_channels + gi * c_per_group) * x_size;
      const T* wg = w + gi * c_per_group * col_rows;
      T* yg = y + (n * p.out_channels + gi * m_per_group) * y_size;
      for (int64_t r0 = 0; r0 < x_rows; r0 += rows_per_band) {
        const int64_t r1 = std::min(x_rows, r0 + rows_per_band);
        const int64_t cols = (r1 - r0) * x_w;
        GemmFp(true, false, col_rows, cols, c_per_group, T(1), wg, col_rows, xg + r0 * x_w, x_size, T(0), col.data(),
               cols, pool);
        Col2ImAdd(col.data(), m_per_group, g, r0, r1, yg, pool);
      }
    }
  }
}

class ConvTranspose final : public OpKernel {
 public:
  explicit ConvTranspose(const OpKernelInfo& info)
      : OpKernel(info),
        attrs_(info),
        group_(info.GetAttrOrDefault<int64_t>("group", 1)),
        output_padding_(info.GetAttrOrDefault<std::vector<int64_t>>("output_padding", {})),
        output_shape_(info.GetAttrOrDefault<std::vector<int64_t>>("output_shape", {})) {
    ORTLITE_CHECK_ARG(group_ > 0, "group must be positive, got ", group_);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const Tensor& W = ctx.RequiredInput(1);
    const Tensor* B = ctx.Input(2);
    const auto& xd = X.Shape().GetDims();
    const auto& wd = W.Shape().GetDims();
    ORTLITE_CHECK_ARG(xd.size() >= 3 && xd.size() <= 2 + kMaxSpatialRank,
                      "ConvTranspose input must have 1 to 3 spatial dims, got ", X.Shape().ToString());
    ORTLITE_CHECK_ARG(wd.size() == xd.size(), "ConvTranspose weight rank ", wd.size(), " differs from input rank ",
                      xd.size());
    ORTLITE_CHECK_ARG(W.GetElementType() == X.GetElementType(), "ConvTranspose weight type differs from input type");
    ConvTransposeProblem p;
    p.batch = xd[0];
    p.in_channels = xd[1];
    p.group = group_;
    ORTLITE_CHECK_ARG(wd[0] == p.in_channels, "weight shape ", W.Shape().ToString(), " does not match ",
                      p.in_channels, " input channels");
    ORTLITE_CHECK_ARG(p.in_channels % group_ == 0, "input channels ", p.in_channels, " not divisible by group ",
                      group_);
    p.out_channels = wd[1] * group_;
    if (B) {
      ORTLITE_CHECK_ARG(B->GetElementType() == X.GetElementType(), "ConvTranspose bias type differs from input type");
      ORTLITE_CHECK_ARG(B->NumElements() == p.out_channels && B->Shape().NumDimensions() == 1, "bias shape ",
                        B->Shape().ToString(), " must be {", p.out_channels, "}");
    }
    const size_t rank = xd.size() - 2;
    const std::vector<int64_t> kernel(wd.begin() + 2, wd.end());
    if (!attrs_.KernelShape().empty()) {
      ORTLITE_CHECK_ARG(attrs_.KernelShape() == kernel, "kernel_shape does not match the weight shape ",
                        W.Shape().ToString());
    }
    p.g = Resolve(xd, kernel, rank);

    std::vector<int64_t> ydims = {p.batch, p.out_channels};
    for (size_t i = 0; i < rank; ++i) ydims.push_back(p.g.in[kMaxSpatialRank - rank + i]);
    Tensor* Y = ctx.Output(0, TensorShape(ydims));
    if (Y->NumElements() == 0) return;

    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (kIs16BitFloat<T>) {
        const std::vector<float> x = ToComputeVector<float>(X), w = ToComputeVector<float>(W);
        const std::vector<float> b = B ? ToComputeVector<float>(*B) : std::vector<float>();
        std::vector<float> y(static_cast<size_t>(Y->NumElements()));
        RunConvTranspose<float>(x.data(), w.data(), B ? b.data() : nullptr, y.data(), p, ctx.GetThreadPool());
        T* out = Y->MutableData<T>();
        for (size_t i = 0; i < y.size(); ++i) out[i] = FromCompute<T>(y[i]);
      } else {
        RunConvTranspose<T>(X.Data<T>(), W.Data<T>(), B ? B->Data<T>() : nullptr, Y->MutableData<T>(), p,
                            ctx.GetThreadPool());
      }
    }, "ConvTranspose");
  }

 private:
  Geometry3D Resolve(const std::vector<int64_t>& xd, const std::vector<int64_t>& kernel, size_t rank) const {
    std::vector<int64_t> strides, dilations, pads;
    attrs_.Normalize(rank, strides, dilations, pads);
    const std::vector<int64_t> output_padding =
        output_padding_.empty() ? std::vector<int64_t>(rank, 0) : output_padding_;
    ORTLITE_CHECK_ARG(output_padding.size() == rank, "output_padding has ", output_padding.size(), " values for ",
                      rank, " spatial dims");
    // output_shape may list only the spatial dims or the full output shape.
    std::vector<int64_t> output_shape = output_shape_;
    if (output_shape.size() == rank + 2) output_shape.erase(output_shape.begin(), output_shape.begin() + 2);
    ORTLITE_CHECK_ARG(output_shape.empty() || output_shape.size() == rank, "output_shape has ",
                      output_shape_.size(), " values for ", rank, " spatial dims");
    const AutoPad auto_pad = attrs_.GetAutoPad();

    Geometry3D g;
    const size_t shift = kMaxSpatialRank - rank;
    for (size_t i = 0; i < rank; ++i) {
      const int64_t in = xd[2 + i], k = kernel[i], s = strides[i], dil = dilations[i], op = output_padding[i];
      ORTLITE_CHECK_ARG(k > 0, "kernel dims must be positive");
      ORTLITE_CHECK_ARG(op >= 0, "output_padding must be non-negative");
      const int64_t full = s * (in - 1) + op + (k - 1) * dil + 1;
      int64_t out, pb, pe;
      if (!output_shape.empty() || auto_pad == AutoPad::kSameUpper || auto_pad == AutoPad::kSameLower) {
        out = !output_shape.empty() ? output_shape[i] : in * s;
        // Negative when the requested output is larger than the full result: the extra
        // positions receive only the bias. Floor division keeps the split of odd negatives right.
        const int64_t total = full - out;
        const int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
        if (auto_pad == AutoPad::kSameUpper) {
          pb = half;
          pe = total - pb;
        } else {
          pe = half;
          pb = total - pe;
        }
      } else if (auto_pad == AutoPad::kValid) {
        pb = pe = 0;
        out = full;
      } else {
        pb = pads[i];
        pe = pads[i + rank];
        ORTLITE_CHECK_ARG(pb >= 0 && pe >= 0, "pads must be non-negative");
        out = full - pb - pe;
      }
      ORTLITE_CHECK_ARG(out >= 0, "ConvTranspose output dim ", i, " would be negative (", out, ")");
      const size_t d = i + shift;
      g.in[d] = out;
      g.out[d] = in;
      g.kernel[d] = k;
      g.stride[d] = s;
      g.dilation[d] = dil;
      g.pad_begin[d] = pb;
      g.pad_end[d] = pe;
    }
    return g;
  }

  SpatialAttributes attrs_;
  int64_t group_;
  std::vector<int64_t> output_padding_, output_shape_;
};

}  // namespace

ONNX_CPU_KERNEL(ConvTranspose, 1, ConvTranspose, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
