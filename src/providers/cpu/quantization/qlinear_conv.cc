// ConvInteger (10) and QLinearConv (10): N-D grouped convolution of 8-bit tensors.
//   ConvInteger:  y = conv(x - x_zp, w - w_zp)                                     as int32
//   QLinearConv:  y = saturate(round((conv(x - x_zp, w - w_zp) + B) * x_scale * w_scale / y_scale) + y_zp)
// w_zp and w_scale are one value or one per output channel. The input is unfolded (im2col) with
// its zero point already subtracted, so padding contributes exact zeros, and each group becomes
// one integer matrix product.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/quantization/quant_common.h"

namespace ortlite {
namespace {

struct ConvAttributes {
  std::string auto_pad;
  std::vector<int64_t> kernel_shape, strides, dilations, pads;
  int64_t group = 1;

  explicit ConvAttributes(const OpKernelInfo& info)
      : auto_pad(info.GetAttrOrDefault<std::string>("auto_pad", "NOTSET")),
        kernel_shape(info.GetAttrOrDefault<std::vector<int64_t>>("kernel_shape", {})),
        strides(info.GetAttrOrDefault<std::vector<int64_t>>("strides", {})),
        dilations(info.GetAttrOrDefault<std::vector<int64_t>>("dilations", {})),
        pads(info.GetAttrOrDefault<std::vector<int64_t>>("pads", {})),
        group(info.GetAttrOrDefault<int64_t>("group", 1)) {
    ORTLITE_CHECK_ARG(auto_pad == "NOTSET" || auto_pad == "VALID" || auto_pad == "SAME_UPPER" ||
                          auto_pad == "SAME_LOWER",
                      "invalid auto_pad '", auto_pad, "'");
    ORTLITE_CHECK_ARG(group >= 1, "group must be positive, got ", group);
  }
};

// Everything a run needs about the convolution's shapes.
struct ConvGeometry {
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  std::vector<int64_t> in_dims, kernel, out_dims, strides, dilations, pad_begin;
  int64_t in_size = 1, kernel_size = 1, out_size = 1;
  TensorShape out_shape;
};

ConvGeometry ComputeGeometry(const ConvAttributes& a, const TensorShape& x, const TensorShape& w) {
  ORTLITE_CHECK_ARG(x.NumDimensions() >= 3, "x must have rank >= 3 (N, C, spatial...), got ", x.ToString());
  ORTLITE_CHECK_ARG(w.NumDimensions() == x.NumDimensions(), "w rank ", w.NumDimensions(), " differs from x rank ",
                    x.NumDimensions());
  const size_t r = x.NumDimensions() - 2;
  ConvGeometry g;
  g.batch = x[0];
  g.in_channels = x[1];
  g.out_channels = w[0];
  g.group = a.group;
  ORTLITE_CHECK_ARG(g.in_channels % g.group == 0 && g.out_channels % g.group == 0, "channels (", g.in_channels,
                    " in, ", g.out_channels, " out) are not divisible by group ", g.group);
  ORTLITE_CHECK_ARG(w[1] * g.group == g.in_channels, "w has ", w[1], " input channels per group, expected ",
                    g.in_channels / g.group);
  g.in_dims.assign(x.GetDims().begin() + 2, x.GetDims().end());
  g.kernel.assign(w.GetDims().begin() + 2, w.GetDims().end());
  if (!a.kernel_shape.empty()) {
    ORTLITE_CHECK_ARG(a.kernel_shape == g.kernel, "kernel_shape attribute differs from the weight's shape ",
                      w.ToString());
  }
  g.strides = a.strides.empty() ? std::vector<int64_t>(r, 1) : a.strides;
  g.dilations = a.dilations.empty() ? std::vector<int64_t>(r, 1) : a.dilations;
  std::vector<int64_t> pads = a.pads.empty() ? std::vector<int64_t>(2 * r, 0) : a.pads;
  ORTLITE_CHECK_ARG(g.strides.size() == r && g.dilations.size() == r && pads.size() == 2 * r,
                    "strides/dilations/pads do not match ", r, " spatial dimensions");
  g.pad_begin.resize(r);
  g.out_dims.resize(r);
  for (size_t i = 0; i < r; ++i) {
    ORTLITE_CHECK_ARG(g.strides[i] >= 1 && g.dilations[i] >= 1 && g.kernel[i] >= 1 && pads[i] >= 0 && pads[i + r] >= 0,
                      "kernel sizes, strides and dilations must be positive and pads non-negative");
    const int64_t in = g.in_dims[i];
    const int64_t span = g.dilations[i] * (g.kernel[i] - 1) + 1;
    int64_t begin = pads[i], end = pads[i + r];
    if (a.auto_pad == "VALID") {
      begin = end = 0;
    } else if (a.auto_pad == "SAME_UPPER" || a.auto_pad == "SAME_LOWER") {
      const int64_t out = (in + g.strides[i] - 1) / g.strides[i];
      const int64_t total = std::max<int64_t>(0, (out - 1) * g.strides[i] + span - in);
      begin = a.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      end = total - begin;
    }
    const int64_t padded = in + begin + end;
    ORTLITE_CHECK_ARG(padded >= span, "kernel extent ", span, " exceeds padded input size ", padded,
                      " in spatial dimension ", i);
    g.pad_begin[i] = begin;
    g.out_dims[i] = (padded - span) / g.strides[i] + 1;
    g.in_size *= in;
    g.kernel_size *= g.kernel[i];
    g.out_size *= g.out_dims[i];
  }
  std::vector<int64_t> out = {g.batch, g.out_channels};
  out.insert(out.end(), g.out_dims.begin(), g.out_dims.end());
  g.out_shape = TensorShape(out);
  return g;
}

// cols[c * kernel_size + k, o] = x[c, o * stride - pad + k * dilation] - zero_point (0 in padding)
// for `channels` channels of one image.
template <typename Q>
void Im2Col(const Q* x, int64_t channels, const ConvGeometry& g, int32_t zero_point, int16_t* cols) {
  const size_t r = g.in_dims.size();
  const int64_t out_last = g.out_dims[r - 1];
  const int64_t in_last = g.in_dims[r - 1];
  std::vector<int64_t> k_idx(r), o_idx(r);
  for (int64_t c = 0; c < channels; ++c) {
    const Q* xc = x + c * g.in_size;
    for (int64_t k = 0; k < g.kernel_size; ++k) {
      for (int64_t rem = k, i = static_cast<int64_t>(r) - 1; i >= 0; --i) {
        k_idx[i] = rem % g.kernel[i];
        rem /= g.kernel[i];
      }
      int16_t* dst = cols + (c * g.kernel_size + k) * g.out_size;
      const int64_t stride = g.strides[r - 1];
      const int64_t first = k_idx[r - 1] * g.dilations[r - 1] - g.pad_begin[r - 1];
      // Walk every output row (all but the last spatial dimension), then the last one inline.
      std::fill(o_idx.begin(), o_idx.end(), 0);
      for (int64_t row = 0; row < g.out_size / std::max<int64_t>(out_last, 1); ++row) {
        bool inside = true;
        int64_t offset = 0;
        for (size_t i = 0; i + 1 < r; ++i) {
          const int64_t pos = o_idx[i] * g.strides[i] - g.pad_begin[i] + k_idx[i] * g.dilations[i];
          inside = inside && pos >= 0 && pos < g.in_dims[i];
          offset = offset * g.in_dims[i] + pos;
        }
        int16_t* d = dst + row * out_last;
        if (!inside) {
          std::fill(d, d + out_last, int16_t{0});
        } else {
          const Q* src = xc + offset * in_last;
          for (int64_t o = 0; o < out_last; ++o) {
            const int64_t pos = first + o * stride;
            d[o] = pos >= 0 && pos < in_last ? static_cast<int16_t>(static_cast<int32_t>(src[pos]) - zero_point)
                                             : int16_t{0};
          }
        }
        for (int64_t i = static_cast<int64_t>(r) - 2; i >= 0; --i) {
          if (++o_idx[i] < g.out_dims[i]) break;
          o_idx[i] = 0;
        }
      }
    }
  }
}

// Runs the integer convolution; emit(image, group, acc) receives acc[out_channels/group, out_size]
// for each image and group.
template <typename Emit>
void IntegerConv(const Tensor& x, const Tensor& w, int32_t x_zp, const std::vector<int32_t>& w_zp,
                 const ConvGeometry& g, ThreadPool* pool, Emit&& emit) {
  const int64_t cg = g.in_channels / g.group, mg = g.out_channels / g.group;
  const int64_t depth = cg * g.kernel_size;  // the product's inner dimension
  ORTLITE_CHECK_ARG(w_zp.size() == 1 || static_cast<int64_t>(w_zp.size()) == g.out_channels, "w_zero_point has ",
                    w_zp.size(), " values; expected 1 or ", g.out_channels);
  std::vector<int16_t> w16(static_cast<size_t>(g.out_channels * depth));
  VisitType<quant::Int8Types>(w.GetElementType(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    for (int64_t m = 0; m < g.out_channels; ++m)
      quant::SubtractZeroPoint(w.Data<Q>() + m * depth, depth, w_zp.size() == 1 ? w_zp[0] : w_zp[m],
                               w16.data() + m * depth);
  }, "convolution weight");
  std::vector<int16_t> cols(static_cast<size_t>(depth * g.out_size));
  std::vector<int32_t> acc(static_cast<size_t>(mg * g.out_size));
  VisitType<quant::Int8Types>(x.GetElementType(), [&](auto tag) {
    using Q = typename decltype(tag)::type;
    const Q* xd = x.Data<Q>();
    for (int64_t n = 0; n < g.batch; ++n) {
      for (int64_t grp = 0; grp < g.group; ++grp) {
        Im2Col(xd + (n * g.in_channels + grp * cg) * g.in_size, cg, g, x_zp, cols.data());
        quant::GemmS16S32(mg, g.out_size, depth, w16.data() + grp * mg * depth, depth, cols.data(), g.out_size,
                          acc.data(), g.out_size, pool);
        emit(n, grp, acc.data());
      }
    }
  }, "convolution input");
}

int32_t ScalarZeroPoint(const Tensor* t, const Tensor& operand, const char* name) {
  if (!t) return 0;
  ORTLITE_CHECK_ARG(t->GetElementType() == operand.GetElementType(), name, " has type ",
                    DataTypeName(t->GetElementType()), " but its operand has ", DataTypeName(operand.GetElementType()));
  ORTLITE_CHECK_ARG(quant::IsScalarLike(*t), name, " must hold one value, got shape ", t->Shape().ToString());
  return quant::ReadAsInt32(*t, name)[0];
}

std::vector<int32_t> ChannelZeroPoints(const Tensor* t, const Tensor& operand, const char* name) {
  if (!t) return {0};
  ORTLITE_CHECK_ARG(t->GetElementType() == operand.GetElementType(), name, " has type ",
                    DataTypeName(t->GetElementType()), " but its operand has ", DataTypeName(operand.GetElementType()));
  ORTLITE_CHECK_ARG(t->Shape().NumDimensions() <= 1, name, " must be a scalar or 1-D, got shape ",
                    t->Shape().ToString());
  return quant::ReadAsInt32(*t, name);
}

class ConvInteger final : public OpKernel {
 public:
  explicit ConvInteger(const OpKernelInfo& info) : OpKernel(info), attrs_(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& w = ctx.RequiredInput(1);
    const int32_t x_zp = ScalarZeroPoint(ctx.Input(2), x, "x_zero_point");
    const std::vector<int32_t> w_zp = ChannelZeroPoints(ctx.Input(3), w, "w_zero_point");
    const ConvGeometry g = ComputeGeometry(attrs_, x.Shape(), w.Shape());
    int32_t* y = ctx.Output(0, g.out_shape, DataType::kInt32)->MutableData<int32_t>();
    const int64_t mg = g.out_channels / g.group;
    IntegerConv(x, w, x_zp, w_zp, g, ctx.GetThreadPool(), [&](int64_t n, int64_t grp, const int32_t* acc) {
      std::copy(acc, acc + mg * g.out_size, y + (n * g.out_channels + grp * mg) * g.out_size);
    });
  }

 private:
  ConvAttributes attrs_;
};

class QLinearConv final : public OpKernel {
 public:
  explicit QLinearConv(const OpKernelInfo& info) : OpKernel(info), attrs_(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& w = ctx.RequiredInput(3);
    const Tensor& x_scale_t = ctx.RequiredInput(1);
    const Tensor& y_scale_t = ctx.RequiredInput(6);
    const Tensor& y_zp_t = ctx.RequiredInput(7);
    ORTLITE_CHECK_ARG(quant::IsScalarLike(x_scale_t) && quant::IsScalarLike(y_scale_t),
                      "x_scale and y_scale must hold one value");
    const float x_scale = quant::ReadScales(x_scale_t, "x_scale")[0];
    const float y_scale = quant::ReadScales(y_scale_t, "y_scale")[0];
    const int32_t x_zp = ScalarZeroPoint(&ctx.RequiredInput(2), x, "x_zero_point");
    const int32_t y_zp = ScalarZeroPoint(&y_zp_t, y_zp_t, "y_zero_point");
    const std::vector<int32_t> w_zp = ChannelZeroPoints(&ctx.RequiredInput(5), w, "w_zero_point");
    const ConvGeometry g = ComputeGeometry(attrs_, x.Shape(), w.Shape());

    const Tensor& w_scale_t = ctx.RequiredInput(4);
    ORTLITE_CHECK_ARG(w_scale_t.Shape().NumDimensions() <= 1 &&
                          (w_scale_t.NumElements() == 1 || w_scale_t.NumElements() == g.out_channels),
                      "w_scale must hold 1 or ", g.out_channels, " values, got shape ", w_scale_t.Shape().ToString());
    const std::vector<float> w_scale = quant::ReadScales(w_scale_t, "w_scale");
    std::vector<float> multiplier(static_cast<size_t>(g.out_channels));
    for (int64_t m = 0; m < g.out_channels; ++m)
      multiplier[m] = x_scale * w_scale[w_scale.size() == 1 ? 0 : m] / y_scale;

    std::vector<int32_t> bias(static_cast<size_t>(g.out_channels), 0);
    if (const Tensor* b = ctx.Input(8)) {
      ORTLITE_CHECK_ARG(b->GetElementType() == DataType::kInt32, "bias must be int32, got ",
                        DataTypeName(b->GetElementType()));
      ORTLITE_CHECK_ARG(b->Shape().NumDimensions() == 1 && b->Shape()[0] == g.out_channels, "bias has shape ",
                        b->Shape().ToString(), ", expected {", g.out_channels, "}");
      std::copy(b->Data<int32_t>(), b->Data<int32_t>() + g.out_channels, bias.begin());
    }

    const DataType out_type = y_zp_t.GetElementType();
    Tensor* y = ctx.Output(0, g.out_shape, out_type);
    const int64_t mg = g.out_channels / g.group;
    VisitType<quant::Int8Types>(out_type, [&](auto tag) {
      using TY = typename decltype(tag)::type;
      TY* out = y->MutableData<TY>();
      IntegerConv(x, w, x_zp, w_zp, g, ctx.GetThreadPool(), [&](int64_t n, int64_t grp, const int32_t* acc) {
        for (int64_t i = 0; i < mg; ++i) {
          const int64_t m = grp * mg + i;
          const float scale = multiplier[m];
          const int64_t b = bias[m];
          const int32_t* a = acc + i * g.out_size;
          TY* dst = out + (n * g.out_channels + m) * g.out_size;
          for (int64_t o = 0; o < g.out_size; ++o)
            dst[o] = quant::SaturateRound<TY>(static_cast<float>(a[o] + b) * scale, y_zp);
        }
      });
    }, "QLinearConv output");
  }

 private:
  ConvAttributes attrs_;
};

}  // namespace

ONNX_CPU_KERNEL(ConvInteger, 10, ConvInteger, KernelDefBuilder())
ONNX_CPU_KERNEL(QLinearConv, 10, QLinearConv, KernelDefBuilder())

}  // namespace ortlite
