// Shared machinery of the recurrent operators RNN, GRU and LSTM: attribute parsing (direction,
// activations with their alpha/beta, clip, layout), input validation, and a front end that turns
// any layout / element type into layout-0 buffers of the compute type (float or double) so each
// operator's recurrence is written once.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "core/framework/op_kernel.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {
namespace rnn {

enum class Direction { kForward, kReverse, kBidirectional };

enum class ActivationKind {
  kRelu,
  kTanh,
  kSigmoid,
  kAffine,
  kLeakyRelu,
  kThresholdedRelu,
  kScaledTanh,
  kHardSigmoid,
  kElu,
  kSoftsign,
  kSoftplus,
};

struct Activation {
  ActivationKind kind = ActivationKind::kTanh;
  float alpha = 0.f;
  float beta = 0.f;

  // Applies the function in place to n values.
  template <typename T>
  void Apply(T* x, int64_t n) const;
};

struct RnnAttributes {
  Direction direction = Direction::kForward;
  int64_t num_directions = 1;
  int64_t hidden_size = -1;  // -1: taken from R's shape
  int64_t layout = 0;
  bool has_clip = false;
  float clip = 0.f;
  // activations_per_direction entries for the forward direction, then as many for the reverse one.
  std::vector<Activation> activations;
};

// Reads direction, hidden_size, layout, clip and activations. `default_activations` are the
// per-direction defaults of the operator ("Sigmoid", "Tanh", ...).
RnnAttributes ParseRnnAttributes(const OpKernelInfo& info, const std::vector<std::string>& default_activations);

struct RnnDims {
  int64_t seq_length = 0;
  int64_t batch = 0;
  int64_t input_size = 0;
  int64_t hidden = 0;
  int64_t num_directions = 1;
};

// Layout-0 views of the operator's inputs and outputs in the compute type C (float or double).
// Optional inputs are nullptr when absent; outputs are nullptr when the node does not produce them.
template <typename C>
struct RnnBuffers {
  RnnDims dims;
  const C* X = nullptr;          // [seq, batch, input]
  const C* W = nullptr;          // [dirs, gates*hidden, input]
  const C* R = nullptr;          // [dirs, gates*hidden, hidden]
  const C* B = nullptr;          // [dirs, 2*gates*hidden]
  const int32_t* lengths = nullptr;  // [batch], always present (seq_length when not given)
  const C* initial_h = nullptr;  // [dirs, batch, hidden]
  const C* initial_c = nullptr;  // [dirs, batch, hidden]
  const C* P = nullptr;          // [dirs, 3*hidden]
  C* Y = nullptr;                // [seq, dirs, batch, hidden], zero-filled on entry
  C* Y_h = nullptr;              // [dirs, batch, hidden]
  C* Y_c = nullptr;              // [dirs, batch, hidden]
};

// C[M,N] = op(A) * op(B) (+ C when accumulate) in float or double, tolerant of empty sizes.
inline void RnnGemm(bool trans_b, int64_t M, int64_t N, int64_t K, const float* A, int64_t lda, const float* B,
                    int64_t ldb, bool accumulate, float* C, int64_t ldc, ThreadPool* pool) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate)
      for (int64_t m = 0; m < M; ++m) std::fill(C + m * ldc, C + m * ldc + N, 0.f);
    return;
  }
  Sgemm(false, trans_b, M, N, K, 1.f, A, lda, B, ldb, accumulate ? 1.f : 0.f, C, ldc, pool);
}
inline void RnnGemm(bool trans_b, int64_t M, int64_t N, int64_t K, const double* A, int64_t lda, const double* B,
                    int64_t ldb, bool accumulate, double* C, int64_t ldc, ThreadPool* pool) {
  if (M == 0 || N == 0) return;
  if (K == 0) {
    if (!accumulate)
      for (int64_t m = 0; m < M; ++m) std::fill(C + m * ldc, C + m * ldc + N, 0.0);
    return;
  }
  Dgemm(false, trans_b, M, N, K, 1.0, A, lda, B, ldb, accumulate ? 1.0 : 0.0, C, ldc, pool);
}

// Projects the whole input sequence of one direction at once:
//   out[seq*batch, gates*hidden] = X * W_dir^T + Wb + Rb
// where `rb_skip_gate` (if >= 0) names a gate whose recurrent bias is left out (GRU's hidden gate
// with linear_before_reset, where Rbh sits inside the reset product).
template <typename C>
void ProjectInput(const RnnBuffers<C>& io, int64_t dir, int64_t gates, int64_t rb_skip_gate, std::vector<C>& out,
                  ThreadPool* pool) {
  const RnnDims& d = io.dims;
  const int64_t rows = d.seq_length * d.batch;
  const int64_t width = gates * d.hidden;
  out.assign(static_cast<size_t>(rows * width), C(0));
  RnnGemm(true, rows, width, d.input_size, io.X, d.input_size, io.W + dir * width * d.input_size, d.input_size,
          false, out.data(), width, pool);
  if (!io.B) return;
  std::vector<C> bias(io.B + dir * 2 * width, io.B + dir * 2 * width + width);
  const C* rb = io.B + dir * 2 * width + width;
  for (int64_t j = 0; j < width; ++j) {
    if (rb_skip_gate < 0 || j / d.hidden != rb_skip_gate) bias[j] += rb[j];
  }
  for (int64_t r = 0; r < rows; ++r) {
    C* row = out.data() + r * width;
    for (int64_t j = 0; j < width; ++j) row[j] += bias[j];
  }
}

template <typename C>
inline void ClipInPlace(C* x, int64_t n, const RnnAttributes& a) {
  if (!a.has_clip) return;
  const C hi = static_cast<C>(a.clip), lo = -hi;
  for (int64_t i = 0; i < n; ++i) x[i] = std::min(hi, std::max(lo, x[i]));
}

// The time index batch entry b reads at step s of a direction: reverse directions walk each
// sequence backwards from its own last valid element.
inline int64_t TimeIndex(bool reverse, int64_t step, int64_t length) { return reverse ? length - 1 - step : step; }

inline int64_t MaxLength(const int32_t* lengths, int64_t batch) {
  int64_t m = 0;
  for (int64_t b = 0; b < batch; ++b) m = std::max<int64_t>(m, lengths[b]);
  return m;
}

// Whether direction `dir` of the node runs backwards in time.
inline bool IsReverse(const RnnAttributes& a, int64_t dir) {
  return a.direction == Direction::kReverse || (a.direction == Direction::kBidirectional && dir == 1);
}

// The front end: validates inputs, converts layout/type, allocates outputs, calls
// core(RnnBuffers<C>&) with C = float or double, then writes outputs back in the node's layout.
// `gates` is the number of gate blocks in W/R (1 RNN, 3 GRU, 4 LSTM).
struct RecurrentOpSpec {
  int64_t gates = 1;
  bool is_lstm = false;
};

namespace detail {

template <typename D, typename S>
inline D CastValue(S v) {
  return FromCompute<D>(ToCompute(v));
}

// dst[j, i, :] = src[i, j, :] for src of shape [d0, d1, inner], with element conversion.
template <typename D, typename S>
void SwapLeadingAxes(const S* src, int64_t d0, int64_t d1, int64_t inner, D* dst) {
  for (int64_t i = 0; i < d0; ++i)
    for (int64_t j = 0; j < d1; ++j) {
      const S* s = src + (i * d1 + j) * inner;
      D* t = dst + (j * d0 + i) * inner;
      for (int64_t k = 0; k < inner; ++k) t[k] = CastValue<D>(s[k]);
    }
}

template <typename D, typename S>
const D* AsCompute(const S* src, int64_t n, std::vector<D>& buf) {
  if constexpr (std::is_same_v<D, S>) {
    return src;
  } else {
    buf.resize(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) buf[i] = CastValue<D>(src[i]);
    return buf.data();
  }
}

bool OutputExists(const OpKernelContext& ctx, int i);

// Checks shapes and returns the dimensions; throws on any inconsistency.
RnnDims ValidateInputs(const OpKernelContext& ctx, const RnnAttributes& a, const RecurrentOpSpec& spec,
                       std::vector<int32_t>& lengths);

}  // namespace detail

template <typename Core>
void RunRecurrentOp(OpKernelContext& ctx, const RnnAttributes& attrs, const RecurrentOpSpec& spec, Core&& core) {
  std::vector<int32_t> lengths;
  const RnnDims dims = detail::ValidateInputs(ctx, attrs, spec, lengths);
  const Tensor& x_tensor = ctx.RequiredInput(0);
  const bool batch_major = attrs.layout == 1;

  VisitType<TypeList<float, double, MLFloat16>>(
      x_tensor.GetElementType(),
      [&](auto tag) {
        using T = typename decltype(tag)::type;
        using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
        const int64_t S = dims.seq_length, N = dims.batch, I = dims.input_size, H = dims.hidden,
                      D = dims.num_directions;
        const int64_t state_size = D * N * H;

        RnnBuffers<C> io;
        io.dims = dims;
        io.lengths = lengths.data();

        std::vector<C> x_buf, w_buf, r_buf, b_buf, h0_buf, c0_buf, p_buf;
        const T* x_raw = x_tensor.Data<T>();
        if (batch_major) {
          x_buf.resize(static_cast<size_t>(S * N * I));
          detail::SwapLeadingAxes(x_raw, N, S, I, x_buf.data());
          io.X = x_buf.data();
        } else {
          io.X = detail::AsCompute<C>(x_raw, S * N * I, x_buf);
        }
        const Tensor& w = ctx.RequiredInput(1);
        const Tensor& r = ctx.RequiredInput(2);
        io.W = detail::AsCompute<C>(w.Data<T>(), w.NumElements(), w_buf);
        io.R = detail::AsCompute<C>(r.Data<T>(), r.NumElements(), r_buf);
        if (const Tensor* b = ctx.Input(3)) io.B = detail::AsCompute<C>(b->Data<T>(), b->NumElements(), b_buf);
        auto load_state = [&](int index, std::vector<C>& buf) -> const C* {
          const Tensor* t = ctx.Input(index);
          if (!t) return nullptr;
          if (!batch_major) return detail::AsCompute<C>(t->Data<T>(), state_size, buf);
          buf.resize(static_cast<size_t>(state_size));
          detail::SwapLeadingAxes(t->Data<T>(), N, D, H, buf.data());
          return buf.data();
        };
        io.initial_h = load_state(5, h0_buf);
        if (spec.is_lstm) {
          io.initial_c = load_state(6, c0_buf);
          if (const Tensor* p = ctx.Input(7)) io.P = detail::AsCompute<C>(p->Data<T>(), p->NumElements(), p_buf);
        }

        // Outputs: written in place when the node's layout and type equal the internal ones.
        const bool direct = !batch_major && std::is_same_v<T, C>;
        const TensorShape y_shape = batch_major ? TensorShape({N, S, D, H}) : TensorShape({S, D, N, H});
        const TensorShape state_shape = batch_major ? TensorShape({N, D, H}) : TensorShape({D, N, H});
        const DataType out_type = DataTypeFor<T>();
        std::vector<C> y_buf, yh_buf, yc_buf;
        Tensor* y_out = detail::OutputExists(ctx, 0) ? ctx.Output(0, y_shape, out_type) : nullptr;
        Tensor* yh_out = detail::OutputExists(ctx, 1) ? ctx.Output(1, state_shape, out_type) : nullptr;
        Tensor* yc_out = spec.is_lstm && detail::OutputExists(ctx, 2) ? ctx.Output(2, state_shape, out_type) : nullptr;
        auto bind = [&](Tensor* out, std::vector<C>& buf, int64_t n) -> C* {
          if (!out) return nullptr;
          if constexpr (std::is_same_v<T, C>) {
            if (direct) {
              C* p = out->MutableData<C>();
              std::fill(p, p + n, C(0));
              return p;
            }
          }
          buf.assign(static_cast<size_t>(n), C(0));
          return buf.data();
        };
        io.Y = bind(y_out, y_buf, S * state_size);
        io.Y_h = bind(yh_out, yh_buf, state_size);
        io.Y_c = bind(yc_out, yc_buf, state_size);

        core(io);

        if (direct) return;
        auto store = [&](Tensor* out, const std::vector<C>& buf, int64_t outer) {
          if (!out) return;
          T* dst = out->MutableData<T>();
          if (batch_major) {
            detail::SwapLeadingAxes(buf.data(), outer, N, H, dst);
          } else {
            for (size_t i = 0; i < buf.size(); ++i) dst[i] = detail::CastValue<T>(buf[i]);
          }
        };
        store(y_out, y_buf, S * D);
        store(yh_out, yh_buf, D);
        store(yc_out, yc_buf, D);
      },
      "recurrent operators");
}

// ---- activation functions -------------------------------------------------------------------

template <typename T>
void Activation::Apply(T* x, int64_t n) const {
  const T a = static_cast<T>(alpha), b = static_cast<T>(beta);
  switch (kind) {
    case ActivationKind::kRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = std::max(T(0), x[i]);
      break;
    case ActivationKind::kTanh:
      for (int64_t i = 0; i < n; ++i) x[i] = std::tanh(x[i]);
      break;
    case ActivationKind::kSigmoid:
      for (int64_t i = 0; i < n; ++i) x[i] = T(1) / (T(1) + std::exp(-x[i]));
      break;
    case ActivationKind::kAffine:
      for (int64_t i = 0; i < n; ++i) x[i] = a * x[i] + b;
      break;
    case ActivationKind::kLeakyRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= T(0) ? x[i] : a * x[i];
      break;
    case ActivationKind::kThresholdedRelu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= a ? x[i] : T(0);
      break;
    case ActivationKind::kScaledTanh:
      for (int64_t i = 0; i < n; ++i) x[i] = a * std::tanh(b * x[i]);
      break;
    case ActivationKind::kHardSigmoid:
      for (int64_t i = 0; i < n; ++i) x[i] = std::min(T(1), std::max(T(0), a * x[i] + b));
      break;
    case ActivationKind::kElu:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] >= T(0) ? x[i] : a * (std::exp(x[i]) - T(1));
      break;
    case ActivationKind::kSoftsign:
      for (int64_t i = 0; i < n; ++i) x[i] = x[i] / (T(1) + std::abs(x[i]));
      break;
    case ActivationKind::kSoftplus:
      // max(x,0) + log1p(exp(-|x|)) equals log(1 + e^x) without overflowing for large x.
      for (int64_t i = 0; i < n; ++i) x[i] = std::max(x[i], T(0)) + std::log1p(std::exp(-std::abs(x[i])));
      break;
  }
}

}  // namespace rnn
}  // namespace ortlite
