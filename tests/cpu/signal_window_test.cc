// HannWindow, HammingWindow, BlackmanWindow and MelWeightMatrix.
#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

TEST(SignalWindowTest, HannPeriodicAndSymmetric) {
  {
    OpTester t("HannWindow", 17);
    t.AddInput<int64_t>("size", {}, {4});
    t.AddOutput<float>("output", {4}, {0.0f, 0.5f, 1.0f, 0.5f});
    t.Run();
  }
  {
    OpTester t("HannWindow", 17);
    t.AddAttribute("periodic", int64_t{0});
    t.AddInput<int32_t>("size", {}, {5});
    t.AddOutput<float>("output", {5}, {0.0f, 0.5f, 1.0f, 0.5f, 0.0f});
    t.Run();
  }
}

TEST(SignalWindowTest, HammingSymmetricDouble) {
  OpTester t("HammingWindow", 17);
  t.AddAttribute("periodic", int64_t{0});
  t.AddAttribute("output_datatype", int64_t{11});  // double
  t.AddInput<int64_t>("size", {}, {5});
  const double edge = 4.0 / 46.0, shoulder = 25.0 / 46.0;
  t.AddOutput<double>("output", {5}, {edge, shoulder, 1.0, shoulder, edge});
  t.SetTolerance(1e-12, 1e-12);
  t.Run();
}

TEST(SignalWindowTest, BlackmanPeriodic) {
  OpTester t("BlackmanWindow", 17);
  t.AddInput<int64_t>("size", {}, {4});
  t.AddOutput<float>("output", {4}, {0.0f, 0.34f, 1.0f, 0.34f});
  t.Run();
}

TEST(SignalWindowTest, OtherOutputTypes) {
  {
    OpTester t("HannWindow", 17);
    t.AddAttribute("output_datatype", int64_t{10});  // float16
    t.AddInput<int64_t>("size", {}, {4});
    t.AddOutput<MLFloat16>("output", {4}, {MLFloat16(0.0f), MLFloat16(0.5f), MLFloat16(1.0f), MLFloat16(0.5f)});
    t.Run();
  }
  {
    // Integer windows truncate toward zero: only the peak survives.
    OpTester t("HannWindow", 17);
    t.AddAttribute("output_datatype", int64_t{7});  // int64
    t.AddInput<int64_t>("size", {}, {4});
    t.AddOutput<int64_t>("output", {4}, {0, 0, 1, 0});
    t.Run();
  }
  {
    OpTester t("HannWindow", 17);
    t.AddAttribute("output_datatype", int64_t{2});  // uint8
    t.AddAttribute("periodic", int64_t{0});
    t.AddInput<int32_t>("size", {}, {3});
    t.AddOutput<uint8_t>("output", {3}, {0, 1, 0});
    t.Run();
  }
}

TEST(SignalWindowTest, EmptyAndSinglePoint) {
  {
    OpTester t("HammingWindow", 17);
    t.AddInput<int64_t>("size", {}, {0});
    t.AddOutput<float>("output", {0}, {});
    t.Run();
  }
  {
    OpTester t("HannWindow", 17);
    t.AddAttribute("periodic", int64_t{0});
    t.AddInput<int64_t>("size", {}, {1});
    t.AddOutput<float>("output", {1}, {1.0f});
    t.Run();
  }
  {
    OpTester t("BlackmanWindow", 17);
    t.AddInput<int64_t>("size", {}, {1});
    t.AddOutput<float>("output", {1}, {0.0f});
    t.Run();
  }
}

TEST(SignalWindowTest, NegativeSizeFails) {
  OpTester t("HannWindow", 17);
  t.AddInput<int64_t>("size", {}, {-3});
  t.AddOutput<float>("output", {0}, {});
  t.RunExpectFailure("must not be negative");
}

TEST(SignalWindowTest, MelWeightMatrixConformanceExample) {
  OpTester t("MelWeightMatrix", 17);
  t.AddInput<int32_t>("num_mel_bins", {}, {8});
  t.AddInput<int32_t>("dft_length", {}, {16});
  t.AddInput<int32_t>("sample_rate", {}, {8192});
  t.AddInput<float>("lower_edge_hertz", {}, {0.0f});
  t.AddInput<float>("upper_edge_hertz", {}, {4096.0f});
  std::vector<float> expected(9 * 8, 0.0f);
  const int ones[][2] = {{0, 0}, {0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 5}, {4, 6}, {5, 7}};
  for (const auto& rc : ones) expected[rc[0] * 8 + rc[1]] = 1.0f;
  t.AddOutput<float>("output", {9, 8}, expected);
  t.Run();
}

TEST(SignalWindowTest, MelWeightMatrixSlopesDouble) {
  // Band edges (bins) 0, 1, 2, 3, 6, 10 for 4 bands of a 32-point DFT at 16 kHz, 100-8000 Hz.
  OpTester t("MelWeightMatrix", 17);
  t.AddAttribute("output_datatype", int64_t{11});
  t.AddInput<int64_t>("num_mel_bins", {}, {4});
  t.AddInput<int64_t>("dft_length", {}, {32});
  t.AddInput<int64_t>("sample_rate", {}, {16000});
  t.AddInput<double>("lower_edge_hertz", {}, {100.0});
  t.AddInput<double>("upper_edge_hertz", {}, {8000.0});
  std::vector<double> expected(17 * 4, 0.0);
  auto at = [&](int row, int band) -> double& { return expected[row * 4 + band]; };
  at(1, 0) = 1;
  at(2, 1) = 1;
  at(3, 2) = 1;
  at(4, 2) = 2.0 / 3;
  at(5, 2) = 1.0 / 3;
  at(4, 3) = 1.0 / 3;
  at(5, 3) = 2.0 / 3;
  at(6, 3) = 1;
  at(7, 3) = 0.75;
  at(8, 3) = 0.5;
  at(9, 3) = 0.25;
  t.AddOutput<double>("output", {17, 4}, expected);
  t.SetTolerance(1e-12, 1e-12);
  t.Run();
}

TEST(SignalWindowTest, MelWeightMatrixBadSampleRateFails) {
  OpTester t("MelWeightMatrix", 17);
  t.AddInput<int64_t>("num_mel_bins", {}, {4});
  t.AddInput<int64_t>("dft_length", {}, {32});
  t.AddInput<int64_t>("sample_rate", {}, {0});
  t.AddInput<float>("lower_edge_hertz", {}, {0.0f});
  t.AddInput<float>("upper_edge_hertz", {}, {100.0f});
  t.AddOutput<float>("output", {17, 4}, std::vector<float>(68, 0.0f));
  t.RunExpectFailure("sample_rate must be positive");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
