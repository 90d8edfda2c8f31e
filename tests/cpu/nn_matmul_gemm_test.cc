// MatMul (1-D promotion, batch broadcasting, integer/half types, many small batches) and Gemm
// (transposes, alpha/beta, every C broadcast shape, optional C, integer types, old opsets).
#include <random>
#include <vector>

#include "util/op_tester.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

std::vector<float> RandomValues(int64_t n, unsigned seed) {
  return RandomFloats(static_cast<size_t>(n), seed, -1.f, 1.f);
}

// numpy.matmul reference for operands of rank >= 1.
std::vector<float> NaiveMatMul(std::vector<int64_t> ad, const std::vector<float>& a, std::vector<int64_t> bd,
                               const std::vector<float>& b, std::vector<int64_t>& yd) {
  const bool av = ad.size() == 1, bv = bd.size() == 1;
  if (av) ad.insert(ad.begin(), 1);
  if (bv) bd.push_back(1);
  const int64_t M = ad[ad.size() - 2], K = ad.back(), N = bd.back();
  std::vector<int64_t> abatch(ad.begin(), ad.end() - 2), bbatch(bd.begin(), bd.end() - 2);
  const size_t rank = std::max(abatch.size(), bbatch.size());
  abatch.insert(abatch.begin(), rank - abatch.size(), 1);
  bbatch.insert(bbatch.begin(), rank - bbatch.size(), 1);
  std::vector<int64_t> batch(rank);
  for (size_t i = 0; i < rank; ++i) batch[i] = abatch[i] == 1 ? bbatch[i] : abatch[i];
  yd = batch;
  if (!av) yd.push_back(M);
  if (!bv) yd.push_back(N);
  std::vector<float> y(static_cast<size_t>(ElementCount(batch) * M * N));
  for (int64_t bi = 0; bi < ElementCount(batch); ++bi) {
    int64_t rem = bi, aoff = 0, boff = 0, astride = 1, bstride = 1;
    for (size_t k = rank; k-- > 0;) {
      const int64_t coord = rem % batch[k];
      rem /= batch[k];
      if (abatch[k] != 1) aoff += coord * astride;
      if (bbatch[k] != 1) boff += coord * bstride;
      astride *= abatch[k];
      bstride *= bbatch[k];
    }
    for (int64_t i = 0; i < M; ++i)
      for (int64_t j = 0; j < N; ++j) {
        double s = 0;
        for (int64_t p = 0; p < K; ++p) s += a[(aoff * M + i) * K + p] * b[(boff * K + p) * N + j];
        y[(bi * M + i) * N + j] = static_cast<float>(s);
      }
  }
  return y;
}

void CheckMatMul(const std::vector<int64_t>& ad, const std::vector<int64_t>& bd, int opset = 13,
                 bool b_constant = false) {
  const std::vector<float> a = RandomValues(ElementCount(ad), 1), b = RandomValues(ElementCount(bd), 2);
  std::vector<int64_t> yd;
  const std::vector<float> y = NaiveMatMul(ad, a, bd, b, yd);
  OpTester t("MatMul", opset);
  t.AddInput<float>("A", ad, a);
  t.AddInput<float>("B", bd, b, b_constant);
  t.AddOutput<float>("Y", yd, y);
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(NnMatMulTest, Shapes) {
  CheckMatMul({3, 4}, {4, 5});
  CheckMatMul({4}, {4, 5});
  CheckMatMul({3, 4}, {4});
  CheckMatMul({4}, {4});
  CheckMatMul({2, 3, 4}, {4, 5}, 1);
  CheckMatMul({4, 5}, {2, 5, 3}, 9);
  CheckMatMul({2, 1, 3, 4}, {1, 3, 4, 2});
  CheckMatMul({3, 4}, {2, 2, 4, 6});
  CheckMatMul({5}, {2, 5, 3});
  CheckMatMul({2, 3, 5}, {5});
  CheckMatMul({1, 1, 7, 13}, {13, 1});
  CheckMatMul({1, 17}, {17, 129});
  CheckMatMul({67, 33}, {2, 33, 45});
}

TEST(NnMatMulTest, ConstantWeightsPrePacked) {
  // A constant 2-D B is packed at session start; odd sizes cross the kernel's 32-column panels
  // and 12-row tiles, 1-D and batched A reuse the packed matrix.
  CheckMatMul({1, 37, 19}, {19, 45}, 13, true);
  CheckMatMul({5, 17}, {17, 33}, 13, true);
  CheckMatMul({19}, {19, 40}, 13, true);
  CheckMatMul({2, 3, 1, 64}, {64, 96}, 13, true);
  CheckMatMul({128, 384}, {384, 100}, 13, true);
  CheckMatMul({4, 7}, {7, 1}, 9, true);
  CheckMatMul({2, 4, 7}, {2, 7, 5}, 13, true);  // a batched constant B is not pre-packed
}

TEST(NnMatMulTest, ManySmallBatchesRunInParallel) { CheckMatMul({64, 8, 16}, {64, 16, 8}); }

TEST(NnMatMulTest, EmptyDimensions) {
  {
    OpTester t("MatMul", 13);
    t.AddInput<float>("A", {0, 3}, {});
    t.AddInput<float>("B", {3, 2}, {1, 2, 3, 4, 5, 6});
    t.AddOutput<float>("Y", {0, 2}, {});
    t.Run();
  }
  {
    // K == 0: the result is all zeros.
    OpTester t("MatMul", 13);
    t.AddInput<float>("A", {2, 0}, {});
    t.AddInput<float>("B", {0, 3}, {});
    t.AddOutput<float>("Y", {2, 3}, std::vector<float>(6, 0.f));
    t.Run();
  }
}

TEST(NnMatMulTest, IntegerAndHalfTypes) {
  {
    OpTester t("MatMul", 13);
    t.AddInput<int32_t>("A", {2, 2}, {1, 2, 3, 4});
    t.AddInput<int32_t>("B", {2, 2}, {5, 6, 7, 8});
    t.AddOutput<int32_t>("Y", {2, 2}, {19, 22, 43, 50});
    t.Run();
  }
  {
    OpTester t("MatMul", 9);
    t.AddInput<int64_t>("A", {3}, {1, -2, 3});
    t.AddInput<int64_t>("B", {3}, {4, 5, 6});
    t.AddOutput<int64_t>("Y", {}, {12});
    t.Run();
  }
  {
    OpTester t("MatMul", 13);
    t.AddInput<uint32_t>("A", {1, 2}, {4000000000u, 1});
    t.AddInput<uint32_t>("B", {2, 1}, {2, 3});
    t.AddOutput<uint32_t>("Y", {1, 1}, {static_cast<uint32_t>(8000000003ull)});
    t.Run();
  }
  {
    OpTester t("MatMul", 13);
    t.AddInput<uint64_t>("A", {1, 1}, {7});
    t.AddInput<uint64_t>("B", {1, 2}, {3, 5});
    t.AddOutput<uint64_t>("Y", {1, 2}, {21, 35});
    t.Run();
  }
  {
    OpTester t("MatMul", 13);
    t.AddInput<MLFloat16>("A", {1, 2}, {MLFloat16(1.5f), MLFloat16(2.f)});
    t.AddInput<MLFloat16>("B", {2, 1}, {MLFloat16(2.f), MLFloat16(0.25f)});
    t.AddOutput<MLFloat16>("Y", {1, 1}, {MLFloat16(3.5f)});
    t.Run();
  }
  {
    OpTester t("MatMul", 13);
    t.AddInput<BFloat16>("A", {2}, {BFloat16(1.f), BFloat16(2.f)});
    t.AddInput<BFloat16>("B", {2}, {BFloat16(3.f), BFloat16(4.f)});
    t.AddOutput<BFloat16>("Y", {}, {BFloat16(11.f)});
    t.Run();
  }
  {
    OpTester t("MatMul", 13);
    t.AddInput<double>("A", {1, 2}, {0.1, 0.2});
    t.AddInput<double>("B", {2, 1}, {10, 20});
    t.AddOutput<double>("Y", {1, 1}, {5});
    t.Run();
  }
}

TEST(NnMatMulTest, BadShapes) {
  {
    OpTester t("MatMul", 13);
    t.AddInput<float>("A", {2, 3}, std::vector<float>(6));
    t.AddInput<float>("B", {4, 2}, std::vector<float>(8));
    t.AddOutput<float>("Y", {2, 2}, std::vector<float>(4));
    t.RunExpectFailure("inner dimensions differ");
  }
  {
    OpTester t("MatMul", 13);
    t.AddInput<float>("A", {2, 2, 3}, std::vector<float>(12));
    t.AddInput<float>("B", {3, 3, 2}, std::vector<float>(18));
    t.AddOutput<float>("Y", {2, 2, 2}, std::vector<float>(8));
    t.RunExpectFailure("broadcast");
  }
}

// ---- Gemm ------------------------------------------------------------------------------------

void CheckGemm(int64_t M, int64_t N, int64_t K, bool ta, bool tb, float alpha, float beta,
               const std::vector<int64_t>& c_dims, bool has_c, int opset = 13, bool b_constant = false) {
  const std::vector<float> a = RandomValues(M * K, 10), b = RandomValues(K * N, 11), c = RandomValues(ElementCount(c_dims), 12);
  const int64_t c_rows = c_dims.size() == 2 ? c_dims[0] : 1, c_cols = c_dims.empty() ? 1 : c_dims.back();
  std::vector<float> y(static_cast<size_t>(M * N));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double s = 0;
      for (int64_t p = 0; p < K; ++p) s += (ta ? a[p * M + i] : a[i * K + p]) * (tb ? b[j * K + p] : b[p * N + j]);
      double v = alpha * s;
      if (has_c) v += beta * c[(c_rows == 1 ? 0 : i) * c_cols + (c_cols == 1 ? 0 : j)];
      y[i * N + j] = static_cast<float>(v);
    }
  OpTester t("Gemm", opset);
  if (ta) t.AddAttribute("transA", int64_t{1});
  if (tb) t.AddAttribute("transB", int64_t{1});
  t.AddAttribute("alpha", alpha);
  t.AddAttribute("beta", beta);
  if (opset < 7 && has_c && c_dims != std::vector<int64_t>{M, N}) t.AddAttribute("broadcast", int64_t{1});
  t.AddInput<float>("A", ta ? std::vector<int64_t>{K, M} : std::vector<int64_t>{M, K}, a);
  t.AddInput<float>("B", tb ? std::vector<int64_t>{N, K} : std::vector<int64_t>{K, N}, b, b_constant);
  if (has_c) t.AddInput<float>("C", c_dims, c);
  t.AddOutput<float>("Y", {M, N}, y);
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(NnGemmTest, TransposesAndScales) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) CheckGemm(7, 9, 13, ta, tb, 0.5f, 2.f, {7, 9}, true);
  CheckGemm(33, 65, 17, false, true, 1.f, 0.f, {65}, true);
}

TEST(NnGemmTest, ConstantWeightsPrePacked) {
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) CheckGemm(13, 41, 29, ta, tb, 0.5f, 2.f, {41}, true, 13, true);
  CheckGemm(1, 1000, 64, false, true, 1.f, 1.f, {1000}, true, 13, true);
  CheckGemm(3, 4, 5, false, false, 1.f, 1.f, {}, false, 11, true);
}

TEST(NnGemmTest, CBroadcastShapes) {
  for (const auto& cd : std::vector<std::vector<int64_t>>{{}, {1}, {5}, {1, 5}, {4, 1}, {1, 1}, {4, 5}}) {
    CheckGemm(4, 5, 3, false, false, 1.f, 0.7f, cd, true);
  }
}

TEST(NnGemmTest, OptionalCAndOldOpsets) {
  CheckGemm(3, 4, 5, false, false, 1.f, 1.f, {}, false, 11);
  CheckGemm(3, 4, 5, true, false, 1.f, 1.f, {4}, true, 6);
  CheckGemm(3, 4, 5, false, true, 2.f, 1.f, {3, 4}, true, 1);
  CheckGemm(3, 4, 5, false, false, 1.f, 1.f, {1, 4}, true, 7);
  CheckGemm(3, 4, 5, false, false, 1.f, 1.f, {3, 4}, true, 9);
}

TEST(NnGemmTest, IntegerHalfAndDoubleTypes) {
  {
    OpTester t("Gemm", 13);
    t.AddAttribute("beta", 2.f);
    t.AddInput<int32_t>("A", {1, 2}, {1, 2});
    t.AddInput<int32_t>("B", {2, 2}, {3, 4, 5, 6});
    t.AddInput<int32_t>("C", {2}, {1, -1});
    t.AddOutput<int32_t>("Y", {1, 2}, {15, 14});
    t.Run();
  }
  {
    OpTester t("Gemm", 13);
    t.AddAttribute("alpha", 0.5f);
    t.AddInput<int64_t>("A", {1, 1}, {3});
    t.AddInput<int64_t>("B", {1, 1}, {3});
    t.AddOutput<int64_t>("Y", {1, 1}, {4});
    t.Run();
  }
  {
    OpTester t("Gemm", 13);
    t.AddInput<uint64_t>("A", {1, 1}, {3});
    t.AddInput<uint64_t>("B", {1, 1}, {4});
    t.AddInput<uint64_t>("C", {1, 1}, {5});
    t.AddOutput<uint64_t>("Y", {1, 1}, {17});
    t.Run();
  }
  {
    OpTester t("Gemm", 13);
    t.AddAttribute("transB", int64_t{1});
    t.AddInput<MLFloat16>("A", {1, 2}, {MLFloat16(1.f), MLFloat16(2.f)});
    t.AddInput<MLFloat16>("B", {1, 2}, {MLFloat16(0.5f), MLFloat16(0.25f)});
    t.AddInput<MLFloat16>("C", {1}, {MLFloat16(1.f)});
    t.AddOutput<MLFloat16>("Y", {1, 1}, {MLFloat16(2.f)});
    t.Run();
  }
  {
    OpTester t("Gemm", 13);
    t.AddInput<double>("A", {2, 1}, {1, 2});
    t.AddInput<double>("B", {1, 2}, {3, 4});
    t.AddInput<double>("C", {2, 1}, {10, 20});
    t.AddOutput<double>("Y", {2, 2}, {13, 14, 26, 28});
    t.Run();
  }
}

TEST(NnGemmTest, ZeroSizedAndBadInputs) {
  {
    OpTester t("Gemm", 13);
    t.AddInput<float>("A", {0, 3}, {});
    t.AddInput<float>("B", {3, 2}, std::vector<float>(6, 1.f));
    t.AddOutput<float>("Y", {0, 2}, {});
    t.Run();
  }
  {
    OpTester t("Gemm", 13);
    t.AddInput<float>("A", {2, 0}, {});
    t.AddInput<float>("B", {0, 2}, {});
    t.AddInput<float>("C", {2}, {1, 2});
    t.AddOutput<float>("Y", {2, 2}, {1, 2, 1, 2});
    t.Run();
  }
  {
    OpTester t("Gemm", 13);
    t.AddInput<float>("A", {2, 3}, std::vector<float>(6));
    t.AddInput<float>("B", {3, 2}, std::vector<float>(6));
    t.AddInput<float>("C", {3}, {1, 2, 3});
    t.AddOutput<float>("Y", {2, 2}, std::vector<float>(4));
    t.RunExpectFailure("cannot be broadcast");
  }
  {
    OpTester t("Gemm", 13);
    t.AddInput<float>("A", {2, 3}, std::vector<float>(6));
    t.AddInput<float>("B", {2, 2}, std::vector<float>(4));
    t.AddOutput<float>("Y", {2, 2}, std::vector<float>(4));
    t.RunExpectFailure("inner dimensions differ");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
