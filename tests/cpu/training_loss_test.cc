// SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss. Expected values come from the numpy
// reference implementations of the ONNX backend tests.
#include <cmath>
#include <limits>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const std::vector<float> kScores2d = {0.1f, 0.5f, -1.2f, 2.0f, 0.3f, 0.0f, -0.7f, 1.1f, 0.4f, 0.0f, 0.0f, 0.0f};
const std::vector<int64_t> kLabels2d = {2, 0, 1, 1};
const std::vector<float> kSceNone2d = {2.316808f, 0.27612972f, 0.50795197f, 1.0986123f};

// [N=2, C=3, d1=2]
const std::vector<float> kScores3d = {0.20319161f, 0.8325913f, -0.83638102f, 0.043310422f, 1.5717878f, 1.5851724f,
                                      -1.4976587f, -1.1710285f, -1.7941312f, -0.23676063f, -1.8804952f, -0.1726671f};
const std::vector<int64_t> kLabels3dIgnore = {0, 2, -1, 1};
const std::vector<int64_t> kLabels3d = {0, 2, 1, 1};
const std::vector<float> kWeights = {0.5f, 2.0f, 1.5f};

std::vector<MLFloat16> ToHalf(const std::vector<float>& v) {
  std::vector<MLFloat16> out;
  for (float f : v) out.emplace_back(f);
  return out;
}

TEST(TrainingLossTest, SceNoReduction) {
  OpTester t("SoftmaxCrossEntropyLoss", 13);
  t.AddAttribute("reduction", "none");
  t.AddInput<float>("scores", {4, 3}, kScores2d);
  t.AddInput<int64_t>("labels", {4}, kLabels2d);
  t.AddOutput<float>("loss", {4}, kSceNone2d);
  t.Run();
}

TEST(TrainingLossTest, SceDefaultMeanOpset12) {
  OpTester t("SoftmaxCrossEntropyLoss", 12);
  t.AddInput<float>("scores", {4, 3}, kScores2d);
  t.AddInput<int64_t>("labels", {4}, kLabels2d);
  float mean = 0;
  for (float v : kSceNone2d) mean += v / 4;
  t.AddOutput<float>("loss", {}, {mean});
  t.Run();
}

TEST(TrainingLossTest, SceWeightedMeanIgnoreIndexWithLogProb) {
  OpTester t("SoftmaxCrossEntropyLoss", 13);
  t.AddAttribute("ignore_index", int64_t{-1});
  t.AddInput<float>("scores", {2, 3, 2}, kScores3d);
  t.AddInput<int64_t>("labels", {2, 2}, kLabels3dIgnore);
  t.AddInput<float>("weights", {3}, kWeights);
  t.AddOutput<float>("loss", {}, {0.85365403f});
  t.AddOutput<float>("log_prob", {2, 3, 2},
                     {-1.6645765f, -1.2744246f, -2.7041492f, -2.0637054f, -0.29598036f, -0.52184337f, -0.88598025f,
                      -1.8340493f, -1.1824527f, -0.89978135f, -1.2688167f, -0.83568788f});
  t.Run();
}

TEST(TrainingLossTest, SceSumInt32LabelsDouble) {
  OpTester t("SoftmaxCrossEntropyLoss", 13);
  t.AddAttribute("reduction", "sum");
  std::vector<double> scores(kScores3d.begin(), kScores3d.end());
  t.AddInput<double>("scores", {2, 3, 2}, scores);
  t.AddInput<int32_t>("labels", {2, 2}, {0, 2, 1, 1});
  t.AddOutput<double>("loss", {}, {4.2686539});
  t.SetTolerance(1e-5, 1e-6);
  t.Run();
}

TEST(TrainingLossTest, SceFloat16) {
  OpTester t("SoftmaxCrossEntropyLoss", 13);
  t.AddAttribute("reduction", "none");
  t.AddInput<MLFloat16>("scores", {4, 3}, ToHalf(kScores2d));
  t.AddInput<int64_t>("labels", {4}, kLabels2d);
  t.AddOutput<MLFloat16>("loss", {4}, ToHalf(kSceNone2d));
  t.SetTolerance(1e-2, 1e-3);
  t.Run();
}

TEST(TrainingLossTest, SceBFloat16) {
  OpTester t("SoftmaxCrossEntropyLoss", 13);
  t.AddAttribute("reduction", "none");
  std::vector<BFloat16> scores, expected;
  for (float f : kScores2d) scores.emplace_back(f);
  for (float f : kSceNone2d) expected.emplace_back(f);
  t.AddInput<BFloat16>("scores", {4, 3}, scores);
  t.AddInput<int64_t>("labels", {4}, kLabels2d);
  t.AddOutput<BFloat16>("loss", {4}, expected);
  t.SetTolerance(2e-2, 1e-2);
  t.Run();
}

TEST(TrainingLossTest, NllMeanIgnoreIndexNoWeights) {
  OpTester t("NegativeLogLikelihoodLoss", 13);
  t.AddAttribute("ignore_index", int64_t{-1});
  t.AddInput<float>("input", {2, 3, 2}, kScores3d);
  t.AddInput<int64_t>("target", {2, 2}, kLabels3dIgnore);
  // The ignored sample counts neither in the sum nor in the divisor.
  t.AddOutput<float>("loss", {}, {-0.51720113f});
  t.Run();
}

TEST(TrainingLossTest, NllWeightedMean) {
  OpTester t("NegativeLogLikelihoodLoss", 12);
  t.AddInput<float>("input", {2, 3, 2}, kScores3d);
  t.AddInput<int64_t>("target", {2, 2}, kLabels3d);
  t.AddInput<float>("weight", {3}, kWeights);
  t.AddOutput<float>("loss", {}, {0.26373819f});
  t.Run();
}

TEST(TrainingLossTest, NllNoReductionWeightsIgnoreIndex) {
  OpTester t("NegativeLogLikelihoodLoss", 13);
  t.AddAttribute("reduction", "none");
  t.AddAttribute("ignore_index", int64_t{-1});
  t.AddInput<float>("input", {2, 3, 2}, kScores3d);
  t.AddInput<int64_t>("target", {2, 2}, kLabels3dIgnore);
  t.AddInput<float>("weight", {3}, kWeights);
  t.AddOutput<float>("loss", {2, 2}, {-0.1015958f, -2.3777585f, 0.0f, 0.47352126f});
  t.Run();
}

TEST(TrainingLossTest, NllSumInt32Targets) {
  OpTester t("NegativeLogLikelihoodLoss", 13);
  t.AddAttribute("reduction", "sum");
  t.AddInput<float>("input", {4, 3}, kScores2d);
  t.AddInput<int32_t>("target", {4}, {2, 0, 1, 1});
  t.AddOutput<float>("loss", {}, {-1.9f});
  t.Run();
}

TEST(TrainingLossTest, EmptyBatch) {
  {
    OpTester t("NegativeLogLikelihoodLoss", 13);
    t.AddAttribute("reduction", "none");
    t.AddInput<float>("input", {0, 3}, {});
    t.AddInput<int64_t>("target", {0}, {});
    t.AddOutput<float>("loss", {0}, {});
    t.Run();
  }
  {
    OpTester t("SoftmaxCrossEntropyLoss", 13);
    t.AddAttribute("reduction", "sum");
    t.AddInput<float>("scores", {0, 3, 2}, {});
    t.AddInput<int64_t>("labels", {0, 2}, {});
    t.AddOutput<float>("loss", {}, {0.0f});
    t.AddOutput<float>("log_prob", {0, 3, 2}, {});
    t.Run();
  }
  {
    // Mean over no samples is 0 / 0.
    OpTester t("SoftmaxCrossEntropyLoss", 13);
    t.AddInput<float>("scores", {0, 3}, {});
    t.AddInput<int64_t>("labels", {0}, {});
    t.AddOutput<float>("loss", {}, {std::numeric_limits<float>::quiet_NaN()});
    t.Run();
  }
}

TEST(TrainingLossTest, LabelOutOfRangeFails) {
  OpTester t("SoftmaxCrossEntropyLoss", 13);
  t.AddInput<float>("scores", {4, 3}, kScores2d);
  t.AddInput<int64_t>("labels", {4}, {2, 0, 3, 1});
  t.AddOutput<float>("loss", {}, {0.0f});
  t.RunExpectFailure("outside [0, 3)");
}

TEST(TrainingLossTest, IgnoreIndexDoesNotExcuseOtherBadLabels) {
  OpTester t("NegativeLogLikelihoodLoss", 13);
  t.AddAttribute("ignore_index", int64_t{-1});
  t.AddInput<float>("input", {4, 3}, kScores2d);
  t.AddInput<int64_t>("target", {4}, {-1, -2, 0, 1});
  t.AddOutput<float>("loss", {}, {0.0f});
  t.RunExpectFailure("outside [0, 3)");
}

TEST(TrainingLossTest, BadShapesFail) {
  {
    OpTester t("NegativeLogLikelihoodLoss", 13);
    t.AddInput<float>("input", {2, 3, 2}, kScores3d);
    t.AddInput<int64_t>("target", {2, 3}, {0, 0, 0, 0, 0, 0});
    t.AddOutput<float>("loss", {}, {0.0f});
    t.RunExpectFailure("does not match input shape");
  }
  {
    OpTester t("SoftmaxCrossEntropyLoss", 13);
    t.AddInput<float>("scores", {4, 3}, kScores2d);
    t.AddInput<int64_t>("labels", {4}, kLabels2d);
    t.AddInput<float>("weights", {2}, {1.0f, 1.0f});
    t.AddOutput<float>("loss", {}, {0.0f});
    t.RunExpectFailure("weights must have shape");
  }
}

TEST(TrainingLossTest, BadReductionFails) {
  OpTester t("NegativeLogLikelihoodLoss", 13);
  t.AddAttribute("reduction", "max");
  t.AddInput<float>("input", {4, 3}, kScores2d);
  t.AddInput<int64_t>("target", {4}, kLabels2d);
  t.AddOutput<float>("loss", {}, {0.0f});
  t.RunExpectFailure("reduction");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
