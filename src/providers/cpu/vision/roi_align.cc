// RoiAlign (opsets 10, 16): pools each region of interest to a fixed grid by averaging (or taking
// the max of) bilinearly interpolated samples, without quantising the region's coordinates.
#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

// Sampling along one axis: the two neighbouring pixels and their weights. Bilinear weights are
// products of the per-axis ones, so a bin's samples are the cross product of per-axis samples.
// A coordinate outside [-1, size] contributes nothing to its bin (zero weights).
template <typename Acc>
struct AxisSample {
  int64_t low = 0, high = 0;
  Acc w_low = 0, w_high = 0;
};

template <typename Acc>
AxisSample<Acc> MakeAxisSample(Acc v, int64_t size) {
  AxisSample<Acc> s;
  if (!(v >= -1 && v <= static_cast<Acc>(size))) return s;  // also rejects NaN
  v = std::max<Acc>(v, 0);
  int64_t low = static_cast<int64_t>(v), high;
  if (low >= size - 1) {
    low = high = size - 1;
    v = static_cast<Acc>(low);
  } else {
    high = low + 1;
  }
  s.low = low;
  s.high = high;
  s.w_high = v - static_cast<Acc>(low);
  s.w_low = 1 - s.w_high;
  return s;
}

class RoiAlignKernel final : public OpKernel {
 public:
  explicit RoiAlignKernel(const OpKernelInfo& info) : OpKernel(info) {
    const std::string mode = info.GetAttrOrDefault<std::string>("mode", "avg");
    ORTLITE_CHECK_ARG(mode == "avg" || mode == "max", "mode must be 'avg' or 'max', got '", mode, "'");
    max_mode_ = mode == "max";
    output_height_ = info.GetAttrOrDefault<int64_t>("output_height", 1);
    output_width_ = info.GetAttrOrDefault<int64_t>("output_width", 1);
    sampling_ratio_ = info.GetAttrOrDefault<int64_t>("sampling_ratio", 0);
    spatial_scale_ = info.GetAttrOrDefault<float>("spatial_scale", 1.f);
    ORTLITE_CHECK_ARG(output_height_ > 0 && output_width_ > 0, "output_height and output_width must be positive");
    ORTLITE_CHECK_ARG(sampling_ratio_ >= 0, "sampling_ratio must be >= 0, got ", sampling_ratio_);
    // Opset 10 had no attribute and behaved as 'output_half_pixel'.
    if (info.SinceVersion() >= 16) {
      const std::string ctm = info.GetAttrOrDefault<std::string>("coordinate_transformation_mode", "half_pixel");
      ORTLITE_CHECK_ARG(ctm == "half_pixel" || ctm == "output_half_pixel",
                        "coordinate_transformation_mode must be 'half_pixel' or 'output_half_pixel', got '", ctm, "'");
      half_pixel_ = ctm == "half_pixel";
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& rois = ctx.RequiredInput(1);
    const Tensor& batch_indices = ctx.RequiredInput(2);
    const auto& xd = x.Shape();
    ORTLITE_CHECK_ARG(xd.NumDimensions() == 4, "X must be 4-D (N, C, H, W), got ", xd.ToString());
    ORTLITE_CHECK_ARG(rois.Shape().NumDimensions() == 2 && rois.Shape()[1] == 4,
                      "rois must have shape (num_rois, 4), got ", rois.Shape().ToString());
    ORTLITE_CHECK_ARG(batch_indices.Shape().NumDimensions() == 1, "batch_indices must be 1-D, got ",
                      batch_indices.Shape().ToString());
    const int64_t num_rois = rois.Shape()[0];
    ORTLITE_CHECK_ARG(batch_indices.Shape()[0] == num_rois, "batch_indices has ", batch_indices.Shape()[0],
                      " entries but rois has ", num_rois);
    ORTLITE_CHECK_ARG(rois.GetElementType() == x.GetElementType(), "rois must have the element type of X");

    const int64_t* batch = batch_indices.Data<int64_t>();
    for (int64_t r = 0; r < num_rois; ++r) {
      ORTLITE_CHECK_ARG(batch[r] >= 0 && batch[r] < xd[0], "batch_indices[", r, "] = ", batch[r],
                        " is out of range [0, ", xd[0], ")");
    }

    Tensor* y = ctx.Output(0, TensorShape({num_rois, xd[1], output_height_, output_width_}));
    VisitType<TypeList<float, double, MLFloat16, BFloat16>>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          using Acc = std::conditional_t<std::is_same_v<T, double>, double, float>;
          Run<T, Acc>(ctx, x, rois.Data<T>(), batch, *y);
        },
        "RoiAlign");
  }

 private:
  template <typename T, typename Acc>
  void Run(OpKernelContext& ctx, const Tensor& x, const T* rois, const int64_t* batch, Tensor& y) const {
    const auto& xd = x.Shape();
    const int64_t channels = xd[1], height = xd[2], width = xd[3];
    const int64_t num_rois = y.Shape()[0];
    const int64_t plane = height * width;
    const int64_t out_plane = output_height_ * output_width_;
    const T* x_data = x.Data<T>();
    T* y_data = y.MutableData<T>();
    if (y.NumElements() == 0) return;
    if (plane == 0) {
      std::fill(y_data, y_data + y.NumElements(), FromCompute<T>(Acc(0)));
      return;
    }

    const Acc offset = half_pixel_ ? Acc(0.5) : Acc(0);
    const Acc scale = static_cast<Acc>(spatial_scale_);
    const double cost = static_cast<double>(channels * out_plane) * 16.0;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), num_rois, cost, [&](int64_t begin, int64_t end) {
      std::vector<AxisSample<Acc>> y_samples, x_samples;
      for (int64_t r = begin; r < end; ++r) {
        const T* roi = rois + r * 4;
        const Acc start_w = static_cast<Acc>(ToCompute(roi[0])) * scale - offset;
        const Acc start_h = static_cast<Acc>(ToCompute(roi[1])) * scale - offset;
        const Acc end_w = static_cast<Acc>(ToCompute(roi[2])) * scale - offset;
        const Acc end_h = static_cast<Acc>(ToCompute(roi[3])) * scale - offset;
        Acc roi_w = end_w - start_w, roi_h = end_h - start_h;
        if (!half_pixel_) {
          // The legacy mode forces malformed regions to 1x1.
          roi_w = std::max<Acc>(roi_w, 1);
          roi_h = std::max<Acc>(roi_h, 1);
        }
        const Acc bin_h = roi_h / static_cast<Acc>(output_height_);
        const Acc bin_w = roi_w / static_cast<Acc>(output_width_);
        const int64_t grid_h = SamplesPerBin(roi_h, output_height_);
        const int64_t grid_w = SamplesPerBin(roi_w, output_width_);
        const Acc count = static_cast<Acc>(std::max<int64_t>(grid_h * grid_w, 1));

        // Sample positions depend only on the region, so they are shared by all channels.
        y_samples.clear();
        x_samples.clear();
        for (int64_t ph = 0; ph < output_height_; ++ph) {
          for (int64_t iy = 0; iy < grid_h; ++iy) {
            const Acc yy = start_h + ph * bin_h + (iy + Acc(0.5)) * bin_h / static_cast<Acc>(grid_h);
            y_samples.push_back(MakeAxisSample<Acc>(yy, height));
          }
        }
        for (int64_t pw = 0; pw < output_width_; ++pw) {
          for (int64_t ix = 0; ix < grid_w; ++ix) {
            const Acc xx = start_w + pw * bin_w + (ix + Acc(0.5)) * bin_w / static_cast<Acc>(grid_w);
            x_samples.push_back(MakeAxisSample<Acc>(xx, width));
          }
        }

        for (int64_t c = 0; c < channels; ++c) {
          const T* in = x_data + (batch[r] * channels + c) * plane;
          T* out = y_data + (r * channels + c) * out_plane;
          auto at = [&](int64_t yi, int64_t xi) { return static_cast<Acc>(ToCompute(in[yi * width + xi])); };
          for (int64_t ph = 0; ph < output_height_; ++ph) {
            for (int64_t pw = 0; pw < output_width_; ++pw) {
              Acc value = 0;
              bool first = true;
              for (int64_t iy = 0; iy < grid_h; ++iy) {
                const AxisSample<Acc>& sy = y_samples[ph * grid_h + iy];
                for (int64_t ix = 0; ix < grid_w; ++ix) {
                  const AxisSample<Acc>& sx = x_samples[pw * grid_w + ix];
                  const Acc w[4] = {sy.w_low * sx.w_low, sy.w_low * sx.w_high, sy.w_high * sx.w_low,
                                    sy.w_high * sx.w_high};
                  const Acc v[4] = {at(sy.low, sx.low), at(sy.low, sx.high), at(sy.high, sx.low),
                                    at(sy.high, sx.high)};
                  if (max_mode_) {
                    // As in the ONNX reference: the max over samples of the largest weighted neighbour.
                    const Acc m = std::max(std::max(w[0] * v[0], w[1] * v[1]), std::max(w[2] * v[2], w[3] * v[3]));
                    value = first ? m : std::max(value, m);
                    first = false;
                  } else {
                    value += w[0] * v[0] + w[1] * v[1] + w[2] * v[2] + w[3] * v[3];
                  }
                }
              }
              if (!max_mode_) value /= count;
              out[ph * output_width_ + pw] = FromCompute<T>(value);
            }
          }
        }
      }
    });
  }

  template <typename Acc>
  int64_t SamplesPerBin(Acc roi_extent, int64_t bins) const {
    if (sampling_ratio_ > 0) return sampling_ratio_;
    const Acc n = std::ceil(roi_extent / static_cast<Acc>(bins));
    // Non-finite or non-positive extents (degenerate regions) sample nothing.
    if (!(n > 0)) return 0;
    return static_cast<int64_t>(std::min<Acc>(n, Acc(1 << 20)));
  }

  bool max_mode_ = false;
  bool half_pixel_ = false;
  int64_t output_height_ = 1, output_width_ = 1, sampling_ratio_ = 0;
  float spatial_scale_ = 1.f;
};

}  // namespace

ONNX_CPU_KERNEL(RoiAlign, 10, RoiAlignKernel, KernelDefBuilder())

}  // namespace ortlite
