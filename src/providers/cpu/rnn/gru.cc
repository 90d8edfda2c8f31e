// GRU (opsets 1, 3, 7, 14), gates ordered z (update), r (reset), h (hidden):
//   zt = f(Xt*Wz^T + Ht-1*Rz^T + Wbz + Rbz)       rt = f(Xt*Wr^T + Ht-1*Rr^T + Wbr + Rbr)
//   ht = g(Xt*Wh^T + (rt . Ht-1)*Rh^T + Rbh + Wbh)          linear_before_reset = 0
//   ht = g(Xt*Wh^T + rt . (Ht-1*Rh^T + Rbh) + Wbh)          linear_before_reset != 0
//   Ht = (1 - zt) . ht + zt . Ht-1
#include "core/framework/kernel_registry.h"
#include "providers/cpu/rnn/rnn_helpers.h"

namespace ortlite {
namespace {

class GruKernel final : public OpKernel {
 public:
  explicit GruKernel(const OpKernelInfo& info)
      : OpKernel(info),
        attrs_(rnn::ParseRnnAttributes(info, {"Sigmoid", "Tanh"})),
        linear_before_reset_(info.GetAttrOrDefault<int64_t>("linear_before_reset", 0) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    rnn::RunRecurrentOp(ctx, attrs_, {3, false}, [&](auto& io) { Run(io, ctx.GetThreadPool()); });
  }

 private:
  template <typename C>
  void Run(rnn::RnnBuffers<C>& io, ThreadPool* pool) const {
    const rnn::RnnDims& d = io.dims;
    const int64_t N = d.batch, H = d.hidden, W3 = 3 * H;
    const int64_t steps = rnn::MaxLength(io.lengths, N);
    std::vector<C> projected;
    std::vector<C> hidden(static_cast<size_t>(N * H));
    std::vector<C> recurrent(static_cast<size_t>(N * W3));   // Ht-1*R^T per gate
    std::vector<C> reset_hidden(static_cast<size_t>(N * H), C(0));  // rt . Ht-1
    std::vector<C> candidate(static_cast<size_t>(H));
    for (int64_t dir = 0; dir < d.num_directions; ++dir) {
      // With linear_before_reset, Rbh is applied inside the reset product, not with the input.
      rnn::ProjectInput(io, dir, 3, linear_before_reset_ ? 2 : -1, projected, pool);
      const C* R = io.R + dir * W3 * H;
      const C* rbh = io.B && linear_before_reset_ ? io.B + dir * 2 * W3 + W3 + 2 * H : nullptr;
      const rnn::Activation& f = attrs_.activations[dir * 2];
      const rnn::Activation& g = attrs_.activations[dir * 2 + 1];
      const bool reverse = rnn::IsReverse(attrs_, dir);
      if (io.initial_h) {
        std::copy(io.initial_h + dir * N * H, io.initial_h + (dir + 1) * N * H, hidden.begin());
      } else {
        std::fill(hidden.begin(), hidden.end(), C(0));
      }

      for (int64_t s = 0; s < steps; ++s) {
        rnn::RnnGemm(true, N, linear_before_reset_ ? W3 : 2 * H, H, hidden.data(), H, R, H, false, recurrent.data(),
                     W3, pool);
        for (int64_t b = 0; b < N; ++b) {
          if (s >= io.lengths[b]) continue;
          const int64_t t = rnn::TimeIndex(reverse, s, io.lengths[b]);
          const C* xw = projected.data() + (t * N + b) * W3;
          C* zr = recurrent.data() + b * W3;  // z then r, contiguous
          for (int64_t j = 0; j < 2 * H; ++j) zr[j] += xw[j];
          rnn::ClipInPlace(zr, 2 * H, attrs_);
          f.Apply(zr, 2 * H);
          const C* r = zr + H;
          const C* h_prev = hidden.data() + b * H;
          if (linear_before_reset_) {
            C* hh = zr + 2 * H;
            for (int64_t j = 0; j < H; ++j) hh[j] = xw[2 * H + j] + r[j] * (hh[j] + (rbh ? rbh[j] : C(0)));
          } else {
            C* rh = reset_hidden.data() + b * H;
            for (int64_t j = 0; j < H; ++j) rh[j] = r[j] * h_prev[j];
          }
        }
        if (!linear_before_reset_) {
          rnn::RnnGemm(true, N, H, H, reset_hidden.data(), H, R + 2 * H * H, H, false, recurrent.data() + 2 * H, W3,
                       pool);
        }
        for (int64_t b = 0; b < N; ++b) {
          if (s >= io.lengths[b]) continue;
          const int64_t t = rnn::TimeIndex(reverse, s, io.lengths[b]);
          const C* xw = projected.data() + (t * N + b) * W3;
          const C* z = recurrent.data() + b * W3;
          const C* hh = z + 2 * H;
          for (int64_t j = 0; j < H; ++j) candidate[j] = linear_before_reset_ ? hh[j] : hh[j] + xw[2 * H + j];
          rnn::ClipInPlace(candidate.data(), H, attrs_);
          g.Apply(candidate.data(), H);
          C* h = hidden.data() + b * H;
          for (int64_t j = 0; j < H; ++j) h[j] = (C(1) - z[j]) * candidate[j] + z[j] * h[j];
          if (io.Y) std::copy(h, h + H, io.Y + ((t * d.num_directions + dir) * N + b) * H);
        }
      }
      if (io.Y_h) {
        for (int64_t b = 0; b < N; ++b) {
          // A sequence of length 0 has no last step; its final state is zero like its Y rows.
          if (io.lengths[b] > 0)
            std::copy(hidden.data() + b * H, hidden.data() + (b + 1) * H, io.Y_h + (dir * N + b) * H);
        }
      }
    }
  }

  rnn::RnnAttributes attrs_;
  bool linear_before_reset_;
};

}  // namespace

ONNX_CPU_KERNEL(GRU, 1, GruKernel, KernelDefBuilder())

}  // namespace ortlite
