// Window generators HannWindow, HammingWindow, BlackmanWindow and the MelWeightMatrix (opset 17).
// All take scalar inputs and produce an output of the element type named by `output_datatype`.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

constexpr double kPi = 3.14159265358979323846;

using OutputTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                             uint32_t, uint64_t>;

int64_t ReadScalarInt(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must be a scalar, got shape ", t.Shape().ToString());
  int64_t v = 0;
  VisitType<TypeList<int32_t, int64_t>>(t.GetElementType(), [&](auto tag) {
    using I = typename decltype(tag)::type;
    v = static_cast<int64_t>(t.Data<I>()[0]);
  }, what);
  return v;
}

double ReadScalarFloat(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must be a scalar, got shape ", t.Shape().ToString());
  double v = 0;
  VisitType<TypeList<float, double, MLFloat16, BFloat16>>(t.GetElementType(), [&](auto tag) {
    using F = typename decltype(tag)::type;
    v = static_cast<double>(ToCompute(t.Data<F>()[0]));
  }, what);
  return v;
}

DataType ParseOutputType(const OpKernelInfo& info) {
  const int64_t v = info.GetAttrOrDefault<int64_t>("output_datatype", static_cast<int64_t>(DataType::kFloat));
  const DataType type = static_cast<DataType>(v);
  bool ok = false;
  auto accept = [&](auto) { ok = true; };
  if (IsValidDataType(static_cast<int32_t>(v))) detail::Visitor<OutputTypes>::Visit(type, accept);
  ORTLITE_CHECK_ARG(ok, "output_datatype ", v, " is not a numeric tensor type");
  return type;
}

// Writes `values` converted to `type` into a new output 0 of shape `shape`.
void WriteOutput(OpKernelContext& ctx, DataType type, const TensorShape& shape, const std::vector<double>& values) {
  Tensor* y = ctx.Output(0, shape, type);
  VisitType<OutputTypes>(type, [&](auto tag) {
    using T = typename decltype(tag)::type;
    T* out = y->MutableData<T>();
    for (size_t i = 0; i < values.size(); ++i) out[i] = FromCompute<T>(values[i]);
  }, "the output_datatype");
}

// Generalised cosine windows: w[k] = sum_j (-1)^j a_j cos(2 pi j k / N), N = size for a periodic
// window and size - 1 for a symmetric one.
class CosineWindow : public OpKernel {
 public:
  CosineWindow(const OpKernelInfo& info, std::vector<double> coefficients)
      : OpKernel(info), coefficients_(std::move(coefficients)) {
    periodic_ = info.GetAttrOrDefault<int64_t>("periodic", 1) != 0;
    output_type_ = ParseOutputType(info);
  }

  void Compute(OpKernelContext& ctx) const override {
    const int64_t size = ReadScalarInt(ctx.RequiredInput(0), "size");
    ORTLITE_CHECK_ARG(size >= 0, "window size must not be negative, got ", size);
    std::vector<double> values(static_cast<size_t>(size));
    const int64_t period = periodic_ ? size : size - 1;
    for (int64_t k = 0; k < size; ++k) {
      // A one-point symmetric window has no period; it is its peak.
      if (period == 0) {
        values[k] = 1.0;
        continue;
      }
      const double phase = 2.0 * kPi * static_cast<double>(k) / static_cast<double>(period);
      double v = 0, sign = 1;
      for (size_t j = 0; j < coefficients_.size(); ++j, sign = -sign) {
        v += sign * coefficients_[j] * std::cos(phase * static_cast<double>(j));
      }
      values[k] = v;
    }
    WriteOutput(ctx, output_type_, TensorShape({size}), values);
  }

 private:
  std::vector<double> coefficients_;
  bool periodic_;
  DataType output_type_;
};

class HannWindow final : public CosineWindow {
 public:
  explicit HannWindow(const OpKernelInfo& info) : CosineWindow(info, {0.5, 0.5}) {}
};

class HammingWindow final : public CosineWindow {
 public:
  explicit HammingWindow(const OpKernelInfo& info) : CosineWindow(info, {25.0 / 46.0, 21.0 / 46.0}) {}
};

class BlackmanWindow final : public CosineWindow {
 public:
  explicit BlackmanWindow(const OpKernelInfo& info) : CosineWindow(info, {0.42, 0.5, 0.08}) {}
};

// Triangular filters evenly spaced on the mel scale mel(f) = 2595 log10(1 + f / 700). Band i
// rises from edge i to edge i+1 and falls to edge i+2, where the num_mel_bins + 2 edges are
// spectrogram bin indices floor((dft_length + 1) * f / sample_rate) of frequencies whose mels
// step by (mel(upper) - mel(lower)) / (num_mel_bins + 2) from mel(lower).
class MelWeightMatrix final : public OpKernel {
 public:
  explicit MelWeightMatrix(const OpKernelInfo& info) : OpKernel(info) { output_type_ = ParseOutputType(info); }

  void Compute(OpKernelContext& ctx) const override {
    const int64_t mel_bins = ReadScalarInt(ctx.RequiredInput(0), "num_mel_bins");
    const int64_t dft_length = ReadScalarInt(ctx.RequiredInput(1), "dft_length");
    const int64_t sample_rate = ReadScalarInt(ctx.RequiredInput(2), "sample_rate");
    const double lower_hz = ReadScalarFloat(ctx.RequiredInput(3), "lower_edge_hertz");
    const double upper_hz = ReadScalarFloat(ctx.RequiredInput(4), "upper_edge_hertz");
    ORTLITE_CHECK_ARG(mel_bins >= 0, "num_mel_bins must not be negative, got ", mel_bins);
    ORTLITE_CHECK_ARG(dft_length >= 1, "dft_length must be positive, got ", dft_length);
    ORTLITE_CHECK_ARG(sample_rate >= 1, "sample_rate must be positive, got ", sample_rate);
    ORTLITE_CHECK_ARG(lower_hz >= 0 && upper_hz >= lower_hz && std::isfinite(upper_hz), "need 0 <= lower_edge_hertz <= upper_edge_hertz, got ",
                      lower_hz, " and ", upper_hz);
    const int64_t spectrogram_bins = dft_length / 2 + 1;

    auto to_mel = [](double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); };
    const double lower_mel = to_mel(lower_hz);
    const double mel_step = (to_mel(upper_hz) - lower_mel) / static_cast<double>(mel_bins + 2);
    std::vector<int64_t> edges(static_cast<size_t>(mel_bins + 2));
    for (int64_t i = 0; i < mel_bins + 2; ++i) {
      const double hz = 700.0 * (std::pow(10.0, (static_cast<double>(i) * mel_step + lower_mel) / 2595.0) - 1.0);
      const double bin = std::floor(static_cast<double>(dft_length + 1) * hz / static_cast<double>(sample_rate));
      edges[i] = static_cast<int64_t>(std::min(bin, 9.0e15));  // keeps the conversion defined
    }

    std::vector<double> values(static_cast<size_t>(spectrogram_bins * mel_bins), 0.0);
    // Edges above the last spectrogram bin (upper_edge_hertz past the Nyquist frequency) lose
    // the part of their triangle that falls outside the matrix.
    const int64_t last_row = spectrogram_bins - 1;
    for (int64_t i = 0; i < mel_bins; ++i) {
      const int64_t left = edges[i], center = edges[i + 1], right = edges[i + 2];
      double* band = values.data() + i;
      if (center == left) {
        if (center <= last_row) band[center * mel_bins] = 1.0;
      } else {
        for (int64_t j = left; j <= std::min(center, last_row); ++j)
          band[j * mel_bins] = static_cast<double>(j - left) / static_cast<double>(center - left);
      }
      for (int64_t j = center; j < std::min(right, last_row + 1); ++j)
        band[j * mel_bins] = static_cast<double>(right - j) / static_cast<double>(right - center);
    }
    WriteOutput(ctx, output_type_, TensorShape({spectrogram_bins, mel_bins}), values);
  }

 private:
  DataType output_type_;
};

}  // namespace

ONNX_CPU_KERNEL(HannWindow, 17, HannWindow, KernelDefBuilder())
ONNX_CPU_KERNEL(HammingWindow, 17, HammingWindow, KernelDefBuilder())
ONNX_CPU_KERNEL(BlackmanWindow, 17, BlackmanWindow, KernelDefBuilder())
ONNX_CPU_KERNEL(MelWeightMatrix, 17, MelWeightMatrix, KernelDefBuilder())

}  // namespace ortlite
