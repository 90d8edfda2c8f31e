// MaxUnpool tests.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(VisionMaxUnpoolTest, WithoutOutputShape) {
  for (int opset : {9, 11}) {
    OpTester t("MaxUnpool", opset);
    t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
    t.AddAttribute("strides", std::vector<int64_t>{2, 2});
    t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddInput<int64_t>("I", {1, 1, 2, 2}, {5, 7, 13, 15});
    t.AddOutput<float>("Y", {1, 1, 4, 4}, {0, 0, 0, 0, 0, 1, 0, 2, 0, 0, 0, 0, 0, 3, 0, 4});
    t.Run();
  }
}

TEST(VisionMaxUnpoolTest, OutputShapePadsTheUnpooledTensor) {
  // Indices address the 4x4 unpooled map; output_shape 5x5 pads it at the bottom and right
  // (the ONNX backend data's semantics).
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
  t.AddAttribute("strides", std::vector<int64_t>{2, 2});
  t.AddInput<float>("X", {1, 1, 2, 2}, {5, 6, 7, 8});
  t.AddInput<int64_t>("I", {1, 1, 2, 2}, {5, 7, 13, 15});
  t.AddInput<int64_t>("output_shape", {4}, {1, 1, 5, 5});
  t.AddOutput<float>("Y", {1, 1, 5, 5}, {0, 0, 0, 0, 0, 0, 5, 0, 6, 0, 0, 0, 0, 0, 0, 0, 7, 0, 8, 0, 0, 0, 0, 0, 0});
  t.Run();
}

TEST(VisionMaxUnpoolTest, OutputShapeSmallerCrops) {
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
  t.AddAttribute("strides", std::vector<int64_t>{2, 2});
  t.AddInput<float>("X", {1, 1, 2, 2}, {5, 6, 7, 8});
  t.AddInput<int64_t>("I", {1, 1, 2, 2}, {5, 7, 13, 15});
  t.AddInput<int64_t>("output_shape", {4}, {1, 1, 3, 3});
  t.AddOutput<float>("Y", {1, 1, 3, 3}, {0, 0, 0, 0, 5, 0, 0, 0, 0});
  t.Run();
}

TEST(VisionMaxUnpoolTest, PadsAndBatchChannelOffsets) {
  // 1-D, two channels: indices count across the whole output tensor.
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{3});
  t.AddAttribute("strides", std::vector<int64_t>{2});
  t.AddAttribute("pads", std::vector<int64_t>{1, 1});
  // Output length (2 - 1) * 2 - 2 + 3 = 3 per channel.
  t.AddInput<double>("X", {1, 2, 2}, {1.5, 2.5, 3.5, 4.5});
  t.AddInput<int64_t>("I", {1, 2, 2}, {0, 2, 4, 5});
  t.AddOutput<double>("Y", {1, 2, 3}, {1.5, 0, 2.5, 0, 3.5, 4.5});
  t.Run();
}

TEST(VisionMaxUnpoolTest, Float16And3D) {
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2, 2});
  t.AddAttribute("strides", std::vector<int64_t>{2, 2, 2});
  t.AddInput<MLFloat16>("X", {1, 1, 1, 1, 1}, {MLFloat16(9.f)});
  t.AddInput<int64_t>("I", {1, 1, 1, 1, 1}, {7});
  std::vector<MLFloat16> y(8, MLFloat16(0.f));
  y[7] = MLFloat16(9.f);
  t.AddOutput<MLFloat16>("Y", {1, 1, 2, 2, 2}, y);
  t.Run();
}

TEST(VisionMaxUnpoolTest, EmptyInput) {
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2});
  t.AddAttribute("strides", std::vector<int64_t>{2});
  t.AddInput<float>("X", {0, 3, 2}, {});
  t.AddInput<int64_t>("I", {0, 3, 2}, {});
  t.AddOutput<float>("Y", {0, 3, 4}, {});
  t.Run();
}

TEST(VisionMaxUnpoolTest, IndexOutOfRangeFails) {
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
  t.AddAttribute("strides", std::vector<int64_t>{2, 2});
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<int64_t>("I", {1, 1, 2, 2}, {5, 7, 13, 16});
  t.AddOutput<float>("Y", {1, 1, 4, 4}, std::vector<float>(16, 0.f));
  t.RunExpectFailure("outside the unpooled tensor");
}

TEST(VisionMaxUnpoolTest, IndicesShapeMismatchFails) {
  OpTester t("MaxUnpool", 11);
  t.AddAttribute("kernel_shape", std::vector<int64_t>{2, 2});
  t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
  t.AddInput<int64_t>("I", {1, 1, 4}, {0, 1, 2, 3});
  t.AddOutput<float>("Y", {1, 1, 3, 3}, std::vector<float>(9, 0.f));
  t.RunExpectFailure("shape of X");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
