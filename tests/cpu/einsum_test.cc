// Einsum: equations against a naive reference that loops over every label assignment (matmul in
// all transposed layouts, batch matmul, outer products, traces and diagonals, implicit output
// order, three operands, size-1 broadcasting), ellipsis forms checked against their spelled-out
// equivalents, element types, empty dims and malformed equations.
#include <map>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

struct Operand {
  std::string labels;
  std::vector<int64_t> dims;
  std::vector<double> values;
};

// Naive einsum for letter-only, explicit equations (size-1 dims broadcast).
std::vector<double> NaiveEinsum(const std::vector<Operand>& ops, const std::string& out_labels,
                                std::vector<int64_t>* out_dims) {
  std::map<char, int64_t> size;
  for (const auto& op : ops) {
    for (size_t d = 0; d < op.labels.size(); ++d) {
      int64_t& s = size[op.labels[d]];
      s = std::max(s, op.dims[d]);
    }
  }
  std::vector<char> all;
  for (auto& [c, s] : size) all.push_back(c);
  out_dims->clear();
  for (char c : out_labels) out_dims->push_back(size[c]);
  int64_t out_n = 1;
  for (int64_t d : *out_dims) out_n *= d;
  std::vector<double> out(out_n, 0.0);
  int64_t total = 1;
  for (char c : all) total *= size[c];
  std::map<char, int64_t> at;
  for (int64_t i = 0; i < total; ++i) {
    int64_t rem = i;
    for (size_t k = all.size(); k-- > 0;) {
      at[all[k]] = rem % size[all[k]];
      rem /= size[all[k]];
    }
    double prod = 1.0;
    for (const auto& op : ops) {
      int64_t off = 0;
      for (size_t d = 0; d < op.labels.size(); ++d) {
        off = off * op.dims[d] + (op.dims[d] == 1 ? 0 : at[op.labels[d]]);
      }
      prod *= op.values[off];
    }
    int64_t o = 0;
    for (char c : out_labels) o = o * size[c] + at[c];
    out[o] += prod;
  }
  return out;
}

Operand RandomOperand(const std::string& labels, const std::vector<int64_t>& dims, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> dist(-4, 4);  // small integers: exact in every type
  Operand op{labels, dims, {}};
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  for (int64_t i = 0; i < n; ++i) op.values.push_back(dist(rng));
  return op;
}

template <typename T>
std::vector<T> Cast(const std::vector<double>& v) {
  std::vector<T> out;
  for (double x : v) out.push_back(static_cast<T>(x));
  return out;
}

// Runs `equation` over `ops` (as type T) and compares with the naive result for `reference_out`.
template <typename T>
void CheckEinsum(const std::string& equation, const std::vector<Operand>& ops, const std::string& reference_out) {
  SCOPED_TRACE(equation);
  std::vector<int64_t> out_dims;
  const std::vector<double> expected = NaiveEinsum(ops, reference_out, &out_dims);
  OpTester t("Einsum", 12);
  t.AddAttribute("equation", equation);
  for (size_t i = 0; i < ops.size(); ++i) t.AddInput<T>("in" + std::to_string(i), ops[i].dims, Cast<T>(ops[i].values));
  t.AddOutput<T>("out", out_dims, Cast<T>(expected));
  t.Run();
}

TEST(EinsumTest, MatmulInEveryLayout) {
  const Operand a = RandomOperand("ik", {5, 7}, 1), at = RandomOperand("ki", {7, 5}, 2);
  const Operand b = RandomOperand("kj", {7, 6}, 3), bt = RandomOperand("jk", {6, 7}, 4);
  CheckEinsum<float>("ik,kj->ij", {a, b}, "ij");
  CheckEinsum<float>("ki,kj->ij", {at, b}, "ij");
  CheckEinsum<float>("ik,jk->ij", {a, bt}, "ij");
  CheckEinsum<float>("ki,jk->ij", {at, bt}, "ij");
  CheckEinsum<float>("ik,kj->ji", {a, b}, "ji");
  CheckEinsum<float>("ik,kj", {a, b}, "ij");  // implicit
}

TEST(EinsumTest, BatchedAndAttentionShapes) {
  const Operand q = RandomOperand("bhqd", {2, 3, 5, 4}, 5), k = RandomOperand("bhkd", {2, 3, 6, 4}, 6);
  CheckEinsum<float>("bhqd,bhkd->bhqk", {q, k}, "bhqk");
  const Operand p = RandomOperand("bhqk", {2, 3, 5, 6}, 7), v = RandomOperand("bkhd", {2, 6, 3, 4}, 8);
  CheckEinsum<float>("bhqk,bkhd->bqhd", {p, v}, "bqhd");
  // Many tiny products parallelise over the batch.
  const Operand x = RandomOperand("bij", {300, 3, 4}, 9), y = RandomOperand("bjk", {300, 4, 2}, 10);
  CheckEinsum<float>("bij,bjk->bik", {x, y}, "bik");
}

TEST(EinsumTest, OuterProductsSumsAndTransposes) {
  const Operand u = RandomOperand("i", {4}, 11), w = RandomOperand("j", {3}, 12);
  CheckEinsum<float>("i,j->ij", {u, w}, "ij");
  CheckEinsum<float>("i,j", {u, w}, "ij");
  CheckEinsum<float>("i,j->", {u, w}, "");
  const Operand m = RandomOperand("ijk", {2, 3, 4}, 13);
  CheckEinsum<float>("ijk->kij", {m}, "kij");
  CheckEinsum<float>("ijk->j", {m}, "j");
  CheckEinsum<float>("ijk->", {m}, "");
  CheckEinsum<float>("ijk", {m}, "ijk");
  CheckEinsum<float>("kji", {RandomOperand("kji", {2, 3, 4}, 14)}, "ijk");  // implicit output is sorted
}

TEST(EinsumTest, DiagonalsAndTraces) {
  const Operand sq = RandomOperand("ii", {4, 4}, 15);
  CheckEinsum<float>("ii->i", {sq}, "i");  // the reference reads repeated labels as a diagonal
  CheckEinsum<float>("ii", {sq}, "");
  const Operand batched = RandomOperand("bii", {3, 4, 4}, 16);
  CheckEinsum<float>("bii->bi", {batched}, "bi");
  const Operand cube = RandomOperand("iji", {3, 2, 3}, 17), vec = RandomOperand("j", {2}, 18);
  CheckEinsum<float>("iji,j->i", {cube, vec}, "i");
}

TEST(EinsumTest, ThreeOperandsAndLabelsSummedEarly) {
  const Operand a = RandomOperand("ij", {3, 4}, 19), b = RandomOperand("jk", {4, 5}, 20),
                c = RandomOperand("kl", {5, 2}, 21);
  CheckEinsum<float>("ij,jk,kl->il", {a, b, c}, "il");
  CheckEinsum<double>("ij,jk,kl->li", {a, b, c}, "li");
  const Operand d = RandomOperand("ixj", {3, 6, 4}, 22), e = RandomOperand("jyk", {4, 2, 5}, 23);
  CheckEinsum<float>("ixj,jyk->ik", {d, e}, "ik");  // x and y are summed before the product
}

TEST(EinsumTest, SizeOneBroadcasting) {
  const Operand a = RandomOperand("ij", {2, 1}, 24), b = RandomOperand("jk", {3, 4}, 25);
  CheckEinsum<float>("ij,jk->ik", {a, b}, "ik");
  const Operand x = RandomOperand("bij", {1, 2, 3}, 26), y = RandomOperand("bjk", {4, 3, 2}, 27);
  CheckEinsum<float>("bij,bjk->bik", {x, y}, "bik");
}

TEST(EinsumTest, EllipsisMatchesSpelledOutLabels) {
  const Operand x = RandomOperand("abij", {2, 1, 2, 3}, 28), y = RandomOperand("bjk", {5, 3, 4}, 29);
  CheckEinsum<float>("...ij,...jk->...ik", {x, y}, "abik");
  CheckEinsum<float>("...ij,...jk", {x, y}, "abik");
  const Operand batched = RandomOperand("bii", {3, 4, 4}, 30);
  CheckEinsum<double>("...ii ->...i", {batched}, "bi");
  const Operand m = RandomOperand("ijk", {2, 3, 4}, 31);
  CheckEinsum<float>("i...->...i", {m}, "jki");
  CheckEinsum<float>("...k->k...", {m}, "kij");
  CheckEinsum<float>(" i j k -> k i j ", {m}, "kij");  // whitespace is ignored
}

TEST(EinsumTest, ElementTypes) {
  const Operand a = RandomOperand("ij", {3, 4}, 32), b = RandomOperand("jk", {4, 2}, 33);
  CheckEinsum<double>("ij,jk->ik", {a, b}, "ik");
  CheckEinsum<int32_t>("ij,jk->ik", {a, b}, "ik");
  CheckEinsum<int64_t>("ij,jk->ki", {a, b}, "ki");
  CheckEinsum<int8_t>("ij->j", {a}, "j");
  CheckEinsum<uint16_t>("ij->ji", {RandomOperand("ij", {3, 4}, 34)}, "ji");
  std::vector<int64_t> dims;
  const std::vector<double> expected = NaiveEinsum({a, b}, "ik", &dims);
  OpTester t("Einsum", 12);
  t.AddAttribute("equation", "ij,jk->ik");
  std::vector<MLFloat16> ha, hb, hy;
  for (double v : a.values) ha.push_back(MLFloat16(static_cast<float>(v)));
  for (double v : b.values) hb.push_back(MLFloat16(static_cast<float>(v)));
  for (double v : expected) hy.push_back(MLFloat16(static_cast<float>(v)));
  t.AddInput<MLFloat16>("a", a.dims, ha);
  t.AddInput<MLFloat16>("b", b.dims, hb);
  t.AddOutput<MLFloat16>("y", dims, hy);
  t.Run();
}

TEST(EinsumTest, EmptyDims) {
  {  // Contracting over an empty dim gives zeros.
    OpTester t("Einsum", 12);
    t.AddAttribute("equation", "ik,kj->ij");
    t.AddInput<float>("a", {2, 0}, {});
    t.AddInput<float>("b", {0, 3}, {});
    t.AddOutput<float>("y", {2, 3}, std::vector<float>(6, 0.f));
    t.Run();
  }
  {
    OpTester t("Einsum", 12);
    t.AddAttribute("equation", "ik,kj->ij");
    t.AddInput<float>("a", {0, 2}, {});
    t.AddInput<float>("b", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddOutput<float>("y", {0, 3}, {});
    t.Run();
  }
}

void ExpectEquationError(const std::string& equation, const std::vector<std::vector<int64_t>>& shapes,
                         const std::string& message) {
  SCOPED_TRACE(equation);
  OpTester t("Einsum", 12);
  t.AddAttribute("equation", equation);
  for (size_t i = 0; i < shapes.size(); ++i) {
    int64_t n = 1;
    for (int64_t d : shapes[i]) n *= d;
    t.AddInput<float>("in" + std::to_string(i), shapes[i], std::vector<float>(n, 1.f));
  }
  t.AddOutput<float>("y", {1}, {0.f});
  t.RunExpectFailure(message);
}

TEST(EinsumTest, MalformedEquations) {
  ExpectEquationError("ij,jk->ik", {{2, 3}}, "input terms");
  ExpectEquationError("ijk->i", {{2, 3}}, "rank");
  ExpectEquationError("ij->ix", {{2, 3}}, "does not appear");
  ExpectEquationError("ij->ii", {{2, 3}}, "repeats");
  ExpectEquationError("i1->i", {{2, 3}}, "invalid character");
  ExpectEquationError("i..j->ij", {{2, 3}}, "ellipsis");
  ExpectEquationError("...i->i", {{2, 3}}, "no '...'");
  ExpectEquationError("ij,jk->ik", {{2, 3}, {4, 5}}, "broadcast");
  ExpectEquationError("ii->i", {{2, 3}}, "cannot be broadcast");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
