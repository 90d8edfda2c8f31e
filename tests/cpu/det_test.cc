// Det: determinants of batches of square matrices.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(DetTest, SingleMatrixGivesScalar) {
  OpTester t("Det", 11);
  t.AddInput<float>("X", {2, 2}, {0, 1, 2, 3});
  t.AddOutput<float>("Y", {}, {-2.0f});
  t.Run();
}

TEST(DetTest, BatchNeedsPivoting) {
  // The second matrix has a zero leading entry; the third is singular.
  OpTester t("Det", 11);
  t.AddInput<float>("X", {3, 3, 3}, {2, -1, 0, -1, 2, -1, 0, -1, 2,
                                     0, 2, 1, 3, 0, 4, 1, 5, 0,
                                     1, 2, 3, 4, 5, 6, 7, 8, 9});
  t.AddOutput<float>("Y", {3}, {4.0f, 23.0f, 0.0f});
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

TEST(DetTest, TwoBatchDimsDouble) {
  OpTester t("Det", 11);
  t.AddInput<double>("X", {2, 1, 2, 2}, {1, 2, 3, 4, 1.5, 0.5, -2, 4});
  t.AddOutput<double>("Y", {2, 1}, {-2.0, 7.0});
  t.SetTolerance(1e-12, 1e-12);
  t.Run();
}

TEST(DetTest, Float16) {
  OpTester t("Det", 11);
  t.AddInput<MLFloat16>("X", {2, 2}, {MLFloat16(3.0f), MLFloat16(1.0f), MLFloat16(2.0f), MLFloat16(4.0f)});
  t.AddOutput<MLFloat16>("Y", {}, {MLFloat16(10.0f)});
  t.Run();
}

TEST(DetTest, LargerMatrixMatchesPermutationSign) {
  // A permutation matrix of an odd permutation (one swap of rows 0 and 4) scaled by 2.
  std::vector<float> x(25, 0.0f);
  const int perm[5] = {4, 1, 2, 3, 0};
  for (int r = 0; r < 5; ++r) x[r * 5 + perm[r]] = 2.0f;
  OpTester t("Det", 11);
  t.AddInput<float>("X", {5, 5}, x);
  t.AddOutput<float>("Y", {}, {-32.0f});
  t.Run();
}

TEST(DetTest, EmptyBatchAndEmptyMatrix) {
  {
    OpTester t("Det", 11);
    t.AddInput<float>("X", {0, 3, 3}, {});
    t.AddOutput<float>("Y", {0}, {});
    t.Run();
  }
  {
    // The determinant of a 0x0 matrix is the empty product.
    OpTester t("Det", 11);
    t.AddInput<float>("X", {2, 0, 0}, {});
    t.AddOutput<float>("Y", {2}, {1.0f, 1.0f});
    t.Run();
  }
}

TEST(DetTest, NonSquareFails) {
  OpTester t("Det", 11);
  t.AddInput<float>("X", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddOutput<float>("Y", {}, {0.0f});
  t.RunExpectFailure("square");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
