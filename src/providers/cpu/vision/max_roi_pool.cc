// MaxRoiPool (opset 1): the Fast R-CNN RoI pooling. Region corners are rounded to whole pixels,
// the region is split into pooled_shape bins, and each output is the max over its bin (0 for a
// bin that holds no pixel).
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

class MaxRoiPoolKernel final : public OpKernel {
 public:
  explicit MaxRoiPoolKernel(const OpKernelInfo& info) : OpKernel(info) {
    const auto pooled = info.GetAttr<std::vector<int64_t>>("pooled_shape");
    ORTLITE_CHECK_ARG(pooled.size() == 2 && pooled[0] > 0 && pooled[1] > 0,
                      "pooled_shape must hold two positive values (height, width)");
    pooled_h_ = pooled[0];
    pooled_w_ = pooled[1];
    spatial_scale_ = info.GetAttrOrDefault<float>("spatial_scale", 1.f);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& rois = ctx.RequiredInput(1);
    const auto& xd = x.Shape();
    ORTLITE_CHECK_ARG(xd.NumDimensions() == 4, "X must be 4-D (N, C, H, W), got ", xd.ToString());
    ORTLITE_CHECK_ARG(rois.Shape().NumDimensions() == 2 && rois.Shape()[1] == 5,
                      "rois must have shape (num_rois, 5), got ", rois.Shape().ToString());
    ORTLITE_CHECK_ARG(rois.GetElementType() == x.GetElementType(), "rois must have the element type of X");
    Tensor* y = ctx.Output(0, TensorShape({rois.Shape()[0], xd[1], pooled_h_, pooled_w_}));
    VisitType<TypeList<float, double, MLFloat16, BFloat16>>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          Run<T>(ctx, x, rois.Data<T>(), *y);
        },
        "MaxRoiPool");
  }

 private:
  template <typename T>
  void Run(OpKernelContext& ctx, const Tensor& x, const T* rois, Tensor& y) const {
    using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;
    const auto& xd = x.Shape();
    const int64_t batches = xd[0], channels = xd[1], height = xd[2], width = xd[3];
    const int64_t num_rois = y.Shape()[0];
    const T* x_data = x.Data<T>();
    T* y_data = y.MutableData<T>();

    // Validate every region before any work so a bad batch id fails cleanly.
    for (int64_t r = 0; r < num_rois; ++r) {
      const Acc b = static_cast<Acc>(ToCompute(rois[r * 5]));
      ORTLITE_CHECK_ARG(b >= 0 && b < static_cast<Acc>(batches), "rois[", r, "] has batch index ", b,
                        " outside [0, ", batches, ")");
    }

    const Acc scale = static_cast<Acc>(spatial_scale_);
    auto to_pixel = [&](T v) -> int64_t {
      const Acc p = std::round(static_cast<Acc>(ToCompute(v)) * scale);
      // Keep far-out (or NaN) coordinates representable; they are clamped to the map below.
      if (!(p > -1e9)) return -1000000000;
      return static_cast<int64_t>(std::min<Acc>(p, Acc(1e9)));
    };

    const double cost = static_cast<double>(channels * pooled_h_ * pooled_w_) * 8.0;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), num_rois, cost, [&](int64_t begin, int64_t end) {
      for (int64_t r = begin; r < end; ++r) {
        const T* roi = rois + r * 5;
        const int64_t batch = static_cast<int64_t>(ToCompute(roi[0]));
        const int64_t start_w = to_pixel(roi[1]), start_h = to_pixel(roi[2]);
        const int64_t end_w = to_pixel(roi[3]), end_h = to_pixel(roi[4]);
        const Acc roi_h = static_cast<Acc>(std::max<int64_t>(end_h - start_h + 1, 1));
        const Acc roi_w = static_cast<Acc>(std::max<int64_t>(end_w - start_w + 1, 1));
        const Acc bin_h = roi_h / static_cast<Acc>(pooled_h_);
        const Acc bin_w = roi_w / static_cast<Acc>(pooled_w_);

        auto clamp_h = [&](int64_t v) { return std::min(std::max<int64_t>(v + start_h, 0), height); };
        auto clamp_w = [&](int64_t v) { return std::min(std::max<int64_t>(v + start_w, 0), width); };
        for (int64_t c = 0; c < channels; ++c) {
          const T* in = x_data + (batch * channels + c) * height * width;
          T* out = y_data + (r * channels + c) * pooled_h_ * pooled_w_;
          for (int64_t ph = 0; ph < pooled_h_; ++ph) {
            const int64_t h0 = clamp_h(static_cast<int64_t>(std::floor(ph * bin_h)));
            const int64_t h1 = clamp_h(static_cast<int64_t>(std::ceil((ph + 1) * bin_h)));
            for (int64_t pw = 0; pw < pooled_w_; ++pw) {
              const int64_t w0 = clamp_w(static_cast<int64_t>(std::floor(pw * bin_w)));
              const int64_t w1 = clamp_w(static_cast<int64_t>(std::ceil((pw + 1) * bin_w)));
              Acc best = 0;
              if (h1 > h0 && w1 > w0) {
                best = -std::numeric_limits<Acc>::infinity();
                for (int64_t h = h0; h < h1; ++h) {
                  for (int64_t w = w0; w < w1; ++w) best = std::max(best, static_cast<Acc>(ToCompute(in[h * width + w])));
                }
              }
              out[ph * pooled_w_ + pw] = FromCompute<T>(best);
            }
          }
        }
      }
    });
  }

  int64_t pooled_h_ = 1, pooled_w_ = 1;
  float spatial_scale_ = 1.f;
};

}  // namespace

ONNX_CPU_KERNEL(MaxRoiPool, 1, MaxRoiPoolKernel, KernelDefBuilder())

}  // namespace ortlite
