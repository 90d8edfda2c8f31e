// Einsum (opset 12), numpy semantics: implicit or explicit output, "..." broadcasting, repeated
// labels in a term (diagonals), size-1 broadcasting of labelled dims, and sums over labels that
// leave the equation.
//
// Evaluation: each operand first takes its diagonals and sums out labels no other operand or the
// output uses; operands are then contracted left to right, each step a batched matrix product
// [batch, M, K] x [batch, K, N] -> [batch, M, N] after permuting the operands (no copy when they
// already have one of the layouts gemm reads directly); the result is finally permuted into the
// output's label order. Half types compute in float, integers in their own type.
#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>
#include <type_traits>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/gemm.h"
#include "providers/cpu/tensor/strided_copy.h"

namespace ortlite {
namespace {

// Labels: letters are 0..51 ('A'..'Z' then 'a'..'z', so the ids sort in ASCII order); the dims
// an ellipsis covers are kFirstEllipsisLabel + k, right-aligned across operands.
constexpr int kLetterCount = 52;
constexpr int kFirstEllipsisLabel = kLetterCount;

int LetterLabel(char c) { return std::isupper(static_cast<unsigned char>(c)) ? c - 'A' : 26 + (c - 'a'); }

struct Term {
  std::vector<int> letters_before, letters_after;  // around the ellipsis (all in `before` if none)
  bool has_ellipsis = false;
};

Term ParseTerm(const std::string& s, const std::string& equation) {
  Term t;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isalpha(static_cast<unsigned char>(c))) {
      (t.has_ellipsis ? t.letters_after : t.letters_before).push_back(LetterLabel(c));
    } else if (c == '.') {
      ORTLITE_CHECK_ARG(s.compare(i, 3, "...") == 0 && !t.has_ellipsis, "Einsum equation '", equation,
                        "' has a malformed or repeated ellipsis");
      t.has_ellipsis = true;
      i += 2;
    } else {
      ThrowError(ErrorCode::kInvalidArgument, "Einsum equation '", equation, "' has an invalid character '", c, "'");
    }
  }
  return t;
}

// The equation resolved against the input ranks: every operand's label per dim and the output's.
struct EinsumPlan {
  std::vector<std::vector<int>> input_labels;
  std::vector<int> output_labels;
  size_t label_count = kFirstEllipsisLabel;  // one past the largest label id
};

EinsumPlan ParseEquation(const std::string& raw, const std::vector<size_t>& ranks) {
  std::string eq;
  for (char c : raw) {
    if (!std::isspace(static_cast<unsigned char>(c))) eq += c;
  }
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  std::vector<Term> terms;
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    terms.push_back(ParseTerm(lhs.substr(start, comma == std::string::npos ? std::string::npos : comma - start), raw));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  ORTLITE_CHECK_ARG(terms.size() == ranks.size(), "Einsum equation '", raw, "' has ", terms.size(),
                    " input terms for ", ranks.size(), " inputs");

  EinsumPlan plan;
  size_t ellipsis_rank = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    const size_t letters = terms[i].letters_before.size() + terms[i].letters_after.size();
    ORTLITE_CHECK_ARG(ranks[i] == letters || (terms[i].has_ellipsis && ranks[i] > letters), "Einsum equation '",
                      raw, "': term ", i, " has ", letters, " labels", terms[i].has_ellipsis ? " and '...'" : "",
                      " but input ", i, " has rank ", ranks[i]);
    if (terms[i].has_ellipsis) ellipsis_rank = std::max(ellipsis_rank, ranks[i] - letters);
  }
  plan.label_count = kFirstEllipsisLabel + ellipsis_rank;
  int letter_uses[kLetterCount] = {};
  for (size_t i = 0; i < terms.size(); ++i) {
    std::vector<int> labels = terms[i].letters_before;
    if (terms[i].has_ellipsis) {
      const size_t e = ranks[i] - labels.size() - terms[i].letters_after.size();
      for (size_t k = ellipsis_rank - e; k < ellipsis_rank; ++k) labels.push_back(kFirstEllipsisLabel + int(k));
    }
    labels.insert(labels.end(), terms[i].letters_after.begin(), terms[i].letters_after.end());
    for (int l : labels) {
      if (l < kLetterCount) ++letter_uses[l];
    }
    plan.input_labels.push_back(std::move(labels));
  }

  if (arrow == std::string::npos) {
    for (size_t k = 0; k < ellipsis_rank; ++k) plan.output_labels.push_back(kFirstEllipsisLabel + int(k));
    for (int l = 0; l < kLetterCount; ++l) {
      if (letter_uses[l] == 1) plan.output_labels.push_back(l);
    }
    return plan;
  }
  const Term out = ParseTerm(eq.substr(arrow + 2), raw);
  ORTLITE_CHECK_ARG(out.has_ellipsis || ellipsis_rank == 0, "Einsum equation '", raw,
                    "': the inputs' '...' covers dims but the output has no '...'");
  plan.output_labels = out.letters_before;
  for (size_t k = 0; k < ellipsis_rank; ++k) plan.output_labels.push_back(kFirstEllipsisLabel + int(k));
  plan.output_labels.insert(plan.output_labels.end(), out.letters_after.begin(), out.letters_after.end());
  std::vector<bool> seen(plan.label_count, false);
  for (int l : plan.output_labels) {
    ORTLITE_CHECK_ARG(l >= kLetterCount || letter_uses[l] > 0, "Einsum equation '", raw,
                      "': output label does not appear in any input");
    ORTLITE_CHECK_ARG(!seen[l], "Einsum equation '", raw, "': output repeats a label");
    seen[l] = true;
  }
  return plan;
}

// A dense row-major operand with one distinct label per dim.
template <typename C>
struct Operand {
  std::vector<int> labels;
  std::vector<int64_t> dims;
  const C* data = nullptr;
  std::vector<C> storage;  // owns `data` unless it points into an input tensor

  // Moves keep `data` valid (the vector's buffer moves with it); copies would not.
  Operand() = default;
  Operand(Operand&&) noexcept = default;
  Operand& operator=(Operand&&) noexcept = default;
  Operand(const Operand&) = delete;
  Operand& operator=(const Operand&) = delete;

  int64_t Size() const { return std::accumulate(dims.begin(), dims.end(), int64_t{1}, std::multiplies<int64_t>()); }
  int Find(int label) const {
    auto it = std::find(labels.begin(), labels.end(), label);
    return it == labels.end() ? -1 : static_cast<int>(it - labels.begin());
  }
  std::vector<int64_t> Strides() const {
    std::vector<int64_t> s(dims.size());
    int64_t st = 1;
    for (size_t d = dims.size(); d-- > 0;) {
      s[d] = st;
      st *= dims[d];
    }
    return s;
  }
};

// A copy of `op` with labels in `order` and dims `dims`; a label absent from `op`, or of size 1
// in it, is broadcast to the requested size.
template <typename C>
Operand<C> Arrange(const Operand<C>& op, const std::vector<int>& order, const std::vector<int64_t>& dims,
                   ThreadPool* pool) {
  Operand<C> out;
  out.labels = order;
  out.dims = dims;
  if (order == op.labels && dims == op.dims) {
    out.data = op.data;
    return out;  // the caller keeps `op` alive
  }
  const std::vector<int64_t> in_strides = op.Strides();
  std::vector<int64_t> strides(order.size(), 0);
  for (size_t k = 0; k < order.size(); ++k) {
    const int d = op.Find(order[k]);
    if (d >= 0 && op.dims[d] == dims[k]) strides[k] = in_strides[d];
  }
  out.storage.resize(static_cast<size_t>(out.Size()));
  if (!out.storage.empty()) {
    StridedCopyToDense(DataTypeFor<C>(), out.storage.data(), op.data, strides, dims, pool);
  }
  out.data = out.storage.data();
  return out;
}

// Sums out every label of `op` not in `keep`.
template <typename C>
Operand<C> SumOut(Operand<C> op, const std::vector<bool>& keep, ThreadPool* pool) {
  std::vector<int> kept_labels, gone_labels;
  std::vector<int64_t> kept_dims, gone_dims;
  for (size_t d = 0; d < op.labels.size(); ++d) {
    if (keep[op.labels[d]]) {
      kept_labels.push_back(op.labels[d]);
      kept_dims.push_back(op.dims[d]);
    } else {
      gone_labels.push_back(op.labels[d]);
      gone_dims.push_back(op.dims[d]);
    }
  }
  if (gone_labels.empty()) return op;
  std::vector<int> order = kept_labels;
  order.insert(order.end(), gone_labels.begin(), gone_labels.end());
  std::vector<int64_t> dims = kept_dims;
  dims.insert(dims.end(), gone_dims.begin(), gone_dims.end());
  const Operand<C> arranged = Arrange(op, order, dims, pool);
  const int64_t chunk = std::accumulate(gone_dims.begin(), gone_dims.end(), int64_t{1}, std::multiplies<int64_t>());

  Operand<C> out;
  out.labels = kept_labels;
  out.dims = kept_dims;
  out.storage.resize(static_cast<size_t>(out.Size()));
  const C* src = arranged.data;
  C* dst = out.storage.data();
  ThreadPool::TryParallelFor(pool, out.Size(), static_cast<double>(chunk), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) {
      const C* p = src + i * chunk;
      C acc = C(0);
      for (int64_t j = 0; j < chunk; ++j) acc += p[j];
      dst[i] = acc;
    }
  });
  out.data = out.storage.data();
  return out;
}

// Takes the diagonal over repeated labels: one dim per distinct label, its stride the sum of the
// repeated dims' strides.
template <typename C>
Operand<C> TakeDiagonals(Operand<C> op, ThreadPool* pool) {
  std::vector<int> labels;
  std::vector<int64_t> dims, strides;
  const std::vector<int64_t> in_strides = op.Strides();
  for (size_t d = 0; d < op.labels.size(); ++d) {
    auto it = std::find(labels.begin(), labels.end(), op.labels[d]);
    if (it == labels.end()) {
      labels.push_back(op.labels[d]);
      dims.push_back(op.dims[d]);
      strides.push_back(in_strides[d]);
    } else {
      const size_t k = it - labels.begin();
      ORTLITE_CHECK_ARG(dims[k] == op.dims[d], "Einsum: a label repeated in one term has sizes ", dims[k], " and ",
                        op.dims[d]);
      strides[k] += in_strides[d];
    }
  }
  if (labels.size() == op.labels.size()) return op;
  Operand<C> out;
  out.labels = labels;
  out.dims = dims;
  out.storage.resize(static_cast<size_t>(out.Size()));
  if (!out.storage.empty()) StridedCopyToDense(DataTypeFor<C>(), out.storage.data(), op.data, strides, dims, pool);
  out.data = out.storage.data();
  return out;
}

// C[b] = op(A[b]) * op(B[b]) for `batch` row-major matrices.
template <typename C>
void BatchedGemm(bool trans_a, bool trans_b, int64_t batch, int64_t M, int64_t N, int64_t K, const C* a,
                 const C* b, C* c, ThreadPool* pool) {
  const int64_t lda = trans_a ? M : K, ldb = trans_b ? K : N;
  const int64_t a_step = M * K, b_step = K * N, c_step = M * N;
  if (K == 0) {
    std::fill(c, c + batch * c_step, C(0));
    return;
  }
  if constexpr (std::is_same_v<C, float> || std::is_same_v<C, double>) {
    const auto gemm = [&](int64_t i, ThreadPool* p) {
      if constexpr (std::is_same_v<C, float>) {
        Sgemm(trans_a, trans_b, M, N, K, 1.0f, a + i * a_step, lda, b + i * b_step, ldb, 0.0f, c + i * c_step, N, p);
      } else {
        Dgemm(trans_a, trans_b, M, N, K, 1.0, a + i * a_step, lda, b + i * b_step, ldb, 0.0, c + i * c_step, N, p);
      }
    };
    // Many small products parallelise over the batch; few large ones inside gemm.
    if (batch > 1 && M * N * K < (1 << 16)) {
      ThreadPool::TryParallelFor(pool, batch, static_cast<double>(M * N * K) * 2.0, [&](int64_t s, int64_t e) {
        for (int64_t i = s; i < e; ++i) gemm(i, nullptr);
      });
    } else {
      for (int64_t i = 0; i < batch; ++i) gemm(i, pool);
    }
  } else {
    ThreadPool::TryParallelFor(pool, batch * M, static_cast<double>(N * K) * 2.0, [=](int64_t s, int64_t e) {
      // Copies, not references: integer stores through `row` could otherwise alias the bounds.
      const int64_t n_cols = N, depth = K, rows = M;
      for (int64_t r = s; r < e; ++r) {
        const int64_t i = r / rows, m = r % rows;
        const C* ai = a + i * a_step;
        const C* bi = b + i * b_step;
        C* row = c + i * c_step + m * n_cols;
        std::fill(row, row + n_cols, C(0));
        for (int64_t k = 0; k < depth; ++k) {
          const C av = trans_a ? ai[k * lda + m] : ai[m * lda + k];
          if (trans_b) {
            for (int64_t n = 0; n < n_cols; ++n) row[n] += av * bi[n * ldb + k];
          } else {
            const C* brow = bi + k * ldb;
            for (int64_t n = 0; n < n_cols; ++n) row[n] += av * brow[n];
          }
        }
      }
    });
  }
}

template <typename C>
Operand<C> Contract(const Operand<C>& a, const Operand<C>& b, const std::vector<bool>& keep, ThreadPool* pool) {
  std::vector<int> batch, left, contracted, right;
  std::vector<int64_t> batch_dims, left_dims, k_dims, right_dims;
  const auto size_of = [](const Operand<C>& x, int label) {
    const int d = x.Find(label);
    return d < 0 ? int64_t{1} : x.dims[d];
  };
  const auto joint_size = [&](int label) {
    const int64_t sa = size_of(a, label), sb = size_of(b, label);
    ORTLITE_CHECK_ARG(sa == sb || sa == 1 || sb == 1, "Einsum: label sizes ", sa, " and ", sb,
                      " cannot be broadcast together");
    return sa == 1 ? sb : sa;
  };
  for (int l : a.labels) {
    if (b.Find(l) >= 0) {
      (keep[l] ? batch : contracted).push_back(l);
      (keep[l] ? batch_dims : k_dims).push_back(joint_size(l));
    } else {
      left.push_back(l);
      left_dims.push_back(size_of(a, l));
    }
  }
  for (int l : b.labels) {
    if (a.Find(l) < 0) {
      right.push_back(l);
      right_dims.push_back(size_of(b, l));
    }
  }
  const auto concat = [](std::vector<int64_t> x, const std::vector<int64_t>& y, const std::vector<int64_t>& z) {
    x.insert(x.end(), y.begin(), y.end());
    x.insert(x.end(), z.begin(), z.end());
    return x;
  };
  const auto concat_labels = [](std::vector<int> x, const std::vector<int>& y, const std::vector<int>& z) {
    x.insert(x.end(), y.begin(), y.end());
    x.insert(x.end(), z.begin(), z.end());
    return x;
  };
  const auto product = [](const std::vector<int64_t>& d) {
    return std::accumulate(d.begin(), d.end(), int64_t{1}, std::multiplies<int64_t>());
  };
  const int64_t B = product(batch_dims), M = product(left_dims), K = product(k_dims), N = product(right_dims);

  // Prefer layouts gemm reads without a copy: A as [batch,M,K] or [batch,K,M], B as [batch,K,N]
  // or [batch,N,K].
  const auto fits = [](const Operand<C>& x, const std::vector<int>& labels, const std::vector<int64_t>& dims) {
    return x.labels == labels && x.dims == dims;
  };
  bool trans_a = false, trans_b = false;
  std::vector<int> a_order = concat_labels(batch, left, contracted);
  std::vector<int64_t> a_dims = concat(batch_dims, left_dims, k_dims);
  if (!fits(a, a_order, a_dims) && fits(a, concat_labels(batch, contracted, left), concat(batch_dims, k_dims, left_dims))) {
    trans_a = true;
    a_order = a.labels;
    a_dims = a.dims;
  }
  std::vector<int> b_order = concat_labels(batch, contracted, right);
  std::vector<int64_t> b_dims = concat(batch_dims, k_dims, right_dims);
  if (!fits(b, b_order, b_dims) && fits(b, concat_labels(batch, right, contracted), concat(batch_dims, right_dims, k_dims))) {
    trans_b = true;
    b_order = b.labels;
    b_dims = b.dims;
  }
  const Operand<C> pa = Arrange(a, a_order, a_dims, pool);
  const Operand<C> pb = Arrange(b, b_order, b_dims, pool);

  Operand<C> out;
  out.labels = concat_labels(batch, left, right);
  out.dims = concat(batch_dims, left_dims, right_dims);
  out.storage.resize(static_cast<size_t>(out.Size()));
  if (!out.storage.empty()) BatchedGemm(trans_a, trans_b, B, M, N, K, pa.data, pb.data, out.storage.data(), pool);
  out.data = out.storage.data();
  return out;
}

class EinsumKernel final : public OpKernel {
 public:
  explicit EinsumKernel(const OpKernelInfo& info) : OpKernel(info), equation_(info.GetAttr<std::string>("equation")) {}

  void Compute(OpKernelContext& ctx) const override {
    const int n = ctx.InputCount();
    ORTLITE_CHECK_ARG(n >= 1, "Einsum needs at least one input");
    std::vector<const Tensor*> inputs;
    std::vector<size_t> ranks;
    for (int i = 0; i < n; ++i) {
      inputs.push_back(&ctx.RequiredInput(i));
      ORTLITE_CHECK_ARG(inputs[i]->GetElementType() == inputs[0]->GetElementType(),
                        "Einsum inputs must share one element type");
      ranks.push_back(inputs[i]->Shape().NumDimensions());
    }
    const EinsumPlan plan = ParseEquation(equation_, ranks);

    // Output dims: each output label's size across the inputs (size 1 broadcasts).
    std::vector<int64_t> label_size(plan.label_count, -1);
    for (int i = 0; i < n; ++i) {
      const auto& labels = plan.input_labels[i];
      for (size_t d = 0; d < labels.size(); ++d) {
        int64_t& s = label_size[labels[d]];
        const int64_t v = inputs[i]->Shape()[d];
        ORTLITE_CHECK_ARG(s == -1 || s == 1 || v == 1 || s == v, "Einsum: label sizes ", s, " and ", v,
                          " cannot be broadcast together (equation '", equation_, "')");
        if (s == -1 || s == 1) s = v;
      }
    }
    std::vector<int64_t> out_dims;
    for (int l : plan.output_labels) out_dims.push_back(label_size[l]);
    Tensor* y = ctx.Output(0, TensorShape(out_dims), inputs[0]->GetElementType());

    VisitType<AllNumericTypes>(
        inputs[0]->GetElementType(),
        [&](auto tag) {
          using T = typename decltype(tag)::type;
          using C = std::conditional_t<std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>, float, T>;
          Evaluate<T, C>(inputs, plan, out_dims, y, ctx.GetThreadPool());
        },
        "Einsum");
  }

 private:
  template <typename T, typename C>
  static void Evaluate(const std::vector<const Tensor*>& inputs, const EinsumPlan& plan,
                       const std::vector<int64_t>& out_dims, Tensor* y, ThreadPool* pool) {
    const size_t n = inputs.size();
    std::vector<bool> in_output(plan.label_count, false);
    for (int l : plan.output_labels) in_output[l] = true;
    const auto needed_after = [&](size_t i) {  // output labels plus those of operands after i
      std::vector<bool> keep = in_output;
      for (size_t j = i + 1; j < n; ++j) {
        for (int l : plan.input_labels[j]) keep[l] = true;
      }
      return keep;
    };
    const auto load = [&](size_t i) {
      Operand<C> op;
      op.labels = plan.input_labels[i];
      op.dims = inputs[i]->Shape().GetDims();
      const T* src = inputs[i]->Data<T>();
      if constexpr (std::is_same_v<T, C>) {
        op.data = src;
      } else {
        op.storage.resize(static_cast<size_t>(inputs[i]->NumElements()));
        for (size_t k = 0; k < op.storage.size(); ++k) op.storage[k] = static_cast<C>(ToCompute(src[k]));
        op.data = op.storage.data();
      }
      return TakeDiagonals(std::move(op), pool);
    };

    Operand<C> acc = SumOut(load(0), needed_after(0), pool);
    for (size_t i = 1; i < n; ++i) {
      std::vector<bool> keep = needed_after(i);
      // Labels of the accumulated result only matter if kept or shared with this operand.
      Operand<C> next = load(i);
      std::vector<bool> keep_acc = keep, keep_next = keep;
      for (int l : next.labels) keep_acc[l] = true;
      for (int l : acc.labels) keep_next[l] = true;
      acc = SumOut(std::move(acc), keep_acc, pool);
      next = SumOut(std::move(next), keep_next, pool);
      acc = Contract(acc, next, keep, pool);
    }
    acc = SumOut(std::move(acc), in_output, pool);

    const Operand<C> result = Arrange(acc, plan.output_labels, out_dims, pool);
    T* out = y->MutableData<T>();
    const int64_t size = y->NumElements();
    for (int64_t k = 0; k < size; ++k) out[k] = FromCompute<T>(result.data[k]);
  }

  std::string equation_;
};

ONNX_CPU_KERNEL(Einsum, 12, EinsumKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
