// Softmax, LogSoftmax and Hardmax: the opset < 13 2-D coercion against the opset 13 single-axis
// form, inner (non-last) axes wide enough to split lanes, large values, float16/double, empty
// tensors and bad axes.
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

std::vector<float> RandomValues(int64_t n, unsigned seed) {
  return RandomFloats(static_cast<size_t>(n), seed, -4.f, 4.f);
}

// Reference over [outer, len, inner] blocks.
std::vector<float> Reference(const std::string& op, const std::vector<float>& x, int64_t outer, int64_t len,
                             int64_t inner) {
  std::vector<float> y(x.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t l = 0; l < inner; ++l) {
      auto at = [&](int64_t i) { return static_cast<size_t>((o * len + i) * inner + l); };
      double mx = -INFINITY;
      int64_t arg = 0;
      for (int64_t i = 0; i < len; ++i)
        if (x[at(i)] > mx) mx = x[at(i)], arg = i;
      double sum = 0;
      for (int64_t i = 0; i < len; ++i) sum += std::exp(x[at(i)] - mx);
      for (int64_t i = 0; i < len; ++i) {
        if (op == "Softmax") y[at(i)] = static_cast<float>(std::exp(x[at(i)] - mx) / sum);
        if (op == "LogSoftmax") y[at(i)] = static_cast<float>(x[at(i)] - mx - std::log(sum));
        if (op == "Hardmax") y[at(i)] = i == arg ? 1.f : 0.f;
      }
    }
  return y;
}

const char* const kOps[] = {"Softmax", "LogSoftmax", "Hardmax"};

TEST(NnSoftmaxTest, Opset13AlongEachAxis) {
  const std::vector<int64_t> dims = {3, 4, 5};
  const std::vector<float> x = RandomValues(60, 1);
  for (const char* op : kOps) {
    for (int64_t axis : {0, 1, 2, -1, -3}) {
      const int64_t a = axis < 0 ? axis + 3 : axis;
      int64_t outer = 1, inner = 1;
      for (int64_t i = 0; i < a; ++i) outer *= dims[i];
      for (int64_t i = a + 1; i < 3; ++i) inner *= dims[i];
      OpTester t(op, 13);
      t.AddAttribute("axis", axis);
      t.AddInput<float>("X", dims, x);
      t.AddOutput<float>("Y", dims, Reference(op, x, outer, dims[a], inner));
      t.Run();
    }
  }
}

TEST(NnSoftmaxTest, Opset13DefaultAxisIsLast) {
  const std::vector<float> x = RandomValues(12, 2);
  for (const char* op : kOps) {
    OpTester t(op, 13);
    t.AddInput<float>("X", {3, 4}, x);
    t.AddOutput<float>("Y", {3, 4}, Reference(op, x, 3, 4, 1));
    t.Run();
  }
}

TEST(NnSoftmaxTest, BeforeOpset13CoercesTo2D) {
  const std::vector<float> x = RandomValues(60, 3);
  for (const char* op : kOps) {
    for (int opset : {1, 11}) {
      // Default axis 1: rows of 20.
      OpTester t(op, opset);
      t.AddInput<float>("X", {3, 4, 5}, x);
      t.AddOutput<float>("Y", {3, 4, 5}, Reference(op, x, 3, 20, 1));
      t.Run();
      OpTester t0(op, opset);
      t0.AddAttribute("axis", int64_t{0});
      t0.AddInput<float>("X", {3, 4, 5}, x);
      t0.AddOutput<float>("Y", {3, 4, 5}, Reference(op, x, 1, 60, 1));
      t0.Run();
      OpTester tn(op, opset);
      tn.AddAttribute("axis", int64_t{-1});
      tn.AddInput<float>("X", {3, 4, 5}, x);
      tn.AddOutput<float>("Y", {3, 4, 5}, Reference(op, x, 12, 5, 1));
      tn.Run();
    }
  }
}

TEST(NnSoftmaxTest, WideInnerAxisSplitsLanes) {
  const std::vector<int64_t> dims = {2, 3, 700};
  const std::vector<float> x = RandomValues(2 * 3 * 700, 4);
  for (const char* op : kOps) {
    OpTester t(op, 13);
    t.AddAttribute("axis", int64_t{1});
    t.AddInput<float>("X", dims, x);
    t.AddOutput<float>("Y", dims, Reference(op, x, 2, 3, 700));
    t.SetTolerance(1e-5, 1e-6);
    t.Run();
  }
}

TEST(NnSoftmaxTest, LargeValuesStayFinite) {
  OpTester t("Softmax", 13);
  t.AddInput<float>("X", {1, 3}, {10000, 10001, 10002});
  t.AddOutput<float>("Y", {1, 3}, {0.09003057f, 0.24472848f, 0.66524094f});
  t.Run();
  OpTester l("LogSoftmax", 13);
  l.AddInput<float>("X", {1, 3}, {10000, 10001, 10002});
  l.AddOutput<float>("Y", {1, 3}, {-2.407606f, -1.4076059f, -0.40760595f});
  l.Run();
}

TEST(NnSoftmaxTest, HardmaxPicksFirstMaximum) {
  OpTester t("Hardmax", 13);
  t.AddInput<float>("X", {2, 4}, {1, 3, 3, 2, -1, -1, -1, -1});
  t.AddOutput<float>("Y", {2, 4}, {0, 1, 0, 0, 1, 0, 0, 0});
  t.Run();
}

TEST(NnSoftmaxTest, DoubleAndHalf) {
  OpTester d("Softmax", 13);
  d.AddInput<double>("X", {2}, {0, std::log(3.0)});
  d.AddOutput<double>("Y", {2}, {0.25, 0.75});
  d.Run();
  OpTester h("LogSoftmax", 13);
  h.AddInput<MLFloat16>("X", {2}, {MLFloat16(0.f), MLFloat16(0.f)});
  h.AddOutput<MLFloat16>("Y", {2}, {MLFloat16(-0.6931472f), MLFloat16(-0.6931472f)});
  h.SetTolerance(1e-3, 1e-3);
  h.Run();
  OpTester b("Softmax", 13);
  b.AddInput<BFloat16>("X", {2}, {BFloat16(1.f), BFloat16(1.f)});
  b.AddOutput<BFloat16>("Y", {2}, {BFloat16(0.5f), BFloat16(0.5f)});
  b.Run();
}

TEST(NnSoftmaxTest, EmptyAndBadAxis) {
  OpTester e("Softmax", 13);
  e.AddInput<float>("X", {0, 3}, {});
  e.AddOutput<float>("Y", {0, 3}, {});
  e.Run();
  OpTester bad("Softmax", 13);
  bad.AddAttribute("axis", int64_t{2});
  bad.AddInput<float>("X", {2, 3}, std::vector<float>(6));
  bad.AddOutput<float>("Y", {2, 3}, std::vector<float>(6));
  bad.RunExpectFailure("axis");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
