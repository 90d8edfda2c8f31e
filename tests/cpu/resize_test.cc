// Resize and Upsample: values from the ONNX numpy reference (onnx/backend/test/case/node/resize.py)
// for cases the conformance data lacks (non-integer sizes, 1-D and 3-D, cubic asymmetric with
// exclude_outside, nearest modes, tf_crop_and_resize with nearest), a large bilinear resize
// against a direct (non-separable) reference, element types, the legacy opsets, empty tensors and
// bad inputs.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

void AddResizeInputs(OpTester& t, const std::vector<int64_t>& x_dims, const std::vector<float>& x,
                     const std::vector<float>& scales, const std::vector<int64_t>& sizes,
                     const std::vector<float>& roi = {}) {
  t.AddInput<float>("X", x_dims, x);
  if (roi.empty()) {
    t.AddMissingInput();
  } else {
    t.AddInput<float>("roi", {static_cast<int64_t>(roi.size())}, roi);
  }
  if (scales.empty()) {
    t.AddMissingInput();
  } else {
    t.AddInput<float>("scales", {static_cast<int64_t>(scales.size())}, scales);
  }
  if (!sizes.empty()) t.AddInput<int64_t>("sizes", {static_cast<int64_t>(sizes.size())}, sizes);
}

TEST(ResizeTest, LinearHalfPixelNonIntegerSizes) {
  OpTester t("Resize", 13);
  t.AddAttribute("mode", "linear");
  AddResizeInputs(t, {1, 1, 2, 3}, {1, 2, 4, 3, 7, 5}, {}, {1, 1, 3, 5});
  t.AddOutput<float>("Y", {1, 1, 3, 5}, {1.0f, 1.4f, 2.0f, 3.2f, 4.0f, 2.0f, 3.0f, 4.5f, 4.5f, 4.5f, 3.0f, 4.6f, 7.0f, 5.8f, 5.0f});
  t.Run();
}

TEST(ResizeTest, TrilinearAlignCorners) {
  std::vector<float> expected = {
      0.0f, 0.33333334f, 0.6666667f, 1.0f, 0.6666667f, 1.0f, 1.3333334f, 1.6666666f, 1.3333334f, 1.6666666f,
      2.0f, 2.3333333f, 2.0f, 2.3333333f, 2.6666667f, 3.0f, 1.3333334f, 1.6666666f, 2.0f, 2.3333333f,
      2.0f, 2.3333333f, 2.6666667f, 3.0f, 2.6666667f, 3.0f, 3.3333333f, 3.6666667f, 3.3333333f, 3.6666667f,
      4.0f, 4.3333335f, 2.6666667f, 3.0f, 3.3333333f, 3.6666667f, 3.3333333f, 3.6666667f, 4.0f, 4.3333335f,
      4.0f, 4.3333335f, 4.6666665f, 5.0f, 4.6666665f, 5.0f, 5.3333335f, 5.6666665f, 4.0f, 4.3333335f,
      4.6666665f, 5.0f, 4.6666665f, 5.0f, 5.3333335f, 5.6666665f, 5.3333335f, 5.6666665f, 6.0f, 6.3333335f,
      6.0f, 6.3333335f, 6.6666665f, 7.0f};
  OpTester t("Resize", 13);
  t.AddAttribute("mode", "linear");
  t.AddAttribute("coordinate_transformation_mode", "align_corners");
  AddResizeInputs(t, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7}, {2, 2, 2}, {});
  t.AddOutput<float>("Y", {4, 4, 4}, expected);
  t.Run();
}

TEST(ResizeTest, CubicAsymmetricExcludeOutside1D) {
  OpTester t("Resize", 13);
  t.AddAttribute("mode", "cubic");
  t.AddAttribute("coordinate_transformation_mode", "asymmetric");
  t.AddAttribute("cubic_coeff_a", -0.5f);
  t.AddAttribute("exclude_outside", int64_t{1});
  AddResizeInputs(t, {5}, {1, 5, 2, 8, 3}, {1.6f}, {});
  t.AddOutput<float>("Y", {8}, {1.0f, 3.717493f, 4.53125f, 1.9921875f, 5.125f, 7.8341417f, 4.0802917f, 2.4402986f});
  t.SetTolerance(1e-4, 1e-4);
  t.Run();
}

TEST(ResizeTest, CubicHalfPixelDouble) {
  OpTester t("Resize", 13);
  t.AddAttribute("mode", "cubic");
  t.AddInput<double>("X", {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  t.AddMissingInput();
  t.AddMissingInput();
  t.AddInput<int64_t>("sizes", {2}, {2, 4});
  t.AddOutput<double>("Y", {2, 4},
                      {1.50244140625, 2.10400390625, 3.04443359375, 3.64599609375, 6.35400390625, 6.95556640625,
                       7.89599609375, 8.49755859375});
  t.Run();
}

TEST(ResizeTest, NearestModes) {
  {
    OpTester t("Resize", 13);
    t.AddAttribute("nearest_mode", "round_prefer_ceil");
    AddResizeInputs(t, {5}, {1, 5, 2, 8, 3}, {}, {7});
    t.AddOutput<float>("Y", {7}, {1, 5, 5, 2, 8, 8, 3});
    t.Run();
  }
  {
    OpTester t("Resize", 11);
    t.AddAttribute("coordinate_transformation_mode", "pytorch_half_pixel");
    t.AddInput<float>("X", {5}, {1, 5, 2, 8, 3});
    t.AddInput<float>("roi", {0}, {});
    t.AddInput<float>("scales", {0}, {});
    t.AddInput<int64_t>("sizes", {1}, {7});
    t.AddOutput<float>("Y", {7}, {1, 5, 5, 2, 8, 8, 3});
    t.Run();
  }
  {  // floor and ceil with the asymmetric transform: x/2 for x = 0..3.
    for (const char* mode : {"floor", "ceil"}) {
      OpTester t("Resize", 13);
      t.AddAttribute("coordinate_transformation_mode", "asymmetric");
      t.AddAttribute("nearest_mode", mode);
      AddResizeInputs(t, {2}, {10, 20}, {2}, {});
      t.AddOutput<float>("Y", {4}, std::string(mode) == "floor" ? std::vector<float>{10, 10, 20, 20}
                                                                 : std::vector<float>{10, 20, 20, 20});
      t.Run();
    }
  }
}

TEST(ResizeTest, TfCropAndResizeNearestExtrapolates) {
  OpTester t("Resize", 13);
  t.AddAttribute("coordinate_transformation_mode", "tf_crop_and_resize");
  t.AddAttribute("extrapolation_value", -1.0f);
  AddResizeInputs(t, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {}, {2, 2}, {0.1f, 0.2f, 0.9f, 1.3f});
  t.AddOutput<float>("Y", {2, 2}, {1, -1, 7, -1});
  t.Run();
}

// Bilinear half_pixel computed per output element as a 2-D weighted sum.
std::vector<float> DirectBilinear(const std::vector<float>& x, int64_t n, int64_t h, int64_t w, int64_t oh,
                                  int64_t ow) {
  std::vector<float> y(n * oh * ow);
  const auto taps = [](int64_t o, int64_t in, int64_t out, int64_t* i0, int64_t* i1, double* r) {
    const double c = (o + 0.5) * static_cast<double>(in) / static_cast<double>(out) - 0.5;
    const double f = std::floor(c);
    *r = c - f;
    *i0 = std::min<int64_t>(std::max<int64_t>(static_cast<int64_t>(f), 0), in - 1);
    *i1 = std::min<int64_t>(std::max<int64_t>(static_cast<int64_t>(f) + 1, 0), in - 1);
  };
  for (int64_t b = 0; b < n; ++b) {
    for (int64_t i = 0; i < oh; ++i) {
      int64_t y0, y1;
      double ry;
      taps(i, h, oh, &y0, &y1, &ry);
      for (int64_t j = 0; j < ow; ++j) {
        int64_t x0, x1;
        double rx;
        taps(j, w, ow, &x0, &x1, &rx);
        const float* p = &x[b * h * w];
        const double v = (1 - ry) * ((1 - rx) * p[y0 * w + x0] + rx * p[y0 * w + x1]) +
                         ry * ((1 - rx) * p[y1 * w + x0] + rx * p[y1 * w + x1]);
        y[(b * oh + i) * ow + j] = static_cast<float>(v);
      }
    }
  }
  return y;
}

TEST(ResizeTest, LargeBilinearMatchesDirectComputation) {
  const int64_t n = 6, h = 37, w = 29;
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> x(n * h * w);
  for (auto& v : x) v = dist(rng);
  for (auto [oh, ow] : std::vector<std::pair<int64_t, int64_t>>{{80, 13}, {11, 90}, {37, 64}, {20, 29}}) {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    AddResizeInputs(t, {2, 3, h, w}, x, {}, {2, 3, oh, ow});
    t.AddOutput<float>("Y", {2, 3, oh, ow}, DirectBilinear(x, n, h, w, oh, ow));
    t.SetTolerance(1e-5, 1e-5);
    t.Run();
  }
}

TEST(ResizeTest, NearestAnyElementType) {
  {
    OpTester t("Resize", 13);
    t.AddInput<std::string>("X", {2}, {"a", "b"});
    t.AddMissingInput();
    t.AddInput<float>("scales", {1}, {2});
    t.AddOutput<std::string>("Y", {4}, {"a", "a", "b", "b"});
    t.Run();
  }
  {
    OpTester t("Resize", 13);
    t.AddInput<bool>("X", {1, 2}, {true, false});
    t.AddMissingInput();
    t.AddMissingInput();
    t.AddInput<int64_t>("sizes", {2}, {2, 3});
    t.AddOutput<bool>("Y", {2, 3}, {true, true, false, true, true, false});
    t.Run();
  }
  {
    OpTester t("Resize", 13);
    t.AddInput<int64_t>("X", {2, 2}, {1, 2, 3, 4});
    t.AddMissingInput();
    t.AddInput<float>("scales", {2}, {0.5f, 0.5f});
    t.AddOutput<int64_t>("Y", {1, 1}, {1});
    t.Run();
  }
}

TEST(ResizeTest, LinearIntegerRoundsAndHalfTypes) {
  {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    t.AddInput<uint8_t>("X", {2}, {0, 255});
    t.AddMissingInput();
    t.AddInput<float>("scales", {1}, {2});
    t.AddOutput<uint8_t>("Y", {4}, {0, 64, 191, 255});
    t.Run();
  }
  {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    t.AddInput<MLFloat16>("X", {2}, {MLFloat16(0.f), MLFloat16(4.f)});
    t.AddMissingInput();
    t.AddInput<float>("scales", {1}, {2});
    t.AddOutput<MLFloat16>("Y", {4}, {MLFloat16(0.f), MLFloat16(1.f), MLFloat16(3.f), MLFloat16(4.f)});
    t.Run();
  }
}

TEST(ResizeTest, IndependentBlocksOverLeadingAxes) {
  // N and C are not resized: each [1, 2] block is resampled on its own, in uint8 and float.
  const std::vector<float> x = {0, 40, 80, 120, 160, 200, 240, 0};
  std::vector<float> expected;
  for (int b = 0; b < 4; ++b) {
    const float a = x[2 * b], c = x[2 * b + 1];
    expected.insert(expected.end(), {a, 0.75f * a + 0.25f * c, 0.25f * a + 0.75f * c, c});
  }
  {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    AddResizeInputs(t, {2, 2, 1, 2}, x, {1, 1, 1, 2}, {});
    t.AddOutput<float>("Y", {2, 2, 1, 4}, expected);
    t.Run();
  }
  {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    t.AddInput<uint8_t>("X", {2, 2, 1, 2}, std::vector<uint8_t>(x.begin(), x.end()));
    t.AddMissingInput();
    t.AddInput<float>("scales", {4}, {1, 1, 1, 2});
    t.AddOutput<uint8_t>("Y", {2, 2, 1, 4}, std::vector<uint8_t>(expected.begin(), expected.end()));
    t.Run();
  }
}

TEST(ResizeTest, IdentityScales) {
  OpTester t("Resize", 13);
  t.AddAttribute("mode", "cubic");
  AddResizeInputs(t, {2, 3}, {1, 2, 3, 4, 5, 6}, {1, 1}, {});
  t.AddOutput<float>("Y", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.Run();
}

TEST(ResizeTest, Opset10) {
  // ONNX's opset-10 Resize examples: asymmetric coordinates; shrinking nearest rounds up.
  {
    OpTester t("Resize", 10);
    t.AddInput<float>("X", {1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    t.AddInput<float>("scales", {4}, {1, 1, 0.6f, 0.6f});
    t.AddOutput<float>("Y", {1, 1, 1, 2}, {1, 3});
    t.Run();
  }
  {
    OpTester t("Resize", 10);
    t.AddAttribute("mode", "linear");
    t.AddInput<float>("X", {1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
    t.AddInput<float>("scales", {4}, {1, 1, 0.6f, 0.6f});
    t.AddOutput<float>("Y", {1, 1, 1, 2}, {1, 2.6666665f});
    t.Run();
  }
  {
    OpTester t("Resize", 10);
    t.AddAttribute("mode", "linear");
    t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("scales", {4}, {1, 1, 2, 2});
    t.AddOutput<float>("Y", {1, 1, 4, 4}, {1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4});
    t.Run();
  }
}

TEST(ResizeTest, UpsampleAllOpsets) {
  const std::vector<float> nearest = {1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4};
  {
    OpTester t("Upsample", 7);
    t.AddAttribute("scales", std::vector<float>{1, 1, 2, 3});
    t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddOutput<float>("Y", {1, 1, 4, 6}, nearest);
    t.Run();
  }
  {
    OpTester t("Upsample", 9);
    t.AddInput<int32_t>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("scales", {4}, {1, 1, 2, 3}, true);
    t.AddOutput<int32_t>("Y", {1, 1, 4, 6}, std::vector<int32_t>(nearest.begin(), nearest.end()));
    t.Run();
  }
  {
    OpTester t("Upsample", 9);
    t.AddAttribute("mode", "linear");
    t.AddInput<float>("X", {1, 1, 2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("scales", {4}, {1, 1, 2, 2});
    t.AddOutput<float>("Y", {1, 1, 4, 4}, {1, 1.5, 2, 2, 2, 2.5, 3, 3, 3, 3.5, 4, 4, 3, 3.5, 4, 4});
    t.Run();
  }
}

TEST(ResizeTest, EmptyTensors) {
  {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    AddResizeInputs(t, {0, 2}, {}, {}, {0, 4});
    t.AddOutput<float>("Y", {0, 4}, {});
    t.Run();
  }
  {
    OpTester t("Resize", 13);
    AddResizeInputs(t, {2, 0}, {}, {}, {2, 3});
    t.AddOutput<float>("Y", {2, 3}, {0, 0, 0, 0, 0, 0});
    t.RunExpectFailure("size 0");
  }
}

TEST(ResizeTest, BadInputs) {
  {
    OpTester t("Resize", 13);
    AddResizeInputs(t, {2}, {1, 2}, {2}, {4});
    t.AddOutput<float>("Y", {4}, {1, 1, 2, 2});
    t.RunExpectFailure("not both");
  }
  {
    OpTester t("Resize", 13);
    AddResizeInputs(t, {2, 2}, {1, 2, 3, 4}, {2}, {});
    t.AddOutput<float>("Y", {4, 4}, std::vector<float>(16, 0));
    t.RunExpectFailure("one value per input dim");
  }
  {
    OpTester t("Resize", 13);
    AddResizeInputs(t, {2}, {1, 2}, {-1}, {});
    t.AddOutput<float>("Y", {2}, {0, 0});
    t.RunExpectFailure("positive");
  }
  {
    OpTester t("Resize", 13);
    t.AddAttribute("mode", "linear");
    t.AddInput<std::string>("X", {2}, {"a", "b"});
    t.AddMissingInput();
    t.AddInput<float>("scales", {1}, {2});
    t.AddOutput<std::string>("Y", {4}, {"a", "a", "b", "b"});
    t.RunExpectFailure("not supported");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
