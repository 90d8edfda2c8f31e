// NonMaxSuppression tests.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

const std::vector<float> kSixBoxes = {0.0f, 0.0f,  1.0f, 1.0f,  0.0f, 0.1f,   1.0f, 1.1f,  0.0f, -0.1f,  1.0f, 0.9f,
                                      0.0f, 10.0f, 1.0f, 11.0f, 0.0f, 10.1f,  1.0f, 11.1f, 0.0f, 100.0f, 1.0f, 101.0f};
const std::vector<float> kSixScores = {0.9f, 0.75f, 0.6f, 0.95f, 0.5f, 0.3f};

void AddThresholds(OpTester& t, int64_t max_boxes, float iou, float score) {
  t.AddInput<int64_t>("max", {1}, {max_boxes});
  t.AddInput<float>("iou", {1}, {iou});
  t.AddInput<float>("score", {1}, {score});
}

TEST(VisionNmsTest, SuppressByIou) {
  for (int opset : {10, 11}) {
    OpTester t("NonMaxSuppression", opset);
    t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
    t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
    AddThresholds(t, 3, 0.5f, 0.0f);
    t.AddOutput<int64_t>("y", {3, 3}, {0, 0, 3, 0, 0, 0, 0, 0, 5});
    t.Run();
  }
}

TEST(VisionNmsTest, ScoreThresholdIsStrict) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  // 0.3 equals the last box's score, which is therefore dropped.
  AddThresholds(t, 3, 0.5f, 0.3f);
  t.AddOutput<int64_t>("y", {2, 3}, {0, 0, 3, 0, 0, 0});
  t.Run();
}

TEST(VisionNmsTest, CenterPointBoxFormat) {
  OpTester t("NonMaxSuppression", 11);
  t.AddAttribute("center_point_box", int64_t{1});
  t.AddInput<float>("boxes", {1, 6, 4},
                    {0.5f, 0.5f, 1.0f, 1.0f, 0.5f, 0.6f, 1.0f, 1.0f, 0.5f, 0.4f, 1.0f, 1.0f,
                     0.5f, 10.5f, 1.0f, 1.0f, 0.5f, 10.6f, 1.0f, 1.0f, 0.5f, 100.5f, 1.0f, 1.0f});
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  AddThresholds(t, 3, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {3, 3}, {0, 0, 3, 0, 0, 0, 0, 0, 5});
  t.Run();
}

TEST(VisionNmsTest, FlippedCorners) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 6, 4},
                    {1.0f, 1.0f,  0.0f, 0.0f,  0.0f, 0.1f,   1.0f, 1.1f,  0.0f, 0.9f,   1.0f, -0.1f,
                     0.0f, 10.0f, 1.0f, 11.0f, 1.0f, 10.1f,  0.0f, 11.1f, 1.0f, 101.0f, 0.0f, 100.0f});
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  AddThresholds(t, 3, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {3, 3}, {0, 0, 3, 0, 0, 0, 0, 0, 5});
  t.Run();
}

TEST(VisionNmsTest, TwoBatchesTwoClasses) {
  OpTester t("NonMaxSuppression", 11);
  std::vector<float> boxes = kSixBoxes;
  boxes.insert(boxes.end(), kSixBoxes.begin(), kSixBoxes.end());
  std::vector<float> scores;
  for (int i = 0; i < 4; ++i) scores.insert(scores.end(), kSixScores.begin(), kSixScores.end());
  t.AddInput<float>("boxes", {2, 6, 4}, boxes);
  t.AddInput<float>("scores", {2, 2, 6}, scores);
  AddThresholds(t, 2, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {8, 3}, {0, 0, 3, 0, 0, 0, 0, 1, 3, 0, 1, 0, 1, 0, 3, 1, 0, 0, 1, 1, 3, 1, 1, 0});
  t.Run();
}

TEST(VisionNmsTest, IdenticalBoxesKeepLowestIndex) {
  OpTester t("NonMaxSuppression", 11);
  std::vector<float> boxes;
  for (int i = 0; i < 5; ++i) boxes.insert(boxes.end(), {0.f, 0.f, 1.f, 1.f});
  t.AddInput<float>("boxes", {1, 5, 4}, boxes);
  t.AddInput<float>("scores", {1, 1, 5}, {0.9f, 0.9f, 0.9f, 0.9f, 0.9f});
  AddThresholds(t, 3, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {1, 3}, {0, 0, 0});
  t.Run();
}

TEST(VisionNmsTest, OptionalInputsOmittedSelectNothing) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  t.AddOutput<int64_t>("y", {0, 3}, {});
  t.Run();
}

TEST(VisionNmsTest, NoThresholdsKeepsEverythingUpToMax) {
  // Without iou_threshold (0) any overlap suppresses; without score_threshold nothing is filtered.
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  t.AddInput<int64_t>("max", {}, {10});
  t.AddOutput<int64_t>("y", {3, 3}, {0, 0, 3, 0, 0, 0, 0, 0, 5});
  t.Run();
}

TEST(VisionNmsTest, ZeroAreaBoxesNeverSuppress) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 2, 4}, {0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f, 0.f});
  t.AddInput<float>("scores", {1, 1, 2}, {0.5f, 0.6f});
  AddThresholds(t, 5, 0.0f, 0.0f);
  t.AddOutput<int64_t>("y", {2, 3}, {0, 0, 1, 0, 0, 0});
  t.Run();
}

TEST(VisionNmsTest, EmptyBoxes) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {2, 0, 4}, {});
  t.AddInput<float>("scores", {2, 3, 0}, {});
  AddThresholds(t, 3, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {0, 3}, {});
  t.Run();
}

TEST(VisionNmsTest, MismatchedShapesFail) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
  t.AddInput<float>("scores", {1, 1, 5}, {0.9f, 0.75f, 0.6f, 0.95f, 0.5f});
  AddThresholds(t, 3, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {0, 3}, {});
  t.RunExpectFailure("spatial_dimension");
}

TEST(VisionNmsTest, IouThresholdOutOfRangeFails) {
  OpTester t("NonMaxSuppression", 11);
  t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  AddThresholds(t, 3, 1.5f, 0.0f);
  t.AddOutput<int64_t>("y", {0, 3}, {});
  t.RunExpectFailure("iou_threshold");
}

TEST(VisionNmsTest, BadCenterPointBoxFails) {
  OpTester t("NonMaxSuppression", 11);
  t.AddAttribute("center_point_box", int64_t{2});
  t.AddInput<float>("boxes", {1, 6, 4}, kSixBoxes);
  t.AddInput<float>("scores", {1, 1, 6}, kSixScores);
  AddThresholds(t, 3, 0.5f, 0.0f);
  t.AddOutput<int64_t>("y", {0, 3}, {});
  t.RunExpectFailure("center_point_box");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
