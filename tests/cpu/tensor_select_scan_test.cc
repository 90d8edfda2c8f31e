// Trilu, Compress, NonZero, CumSum, ReverseSequence and Unique: element types (strings too),
// batched and empty inputs, negative axes, extreme k, every Unique output in both orders, and
// bad arguments.
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(TensorTriluTest, UpperLowerAndK) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  OpTester up("Trilu", 14);
  up.AddInput<float>("x", {3, 4}, x);
  up.AddOutput<float>("y", {3, 4}, {1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12});
  up.Run();

  OpTester low("Trilu", 14);
  low.AddAttribute("upper", int64_t{0});
  low.AddInput<float>("x", {3, 4}, x);
  low.AddInput<int64_t>("k", {}, {-1});
  low.AddOutput<float>("y", {3, 4}, {0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0});
  low.Run();

  OpTester far("Trilu", 14);
  far.AddInput<int64_t>("x", {2, 2}, {1, 2, 3, 4});
  far.AddInput<int64_t>("k", {}, {INT64_MIN});
  far.AddOutput<int64_t>("y", {2, 2}, {1, 2, 3, 4});
  far.Run();

  OpTester s("Trilu", 14);
  s.AddAttribute("upper", int64_t{0});
  s.AddInput<std::string>("x", {2, 2, 2}, {"a", "b", "c", "d", "e", "f", "g", "h"});
  s.AddInput<int64_t>("k", {}, {INT64_MAX});
  s.AddOutput<std::string>("y", {2, 2, 2}, {"a", "b", "c", "d", "e", "f", "g", "h"});
  s.Run();

  OpTester batched("Trilu", 14);
  batched.AddInput<bool>("x", {2, 2, 2}, std::vector<bool>(8, true));
  batched.AddInput<int64_t>("k", {}, {1});
  batched.AddOutput<bool>("y", {2, 2, 2}, {false, true, false, false, false, true, false, false});
  batched.Run();

  OpTester e("Trilu", 14);
  e.AddInput<float>("x", {0, 3}, {});
  e.AddOutput<float>("y", {0, 3}, {});
  e.Run();

  OpTester bad("Trilu", 14);
  bad.AddInput<float>("x", {3}, {1, 2, 3});
  bad.AddOutput<float>("y", {3}, {1, 2, 3});
  bad.RunExpectFailure("rank");
}

TEST(TensorCompressTest, AxisAndFlattened) {
  OpTester t("Compress", 11);
  t.AddAttribute("axis", int64_t{-1});
  t.AddInput<int32_t>("x", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<bool>("condition", {2}, {false, true});
  t.AddOutput<int32_t>("y", {2, 1}, {2, 5});
  t.Run();

  OpTester flat("Compress", 9);
  flat.AddInput<std::string>("x", {2, 2}, {"a", "b", "c", "d"});
  flat.AddInput<bool>("condition", {4}, {true, false, false, true});
  flat.AddOutput<std::string>("y", {2}, {"a", "d"});
  flat.Run();

  OpTester none("Compress", 11);
  none.AddAttribute("axis", int64_t{0});
  none.AddInput<float>("x", {2, 2}, {1, 2, 3, 4});
  none.AddInput<bool>("condition", {2}, {false, false});
  none.AddOutput<float>("y", {0, 2}, {});
  none.Run();

  OpTester too_long("Compress", 11);
  too_long.AddAttribute("axis", int64_t{0});
  too_long.AddInput<float>("x", {2}, {1, 2});
  too_long.AddInput<bool>("condition", {3}, {false, true, true});
  too_long.AddOutput<float>("y", {1}, {2});
  too_long.RunExpectFailure("past the axis");
}

TEST(TensorNonZeroTest, TypesAndShapes) {
  OpTester t("NonZero", 13);
  t.AddInput<float>("x", {2, 2}, {1, 0, -0.f, 3});
  t.AddOutput<int64_t>("y", {2, 2}, {0, 1, 0, 1});
  t.Run();

  OpTester s("NonZero", 9);
  s.AddInput<std::string>("x", {3}, {"", "a", "b"});
  s.AddOutput<int64_t>("y", {1, 2}, {1, 2});
  s.Run();

  OpTester b("NonZero", 13);
  b.AddInput<bool>("x", {2, 1, 2}, {false, true, true, false});
  b.AddOutput<int64_t>("y", {3, 2}, {0, 1, 0, 0, 1, 0});
  b.Run();

  OpTester h("NonZero", 13);
  h.AddInput<MLFloat16>("x", {2}, {MLFloat16(0.f), MLFloat16(0.5f)});
  h.AddOutput<int64_t>("y", {1, 1}, {1});
  h.Run();

  OpTester scalar("NonZero", 13);
  scalar.AddInput<int32_t>("x", {}, {4});
  scalar.AddOutput<int64_t>("y", {1, 1}, {0});
  scalar.Run();

  OpTester e("NonZero", 13);
  e.AddInput<uint8_t>("x", {0, 3}, {});
  e.AddOutput<int64_t>("y", {2, 0}, {});
  e.Run();
}

TEST(TensorCumSumTest, ExclusiveReverseAndAxes) {
  const std::vector<double> x = {1, 2, 3, 4, 5, 6};
  struct Case {
    int64_t exclusive, reverse;
    std::vector<double> y;
  };
  for (const Case& c : std::vector<Case>{{0, 0, {1, 3, 6, 4, 9, 15}},
                                         {1, 0, {0, 1, 3, 0, 4, 9}},
                                         {0, 1, {6, 5, 3, 15, 11, 6}},
                                         {1, 1, {5, 3, 0, 11, 6, 0}}}) {
    OpTester t("CumSum", 14);
    t.AddAttribute("exclusive", c.exclusive);
    t.AddAttribute("reverse", c.reverse);
    t.AddInput<double>("x", {2, 3}, x);
    t.AddInput<int32_t>("axis", {}, {-1});
    t.AddOutput<double>("y", {2, 3}, c.y);
    t.Run();
  }
  OpTester a0("CumSum", 11);
  a0.AddInput<int64_t>("x", {2, 3}, {1, 2, 3, 4, 5, 6});
  a0.AddInput<int64_t>("axis", {1}, {0});
  a0.AddOutput<int64_t>("y", {2, 3}, {1, 2, 3, 5, 7, 9});
  a0.Run();

  OpTester h("CumSum", 14);
  h.AddInput<MLFloat16>("x", {3}, {MLFloat16(0.5f), MLFloat16(1.f), MLFloat16(2.f)});
  h.AddInput<int64_t>("axis", {}, {0});
  h.AddOutput<MLFloat16>("y", {3}, {MLFloat16(0.5f), MLFloat16(1.5f), MLFloat16(3.5f)});
  h.Run();

  OpTester u("CumSum", 14);
  u.AddInput<uint32_t>("x", {0, 2}, {});
  u.AddInput<int64_t>("axis", {}, {0});
  u.AddOutput<uint32_t>("y", {0, 2}, {});
  u.Run();

  OpTester bad("CumSum", 14);
  bad.AddInput<float>("x", {2}, {1, 2});
  bad.AddInput<int64_t>("axis", {}, {1});
  bad.AddOutput<float>("y", {2}, {1, 3});
  bad.RunExpectFailure("out of range");
}

TEST(TensorReverseSequenceTest, BatchAndTimeMajor) {
  OpTester time_major("ReverseSequence", 10);
  time_major.AddInput<float>("x", {3, 2}, {1, 2, 3, 4, 5, 6});
  time_major.AddInput<int64_t>("lens", {2}, {3, 1});
  time_major.AddOutput<float>("y", {3, 2}, {5, 2, 3, 4, 1, 6});
  time_major.Run();

  OpTester batch_major("ReverseSequence", 10);
  batch_major.AddAttribute("batch_axis", int64_t{0});
  batch_major.AddAttribute("time_axis", int64_t{1});
  batch_major.AddInput<std::string>("x", {2, 3, 1}, {"a", "b", "c", "d", "e", "f"});
  batch_major.AddInput<int64_t>("lens", {2}, {2, 0});
  batch_major.AddOutput<std::string>("y", {2, 3, 1}, {"b", "a", "c", "d", "e", "f"});
  batch_major.Run();

  OpTester bad("ReverseSequence", 10);
  bad.AddInput<float>("x", {2, 1}, {1, 2});
  bad.AddInput<int64_t>("lens", {1}, {3});
  bad.AddOutput<float>("y", {2, 1}, {2, 1});
  bad.RunExpectFailure("sequence length");
}

TEST(TensorUniqueTest, SortedAndUnsortedWithoutAxis) {
  OpTester s("Unique", 11);
  s.AddInput<float>("x", {6}, {2, 1, 1, 3, 4, 3});
  s.AddOutput<float>("y", {4}, {1, 2, 3, 4});
  s.AddOutput<int64_t>("indices", {4}, {1, 0, 3, 4});
  s.AddOutput<int64_t>("inverse", {6}, {1, 0, 0, 2, 3, 2});
  s.AddOutput<int64_t>("counts", {4}, {2, 1, 2, 1});
  s.Run();

  OpTester u("Unique", 11);
  u.AddAttribute("sorted", int64_t{0});
  u.AddInput<std::string>("x", {2, 2}, {"b", "a", "b", "c"});
  u.AddOutput<std::string>("y", {3}, {"b", "a", "c"});
  u.AddOutput<int64_t>("indices", {3}, {0, 1, 3});
  u.AddOutput<int64_t>("inverse", {4}, {0, 1, 0, 2});
  u.AddOutput<int64_t>("counts", {3}, {2, 1, 1});
  u.Run();

  OpTester only_y("Unique", 11);
  only_y.AddInput<int8_t>("x", {3}, {-1, 5, -1});
  only_y.AddOutput<int8_t>("y", {2}, {-1, 5});
  only_y.Run();

  OpTester e("Unique", 11);
  e.AddInput<float>("x", {0}, {});
  e.AddOutput<float>("y", {0}, {});
  e.AddOutput<int64_t>("indices", {0}, {});
  e.AddOutput<int64_t>("inverse", {0}, {});
  e.AddOutput<int64_t>("counts", {0}, {});
  e.Run();
}

TEST(TensorUniqueTest, WithAxis) {
  OpTester t("Unique", 11);
  t.AddAttribute("axis", int64_t{-1});
  t.AddInput<int32_t>("x", {2, 4}, {1, 0, 1, 0, 2, 3, 2, 1});
  t.AddOutput<int32_t>("y", {2, 3}, {0, 0, 1, 1, 3, 2});
  t.AddOutput<int64_t>("indices", {3}, {3, 1, 0});
  t.AddOutput<int64_t>("inverse", {4}, {2, 1, 2, 0});
  t.AddOutput<int64_t>("counts", {3}, {1, 1, 2});
  t.Run();

  OpTester bad("Unique", 11);
  bad.AddAttribute("axis", int64_t{2});
  bad.AddInput<float>("x", {2, 2}, {1, 2, 3, 4});
  bad.AddOutput<float>("y", {2, 2}, {1, 2, 3, 4});
  bad.RunExpectFailure("out of range");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
