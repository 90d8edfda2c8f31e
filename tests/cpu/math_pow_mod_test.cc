// Pow with mixed base/exponent types, Mod in both sign conventions, BitShift on every unsigned
// type including shifts of the full width.
#include <cmath>
#include <limits>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(MathPowTest, FloatBroadcast) {
  OpTester t("Pow", 15);
  t.AddInput<float>("X", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddInput<float>("Y", {3}, {2, 0.5f, -1});
  t.AddOutput<float>("Z", {2, 3}, {1, std::sqrt(2.0f), 1.0f / 3, 16, std::sqrt(5.0f), 1.0f / 6});
  t.Run();
}

TEST(MathPowTest, ScalarSquare) {
  OpTester t("Pow", 13);
  t.AddInput<float>("X", {4}, {-3, 0.5f, 0, 1e20f});
  t.AddInput<float>("Y", {}, {2}, true);
  t.AddOutput<float>("Z", {4}, {9, 0.25f, 0, std::numeric_limits<float>::infinity()});
  t.Run();
}

TEST(MathPowTest, MixedTypes) {
  {
    OpTester t("Pow", 15);
    t.AddInput<float>("X", {3}, {2, -2, 0.5f});
    t.AddInput<int64_t>("Y", {3}, {10, 3, -2});
    t.AddOutput<float>("Z", {3}, {1024, -8, 4});
    t.Run();
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<int32_t>("X", {3}, {1, 2, 3});
    t.AddInput<float>("Y", {3}, {4, 5, 0.5f});
    t.AddOutput<int32_t>("Z", {3}, {1, 32, 1});
    t.Run();
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<int64_t>("X", {4}, {3, -3, 2, 10});
    t.AddInput<int64_t>("Y", {4}, {4, 3, 62, 0});
    t.AddOutput<int64_t>("Z", {4}, {81, -27, int64_t{1} << 62, 1});
    t.Run();
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<int32_t>("X", {4}, {2, 1, -1, -1});
    t.AddInput<uint8_t>("Y", {4}, {31, 200, 3, 4});
    t.AddOutput<int32_t>("Z", {4}, {std::numeric_limits<int32_t>::min(), 1, -1, 1});
    t.Run();
  }
  {
    // Only +-1 have integer results for negative exponents; others truncate to zero.
    OpTester t("Pow", 15);
    t.AddInput<int32_t>("X", {4}, {2, 1, -1, -1});
    t.AddInput<int32_t>("Y", {4}, {-1, -5, -3, -2});
    t.AddOutput<int32_t>("Z", {4}, {0, 1, -1, 1});
    t.Run();
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<MLFloat16>("X", {2}, {MLFloat16(3.0f), MLFloat16(-2.0f)});
    t.AddInput<int32_t>("Y", {2}, {2, 3});
    t.AddOutput<MLFloat16>("Z", {2}, {MLFloat16(9.0f), MLFloat16(-8.0f)});
    t.Run();
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<double>("X", {2}, {2, 9});
    t.AddInput<BFloat16>("Y", {2}, {BFloat16(3.0f), BFloat16(0.5f)});
    t.AddOutput<double>("Z", {2}, {8, 3});
    t.Run();
  }
}

TEST(MathPowTest, LegacyBroadcastAndErrors) {
  {
    OpTester t("Pow", 1);
    t.AddAttribute("broadcast", int64_t{1});
    t.AddInput<float>("X", {2, 2}, {1, 2, 3, 4});
    t.AddInput<float>("Y", {}, {3});
    t.AddOutput<float>("Z", {2, 2}, {1, 8, 27, 64});
    t.Run();
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<int32_t>("X", {1}, {0});
    t.AddInput<int32_t>("Y", {1}, {-1});
    t.AddOutput<int32_t>("Z", {1}, {0});
    t.RunExpectFailure("negative power");
  }
  {
    OpTester t("Pow", 15);
    t.AddInput<float>("X", {0, 2}, {});
    t.AddInput<float>("Y", {2}, {1, 2});
    t.AddOutput<float>("Z", {0, 2}, {});
    t.Run();
  }
}

TEST(MathModTest, IntegerSignFollowsDivisor) {
  {
    OpTester t("Mod", 13);
    t.AddInput<int32_t>("A", {6}, {-4, 7, 5, 4, -7, 8});
    t.AddInput<int32_t>("B", {6}, {2, -3, 8, -2, 3, 5});
    t.AddOutput<int32_t>("C", {6}, {0, -2, 5, 0, 2, 3});
    t.Run();
  }
  {
    OpTester t("Mod", 10);
    t.AddInput<int8_t>("A", {3}, {-128, -7, 7});
    t.AddInput<int8_t>("B", {3}, {-1, 3, -3});
    t.AddOutput<int8_t>("C", {3}, {0, 2, -2});
    t.Run();
  }
  {
    OpTester t("Mod", 13);
    t.AddInput<uint16_t>("A", {2, 2}, {10, 65535, 3, 4});
    t.AddInput<uint16_t>("B", {2}, {3, 7});
    t.AddOutput<uint16_t>("C", {2, 2}, {1, 1, 0, 4});
    t.Run();
  }
}

TEST(MathModTest, Fmod) {
  {
    OpTester t("Mod", 13);
    t.AddAttribute("fmod", int64_t{1});
    t.AddInput<int64_t>("A", {4}, {-4, 7, -7, 8});
    t.AddInput<int64_t>("B", {4}, {3, -3, 3, 5});
    t.AddOutput<int64_t>("C", {4}, {-1, 1, -1, 3});
    t.Run();
  }
  {
    OpTester t("Mod", 13);
    t.AddAttribute("fmod", int64_t{1});
    t.AddInput<float>("A", {3}, {-4.5f, 7.5f, 5.0f});
    t.AddInput<float>("B", {3}, {2.0f, -2.0f, 2.5f});
    t.AddOutput<float>("C", {3}, {-0.5f, 1.5f, 0.0f});
    t.Run();
  }
  {
    OpTester t("Mod", 13);
    t.AddAttribute("fmod", int64_t{1});
    t.AddInput<MLFloat16>("A", {2}, {MLFloat16(-4.5f), MLFloat16(7.5f)});
    t.AddInput<MLFloat16>("B", {1}, {MLFloat16(2.0f)});
    t.AddOutput<MLFloat16>("C", {2}, {MLFloat16(-0.5f), MLFloat16(1.5f)});
    t.Run();
  }
}

TEST(MathModTest, ZeroDivisorFails) {
  OpTester t("Mod", 13);
  t.AddInput<int32_t>("A", {2}, {1, 2});
  t.AddInput<int32_t>("B", {2}, {1, 0});
  t.AddOutput<int32_t>("C", {2}, {0, 0});
  t.RunExpectFailure("division by zero");
}

template <typename T>
void CheckShift(const char* direction, const std::vector<T>& x, const std::vector<T>& s, const std::vector<T>& y) {
  OpTester t("BitShift", 11);
  t.AddAttribute("direction", direction);
  t.AddInput<T>("X", {static_cast<int64_t>(x.size())}, x);
  t.AddInput<T>("Y", {static_cast<int64_t>(s.size())}, s);
  t.AddOutput<T>("Z", {static_cast<int64_t>(y.size())}, y);
  t.Run();
}

TEST(MathBitShiftTest, AllUnsignedTypes) {
  CheckShift<uint8_t>("LEFT", {1, 255, 3, 1}, {1, 1, 7, 8}, {2, 254, 128, 0});
  CheckShift<uint8_t>("RIGHT", {16, 255, 1}, {2, 7, 9}, {4, 1, 0});
  CheckShift<uint16_t>("LEFT", {1, 0x8001}, {15, 1}, {0x8000, 2});
  CheckShift<uint16_t>("RIGHT", {0xffff, 4}, {8, 16}, {0xff, 0});
  CheckShift<uint32_t>("LEFT", {1, 3}, {31, 32}, {0x80000000u, 0});
  CheckShift<uint32_t>("RIGHT", {0x80000000u}, {31}, {1});
  CheckShift<uint64_t>("LEFT", {1, 1}, {63, 64}, {0x8000000000000000ull, 0});
  CheckShift<uint64_t>("RIGHT", {0x8000000000000000ull, 5}, {63, 1000}, {1, 0});
}

TEST(MathBitShiftTest, BroadcastAndErrors) {
  {
    OpTester t("BitShift", 11);
    t.AddAttribute("direction", "LEFT");
    t.AddInput<uint32_t>("X", {2, 2}, {1, 2, 3, 4});
    t.AddInput<uint32_t>("Y", {}, {2});
    t.AddOutput<uint32_t>("Z", {2, 2}, {4, 8, 12, 16});
    t.Run();
  }
  {
    OpTester t("BitShift", 11);
    t.AddAttribute("direction", "UP");
    t.AddInput<uint32_t>("X", {1}, {1});
    t.AddInput<uint32_t>("Y", {1}, {2});
    t.AddOutput<uint32_t>("Z", {1}, {4});
    t.RunExpectFailure("direction");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
