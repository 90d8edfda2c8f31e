// Constant (every value attribute), ConstantOfShape, Range, EyeLike and OneHot: element types,
// empty shapes, negative deltas/diagonals/indices and bad arguments.
#include <string>
#include <vector>

#include "core/framework/tensorprotoutils.h"
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(TensorConstantTest, EveryValueAttribute) {
  OpTester v("Constant", 13);
  v.AddAttribute("value", TensorToProto(Tensor::FromVector<int32_t>({1, 2, 3, 4}, {2, 2}), "value"));
  v.AddOutput<int32_t>("y", {2, 2}, {1, 2, 3, 4});
  v.Run();

  OpTester f("Constant", 12);
  f.AddAttribute("value_float", 2.5f);
  f.AddOutput<float>("y", {}, {2.5f});
  f.Run();

  OpTester fs("Constant", 13);
  fs.AddAttribute("value_floats", std::vector<float>{1.5f, -2.f});
  fs.AddOutput<float>("y", {2}, {1.5f, -2.f});
  fs.Run();

  OpTester i("Constant", 13);
  i.AddAttribute("value_int", int64_t{-7});
  i.AddOutput<int64_t>("y", {}, {-7});
  i.Run();

  OpTester is("Constant", 13);
  is.AddAttribute("value_ints", std::vector<int64_t>{3, 4, 5});
  is.AddOutput<int64_t>("y", {3}, {3, 4, 5});
  is.Run();

  OpTester s("Constant", 13);
  s.AddAttribute("value_string", "hello");
  s.AddOutput<std::string>("y", {}, {"hello"});
  s.Run();

  OpTester ss("Constant", 13);
  ss.AddAttribute("value_strings", std::vector<std::string>{"a", ""});
  ss.AddOutput<std::string>("y", {2}, {"a", ""});
  ss.SetOptimizationLevel(0);
  ss.Run();

  OpTester v1("Constant", 1);
  v1.AddAttribute("value", TensorToProto(Tensor::FromVector<float>({}, {0, 3}), "value"));
  v1.AddOutput<float>("y", {0, 3}, {});
  v1.SetOptimizationLevel(0);
  v1.Run();
}

TEST(TensorConstantOfShapeTest, ValueTypesAndShapes) {
  OpTester def("ConstantOfShape", 9);
  def.AddInput<int64_t>("shape", {2}, {2, 3});
  def.AddOutput<float>("y", {2, 3}, std::vector<float>(6, 0.f));
  def.Run();

  OpTester i("ConstantOfShape", 9);
  i.AddAttribute("value", TensorToProto(Tensor::FromVector<int32_t>({7}, {1}), "value"));
  i.AddInput<int64_t>("shape", {1}, {3});
  i.AddOutput<int32_t>("y", {3}, {7, 7, 7});
  i.Run();

  OpTester b("ConstantOfShape", 9);
  b.AddAttribute("value", TensorToProto(Tensor::FromVector<bool>({true}, {1}), "value"));
  b.AddInput<int64_t>("shape", {0}, {});
  b.AddOutput<bool>("y", {}, {true});
  b.Run();

  OpTester zero("ConstantOfShape", 9);
  zero.AddInput<int64_t>("shape", {2}, {0, 4});
  zero.AddOutput<float>("y", {0, 4}, {});
  zero.Run();

  OpTester bad("ConstantOfShape", 9);
  bad.AddInput<int64_t>("shape", {1}, {-2});
  bad.AddOutput<float>("y", {0}, {});
  bad.RunExpectFailure("negative");
}

TEST(TensorRangeTest, TypesAndDirections) {
  OpTester f("Range", 11);
  f.AddInput<float>("start", {}, {1.f});
  f.AddInput<float>("limit", {}, {2.f});
  f.AddInput<float>("delta", {}, {0.3f});
  f.AddOutput<float>("y", {4}, {1.f, 1.3f, 1.6f, 1.9f});
  f.Run();

  OpTester i("Range", 11);
  i.AddInput<int32_t>("start", {}, {10});
  i.AddInput<int32_t>("limit", {}, {6});
  i.AddInput<int32_t>("delta", {}, {-3});
  i.AddOutput<int32_t>("y", {2}, {10, 7});
  i.Run();

  OpTester s("Range", 11);
  s.AddInput<int16_t>("start", {}, {0});
  s.AddInput<int16_t>("limit", {}, {3});
  s.AddInput<int16_t>("delta", {}, {1});
  s.AddOutput<int16_t>("y", {3}, {0, 1, 2});
  s.Run();

  OpTester d("Range", 11);
  d.AddInput<double>("start", {}, {5});
  d.AddInput<double>("limit", {}, {1});
  d.AddInput<double>("delta", {}, {2});
  d.AddOutput<double>("y", {0}, {});
  d.Run();

  OpTester l("Range", 11);
  l.AddInput<int64_t>("start", {}, {-2});
  l.AddInput<int64_t>("limit", {}, {2});
  l.AddInput<int64_t>("delta", {}, {3});
  l.AddOutput<int64_t>("y", {2}, {-2, 1});
  l.Run();

  OpTester zero("Range", 11);
  zero.AddInput<int64_t>("start", {}, {0});
  zero.AddInput<int64_t>("limit", {}, {2});
  zero.AddInput<int64_t>("delta", {}, {0});
  zero.AddOutput<int64_t>("y", {0}, {});
  zero.RunExpectFailure("delta");
}

TEST(TensorEyeLikeTest, DiagonalsAndDtype) {
  OpTester t("EyeLike", 9);
  t.AddAttribute("k", int64_t{1});
  t.AddInput<float>("x", {3, 4}, std::vector<float>(12, 5.f));
  t.AddOutput<float>("y", {3, 4}, {0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1});
  t.Run();

  OpTester n("EyeLike", 9);
  n.AddAttribute("k", int64_t{-2});
  n.AddAttribute("dtype", int64_t{static_cast<int>(DataType::kBool)});
  n.AddInput<int32_t>("x", {3, 2}, std::vector<int32_t>(6, 0));
  n.AddOutput<bool>("y", {3, 2}, {false, false, false, false, true, false});
  n.Run();

  OpTester far("EyeLike", 9);
  far.AddAttribute("k", int64_t{10});
  far.AddInput<MLFloat16>("x", {2, 2}, std::vector<MLFloat16>(4));
  far.AddOutput<MLFloat16>("y", {2, 2}, std::vector<MLFloat16>(4, MLFloat16(0.f)));
  far.Run();

  OpTester bad("EyeLike", 9);
  bad.AddInput<float>("x", {3}, {1, 2, 3});
  bad.AddOutput<float>("y", {3}, {1, 2, 3});
  bad.RunExpectFailure("2-D");
}

TEST(TensorOneHotTest, AxesAndIndexTypes) {
  OpTester t("OneHot", 11);
  t.AddInput<int64_t>("indices", {3}, {0, -1, 5});
  t.AddInput<int64_t>("depth", {}, {3});
  t.AddInput<float>("values", {2}, {0, 1});
  t.AddOutput<float>("y", {3, 3}, {1, 0, 0, 0, 0, 1, 0, 0, 0});
  t.Run();

  OpTester a0("OneHot", 11);
  a0.AddAttribute("axis", int64_t{0});
  a0.AddInput<float>("indices", {2}, {1.9f, 0.f});
  a0.AddInput<float>("depth", {1}, {2.f});
  a0.AddInput<std::string>("values", {2}, {"off", "on"});
  a0.AddOutput<std::string>("y", {2, 2}, {"off", "on", "on", "off"});
  a0.Run();

  OpTester mid("OneHot", 9);
  mid.AddAttribute("axis", int64_t{-2});
  mid.AddInput<int32_t>("indices", {2, 2}, {0, 1, 1, 0});
  mid.AddInput<uint8_t>("depth", {}, {2});
  mid.AddInput<int32_t>("values", {2}, {-1, 7});
  mid.AddOutput<int32_t>("y", {2, 2, 2}, {7, -1, -1, 7, -1, 7, 7, -1});
  mid.Run();

  OpTester bad("OneHot", 11);
  bad.AddInput<int64_t>("indices", {1}, {0});
  bad.AddInput<int64_t>("depth", {}, {2});
  bad.AddInput<float>("values", {3}, {0, 1, 2});
  bad.AddOutput<float>("y", {1, 2}, {1, 0});
  bad.RunExpectFailure("off_value");
}

TEST(TensorRangeTest, Int64ExtremesAreExact) {
  OpTester t("Range", 11);
  t.AddInput<int64_t>("start", {}, {INT64_MIN});
  t.AddInput<int64_t>("limit", {}, {INT64_MAX});
  t.AddInput<int64_t>("delta", {}, {INT64_MAX});
  t.AddOutput<int64_t>("y", {3}, {INT64_MIN, -1, INT64_MAX - 1});
  t.Run();

  OpTester huge("Range", 11);
  huge.AddInput<int64_t>("start", {}, {0});
  huge.AddInput<int64_t>("limit", {}, {INT64_MAX});
  huge.AddInput<int64_t>("delta", {}, {1});
  huge.AddOutput<int64_t>("y", {0}, {});
  huge.RunExpectFailure("too many elements");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
