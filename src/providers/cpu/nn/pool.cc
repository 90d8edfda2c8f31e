// Windowed pooling: MaxPool (1..12, with Indices, dilations, ceil_mode, storage_order, int8/uint8),
// AveragePool (1..11, count_include_pad, ceil_mode), LpPool (1..11), and the global forms
// GlobalMaxPool, GlobalAveragePool, GlobalLpPool. 1 to 3 spatial dims for the windowed ones, any
// rank for the global ones.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/cpu_features.h"
#include "providers/cpu/nn/nn_common.h"
#include "providers/cpu/nn/spatial_attributes.h"

namespace ortlite {
namespace nn {

// pool_avx512.cc
bool PoolPlaneAvx512Handles(const Geometry3D& g);
void PoolPlaneAvx512(bool average, const float* x, float* y, const Geometry3D& g, const float* divisor);
bool PoolPlanesSeparableAvx512Handles(const Geometry3D& g);
void PoolPlanesSeparableAvx512(bool average, const float* x, float* y, int64_t planes, const Geometry3D& g,
                               const float* divisor);

namespace {

enum class PoolKind { kMax, kAverage, kLp };

// Kernel positions [kb, ke) of output coordinate o along dim d that land inside the input, and the
// window's first input coordinate.
struct AxisWindow {
  int64_t start, kb, ke;
};

inline AxisWindow WindowAt(const Geometry3D& g, int d, int64_t o) {
  AxisWindow w;
  w.start = o * g.stride[d] - g.pad_begin[d];
  const int64_t dil = g.dilation[d];
  w.kb = w.start >= 0 ? 0 : std::min(g.kernel[d], (-w.start + dil - 1) / dil);
  const int64_t last = g.in[d] - 1 - w.start;
  w.ke = last < 0 ? w.kb : std::clamp(last / dil + 1, w.kb, g.kernel[d]);
  return w;
}

// Kernel positions of the window that fall inside the padded input [-pad_begin, in + pad_end):
// the divisor of AveragePool with count_include_pad (ceil_mode windows may overhang the padding).
inline int64_t PaddedCount(const Geometry3D& g, int d, int64_t start) {
  const int64_t limit = g.in[d] + g.pad_end[d] - start;  // k * dil < limit
  if (limit <= 0) return 0;
  return std::min(g.kernel[d], (limit - 1) / g.dilation[d] + 1);
}

// Calls body(plane, out_index, windows[3]) for every output position, planes in parallel.
template <typename Body>
void ForEachWindow(int64_t planes, const Geometry3D& g, ThreadPool* pool, const Body& body) {
  const int64_t out_size = g.OutSize();
  ThreadPool::ParallelForStatic(pool, planes, static_cast<double>(out_size * g.KernelSize()),
                             [&](int64_t begin, int64_t end) {
    std::vector<AxisWindow> wins(static_cast<size_t>(g.out[2]));
    for (int64_t ow = 0; ow < g.out[2]; ++ow) wins[ow] = WindowAt(g, 2, ow);
    for (int64_t plane = begin; plane < end; ++plane) {
      int64_t out_index = plane * out_size;
      for (int64_t od = 0; od < g.out[0]; ++od) {
        const AxisWindow w0 = WindowAt(g, 0, od);
        for (int64_t oh = 0; oh < g.out[1]; ++oh) {
          const AxisWindow w1 = WindowAt(g, 1, oh);
          for (int64_t ow = 0; ow < g.out[2]; ++ow, ++out_index) {
            const AxisWindow w[3] = {w0, w1, wins[ow]};
            body(plane, out_index, w);
          }
        }
      }
    }
  });
}

// MaxPool with the Indices output: one window at a time, tracking where the maximum was.
template <typename T>
void MaxPoolWithIndices(const T* x, T* y, int64_t* indices, bool column_major, int64_t planes, const Geometry3D& g,
                        ThreadPool* pool) {
  const int64_t in_size = g.InSize();
  using C = decltype(ToCompute(T()));
  ForEachWindow(planes, g, pool, [&](int64_t plane, int64_t out_index, const AxisWindow* w) {
    const T* xp = x + plane * in_size;
    C best = std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity()
                                                  : std::numeric_limits<C>::lowest();
    int64_t best_d = -1, best_h = 0, best_w = 0;
    for (int64_t kd = w[0].kb; kd < w[0].ke; ++kd) {
      const int64_t id = w[0].start + kd * g.dilation[0];
      for (int64_t kh = w[1].kb; kh < w[1].ke; ++kh) {
        const int64_t ih = w[1].start + kh * g.dilation[1];
        const T* row = xp + (id * g.in[1] + ih) * g.in[2];
        for (int64_t kw = w[2].kb; kw < w[2].ke; ++kw) {
          const int64_t iw = w[2].start + kw * g.dilation[2];
          const C v = ToCompute(row[iw]);
          if (best_d < 0 || v > best) {
            best = v;
            best_d = id;
            best_h = ih;
            best_w = iw;
          }
        }
      }
    }
    y[out_index] = FromCompute<T>(best);
    int64_t offset = -1;
    if (best_d >= 0) {
      offset = plane * in_size + (column_major ? (best_w * g.in[1] + best_h) * g.in[0] + best_d
                                               : (best_d * g.in[1] + best_h) * g.in[2] + best_w);
    }
    indices[out_index] = offset;
  });
}

// Pools one output row (all ow of an (od, oh) pair) a kernel offset at a time, so the inner loop
// runs over output columns without branches (and vectorises for stride 1):
//   acc[ow] = step(acc[ow], x) for every in-bounds x of every window; finish(row, acc, w0, w1).
template <typename T, typename C, typename Step, typename Finish>
void PoolByRows(const T* x, T* y, int64_t planes, const Geometry3D& g, ThreadPool* pool, C init, const Step& step,
                const Finish& finish) {
  const int64_t in_size = g.InSize(), out_size = g.OutSize(), out_w = g.out[2];
  struct Column {
    int64_t begin, end, offset;
  };
  std::vector<Column> columns(static_cast<size_t>(g.kernel[2]));
  for (int64_t kw = 0; kw < g.kernel[2]; ++kw) {
    Column& c = columns[kw];
    c.offset = kw * g.dilation[2] - g.pad_begin[2];
    ValidOutputRange(out_w, g.stride[2], c.offset, g.in[2], c.begin, c.end);
  }
  const int64_t sw = g.stride[2];
  ThreadPool::ParallelForStatic(pool, planes, static_cast<double>(out_size * g.KernelSize()),
                             [&](int64_t begin, int64_t end) {
    std::vector<C> acc(static_cast<size_t>(out_w));
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* xp = x + plane * in_size;
      T* yp = y + plane * out_size;
      for (int64_t od = 0; od < g.out[0]; ++od) {
        const AxisWindow w0 = WindowAt(g, 0, od);
        for (int64_t oh = 0; oh < g.out[1]; ++oh) {
          const AxisWindow w1 = WindowAt(g, 1, oh);
          std::fill(acc.begin(), acc.end(), init);
          C* a = acc.data();
          for (int64_t kd = w0.kb; kd < w0.ke; ++kd) {
            const int64_t id = w0.start + kd * g.dilation[0];
            for (int64_t kh = w1.kb; kh < w1.ke; ++kh) {
              const int64_t ih = w1.start + kh * g.dilation[1];
              const T* row = xp + (id * g.in[1] + ih) * g.in[2];
              for (const Column& c : columns) {
                if (sw == 1) {
                  const T* xs = row + (c.begin + c.offset);
                  C* as = a + c.begin;
                  for (int64_t i = 0; i < c.end - c.begin; ++i) as[i] = step(as[i], xs[i]);
                } else {
                  for (int64_t ow = c.begin; ow < c.end; ++ow) a[ow] = step(a[ow], row[ow * sw + c.offset]);
                }
              }
            }
          }
          finish(yp + (od * g.out[1] + oh) * out_w, a, w0, w1);
        }
      }
    }
  });
}

template <typename T>
void MaxPoolPlain(const T* x, T* y, int64_t planes, const Geometry3D& g, ThreadPool* pool) {
  using C = decltype(ToCompute(T()));
  const C lowest = std::numeric_limits<C>::has_infinity ? -std::numeric_limits<C>::infinity()
                                                        : std::numeric_limits<C>::lowest();
  PoolByRows<T, C>(
      x, y, planes, g, pool, lowest,
      [](C a, T v) {
        const C c = ToCompute(v);
        return c > a ? c : a;
      },
      [&](T* out, const C* a, const AxisWindow&, const AxisWindow&) {
        for (int64_t ow = 0; ow < g.out[2]; ++ow) out[ow] = FromCompute<T>(a[ow]);
      });
}

template <typename T>
void AverageOrLpPool(PoolKind kind, const T* x, T* y, bool count_include_pad, float p, int64_t planes,
                     const Geometry3D& g, ThreadPool* pool) {
  using C = ComputeType<T>;
  const C pc = static_cast<C>(p);
  if (kind == PoolKind::kAverage) {
    // Divisor per output column; rows multiply in their own counts.
    std::vector<C> column_count(static_cast<size_t>(g.out[2]));
    for (int64_t ow = 0; ow < g.out[2]; ++ow) {
      const AxisWindow w = WindowAt(g, 2, ow);
      column_count[ow] = static_cast<C>(count_include_pad ? PaddedCount(g, 2, w.start) : w.ke - w.kb);
    }
    auto count = [&](const AxisWindow& w, int d) {
      return static_cast<C>(count_include_pad ? PaddedCount(g, d, w.start) : w.ke - w.kb);
    };
    PoolByRows<T, C>(
        x, y, planes, g, pool, C(0), [](C a, T v) { return a + static_cast<C>(ToCompute(v)); },
        [&](T* out, const C* a, const AxisWindow& w0, const AxisWindow& w1) {
          const C rows = count(w0, 0) * count(w1, 1);
          for (int64_t ow = 0; ow < g.out[2]; ++ow) {
            const C n = rows * column_count[ow];
            out[ow] = FromCompute<T>(n > C(0) ? a[ow] / n : C(0));
          }
        });
    return;
  }
  auto finish_lp = [&](T* out, const C* a, const AxisWindow&, const AxisWindow&) {
    for (int64_t ow = 0; ow < g.out[2]; ++ow) {
      out[ow] = FromCompute<T>(p == 2.f ? std::sqrt(a[ow]) : p == 1.f ? a[ow] : std::pow(a[ow], C(1) / pc));
    }
  };
  if (p == 2.f) {
    PoolByRows<T, C>(x, y, planes, g, pool, C(0), [](C a, T v) {
      const C c = static_cast<C>(ToCompute(v));
      return a + c * c;
    }, finish_lp);
  } else if (p == 1.f) {
    PoolByRows<T, C>(x, y, planes, g, pool, C(0), [](C a, T v) { return a + std::abs(static_cast<C>(ToCompute(v))); },
                     finish_lp);
  } else {
    PoolByRows<T, C>(x, y, planes, g, pool, C(0), [pc](C a, T v) {
      return a + std::pow(std::abs(static_cast<C>(ToCompute(v))), pc);
    }, finish_lp);
  }
}

// MaxPool / AveragePool on float planes by the AVX-512 path, when the host and the geometry allow;
// returns false otherwise (nothing written).
bool FastFloatPool(PoolKind kind, const float* x, float* y, bool count_include_pad, int64_t planes,
                   const Geometry3D& g, ThreadPool* pool) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  if (!avx512 || kind == PoolKind::kLp || !PoolPlaneAvx512Handles(g)) return false;
  const bool average = kind == PoolKind::kAverage;
  std::vector<float> divisor;
  if (average) {
    // The window's element count per output position (rows x columns), as AverageOrLpPool.
    divisor.resize(static_cast<size_t>(g.OutSize()));
    for (int64_t oh = 0; oh < g.out[1]; ++oh) {
      const AxisWindow wh = WindowAt(g, 1, oh);
      const float rows = static_cast<float>(count_include_pad ? PaddedCount(g, 1, wh.start) : wh.ke - wh.kb);
      for (int64_t ow = 0; ow < g.out[2]; ++ow) {
        const AxisWindow ww = WindowAt(g, 2, ow);
        const float cols = static_cast<float>(count_include_pad ? PaddedCount(g, 2, ww.start) : ww.ke - ww.kb);
        divisor[oh * g.out[2] + ow] = rows * cols;
      }
    }
  }
  const int64_t in_size = g.InSize(), out_size = g.OutSize();
  const bool separable = PoolPlanesSeparableAvx512Handles(g);
  ThreadPool::ParallelForParts(pool, planes, static_cast<double>(out_size * g.KernelSize()) / 8,
                               [&](int64_t begin, int64_t end) {
    if (separable) {
      PoolPlanesSeparableAvx512(average, x + begin * in_size, y + begin * out_size, end - begin, g, divisor.data());
      return;
    }
    for (int64_t p = begin; p < end; ++p) {
      PoolPlaneAvx512(average, x + p * in_size, y + p * out_size, g, divisor.data());
    }
  });
  return true;
}

class Pool final : public OpKernel {
 public:
  explicit Pool(const OpKernelInfo& info) : OpKernel(info), attrs_(info) {
    const std::string& op = info.node().OpType();
    kind_ = op == "MaxPool" ? PoolKind::kMax : op == "AveragePool" ? PoolKind::kAverage : PoolKind::kLp;
    ORTLITE_CHECK_ARG(!attrs_.KernelShape().empty(), op, " requires the kernel_shape attribute");
    count_include_pad_ = info.GetAttrOrDefault<int64_t>("count_include_pad", 0) != 0;
    column_major_ = info.GetAttrOrDefault<int64_t>("storage_order", 0) != 0;
    // LpPool-1 has a float p, later versions an int; GetAttr<float> reads either.
    p_ = info.GetAttrOrDefault<float>("p", 2.f);
    ORTLITE_CHECK_ARG(kind_ != PoolKind::kLp || p_ > 0.f, "LpPool p must be positive");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const auto& xd = X.Shape().GetDims();
    ORTLITE_CHECK_ARG(xd.size() >= 3, "pooling input must have rank >= 3 (N, C, spatial...), got ",
                      X.Shape().ToString());
    const std::vector<int64_t> in_spatial(xd.begin() + 2, xd.end());
    const Geometry3D g = attrs_.ResolveForward(in_spatial, {});
    std::vector<int64_t> ydims = {xd[0], xd[1]};
    for (int64_t d : SpatialAttributes::OutputSpatial(g, in_spatial.size())) ydims.push_back(d);
    const TensorShape yshape(ydims);
    Tensor* Y = ctx.Output(0, yshape);
    int64_t* indices = nullptr;
    if (kind_ == PoolKind::kMax && ctx.OutputCount() > 1 && ctx.OutputIsUsed(1)) {
      indices = ctx.Output(1, yshape, DataType::kInt64)->MutableData<int64_t>();
    }
    if (Y->NumElements() == 0) return;
    const int64_t planes = xd[0] * xd[1];
    ThreadPool* pool = ctx.GetThreadPool();
    if (kind_ == PoolKind::kMax) {
      using MaxTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, uint8_t>;
      VisitType<MaxTypes>(X.GetElementType(), [&](auto tag) {
        using T = typename decltype(tag)::type;
        if (indices) {
          MaxPoolWithIndices<T>(X.Data<T>(), Y->MutableData<T>(), indices, column_major_, planes, g, pool);
        } else if constexpr (std::is_same_v<T, float>) {
          if (!FastFloatPool(kind_, X.Data<float>(), Y->MutableData<float>(), false, planes, g, pool)) {
            MaxPoolPlain<float>(X.Data<float>(), Y->MutableData<float>(), planes, g, pool);
          }
        } else {
          MaxPoolPlain<T>(X.Data<T>(), Y->MutableData<T>(), planes, g, pool);
        }
      }, "MaxPool");
      return;
    }
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      if constexpr (std::is_same_v<T, float>) {
        if (FastFloatPool(kind_, X.Data<float>(), Y->MutableData<float>(), count_include_pad_, planes, g, pool)) return;
      }
      AverageOrLpPool<T>(kind_, X.Data<T>(), Y->MutableData<T>(), count_include_pad_, p_, planes, g, pool);
    }, kind_ == PoolKind::kAverage ? "AveragePool" : "LpPool");
  }

 private:
  SpatialAttributes attrs_;
  PoolKind kind_;
  bool count_include_pad_ = false;
  bool column_major_ = false;
  float p_ = 2.f;
};

// ---- global pooling --------------------------------------------------------------------------

template <typename T>
void GlobalPool(PoolKind kind, float p, const T* x, T* y, int64_t planes, int64_t plane_size, ThreadPool* pool) {
  using C = ComputeType<T>;
  const C pc = static_cast<C>(p);
  ThreadPool::ParallelForStatic(pool, planes, static_cast<double>(plane_size), [&](int64_t begin, int64_t end) {
    for (int64_t plane = begin; plane < end; ++plane) {
      const T* xp = x + plane * plane_size;
      C result;
      if (kind == PoolKind::kMax) {
        C best = plane_size > 0 ? static_cast<C>(ToCompute(xp[0])) : -std::numeric_limits<C>::infinity();
        for (int64_t i = 1; i < plane_size; ++i) best = std::max(best, static_cast<C>(ToCompute(xp[i])));
        result = best;
      } else if (kind == PoolKind::kAverage) {
        // Independent partial sums so the loop vectorises without reassociation flags.
        constexpr int kLanes = 16;
        C part[kLanes] = {};
        int64_t i = 0;
        for (; i + kLanes <= plane_size; i += kLanes)
          for (int j = 0; j < kLanes; ++j) part[j] += static_cast<C>(ToCompute(xp[i + j]));
        C sum = C(0);
        for (; i < plane_size; ++i) sum += static_cast<C>(ToCompute(xp[i]));
        for (int j = 0; j < kLanes; ++j) sum += part[j];
        result = plane_size > 0 ? sum / static_cast<C>(plane_size) : std::numeric_limits<C>::quiet_NaN();
      } else {
        C sum = C(0);
        for (int64_t i = 0; i < plane_size; ++i) {
          const C v = std::abs(static_cast<C>(ToCompute(xp[i])));
          sum += p == 2.f ? v * v : std::pow(v, pc);
        }
        result = p == 2.f ? std::sqrt(sum) : std::pow(sum, C(1) / pc);
      }
      y[plane] = FromCompute<T>(result);
    }
  });
}

class GlobalPoolKernel final : public OpKernel {
 public:
  explicit GlobalPoolKernel(const OpKernelInfo& info) : OpKernel(info) {
    const std::string& op = info.node().OpType();
    kind_ = op == "GlobalMaxPool" ? PoolKind::kMax : op == "GlobalAveragePool" ? PoolKind::kAverage : PoolKind::kLp;
    p_ = info.GetAttrOrDefault<float>("p", 2.f);
    ORTLITE_CHECK_ARG(kind_ != PoolKind::kLp || p_ > 0.f, "GlobalLpPool p must be positive");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& X = ctx.RequiredInput(0);
    const auto& xd = X.Shape().GetDims();
    ORTLITE_CHECK_ARG(xd.size() >= 2, "global pooling input must have rank >= 2 (N, C, ...), got ",
                      X.Shape().ToString());
    std::vector<int64_t> ydims(xd.size(), 1);
    ydims[0] = xd[0];
    ydims[1] = xd[1];
    Tensor* Y = ctx.Output(0, TensorShape(ydims));
    if (Y->NumElements() == 0) return;
    const int64_t plane_size = X.Shape().SizeFromDimension(2);
    VisitType<FloatTypes>(X.GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      GlobalPool<T>(kind_, p_, X.Data<T>(), Y->MutableData<T>(), xd[0] * xd[1], plane_size, ctx.GetThreadPool());
    }, node().OpType().c_str());
  }

 private:
  PoolKind kind_;
  float p_ = 2.f;
};

}  // namespace

void MaxPoolFloat(const float* x, float* y, int64_t planes, const Geometry3D& g, ThreadPool* pool) {
  if (!FastFloatPool(PoolKind::kMax, x, y, false, planes, g, pool)) MaxPoolPlain<float>(x, y, planes, g, pool);
}

void MaxPoolFloatPlanes(const float* x, int64_t x_stride, float* y, int64_t y_stride, int64_t planes,
                        const Geometry3D& g) {
  static const bool avx512 = ActiveIsa() == IsaLevel::kAvx512;
  const bool simd = avx512 && PoolPlaneAvx512Handles(g);
  const bool separable = simd && PoolPlanesSeparableAvx512Handles(g);
  for (int64_t p = 0; p < planes; ++p) {
    const float* xp = x + p * x_stride;
    float* yp = y + p * y_stride;
    if (separable) {
      PoolPlanesSeparableAvx512(false, xp, yp, 1, g, nullptr);
    } else if (simd) {
      PoolPlaneAvx512(false, xp, yp, g, nullptr);
    } else {
      MaxPoolPlain<float>(xp, yp, 1, g, nullptr);
    }
  }
}

// One class serves every version: later attributes (storage_order, dilations, ceil_mode,
// count_include_pad) are simply absent from earlier models.
ONNX_CPU_KERNEL(MaxPool, 1, Pool, KernelDefBuilder())
ONNX_CPU_KERNEL(AveragePool, 1, Pool, KernelDefBuilder())
ONNX_CPU_KERNEL(LpPool, 1, Pool, KernelDefBuilder())
ONNX_CPU_KERNEL(GlobalMaxPool, 1, GlobalPoolKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(GlobalAveragePool, 1, GlobalPoolKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(GlobalLpPool, 1, GlobalPoolKernel, KernelDefBuilder())

}  // namespace nn
}  // namespace ortlite
