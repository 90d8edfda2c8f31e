// com.microsoft Attention: multi-head self-attention with a packed Q/K/V input projection.
//   QKV = input (B, S, Hin) x weights (Hin, H + H + Hv) + bias
//   per batch b and head n (head size d = H / N, dv = Hv / N):
//     scores = scale * Q K^T + attention_bias + mask terms     (S, T), T = P + S
//     output[b, :, n*dv:(n+1)*dv] = softmax(scores) V
// K and V are the past (2, B, N, P, d) followed by this step's; present holds them (2, B, N, T, d).
// scale defaults to (and 0 means) 1/sqrt(d). Masks add mask_filter_value (default -10000) to masked scores:
//   mask_index (B, T) or (B, S, T): raw mask, 0 masks the key;
//   mask_index (B): keys at or after the given end position are masked (right padding);
//   mask_index (2B): end positions then start positions, keys outside [start, end) are masked;
//   unidirectional: key j > P + i is masked for query i.
// attention_bias (B or 1, N or 1, S, T) is added to the scores.
// do_rotary, past_present_share_buffer and the (3B + 2) and 4-D mask formats are refused.
// (B, N) pairs run in parallel, each as GEMMs reading Q, K and V in place with strides.
#include <cmath>
#include <memory>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/contrib/contrib_math.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/math/prepacked_weights.h"

namespace ortlite {
namespace contrib {
namespace {

enum class MaskKind { kNone, kRaw2D, kRaw3D, kEnd, kStartEnd };

// Float copy of a tensor (aliases float data).
class FloatView {
 public:
  explicit FloatView(const Tensor* t) {
    if (!t) return;
    if (t->GetElementType() == DataType::kFloat) {
      ptr_ = t->Data<float>();
      return;
    }
    copy_.resize(static_cast<size_t>(t->NumElements()));
    VisitType<TypeList<MLFloat16, BFloat16>>(t->GetElementType(), [&](auto tag) {
      using T = typename decltype(tag)::type;
      for (size_t i = 0; i < copy_.size(); ++i) copy_[i] = t->Data<T>()[i].ToFloat();
    }, "Attention");
    ptr_ = copy_.data();
  }
  const float* data() const { return ptr_; }

 private:
  const float* ptr_ = nullptr;
  std::vector<float> copy_;
};

class Attention final : public OpKernel {
 public:
  explicit Attention(const OpKernelInfo& info)
      : OpKernel(info),
        num_heads_(info.GetAttr<int64_t>("num_heads")),
        unidirectional_(info.GetAttrOrDefault<int64_t>("unidirectional", 0) != 0),
        mask_filter_value_(info.GetAttrOrDefault<float>("mask_filter_value", -10000.0f)),
        has_scale_(info.HasAttr("scale")),
        scale_(info.GetAttrOrDefault<float>("scale", 0.0f)),
        qkv_sizes_(info.GetAttrOrDefault<std::vector<int64_t>>("qkv_hidden_sizes", {})),
        packed_weights_(PrePackConstantSgemmB(info, 1, false)) {
    ORTLITE_CHECK_ARG(num_heads_ > 0, "Attention num_heads must be positive, got ", num_heads_);
    ORTLITE_CHECK_ARG(info.GetAttrOrDefault<int64_t>("do_rotary", 0) == 0, "Attention: do_rotary is not supported");
    ORTLITE_CHECK_ARG(info.GetAttrOrDefault<int64_t>("past_present_share_buffer", 0) == 0,
                      "Attention: past_present_share_buffer is not supported");
    ORTLITE_CHECK_ARG(qkv_sizes_.empty() || qkv_sizes_.size() == 3, "Attention qkv_hidden_sizes must have 3 values");
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input = ctx.RequiredInput(0);
    const Tensor& weights = ctx.RequiredInput(1);
    const Tensor* bias = ctx.Input(2);
    const Tensor* mask = ctx.Input(3);
    const Tensor* past = ctx.Input(4);
    const Tensor* attn_bias = ctx.Input(5);
    const DataType type = input.GetElementType();
    ORTLITE_CHECK_ARG(type == DataType::kFloat || type == DataType::kFloat16 || type == DataType::kBFloat16,
                      "Attention supports float, float16 and bfloat16, got ", DataTypeName(type));
    ORTLITE_CHECK_ARG(input.Shape().NumDimensions() == 3, "Attention input must be 3-D, got ", input.Shape().ToString());
    const int64_t B = input.Shape()[0], S = input.Shape()[1], Hin = input.Shape()[2];
    ORTLITE_CHECK_ARG(weights.GetElementType() == type && weights.Shape().NumDimensions() == 2 &&
                          weights.Shape()[0] == Hin,
                      "Attention weights must be 2-D {", Hin, ", 3 * hidden} of the input's type, got ",
                      weights.Shape().ToString());
    const int64_t total = weights.Shape()[1];
    int64_t H = total / 3, Hk = H, Hv = total - 2 * H;
    if (!qkv_sizes_.empty()) {
      H = qkv_sizes_[0];
      Hk = qkv_sizes_[1];
      Hv = qkv_sizes_[2];
      ORTLITE_CHECK_ARG(H > 0 && Hk == H && Hv > 0 && H + Hk + Hv == total,
                        "Attention qkv_hidden_sizes must be {H, H, Hv} summing to the weights' columns (", total, ")");
    }
    ORTLITE_CHECK_ARG(H > 0 && H % num_heads_ == 0 && Hv % num_heads_ == 0 && (qkv_sizes_.size() == 3 || total % 3 == 0),
                      "Attention hidden sizes (", H, ", ", Hv, ") must be multiples of num_heads (", num_heads_, ")");
    const int64_t N = num_heads_, d = H / N, dv = Hv / N;
    if (bias) {
      ORTLITE_CHECK_ARG(bias->GetElementType() == type && bias->Shape().NumDimensions() == 1 && bias->Shape()[0] == total,
                        "Attention bias must be 1-D of ", total, " values, got ", bias->Shape().ToString());
    }
    int64_t P = 0;
    if (past) {
      ORTLITE_CHECK_ARG(d == dv, "Attention with past needs equal Q, K and V head sizes");
      const auto& pd = past->Shape().GetDims();
      ORTLITE_CHECK_ARG(past->GetElementType() == type && pd.size() == 5 && pd[0] == 2 && pd[1] == B && pd[2] == N &&
                            pd[4] == d,
                        "Attention past must be {2, ", B, ", ", N, ", past_sequence_length, ", d, "}, got ",
                        past->Shape().ToString());
      P = pd[3];
    }
    const int64_t T = P + S;
    const bool want_present = ctx.OutputCount() > 1 && ctx.OutputIsUsed(1);
    ORTLITE_CHECK_ARG(!want_present || d == dv, "Attention present needs equal K and V head sizes");
    const MaskKind mask_kind = CheckMask(mask, B, S, T);
    if (attn_bias) {
      const auto& ab = attn_bias->Shape().GetDims();
      ORTLITE_CHECK_ARG(attn_bias->GetElementType() == type && ab.size() == 4 && (ab[0] == B || ab[0] == 1) &&
                            (ab[1] == N || ab[1] == 1) && ab[2] == S && ab[3] == T,
                        "Attention attention_bias must be {", B, " or 1, ", N, " or 1, ", S, ", ", T, "}, got ",
                        attn_bias->Shape().ToString());
    }

    Tensor* out = ctx.Output(0, TensorShape({B, S, Hv}), type);
    Tensor* present = want_present ? ctx.Output(1, TensorShape({2, B, N, T, d}), type) : nullptr;
    if (B == 0) return;
    if (S == 0) {
      if (present && past) CopyTensorData(*past, *present);
      return;
    }
    ThreadPool* pool = ctx.GetThreadPool();

    // Projection: qkv (B*S, total) = input x weights + bias.
    // Pre-packed weights are never read unpacked (the session may have released them).
    const bool packed = packed_weights_ && type == DataType::kFloat;
    FloatView x(&input), w(packed ? nullptr : &weights), bv(bias), pv(past), abv(attn_bias);
    // Every element is written below (bias rows, then the GEMM), so the buffer is not zeroed.
    std::unique_ptr<float[]> qkv_buf(new float[static_cast<size_t>(B * S * total)]);
    float* qkv = qkv_buf.get();
    if (bias) {
      for (int64_t r = 0; r < B * S; ++r) std::copy(bv.data(), bv.data() + total, qkv + r * total);
    }
    if (packed) {
      SgemmWithPackedB(false, B * S, 1.0f, x.data(), Hin, *packed_weights_, bias ? 1.0f : 0.0f, qkv, total, pool);
    } else {
      Sgemm(false, false, B * S, total, Hin, 1.0f, x.data(), Hin, w.data(), total, bias ? 1.0f : 0.0f, qkv, total,
            pool);
    }

    const float scale = has_scale_ && scale_ != 0.0f ? scale_ : 1.0f / std::sqrt(static_cast<float>(d));
    const int32_t* mask_data = mask ? mask->Data<int32_t>() : nullptr;
    const bool float_out = type == DataType::kFloat;
    std::vector<float> out_buf(float_out ? 0 : static_cast<size_t>(B * S * Hv));
    float* y = float_out ? out->MutableData<float>() : out_buf.data();
    std::vector<float> present_buf(present && !float_out ? static_cast<size_t>(2 * B * N * T * d) : 0);
    float* pres = present ? (float_out ? present->MutableData<float>() : present_buf.data()) : nullptr;

    const double cost = 2.0 * S * T * (d + dv) + 40.0 * S * T;
    ThreadPool::TryParallelFor(pool, B * N, cost, [&](int64_t begin, int64_t end) {
      std::vector<float> scores(static_cast<size_t>(S * T));
      std::vector<float> kv_scratch;
      for (int64_t bn = begin; bn < end; ++bn) {
        const int64_t b = bn / N, n = bn % N;
        const float* q = qkv + b * S * total + n * d;
        const float* k = qkv + b * S * total + H + n * d;
        const float* v = qkv + b * S * total + 2 * H + n * dv;
        int64_t ldk = total, ldv = total;
        if (past || pres) {
          // K and V of all T positions, contiguous: the present output or scratch.
          float* kt;
          float* vt;
          if (pres) {
            kt = pres + (b * N + n) * T * d;
            vt = pres + ((B + b) * N + n) * T * d;
          } else {
            kv_scratch.resize(static_cast<size_t>(T * (d + dv)));
            kt = kv_scratch.data();
            vt = kt + T * d;
          }
          if (past) {
            std::copy_n(pv.data() + (b * N + n) * P * d, P * d, kt);
            std::copy_n(pv.data() + ((B + b) * N + n) * P * d, P * d, vt);
          }
          for (int64_t s = 0; s < S; ++s) {
            std::copy_n(k + s * total, d, kt + (P + s) * d);
            std::copy_n(v + s * total, dv, vt + (P + s) * dv);
          }
          k = kt;
          v = vt;
          ldk = d;
          ldv = dv;
        }
        Sgemm(false, true, S, T, d, scale, q, total, k, ldk, 0.0f, scores.data(), T, nullptr);
        for (int64_t i = 0; i < S; ++i) {
          float* row = scores.data() + i * T;
          if (attn_bias) {
            const int64_t ab_b = attn_bias->Shape()[0] == 1 ? 0 : b, ab_n = attn_bias->Shape()[1] == 1 ? 0 : n;
            const float* ab = abv.data() + ((ab_b * attn_bias->Shape()[1] + ab_n) * S + i) * T;
            Row<float>(row, T) += ConstRow<float>(ab, T);
          }
          ApplyMask(mask_kind, mask_data, B, S, T, P, b, i, row);
          SoftmaxRow(row, T);
        }
        Sgemm(false, false, S, dv, T, 1.0f, scores.data(), T, v, ldv, 0.0f, y + b * S * Hv + n * dv, Hv, nullptr);
      }
    });

    if (!float_out) {
      VisitType<TypeList<MLFloat16, BFloat16>>(type, [&](auto tag) {
        using U = typename decltype(tag)::type;
        U* o = out->MutableData<U>();
        for (size_t i = 0; i < out_buf.size(); ++i) o[i] = U(out_buf[i]);
        if (present) {
          U* p = present->MutableData<U>();
          for (size_t i = 0; i < present_buf.size(); ++i) p[i] = U(present_buf[i]);
        }
      }, "Attention");
    }
  }

 private:
  static MaskKind CheckMask(const Tensor* mask, int64_t B, int64_t S, int64_t T) {
    if (!mask) return MaskKind::kNone;
    ORTLITE_CHECK_ARG(mask->GetElementType() == DataType::kInt32, "Attention mask_index must be int32, got ",
                      DataTypeName(mask->GetElementType()));
    const auto& m = mask->Shape().GetDims();
    if (m.size() == 2 && m[0] == B && m[1] == T) return MaskKind::kRaw2D;
    if (m.size() == 3 && m[0] == B && m[1] == S && m[2] == T) return MaskKind::kRaw3D;
    if (m.size() == 1 && m[0] == B) return MaskKind::kEnd;
    if (m.size() == 1 && m[0] == 2 * B) return MaskKind::kStartEnd;
    ORTLITE_CHECK_ARG(false, "Attention mask_index shape ", mask->Shape().ToString(), " is not one of {", B, ", ", T,
                      "}, {", B, ", ", S, ", ", T, "}, {", B, "} or {", 2 * B, "}");
    return MaskKind::kNone;
  }

  void ApplyMask(MaskKind kind, const int32_t* m, int64_t B, int64_t S, int64_t T, int64_t P, int64_t b, int64_t i,
                 float* row) const {
    const float f = mask_filter_value_;
    switch (kind) {
      case MaskKind::kNone:
        break;
      case MaskKind::kRaw2D:
      case MaskKind::kRaw3D: {
        const int32_t* mr = kind == MaskKind::kRaw2D ? m + b * T : m + (b * S + i) * T;
        for (int64_t j = 0; j < T; ++j)
          if (mr[j] == 0) row[j] += f;
        break;
      }
      case MaskKind::kEnd:
      case MaskKind::kStartEnd: {
        const int64_t end = m[b];
        const int64_t start = kind == MaskKind::kStartEnd ? m[B + b] : 0;
        for (int64_t j = 0; j < T; ++j)
          if (j < start || j >= end) row[j] += f;
        break;
      }
    }
    if (unidirectional_)
      for (int64_t j = P + i + 1; j < T; ++j) row[j] += f;
  }

  int64_t num_heads_;
  bool unidirectional_;
  float mask_filter_value_;
  bool has_scale_;
  float scale_;
  std::vector<int64_t> qkv_sizes_;
  std::shared_ptr<const PackedSgemmB> packed_weights_;  // null unless the weights are a constant float matrix
};

}  // namespace

CPU_KERNEL_EX(Attention, kMSDomain, 1, INT_MAX, Attention, KernelDefBuilder())

}  // namespace contrib
}  // namespace ortlite
