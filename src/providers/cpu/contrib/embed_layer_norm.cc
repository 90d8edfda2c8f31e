// com.microsoft EmbedLayerNormalization: the embedding layer of BERT-like models,
//   e = word_embedding[input_ids] + position_embedding[position] (+ segment_embedding[segment_ids])
//   output = LayerNormalization(e) * gamma + beta over the hidden dimension.
// input_ids (B, S); position is position_ids[b, s] ((B, S) or (1, S)) when given, else s. Ids may
// be int32 (as the operator set defines) or int64, and follow Gather's index rule: -V <= id < V,
// negative ids counting from the end of the table. Optional outputs: mask_index (B), the number of
// nonzero entries of each row of mask (S when there is no mask), and embedding_sum (e).
// epsilon defaults to 1e-12. Tokens run in parallel; 16-bit floats compute in float.
#include <cstring>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/contrib/contrib_math.h"

namespace ortlite {
namespace contrib {
namespace {

// Reads ids of an int32 or int64 tensor as int64.
std::vector<int64_t> ReadIds(const Tensor& t, const char* what) {
  std::vector<int64_t> ids(static_cast<size_t>(t.NumElements()));
  if (t.GetElementType() == DataType::kInt32) {
    const int32_t* d = t.Data<int32_t>();
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = d[i];
  } else {
    ORTLITE_CHECK_ARG(t.GetElementType() == DataType::kInt64, "EmbedLayerNormalization ", what,
                      " must be int32 or int64, got ", DataTypeName(t.GetElementType()));
    const int64_t* d = t.Data<int64_t>();
    for (size_t i = 0; i < ids.size(); ++i) ids[i] = d[i];
  }
  return ids;
}

void CheckTable(const Tensor& t, int64_t hidden, DataType type, const char* what) {
  ORTLITE_CHECK_ARG(t.GetElementType() == type, "EmbedLayerNormalization ", what, " has element type ",
                    DataTypeName(t.GetElementType()), " but word_embedding has ", DataTypeName(type));
  ORTLITE_CHECK_ARG(t.Shape().NumDimensions() == 2 && t.Shape()[1] == hidden, "EmbedLayerNormalization ", what,
                    " must have shape {rows, ", hidden, "}, got ", t.Shape().ToString());
}

// A row index into a table of `rows`, with Gather's negative-index rule; throws when out of range.
int64_t RowIndex(int64_t id, int64_t rows, const char* what) {
  ORTLITE_CHECK_ARG(id >= -rows && id < rows, "EmbedLayerNormalization ", what, " id ", id,
                    " is out of range for a table of ", rows, " rows");
  return id < 0 ? id + rows : id;
}

class EmbedLayerNormalization final : public OpKernel {
  static constexpr size_t kWordEmbedding = 2, kPositionEmbedding = 3, kSegmentEmbedding = 4;

 public:
  explicit EmbedLayerNormalization(const OpKernelInfo& info)
      : OpKernel(info), epsilon_(info.GetAttrOrDefault<float>("epsilon", 1e-12f)) {
    // Rows are copied out of the tables, so constant tables can stay in the model file's
    // mapping whatever their alignment, and rows no token selects are never read.
    for (size_t table : {kWordEmbedding, kPositionEmbedding, kSegmentEmbedding}) info.MarkConstantInputReadAsBytes(table);
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& input_ids = ctx.RequiredInput(0);
    const Tensor* segment_ids = ctx.Input(1);
    const Tensor& word = ctx.RequiredInput(2);
    const Tensor& position = ctx.RequiredInput(3);
    const Tensor* segment = ctx.Input(4);
    const Tensor& gamma = ctx.RequiredInput(5);
    const Tensor& beta = ctx.RequiredInput(6);
    const Tensor* mask = ctx.Input(7);
    const Tensor* position_ids = ctx.Input(8);

    ORTLITE_CHECK_ARG(input_ids.Shape().NumDimensions() == 2, "EmbedLayerNormalization input_ids must be 2-D, got ",
                      input_ids.Shape().ToString());
    const int64_t batch = input_ids.Shape()[0], seq = input_ids.Shape()[1];
    ORTLITE_CHECK_ARG(word.Shape().NumDimensions() == 2, "EmbedLayerNormalization word_embedding must be 2-D, got ",
                      word.Shape().ToString());
    const DataType type = word.GetElementType();
    const int64_t hidden = word.Shape()[1];
    CheckTable(position, hidden, type, "position_embedding");
    ORTLITE_CHECK_ARG((segment_ids == nullptr) == (segment == nullptr),
                      "EmbedLayerNormalization needs segment_ids and segment_embedding together");
    if (segment) CheckTable(*segment, hidden, type, "segment_embedding");
    for (const Tensor* v : {&gamma, &beta}) {
      ORTLITE_CHECK_ARG(v->GetElementType() == type && v->Shape().NumDimensions() == 1 && v->Shape()[0] == hidden,
                        "EmbedLayerNormalization gamma and beta must be 1-D of ", hidden, " ", DataTypeName(type),
                        " values, got ", v->Shape().ToString());
    }
    auto check_ids_shape = [&](const Tensor* t, const char* what, bool may_broadcast) {
      if (!t) return;
      const TensorShape& s = t->Shape();
      const bool ok = s.NumDimensions() == 2 && s[1] == seq && (s[0] == batch || (may_broadcast && s[0] == 1));
      ORTLITE_CHECK_ARG(ok, "EmbedLayerNormalization ", what, " shape ", s.ToString(), " does not match input_ids ",
                        input_ids.Shape().ToString());
    };
    check_ids_shape(segment_ids, "segment_ids", false);
    check_ids_shape(mask, "mask", false);
    check_ids_shape(position_ids, "position_ids", true);

    const std::vector<int64_t> ids = ReadIds(input_ids, "input_ids");
    const std::vector<int64_t> seg_ids = segment_ids ? ReadIds(*segment_ids, "segment_ids") : std::vector<int64_t>();
    const std::vector<int64_t> pos_ids = position_ids ? ReadIds(*position_ids, "position_ids") : std::vector<int64_t>();
    const bool pos_broadcast = position_ids && position_ids->Shape()[0] == 1 && batch != 1;

    Tensor* out = ctx.Output(0, TensorShape({batch, seq, hidden}), type);
    if (ctx.OutputCount() > 1 && ctx.OutputIsUsed(1)) {
      Tensor* mask_index = ctx.Output(1, TensorShape({batch}), DataType::kInt32);
      const std::vector<int64_t> m = mask ? ReadIds(*mask, "mask") : std::vector<int64_t>();
      for (int64_t b = 0; b < batch; ++b) {
        int32_t count = 0;
        for (int64_t s = 0; s < seq; ++s) count += mask ? (m[b * seq + s] != 0) : 1;
        mask_index->MutableData<int32_t>()[b] = count;
      }
    }
    Tensor* sum = ctx.OutputCount() > 2 && ctx.OutputIsUsed(2) ? ctx.Output(2, TensorShape({batch, seq, hidden}), type)
                                                              : nullptr;
    const int64_t tokens = batch * seq;
    if (tokens == 0 || hidden == 0) return;
    // Indices are checked up front so a bad id fails the op before any output is written.
    std::vector<int64_t> word_rows(static_cast<size_t>(tokens)), pos_rows(static_cast<size_t>(tokens)),
        seg_rows(segment ? static_cast<size_t>(tokens) : 0);
    for (int64_t t = 0; t < tokens; ++t) {
      const int64_t s = t % seq;
      word_rows[t] = RowIndex(ids[t], word.Shape()[0], "input_ids");
      const int64_t p = position_ids ? pos_ids[pos_broadcast ? s : t] : s;
      pos_rows[t] = RowIndex(p, position.Shape()[0], "position");
      if (segment) seg_rows[t] = RowIndex(seg_ids[t], segment->Shape()[0], "segment_ids");
    }

    VisitType<FloatTypes>(type, [&](auto tag) {
      using T = typename decltype(tag)::type;
      using C = CalcType<T>;
      ComputeBuffer<T> g(gamma.Data<T>(), hidden), b(beta.Data<T>(), hidden);
      // The tables are read as bytes: they may be unaligned (see the constructor).
      const size_t row_bytes = static_cast<size_t>(hidden) * sizeof(T);
      const char* wt = static_cast<const char*>(word.DataRaw());
      const char* pt = static_cast<const char*>(position.DataRaw());
      const char* st = segment ? static_cast<const char*>(segment->DataRaw()) : nullptr;
      T* y = out->MutableData<T>();
      T* sum_out = sum ? sum->MutableData<T>() : nullptr;
      ThreadPool::TryParallelFor(ctx.GetThreadPool(), tokens, 12.0 * hidden, [&](int64_t begin, int64_t end) {
        std::vector<C> row(static_cast<size_t>(hidden));
        std::vector<T> w(static_cast<size_t>(hidden)), p(static_cast<size_t>(hidden)), sg(st ? hidden : 0);
        for (int64_t t = begin; t < end; ++t) {
          std::memcpy(w.data(), wt + word_rows[t] * row_bytes, row_bytes);
          std::memcpy(p.data(), pt + pos_rows[t] * row_bytes, row_bytes);
          if (st) std::memcpy(sg.data(), st + seg_rows[t] * row_bytes, row_bytes);
          if constexpr (std::is_same_v<T, C>) {
            Row<C>(row.data(), hidden) = ConstRow<C>(w.data(), hidden) + ConstRow<C>(p.data(), hidden);
            if (st) Row<C>(row.data(), hidden) += ConstRow<C>(sg.data(), hidden);
          } else {
            for (int64_t i = 0; i < hidden; ++i) {
              row[i] = static_cast<C>(ToCompute(w[i])) + static_cast<C>(ToCompute(p[i]));
              if (st) row[i] += static_cast<C>(ToCompute(sg[i]));
            }
          }
          if (sum_out)
            for (int64_t i = 0; i < hidden; ++i) sum_out[t * hidden + i] = FromCompute<T>(row[i]);
          LayerNormRow<C>(row.data(), row.data(), hidden, g.data(), b.data(), static_cast<C>(epsilon_), nullptr,
                          nullptr);
          for (int64_t i = 0; i < hidden; ++i) y[t * hidden + i] = FromCompute<T>(row[i]);
        }
      });
    }, "EmbedLayerNormalization");
  }

 private:
  float epsilon_;
};

}  // namespace

CPU_KERNEL_EX(EmbedLayerNormalization, kMSDomain, 1, INT_MAX, EmbedLayerNormalization, KernelDefBuilder())

}  // namespace contrib
}  // namespace ortlite
