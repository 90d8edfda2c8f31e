// QuantizeLinear (10, 13), DequantizeLinear (10, 13) and DynamicQuantizeLinear (11).
//   quantize:   y = saturate(round_half_even(x / scale) + zero_point)
//   dequantize: y = (x - zero_point) * scale
// Scale and zero point are per tensor (one element) or, from opset 13, per slice along `axis`.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/quantization/quant_common.h"

namespace ortlite {
namespace {

// x viewed as [outer, channels, inner] where channels indexes the scale/zero-point entries.
struct AxisBlocks {
  int64_t outer = 1;
  int64_t channels = 1;
  int64_t inner = 1;
};

AxisBlocks ResolveAxis(const TensorShape& x, const Tensor& scale, const Tensor* zero_point, int64_t axis) {
  AxisBlocks blocks;
  if (zero_point) {
    ORTLITE_CHECK_ARG(zero_point->Shape() == scale.Shape() ||
                          (quant::IsScalarLike(*zero_point) && quant::IsScalarLike(scale)),
                      "zero point shape ", zero_point->Shape().ToString(), " differs from scale shape ",
                      scale.Shape().ToString());
  }
  if (quant::IsScalarLike(scale) && scale.Shape().NumDimensions() <= 1) {
    blocks.inner = x.Size();
    return blocks;
  }
  ORTLITE_CHECK_ARG(scale.Shape().NumDimensions() == 1, "scale must be a scalar or a 1-D tensor, got shape ",
                    scale.Shape().ToString());
  const int64_t rank = static_cast<int64_t>(x.NumDimensions());
  ORTLITE_CHECK_ARG(rank > 0, "per-axis scale needs an input of rank >= 1");
  const size_t a = static_cast<size_t>(HandleNegativeAxis(axis, rank));
  ORTLITE_CHECK_ARG(scale.Shape()[0] == x[a], "scale has ", scale.Shape()[0], " elements but input dimension ", a,
                    " is ", x[a]);
  blocks.outer = x.SizeToDimension(a);
  blocks.channels = x[a];
  blocks.inner = x.SizeFromDimension(a + 1);
  return blocks;
}

// Calls fn(channel, begin, count) over every run of elements sharing one scale.
template <typename Fn>
void ForEachChannelRun(const AxisBlocks& b, ThreadPool* pool, Fn&& fn) {
  const int64_t total = b.outer * b.channels * b.inner;
  if (total == 0) return;
  ThreadPool::TryParallelFor(pool, total, 4.0, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end;) {
      const int64_t block = i / b.inner;
      const int64_t run_end = std::min(end, (block + 1) * b.inner);
      fn(block % b.channels, i, run_end - i);
      i = run_end;
    }
  });
}

class QuantizeLinear final : public OpKernel {
 public:
  explicit QuantizeLinear(const OpKernelInfo& info)
      : OpKernel(info), axis_(info.GetAttrOrDefault<int64_t>("axis", 1)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& scale_t = ctx.RequiredInput(1);
    const Tensor* zp_t = ctx.Input(2);
    const AxisBlocks blocks = ResolveAxis(x.Shape(), scale_t, zp_t, axis_);
    const std::vector<float> scales = quant::ReadScales(scale_t, "y_scale");
    const std::vector<int32_t> zps =
        zp_t ? quant::ReadAsInt32(*zp_t, "QuantizeLinear zero point") : std::vector<int32_t>(scales.size(), 0);
    const DataType out_type = zp_t ? zp_t->GetElementType() : DataType::kUInt8;
    ORTLITE_CHECK_ARG(out_type == DataType::kUInt8 || out_type == DataType::kInt8,
                      "y_zero_point must be uint8 or int8, got ", DataTypeName(out_type));
    Tensor* y = ctx.Output(0, x.Shape(), out_type);

    VisitType<TypeList<float, int32_t>>(
        x.GetElementType(),
        [&](auto in_tag) {
          using TIn = typename decltype(in_tag)::type;
          const TIn* src = x.Data<TIn>();
          VisitType<quant::Int8Types>(out_type, [&](auto out_tag) {
            using Q = typename decltype(out_tag)::type;
            Q* dst = y->MutableData<Q>();
            ForEachChannelRun(blocks, ctx.GetThreadPool(), [&](int64_t c, int64_t begin, int64_t count) {
              const float s = scales[c];
              const int32_t zp = zps[c];
              for (int64_t i = begin; i < begin + count; ++i)
                dst[i] = quant::SaturateRound<Q>(static_cast<float>(src[i]) / s, zp);
            });
          });
        },
        "QuantizeLinear input");
  }

 private:
  int64_t axis_;
};

class DequantizeLinear final : public OpKernel {
 public:
  explicit DequantizeLinear(const OpKernelInfo& info)
      : OpKernel(info), axis_(info.GetAttrOrDefault<int64_t>("axis", 1)) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& scale_t = ctx.RequiredInput(1);
    const Tensor* zp_t = ctx.Input(2);
    if (zp_t) {
      ORTLITE_CHECK_ARG(zp_t->GetElementType() == x.GetElementType(), "x_zero_point type ",
                        DataTypeName(zp_t->GetElementType()), " differs from x type ", DataTypeName(x.GetElementType()));
    }
    const AxisBlocks blocks = ResolveAxis(x.Shape(), scale_t, zp_t, axis_);
    const std::vector<float> scales = quant::ReadScales(scale_t, "x_scale");
    const std::vector<int32_t> zps =
        zp_t ? quant::ReadAsInt32(*zp_t, "DequantizeLinear zero point") : std::vector<int32_t>(scales.size(), 0);
    Tensor* y = ctx.Output(0, x.Shape(), DataType::kFloat);
    float* dst = y->MutableData<float>();

    VisitType<TypeList<uint8_t, int8_t, int32_t>>(
        x.GetElementType(),
        [&](auto tag) {
          using Q = typename decltype(tag)::type;
          const Q* src = x.Data<Q>();
          ForEachChannelRun(blocks, ctx.GetThreadPool(), [&](int64_t c, int64_t begin, int64_t count) {
            const float s = scales[c];
            const int64_t zp = zps[c];
            for (int64_t i = begin; i < begin + count; ++i)
              dst[i] = static_cast<float>(static_cast<int64_t>(src[i]) - zp) * s;
          });
        },
        "DequantizeLinear input");
  }

 private:
  int64_t axis_;
};

// Scale and zero point chosen so the range [min(x, 0), max(x, 0)] maps onto [0, 255].
class DynamicQuantizeLinear final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    ORTLITE_CHECK_ARG(x.GetElementType() == DataType::kFloat, "DynamicQuantizeLinear input must be float, got ",
                      DataTypeName(x.GetElementType()));
    const float* src = x.Data<float>();
    const int64_t n = x.NumElements();
    float lo = 0.f, hi = 0.f;
    for (int64_t i = 0; i < n; ++i) {
      // Comparisons written so NaN never enters the range.
      if (src[i] < lo) lo = src[i];
      if (src[i] > hi) hi = src[i];
    }
    constexpr float kQMin = 0.f, kQMax = 255.f;
    const float scale = (hi - lo) / (kQMax - kQMin);
    // An all-zero input has an empty range: scale 0 with zero point 0 represents it exactly.
    uint8_t zero_point = 0;
    if (scale > 0.f) {
      const float zp = std::nearbyint(kQMin - lo / scale);
      zero_point = static_cast<uint8_t>(std::min(kQMax, std::max(kQMin, zp)));
    }

    uint8_t* y = ctx.Output(0, x.Shape(), DataType::kUInt8)->MutableData<uint8_t>();
    ctx.Output(1, TensorShape{}, DataType::kFloat)->MutableData<float>()[0] = scale;
    ctx.Output(2, TensorShape{}, DataType::kUInt8)->MutableData<uint8_t>()[0] = zero_point;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), n, 4.0, [&](int64_t begin, int64_t end) {
      if (scale > 0.f) {
        for (int64_t i = begin; i < end; ++i) y[i] = quant::SaturateRound<uint8_t>(src[i] / scale, zero_point);
      } else {
        std::fill(y + begin, y + end, uint8_t{0});
      }
    });
  }
};

}  // namespace

ONNX_CPU_KERNEL(QuantizeLinear, 10, QuantizeLinear, KernelDefBuilder())
ONNX_CPU_KERNEL(DequantizeLinear, 10, DequantizeLinear, KernelDefBuilder())
ONNX_CPU_KERNEL(DynamicQuantizeLinear, 11, DynamicQuantizeLinear, KernelDefBuilder())

}  // namespace ortlite
