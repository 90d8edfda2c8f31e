// ConvInteger and QLinearConv tests. Expected values come from a direct int64 numpy convolution,
// with requantisation in float32 as the operator specs describe.
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {

TEST(ConvIntegerTest, Basic) {
  OpTester t("ConvInteger", 10);
  t.AddInput<uint8_t>("x", {1, 1, 3, 3}, {2, 3, 4, 5, 6, 7, 8, 9, 10});
  t.AddInput<uint8_t>("w", {1, 1, 2, 2}, {1, 1, 1, 1});
  t.AddInput<uint8_t>("x_zero_point", {}, {1});
  t.AddOutput<int32_t>("y", {1, 1, 2, 2}, {12, 16, 24, 28});
  t.Run();
}

TEST(ConvIntegerTest, PaddingUsesZeroPoint) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("pads", std::vector<int64_t>{1, 1, 1, 1});
  t.AddInput<uint8_t>("x", {1, 1, 3, 3}, {2, 3, 4, 5, 6, 7, 8, 9, 10});
  t.AddInput<uint8_t>("w", {1, 1, 2, 2}, {1, 1, 1, 1});
  t.AddInput<uint8_t>("x_zero_point", {}, {1});
  t.AddOutput<int32_t>("y", {1, 1, 4, 4}, {1, 3, 5, 3, 5, 12, 16, 9, 11, 24, 28, 15, 7, 15, 17, 9});
  t.Run();
}

TEST(ConvIntegerTest, GroupsStridesDilationsPerChannelZeroPoint) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("group", int64_t{2});
  t.AddAttribute("pads", std::vector<int64_t>{1, 0, 2, 1});
  t.AddAttribute("strides", std::vector<int64_t>{2, 1});
  t.AddAttribute("dilations", std::vector<int64_t>{1, 2});
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 3});
  t.AddInput<int8_t>("x", {2, 4, 5, 6}, {73, 79, -72, -124, -80, -16, -8, 35, 60, -30, 127, 113, 74, -56, -18, 63, 44, -67, 125, 105, 125, 118, -6, -80, 110, -28, 102, -44, -69, 20, -9, 76, 56, 41, 5, 102, 101, -110, 70, -78, 56, 108, 98, -80, -75, -123, -48, 122, -93, -16, 120, 91, 33, -116, 112, -46, -113, 6, 84, -38, -100, 9, 80, -19, 0, 5, -59, 107, 57, -10, 99, 4, -52, -98, -98, 76, 102, 25, 32, 122, 90, -6, 32, -16, -65, 25, 79, 53, 126, -62, -7, -57, -95, -120, -70, 50, -25, 94, -104, -103, -2, -21, -64, 25, 92, 78, -81, 39, -123, 43, -110, -89, 117, 126, -32, 4, 34, -78, -32, -71, 123, -15, 16, 99, -127, -77, -127, -101, 33, 118, -96, -97, 66, -42, -54, 93, -39, -47, 126, -61, -127, -63, 79, 33, -79, -95, -117, -117, 77, 118, 117, 55, 101, 36, 86, -3, -47, 73, -99, -21, 113, -4, -125, -34, -90, 46, -36, 24, 65, -87, -127, 92, -48, 107, 61, 109, -103, -8, 35, -118, -55, -60, -100, 16, -94, -87, -128, 56, 30, 78, -127, -50, 65, -92, -10, 122, -8, 61, 53, 0, -125, 117, -121, 32, -40, 53, -29, -34, -20, -118, 93, 23, -85, 39, -34, -27, 12, 108, -93, 98, 82, -38, -97, -80, 79, 89, 18, -14, -114, -10, 102, 3, 26, 44, -27, -116, -63, -59, -74, 74});
  t.AddInput<uint8_t>("w", {6, 2, 2, 3}, {238, 234, 49, 100, 3, 22, 133, 139, 147, 227, 98, 167, 139, 0, 250, 197, 100, 43, 193, 218, 85, 208, 237, 13, 79, 42, 151, 2, 207, 120, 75, 251, 28, 177, 83, 210, 109, 87, 114, 218, 80, 245, 123, 78, 7, 111, 225, 173, 233, 138, 103, 31, 116, 150, 192, 17, 1, 197, 54, 214, 21, 74, 105, 139, 15, 205, 227, 211, 236, 117, 235, 39});
  t.AddInput<int8_t>("x_zero_point", {}, {-5});
  t.AddInput<uint8_t>("w_zero_point", {6}, {0, 10, 128, 255, 3, 7});
  t.AddOutput<int32_t>("y", {2, 6, 4, 3}, {12689, 48565, 7902, 72733, -11689, 43555, 113819, 31244, 47327, 0, 0, 0, 19166, 31436, -4931, 89811, -38912, 11836, 55916, -8116, 60627, 0, 0, 0, -16642, -9224, 5056, -11602, 12533, -6995, 11032, 205, -36070, 0, 0, 0, -3092, 8260, 10890, 30985, -29987, -40959, -31532, -45163, -58659, 0, 0, 0, -11013, -4068, -17830, -17453, 73652, 34060, 19142, 18721, 32052, 0, 0, 0, -33690, -26464, -13460, 17113, 18183, -31410, 14815, -572, 15867, 0, 0, 0, 63458, 15700, 34714, -60451, 8651, -35685, -1097, -5914, -60863, 0, 0, 0, 70291, 26307, 34592, -91749, -18236, -22936, -7782, 14747, -71736, 0, 0, 0, -4823, 11311, -11185, -37661, -2790, 26178, 2333, 11646, 13919, 0, 0, 0, 10031, -4368, 31480, 28193, -52416, -473, 32020, -24166, 31332, 0, 0, 0, -16405, -8187, -29716, -41715, 53562, -6844, -61307, -5494, -39741, 0, 0, 0, -33370, -10920, -28664, 12752, 55814, 4504, -39283, -13321, -4988, 0, 0, 0});
  t.Run();
}

TEST(ConvIntegerTest, AutoPad1DSameUpper) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("auto_pad", "SAME_UPPER");
  t.AddAttribute("strides", std::vector<int64_t>{2});
  t.AddInput<uint8_t>("x", {1, 2, 7}, {73, 121, 32, 146, 195, 195, 201, 62, 25, 54, 56, 174, 101, 154});
  t.AddInput<int8_t>("w", {3, 2, 3}, {66, 1, -40, 75, -43, 30, -53, -74, -17, -10, 120, 38, -95, 98, -53, 5, 1, 56});
  t.AddInput<uint8_t>("x_zero_point", {}, {128});
  t.AddInput<int8_t>("w_zero_point", {}, {-1});
  t.AddOutput<int32_t>("y", {1, 3, 4}, {-258, -8315, -9514, 1491, -7876, -3751, -1738, -5424, -11084, -14652, -422, 819});
  t.Run();
}

TEST(ConvIntegerTest, AutoPad1DSameLower) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("auto_pad", "SAME_LOWER");
  t.AddAttribute("strides", std::vector<int64_t>{2});
  t.AddInput<uint8_t>("x", {1, 2, 7}, {73, 121, 32, 146, 195, 195, 201, 62, 25, 54, 56, 174, 101, 154});
  t.AddInput<int8_t>("w", {3, 2, 3}, {66, 1, -40, 75, -43, 30, -53, -74, -17, -10, 120, 38, -95, 98, -53, 5, 1, 56});
  t.AddInput<uint8_t>("x_zero_point", {}, {128});
  t.AddInput<int8_t>("w_zero_point", {}, {-1});
  t.AddOutput<int32_t>("y", {1, 3, 4}, {-258, -8315, -9514, 1491, -7876, -3751, -1738, -5424, -11084, -14652, -422, 819});
  t.Run();
}

TEST(ConvIntegerTest, AutoPad1DValid) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("auto_pad", "VALID");
  t.AddAttribute("strides", std::vector<int64_t>{2});
  t.AddInput<uint8_t>("x", {1, 2, 7}, {73, 121, 32, 146, 195, 195, 201, 62, 25, 54, 56, 174, 101, 154});
  t.AddInput<int8_t>("w", {3, 2, 3}, {66, 1, -40, 75, -43, 30, -53, -74, -17, -10, 120, 38, -95, 98, -53, 5, 1, 56});
  t.AddInput<uint8_t>("x_zero_point", {}, {128});
  t.AddInput<int8_t>("w_zero_point", {}, {-1});
  t.AddOutput<int32_t>("y", {1, 3, 3}, {-2939, -10183, 7212, -9848, -3646, -12210, 4649, 9356, -1757});
  t.Run();
}

TEST(ConvIntegerTest, ThreeDimensional) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("pads", std::vector<int64_t>{0, 1, 0, 1, 0, 1});
  t.AddInput<uint8_t>("x", {1, 1, 3, 3, 4}, {109, 71, 226, 231, 205, 148, 205, 220, 3, 234, 184, 168, 192, 207, 241, 165, 124, 124, 54, 60, 131, 121, 156, 73, 175, 145, 172, 198, 1, 231, 245, 49, 253, 30, 38, 83});
  t.AddInput<uint8_t>("w", {2, 1, 2, 2, 2}, {46, 86, 97, 49, 150, 76, 215, 102, 53, 199, 44, 18, 60, 185, 29, 95});
  t.AddOutput<int32_t>("y", {1, 2, 3, 3, 4}, {76446, 87048, 101886, 57882, 122097, 128637, 127347, 69616, 102446, 120783, 108076, 51111, 81182, 80607, 88638, 58575, 105785, 154399, 131975, 53645, 110165, 93325, 83463, 35036, 24080, 22493, 26386, 19206, 31936, 55874, 51106, 13861, 45923, 36468, 23237, 10305, 31307, 36090, 36766, 14949, 96781, 124670, 123178, 33563, 90335, 98006, 91564, 24769, 31024, 33991, 37372, 13002, 118356, 135852, 107774, 24686, 92172, 89115, 55732, 11739, 10310, 9476, 11132, 8712, 42332, 56487, 60180, 12650, 57694, 63002, 25902, 6249});
  t.Run();
}

TEST(ConvIntegerTest, EmptyBatch) {
  OpTester t("ConvInteger", 10);
  t.AddInput<uint8_t>("x", {0, 1, 3, 3}, {});
  t.AddInput<uint8_t>("w", {1, 1, 2, 2}, {1, 1, 1, 1});
  t.AddOutput<int32_t>("y", {0, 1, 2, 2}, {});
  t.Run();
}

TEST(ConvIntegerTest, GroupMismatchFails) {
  OpTester t("ConvInteger", 10);
  t.AddAttribute("group", int64_t{2});
  t.AddInput<uint8_t>("x", {1, 3, 3, 3}, {233, 154, 241, 21, 236, 58, 239, 151, 247, 53, 34, 19, 76, 197, 87, 133, 208, 161, 32, 219, 118, 143, 49, 98, 182, 108, 155});
  t.AddInput<uint8_t>("w", {2, 3, 1, 1}, {115, 122, 163, 93, 163, 132});
  t.AddOutput<int32_t>("y", {1, 2, 3, 3}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("group");
}

TEST(ConvIntegerTest, KernelLargerThanInputFails) {
  OpTester t("ConvInteger", 10);
  t.AddInput<uint8_t>("x", {1, 1, 2, 2}, {138, 152, 229, 24});
  t.AddInput<uint8_t>("w", {1, 1, 3, 3}, {63, 56, 77, 130, 6, 240, 121, 105, 181});
  t.AddOutput<int32_t>("y", {1, 1, 1, 1}, {0});
  t.RunExpectFailure("kernel");
}

TEST(QLinearConvTest, Uint8PointwiseKernel) {
  OpTester t("QLinearConv", 10);
  t.AddInput<uint8_t>("x", {1, 1, 7, 7}, {255, 174, 162, 25, 203, 168, 58, 15, 59, 237, 95, 129, 0, 64, 56, 242, 153, 221, 168, 12, 166, 232, 178, 186, 195, 237, 162, 237, 188, 39, 124, 77, 80, 102, 43, 127, 230, 21, 83, 41, 40, 134, 255, 154, 92, 141, 42, 148, 247});
  t.AddInput<float>("x_scale", {}, {0.003692047f});
  t.AddInput<uint8_t>("x_zero_point", {}, {132});
  t.AddInput<uint8_t>("w", {1, 1, 1, 1}, {0});
  t.AddInput<float>("w_scale", {1}, {0.0017279458f});
  t.AddInput<uint8_t>("w_zero_point", {1}, {255});
  t.AddInput<float>("y_scale", {}, {0.0016268126f});
  t.AddInput<uint8_t>("y_zero_point", {}, {123});
  t.AddOutput<uint8_t>("y", {1, 1, 7, 7}, {0, 81, 93, 230, 52, 87, 197, 240, 196, 18, 160, 126, 255, 191, 199, 13, 102, 34, 87, 243, 89, 23, 77, 69, 60, 18, 93, 18, 67, 216, 131, 178, 175, 153, 212, 128, 25, 234, 172, 214, 215, 121, 0, 101, 163, 114, 213, 107, 8});
  t.Run();
}

TEST(QLinearConvTest, PerChannelScalesGroupsBiasInt8Output) {
  OpTester t("QLinearConv", 10);
  t.AddAttribute("group", int64_t{2});
  t.AddAttribute("pads", std::vector<int64_t>{1, 1, 1, 1});
  t.AddAttribute("strides", std::vector<int64_t>{2, 2});
  t.AddInput<uint8_t>("x", {2, 4, 5, 5}, {88, 63, 81, 218, 92, 44, 253, 242, 251, 241, 68, 114, 150, 253, 135, 42, 31, 94, 115, 14, 176, 173, 244, 111, 228, 135, 94, 216, 221, 217, 80, 231, 146, 140, 24, 26, 103, 195, 48, 157, 235, 201, 138, 1, 145, 187, 252, 233, 92, 217, 245, 38, 106, 157, 32, 190, 122, 135, 177, 128, 89, 188, 86, 72, 36, 74, 76, 249, 31, 157, 26, 11, 248, 110, 123, 157, 69, 59, 6, 191, 99, 151, 238, 103, 233, 47, 50, 167, 143, 138, 84, 200, 221, 146, 5, 183, 210, 136, 78, 83, 128, 117, 227, 7, 245, 154, 236, 218, 122, 44, 80, 32, 213, 192, 33, 212, 212, 111, 2, 206, 207, 193, 107, 150, 131, 47, 0, 224, 87, 24, 230, 68, 107, 197, 158, 85, 179, 69, 64, 134, 175, 190, 141, 122, 154, 101, 206, 9, 84, 47, 2, 15, 51, 171, 81, 105, 41, 45, 229, 74, 15, 127, 201, 2, 164, 115, 40, 251, 3, 152, 143, 24, 219, 48, 213, 21, 108, 58, 50, 137, 5, 22, 29, 238, 233, 221, 204, 10, 66, 132, 98, 25, 6, 60, 245, 249, 231, 99, 168, 158});
  t.AddInput<float>("x_scale", {}, {0.02f});
  t.AddInput<uint8_t>("x_zero_point", {}, {128});
  t.AddInput<int8_t>("w", {4, 2, 3, 3}, {13, -80, 101, -53, -81, -21, 120, -82, -14, -69, 87, 71, 93, -58, 58, -103, 112, 101, -40, -46, 7, -97, -99, -59, -82, 33, -123, 49, -30, -1, -94, 44, -120, -28, 73, 97, 82, 114, 61, -11, 57, 47, 51, -23, 76, 72, -75, -12, -37, -120, -76, 105, 116, -119, -97, 126, 5, -108, -72, -34, -26, 68, 37, 33, -31, 121, 9, -10, -68, 93, 30, -23});
  t.AddInput<float>("w_scale", {4}, {0.01f, 0.02f, 0.004f, 0.03f});
  t.AddInput<int8_t>("w_zero_point", {4}, {0, 0, 0, 0});
  t.AddInput<float>("y_scale", {}, {0.5f});
  t.AddInput<int8_t>("y_zero_point", {}, {-10});
  t.AddInput<int32_t>("B", {4}, {100, -2000, 0, 35000});
  t.AddOutput<int8_t>("y", {2, 4, 3, 3}, {-5, -10, -12, 14, -27, -14, -6, -18, -9, -11, -28, -31, 17, -14, -18, -27, -19, -13, -11, -3, -9, -9, -11, -15, -15, -9, -8, 33, 65, 34, 44, 41, 40, 42, 68, 56, -10, -13, -9, 1, -6, -16, -7, -12, -12, -10, 5, -14, -11, -17, 13, -33, -22, -13, -11, -13, -5, -13, -15, -9, -15, -10, -13, 43, 41, 38, 16, 45, 28, 9, 58, 46});
  t.Run();
}

TEST(QLinearConvTest, Int8Input1DDilatedUint8Output) {
  OpTester t("QLinearConv", 10);
  t.AddAttribute("dilations", std::vector<int64_t>{2});
  t.AddInput<int8_t>("x", {1, 3, 6}, {-118, -104, 122, 115, 74, -1, 48, -43, -85, 27, -91, 25, 107, -11, -42, 53, 100, 93});
  t.AddInput<float>("x_scale", {}, {0.1f});
  t.AddInput<int8_t>("x_zero_point", {}, {3});
  t.AddInput<uint8_t>("w", {2, 3, 2}, {33, 40, 244, 85, 172, 179, 17, 124, 227, 239, 86, 14});
  t.AddInput<float>("w_scale", {}, {0.003f});
  t.AddInput<uint8_t>("w_zero_point", {}, {120});
  t.AddInput<float>("y_scale", {}, {0.2f});
  t.AddInput<uint8_t>("y_zero_point", {}, {128});
  t.AddOutput<uint8_t>("y", {1, 2, 4}, {147, 122, 98, 129, 141, 135, 66, 102});
  t.Run();
}

TEST(QLinearConvTest, BiasShapeMismatchFails) {
  OpTester t("QLinearConv", 10);
  t.AddInput<int8_t>("x", {1, 3, 6}, {-118, -104, 122, 115, 74, -1, 48, -43, -85, 27, -91, 25, 107, -11, -42, 53, 100, 93});
  t.AddInput<float>("x_scale", {}, {0.1f});
  t.AddInput<int8_t>("x_zero_point", {}, {3});
  t.AddInput<uint8_t>("w", {2, 3, 2}, {33, 40, 244, 85, 172, 179, 17, 124, 227, 239, 86, 14});
  t.AddInput<float>("w_scale", {}, {0.003f});
  t.AddInput<uint8_t>("w_zero_point", {}, {120});
  t.AddInput<float>("y_scale", {}, {0.2f});
  t.AddInput<uint8_t>("y_zero_point", {}, {128});
  t.AddInput<int32_t>("B", {3}, {1, 2, 3});
  t.AddOutput<uint8_t>("y", {1, 2, 5}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("bias");
}

TEST(QLinearConvTest, WeightScaleLengthMismatchFails) {
  OpTester t("QLinearConv", 10);
  t.AddInput<int8_t>("x", {1, 3, 6}, {-118, -104, 122, 115, 74, -1, 48, -43, -85, 27, -91, 25, 107, -11, -42, 53, 100, 93});
  t.AddInput<float>("x_scale", {}, {0.1f});
  t.AddInput<int8_t>("x_zero_point", {}, {3});
  t.AddInput<uint8_t>("w", {2, 3, 2}, {33, 40, 244, 85, 172, 179, 17, 124, 227, 239, 86, 14});
  t.AddInput<float>("w_scale", {3}, {0.003f, 0.1f, 0.2f});
  t.AddInput<uint8_t>("w_zero_point", {}, {120});
  t.AddInput<float>("y_scale", {}, {0.2f});
  t.AddInput<uint8_t>("y_zero_point", {}, {128});
  t.AddOutput<uint8_t>("y", {1, 2, 5}, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  t.RunExpectFailure("w_scale");
}

TEST(ConvIntegerTest, LargerImageAcrossTiles) {
  // 20x20 outputs per channel and 5 output channels leave partial tiles in the integer product.
  const int64_t C = 3, M = 5, S = 20;
  std::vector<uint8_t> x(C * S * S), w(M * C * 9);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint8_t>((i * 29 + 7) % 256);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<uint8_t>((i * 53 + 1) % 256);
  const int32_t x_zp = 100, w_zp = 128;
  std::vector<int32_t> y(M * S * S, 0);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t oy = 0; oy < S; ++oy)
      for (int64_t ox = 0; ox < S; ++ox)
        for (int64_t c = 0; c < C; ++c)
          for (int64_t ky = 0; ky < 3; ++ky)
            for (int64_t kx = 0; kx < 3; ++kx) {
              const int64_t iy = oy + ky - 1, ix = ox + kx - 1;
              if (iy < 0 || iy >= S || ix < 0 || ix >= S) continue;
              y[(m * S + oy) * S + ox] +=
                  (x[(c * S + iy) * S + ix] - x_zp) * (w[((m * C + c) * 3 + ky) * 3 + kx] - w_zp);
            }
  OpTester t("ConvInteger", 10);
  t.AddAttribute("pads", std::vector<int64_t>{1, 1, 1, 1});
  t.AddInput<uint8_t>("x", {1, C, S, S}, x);
  t.AddInput<uint8_t>("w", {M, C, 3, 3}, w);
  t.AddInput<uint8_t>("x_zero_point", {}, {static_cast<uint8_t>(x_zp)});
  t.AddInput<uint8_t>("w_zero_point", {}, {static_cast<uint8_t>(w_zp)});
  t.AddOutput<int32_t>("y", {1, M, S, S}, y);
  t.Run();
}

}  // namespace test
}  // namespace ortlite
