// Expand, Tile and Pad: broadcasting corners, every Tile form (Tile-1's tiles/axis inputs),
// Pad modes with positive and negative pads in every opset form, element types, empty tensors,
// a large case against a reference, and bad arguments.
#include <algorithm>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(TensorExpandTest, BroadcastCorners) {
  OpTester t("Expand", 13);
  t.AddInput<float>("x", {3, 1}, {1, 2, 3});
  t.AddInput<int64_t>("shape", {3}, {2, 1, 4});
  t.AddOutput<float>("y", {2, 3, 4}, {1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3});
  t.Run();

  // A shape smaller than the input keeps the input's dimensions.
  OpTester smaller("Expand", 8);
  smaller.AddInput<std::string>("x", {2, 2}, {"a", "b", "c", "d"});
  smaller.AddInput<int64_t>("shape", {1}, {1});
  smaller.AddOutput<std::string>("y", {2, 2}, {"a", "b", "c", "d"});
  smaller.Run();

  OpTester scalar("Expand", 13);
  scalar.AddInput<bool>("x", {}, {true});
  scalar.AddInput<int64_t>("shape", {2}, {2, 2});
  scalar.AddOutput<bool>("y", {2, 2}, {true, true, true, true});
  scalar.Run();

  OpTester empty("Expand", 13);
  empty.AddInput<int64_t>("x", {1, 3}, {1, 2, 3});
  empty.AddInput<int64_t>("shape", {2}, {0, 3});
  empty.AddOutput<int64_t>("y", {0, 3}, {});
  empty.Run();

  OpTester bad("Expand", 13);
  bad.AddInput<float>("x", {3}, {1, 2, 3});
  bad.AddInput<int64_t>("shape", {1}, {2});
  bad.AddOutput<float>("y", {3}, {1, 2, 3});
  bad.RunExpectFailure("broadcast");
}

TEST(TensorTileTest, RepeatsPerAxis) {
  OpTester t("Tile", 13);
  t.AddInput<int32_t>("x", {2, 2}, {1, 2, 3, 4});
  t.AddInput<int64_t>("repeats", {2}, {2, 3});
  t.AddOutput<int32_t>("y", {4, 6}, {1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4, 1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4});
  t.Run();

  OpTester s("Tile", 6);
  s.AddInput<std::string>("x", {1, 2}, {"a", "b"});
  s.AddInput<int64_t>("repeats", {2}, {2, 1});
  s.AddOutput<std::string>("y", {2, 2}, {"a", "b", "a", "b"});
  s.Run();

  OpTester zero("Tile", 13);
  zero.AddInput<MLFloat16>("x", {2}, {MLFloat16(1.f), MLFloat16(2.f)});
  zero.AddInput<int64_t>("repeats", {1}, {0});
  zero.AddOutput<MLFloat16>("y", {0}, {});
  zero.Run();

  OpTester v1("Tile", 1);
  v1.AddInput<float>("x", {2, 1}, {1, 2});
  v1.AddInput<float>("tiles", {}, {3});
  v1.AddInput<float>("axis", {}, {1});
  v1.AddOutput<float>("y", {2, 3}, {1, 1, 1, 2, 2, 2});
  v1.Run();

  OpTester bad("Tile", 13);
  bad.AddInput<float>("x", {2}, {1, 2});
  bad.AddInput<int64_t>("repeats", {2}, {1, 1});
  bad.AddOutput<float>("y", {2}, {1, 2});
  bad.RunExpectFailure("repeats");
}

TEST(TensorTileTest, LargeMatchesReference) {
  const int64_t a = 7, b = 33, ra = 5, rb = 40;
  std::vector<uint16_t> x(a * b), y;
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<uint16_t>(i);
  for (int64_t i = 0; i < a * ra; ++i)
    for (int64_t j = 0; j < b * rb; ++j) y.push_back(x[(i % a) * b + j % b]);
  OpTester t("Tile", 13);
  t.AddInput<uint16_t>("x", {a, b}, x);
  t.AddInput<int64_t>("repeats", {2}, {ra, rb});
  t.AddOutput<uint16_t>("y", {a * ra, b * rb}, y);
  t.Run();
}

TEST(TensorPadTest, ModesFromOpset11) {
  const std::vector<float> x = {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f};
  OpTester c("Pad", 11);
  c.AddInput<float>("x", {3, 2}, x);
  c.AddInput<int64_t>("pads", {4}, {0, 2, 0, 0});
  c.AddInput<float>("value", {}, {9.f});
  c.AddOutput<float>("y", {3, 4}, {9, 9, 1.0f, 1.2f, 9, 9, 2.3f, 3.4f, 9, 9, 4.5f, 5.7f});
  c.Run();

  OpTester r("Pad", 13);
  r.AddAttribute("mode", "reflect");
  r.AddInput<float>("x", {3, 2}, x);
  r.AddInput<int64_t>("pads", {4}, {0, 2, 0, 0});
  r.AddOutput<float>("y", {3, 4}, {1.0f, 1.2f, 1.0f, 1.2f, 2.3f, 3.4f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f});
  r.Run();

  OpTester e("Pad", 13);
  e.AddAttribute("mode", "edge");
  e.AddInput<float>("x", {3, 2}, x);
  e.AddInput<int64_t>("pads", {4}, {1, 2, 0, 1});
  e.AddOutput<float>("y", {4, 5}, {1.0f, 1.0f, 1.0f, 1.2f, 1.2f, 1.0f, 1.0f, 1.0f, 1.2f, 1.2f,
                                   2.3f, 2.3f, 2.3f, 3.4f, 3.4f, 4.5f, 4.5f, 4.5f, 5.7f, 5.7f});
  e.Run();
}

TEST(TensorPadTest, NegativePadsCrop) {
  OpTester t("Pad", 13);
  t.AddInput<int32_t>("x", {2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  t.AddInput<int64_t>("pads", {4}, {0, -1, 1, -2});
  t.AddOutput<int32_t>("y", {3, 1}, {2, 6, 0});
  t.Run();

  OpTester r("Pad", 13);
  r.AddAttribute("mode", "reflect");
  r.AddInput<int32_t>("x", {4}, {1, 2, 3, 4});
  r.AddInput<int64_t>("pads", {2}, {-1, 2});
  r.AddOutput<int32_t>("y", {5}, {2, 3, 4, 3, 2});
  r.Run();
}

TEST(TensorPadTest, AttributeFormsOfOpsets1And2) {
  OpTester v1("Pad", 1);
  v1.AddAttribute("paddings", std::vector<int64_t>{1, 0, 0, 1});
  v1.AddAttribute("value", 1.5f);
  v1.AddInput<float>("x", {1, 2}, {1, 2});
  v1.AddOutput<float>("y", {2, 3}, {1.5f, 1.5f, 1.5f, 1, 2, 1.5f});
  v1.Run();

  OpTester v2("Pad", 2);
  v2.AddAttribute("pads", std::vector<int64_t>{0, 1, 0, 1});
  v2.AddAttribute("mode", "edge");
  v2.AddInput<double>("x", {2, 2}, {1, 2, 3, 4});
  v2.AddOutput<double>("y", {2, 4}, {1, 1, 2, 2, 3, 3, 4, 4});
  v2.Run();
}

TEST(TensorPadTest, TypesAndEmpty) {
  OpTester s("Pad", 13);
  s.AddInput<std::string>("x", {2}, {"a", "b"});
  s.AddInput<int64_t>("pads", {2}, {1, 1});
  s.AddInput<std::string>("value", {}, {"z"});
  s.AddOutput<std::string>("y", {4}, {"z", "a", "b", "z"});
  s.Run();

  OpTester b("Pad", 13);
  b.AddInput<bool>("x", {1}, {true});
  b.AddInput<int64_t>("pads", {2}, {1, 0});
  b.AddOutput<bool>("y", {2}, {false, true});
  b.Run();

  OpTester h("Pad", 13);
  h.AddAttribute("mode", "reflect");
  h.AddInput<MLFloat16>("x", {3}, {MLFloat16(1.f), MLFloat16(2.f), MLFloat16(3.f)});
  h.AddInput<int64_t>("pads", {2}, {2, 2});
  h.AddOutput<MLFloat16>(
      "y", {7},
      {MLFloat16(3.f), MLFloat16(2.f), MLFloat16(1.f), MLFloat16(2.f), MLFloat16(3.f), MLFloat16(2.f), MLFloat16(1.f)});
  h.Run();

  OpTester e("Pad", 13);
  e.AddInput<float>("x", {0, 2}, {});
  e.AddInput<int64_t>("pads", {4}, {1, 0, 0, 0});
  e.AddOutput<float>("y", {1, 2}, {0, 0});
  e.Run();
}

TEST(TensorPadTest, LargeConstantMatchesReference) {
  const int64_t n = 2, c = 16, h = 40, w = 40, p = 3;
  std::vector<float> x(n * c * h * w), y;
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 1000);
  for (int64_t a = 0; a < n * c; ++a)
    for (int64_t i = 0; i < h + 2 * p; ++i)
      for (int64_t j = 0; j < w + p; ++j) {
        const int64_t si = i - p, sj = j - p;
        y.push_back(si >= 0 && si < h && sj >= 0 ? x[(a * h + si) * w + sj] : 0.f);
      }
  OpTester t("Pad", 13);
  t.AddInput<float>("x", {n, c, h, w}, x);
  t.AddInput<int64_t>("pads", {8}, {0, 0, p, p, 0, 0, p, 0});
  t.AddOutput<float>("y", {n, c, h + 2 * p, w + p}, y);
  t.Run();
}

TEST(TensorPadTest, Errors) {
  OpTester count("Pad", 13);
  count.AddInput<float>("x", {2}, {1, 2});
  count.AddInput<int64_t>("pads", {1}, {1});
  count.AddOutput<float>("y", {3}, {0, 1, 2});
  count.RunExpectFailure("pads");

  OpTester crop("Pad", 13);
  crop.AddInput<float>("x", {2}, {1, 2});
  crop.AddInput<int64_t>("pads", {2}, {-2, -1});
  crop.AddOutput<float>("y", {0}, {});
  crop.RunExpectFailure("remove more");

  OpTester empty_edge("Pad", 13);
  empty_edge.AddAttribute("mode", "edge");
  empty_edge.AddInput<float>("x", {0}, {});
  empty_edge.AddInput<int64_t>("pads", {2}, {1, 1});
  empty_edge.AddOutput<float>("y", {2}, {0, 0});
  empty_edge.RunExpectFailure("empty axis");
}

TEST(TensorTileTest, HugeOutputsFailCleanly) {
  OpTester tile("Tile", 13);
  tile.AddInput<float>("x", {1, 1}, {1});
  tile.AddInput<int64_t>("repeats", {2}, {INT64_MAX / 2, 4});
  tile.AddOutput<float>("y", {1, 1}, {1});
  tile.RunExpectFailure("too many elements");

  OpTester expand("Expand", 13);
  expand.AddInput<float>("x", {1}, {1});
  expand.AddInput<int64_t>("shape", {3}, {1 << 30, 1 << 30, 1 << 30});
  expand.AddOutput<float>("y", {1}, {1});
  expand.RunExpectFailure("too many elements");

  OpTester pad("Pad", 13);
  pad.AddInput<float>("x", {1}, {1});
  pad.AddInput<int64_t>("pads", {2}, {INT64_MAX, 1});
  pad.AddOutput<float>("y", {1}, {1});
  pad.RunExpectFailure("overflow");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
