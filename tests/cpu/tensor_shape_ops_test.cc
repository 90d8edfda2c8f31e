// Reshape, Squeeze, Unsqueeze, Flatten, Identity, Shape and Size: every opset form (attribute vs
// input), copy/infer dimensions, element types of every width plus strings, empty tensors,
// constant inputs (copied rather than aliased) and bad arguments.
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

template <typename T>
std::vector<T> Iota(size_t n) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      v[i] = "s" + std::to_string(i);
    } else if constexpr (std::is_same_v<T, bool>) {
      v[i] = i % 3 == 0;
    } else if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
      v[i] = T(static_cast<float>(i));
    } else {
      v[i] = static_cast<T>(i);
    }
  }
  return v;
}

template <typename T>
void CheckReshapeType() {
  OpTester t("Reshape", 14);
  t.AddInput<T>("data", {2, 3, 2}, Iota<T>(12));
  t.AddInput<int64_t>("shape", {3}, {0, -1, 3});
  t.AddOutput<T>("reshaped", {2, 2, 3}, Iota<T>(12));
  t.Run();
}

TEST(TensorReshapeTest, AllElementTypes) {
  CheckReshapeType<float>();
  CheckReshapeType<double>();
  CheckReshapeType<MLFloat16>();
  CheckReshapeType<BFloat16>();
  CheckReshapeType<int8_t>();
  CheckReshapeType<uint16_t>();
  CheckReshapeType<int32_t>();
  CheckReshapeType<uint64_t>();
  CheckReshapeType<bool>();
  CheckReshapeType<std::string>();
}

TEST(TensorReshapeTest, ZeroCopiesDimensionUnlessAllowZero) {
  OpTester t("Reshape", 14);
  t.AddInput<float>("data", {2, 3, 4}, Iota<float>(24));
  t.AddInput<int64_t>("shape", {3}, {0, 4, -1});
  t.AddOutput<float>("reshaped", {2, 4, 3}, Iota<float>(24));
  t.Run();

  OpTester z("Reshape", 14);
  z.AddAttribute("allowzero", int64_t{1});
  z.AddInput<float>("data", {0, 3}, {});
  z.AddInput<int64_t>("shape", {3}, {3, 0, 5});
  z.AddOutput<float>("reshaped", {3, 0, 5}, {});
  z.Run();
}

TEST(TensorReshapeTest, ShapeAttributeBeforeOpset5) {
  OpTester t("Reshape", 4);
  t.AddAttribute("shape", std::vector<int64_t>{-1, 2});
  t.AddInput<int32_t>("data", {2, 3}, Iota<int32_t>(6));
  t.AddOutput<int32_t>("reshaped", {3, 2}, Iota<int32_t>(6));
  t.Run();
}

TEST(TensorReshapeTest, ConstantInputIsCopied) {
  OpTester t("Reshape", 13);
  t.AddInput<float>("data", {4}, {1, 2, 3, 4}, true);
  t.AddInput<int64_t>("shape", {2}, {2, 2}, true);
  t.AddOutput<float>("reshaped", {2, 2}, {1, 2, 3, 4});
  t.SetOptimizationLevel(0);
  t.Run();
}

TEST(TensorReshapeTest, Int32ShapeAndScalar) {
  OpTester t("Reshape", 13);
  t.AddInput<float>("data", {1, 1}, {7});
  t.AddInput<int64_t>("shape", {0}, {});
  t.AddOutput<float>("reshaped", {}, {7});
  t.Run();
}

TEST(TensorReshapeTest, Errors) {
  OpTester two_infer("Reshape", 14);
  two_infer.AddInput<float>("data", {2, 3}, Iota<float>(6));
  two_infer.AddInput<int64_t>("shape", {2}, {-1, -1});
  two_infer.AddOutput<float>("reshaped", {6}, Iota<float>(6));
  two_infer.RunExpectFailure("-1");

  OpTester mismatch("Reshape", 14);
  mismatch.AddInput<float>("data", {2, 3}, Iota<float>(6));
  mismatch.AddInput<int64_t>("shape", {2}, {4, 2});
  mismatch.AddOutput<float>("reshaped", {4, 2}, Iota<float>(8));
  mismatch.RunExpectFailure("cannot reshape");

  OpTester indivisible("Reshape", 14);
  indivisible.AddInput<float>("data", {2, 3}, Iota<float>(6));
  indivisible.AddInput<int64_t>("shape", {2}, {4, -1});
  indivisible.AddOutput<float>("reshaped", {4, 2}, Iota<float>(8));
  indivisible.RunExpectFailure("cannot infer");

  OpTester copy_past_rank("Reshape", 14);
  copy_past_rank.AddInput<float>("data", {6}, Iota<float>(6));
  copy_past_rank.AddInput<int64_t>("shape", {2}, {6, 0});
  copy_past_rank.AddOutput<float>("reshaped", {6, 1}, Iota<float>(6));
  copy_past_rank.RunExpectFailure("rank");
}

TEST(TensorSqueezeTest, AxesAttributeAndInput) {
  OpTester attr("Squeeze", 11);
  attr.AddAttribute("axes", std::vector<int64_t>{0, -1});
  attr.AddInput<std::string>("data", {1, 3, 1}, Iota<std::string>(3));
  attr.AddOutput<std::string>("squeezed", {3}, Iota<std::string>(3));
  attr.Run();

  OpTester input("Squeeze", 13);
  input.AddInput<int64_t>("data", {1, 2, 1, 2}, Iota<int64_t>(4));
  input.AddInput<int64_t>("axes", {1}, {2});
  input.AddOutput<int64_t>("squeezed", {1, 2, 2}, Iota<int64_t>(4));
  input.Run();

  OpTester all("Squeeze", 13);
  all.AddInput<bool>("data", {1, 2, 1, 0}, {});
  all.AddOutput<bool>("squeezed", {2, 0}, {});
  all.Run();

  OpTester v1("Squeeze", 1);
  v1.AddInput<double>("data", {1, 1}, {5});
  v1.AddOutput<double>("squeezed", {}, {5});
  v1.Run();
}

TEST(TensorSqueezeTest, NonUnitAxisFails) {
  OpTester t("Squeeze", 13);
  t.AddInput<float>("data", {1, 3}, {1, 2, 3});
  t.AddInput<int64_t>("axes", {1}, {1});
  t.AddOutput<float>("squeezed", {1}, {1});
  t.RunExpectFailure("cannot squeeze");
}

TEST(TensorUnsqueezeTest, AxesAttributeAndInput) {
  OpTester attr("Unsqueeze", 11);
  attr.AddAttribute("axes", std::vector<int64_t>{-1, 0});
  attr.AddInput<MLFloat16>("data", {2, 3}, Iota<MLFloat16>(6));
  attr.AddOutput<MLFloat16>("expanded", {1, 2, 3, 1}, Iota<MLFloat16>(6));
  attr.Run();

  OpTester input("Unsqueeze", 13);
  input.AddInput<uint8_t>("data", {2, 2}, Iota<uint8_t>(4));
  input.AddInput<int64_t>("axes", {3}, {4, 1, 0});
  input.AddOutput<uint8_t>("expanded", {1, 1, 2, 2, 1}, Iota<uint8_t>(4));
  input.Run();

  OpTester scalar("Unsqueeze", 1);
  scalar.AddAttribute("axes", std::vector<int64_t>{0});
  scalar.AddInput<float>("data", {}, {3});
  scalar.AddOutput<float>("expanded", {1}, {3});
  scalar.Run();
}

TEST(TensorUnsqueezeTest, Errors) {
  OpTester repeated("Unsqueeze", 13);
  repeated.AddInput<float>("data", {2}, {1, 2});
  repeated.AddInput<int64_t>("axes", {2}, {0, 0});
  repeated.AddOutput<float>("expanded", {1, 1, 2}, {1, 2});
  repeated.RunExpectFailure("repeated");

  OpTester out_of_range("Unsqueeze", 13);
  out_of_range.AddInput<float>("data", {2}, {1, 2});
  out_of_range.AddInput<int64_t>("axes", {1}, {5});
  out_of_range.AddOutput<float>("expanded", {1, 2}, {1, 2});
  out_of_range.RunExpectFailure("out of range");
}

TEST(TensorFlattenTest, Axes) {
  struct Case {
    int64_t axis;
    std::vector<int64_t> out;
  };
  for (const Case& c :
       std::vector<Case>{{0, {1, 24}}, {1, {2, 12}}, {3, {24, 1}}, {-1, {6, 4}}, {-2, {2, 12}}, {-3, {1, 24}}}) {
    OpTester t("Flatten", 13);
    t.AddAttribute("axis", c.axis);
    t.AddInput<float>("data", {2, 3, 4}, Iota<float>(24));
    t.AddOutput<float>("flat", c.out, Iota<float>(24));
    t.Run();
  }
  OpTester def("Flatten", 1);
  def.AddInput<int16_t>("data", {2, 0, 3}, {});
  def.AddOutput<int16_t>("flat", {2, 0}, {});
  def.Run();

  OpTester bad("Flatten", 13);
  bad.AddAttribute("axis", int64_t{4});
  bad.AddInput<float>("data", {2, 3, 4}, Iota<float>(24));
  bad.AddOutput<float>("flat", {24, 1}, Iota<float>(24));
  bad.RunExpectFailure("out of range");
}

TEST(TensorIdentityTest, TensorsOfAnyType) {
  OpTester s("Identity", 16);
  s.AddInput<std::string>("x", {2}, {"a", "bc"});
  s.AddOutput<std::string>("y", {2}, {"a", "bc"});
  s.Run();

  OpTester e("Identity", 1);
  e.AddInput<float>("x", {0, 4}, {});
  e.AddOutput<float>("y", {0, 4}, {});
  e.Run();

  OpTester c("Identity", 13);
  c.AddInput<int32_t>("x", {3}, {1, 2, 3}, true);
  c.AddOutput<int32_t>("y", {3}, {1, 2, 3});
  c.SetOptimizationLevel(0);
  c.Run();
}

TEST(TensorShapeTest, StartAndEnd) {
  struct Case {
    int64_t start, end;
    bool has_end;
    std::vector<int64_t> expected;
  };
  const std::vector<Case> cases = {
      {0, 0, false, {2, 3, 4, 5}}, {1, 0, false, {3, 4, 5}},      {-1, 0, false, {5}}, {1, 3, true, {3, 4}},
      {1, -1, true, {3, 4}},       {-10, 10, true, {2, 3, 4, 5}}, {3, 1, true, {}}};
  for (const Case& c : cases) {
    OpTester t("Shape", 15);
    t.AddAttribute("start", c.start);
    if (c.has_end) t.AddAttribute("end", c.end);
    t.AddInput<float>("x", {2, 3, 4, 5}, std::vector<float>(120));
    t.AddOutput<int64_t>("shape", {static_cast<int64_t>(c.expected.size())}, c.expected);
    t.Run();
  }
  OpTester scalar("Shape", 1);
  scalar.AddInput<std::string>("x", {}, {"x"});
  scalar.AddOutput<int64_t>("shape", {0}, {});
  scalar.Run();
}

TEST(TensorSizeTest, CountsElements) {
  OpTester t("Size", 13);
  t.AddInput<bool>("x", {2, 3}, std::vector<bool>(6, true));
  t.AddOutput<int64_t>("size", {}, {6});
  t.Run();

  OpTester e("Size", 1);
  e.AddInput<float>("x", {3, 0}, {});
  e.AddOutput<int64_t>("size", {}, {0});
  e.Run();
}

TEST(TensorReshapeTest, OverflowingShapeFails) {
  OpTester t("Reshape", 14);
  t.AddInput<float>("data", {0}, {});
  t.AddInput<int64_t>("shape", {3}, {INT64_MAX, 4, 0});
  t.AddOutput<float>("reshaped", {0}, {});
  t.RunExpectFailure("too many elements");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
