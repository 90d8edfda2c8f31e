// MatMulInteger (10) and QLinearMatMul (10): numpy-style matmul of 8-bit tensors.
//   MatMulInteger:  Y = (A - a_zp) * (B - b_zp)                        as int32
//   QLinearMatMul:  y = saturate(round((A - a_zp) * (B - b_zp) * a_scale * b_scale / y_scale) + y_zp)
// Zero points and scales of A are one value or one per row (shape [M] or [..., M, 1]); those of B
// one value or one per column (shape [N] or [..., 1, N]). Batched parameters broadcast like the
// matrices' batch dimensions.
#include "core/framework/kernel_registry.h"
#include "providers/cpu/common/broadcast.h"
#include "providers/cpu/quantization/quant_common.h"

namespace ortlite {
namespace {

// A zero point or scale of one operand, with the layout it was given in.
template <typename V>
struct MatrixParam {
  std::vector<V> values;
  bool per_vector = false;  // one value per row (A) or per column (B)
  TensorShape batch;        // batch dims of a batched parameter; empty otherwise
  int64_t vector_len = 1;   // values per batch entry

  V At(int64_t batch_offset, int64_t j) const {
    return per_vector ? values[static_cast<size_t>(batch_offset * vector_len + j)] : values[0];
  }
};

// Classifies a parameter tensor of operand A (rows = M) or B (columns = N).
template <typename V>
MatrixParam<V> MakeParam(const Tensor& t, std::vector<V> values, bool is_a, int64_t len, const char* name) {
  MatrixParam<V> p;
  p.values = std::move(values);
  const auto& dims = t.Shape().GetDims();
  const size_t rank = dims.size();
  if (t.NumElements() == 1) return p;
  p.per_vector = true;
  p.vector_len = len;
  if (rank == 1 && dims[0] == len) return p;
  const bool batched_ok = rank >= 2 && (is_a ? dims[rank - 2] == len && dims[rank - 1] == 1
                                             : dims[rank - 2] == 1 && dims[rank - 1] == len);
  ORTLITE_CHECK_ARG(batched_ok, name, " has shape ", t.Shape().ToString(), "; expected one value or one per ",
                    is_a ? "row" : "column", " (", len, ")");
  p.batch = TensorShape(std::vector<int64_t>(dims.begin(), dims.end() - 2));
  return p;
}

struct MatMulShapes {
  int64_t M = 1, K = 1, N = 1;
  TensorShape a_batch, b_batch, out_batch, out_shape;
};

MatMulShapes ComputeShapes(const TensorShape& a, const TensorShape& b) {
  ORTLITE_CHECK_ARG(a.NumDimensions() >= 1 && b.NumDimensions() >= 1, "matmul inputs need rank >= 1, got ",
                    a.ToString(), " and ", b.ToString());
  MatMulShapes s;
  const auto& ad = a.GetDims();
  const auto& bd = b.GetDims();
  const bool a_vec = ad.size() == 1, b_vec = bd.size() == 1;
  s.M = a_vec ? 1 : ad[ad.size() - 2];
  s.K = ad.back();
  const int64_t kb = b_vec ? bd[0] : bd[bd.size() - 2];
  s.N = b_vec ? 1 : bd.back();
  ORTLITE_CHECK_ARG(s.K == kb, "matmul inner dimensions differ: ", a.ToString(), " x ", b.ToString());
  s.a_batch = a_vec ? TensorShape{} : TensorShape(std::vector<int64_t>(ad.begin(), ad.end() - 2));
  s.b_batch = b_vec ? TensorShape{} : TensorShape(std::vector<int64_t>(bd.begin(), bd.end() - 2));
  s.out_batch = BroadcastShapes({s.a_batch, s.b_batch});
  std::vector<int64_t> out = s.out_batch.GetDims();
  if (!a_vec) out.push_back(s.M);
  if (!b_vec) out.push_back(s.N);
  s.out_shape = TensorShape(out);
  return s;
}

// Calls fn(out_batch_index, offsets) with, per entry of `batches`, the batch index it reads.
template <typename Fn>
void ForEachBatch(const TensorShape& out_batch, const std::vector<TensorShape>& batches, Fn&& fn) {
  for (const auto& b : batches) {
    ORTLITE_CHECK_ARG(BroadcastShapes({out_batch, b}) == out_batch, "batch dimensions ", b.ToString(),
                      " do not broadcast to ", out_batch.ToString());
  }
  BroadcastIndexer idx(batches, out_batch);
  ForEachBroadcast(idx, [&](int64_t out_i, const int64_t* in_i) { fn(out_i, in_i); });
}

// The shared product: for each output batch, acc[M,N] = (A - a_zp) * (B - b_zp), handed to
// emit(out_batch_index, acc, param_offsets) where param_offsets index `extra` batch shapes.
template <typename TA, typename TB, typename Emit>
void QuantizedMatMul(const Tensor& a, const Tensor& b, const MatMulShapes& s, const MatrixParam<int32_t>& a_zp,
                     const MatrixParam<int32_t>& b_zp, const std::vector<TensorShape>& extra, ThreadPool* pool,
                     Emit&& emit) {
  const int64_t M = s.M, N = s.N, K = s.K;
  std::vector<int16_t> a16(static_cast<size_t>(M * K)), b16(static_cast<size_t>(K * N));
  std::vector<int32_t> acc(static_cast<size_t>(M * N));
  std::vector<TensorShape> batches = {s.a_batch, s.b_batch, a_zp.batch, b_zp.batch};
  batches.insert(batches.end(), extra.begin(), extra.end());
  const TA* a_data = a.Data<TA>();
  const TB* b_data = b.Data<TB>();
  int64_t cached_b = -1, cached_bzp = -1;
  ForEachBatch(s.out_batch, batches, [&](int64_t out_i, const int64_t* off) {
    const TA* am = a_data + off[0] * M * K;
    for (int64_t m = 0; m < M; ++m) quant::SubtractZeroPoint(am + m * K, K, a_zp.At(off[2], m), a16.data() + m * K);
    // B is often shared by all batches (a weight); convert it once.
    if (off[1] != cached_b || off[3] != cached_bzp) {
      const TB* bm = b_data + off[1] * K * N;
      for (int64_t k = 0; k < K; ++k)
        for (int64_t n = 0; n < N; ++n)
          b16[k * N + n] = static_cast<int16_t>(static_cast<int32_t>(bm[k * N + n]) - b_zp.At(off[3], n));
      cached_b = off[1];
      cached_bzp = off[3];
    }
    quant::GemmS16S32(M, N, K, a16.data(), K, b16.data(), N, acc.data(), N, pool);
    emit(out_i, acc.data(), off + 4);
  });
}

MatrixParam<int32_t> ZeroPointParam(const Tensor* t, const Tensor& operand, bool is_a, int64_t len, const char* name) {
  if (!t) return MatrixParam<int32_t>{{0}, false, TensorShape{}, 1};
  ORTLITE_CHECK_ARG(t->GetElementType() == operand.GetElementType(), name, " has type ",
                    DataTypeName(t->GetElementType()), " but its operand has ", DataTypeName(operand.GetElementType()));
  return MakeParam<int32_t>(*t, quant::ReadAsInt32(*t, name), is_a, len, name);
}

class MatMulInteger final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(1);
    const MatMulShapes s = ComputeShapes(a.Shape(), b.Shape());
    const auto a_zp = ZeroPointParam(ctx.Input(2), a, true, s.M, "a_zero_point");
    const auto b_zp = ZeroPointParam(ctx.Input(3), b, false, s.N, "b_zero_point");
    Tensor* y = ctx.Output(0, s.out_shape, DataType::kInt32);
    int32_t* out = y->MutableData<int32_t>();
    const int64_t mat = s.M * s.N;
    VisitType<quant::Int8Types>(a.GetElementType(), [&](auto ta) {
      VisitType<quant::Int8Types>(b.GetElementType(), [&](auto tb) {
        using TA = typename decltype(ta)::type;
        using TB = typename decltype(tb)::type;
        QuantizedMatMul<TA, TB>(a, b, s, a_zp, b_zp, {}, ctx.GetThreadPool(),
                                [&](int64_t out_i, const int32_t* acc, const int64_t*) {
                                  std::copy(acc, acc + mat, out + out_i * mat);
                                });
      }, "MatMulInteger B");
    }, "MatMulInteger A");
  }
};

class QLinearMatMul final : public OpKernel {
 public:
  using OpKernel::OpKernel;

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& a = ctx.RequiredInput(0);
    const Tensor& b = ctx.RequiredInput(3);
    const MatMulShapes s = ComputeShapes(a.Shape(), b.Shape());
    const auto a_zp = ZeroPointParam(&ctx.RequiredInput(2), a, true, s.M, "a_zero_point");
    const auto b_zp = ZeroPointParam(&ctx.RequiredInput(5), b, false, s.N, "b_zero_point");
    const Tensor& a_scale_t = ctx.RequiredInput(1);
    const Tensor& b_scale_t = ctx.RequiredInput(4);
    const auto a_scale = MakeParam<float>(a_scale_t, quant::ReadScales(a_scale_t, "a_scale"), true, s.M, "a_scale");
    const auto b_scale = MakeParam<float>(b_scale_t, quant::ReadScales(b_scale_t, "b_scale"), false, s.N, "b_scale");
    const Tensor& y_scale_t = ctx.RequiredInput(6);
    const Tensor& y_zp_t = ctx.RequiredInput(7);
    ORTLITE_CHECK_ARG(quant::IsScalarLike(y_scale_t) && quant::IsScalarLike(y_zp_t),
                      "y_scale and y_zero_point must hold one value");
    const float y_scale = quant::ReadScales(y_scale_t, "y_scale")[0];
    const int32_t y_zp = quant::ReadAsInt32(y_zp_t, "y_zero_point")[0];
    const DataType out_type = y_zp_t.GetElementType();
    Tensor* y = ctx.Output(0, s.out_shape, out_type);
    const int64_t M = s.M, N = s.N;

    VisitType<quant::Int8Types>(a.GetElementType(), [&](auto ta) {
      VisitType<quant::Int8Types>(b.GetElementType(), [&](auto tb) {
        VisitType<quant::Int8Types>(out_type, [&](auto ty) {
          using TA = typename decltype(ta)::type;
          using TB = typename decltype(tb)::type;
          using TY = typename decltype(ty)::type;
          TY* out = y->MutableData<TY>();
          std::vector<float> col_scale(static_cast<size_t>(N));
          QuantizedMatMul<TA, TB>(
              a, b, s, a_zp, b_zp, {a_scale.batch, b_scale.batch}, ctx.GetThreadPool(),
              [&](int64_t out_i, const int32_t* acc, const int64_t* scale_off) {
                for (int64_t n = 0; n < N; ++n) col_scale[n] = b_scale.At(scale_off[1], n);
                TY* dst = out + out_i * M * N;
                for (int64_t m = 0; m < M; ++m) {
                  const float as = a_scale.At(scale_off[0], m);
                  for (int64_t n = 0; n < N; ++n) {
                    const float multiplier = as * col_scale[n] / y_scale;
                    dst[m * N + n] = quant::SaturateRound<TY>(static_cast<float>(acc[m * N + n]) * multiplier, y_zp);
                  }
                }
              });
        }, "QLinearMatMul y");
      }, "QLinearMatMul b");
    }, "QLinearMatMul a");
  }
};

}  // namespace

ONNX_CPU_KERNEL(MatMulInteger, 10, MatMulInteger, KernelDefBuilder())
ONNX_CPU_KERNEL(QLinearMatMul, 10, QLinearMatMul, KernelDefBuilder())

}  // namespace ortlite
