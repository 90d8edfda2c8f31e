// Dropout: identity + all-true mask in inference for every opset (mask of T before 10, bool
// after), training mode with a seed (repeatable, matching numpy's seeded stream), ratio 0 and 1,
// and invalid ratios.
#include <cmath>
#include <random>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(NnDropoutTest, InferenceIsIdentityForEveryOpset) {
  const std::vector<float> x = {1, -2, 3, 0.5f, 7, -8};
  for (int opset : {1, 6, 7}) {
    OpTester t("Dropout", opset);
    t.AddAttribute("ratio", 0.3f);
    t.AddInput<float>("data", {2, 3}, x);
    t.AddOutput<float>("output", {2, 3}, x);
    t.AddOutput<float>("mask", {2, 3}, std::vector<float>(6, 1.f));
    t.Run();
  }
  for (int opset : {10, 12, 13}) {
    OpTester t("Dropout", opset);
    t.AddInput<float>("data", {2, 3}, x);
    t.AddOutput<float>("output", {2, 3}, x);
    t.AddOutput<bool>("mask", {2, 3}, std::vector<bool>(6, true));
    t.Run();
  }
}

TEST(NnDropoutTest, TrainingModeOffWithRatioInput) {
  OpTester t("Dropout", 13);
  t.AddInput<double>("data", {3}, {1, 2, 3});
  t.AddInput<float>("ratio", {}, {0.9f});
  t.AddInput<bool>("training_mode", {}, {false});
  t.AddOutput<double>("output", {3}, {1, 2, 3});
  t.Run();
}

TEST(NnDropoutTest, TrainingModeWithSeedMatchesNumpyStream) {
  // numpy: np.random.seed(0); np.random.uniform(0, 1, 4) = [0.549, 0.715, 0.603, 0.545]
  // ratio 0.6 keeps elements 1 and 2 (u >= 0.6), scaled by 1 / 0.4.
  OpTester t("Dropout", 13);
  t.AddAttribute("seed", int64_t{0});
  t.AddInput<float>("data", {4}, {1, 2, 3, 4});
  t.AddInput<float>("ratio", {}, {0.6f});
  t.AddInput<bool>("training_mode", {}, {true});
  t.AddOutput<float>("output", {4}, {0, 5, 7.5f, 0});
  t.AddOutput<bool>("mask", {4}, {false, true, true, false});
  t.Run();
}

TEST(NnDropoutTest, TrainingModeRatioZeroAndOne) {
  {
    OpTester t("Dropout", 13);
    t.AddInput<float>("data", {2}, {1, 2});
    t.AddInput<float>("ratio", {}, {0.f});
    t.AddInput<bool>("training_mode", {}, {true});
    t.AddOutput<float>("output", {2}, {1, 2});
    t.AddOutput<bool>("mask", {2}, {true, true});
    t.Run();
  }
  {
    OpTester t("Dropout", 13);
    t.AddInput<float>("data", {2}, {1, 2});
    t.AddInput<float>("ratio", {}, {1.f});
    t.AddInput<bool>("training_mode", {}, {true});
    t.AddOutput<float>("output", {2}, {0, 0});
    t.AddOutput<bool>("mask", {2}, {false, false});
    t.Run();
  }
}

TEST(NnDropoutTest, TrainingModeWithoutSeedKeepsScaledValues) {
  OpTester t("Dropout", 13);
  t.AddInput<float>("data", {1000}, std::vector<float>(1000, 1.f));
  t.AddInput<float>("ratio", {}, {0.5f});
  t.AddInput<bool>("training_mode", {}, {true});
  t.AddUncheckedOutput("output", DataType::kFloat);
  const std::vector<OrtValue> out = t.RunAndFetch();
  const float* y = out[0].Get().Data<float>();
  int kept = 0;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(y[i] == 0.f || y[i] == 2.f) << y[i];
    kept += y[i] != 0.f;
  }
  EXPECT_GT(kept, 400);
  EXPECT_LT(kept, 600);
}

TEST(NnDropoutTest, EmptyAndBadRatio) {
  {
    OpTester t("Dropout", 13);
    t.AddInput<float>("data", {0, 2}, {});
    t.AddOutput<float>("output", {0, 2}, {});
    t.Run();
  }
  {
    OpTester t("Dropout", 13);
    t.AddInput<float>("data", {2}, {1, 2});
    t.AddInput<float>("ratio", {}, {1.5f});
    t.AddInput<bool>("training_mode", {}, {true});
    t.AddOutput<float>("output", {2}, {1, 2});
    t.RunExpectFailure("ratio must be in");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
