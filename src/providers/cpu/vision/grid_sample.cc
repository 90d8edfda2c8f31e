// GridSample (opset 16): samples a 4-D input at the normalised (x, y) locations of a flow-field
// grid with nearest, bilinear or bicubic interpolation. Out-of-range locations follow
// padding_mode: zeros, border (clamp) or reflection.
//
// As in the ONNX reference, a location outside the valid range is first moved inside (clamped or
// reflected, for border/reflection padding), then each interpolation tap that still falls outside
// the input is padded on its own.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

enum class Interp { kNearest, kBilinear, kBicubic };
enum class Padding { kZeros, kBorder, kReflection };

// Reflects v about the borders lo and hi until it lies within them.
double Reflect(double v, double lo, double hi) {
  const double range = hi - lo;
  if (range <= 0) return lo;
  if (v >= lo && v <= hi) return v;
  const double dist = v < lo ? lo - v : v - hi;
  const double folds = std::floor(dist / range);
  const double rest = dist - folds * range;
  const bool even = std::fmod(folds, 2.0) == 0.0;
  if (v < lo) return even ? lo + rest : hi - rest;
  return even ? hi - rest : lo + rest;
}

// Keys' cubic convolution weights (A = -0.75, as PyTorch) for the taps at -1, 0, 1, 2 from the
// floor of the location; t is the fractional part.
void CubicWeights(double t, double w[4]) {
  constexpr double A = -0.75;
  auto near = [&](double d) { return ((A + 2) * d - (A + 3)) * d * d + 1; };        // |d| <= 1
  auto far = [&](double d) { return ((A * d - 5 * A) * d + 8 * A) * d - 4 * A; };  // 1 < |d| < 2
  w[0] = far(t + 1);
  w[1] = near(t);
  w[2] = near(1 - t);
  w[3] = far(2 - t);
}

class GridSampleKernel final : public OpKernel {
 public:
  explicit GridSampleKernel(const OpKernelInfo& info) : OpKernel(info) {
    const std::string mode = info.GetAttrOrDefault<std::string>("mode", "bilinear");
    // Opset 20 renamed the modes to linear/cubic; accepting both costs nothing.
    if (mode == "bilinear" || mode == "linear") {
      interp_ = Interp::kBilinear;
    } else if (mode == "nearest") {
      interp_ = Interp::kNearest;
    } else if (mode == "bicubic" || mode == "cubic") {
      interp_ = Interp::kBicubic;
    } else {
      ORTLITE_CHECK_ARG(false, "mode must be bilinear, nearest or bicubic, got '", mode, "'");
    }
    const std::string padding = info.GetAttrOrDefault<std::string>("padding_mode", "zeros");
    if (padding == "zeros") {
      padding_ = Padding::kZeros;
    } else if (padding == "border") {
      padding_ = Padding::kBorder;
    } else if (padding == "reflection") {
      padding_ = Padding::kReflection;
    } else {
      ORTLITE_CHECK_ARG(false, "padding_mode must be zeros, border or reflection, got '", padding, "'");
    }
    align_corners_ = info.GetAttrOrDefault<int64_t>("align_corners", 0) != 0;
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& grid = ctx.RequiredInput(1);
    const auto& xd = x.Shape();
    const auto& gd = grid.Shape();
    ORTLITE_CHECK_ARG(xd.NumDimensions() == 4, "X must be 4-D (N, C, H, W), got ", xd.ToString());
    ORTLITE_CHECK_ARG(gd.NumDimensions() == 4 && gd[3] == 2, "grid must have shape (N, H_out, W_out, 2), got ",
                      gd.ToString());
    ORTLITE_CHECK_ARG(gd[0] == xd[0], "grid batch ", gd[0], " differs from X batch ", xd[0]);

    // The grid may have another float type than X; read it once as double.
    std::vector<double> locations(static_cast<size_t>(grid.NumElements()));
    VisitType<TypeList<float, double, MLFloat16, BFloat16>>(
        grid.GetElementType(),
        [&](auto tag) {
          using G = typename decltype(tag)::type;
          const G* g = grid.Data<G>();
          for (size_t i = 0; i < locations.size(); ++i) locations[i] = static_cast<double>(ToCompute(g[i]));
        },
        "GridSample grid");

    Tensor* y = ctx.Output(0, TensorShape({xd[0], xd[1], gd[1], gd[2]}));
    VisitType<AllNumericTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          Run<T>(ctx, x, locations.data(), *y);
        },
        "GridSample");
  }

 private:
  // Maps a normalised coordinate in [-1, 1] to pixel space.
  double Unnormalize(double n, int64_t size) const {
    if (align_corners_) return (n + 1) / 2 * static_cast<double>(size - 1);
    return ((n + 1) * static_cast<double>(size) - 1) / 2;
  }

  // Moves an out-of-range location inside according to the padding mode.
  double PadLocation(double v, int64_t size) const {
    const double lo = align_corners_ ? 0.0 : -0.5;
    const double hi = align_corners_ ? static_cast<double>(size - 1) : static_cast<double>(size) - 0.5;
    if (v >= lo && v <= hi) return v;
    if (padding_ == Padding::kBorder) return std::clamp(v, 0.0, static_cast<double>(size - 1));
    if (padding_ == Padding::kReflection) return Reflect(v, lo, hi);
    return v;
  }

  // The in-range pixel index for tap i, or -1 when the tap reads as zero.
  int64_t TapIndex(int64_t i, int64_t size) const {
    if (i >= 0 && i < size) return i;
    if (padding_ == Padding::kZeros) return -1;
    if (padding_ == Padding::kBorder) return std::clamp<int64_t>(i, 0, size - 1);
    const double lo = align_corners_ ? 0.0 : -0.5;
    const double hi = align_corners_ ? static_cast<double>(size - 1) : static_cast<double>(size) - 0.5;
    const auto r = static_cast<int64_t>(Reflect(static_cast<double>(i), lo, hi));
    return std::clamp<int64_t>(r, 0, size - 1);
  }

  template <typename T>
  void Run(OpKernelContext& ctx, const Tensor& x, const double* locations, Tensor& y) const {
    const auto& xd = x.Shape();
    const int64_t batches = xd[0], channels = xd[1], height = xd[2], width = xd[3];
    const int64_t out_h = y.Shape()[2], out_w = y.Shape()[3];
    const int64_t out_plane = out_h * out_w;
    const T* x_data = x.Data<T>();
    T* y_data = y.MutableData<T>();
    if (y.NumElements() == 0) return;
    if (height == 0 || width == 0) {
      std::fill(y_data, y_data + y.NumElements(), T{});
      return;
    }

    // Bounding locations keeps the integer conversions below defined; doubles lose whole-pixel
    // precision before this bound anyway. NaN reads as far out on the low side.
    constexpr double bound = 1e15;
    auto bounded = [&](double v) { return std::isnan(v) ? -bound : std::clamp(v, -bound, bound); };

    const int taps = interp_ == Interp::kBicubic ? 4 : interp_ == Interp::kBilinear ? 2 : 1;
    const double cost = static_cast<double>(channels * taps * taps) * 4.0 + 20.0;
    ThreadPool::TryParallelFor(ctx.GetThreadPool(), batches * out_plane, cost, [&](int64_t begin, int64_t end) {
      for (int64_t idx = begin; idx < end; ++idx) {
        const int64_t n = idx / out_plane, p = idx % out_plane;
        double gx = Unnormalize(locations[idx * 2], width);
        double gy = Unnormalize(locations[idx * 2 + 1], height);
        gx = bounded(gx);
        gy = bounded(gy);
        if (interp_ == Interp::kNearest) {
          gx = std::nearbyint(gx);  // round half to even, as PyTorch's 2-D nearest
          gy = std::nearbyint(gy);
        }
        gx = PadLocation(gx, width);
        gy = PadLocation(gy, height);

        // Taps and weights along each axis.
        int64_t xi[4], yi[4];
        double wx[4], wy[4];
        if (interp_ == Interp::kNearest) {
          xi[0] = TapIndex(static_cast<int64_t>(gx), width);
          yi[0] = TapIndex(static_cast<int64_t>(gy), height);
          wx[0] = wy[0] = 1;
        } else {
          const double fx = std::floor(gx), fy = std::floor(gy);
          const int64_t x0 = static_cast<int64_t>(fx), y0 = static_cast<int64_t>(fy);
          if (interp_ == Interp::kBilinear) {
            wx[1] = gx - fx;
            wx[0] = 1 - wx[1];
            wy[1] = gy - fy;
            wy[0] = 1 - wy[1];
            for (int k = 0; k < 2; ++k) {
              xi[k] = TapIndex(x0 + k, width);
              yi[k] = TapIndex(y0 + k, height);
            }
          } else {
            CubicWeights(gx - fx, wx);
            CubicWeights(gy - fy, wy);
            for (int k = 0; k < 4; ++k) {
              xi[k] = TapIndex(x0 - 1 + k, width);
              yi[k] = TapIndex(y0 - 1 + k, height);
            }
          }
        }

        for (int64_t c = 0; c < channels; ++c) {
          const T* in = x_data + (n * channels + c) * height * width;
          double value = 0;
          for (int j = 0; j < taps; ++j) {
            if (yi[j] < 0) continue;
            double row = 0;
            for (int k = 0; k < taps; ++k) {
              if (xi[k] >= 0) row += wx[k] * static_cast<double>(ToCompute(in[yi[j] * width + xi[k]]));
            }
            value += wy[j] * row;
          }
          y_data[(n * channels + c) * out_plane + p] = Store<T>(value);
        }
      }
    });
  }

  template <typename T>
  static T Store(double v) {
    if constexpr (std::is_integral_v<T>) {
      // Interpolated values of integer inputs are rounded to nearest and saturated.
      if (std::isnan(v)) return T{};
      const double r = std::nearbyint(v);
      if (r <= static_cast<double>(std::numeric_limits<T>::lowest())) return std::numeric_limits<T>::lowest();
      if (r >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
      return static_cast<T>(r);
    } else {
      return FromCompute<T>(v);
    }
  }

  Interp interp_ = Interp::kBilinear;
  Padding padding_ = Padding::kZeros;
  bool align_corners_ = false;
};

}  // namespace

ONNX_CPU_KERNEL(GridSample, 16, GridSampleKernel, KernelDefBuilder())

}  // namespace ortlite
