// GridSample tests. Expected values follow the ONNX operator examples.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

// X: 1x1x3x2 [[0, 1], [2, 3], [4, 5]].
const std::vector<float> kX = {0, 1, 2, 3, 4, 5};
// Grid 1x2x4x2 within [-1, 1].
const std::vector<float> kInsideGrid = {-1.0f, -1.0f, -0.5f, -0.5f, -0.2f, -0.2f, 0.0f, 0.0f,
                                        0.0f,  0.0f,  -0.2f, -0.2f, 0.5f,  0.5f,  1.0f, 1.0f};
// Grid 1x2x4x2 with points far outside.
const std::vector<float> kOutsideGrid = {-10.0f, -10.0f, -5.0f, -5.0f, -0.2f, -0.2f, 10.0f, 10.0f,
                                         10.0f,  10.0f,  -0.2f, -0.2f, 5.0f,  5.0f,  10.0f, 10.0f};

void RunCase(const std::string& mode, const std::string& padding, int64_t align, const std::vector<float>& grid,
             const std::vector<float>& expected, float atol = 1e-4f) {
  OpTester t("GridSample", 16);
  t.AddAttribute("mode", mode);
  t.AddAttribute("padding_mode", padding);
  t.AddAttribute("align_corners", align);
  t.AddInput<float>("X", {1, 1, 3, 2}, kX);
  t.AddInput<float>("grid", {1, 2, 4, 2}, grid);
  t.AddOutput<float>("Y", {1, 1, 2, 4}, expected);
  t.SetTolerance(1e-4, atol);
  t.Run();
}

TEST(VisionGridSampleTest, Bilinear) {
  RunCase("bilinear", "zeros", 0, kInsideGrid, {0.0f, 0.5f, 1.7f, 2.5f, 2.5f, 1.7f, 4.5f, 1.25f});
}

TEST(VisionGridSampleTest, BilinearAlignCorners) {
  RunCase("bilinear", "zeros", 1, kInsideGrid, {0.0f, 1.25f, 2.0f, 2.5f, 2.5f, 2.0f, 3.75f, 5.0f});
}

TEST(VisionGridSampleTest, Nearest) {
  RunCase("nearest", "zeros", 0, kInsideGrid, {0.f, 0.f, 2.f, 2.f, 2.f, 2.f, 5.f, 0.f});
}

TEST(VisionGridSampleTest, Bicubic) {
  RunCase("bicubic", "zeros", 0, kInsideGrid,
          {-0.1406f, 0.3828f, 1.7556f, 2.9688f, 2.9688f, 1.7556f, 5.1445f, 1.3906f});
}

TEST(VisionGridSampleTest, PaddingModes) {
  RunCase("bilinear", "zeros", 0, kOutsideGrid, {0.f, 0.f, 1.7f, 0.f, 0.f, 1.7f, 0.f, 0.f});
  RunCase("bilinear", "border", 0, kOutsideGrid, {0.f, 0.f, 1.7f, 5.f, 5.f, 1.7f, 5.f, 5.f});
  RunCase("bilinear", "reflection", 0, kOutsideGrid, {2.5f, 0.f, 1.7f, 2.5f, 2.5f, 1.7f, 5.f, 2.5f});
}

TEST(VisionGridSampleTest, NearestAndBicubicWithPadding) {
  // Far-out points clamp to the corner pixels (border) or fold back inside (reflection).
  RunCase("nearest", "border", 0, kOutsideGrid, {0.f, 0.f, 2.f, 5.f, 5.f, 2.f, 5.f, 5.f});
  RunCase("nearest", "reflection", 0, kOutsideGrid, {3.f, 0.f, 2.f, 3.f, 3.f, 2.f, 5.f, 3.f});
  RunCase("nearest", "reflection", 1, kOutsideGrid, {2.f, 0.f, 2.f, 2.f, 2.f, 2.f, 5.f, 2.f});
  RunCase("bicubic", "border", 1, kOutsideGrid, {0.f, 0.f, 1.844f, 5.f, 5.f, 1.844f, 5.f, 5.f});
  RunCase("bicubic", "border", 0, kInsideGrid, {-0.2812f, 0.3828f, 1.5005f, 2.5f, 2.5f, 1.5005f, 4.6172f, 5.2812f});
  RunCase("bicubic", "reflection", 0, kOutsideGrid,
          {2.5f, -0.5625f, 1.5005f, 2.5f, 2.5f, 1.5005f, 5.5625f, 2.5f});
  RunCase("bicubic", "zeros", 1, kInsideGrid, {0.f, 1.213f, 2.1891f, 2.9688f, 2.9688f, 2.1891f, 5.0248f, 5.f});
}

TEST(VisionGridSampleTest, FourByFourBilinear) {
  // The 6x6 sweep of the ONNX example over a 4x4 ramp; checks the first and last rows.
  std::vector<float> x(16), grid;
  for (int i = 0; i < 16; ++i) x[i] = static_cast<float>(i);
  const float steps[6] = {-1.0f, -0.6f, -0.2f, 0.2f, 0.6f, 1.0f};
  for (float gy : steps)
    for (float gx : steps) grid.insert(grid.end(), {gx, gy});
  OpTester t("GridSample", 16);
  t.AddInput<float>("X", {1, 1, 4, 4}, x);
  t.AddInput<float>("grid", {1, 6, 6, 2}, grid);
  t.AddOutput<float>("Y", {1, 1, 6, 6},
                     {0.0f, 0.15f, 0.55f, 0.95f, 1.35f, 0.75f, 0.6f, 1.5f,  2.3f,  3.1f,  3.9f,  2.1f,
                      2.2f, 4.7f,  5.5f,  6.3f,  7.1f,  3.7f,  3.8f, 7.9f,  8.7f,  9.5f,  10.3f, 5.3f,
                      5.4f, 11.1f, 11.9f, 12.7f, 13.5f, 6.9f,  3.0f, 6.15f, 6.55f, 6.95f, 7.35f, 3.75f});
  t.SetTolerance(1e-4, 1e-4);
  t.Run();
}

TEST(VisionGridSampleTest, BatchesAndChannels) {
  // Two batches with two channels; the grid picks the pixel centres in reverse order.
  OpTester t("GridSample", 16);
  t.AddAttribute("align_corners", int64_t{1});
  t.AddInput<float>("X", {2, 2, 1, 2}, {1, 2, 10, 20, 3, 4, 30, 40});
  t.AddInput<float>("grid", {2, 1, 2, 2}, {1, 0, -1, 0, -1, 0, 1, 0});
  t.AddOutput<float>("Y", {2, 2, 1, 2}, {2, 1, 20, 10, 3, 4, 30, 40});
  t.Run();
}

TEST(VisionGridSampleTest, DoubleInputHalfGrid) {
  OpTester t("GridSample", 16);
  t.AddAttribute("align_corners", int64_t{1});
  t.AddInput<double>("X", {1, 1, 1, 2}, {1.0, 3.0});
  t.AddInput<MLFloat16>("grid", {1, 1, 1, 2}, {MLFloat16(0.f), MLFloat16(0.f)});
  t.AddOutput<double>("Y", {1, 1, 1, 1}, {2.0});
  t.Run();
}

TEST(VisionGridSampleTest, Float16) {
  OpTester t("GridSample", 16);
  t.AddAttribute("align_corners", int64_t{1});
  t.AddInput<MLFloat16>("X", {1, 1, 1, 2}, {MLFloat16(1.f), MLFloat16(3.f)});
  t.AddInput<MLFloat16>("grid", {1, 1, 1, 2}, {MLFloat16(0.5f), MLFloat16(0.f)});
  t.AddOutput<MLFloat16>("Y", {1, 1, 1, 1}, {MLFloat16(2.5f)});
  t.Run();
}

TEST(VisionGridSampleTest, IntegerInputNearest) {
  OpTester t("GridSample", 16);
  t.AddAttribute("mode", "nearest");
  t.AddAttribute("align_corners", int64_t{1});
  t.AddInput<int32_t>("X", {1, 1, 2, 2}, {7, 8, 9, 10});
  t.AddInput<float>("grid", {1, 1, 2, 2}, {1, 1, -1, -1});
  t.AddOutput<int32_t>("Y", {1, 1, 1, 2}, {10, 7});
  t.Run();
}

TEST(VisionGridSampleTest, EmptyOutput) {
  OpTester t("GridSample", 16);
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("grid", {1, 0, 3, 2}, {});
  t.AddOutput<float>("Y", {1, 1, 0, 3}, {});
  t.Run();
}

TEST(VisionGridSampleTest, BadGridShapeFails) {
  OpTester t("GridSample", 16);
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("grid", {1, 1, 1, 3}, {0, 0, 0});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {0});
  t.RunExpectFailure("grid");
}

TEST(VisionGridSampleTest, BadModeFails) {
  OpTester t("GridSample", 16);
  t.AddAttribute("mode", "trilinear");
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("grid", {1, 1, 1, 2}, {0, 0});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {0});
  t.RunExpectFailure("mode");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
