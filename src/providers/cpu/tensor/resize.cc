// Resize (opsets 10, 11, 13) and Upsample (opsets 1, 7, 9, 10).
//
// Every output coordinate along each axis maps to a coordinate in the input (the
// coordinate_transformation_mode), which selects a few input positions with weights: one for
// nearest, two for linear, four for cubic. These per-axis tables are built once per run; nearest
// is then a gather over all axes at once (any element type), while linear and cubic run as
// separable one-axis passes in a float accumulator (N-linear and N-cubic interpolation factor
// into such passes exactly). tf_crop_and_resize writes extrapolation_value wherever any axis maps
// outside the input.
//
// Upsample and Resize-10 predate the coordinate modes: they behave as "asymmetric", and nearest
// picks floor(x) when enlarging and ceil(x) when shrinking (as ONNX's opset-10 Resize examples
// expect).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <type_traits>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

enum class InterpMode { kNearest, kLinear, kCubic };
enum class CoordMode { kHalfPixel, kPytorchHalfPixel, kAlignCorners, kAsymmetric, kTfHalfPixelForNN, kTfCropAndResize };
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil, kLegacy };

struct ResizeOptions {
  InterpMode mode = InterpMode::kNearest;
  CoordMode coord = CoordMode::kHalfPixel;
  NearestMode nearest = NearestMode::kRoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  float extrapolation_value = 0.0f;
};

InterpMode ParseMode(const std::string& s) {
  if (s == "nearest") return InterpMode::kNearest;
  if (s == "linear" || s == "bilinear" || s == "trilinear") return InterpMode::kLinear;
  if (s == "cubic" || s == "bicubic") return InterpMode::kCubic;
  ThrowError(ErrorCode::kInvalidArgument, "unknown resize mode '", s, "'");
}

CoordMode ParseCoordMode(const std::string& s) {
  if (s == "half_pixel") return CoordMode::kHalfPixel;
  if (s == "pytorch_half_pixel") return CoordMode::kPytorchHalfPixel;
  if (s == "align_corners") return CoordMode::kAlignCorners;
  if (s == "asymmetric") return CoordMode::kAsymmetric;
  if (s == "tf_half_pixel_for_nn") return CoordMode::kTfHalfPixelForNN;
  if (s == "tf_crop_and_resize") return CoordMode::kTfCropAndResize;
  ThrowError(ErrorCode::kInvalidArgument, "unknown coordinate_transformation_mode '", s, "'");
}

NearestMode ParseNearestMode(const std::string& s) {
  if (s == "round_prefer_floor") return NearestMode::kRoundPreferFloor;
  if (s == "round_prefer_ceil") return NearestMode::kRoundPreferCeil;
  if (s == "floor") return NearestMode::kFloor;
  if (s == "ceil") return NearestMode::kCeil;
  ThrowError(ErrorCode::kInvalidArgument, "unknown nearest_mode '", s, "'");
}

// One axis: `taps` (index, weight) pairs per output coordinate, indices already clamped into the
// input; `outside` marks coordinates that map beyond the input (tf_crop_and_resize only).
struct AxisTable {
  int64_t in_len = 0, out_len = 0;
  int taps = 1;
  std::vector<int64_t> index;
  std::vector<double> weight;
  std::vector<uint8_t> outside;
  bool any_outside = false;
  bool identity = false;
};

struct AxisSpec {
  int64_t in_len, out_len;
  double scale;           // out/in as given (scales) or derived (sizes)
  double length_resized;  // the resized length the coordinate formulas use
  double roi_start, roi_end;
};

double OriginalCoordinate(CoordMode mode, int64_t x, const AxisSpec& a) {
  const double xr = static_cast<double>(x);
  const double in_last = static_cast<double>(a.in_len - 1);
  switch (mode) {
    case CoordMode::kHalfPixel:
      return (xr + 0.5) / a.scale - 0.5;
    case CoordMode::kPytorchHalfPixel:
      return a.length_resized > 1 ? (xr + 0.5) / a.scale - 0.5 : 0.0;
    case CoordMode::kAlignCorners:
      return a.length_resized == 1 ? 0.0 : xr * in_last / (a.length_resized - 1);
    case CoordMode::kAsymmetric:
      return xr / a.scale;
    case CoordMode::kTfHalfPixelForNN:
      return (xr + 0.5) / a.scale;
    case CoordMode::kTfCropAndResize:
      return a.length_resized > 1
                 ? a.roi_start * in_last + xr * (a.roi_end - a.roi_start) * in_last / (a.length_resized - 1)
                 : 0.5 * (a.roi_start + a.roi_end) * in_last;
  }
  return 0.0;
}

int64_t NearestIndex(NearestMode mode, double x, double scale) {
  const double fl = std::floor(x);
  const double frac = x - fl;
  switch (mode) {
    case NearestMode::kRoundPreferFloor:
      return static_cast<int64_t>(frac <= 0.5 ? fl : fl + 1);
    case NearestMode::kRoundPreferCeil:
      return static_cast<int64_t>(frac < 0.5 ? fl : fl + 1);
    case NearestMode::kFloor:
      return static_cast<int64_t>(fl);
    case NearestMode::kCeil:
      return static_cast<int64_t>(std::ceil(x));
    case NearestMode::kLegacy:
      return static_cast<int64_t>(scale < 1 ? std::ceil(x) : fl);
  }
  return 0;
}

void CubicCoefficients(double r, double a, double* c) {
  const double s = 1 - r;
  c[0] = ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a;
  c[1] = ((a + 2) * r - (a + 3)) * r * r + 1;
  c[2] = ((a + 2) * s - (a + 3)) * s * s + 1;
  c[3] = ((a * (s + 1) - 5 * a) * (s + 1) + 8 * a) * (s + 1) - 4 * a;
}

AxisTable BuildAxisTable(const ResizeOptions& opt, const AxisSpec& spec) {
  AxisTable t;
  t.in_len = spec.in_len;
  t.out_len = spec.out_len;
  t.taps = opt.mode == InterpMode::kNearest ? 1 : opt.mode == InterpMode::kLinear ? 2 : 4;
  const size_t n = static_cast<size_t>(t.out_len);
  t.index.resize(n * t.taps);
  t.weight.resize(n * t.taps);
  t.outside.assign(n, 0);
  const int64_t last = t.in_len - 1;
  const auto clamp = [last](int64_t i) { return std::min(std::max(i, int64_t{0}), last); };
  t.identity = t.in_len == t.out_len;
  for (int64_t o = 0; o < t.out_len; ++o) {
    const double x = OriginalCoordinate(opt.coord, o, spec);
    if (opt.coord == CoordMode::kTfCropAndResize && (x < 0 || x > static_cast<double>(last))) {
      t.outside[o] = 1;
      t.any_outside = true;
    }
    int64_t* idx = &t.index[o * t.taps];
    double* w = &t.weight[o * t.taps];
    if (opt.mode == InterpMode::kNearest) {
      idx[0] = clamp(NearestIndex(opt.nearest, x, spec.scale));
      w[0] = 1.0;
    } else {
      const double fl = std::floor(x);
      const double r = x - fl;
      const int64_t base = static_cast<int64_t>(fl);
      if (opt.mode == InterpMode::kLinear) {
        idx[0] = base;
        idx[1] = base + 1;
        w[0] = 1 - r;
        w[1] = r;
      } else {
        CubicCoefficients(r, opt.cubic_a, w);
        for (int k = 0; k < 4; ++k) idx[k] = base - 1 + k;
        if (opt.exclude_outside) {
          double sum = 0;
          for (int k = 0; k < 4; ++k) {
            if (idx[k] < 0 || idx[k] > last) w[k] = 0;
            sum += w[k];
          }
          if (sum != 0) {
            for (int k = 0; k < 4; ++k) w[k] /= sum;
          }
        }
      }
      for (int k = 0; k < t.taps; ++k) idx[k] = clamp(idx[k]);
    }
    if (t.identity) {  // all weight on input position o (clamping may repeat an index)
      double on_o = 0;
      for (int k = 0; k < t.taps; ++k) {
        if (idx[k] == o) {
          on_o += w[k];
        } else if (w[k] != 0.0) {
          t.identity = false;
        }
      }
      if (on_o != 1.0) t.identity = false;
    }
  }
  if (t.any_outside) t.identity = false;
  return t;
}

// Calls fn(row, out_row_offset, in_row_offset, row_outside) for every output row (all dims but
// the last) in [begin, end), walking the tables of the leading axes.
template <typename Fn>
void ForEachOutputRow(const std::vector<AxisTable>& tables, const std::vector<int64_t>& in_strides, int64_t begin,
                      int64_t end, Fn&& fn) {
  const size_t lead = tables.size() - 1;
  std::vector<int64_t> counter(lead, 0);
  int64_t rem = begin;
  for (size_t d = lead; d-- > 0;) {
    counter[d] = rem % tables[d].out_len;
    rem /= tables[d].out_len;
  }
  const int64_t row_len = tables[lead].out_len;
  for (int64_t row = begin; row < end; ++row) {
    int64_t in_off = 0;
    bool outside = false;
    for (size_t d = 0; d < lead; ++d) {
      in_off += tables[d].index[counter[d]] * in_strides[d];
      outside = outside || tables[d].outside[counter[d]];
    }
    fn(row * row_len, in_off, outside);
    for (size_t d = lead; d-- > 0;) {
      if (++counter[d] < tables[d].out_len) break;
      counter[d] = 0;
    }
  }
}

std::vector<int64_t> RowMajorStrides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size());
  int64_t st = 1;
  for (size_t d = dims.size(); d-- > 0;) {
    s[d] = st;
    st *= dims[d];
  }
  return s;
}

template <typename T>
T ExtrapolationAs(float v) {
  if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
    return FromCompute<T>(v);
  } else {
    return T();
  }
}

template <typename T>
void ResizeNearest(const T* x, T* y, const std::vector<AxisTable>& tables, const std::vector<int64_t>& in_dims,
                   float extrapolation, ThreadPool* pool) {
  const std::vector<int64_t> in_strides = RowMajorStrides(in_dims);
  const AxisTable& last = tables.back();
  int64_t rows = 1;
  for (size_t d = 0; d + 1 < tables.size(); ++d) rows *= tables[d].out_len;
  const T fill = ExtrapolationAs<T>(extrapolation);
  const int64_t* col = last.index.data();
  const uint8_t* col_out = last.outside.data();
  const int64_t row_len = last.out_len;
  const bool any_col_outside = last.any_outside;
  ThreadPool::TryParallelFor(pool, rows, static_cast<double>(row_len), [&](int64_t begin, int64_t end) {
    ForEachOutputRow(tables, in_strides, begin, end, [&](int64_t out_off, int64_t in_off, bool row_outside) {
      T* dst = y + out_off;
      const T* src = x + in_off;
      const int64_t len = row_len;  // a local bound: stores to dst cannot alias it
      if (row_outside) {
        std::fill(dst, dst + len, fill);
        return;
      }
      for (int64_t j = 0; j < len; ++j) dst[j] = src[col[j]];
      if (any_col_outside) {
        for (int64_t j = 0; j < len; ++j) {
          if (col_out[j]) dst[j] = fill;
        }
      }
    });
  });
}

// Output positions [begin, end) of one separable pass along an axis: src is [outer, in_len,
// inner], dst is [outer, out_len, inner]; position u is (o, j) = (u / out_len, u % out_len).
template <int kTaps, typename A>
void InterpolateRange(const A* src, A* dst, int64_t in_len, int64_t out_len, int64_t inner, const int64_t* index,
                      const A* weight, int64_t begin, int64_t end) {
  int64_t o = begin / out_len, j = begin % out_len;
  const A* s = src + o * in_len * inner;
  if (inner == 1) {  // along the innermost axis: a gather per output, row by row
    for (int64_t u = begin; u < end;) {
      const int64_t stop = std::min(end - u, out_len - j);
      const int64_t* ix = index + j * kTaps;
      const A* w = weight + j * kTaps;
      A* d = dst + u;
      for (int64_t q = 0; q < stop; ++q, ix += kTaps, w += kTaps) {
        A acc = w[0] * s[ix[0]];
        for (int k = 1; k < kTaps; ++k) acc += w[k] * s[ix[k]];
        d[q] = acc;
      }
      u += stop;
      j = 0;
      s += in_len;
    }
    return;
  }
  for (int64_t u = begin; u < end; ++u) {
    const int64_t* ix = index + j * kTaps;
    const A* w = weight + j * kTaps;
    A* d = dst + u * inner;
    if constexpr (kTaps == 2) {
      const A* s0 = s + ix[0] * inner;
      const A* s1 = s + ix[1] * inner;
      const A w0 = w[0], w1 = w[1];
      for (int64_t i = 0; i < inner; ++i) d[i] = w0 * s0[i] + w1 * s1[i];
    } else {
      const A* s0 = s + ix[0] * inner;
      const A* s1 = s + ix[1] * inner;
      const A* s2 = s + ix[2] * inner;
      const A* s3 = s + ix[3] * inner;
      const A w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3];
      for (int64_t i = 0; i < inner; ++i) d[i] = w0 * s0[i] + w1 * s1[i] + w2 * s2[i] + w3 * s3[i];
    }
    if (++j == out_len) {
      j = 0;
      s += in_len * inner;
    }
  }
}

template <typename A>
void InterpolateAxis(const A* src, A* dst, int64_t outer, int64_t inner, const AxisTable& t, ThreadPool* pool) {
  std::vector<A> weights(t.weight.begin(), t.weight.end());
  const int64_t* index = t.index.data();
  const A* wt = weights.data();
  const int64_t in_len = t.in_len, out_len = t.out_len;
  const int taps = t.taps;
  ThreadPool::TryParallelFor(pool, outer * out_len, static_cast<double>(taps * inner) * 2.0, [&](int64_t b, int64_t e) {
    if (taps == 2) {
      InterpolateRange<2>(src, dst, in_len, out_len, inner, index, wt, b, e);
    } else {
      InterpolateRange<4>(src, dst, in_len, out_len, inner, index, wt, b, e);
    }
  });
}

template <typename T, typename A>
T StoreInterpolated(A v) {
  if constexpr (std::is_integral_v<T>) {
    // Integer images round to nearest and saturate rather than wrap.
    const A r = std::nearbyint(v);
    if (!(r > static_cast<A>(std::numeric_limits<T>::lowest()))) return std::numeric_limits<T>::lowest();
    if (!(r < static_cast<A>(std::numeric_limits<T>::max()))) return std::numeric_limits<T>::max();
    return static_cast<T>(r);
  } else {
    return FromCompute<T>(v);
  }
}

// Runs the separable passes over one block of the input (`dims`, resized along `order`),
// keeping its scratch buffers between calls.
template <typename T>
class SeparableResampler {
 public:
  using A = std::conditional_t<std::is_same_v<T, double>, double, float>;

  void Run(const T* x, T* y, const std::vector<const AxisTable*>& tables, std::vector<int64_t> dims,
           const std::vector<size_t>& order, ThreadPool* pool) {
    constexpr bool kDirect = std::is_same_v<T, A>;
    const A* cur;
    if constexpr (kDirect) {
      cur = x;
    } else {
      const int64_t in_size = Product(dims);
      converted_.resize(static_cast<size_t>(in_size));
      for (int64_t i = 0; i < in_size; ++i) converted_[i] = static_cast<A>(ToCompute(x[i]));
      cur = converted_.data();
    }
    for (size_t step = 0; step < order.size(); ++step) {
      const size_t axis = order[step];
      const AxisTable& t = *tables[axis];
      int64_t outer = 1, inner = 1;
      for (size_t d = 0; d < axis; ++d) outer *= dims[d];
      for (size_t d = axis + 1; d < dims.size(); ++d) inner *= dims[d];
      A* dst;
      if (kDirect && step + 1 == order.size()) {
        dst = reinterpret_cast<A*>(y);
      } else {
        std::vector<A>& buf = (step % 2 == 0) ? buf_a_ : buf_b_;
        buf.resize(static_cast<size_t>(outer * t.out_len * inner));
        dst = buf.data();
      }
      InterpolateAxis(cur, dst, outer, inner, t, pool);
      cur = dst;
      dims[axis] = t.out_len;
    }
    if (!kDirect || order.empty()) {
      const int64_t out_size = Product(dims);
      for (int64_t i = 0; i < out_size; ++i) y[i] = StoreInterpolated<T>(cur[i]);
    }
  }

 private:
  static int64_t Product(const std::vector<int64_t>& d) {
    return std::accumulate(d.begin(), d.end(), int64_t{1}, std::multiplies<int64_t>());
  }
  std::vector<A> converted_, buf_a_, buf_b_;
};

template <typename T>
void ResizeInterpolate(const T* x, T* y, const std::vector<AxisTable>& tables, const std::vector<int64_t>& in_dims,
                       float extrapolation, ThreadPool* pool) {
  // Leading axes that are not resized split the work into independent blocks (N and C of NCHW):
  // each block runs all passes with small, cache-resident scratch buffers.
  size_t lead = 0;
  while (lead < tables.size() && tables[lead].identity) ++lead;
  int64_t blocks = 1;
  for (size_t d = 0; d < lead; ++d) blocks *= in_dims[d];
  std::vector<const AxisTable*> block_tables;
  for (size_t d = lead; d < tables.size(); ++d) block_tables.push_back(&tables[d]);
  const std::vector<int64_t> block_dims(in_dims.begin() + lead, in_dims.end());
  int64_t block_in = 1, block_out = 1;
  for (const AxisTable* t : block_tables) {
    block_in *= t->in_len;
    block_out *= t->out_len;
  }

  // Shrinking axes first keeps the intermediate buffers small; among equal ratios the innermost
  // axis goes first, since its pass (a gather per element) is the costlier one.
  std::vector<size_t> order;
  for (size_t d = block_tables.size(); d-- > 0;) {
    if (!block_tables[d]->identity) order.push_back(d);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return block_tables[a]->out_len * block_tables[b]->in_len < block_tables[b]->out_len * block_tables[a]->in_len;
  });

  if (blocks >= 2 * ThreadPool::DegreeOfParallelism(pool)) {
    const double cost = static_cast<double>(block_out) * 4.0 * static_cast<double>(std::max<size_t>(order.size(), 1));
    ThreadPool::TryParallelFor(pool, blocks, cost, [&](int64_t b, int64_t e) {
      SeparableResampler<T> resampler;
      for (int64_t i = b; i < e; ++i) {
        resampler.Run(x + i * block_in, y + i * block_out, block_tables, block_dims, order, nullptr);
      }
    });
  } else {
    SeparableResampler<T> resampler;
    for (int64_t i = 0; i < blocks; ++i) {
      resampler.Run(x + i * block_in, y + i * block_out, block_tables, block_dims, order, pool);
    }
  }

  bool any_outside = false;
  for (const auto& t : tables) any_outside = any_outside || t.any_outside;
  if (!any_outside) return;
  const T fill = FromCompute<T>(extrapolation);
  const AxisTable& last = tables.back();
  const int64_t out_size = blocks * block_out;
  std::vector<int64_t> in_strides = RowMajorStrides(in_dims);
  ForEachOutputRow(tables, in_strides, 0, out_size / std::max<int64_t>(last.out_len, 1),
                   [&](int64_t out_off, int64_t, bool row_outside) {
                     for (int64_t j = 0; j < last.out_len; ++j) {
                       if (row_outside || last.outside[j]) y[out_off + j] = fill;
                     }
                   });
}

std::vector<double> ReadFloats(const Tensor& t, const char* what) {
  std::vector<double> out(static_cast<size_t>(t.NumElements()));
  VisitType<FloatTypes>(
      t.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        const T* p = t.Data<T>();
        for (size_t i = 0; i < out.size(); ++i) out[i] = static_cast<double>(ToCompute(p[i]));
      },
      what);
  return out;
}

// Shared by Resize and Upsample once the scales or sizes are known.
class ResizeBase : public OpKernel {
 protected:
  explicit ResizeBase(const OpKernelInfo& info) : OpKernel(info) {}

  // `scales` or `sizes` (exactly one non-empty), roi (2*rank values, may be empty).
  void Run(OpKernelContext& ctx, const Tensor& x, const std::vector<double>& scales,
           const std::vector<int64_t>& sizes, const std::vector<double>& roi) const {
    const std::vector<int64_t>& in_dims = x.Shape().GetDims();
    const size_t rank = in_dims.size();
    const bool crop = options_.coord == CoordMode::kTfCropAndResize;
    if (!roi.empty()) {
      ORTLITE_CHECK_ARG(roi.size() == 2 * rank, "roi must hold 2 * rank = ", 2 * rank, " values, got ", roi.size());
    }
    std::vector<AxisSpec> specs(rank);
    std::vector<int64_t> out_dims(rank);
    for (size_t d = 0; d < rank; ++d) {
      AxisSpec& a = specs[d];
      a.in_len = in_dims[d];
      a.roi_start = roi.empty() ? 0.0 : roi[d];
      a.roi_end = roi.empty() ? 1.0 : roi[d + rank];
      const double extent = crop ? a.roi_end - a.roi_start : 1.0;
      if (!sizes.empty()) {
        ORTLITE_CHECK_ARG(sizes[d] >= 0, "Resize sizes must be non-negative, got ", sizes[d]);
        a.out_len = sizes[d];
        a.scale = a.in_len == 0 ? 1.0 : static_cast<double>(a.out_len) / static_cast<double>(a.in_len);
        a.length_resized = static_cast<double>(a.out_len);
      } else {
        ORTLITE_CHECK_ARG(scales[d] > 0, "resize scales must be positive, got ", scales[d]);
        a.scale = scales[d];
        a.length_resized = static_cast<double>(a.in_len) * extent * a.scale;
        // Scales arrive as float32, so in * scale can land a hair below the integer it stands
        // for (0.7f * 10 = 6.9999999); the tolerance keeps such products at that integer.
        a.out_len = static_cast<int64_t>(std::floor(a.length_resized + 1e-4));
      }
      ORTLITE_CHECK_ARG(a.in_len > 0 || a.out_len == 0, "cannot resize dimension ", d, " of size 0 to ",
                        a.out_len);
      out_dims[d] = a.out_len;
    }

    Tensor* y = ctx.Output(0, TensorShape(out_dims), x.GetElementType());
    if (y->NumElements() == 0) return;
    if (rank == 0) {
      CopyTensorData(x, *y);
      return;
    }
    std::vector<AxisTable> tables(rank);
    for (size_t d = 0; d < rank; ++d) tables[d] = BuildAxisTable(options_, specs[d]);

    if (options_.mode == InterpMode::kNearest) {
      VisitType<AllTensorTypes>(
          x.GetElementType(),
          [&](auto tag) {
            using T = typename decltype(tag)::type;
            ResizeNearest(x.Data<T>(), y->MutableData<T>(), tables, in_dims, options_.extrapolation_value,
                          ctx.GetThreadPool());
          },
          node().OpType().c_str());
    } else {
      VisitType<AllNumericTypes>(
          x.GetElementType(),
          [&](auto tag) {
            using T = typename decltype(tag)::type;
            ResizeInterpolate(x.Data<T>(), y->MutableData<T>(), tables, in_dims, options_.extrapolation_value,
                              ctx.GetThreadPool());
          },
          "linear and cubic resize");
    }
  }

  ResizeOptions options_;
};

class ResizeKernel final : public ResizeBase {
 public:
  explicit ResizeKernel(const OpKernelInfo& info) : ResizeBase(info), opset10_(info.SinceVersion() < 11) {
    options_.mode = ParseMode(info.GetAttrOrDefault<std::string>("mode", "nearest"));
    ORTLITE_CHECK_ARG(!opset10_ || options_.mode != InterpMode::kCubic, "Resize-10 has no cubic mode");
    if (opset10_) {
      options_.coord = CoordMode::kAsymmetric;
      options_.nearest = NearestMode::kLegacy;
      return;
    }
    options_.coord = ParseCoordMode(info.GetAttrOrDefault<std::string>("coordinate_transformation_mode", "half_pixel"));
    options_.nearest = ParseNearestMode(info.GetAttrOrDefault<std::string>("nearest_mode", "round_prefer_floor"));
    options_.cubic_a = info.GetAttrOrDefault<float>("cubic_coeff_a", -0.75f);
    options_.exclude_outside = info.GetAttrOrDefault<int64_t>("exclude_outside", 0) != 0;
    options_.extrapolation_value = info.GetAttrOrDefault<float>("extrapolation_value", 0.0f);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const size_t rank = x.Shape().NumDimensions();
    std::vector<double> scales, roi;
    std::vector<int64_t> sizes;
    const int scales_index = opset10_ ? 1 : 2;
    if (const Tensor* s = ctx.Input(scales_index)) scales = ReadFloats(*s, "Resize scales");
    if (!opset10_) {
      if (const Tensor* r = ctx.Input(1); r && options_.coord == CoordMode::kTfCropAndResize) {
        roi = ReadFloats(*r, "Resize roi");
      }
      if (const Tensor* s = ctx.Input(3)) {
        ORTLITE_CHECK_ARG(s->GetElementType() == DataType::kInt64, "Resize sizes must be int64");
        sizes.assign(s->Data<int64_t>(), s->Data<int64_t>() + s->NumElements());
      }
    }
    ORTLITE_CHECK_ARG(scales.empty() || sizes.empty(), "Resize takes scales or sizes, not both");
    ORTLITE_CHECK_ARG(!scales.empty() || !sizes.empty(), "Resize needs scales or sizes");
    ORTLITE_CHECK_ARG(scales.empty() || scales.size() == rank, "Resize scales must hold one value per input dim (",
                      rank, "), got ", scales.size());
    ORTLITE_CHECK_ARG(sizes.empty() || sizes.size() == rank, "Resize sizes must hold one value per input dim (",
                      rank, "), got ", sizes.size());
    Run(ctx, x, scales, sizes, roi);
  }

 private:
  bool opset10_;
};

// Upsample-1 scales H and W of an NCHW tensor by attributes, 7 takes a `scales` attribute, 9 an
// input.
class UpsampleKernel final : public ResizeBase {
 public:
  explicit UpsampleKernel(const OpKernelInfo& info) : ResizeBase(info) {
    options_.mode = ParseMode(info.GetAttrOrDefault<std::string>("mode", "nearest"));
    ORTLITE_CHECK_ARG(options_.mode != InterpMode::kCubic, "Upsample has no cubic mode");
    options_.coord = CoordMode::kAsymmetric;
    options_.nearest = NearestMode::kLegacy;
    const int version = info.SinceVersion();
    if (version < 7) {
      height_width_ = true;
      height_scale_ = info.GetAttr<float>("height_scale");
      width_scale_ = info.GetAttr<float>("width_scale");
    } else if (version < 9) {
      for (float s : info.GetAttr<std::vector<float>>("scales")) attr_scales_.push_back(s);
    } else {
      scales_from_input_ = true;
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const size_t rank = x.Shape().NumDimensions();
    std::vector<double> scales = attr_scales_;
    if (height_width_) {
      ORTLITE_CHECK_ARG(rank == 4, "Upsample-1 needs a 4-D input, got rank ", rank);
      scales = {1.0, 1.0, height_scale_, width_scale_};
    } else if (scales_from_input_) {
      scales = ReadFloats(ctx.RequiredInput(1), "Upsample scales");
    }
    ORTLITE_CHECK_ARG(scales.size() == rank, "Upsample scales must hold one value per input dim (", rank, "), got ",
                      scales.size());
    Run(ctx, x, scales, {}, {});
  }

 private:
  bool height_width_ = false;
  bool scales_from_input_ = false;
  double height_scale_ = 1.0, width_scale_ = 1.0;
  std::vector<double> attr_scales_;
};

ONNX_CPU_VERSIONED_KERNEL(Resize, 10, 17, ResizeKernel, KernelDefBuilder().HostInput(1).HostInput(2).HostInput(3))
ONNX_CPU_KERNEL(Upsample, 1, UpsampleKernel, KernelDefBuilder().HostInput(1))

}  // namespace
}  // namespace ortlite
