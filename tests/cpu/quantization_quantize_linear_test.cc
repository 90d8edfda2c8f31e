// QuantizeLinear, DequantizeLinear and DynamicQuantizeLinear tests. Expected values come from
// numpy (np.rint rounds half to even, as the operators require).
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {

TEST(QuantizeLinearTest, Uint8RoundsHalfToEvenAndSaturates) {
  OpTester t("QuantizeLinear", 10);
  t.AddInput<float>("x", {12}, {0.f, 1.0f, 2.5f, 3.0f, -3.0f, 5.0f, -5.0f, 7.0f, 300.0f, -300.0f, 254.9f, 1.0000001f});
  t.AddInput<float>("y_scale", {}, {2.0f});
  t.AddInput<uint8_t>("y_zero_point", {}, {128});
  t.AddOutput<uint8_t>("y", {12}, {128, 128, 129, 130, 126, 130, 126, 132, 255, 0, 255, 129});
  t.Run();
}

TEST(QuantizeLinearTest, Int8) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<float>("x", {12}, {0.f, 1.0f, 2.5f, 3.0f, -3.0f, 5.0f, -5.0f, 7.0f, 300.0f, -300.0f, 254.9f, 1.0000001f});
  t.AddInput<float>("y_scale", {}, {0.5f});
  t.AddInput<int8_t>("y_zero_point", {}, {-3});
  t.AddOutput<int8_t>("y", {12}, {-3, -1, 2, 3, -9, 7, -13, 11, 127, -128, 127, -1});
  t.Run();
}

TEST(QuantizeLinearTest, NoZeroPointGivesUint8) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<float>("x", {12}, {0.f, 1.0f, 2.5f, 3.0f, -3.0f, 5.0f, -5.0f, 7.0f, 300.0f, -300.0f, 254.9f, 1.0000001f});
  t.AddInput<float>("y_scale", {1}, {1.5f});
  t.AddOutput<uint8_t>("y", {12}, {0, 1, 2, 2, 0, 3, 0, 5, 200, 0, 170, 1});
  t.Run();
}

TEST(QuantizeLinearTest, Int32Input) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<int32_t>("x", {10}, {-1000, -7, -5, -3, 0, 3, 5, 7, 1000, 2147483647});
  t.AddInput<float>("y_scale", {}, {2.0f});
  t.AddInput<int8_t>("y_zero_point", {}, {10});
  t.AddOutput<int8_t>("y", {10}, {-128, 6, 8, 8, 10, 12, 12, 14, 127, 127});
  t.Run();
}

TEST(QuantizeLinearTest, PerAxisDefaultAxis) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<float>("x", {2, 3, 2}, {30.5f, 124.9f, -125.5f, 6.5f, 235.8f, 237.8f, -224.6f, -175.7f, -269.1f, -35.5f, -282.1f, -25.9f});
  t.AddInput<float>("y_scale", {3}, {2.0f, 4.0f, 0.5f});
  t.AddInput<uint8_t>("y_zero_point", {3}, {84, 24, 196});
  t.AddOutput<uint8_t>("y", {2, 3, 2}, {99, 146, 0, 26, 255, 255, 0, 0, 0, 15, 0, 144});
  t.Run();
}

TEST(QuantizeLinearTest, PerAxisNegativeAxis) {
  OpTester t("QuantizeLinear", 13);
  t.AddAttribute("axis", int64_t{-1});
  t.AddInput<float>("x", {2, 3, 2}, {30.5f, 124.9f, -125.5f, 6.5f, 235.8f, 237.8f, -224.6f, -175.7f, -269.1f, -35.5f, -282.1f, -25.9f});
  t.AddInput<float>("y_scale", {2}, {3.0f, 0.25f});
  t.AddInput<int8_t>("y_zero_point", {2}, {-10, 5});
  t.AddOutput<int8_t>("y", {2, 3, 2}, {0, 127, -52, 31, 69, 127, -85, -128, -100, -128, -104, -99});
  t.Run();
}

TEST(QuantizeLinearTest, PerAxisAxisZero) {
  OpTester t("QuantizeLinear", 13);
  t.AddAttribute("axis", int64_t{0});
  t.AddInput<float>("x", {2, 3, 2}, {30.5f, 124.9f, -125.5f, 6.5f, 235.8f, 237.8f, -224.6f, -175.7f, -269.1f, -35.5f, -282.1f, -25.9f});
  t.AddInput<float>("y_scale", {2}, {3.0f, 0.25f});
  t.AddInput<int8_t>("y_zero_point", {2}, {-10, 5});
  t.AddOutput<int8_t>("y", {2, 3, 2}, {0, 32, -52, -8, 69, 69, -128, -128, -128, -128, -128, -99});
  t.Run();
}

TEST(QuantizeLinearTest, Empty) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<float>("x", {0, 3}, {});
  t.AddInput<float>("y_scale", {}, {2.0f});
  t.AddInput<uint8_t>("y_zero_point", {}, {1});
  t.AddOutput<uint8_t>("y", {0, 3}, {});
  t.Run();
}

TEST(QuantizeLinearTest, ScaleLengthMismatchFails) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<float>("x", {2, 3, 2}, {30.5f, 124.9f, -125.5f, 6.5f, 235.8f, 237.8f, -224.6f, -175.7f, -269.1f, -35.5f, -282.1f, -25.9f});
  t.AddInput<float>("y_scale", {2}, {1.0f, 2.0f});
  t.AddInput<uint8_t>("y_zero_point", {2}, {0, 0});
  t.AddOutput<uint8_t>("y", {2, 3, 2}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("scale");
}

TEST(QuantizeLinearTest, ZeroPointShapeMismatchFails) {
  OpTester t("QuantizeLinear", 13);
  t.AddInput<float>("x", {2, 3, 2}, {30.5f, 124.9f, -125.5f, 6.5f, 235.8f, 237.8f, -224.6f, -175.7f, -269.1f, -35.5f, -282.1f, -25.9f});
  t.AddInput<float>("y_scale", {3}, {2.0f, 4.0f, 0.5f});
  t.AddInput<uint8_t>("y_zero_point", {2}, {0, 0});
  t.AddOutput<uint8_t>("y", {2, 3, 2}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("zero point");
}

TEST(DequantizeLinearTest, Uint8) {
  OpTester t("DequantizeLinear", 10);
  t.AddInput<uint8_t>("x", {5}, {0, 3, 128, 255, 17});
  t.AddInput<float>("x_scale", {}, {2.0f});
  t.AddInput<uint8_t>("x_zero_point", {}, {128});
  t.AddOutput<float>("y", {5}, {-256.0f, -250.0f, 0.f, 254.0f, -222.0f});
  t.Run();
}

TEST(DequantizeLinearTest, Int8PerAxisZero) {
  OpTester t("DequantizeLinear", 13);
  t.AddAttribute("axis", int64_t{0});
  t.AddInput<int8_t>("x", {2, 4}, {-128, -1, 0, 127, 5, 6, -7, 8});
  t.AddInput<float>("x_scale", {2}, {0.5f, 3.0f});
  t.AddInput<int8_t>("x_zero_point", {2}, {-1, 4});
  t.AddOutput<float>("y", {2, 4}, {-63.5f, 0.f, 0.5f, 64.0f, 3.0f, 6.0f, -33.0f, 12.0f});
  t.Run();
}

TEST(DequantizeLinearTest, Int8PerAxisNegative) {
  OpTester t("DequantizeLinear", 13);
  t.AddAttribute("axis", int64_t{-1});
  t.AddInput<int8_t>("x", {2, 4}, {-128, -1, 0, 127, 5, 6, -7, 8});
  t.AddInput<float>("x_scale", {4}, {0.5f, 3.0f, 1.0f, 0.25f});
  t.AddInput<int8_t>("x_zero_point", {4}, {-1, 4, 0, 100});
  t.AddOutput<float>("y", {2, 4}, {-63.5f, -15.0f, 0.f, 6.75f, 3.0f, 6.0f, -7.0f, -23.0f});
  t.Run();
}

TEST(DequantizeLinearTest, Int32WithoutZeroPoint) {
  OpTester t("DequantizeLinear", 13);
  t.AddInput<int32_t>("x", {5}, {-100000, -1, 0, 1, 123456});
  t.AddInput<float>("x_scale", {}, {0.125f});
  t.AddOutput<float>("y", {5}, {-12500.0f, -0.125f, 0.f, 0.125f, 15432.0f});
  t.Run();
}

TEST(DequantizeLinearTest, Empty) {
  OpTester t("DequantizeLinear", 13);
  t.AddInput<uint8_t>("x", {2, 0}, {});
  t.AddInput<float>("x_scale", {}, {2.0f});
  t.AddOutput<float>("y", {2, 0}, {});
  t.Run();
}

TEST(DequantizeLinearTest, ZeroPointTypeMismatchFails) {
  OpTester t("DequantizeLinear", 13);
  t.AddInput<uint8_t>("x", {5}, {0, 3, 128, 255, 17});
  t.AddInput<float>("x_scale", {}, {2.0f});
  t.AddInput<int8_t>("x_zero_point", {}, {1});
  t.AddOutput<float>("y", {5}, {0.f, 0.f, 0.f, 0.f, 0.f});
  t.RunExpectFailure("zero");
}

TEST(DynamicQuantizeLinearTest, Mixed) {
  OpTester t("DynamicQuantizeLinear", 11);
  t.AddInput<float>("x", {6}, {0.f, 2.0f, -3.0f, -2.5f, 1.34f, 0.5f});
  t.AddOutput<uint8_t>("y", {6}, {153, 255, 0, 26, 221, 179});
  t.AddOutput<float>("y_scale", {}, {0.019607844f});
  t.AddOutput<uint8_t>("y_zero_point", {}, {153});
  t.Run();
}

TEST(DynamicQuantizeLinearTest, AllNegative) {
  OpTester t("DynamicQuantizeLinear", 11);
  t.AddInput<float>("x", {6}, {-1.0f, -2.1f, -1.3f, -2.5f, -3.34f, -4.0f});
  t.AddOutput<uint8_t>("y", {6}, {191, 121, 172, 96, 42, 0});
  t.AddOutput<float>("y_scale", {}, {0.015686275f});
  t.AddOutput<uint8_t>("y_zero_point", {}, {255});
  t.Run();
}

TEST(DynamicQuantizeLinearTest, AllPositive2D) {
  OpTester t("DynamicQuantizeLinear", 11);
  t.AddInput<float>("x", {3, 4}, {1.0f, 2.1f, 1.3f, 2.5f, 3.34f, 4.0f, 1.5f, 2.6f, 3.9f, 4.0f, 3.0f, 2.345f});
  t.AddOutput<uint8_t>("y", {3, 4}, {64, 134, 83, 159, 213, 255, 96, 166, 249, 255, 191, 149});
  t.AddOutput<float>("y_scale", {}, {0.015686275f});
  t.AddOutput<uint8_t>("y_zero_point", {}, {0});
  t.Run();
}

TEST(DynamicQuantizeLinearTest, AllZero) {
  OpTester t("DynamicQuantizeLinear", 11);
  t.AddInput<float>("x", {2, 2}, {0.f, 0.f, 0.f, 0.f});
  t.AddOutput<uint8_t>("y", {2, 2}, {0, 0, 0, 0});
  t.AddOutput<float>("y_scale", {}, {0.f});
  t.AddOutput<uint8_t>("y_zero_point", {}, {0});
  t.Run();
}

TEST(DynamicQuantizeLinearTest, Empty) {
  OpTester t("DynamicQuantizeLinear", 11);
  t.AddInput<float>("x", {0}, {});
  t.AddOutput<uint8_t>("y", {0}, {});
  t.AddOutput<float>("y_scale", {}, {0.f});
  t.AddOutput<uint8_t>("y_zero_point", {}, {0});
  t.Run();
}

}  // namespace test
}  // namespace ortlite
