// GeluFusion, FastGeluFusion and BiasGeluFusion on the forms torch exports.
#include "optimizer/optimizer_test_util.h"

namespace ortlite {
namespace test {
namespace {

enum class Order { kXHalfLast, kHalfXFirst, kHalfInner };

// 0.5 * x * (1 + f) with f already computed as "f"; x is "x". Output "Y".
void AddGeluTail(ModelBuilder& mb, Order order) {
  mb.Scalar("one", 1.f);
  mb.Scalar("half", 0.5f);
  mb.Node("Add", {"f", "one"}, {"h"});
  switch (order) {
    case Order::kXHalfLast:  // (x * h) * 0.5
      mb.Node("Mul", {"x", "h"}, {"xh"});
      mb.Node("Mul", {"xh", "half"}, {"Y"});
      break;
    case Order::kHalfXFirst:  // (0.5 * x) * h
      mb.Node("Mul", {"half", "x"}, {"hx"});
      mb.Node("Mul", {"hx", "h"}, {"Y"});
      break;
    case Order::kHalfInner:  // x * (h * 0.5)
      mb.Node("Mul", {"h", "half"}, {"hh"});
      mb.Node("Mul", {"x", "hh"}, {"Y"});
      break;
  }
}

// X (2, 8) + bias (8) -> x -> erf Gelu
onnx::ModelProto ErfGeluModel(Order order, bool div_form, bool with_bias) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 8});
  if (with_bias) {
    mb.Initializer<float>("bias", {8}, RandomFloats(8, 5));
    mb.Node("Add", {"X", "bias"}, {"x"});
  } else {
    mb.Node("Identity", {"X"}, {"x"});
  }
  if (div_form) {
    mb.Scalar("sqrt2", 1.4142135381698608f);
    mb.Node("Div", {"x", "sqrt2"}, {"s"});
  } else {
    mb.Scalar("rsqrt2", 0.7071067690849304f);
    mb.Node("Mul", {"rsqrt2", "x"}, {"s"});
  }
  mb.Node("Erf", {"s"}, {"f"});
  AddGeluTail(mb, order);
  mb.Output("Y", DataType::kFloat);
  return mb.Build();
}

TEST(GeluFusionTest, ErfFormsBecomeGelu) {
  for (Order order : {Order::kXHalfLast, Order::kHalfXFirst, Order::kHalfInner}) {
    for (bool div_form : {true, false}) {
      auto model = ErfGeluModel(order, div_form, false);
      EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.Gelu"});
      ExpectSameOutputs(model, {{"X", RandomValue({2, 8}, 3, -3.f, 3.f)}}, 1e-5, 1e-6, 2);
    }
  }
}

TEST(GeluFusionTest, NotForOtherConstants) {
  ModelBuilder mb;
  mb.Input("x", DataType::kFloat, {2, 8});
  mb.Scalar("c", 1.5f);
  mb.Node("Div", {"x", "c"}, {"s"});
  mb.Node("Erf", {"s"}, {"f"});
  AddGeluTail(mb, Order::kXHalfLast);
  mb.Output("Y", DataType::kFloat);
  auto ops = OpTypesAfterInit(mb.Build(), 2);
  EXPECT_EQ(CountOp(ops, "com.microsoft.Gelu"), 0);
  EXPECT_EQ(CountOp(ops, "Erf"), 1);
}

TEST(GeluFusionTest, SharedHalfXStaysForItsOtherReader) {
  // torch's exporter shares 0.5 * x between forms; the shared Mul must survive.
  ModelBuilder mb;
  mb.Input("x", DataType::kFloat, {2, 8});
  mb.Scalar("sqrt2", 1.4142135381698608f);
  mb.Node("Div", {"x", "sqrt2"}, {"s"});
  mb.Node("Erf", {"s"}, {"f"});
  AddGeluTail(mb, Order::kHalfXFirst);
  mb.Node("Neg", {"hx"}, {"Z"});
  mb.Output("Y", DataType::kFloat);
  mb.Output("Z", DataType::kFloat);
  auto model = mb.Build();
  auto ops = OpTypesAfterInit(model, 2);
  EXPECT_EQ(CountOp(ops, "com.microsoft.Gelu"), 1);
  EXPECT_EQ(CountOp(ops, "Mul"), 1);
  ExpectSameOutputs(model, {{"x", RandomValue({2, 8}, 3, -3.f, 3.f)}}, 1e-5, 1e-6, 2);
}

TEST(BiasGeluFusionTest, AddThenGeluBecomesBiasGelu) {
  auto model = ErfGeluModel(Order::kXHalfLast, true, true);
  EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.BiasGelu"});
  ExpectSameOutputs(model, {{"X", RandomValue({2, 8}, 3, -3.f, 3.f)}}, 1e-5, 1e-6, 2);
}

TEST(BiasGeluFusionTest, NotWhenTheSumHasAnotherReader) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 8});
  mb.Initializer<float>("bias", {8}, RandomFloats(8, 5));
  mb.Node("Add", {"X", "bias"}, {"x"});
  mb.Node("Gelu", {"x"}, {"Y"}, "com.microsoft");
  mb.Output("Y", DataType::kFloat);
  mb.Output("x", DataType::kFloat);
  auto ops = OpTypesAfterInit(mb.Build(), 2);
  EXPECT_EQ(ops, (std::vector<std::string>{"Add", "com.microsoft.Gelu"}));
}

TEST(BiasGeluFusionTest, NotForABiasThatIsNotOverTheLastDim) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {2, 8});
  mb.Initializer<float>("bias", {2, 1}, {1.f, 2.f});
  mb.Node("Add", {"X", "bias"}, {"x"});
  mb.Node("Gelu", {"x"}, {"Y"}, "com.microsoft");
  mb.Output("Y", DataType::kFloat);
  EXPECT_EQ(OpTypesAfterInit(mb.Build(), 2), (std::vector<std::string>{"Add", "com.microsoft.Gelu"}));
}

// torch's gelu(approximate='tanh') export and the Pow form of "gelu_new".
onnx::ModelProto TanhGeluModel(bool pow_form, bool with_bias) {
  ModelBuilder mb;
  mb.Input("X", DataType::kFloat, {3, 16});
  if (with_bias) {
    mb.Initializer<float>("bias", {16}, RandomFloats(16, 6));
    mb.Node("Add", {"bias", "X"}, {"x"});
  } else {
    mb.Node("Identity", {"X"}, {"x"});
  }
  mb.Scalar("kappa", 0.044714998453855515f);
  mb.Scalar("beta", 0.7978845834732056f);
  if (pow_form) {
    mb.Scalar("three", 3.f);
    mb.Node("Pow", {"x", "three"}, {"cube"});
    mb.Node("Mul", {"cube", "kappa"}, {"kc"});
  } else {
    mb.Node("Mul", {"x", "x"}, {"sq"});
    mb.Node("Mul", {"x", "sq"}, {"cube"});
    mb.Node("Mul", {"kappa", "cube"}, {"kc"});
  }
  mb.Node("Add", {"x", "kc"}, {"inner"});
  mb.Node("Mul", {"beta", "inner"}, {"arg"});
  mb.Node("Tanh", {"arg"}, {"f"});
  AddGeluTail(mb, pow_form ? Order::kHalfXFirst : Order::kXHalfLast);
  mb.Output("Y", DataType::kFloat);
  return mb.Build();
}

TEST(FastGeluFusionTest, TanhFormsBecomeFastGelu) {
  for (bool pow_form : {false, true}) {
    auto model = TanhGeluModel(pow_form, false);
    EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.FastGelu"});
    ExpectSameOutputs(model, {{"X", RandomValue({3, 16}, 4, -4.f, 4.f)}}, 1e-5, 1e-5, 2);
  }
}

TEST(FastGeluFusionTest, BiasIsFolded) {
  auto model = TanhGeluModel(false, true);
  EXPECT_EQ(OpTypesAfterInit(model, 2), std::vector<std::string>{"com.microsoft.FastGelu"});
  ExpectSameOutputs(model, {{"X", RandomValue({3, 16}, 4, -4.f, 4.f)}}, 1e-5, 1e-5, 2);
}

TEST(FastGeluFusionTest, DisabledByName) {
  auto model = TanhGeluModel(false, false);
  auto s = MakeSession(model, 2, "FastGeluFusion");
  EXPECT_EQ(CountOp(OpTypes(*s), "Tanh"), 1);
}

}  // namespace
}  // namespace test
}  // namespace ortlite
