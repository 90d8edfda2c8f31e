// Shared machinery of the elementwise math kernels: a broadcast walk that coalesces dimensions
// into long contiguous runs and can start anywhere (so big outputs split across threads), and
// unary/binary drivers whose inner loops are simple enough for the compiler to vectorise.
#pragma once
#include <algorithm>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "core/framework/data_types.h"
#include "core/framework/thread_pool.h"
#include "providers/cpu/common/broadcast.h"

namespace ortlite {
namespace elementwise {

template <typename T>
constexpr bool kIsHalf = std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>;
template <typename T>
constexpr bool kIsFloat = std::is_floating_point_v<T> || kIsHalf<T>;

// Rough per-element costs (cycles) for TryParallelFor.
constexpr double kCheapCost = 1.0;
constexpr double kMediumCost = 8.0;
constexpr double kExpensiveCost = 40.0;

// Walks the output of a numpy broadcast in runs along the innermost dimension. Adjacent output
// dimensions are merged when every input either spans both or broadcasts over both, so equal
// shapes become one run and e.g. {N,C,H,W} + {C,1,1} becomes runs of H*W with a stride-0 input.
class BroadcastPlan {
 public:
  explicit BroadcastPlan(const std::vector<TensorShape>& inputs)
      : BroadcastPlan(inputs, BroadcastShapes(inputs)) {}

  // `output` must be the broadcast of `inputs` (or a shape they broadcast to unidirectionally).
  BroadcastPlan(const std::vector<TensorShape>& inputs, const TensorShape& output) : output_(output) {
    const size_t rank = output.NumDimensions();
    const size_t n_in = inputs.size();
    total_ = output.Size();
    // Each output dimension's broadcast pattern (one flag per input); dimensions of size 1 drop out.
    std::vector<int64_t> dims;
    std::vector<std::vector<bool>> spans;  // spans[d][i]: input i walks along coalesced dim d
    for (size_t k = 0; k < rank; ++k) {
      const int64_t d = output[k];
      if (d == 1) continue;
      std::vector<bool> pattern(n_in);
      for (size_t i = 0; i < n_in; ++i) {
        const size_t r = inputs[i].NumDimensions();
        pattern[i] = k + r >= rank && inputs[i][k + r - rank] != 1;
      }
      if (!dims.empty() && spans.back() == pattern) {
        dims.back() *= d;
      } else {
        dims.push_back(d);
        spans.push_back(std::move(pattern));
      }
    }
    if (dims.empty()) {
      dims.push_back(1);
      spans.emplace_back(n_in, false);
    }
    dims_ = dims;
    strides_.assign(n_in, std::vector<int64_t>(dims.size(), 0));
    for (size_t i = 0; i < n_in; ++i) {
      int64_t stride = 1;
      for (size_t d = dims.size(); d-- > 0;) {
        if (spans[d][i]) {
          strides_[i][d] = stride;
          stride *= dims[d];
        }
      }
    }
  }

  const TensorShape& OutputShape() const { return output_; }
  int64_t Total() const { return total_; }
  size_t NumInputs() const { return strides_.size(); }
  // Length of a full run (the innermost coalesced dimension).
  int64_t RunLength() const { return dims_.back(); }

  // fn(out_offset, in_offsets[], in_strides[], count) for output elements [begin, end); runs are
  // cut at `begin`/`end`, so any split of [0, Total()) covers each element exactly once.
  template <typename Fn>
  void ForRuns(int64_t begin, int64_t end, Fn&& fn) const {
    if (begin >= end) return;
    const size_t n_in = strides_.size();
    const size_t outer_rank = dims_.size() - 1;
    const int64_t run = dims_.back();
    int64_t offsets[kMaxInline], inner[kMaxInline];
    std::vector<int64_t> big_offsets, big_inner;
    int64_t* off = offsets;
    int64_t* in_stride = inner;
    if (n_in > kMaxInline) {
      big_offsets.resize(n_in);
      big_inner.resize(n_in);
      off = big_offsets.data();
      in_stride = big_inner.data();
    }
    for (size_t i = 0; i < n_in; ++i) in_stride[i] = strides_[i].back();
    std::vector<int64_t> counter(outer_rank, 0);
    int64_t run_index = begin / run;
    int64_t pos_in_run = begin % run;
    for (size_t k = outer_rank; k-- > 0;) {
      counter[k] = run_index % dims_[k];
      run_index /= dims_[k];
    }
    int64_t pos = begin;
    while (pos < end) {
      for (size_t i = 0; i < n_in; ++i) {
        int64_t o = pos_in_run * in_stride[i];
        for (size_t k = 0; k < outer_rank; ++k) o += counter[k] * strides_[i][k];
        off[i] = o;
      }
      const int64_t count = std::min(run - pos_in_run, end - pos);
      fn(pos, static_cast<const int64_t*>(off), static_cast<const int64_t*>(in_stride), count);
      pos += count;
      pos_in_run = 0;
      for (size_t k = outer_rank; k-- > 0;) {
        if (++counter[k] < dims_[k]) break;
        counter[k] = 0;
      }
    }
  }

 private:
  static constexpr size_t kMaxInline = 8;
  TensorShape output_;
  int64_t total_ = 0;
  std::vector<int64_t> dims_;
  std::vector<std::vector<int64_t>> strides_;
};

// o[i] = f(x[i]) over n elements, split across threads.
template <typename In, typename Out, typename F>
void RunUnary(ThreadPool* pool, int64_t n, const In* x, Out* o, double cost, F f) {
  ThreadPool::TryParallelFor(pool, n, cost, [&](int64_t begin, int64_t end) {
    const In* xs = x + begin;
    Out* os = o + begin;
    const int64_t count = end - begin;
    for (int64_t i = 0; i < count; ++i) os[i] = f(xs[i]);
  });
}

// Ops may offer ApplyFloatArray(const float* x, float* y, int64_t n), a vectorised path for
// contiguous float data; the kernels use it instead of the per-element Apply when present.
template <typename Op, typename = void>
struct HasFloatArray : std::false_type {};
template <typename Op>
struct HasFloatArray<Op, std::void_t<decltype(&Op::ApplyFloatArray)>> : std::true_type {};

// fn(x + begin, y + begin, count) over blocks of [0, n), split across threads.
template <typename F>
void RunFloatArray(ThreadPool* pool, int64_t n, const float* x, float* y, double cost, F fn) {
  ThreadPool::TryParallelFor(pool, n, cost, [&](int64_t begin, int64_t end) { fn(x + begin, y + begin, end - begin); });
}

// The inner loop of a binary op over one run, specialised on which side broadcasts so that the
// common cases are plain loops over contiguous memory.
template <typename A, typename B, typename O, typename F>
inline void BinaryRun(const A* a, int64_t sa, const B* b, int64_t sb, O* o, int64_t count, F& f) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < count; ++i) o[i] = f(a[i], b[i]);
  } else if (sa == 0 && sb == 1) {
    const A& av = *a;
    for (int64_t i = 0; i < count; ++i) o[i] = f(av, b[i]);
  } else if (sa == 1 && sb == 0) {
    const B& bv = *b;
    for (int64_t i = 0; i < count; ++i) o[i] = f(a[i], bv);
  } else {
    const O v = f(*a, *b);
    for (int64_t i = 0; i < count; ++i) o[i] = v;
  }
}

// o = f(a, b) with broadcasting as planned (plan inputs: a, b).
template <typename A, typename B, typename O, typename F>
void RunBinary(ThreadPool* pool, const BroadcastPlan& plan, const A* a, const B* b, O* o, double cost, F f) {
  ThreadPool::TryParallelFor(pool, plan.Total(), cost, [&](int64_t begin, int64_t end) {
    plan.ForRuns(begin, end, [&](int64_t out_off, const int64_t* in_off, const int64_t* in_stride, int64_t count) {
      BinaryRun(a + in_off[0], in_stride[0], b + in_off[1], in_stride[1], o + out_off, count, f);
    });
  });
}

// Copies `in` broadcast to the plan's output (plan inputs: in).
template <typename T>
void RunBroadcastCopy(ThreadPool* pool, const BroadcastPlan& plan, const T* in, T* o) {
  ThreadPool::TryParallelFor(pool, plan.Total(), kCheapCost, [&](int64_t begin, int64_t end) {
    plan.ForRuns(begin, end, [&](int64_t out_off, const int64_t* in_off, const int64_t* in_stride, int64_t count) {
      const T* src = in + in_off[0];
      T* dst = o + out_off;
      if (in_stride[0] == 1) {
        std::copy(src, src + count, dst);
      } else {
        std::fill(dst, dst + count, *src);
      }
    });
  });
}

// Wraps a function of the compute type (float for 16-bit floats) as a function of T.
template <typename T, typename F>
inline T ViaCompute(T v, F&& f) {
  return FromCompute<T>(f(ToCompute(v)));
}

// Integer arithmetic that wraps instead of overflowing (signed overflow is undefined in C++ and
// narrow unsigned types promote to int).
template <typename T>
using WrapType = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;

// Float to integer without undefined behaviour: truncates toward zero when the value fits in
// int64 (narrower targets then wrap like a C cast of that int64); NaN and values beyond int64
// give INT64_MIN, as x86's conversion instructions do. uint64 also accepts [2^63, 2^64).
template <typename I, typename F>
inline I FloatToInt(F v) {
  static_assert(std::is_integral_v<I>, "integer target");
  const double d = static_cast<double>(v);
  if constexpr (std::is_same_v<I, uint64_t>) {
    if (d >= 9223372036854775808.0 && d < 18446744073709551616.0) return static_cast<uint64_t>(d);
  }
  if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
    return static_cast<I>(static_cast<WrapType<I>>(static_cast<int64_t>(d)));
  }
  return static_cast<I>(static_cast<WrapType<I>>(INT64_MIN));
}

}  // namespace elementwise
}  // namespace ortlite
