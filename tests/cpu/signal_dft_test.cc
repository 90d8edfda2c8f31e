// DFT and STFT. Expected values come from a direct O(n^2) DFT in long double computed here, so
// every FFT path (radix-2, short direct DFT, Bluestein) is checked against the definition.
#include <cmath>
#include <complex>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

using Spectrum = std::vector<std::complex<long double>>;

Spectrum ReferenceDft(const Spectrum& x, int64_t n, bool inverse) {
  const long double pi = 3.141592653589793238462643383279L;
  Spectrum out(static_cast<size_t>(n));
  for (int64_t k = 0; k < n; ++k) {
    std::complex<long double> sum = 0;
    for (int64_t j = 0; j < n && j < static_cast<int64_t>(x.size()); ++j) {
      const long double angle = (inverse ? 2 : -2) * pi * static_cast<long double>((j * k) % n) / n;
      sum += x[j] * std::complex<long double>(std::cos(angle), std::sin(angle));
    }
    out[k] = inverse ? sum / static_cast<long double>(n) : sum;
  }
  return out;
}

// A deterministic test signal of `count` values.
std::vector<float> Signal(int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) v[i] = static_cast<float>(std::sin(0.37 * i) + 0.25 * std::cos(1.9 * i + 0.3) + 0.1 * (i % 7));
  return v;
}

// Runs a 1-D real DFT of `length` values over [1, length, 1] and checks it.
void CheckRealDft(int64_t length) {
  const std::vector<float> x = Signal(length);
  Spectrum sx(x.begin(), x.end());
  const Spectrum y = ReferenceDft(sx, length, false);
  std::vector<float> expected;
  for (const auto& c : y) {
    expected.push_back(static_cast<float>(c.real()));
    expected.push_back(static_cast<float>(c.imag()));
  }
  OpTester t("DFT", 17);
  t.AddInput<float>("input", {1, length, 1}, x);
  t.AddOutput<float>("output", {1, length, 2}, expected);
  t.SetTolerance(1e-4, 1e-4);
  t.Run();
}

TEST(SignalDftTest, PowerOfTwoLengths) {
  for (int64_t n : {1, 2, 4, 8, 64, 1024}) CheckRealDft(n);
}

TEST(SignalDftTest, DirectDftLengths) {
  for (int64_t n : {3, 5, 7, 12, 63}) CheckRealDft(n);
}

TEST(SignalDftTest, BluesteinLengths) {
  for (int64_t n : {65, 97, 100, 1000}) CheckRealDft(n);
}

TEST(SignalDftTest, ComplexInverseAlongAxis2) {
  // [batch=1, 2, 3, 2]: transform along the axis of length 3 for each of the 2 rows.
  const std::vector<float> x = {1, 0.5f, -2, 1, 0.25f, 0, 3, -1, 0, 2, 1, 1};
  std::vector<float> expected;
  for (int row = 0; row < 2; ++row) {
    Spectrum sx;
    for (int j = 0; j < 3; ++j) sx.emplace_back(x[(row * 3 + j) * 2], x[(row * 3 + j) * 2 + 1]);
    for (const auto& c : ReferenceDft(sx, 3, true)) {
      expected.push_back(static_cast<float>(c.real()));
      expected.push_back(static_cast<float>(c.imag()));
    }
  }
  OpTester t("DFT", 17);
  t.AddAttribute("axis", int64_t{2});
  t.AddAttribute("inverse", int64_t{1});
  t.AddInput<float>("input", {1, 2, 3, 2}, x);
  t.AddOutput<float>("output", {1, 2, 3, 2}, expected);
  t.Run();
}

TEST(SignalDftTest, NegativeAxisMatchesLastSignalAxis) {
  const std::vector<float> x = Signal(8);
  std::vector<float> expected;
  for (int row = 0; row < 2; ++row) {
    Spectrum sx(x.begin() + row * 4, x.begin() + row * 4 + 4);
    for (const auto& c : ReferenceDft(sx, 4, false)) {
      expected.push_back(static_cast<float>(c.real()));
      expected.push_back(static_cast<float>(c.imag()));
    }
  }
  OpTester t("DFT", 17);
  t.AddAttribute("axis", int64_t{-2});
  t.AddInput<float>("input", {1, 2, 4, 1}, x);
  t.AddOutput<float>("output", {1, 2, 4, 2}, expected);
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

TEST(SignalDftTest, AxisAcrossInnerDimension) {
  // Transform along axis 1 of [1, 4, 3, 1]: the lines are strided by 3.
  const std::vector<float> x = Signal(12);
  std::vector<float> expected(24);
  for (int col = 0; col < 3; ++col) {
    Spectrum sx;
    for (int j = 0; j < 4; ++j) sx.emplace_back(x[j * 3 + col]);
    const Spectrum y = ReferenceDft(sx, 4, false);
    for (int k = 0; k < 4; ++k) {
      expected[(k * 3 + col) * 2] = static_cast<float>(y[k].real());
      expected[(k * 3 + col) * 2 + 1] = static_cast<float>(y[k].imag());
    }
  }
  OpTester t("DFT", 17);
  t.AddInput<float>("input", {1, 4, 3, 1}, x);
  t.AddOutput<float>("output", {1, 4, 3, 2}, expected);
  t.SetTolerance(1e-5, 1e-5);
  t.Run();
}

// dft_length pads with zeros (longer) or truncates (shorter); onesided keeps n/2 + 1 bins.
void CheckDftLength(int64_t length, int64_t dft_length, bool onesided) {
  const std::vector<float> x = Signal(length);
  const Spectrum y = ReferenceDft(Spectrum(x.begin(), x.end()), dft_length, false);
  const int64_t bins = onesided ? dft_length / 2 + 1 : dft_length;
  std::vector<double> expected;
  for (int64_t k = 0; k < bins; ++k) {
    expected.push_back(static_cast<double>(y[k].real()));
    expected.push_back(static_cast<double>(y[k].imag()));
  }
  OpTester t("DFT", 17);
  t.AddAttribute("onesided", int64_t{onesided ? 1 : 0});
  t.AddInput<double>("input", {1, length, 1}, std::vector<double>(x.begin(), x.end()));
  t.AddInput<int64_t>("dft_length", {}, {dft_length});
  t.AddOutput<double>("output", {1, bins, 2}, expected);
  t.SetTolerance(1e-9, 1e-9);
  t.Run();
}

TEST(SignalDftTest, DftLengthPadsAndTruncatesDouble) {
  CheckDftLength(5, 8, false);
  CheckDftLength(10, 6, false);
  CheckDftLength(10, 7, true);
  CheckDftLength(16, 16, true);
  CheckDftLength(3, 200, true);
}

TEST(SignalDftTest, Float16AndBFloat16) {
  const std::vector<float> x = {1, 2, 3, 4};
  // DFT of [1, 2, 3, 4]: [10, -2+2i, -2, -2-2i].
  const std::vector<float> y = {10, 0, -2, 2, -2, 0, -2, -2};
  {
    OpTester t("DFT", 17);
    std::vector<MLFloat16> hx, hy;
    for (float v : x) hx.emplace_back(v);
    for (float v : y) hy.emplace_back(v);
    t.AddInput<MLFloat16>("input", {1, 4, 1}, hx);
    t.AddOutput<MLFloat16>("output", {1, 4, 2}, hy);
    t.Run();
  }
  {
    OpTester t("DFT", 17);
    std::vector<BFloat16> bx, by;
    for (float v : x) bx.emplace_back(v);
    for (float v : y) by.emplace_back(v);
    t.AddInput<BFloat16>("input", {1, 4, 1}, bx);
    t.AddOutput<BFloat16>("output", {1, 4, 2}, by);
    t.Run();
  }
}

TEST(SignalDftTest, EmptyBatch) {
  OpTester t("DFT", 17);
  t.AddInput<float>("input", {0, 4, 1}, {});
  t.AddOutput<float>("output", {0, 4, 2}, {});
  t.Run();
}

TEST(SignalDftTest, BadInputsFail) {
  {
    OpTester t("DFT", 17);
    t.AddInput<float>("input", {1, 4, 3}, std::vector<float>(12, 1.0f));
    t.AddOutput<float>("output", {1, 4, 2}, std::vector<float>(8, 0.0f));
    t.RunExpectFailure("last dimension must be 1");
  }
  {
    OpTester t("DFT", 17);
    t.AddAttribute("axis", int64_t{2});
    t.AddInput<float>("input", {1, 4, 1}, std::vector<float>(4, 1.0f));
    t.AddOutput<float>("output", {1, 4, 2}, std::vector<float>(8, 0.0f));
    t.RunExpectFailure("out of range");
  }
  {
    OpTester t("DFT", 17);
    t.AddInput<float>("input", {1, 4, 1}, std::vector<float>(4, 1.0f));
    t.AddInput<int64_t>("dft_length", {}, {0});
    t.AddOutput<float>("output", {1, 4, 2}, std::vector<float>(8, 0.0f));
    t.RunExpectFailure("dft_length must be positive");
  }
}

// STFT of a real [1, length, 1] signal: frames of `n` values every `step`, times the window.
std::vector<float> ReferenceStft(const std::vector<float>& x, int64_t n, int64_t step, const std::vector<float>& window,
                                 bool onesided) {
  std::vector<float> out;
  const int64_t frames = (static_cast<int64_t>(x.size()) - n) / step + 1;
  for (int64_t f = 0; f < frames; ++f) {
    Spectrum frame;
    for (int64_t j = 0; j < n; ++j) frame.emplace_back(x[f * step + j] * (window.empty() ? 1.0f : window[j]));
    const Spectrum y = ReferenceDft(frame, n, false);
    const int64_t bins = onesided ? n / 2 + 1 : n;
    for (int64_t k = 0; k < bins; ++k) {
      out.push_back(static_cast<float>(y[k].real()));
      out.push_back(static_cast<float>(y[k].imag()));
    }
  }
  return out;
}

TEST(SignalStftTest, FrameLengthWithoutWindow) {
  const std::vector<float> x = Signal(40);
  OpTester t("STFT", 17);
  t.AddInput<float>("signal", {1, 40, 1}, x);
  t.AddInput<int64_t>("frame_step", {}, {6});
  t.AddMissingInput();
  t.AddInput<int64_t>("frame_length", {}, {10});
  t.AddOutput<float>("output", {1, 6, 6, 2}, ReferenceStft(x, 10, 6, {}, true));
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(SignalStftTest, WindowTwoBatchesInt32Step) {
  const std::vector<float> x = Signal(32);
  const std::vector<float> window = {0.1f, 0.5f, 1.0f, 0.5f, 0.2f, 0.05f, 0.0f, 0.3f};
  std::vector<float> expected = ReferenceStft(std::vector<float>(x.begin(), x.begin() + 16), 8, 4, window, true);
  const std::vector<float> second = ReferenceStft(std::vector<float>(x.begin() + 16, x.end()), 8, 4, window, true);
  expected.insert(expected.end(), second.begin(), second.end());
  OpTester t("STFT", 17);
  t.AddInput<float>("signal", {2, 16, 1}, x);
  t.AddInput<int32_t>("frame_step", {}, {4});
  t.AddInput<float>("window", {8}, window);
  t.AddOutput<float>("output", {2, 3, 5, 2}, expected);
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(SignalStftTest, ComplexSignalTwoSided) {
  // A complex signal whose imaginary part is zero transforms like the real one.
  const std::vector<float> real = Signal(12);
  std::vector<float> x;
  for (float v : real) {
    x.push_back(v);
    x.push_back(0.0f);
  }
  OpTester t("STFT", 17);
  t.AddAttribute("onesided", int64_t{0});
  t.AddInput<float>("signal", {1, 12, 2}, x);
  t.AddInput<int64_t>("frame_step", {}, {5});
  t.AddMissingInput();
  t.AddInput<int64_t>("frame_length", {}, {6});
  t.AddOutput<float>("output", {1, 2, 6, 2}, ReferenceStft(real, 6, 5, {}, false));
  t.SetTolerance(1e-4, 1e-5);
  t.Run();
}

TEST(SignalStftTest, SignalShorterThanFrameGivesNoFrames) {
  OpTester t("STFT", 17);
  t.AddInput<float>("signal", {1, 3, 1}, {1, 2, 3});
  t.AddInput<int64_t>("frame_step", {}, {1});
  t.AddMissingInput();
  t.AddInput<int64_t>("frame_length", {}, {4});
  t.AddOutput<float>("output", {1, 0, 3, 2}, {});
  t.Run();
}

TEST(SignalStftTest, BadInputsFail) {
  {
    OpTester t("STFT", 17);
    t.AddInput<float>("signal", {1, 8, 1}, std::vector<float>(8, 1.0f));
    t.AddInput<int64_t>("frame_step", {}, {0});
    t.AddMissingInput();
    t.AddInput<int64_t>("frame_length", {}, {4});
    t.AddOutput<float>("output", {1, 1, 3, 2}, std::vector<float>(6, 0.0f));
    t.RunExpectFailure("frame_step must be positive");
  }
  {
    OpTester t("STFT", 17);
    t.AddInput<float>("signal", {1, 8, 1}, std::vector<float>(8, 1.0f));
    t.AddInput<int64_t>("frame_step", {}, {2});
    t.AddInput<float>("window", {4}, {1, 1, 1, 1});
    t.AddInput<int64_t>("frame_length", {}, {5});
    t.AddOutput<float>("output", {1, 1, 3, 2}, std::vector<float>(6, 0.0f));
    t.RunExpectFailure("differs from the window length");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
