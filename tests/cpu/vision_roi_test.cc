// RoiAlign and MaxRoiPool tests.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

// 2x2 map [[1, 2], [3, 4]] and one region over all of it.
TEST(VisionRoiAlignTest, OutputHalfPixelAverage) {
  for (int opset : {10, 16}) {
    OpTester t("RoiAlign", opset);
    if (opset == 16) t.AddAttribute("coordinate_transformation_mode", "output_half_pixel");
    t.AddAttribute("sampling_ratio", int64_t{1});
    t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("rois", {1, 4}, {0, 0, 1, 1});
    t.AddInput<int64_t>("batch_indices", {1}, {0});
    t.AddOutput<float>("Y", {1, 1, 1, 1}, {2.5f});
    t.Run();
  }
}

TEST(VisionRoiAlignTest, HalfPixelIsDefaultFromOpset16) {
  OpTester t("RoiAlign", 16);
  t.AddAttribute("sampling_ratio", int64_t{1});
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("rois", {1, 4}, {0, 0, 1, 1});
  t.AddInput<int64_t>("batch_indices", {1}, {0});
  // The single sample lands on pixel (0, 0).
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {1.f});
  t.Run();
}

TEST(VisionRoiAlignTest, MaxModeTakesLargestWeightedNeighbour) {
  OpTester t("RoiAlign", 10);
  t.AddAttribute("mode", "max");
  t.AddAttribute("sampling_ratio", int64_t{1});
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("rois", {1, 4}, {0, 0, 1, 1});
  t.AddInput<int64_t>("batch_indices", {1}, {0});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {1.f});  // 0.25 * 4
  t.Run();
}

TEST(VisionRoiAlignTest, AdaptiveSamplingAndSpatialScale) {
  // 3x3 map 0..8; region [0, 2] x [0, 2] (given at twice the scale) sampled 2x2 at .5 and 1.5.
  OpTester t("RoiAlign", 10);
  t.AddAttribute("spatial_scale", 0.5f);
  t.AddInput<float>("X", {1, 1, 3, 3}, {0, 1, 2, 3, 4, 5, 6, 7, 8});
  t.AddInput<float>("rois", {1, 4}, {0, 0, 4, 4});
  t.AddInput<int64_t>("batch_indices", {1}, {0});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {4.f});
  t.Run();
}

TEST(VisionRoiAlignTest, MultipleBinsChannelsAndBatches) {
  // Batch 1 has channel values offset by 100; each 2x2 output bin samples one pixel centre.
  OpTester t("RoiAlign", 16);
  t.AddAttribute("output_height", int64_t{2});
  t.AddAttribute("output_width", int64_t{2});
  t.AddAttribute("sampling_ratio", int64_t{1});
  std::vector<float> x;
  for (int b = 0; b < 2; ++b)
    for (int c = 0; c < 2; ++c)
      for (int i = 0; i < 4; ++i) x.push_back(b * 100.f + c * 10.f + i);
  t.AddInput<float>("X", {2, 2, 2, 2}, x);
  t.AddInput<float>("rois", {2, 4}, {0, 0, 2, 2, 0, 0, 2, 2});
  t.AddInput<int64_t>("batch_indices", {2}, {1, 0});
  t.AddOutput<float>("Y", {2, 2, 2, 2}, {100, 101, 102, 103, 110, 111, 112, 113, 0, 1, 2, 3, 10, 11, 12, 13});
  t.Run();
}

TEST(VisionRoiAlignTest, DoubleAndHalf) {
  {
    OpTester t("RoiAlign", 10);
    t.AddAttribute("sampling_ratio", int64_t{1});
    t.AddInput<double>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddInput<double>("rois", {1, 4}, {0, 0, 1, 1});
    t.AddInput<int64_t>("batch_indices", {1}, {0});
    t.AddOutput<double>("Y", {1, 1, 1, 1}, {2.5});
    t.Run();
  }
  {
    OpTester t("RoiAlign", 10);
    t.AddAttribute("sampling_ratio", int64_t{1});
    t.AddInput<MLFloat16>("X", {1, 1, 2, 2}, {MLFloat16(1.f), MLFloat16(2.f), MLFloat16(3.f), MLFloat16(4.f)});
    t.AddInput<MLFloat16>("rois", {1, 4}, {MLFloat16(0.f), MLFloat16(0.f), MLFloat16(1.f), MLFloat16(1.f)});
    t.AddInput<int64_t>("batch_indices", {1}, {0});
    t.AddOutput<MLFloat16>("Y", {1, 1, 1, 1}, {MLFloat16(2.5f)});
    t.Run();
  }
}

TEST(VisionRoiAlignTest, RegionOutsideMapIsZero) {
  OpTester t("RoiAlign", 16);
  t.AddAttribute("sampling_ratio", int64_t{2});
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("rois", {1, 4}, {10, 10, 12, 12});
  t.AddInput<int64_t>("batch_indices", {1}, {0});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {0.f});
  t.Run();
}

TEST(VisionRoiAlignTest, NoRegions) {
  OpTester t("RoiAlign", 16);
  t.AddAttribute("output_height", int64_t{3});
  t.AddAttribute("output_width", int64_t{2});
  t.AddInput<float>("X", {1, 2, 2, 2}, {1, 2, 3, 4, 5, 6, 7, 8});
  t.AddInput<float>("rois", {0, 4}, {});
  t.AddInput<int64_t>("batch_indices", {0}, {});
  t.AddOutput<float>("Y", {0, 2, 3, 2}, {});
  t.Run();
}

TEST(VisionRoiAlignTest, BadBatchIndexFails) {
  OpTester t("RoiAlign", 16);
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("rois", {1, 4}, {0, 0, 1, 1});
  t.AddInput<int64_t>("batch_indices", {1}, {1});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {0.f});
  t.RunExpectFailure("batch_indices");
}

TEST(VisionRoiAlignTest, BadModeFails) {
  OpTester t("RoiAlign", 16);
  t.AddAttribute("mode", "min");
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<float>("rois", {1, 4}, {0, 0, 1, 1});
  t.AddInput<int64_t>("batch_indices", {1}, {0});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {0.f});
  t.RunExpectFailure("mode");
}

// 4x4 map 0..15.
std::vector<float> Iota16() {
  std::vector<float> v(16);
  for (int i = 0; i < 16; ++i) v[i] = static_cast<float>(i);
  return v;
}

TEST(VisionMaxRoiPoolTest, WholeMapAndSubRegion) {
  OpTester t("MaxRoiPool", 1);
  t.AddAttribute("pooled_shape", std::vector<int64_t>{2, 2});
  t.AddInput<float>("X", {1, 1, 4, 4}, Iota16());
  // Whole map: 4x4 split into 2x2 bins; then the region x in [1, 2], y in [0, 3] (4 rows x 2 cols).
  t.AddInput<float>("rois", {2, 5}, {0, 0, 0, 3, 3, 0, 1, 0, 2, 3});
  t.AddOutput<float>("Y", {2, 1, 2, 2}, {5, 7, 13, 15, 5, 6, 13, 14});
  t.Run();
}

TEST(VisionMaxRoiPoolTest, SpatialScaleRoundsCorners) {
  OpTester t("MaxRoiPool", 1);
  t.AddAttribute("pooled_shape", std::vector<int64_t>{1, 1});
  t.AddAttribute("spatial_scale", 0.5f);
  const std::vector<float> x = Iota16();
  t.AddInput<double>("X", {1, 1, 4, 4}, std::vector<double>(x.begin(), x.end()));
  // (2.6, 2.6) scales to 1.3 and rounds to pixel 1: the region is [0, 1] x [0, 1].
  t.AddInput<double>("rois", {1, 5}, {0, 0, 0, 2.6, 2.6});
  t.AddOutput<double>("Y", {1, 1, 1, 1}, {5});
  t.Run();
}

TEST(VisionMaxRoiPoolTest, BinsOutsideTheMapAreZero) {
  OpTester t("MaxRoiPool", 1);
  t.AddAttribute("pooled_shape", std::vector<int64_t>{1, 2});
  t.AddInput<float>("X", {1, 1, 4, 4}, Iota16());
  t.AddInput<float>("rois", {1, 5}, {0, 3, 0, 6, 0});  // x in [3, 6]: the right bin has no pixel
  t.AddOutput<float>("Y", {1, 1, 1, 2}, {3, 0});
  t.Run();
}

TEST(VisionMaxRoiPoolTest, BadBatchIdFails) {
  OpTester t("MaxRoiPool", 1);
  t.AddAttribute("pooled_shape", std::vector<int64_t>{1, 1});
  t.AddInput<float>("X", {1, 1, 4, 4}, Iota16());
  t.AddInput<float>("rois", {1, 5}, {2, 0, 0, 1, 1});
  t.AddOutput<float>("Y", {1, 1, 1, 1}, {0});
  t.RunExpectFailure("batch index");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
