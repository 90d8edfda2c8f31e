// LSTM (opsets 1, 7, 14), gates ordered i (input), o (output), f (forget), c (cell):
//   it = f(Xt*Wi^T + Ht-1*Ri^T + Pi . Ct-1 + Wbi + Rbi)
//   ft = f(Xt*Wf^T + Ht-1*Rf^T + Pf . Ct-1 + Wbf + Rbf)     (ft = 1 - it with input_forget)
//   ct = g(Xt*Wc^T + Ht-1*Rc^T + Wbc + Rbc)
//   Ct = ft . Ct-1 + it . ct
//   ot = f(Xt*Wo^T + Ht-1*Ro^T + Po . Ct + Wbo + Rbo)
//   Ht = ot . h(Ct)
// clip bounds the gate pre-activations (after peepholes and biases). Ct is kept and passed to h
// unclipped, as ONNX Runtime does, although the spec's wording could be read to clip it too.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/rnn/rnn_helpers.h"

namespace ortlite {
namespace {

class LstmKernel final : public OpKernel {
 public:
  explicit LstmKernel(const OpKernelInfo& info)
      : OpKernel(info),
        attrs_(rnn::ParseRnnAttributes(info, {"Sigmoid", "Tanh", "Tanh"})),
        input_forget_(info.GetAttrOrDefault<int64_t>("input_forget", 0) != 0) {}

  void Compute(OpKernelContext& ctx) const override {
    rnn::RunRecurrentOp(ctx, attrs_, {4, true}, [&](auto& io) { Run(io, ctx.GetThreadPool()); });
  }

 private:
  template <typename C>
  void Run(rnn::RnnBuffers<C>& io, ThreadPool* pool) const {
    const rnn::RnnDims& d = io.dims;
    const int64_t N = d.batch, H = d.hidden, W4 = 4 * H;
    const int64_t steps = rnn::MaxLength(io.lengths, N);
    std::vector<C> projected;
    std::vector<C> hidden(static_cast<size_t>(N * H)), cell(static_cast<size_t>(N * H));
    std::vector<C> gates(static_cast<size_t>(N * W4));
    std::vector<C> cell_act(static_cast<size_t>(H));
    for (int64_t dir = 0; dir < d.num_directions; ++dir) {
      rnn::ProjectInput(io, dir, 4, -1, projected, pool);
      const C* R = io.R + dir * W4 * H;
      const C* p_i = io.P ? io.P + dir * 3 * H : nullptr;
      const C* p_o = p_i ? p_i + H : nullptr;
      const C* p_f = p_i ? p_i + 2 * H : nullptr;
      const rnn::Activation& f = attrs_.activations[dir * 3];
      const rnn::Activation& g = attrs_.activations[dir * 3 + 1];
      const rnn::Activation& h = attrs_.activations[dir * 3 + 2];
      const bool reverse = rnn::IsReverse(attrs_, dir);
      auto load = [&](const C* init, std::vector<C>& state) {
        if (init) {
          std::copy(init + dir * N * H, init + (dir + 1) * N * H, state.begin());
        } else {
          std::fill(state.begin(), state.end(), C(0));
        }
      };
      load(io.initial_h, hidden);
      load(io.initial_c, cell);

      for (int64_t s = 0; s < steps; ++s) {
        rnn::RnnGemm(true, N, W4, H, hidden.data(), H, R, H, false, gates.data(), W4, pool);
        for (int64_t b = 0; b < N; ++b) {
          if (s >= io.lengths[b]) continue;
          const int64_t t = rnn::TimeIndex(reverse, s, io.lengths[b]);
          const C* xw = projected.data() + (t * N + b) * W4;
          C* gi = gates.data() + b * W4;
          C* go = gi + H;
          C* gf = gi + 2 * H;
          C* gc = gi + 3 * H;
          C* c = cell.data() + b * H;
          for (int64_t j = 0; j < W4; ++j) gi[j] += xw[j];
          if (p_i) {
            for (int64_t j = 0; j < H; ++j) gi[j] += p_i[j] * c[j];
            for (int64_t j = 0; j < H; ++j) gf[j] += p_f[j] * c[j];
          }
          rnn::ClipInPlace(gi, H, attrs_);
          f.Apply(gi, H);
          if (input_forget_) {
            for (int64_t j = 0; j < H; ++j) gf[j] = C(1) - gi[j];
          } else {
            rnn::ClipInPlace(gf, H, attrs_);
            f.Apply(gf, H);
          }
          rnn::ClipInPlace(gc, H, attrs_);
          g.Apply(gc, H);
          for (int64_t j = 0; j < H; ++j) c[j] = gf[j] * c[j] + gi[j] * gc[j];
          if (p_o) {
            for (int64_t j = 0; j < H; ++j) go[j] += p_o[j] * c[j];
          }
          rnn::ClipInPlace(go, H, attrs_);
          f.Apply(go, H);
          std::copy(c, c + H, cell_act.begin());
          h.Apply(cell_act.data(), H);
          C* hid = hidden.data() + b * H;
          for (int64_t j = 0; j < H; ++j) hid[j] = go[j] * cell_act[j];
          if (io.Y) std::copy(hid, hid + H, io.Y + ((t * d.num_directions + dir) * N + b) * H);
        }
      }
      for (int64_t b = 0; b < N; ++b) {
        // A sequence of length 0 has no last step; its final states are zero like its Y rows.
        if (io.lengths[b] == 0) continue;
        if (io.Y_h) std::copy(hidden.data() + b * H, hidden.data() + (b + 1) * H, io.Y_h + (dir * N + b) * H);
        if (io.Y_c) std::copy(cell.data() + b * H, cell.data() + (b + 1) * H, io.Y_c + (dir * N + b) * H);
      }
    }
  }

  rnn::RnnAttributes attrs_;
  bool input_forget_;
};

}  // namespace

ONNX_CPU_KERNEL(LSTM, 1, LstmKernel, KernelDefBuilder())

}  // namespace ortlite
