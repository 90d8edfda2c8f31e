// ReduceSum, ReduceMean, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum,
// ReduceLogSumExp and ReduceSumSquare.
//
// `axes` is an attribute until ReduceSum-13 / the others' version 18, then an optional int64
// input; with no axes every dim is reduced unless noop_with_empty_axes is set. Each operator is a
// reducer (a state with init/update/merge/finish) run by one driver over the layout of
// reduce_plan.h. Reducing over an empty set gives the reducer's identity: 0 for sums, 1 for the
// product, -inf/+inf (lowest/highest for integers) for max/min, -inf for the log-sums, NaN for
// the mean.
#include <cmath>
#include <limits>
#include <type_traits>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/reduction/reduce_plan.h"

namespace ortlite {
namespace {

using reduction::MakeReducePlan;
using reduction::ReducePlan;

// Accumulation type: half types accumulate in float, everything else in its own type.
template <typename T>
struct AccumOf {
  using type = T;
};
template <>
struct AccumOf<MLFloat16> {
  using type = float;
};
template <>
struct AccumOf<BFloat16> {
  using type = float;
};
template <typename T>
using Accum = typename AccumOf<T>::type;

// Floating type for finishing steps that leave the integers (sqrt, log, exp).
template <typename A>
using RealOf = std::conditional_t<std::is_floating_point_v<A>, A, double>;

template <typename A>
A AbsValue(A x) {
  if constexpr (std::is_unsigned_v<A>) {
    return x;
  } else {
    return x < 0 ? static_cast<A>(-x) : x;
  }
}

template <typename T>
struct SumReducer {
  using In = Accum<T>;
  using State = In;
  static State Init() { return State(0); }
  static void Update(State& s, In x) { s += x; }
  static void Merge(State& s, const State& o) { s += o; }
  static State Finish(const State& s, int64_t) { return s; }
};

template <typename T>
struct SumSquareReducer : SumReducer<T> {
  using typename SumReducer<T>::In;
  using typename SumReducer<T>::State;
  static void Update(State& s, In x) { s += x * x; }
};

template <typename T>
struct L1Reducer : SumReducer<T> {
  using typename SumReducer<T>::In;
  using typename SumReducer<T>::State;
  static void Update(State& s, In x) { s += AbsValue(x); }
};

template <typename T>
struct L2Reducer : SumSquareReducer<T> {
  using typename SumReducer<T>::State;
  static State Finish(const State& s, int64_t) {
    return static_cast<State>(std::sqrt(static_cast<RealOf<State>>(s)));
  }
};

template <typename T>
struct LogSumReducer : SumReducer<T> {
  using typename SumReducer<T>::State;
  static RealOf<State> Finish(const State& s, int64_t) { return std::log(static_cast<RealOf<State>>(s)); }
};

template <typename T>
struct MeanReducer : SumReducer<T> {
  using typename SumReducer<T>::State;
  static State Finish(const State& s, int64_t count) {
    if constexpr (std::is_floating_point_v<State>) {
      return s / static_cast<State>(count);  // 0/0 = NaN for an empty set
    } else {
      return count == 0 ? State(0) : static_cast<State>(s / static_cast<State>(count));
    }
  }
};

template <typename T>
struct ProdReducer {
  using In = Accum<T>;
  using State = In;
  static State Init() { return State(1); }
  static void Update(State& s, In x) { s *= x; }
  static void Merge(State& s, const State& o) { s *= o; }
  static State Finish(const State& s, int64_t) { return s; }
};

// NaN wins in max and min, as in numpy.
template <typename T, bool kMax>
struct ExtremeReducer {
  using In = Accum<T>;
  using State = In;
  static State Init() {
    if constexpr (std::is_floating_point_v<State>) {
      return kMax ? -std::numeric_limits<State>::infinity() : std::numeric_limits<State>::infinity();
    } else {
      return kMax ? std::numeric_limits<State>::lowest() : std::numeric_limits<State>::max();
    }
  }
  static void Update(State& s, In x) {
    // Once s is NaN no comparison is true, so it stays NaN; written as a select to vectorise.
    if constexpr (std::is_floating_point_v<State>) {
      s = ((kMax ? x > s : x < s) || x != x) ? x : s;
    } else {
      s = (kMax ? x > s : x < s) ? x : s;
    }
  }
  static void Merge(State& s, const State& o) { Update(s, o); }
  static State Finish(const State& s, int64_t) { return s; }
};

// log(sum(exp(x))) kept stable as a running (max, sum of exp(x - max)) pair.
template <typename T>
struct LogSumExpReducer {
  using In = RealOf<Accum<T>>;
  struct State {
    In max;
    In sum;
  };
  static State Init() { return {-std::numeric_limits<In>::infinity(), In(0)}; }
  static void Update(State& s, In x) {
    if (x > s.max) {
      s.sum = s.sum * std::exp(s.max - x) + In(1);
      s.max = x;
    } else {
      // x == max also covers infinite values, where x - max is NaN.
      s.sum += x == s.max ? In(1) : std::exp(x - s.max);
    }
  }
  static void Merge(State& s, const State& o) {
    if (o.max > s.max) {
      s.sum = s.sum * std::exp(s.max - o.max) + o.sum;
      s.max = o.max;
    } else {
      s.sum += o.max == s.max ? o.sum : o.sum * std::exp(o.max - s.max);
    }
  }
  static In Finish(const State& s, int64_t) { return s.max + std::log(s.sum); }
};

template <typename R, typename T>
inline typename R::In Load(const T& v) {
  return static_cast<typename R::In>(ToCompute(v));
}

// Reduces `n` contiguous values into `s`. Long runs use independent partial states, which breaks
// the dependency chain and lets the compiler vectorise across them.
template <typename R, typename T>
void ReduceRun(const T* p, int64_t n, typename R::State& s) {
  constexpr int kLanes = 16;
  if (n < 4 * kLanes) {
    for (int64_t i = 0; i < n; ++i) R::Update(s, Load<R>(p[i]));
    return;
  }
  typename R::State part[kLanes];
  for (auto& q : part) q = R::Init();
  int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (int l = 0; l < kLanes; ++l) R::Update(part[l], Load<R>(p[i + l]));
  }
  for (; i < n; ++i) R::Update(part[0], Load<R>(p[i]));
  for (auto& q : part) R::Merge(s, q);
}

template <typename R, typename T>
void RunReduction(const T* x, T* y, const ReducePlan& plan, ThreadPool* pool) {
  const int64_t count = plan.reduce_count;
  const int64_t out_size = plan.output_shape.Size();
  if (out_size == 0) return;
  if (count == 0) {
    const T identity = FromCompute<T>(R::Finish(R::Init(), 0));
    for (int64_t i = 0; i < out_size; ++i) y[i] = identity;
    return;
  }
  const std::vector<int64_t>& reduced = plan.reduced_offsets;
  const int64_t inner = plan.inner;

  if (plan.inner_reduced) {
    ThreadPool::TryParallelFor(pool, out_size, static_cast<double>(count) * 2.0, [&](int64_t begin, int64_t end) {
      reduction::OffsetWalker kept = plan.kept;
      kept.Seek(begin);
      for (int64_t o = begin; o < end; ++o, kept.Next()) {
        typename R::State s = R::Init();
        const T* base = x + kept.Offset();
        for (int64_t r : reduced) ReduceRun<R>(base + r, inner, s);
        y[o] = FromCompute<T>(R::Finish(s, count));
      }
    });
    return;
  }

  // Inner dims kept: accumulate whole rows, split into column blocks so small outer counts (a
  // reduction over leading dims) still parallelise.
  constexpr int64_t kBlock = 1024;
  const int64_t blocks_per_row = (inner + kBlock - 1) / kBlock;
  const int64_t rows = plan.kept.Count();
  const double cost = static_cast<double>(count) * static_cast<double>(std::min(inner, kBlock)) * 2.0;
  ThreadPool::TryParallelFor(pool, rows * blocks_per_row, cost, [&](int64_t begin, int64_t end) {
    reduction::OffsetWalker kept = plan.kept;
    std::vector<typename R::State> state(static_cast<size_t>(std::min(inner, kBlock)));
    for (int64_t unit = begin; unit < end; ++unit) {
      const int64_t row = unit / blocks_per_row;
      const int64_t j0 = (unit % blocks_per_row) * kBlock;
      const int64_t len = std::min(kBlock, inner - j0);
      kept.Seek(row);
      const T* base = x + kept.Offset() + j0;
      typename R::State* st = state.data();
      for (int64_t j = 0; j < len; ++j) st[j] = R::Init();
      for (int64_t r : reduced) {
        const T* p = base + r;
        for (int64_t j = 0; j < len; ++j) R::Update(st[j], Load<R>(p[j]));
      }
      T* out = y + row * inner + j0;
      for (int64_t j = 0; j < len; ++j) out[j] = FromCompute<T>(R::Finish(st[j], count));
    }
  });
}

template <template <typename> class Reducer, bool kAxesInputFrom13 = false>
class ReduceKernel final : public OpKernel {
 public:
  explicit ReduceKernel(const OpKernelInfo& info) : OpKernel(info) {
    keepdims_ = info.GetAttrOrDefault<int64_t>("keepdims", 1) != 0;
    noop_with_empty_axes_ = info.GetAttrOrDefault<int64_t>("noop_with_empty_axes", 0) != 0;
    axes_from_input_ = info.SinceVersion() >= 18 || (kAxesInputFrom13 && info.SinceVersion() >= 13);
    if (!axes_from_input_) axes_ = info.GetAttrOrDefault<std::vector<int64_t>>("axes", {});
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    std::vector<int64_t> axes = axes_;
    if (axes_from_input_) {
      if (const Tensor* a = ctx.Input(1)) {
        ORTLITE_CHECK_ARG(a->GetElementType() == DataType::kInt64, "axes must be int64, got ",
                          DataTypeName(a->GetElementType()));
        ORTLITE_CHECK_ARG(a->Shape().NumDimensions() <= 1, "axes must be 1-D, got shape ", a->Shape().ToString());
        axes.assign(a->Data<int64_t>(), a->Data<int64_t>() + a->NumElements());
      }
    }
    ReducePlan plan = MakeReducePlan(x.Shape(), axes, keepdims_, axes.empty() && noop_with_empty_axes_);
    Tensor* y = ctx.Output(0, plan.output_shape, x.GetElementType());
    VisitType<AllNumericTypes>(
        x.GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          RunReduction<Reducer<T>>(x.Data<T>(), y->MutableData<T>(), plan, ctx.GetThreadPool());
        },
        node().OpType().c_str());
  }

 private:
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
  bool axes_from_input_ = false;
  std::vector<int64_t> axes_;
};

template <typename T>
using MaxReducer = ExtremeReducer<T, true>;
template <typename T>
using MinReducer = ExtremeReducer<T, false>;

// ReduceSum moved `axes` to an input at 13, the others at 18.
using ReduceSumKernel = ReduceKernel<SumReducer, true>;

ONNX_CPU_KERNEL(ReduceSum, 1, ReduceSumKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceMean, 1, ReduceKernel<MeanReducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceMax, 1, ReduceKernel<MaxReducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceMin, 1, ReduceKernel<MinReducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceProd, 1, ReduceKernel<ProdReducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceL1, 1, ReduceKernel<L1Reducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceL2, 1, ReduceKernel<L2Reducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceLogSum, 1, ReduceKernel<LogSumReducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceLogSumExp, 1, ReduceKernel<LogSumExpReducer>, KernelDefBuilder())
ONNX_CPU_KERNEL(ReduceSumSquare, 1, ReduceKernel<SumSquareReducer>, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
