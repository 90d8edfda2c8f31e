// MatMulInteger and QLinearMatMul tests. Expected values come from int64 numpy products, with
// requantisation in float32 as the operator specs describe.
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {

TEST(MatMulIntegerTest, Uint8ScalarZeroPoints) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {4, 3}, {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0});
  t.AddInput<uint8_t>("B", {3, 2}, {1, 4, 2, 5, 3, 6});
  t.AddInput<uint8_t>("a_zero_point", {1}, {12});
  t.AddInput<uint8_t>("b_zero_point", {1}, {0});
  t.AddOutput<int32_t>("Y", {4, 2}, {-38, -83, -44, -98, -50, -113, -56, -128});
  t.Run();
}

TEST(MatMulIntegerTest, NoZeroPoints) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {4, 3}, {11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0});
  t.AddInput<uint8_t>("B", {3, 2}, {1, 4, 2, 5, 3, 6});
  t.AddOutput<int32_t>("Y", {4, 2}, {34, 97, 28, 82, 22, 67, 16, 52});
  t.Run();
}

TEST(MatMulIntegerTest, Int8TimesUint8PerRowAndColumnZeroPoints) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<int8_t>("A", {3, 5}, {-2, -36, -2, 117, 54, -72, 123, 22, -3, -63, -106, 52, -69, -88, 122});
  t.AddInput<uint8_t>("B", {5, 4}, {241, 248, 117, 91, 161, 221, 220, 128, 188, 238, 187, 216, 202, 184, 221, 62, 234, 124, 120, 12});
  t.AddInput<int8_t>("a_zero_point", {3}, {-3, 0, 7});
  t.AddInput<uint8_t>("b_zero_point", {4}, {128, 1, 255, 0});
  t.AddOutput<int32_t>("Y", {3, 4}, {14006, 22195, -10826, 4207, -9657, 6192, 12742, 13002, -10684, -39263, 6892, -25449});
  t.Run();
}

TEST(MatMulIntegerTest, BatchedTimesMatrix) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {2, 3, 4}, {18, 214, 184, 129, 184, 227, 139, 165, 19, 230, 119, 137, 208, 56, 49, 191, 104, 141, 187, 58, 161, 205, 221, 236});
  t.AddInput<int8_t>("B", {4, 5}, {122, 54, -65, -106, 50, -88, -124, 117, -29, -76, 58, 0, -54, 56, 16, 4, 111, -123, 116, -104});
  t.AddInput<uint8_t>("a_zero_point", {}, {100});
  t.AddInput<int8_t>("b_zero_point", {}, {-2});
  t.AddOutput<int32_t>("Y", {2, 3, 5}, {-14758, -15055, 10855, 13744, -14146, 2224, -3367, -72, -2233, -10958, -19862, -16177, 15108, 10382, -17264, 14662, 21597, -20399, -2264, -1328, 1938, -9350, 5185, -1433, 3024, 6610, 6216, -14096, 13887, -16292});
  t.Run();
}

TEST(MatMulIntegerTest, BroadcastBatchesWithBatchedZeroPoint) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<int8_t>("A", {2, 1, 2, 3}, {19, 30, -88, 4, 123, -56, 64, -127, -94, 109, 91, -20});
  t.AddInput<int8_t>("B", {3, 3, 2}, {-13, 77, 71, 119, -14, 15, 112, 116, -82, 102, 66, 29, 50, -30, -67, -18, 19, 41});
  t.AddInput<int8_t>("a_zero_point", {2, 1, 2, 1}, {5, -5, 1, 2});
  t.AddOutput<int32_t>("Y", {2, 3, 2, 2}, {2895, 2658, 9685, 15160, -6620, 1477, -12854, 12621, -2742, -4683, -9095, -4665, -8577, -11806, 5236, 18500, 11282, -8503, 3234, 20852, 9921, -3481, -1031, -5714});
  t.Run();
}

TEST(MatMulIntegerTest, VectorTimesMatrix) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {3}, {170, 50, 241});
  t.AddInput<uint8_t>("B", {3, 2}, {147, 176, 209, 224, 34, 144});
  t.AddInput<uint8_t>("a_zero_point", {}, {3});
  t.AddInput<uint8_t>("b_zero_point", {2}, {1, 2});
  t.AddOutput<int32_t>("Y", {2}, {42012, 73288});
  t.Run();
}

TEST(MatMulIntegerTest, MatrixTimesVector) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {2, 3}, {147, 209, 34, 176, 224, 144});
  t.AddInput<uint8_t>("B", {3}, {170, 50, 241});
  t.AddOutput<int32_t>("Y", {2}, {43634, 75824});
  t.Run();
}

TEST(MatMulIntegerTest, EmptyInnerDimension) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {2, 0}, {});
  t.AddInput<uint8_t>("B", {0, 3}, {});
  t.AddOutput<int32_t>("Y", {2, 3}, {0, 0, 0, 0, 0, 0});
  t.Run();
}

TEST(MatMulIntegerTest, EmptyRows) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {0, 2}, {});
  t.AddInput<uint8_t>("B", {2, 3}, {228, 170, 56, 112, 14, 203});
  t.AddOutput<int32_t>("Y", {0, 3}, {});
  t.Run();
}

TEST(MatMulIntegerTest, InnerDimensionMismatchFails) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {2, 3}, {157, 199, 91, 160, 210, 164});
  t.AddInput<uint8_t>("B", {2, 3}, {219, 64, 129, 102, 108, 87});
  t.AddOutput<int32_t>("Y", {2, 3}, {0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("inner");
}

TEST(MatMulIntegerTest, ZeroPointLengthMismatchFails) {
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {2, 3}, {118, 161, 247, 236, 214, 210});
  t.AddInput<uint8_t>("B", {3, 3}, {213, 96, 144, 185, 85, 211, 215, 253, 240});
  t.AddInput<uint8_t>("a_zero_point", {3}, {1, 2, 3});
  t.AddOutput<int32_t>("Y", {2, 3}, {0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("a_zero_point");
}

TEST(QLinearMatMulTest, Uint8) {
  OpTester t("QLinearMatMul", 10);
  t.AddInput<uint8_t>("a", {2, 4}, {208, 236, 0, 238, 3, 214, 255, 29});
  t.AddInput<float>("a_scale", {1}, {0.0066f});
  t.AddInput<uint8_t>("a_zero_point", {1}, {113});
  t.AddInput<uint8_t>("b", {4, 3}, {152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247});
  t.AddInput<float>("b_scale", {1}, {0.00705f});
  t.AddInput<uint8_t>("b_zero_point", {1}, {114});
  t.AddInput<float>("y_scale", {1}, {0.0107f});
  t.AddInput<uint8_t>("y_zero_point", {1}, {118});
  t.AddOutput<uint8_t>("y", {2, 3}, {168, 115, 255, 1, 66, 151});
  t.Run();
}

TEST(QLinearMatMulTest, Int8PerColumnWeights) {
  OpTester t("QLinearMatMul", 10);
  t.AddInput<int8_t>("a", {2, 3, 4}, {-34, -52, 126, 79, 11, -106, -87, -62, -26, 76, 85, -80, 105, 48, 85, -110, -11, -118, 115, -106, -99, 99, 62, -127});
  t.AddInput<float>("a_scale", {}, {0.05f});
  t.AddInput<int8_t>("a_zero_point", {}, {-1});
  t.AddInput<int8_t>("b", {4, 3}, {-58, 97, 88, -104, -26, -88, 81, 7, 42, -128, 45, -95});
  t.AddInput<float>("b_scale", {3}, {0.01f, 0.02f, 0.005f});
  t.AddInput<int8_t>("b_zero_point", {3}, {0, -4, 9});
  t.AddInput<float>("y_scale", {}, {0.3f});
  t.AddInput<int8_t>("y_zero_point", {}, {-2});
  t.AddOutput<int8_t>("y", {2, 3, 3}, {10, 8, -3, 16, -3, 10, 16, -26, -1, 14, 15, 13, 57, -10, 19, 26, -61, -4});
  t.Run();
}

TEST(QLinearMatMulTest, PerRowActivationsMixedTypes) {
  OpTester t("QLinearMatMul", 10);
  t.AddInput<uint8_t>("a", {3, 4}, {111, 186, 35, 214, 226, 144, 87, 61, 164, 226, 40, 43});
  t.AddInput<float>("a_scale", {3, 1}, {0.01f, 0.02f, 0.03f});
  t.AddInput<uint8_t>("a_zero_point", {3, 1}, {120, 128, 135});
  t.AddInput<int8_t>("b", {4, 3}, {-58, 97, 88, -104, -26, -88, 81, 7, 42, -128, 45, -95});
  t.AddInput<float>("b_scale", {}, {0.02f});
  t.AddInput<int8_t>("b_zero_point", {}, {3});
  t.AddInput<float>("y_scale", {}, {0.25f});
  t.AddInput<uint8_t>("y_zero_point", {}, {100});
  t.AddOutput<uint8_t>("y", {3, 3}, {80, 101, 85, 97, 109, 119, 84, 90, 99});
  t.Run();
}

TEST(QLinearMatMulTest, NonScalarOutputScaleFails) {
  OpTester t("QLinearMatMul", 10);
  t.AddInput<uint8_t>("a", {2, 4}, {208, 236, 0, 238, 3, 214, 255, 29});
  t.AddInput<float>("a_scale", {1}, {0.0066f});
  t.AddInput<uint8_t>("a_zero_point", {1}, {113});
  t.AddInput<uint8_t>("b", {4, 3}, {152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247});
  t.AddInput<float>("b_scale", {1}, {0.00705f});
  t.AddInput<uint8_t>("b_zero_point", {1}, {114});
  t.AddInput<float>("y_scale", {2}, {0.0107f, 1.0f});
  t.AddInput<uint8_t>("y_zero_point", {1}, {118});
  t.AddOutput<uint8_t>("y", {2, 3}, {0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("y_scale");
}

TEST(MatMulIntegerTest, OddSizesAcrossTiles) {
  // Sizes that leave partial row and column tiles in the integer product.
  const int64_t M = 5, K = 7, N = 300;
  std::vector<uint8_t> a(M * K);
  std::vector<int8_t> b(K * N), b_zp(N);
  for (int64_t i = 0; i < M * K; ++i) a[i] = static_cast<uint8_t>((i * 37 + 11) % 256);
  for (int64_t i = 0; i < K * N; ++i) b[i] = static_cast<int8_t>((i * 13) % 256 - 128);
  for (int64_t n = 0; n < N; ++n) b_zp[n] = static_cast<int8_t>(n % 5 - 2);
  const int32_t a_zp = 3;
  std::vector<int32_t> y(M * N, 0);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n)
      for (int64_t k = 0; k < K; ++k) y[m * N + n] += (a[m * K + k] - a_zp) * (b[k * N + n] - b_zp[n]);
  OpTester t("MatMulInteger", 10);
  t.AddInput<uint8_t>("A", {M, K}, a);
  t.AddInput<int8_t>("B", {K, N}, b);
  t.AddInput<uint8_t>("a_zero_point", {}, {static_cast<uint8_t>(a_zp)});
  t.AddInput<int8_t>("b_zero_point", {N}, b_zp);
  t.AddOutput<int32_t>("Y", {M, N}, y);
  t.Run();
}

}  // namespace test
}  // namespace ortlite
