// DFT and STFT (opset 17).
//
// Signals are stored as [..., 1] (real) or [..., 2] (complex: real, imaginary); the output is
// always complex. Transforms run in double whatever the element type: exact zeros of the
// mathematical result (e.g. the imaginary part of a real signal's DC bin) then stay within the
// absolute tolerance a float comparison expects, which a float FFT of any length would not.
//
// Lengths that are powers of two use an iterative radix-2 FFT; short other lengths a direct DFT
// with an exact twiddle table; long other lengths Bluestein's chirp-z algorithm, which rewrites
// the DFT as a convolution computed with power-of-two FFTs.
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

using Complex = std::complex<double>;
constexpr double kPi = 3.14159265358979323846;
// Non-power-of-two lengths up to this use the O(n^2) DFT; it beats Bluestein's three FFTs of
// at least twice the length there.
constexpr int64_t kDirectDftMaxLength = 64;

bool IsPowerOfTwo(int64_t n) { return n > 0 && (n & (n - 1)) == 0; }

Complex UnitRoot(double angle) { return Complex(std::cos(angle), std::sin(angle)); }

// A transform of one fixed length and direction, reusable across all lines of a tensor.
class FftPlan {
 public:
  FftPlan(int64_t n, bool inverse) : n_(n), inverse_(inverse) {
    if (n <= 1) {
      method_ = Method::kTrivial;
    } else if (IsPowerOfTwo(n)) {
      method_ = Method::kRadix2;
      InitRadix2(n);
    } else if (n <= kDirectDftMaxLength) {
      method_ = Method::kDirect;
      const double sign = inverse ? 1.0 : -1.0;
      table_.resize(static_cast<size_t>(n));
      for (int64_t k = 0; k < n; ++k) table_[k] = UnitRoot(sign * 2.0 * kPi * static_cast<double>(k) / n);
    } else {
      method_ = Method::kBluestein;
      InitBluestein();
    }
  }

  // Complex values of scratch space Transform() needs.
  size_t WorkSize() const {
    switch (method_) {
      case Method::kDirect: return static_cast<size_t>(n_);
      case Method::kBluestein: return static_cast<size_t>(m_);
      default: return 0;
    }
  }

  // Transforms the n values of `data` in place; the inverse includes the 1/n scaling.
  void Transform(Complex* data, Complex* work) const {
    switch (method_) {
      case Method::kTrivial: break;
      case Method::kRadix2: Radix2(data, inverse_); break;
      case Method::kDirect: Direct(data, work); break;
      case Method::kBluestein: Bluestein(data, work); break;
    }
    if (inverse_ && n_ > 1) {
      const double scale = 1.0 / static_cast<double>(n_);
      for (int64_t i = 0; i < n_; ++i) data[i] *= scale;
    }
  }

 private:
  enum class Method { kTrivial, kRadix2, kDirect, kBluestein };

  void InitRadix2(int64_t m) {
    m_ = m;
    twiddles_.resize(static_cast<size_t>(m / 2));
    for (int64_t k = 0; k < m / 2; ++k) twiddles_[k] = UnitRoot(-2.0 * kPi * static_cast<double>(k) / m);
  }

  // Unnormalised radix-2 transform of m_ values (forward twiddles, conjugated for the inverse).
  void Radix2(Complex* a, bool inverse) const {
    const int64_t m = m_;
    for (int64_t i = 1, j = 0; i < m; ++i) {
      int64_t bit = m >> 1;
      for (; j & bit; bit >>= 1) j ^= bit;
      j |= bit;
      if (i < j) std::swap(a[i], a[j]);
    }
    for (int64_t len = 2; len <= m; len <<= 1) {
      const int64_t half = len >> 1;
      const int64_t stride = m / len;
      for (int64_t start = 0; start < m; start += len) {
        for (int64_t k = 0; k < half; ++k) {
          const Complex w = inverse ? std::conj(twiddles_[k * stride]) : twiddles_[k * stride];
          const Complex u = a[start + k];
          const Complex v = a[start + k + half] * w;
          a[start + k] = u + v;
          a[start + k + half] = u - v;
        }
      }
    }
  }

  void Direct(Complex* data, Complex* out) const {
    for (int64_t k = 0; k < n_; ++k) {
      Complex sum = 0;
      int64_t index = 0;  // (j * k) mod n, kept exact so the table lookup needs no trigonometry
      for (int64_t j = 0; j < n_; ++j) {
        sum += data[j] * table_[index];
        index += k;
        if (index >= n_) index -= n_;
      }
      out[k] = sum;
    }
    std::copy(out, out + n_, data);
  }

  // X_k = c_k * sum_j (x_j c_j) conj(c_{k-j}) with the chirp c_j = exp(-i pi j^2 / n), since
  // jk = (j^2 + k^2 - (k-j)^2) / 2. The sum is a linear convolution, done as a circular one of
  // power-of-two length m >= 2n - 1.
  void InitBluestein() {
    int64_t m = 1;
    while (m < 2 * n_ - 1) m <<= 1;
    InitRadix2(m);
    const double sign = inverse_ ? 1.0 : -1.0;
    chirp_.resize(static_cast<size_t>(n_));
    // j^2 mod 2n, updated as (j+1)^2 = j^2 + 2j + 1, keeps the angle small and exact for large j.
    const int64_t period = 2 * n_;
    int64_t square = 0;
    for (int64_t j = 0; j < n_; ++j) {
      chirp_[j] = UnitRoot(sign * kPi * static_cast<double>(square) / n_);
      square = (square + 2 * j + 1) % period;
    }
    filter_.assign(static_cast<size_t>(m), Complex(0));
    filter_[0] = std::conj(chirp_[0]);
    for (int64_t j = 1; j < n_; ++j) filter_[j] = filter_[m - j] = std::conj(chirp_[j]);
    Radix2(filter_.data(), false);
  }

  void Bluestein(Complex* data, Complex* work) const {
    for (int64_t j = 0; j < n_; ++j) work[j] = data[j] * chirp_[j];
    std::fill(work + n_, work + m_, Complex(0));
    Radix2(work, false);
    for (int64_t i = 0; i < m_; ++i) work[i] *= filter_[i];
    Radix2(work, true);
    const double scale = 1.0 / static_cast<double>(m_);
    for (int64_t k = 0; k < n_; ++k) data[k] = work[k] * chirp_[k] * scale;
  }

  int64_t n_;
  bool inverse_;
  Method method_ = Method::kTrivial;
  int64_t m_ = 0;                 // radix-2 length (n, or Bluestein's padded length)
  std::vector<Complex> twiddles_;  // exp(-2 pi i k / m), k < m/2
  std::vector<Complex> table_;     // direct DFT: exp(-+2 pi i k / n), k < n
  std::vector<Complex> chirp_;     // Bluestein chirp c_j
  std::vector<Complex> filter_;    // Bluestein: radix-2 transform of the conjugate chirp
};

using SignalTypes = TypeList<float, double, MLFloat16, BFloat16>;

int64_t ReadScalarInt(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must be a scalar, got shape ", t.Shape().ToString());
  int64_t v = 0;
  VisitType<TypeList<int32_t, int64_t>>(t.GetElementType(), [&](auto tag) {
    using I = typename decltype(tag)::type;
    v = static_cast<int64_t>(t.Data<I>()[0]);
  }, what);
  return v;
}

// Scratch for transforming one line after another on one thread.
struct LineBuffers {
  explicit LineBuffers(const FftPlan& plan, int64_t n) : line(static_cast<size_t>(n)), work(plan.WorkSize()) {}
  std::vector<Complex> line;
  std::vector<Complex> work;
};

// Transforms one line: `used` input values `src_stride` elements apart (each of `components`
// values), times `window` if given, zero-padded to the plan's length; writes the first
// `out_length` complex results `dst_stride` elements apart.
template <typename T>
void TransformLine(const FftPlan& plan, LineBuffers& buf, const T* src, int64_t src_stride, int64_t used,
                   int64_t components, const T* window, T* dst, int64_t dst_stride, int64_t out_length) {
  for (int64_t j = 0; j < used; ++j) {
    const T* p = src + j * src_stride;
    const double re = static_cast<double>(ToCompute(p[0]));
    const double im = components == 2 ? static_cast<double>(ToCompute(p[1])) : 0.0;
    const double w = window ? static_cast<double>(ToCompute(window[j])) : 1.0;
    buf.line[j] = Complex(re * w, im * w);
  }
  std::fill(buf.line.begin() + used, buf.line.end(), Complex(0));
  plan.Transform(buf.line.data(), buf.work.data());
  for (int64_t k = 0; k < out_length; ++k) {
    dst[k * dst_stride] = FromCompute<T>(buf.line[k].real());
    dst[k * dst_stride + 1] = FromCompute<T>(buf.line[k].imag());
  }
}

// Rough cycles for one transform of length n, for the parallel-for cost model.
double TransformCost(int64_t n) {
  const double log_n = std::log2(static_cast<double>(n) + 1);
  return static_cast<double>(n) * (IsPowerOfTwo(n) ? 5.0 * log_n : 20.0 * log_n + 10.0);
}

class Dft final : public OpKernel {
 public:
  explicit Dft(const OpKernelInfo& info) : OpKernel(info) {
    axis_ = info.GetAttrOrDefault<int64_t>("axis", 1);
    inverse_ = info.GetAttrOrDefault<int64_t>("inverse", 0) != 0;
    onesided_ = info.GetAttrOrDefault<int64_t>("onesided", 0) != 0;
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const TensorShape& shape = x.Shape();
    const int64_t rank = static_cast<int64_t>(shape.NumDimensions());
    ORTLITE_CHECK_ARG(rank >= 2, "DFT input must be [batch, signal dims..., 1 or 2], got ", shape.ToString());
    const int64_t components = shape[rank - 1];
    ORTLITE_CHECK_ARG(components == 1 || components == 2,
                      "DFT input's last dimension must be 1 (real) or 2 (complex), got ", shape.ToString());
    // The last dimension holds the components, so -1 does not name a signal axis.
    const int64_t axis = axis_ < 0 ? axis_ + rank : axis_;
    ORTLITE_CHECK_ARG(axis >= 0 && axis <= rank - 2, "DFT axis ", axis_, " is out of range for input ",
                      shape.ToString());
    ORTLITE_CHECK_ARG(!(onesided_ && components == 2), "DFT onesided output needs a real input");
    const int64_t length = shape[axis];
    int64_t n = length;
    if (const Tensor* len = ctx.Input(1)) {
      n = ReadScalarInt(*len, "dft_length");
      ORTLITE_CHECK_ARG(n >= 1, "dft_length must be positive, got ", n);
    }
    const int64_t out_length = onesided_ && n > 0 ? n / 2 + 1 : n;
    std::vector<int64_t> out_dims = shape.GetDims();
    out_dims[axis] = out_length;
    out_dims[rank - 1] = 2;
    Tensor* y = ctx.Output(0, TensorShape(out_dims));
    if (y->NumElements() == 0) return;
    const int64_t outer = shape.SizeToDimension(static_cast<size_t>(axis));
    const int64_t inner = shape.SizeHelper(static_cast<size_t>(axis) + 1, static_cast<size_t>(rank - 1));
    const int64_t used = std::min(length, n);
    const FftPlan plan(n, inverse_);
    VisitType<SignalTypes>(x.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = x.Data<T>();
      T* out = y->MutableData<T>();
      // Lines of the [outer, length, inner, components] view along `length`.
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), outer * inner, TransformCost(n), [&](int64_t begin, int64_t end) {
        LineBuffers buf(plan, n);
        for (int64_t l = begin; l < end; ++l) {
          const int64_t o = l / inner, i = l % inner;
          TransformLine<T>(plan, buf, in + (o * length * inner + i) * components, inner * components, used,
                           components, nullptr, out + (o * out_length * inner + i) * 2, inner * 2, out_length);
        }
      });
    }, "DFT");
  }

 private:
  int64_t axis_;
  bool inverse_;
  bool onesided_;
};

class Stft final : public OpKernel {
 public:
  explicit Stft(const OpKernelInfo& info) : OpKernel(info) {
    onesided_ = info.GetAttrOrDefault<int64_t>("onesided", 1) != 0;
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& signal = ctx.RequiredInput(0);
    const TensorShape& shape = signal.Shape();
    ORTLITE_CHECK_ARG(shape.NumDimensions() == 3 && (shape[2] == 1 || shape[2] == 2),
                      "STFT signal must be [batch, length, 1 or 2], got ", shape.ToString());
    const int64_t batch = shape[0], length = shape[1], components = shape[2];
    ORTLITE_CHECK_ARG(!(onesided_ && components == 2),
                      "STFT onesided output needs a real signal (set onesided=0 for a complex one)");
    const int64_t step = ReadScalarInt(ctx.RequiredInput(1), "frame_step");
    ORTLITE_CHECK_ARG(step >= 1, "frame_step must be positive, got ", step);
    const Tensor* window = ctx.Input(2);
    const Tensor* frame_length_input = ctx.Input(3);
    ORTLITE_CHECK_ARG(window || frame_length_input, "STFT needs a window or a frame_length");
    int64_t n = 0;
    if (window) {
      ORTLITE_CHECK_ARG(window->Shape().NumDimensions() == 1, "STFT window must be 1-D, got ",
                        window->Shape().ToString());
      ORTLITE_CHECK_ARG(window->GetElementType() == signal.GetElementType(),
                        "STFT window must have the signal's element type");
      n = window->Shape()[0];
    }
    if (frame_length_input) {
      const int64_t frame_length = ReadScalarInt(*frame_length_input, "frame_length");
      ORTLITE_CHECK_ARG(!window || frame_length == n, "frame_length ", frame_length, " differs from the window length ", n);
      n = frame_length;
    }
    ORTLITE_CHECK_ARG(n >= 1, "STFT frame length must be positive, got ", n);
    const int64_t frames = length >= n ? (length - n) / step + 1 : 0;
    const int64_t bins = onesided_ ? n / 2 + 1 : n;
    Tensor* y = ctx.Output(0, TensorShape({batch, frames, bins, 2}));
    if (y->NumElements() == 0) return;
    const FftPlan plan(n, false);
    VisitType<SignalTypes>(signal.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      const T* in = signal.Data<T>();
      const T* win = window ? window->Data<T>() : nullptr;
      T* out = y->MutableData<T>();
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), batch * frames, TransformCost(n), [&](int64_t begin, int64_t end) {
        LineBuffers buf(plan, n);
        for (int64_t l = begin; l < end; ++l) {
          const int64_t b = l / frames, f = l % frames;
          TransformLine<T>(plan, buf, in + (b * length + f * step) * components, components, n, components, win,
                           out + l * bins * 2, 2, bins);
        }
      });
    }, "STFT");
  }

 private:
  bool onesided_;
};

}  // namespace

ONNX_CPU_KERNEL(DFT, 17, Dft, KernelDefBuilder())
ONNX_CPU_KERNEL(STFT, 17, Stft, KernelDefBuilder())

}  // namespace ortlite
