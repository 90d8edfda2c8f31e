// RNN (opsets 1, 7, 14): Ht = f(Xt*W^T + Ht-1*R^T + Wb + Rb), one layer, any direction.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/rnn/rnn_helpers.h"

namespace ortlite {
namespace {

class RnnKernel final : public OpKernel {
 public:
  explicit RnnKernel(const OpKernelInfo& info) : OpKernel(info), attrs_(rnn::ParseRnnAttributes(info, {"Tanh"})) {}

  void Compute(OpKernelContext& ctx) const override {
    rnn::RunRecurrentOp(ctx, attrs_, {1, false}, [&](auto& io) { Run(io, ctx.GetThreadPool()); });
  }

 private:
  template <typename C>
  void Run(rnn::RnnBuffers<C>& io, ThreadPool* pool) const {
    const rnn::RnnDims& d = io.dims;
    const int64_t N = d.batch, H = d.hidden;
    const int64_t steps = rnn::MaxLength(io.lengths, N);
    std::vector<C> projected;
    std::vector<C> hidden(static_cast<size_t>(N * H));
    for (int64_t dir = 0; dir < d.num_directions; ++dir) {
      rnn::ProjectInput(io, dir, 1, -1, projected, pool);
      const C* R = io.R + dir * H * H;
      const rnn::Activation& f = attrs_.activations[dir];
      const bool reverse = rnn::IsReverse(attrs_, dir);
      if (io.initial_h) {
        std::copy(io.initial_h + dir * N * H, io.initial_h + (dir + 1) * N * H, hidden.begin());
      } else {
        std::fill(hidden.begin(), hidden.end(), C(0));
      }
      std::vector<C> pre(static_cast<size_t>(N * H));
      for (int64_t s = 0; s < steps; ++s) {
        rnn::RnnGemm(true, N, H, H, hidden.data(), H, R, H, false, pre.data(), H, pool);
        for (int64_t b = 0; b < N; ++b) {
          if (s >= io.lengths[b]) continue;
          const int64_t t = rnn::TimeIndex(reverse, s, io.lengths[b]);
          C* g = pre.data() + b * H;
          const C* xw = projected.data() + (t * N + b) * H;
          for (int64_t j = 0; j < H; ++j) g[j] += xw[j];
          rnn::ClipInPlace(g, H, attrs_);
          f.Apply(g, H);
          // The recurrent product for this step is done, so the state can be overwritten.
          std::copy(g, g + H, hidden.data() + b * H);
          if (io.Y) std::copy(g, g + H, io.Y + ((t * d.num_directions + dir) * N + b) * H);
        }
      }
      if (io.Y_h) {
        for (int64_t b = 0; b < N; ++b) {
          C* out = io.Y_h + (dir * N + b) * H;
          // A sequence of length 0 has no last step; its final state is zero like its Y rows.
          if (io.lengths[b] > 0) std::copy(hidden.data() + b * H, hidden.data() + (b + 1) * H, out);
        }
      }
    }
  }

  rnn::RnnAttributes attrs_;
};

}  // namespace

ONNX_CPU_KERNEL(RNN, 1, RnnKernel, KernelDefBuilder())

}  // namespace ortlite
