// Reduce* ops: every reducer against a naive double-precision reference over every axis subset of
// a few shapes (both loop layouts, collapsed and size-1 dims, big enough to split across threads),
// the axes-as-input form of ReduceSum-13 with noop_with_empty_axes, element types, empty
// reductions (identities), NaN propagation and bad axes.
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "util/op_tester.h"
#include "util/random_data.h"

namespace ortlite {
namespace test {
namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

// Naive reduction in double: reduced[i] is true for reduced dims.
std::vector<float> NaiveReduce(const std::string& op, const std::vector<float>& x, const std::vector<int64_t>& dims,
                               const std::vector<bool>& reduced) {
  std::vector<int64_t> out_dims;
  int64_t count = 1;
  for (size_t d = 0; d < dims.size(); ++d) {
    if (reduced[d]) {
      count *= dims[d];
    } else {
      out_dims.push_back(dims[d]);
    }
  }
  const int64_t out_n = ElementCount(out_dims);
  double init = 0;
  if (op == "ReduceProd") init = 1;
  if (op == "ReduceMax") init = -INFINITY;
  if (op == "ReduceMin") init = INFINITY;
  std::vector<double> acc(out_n, init);
  std::vector<double> max_for_lse(out_n, -INFINITY);
  if (op == "ReduceLogSumExp") {
    for (int64_t i = 0; i < ElementCount(dims); ++i) {
      int64_t rem = i, out = 0, stride = 1;
      for (size_t d = dims.size(); d-- > 0;) {
        const int64_t c = rem % dims[d];
        rem /= dims[d];
        if (!reduced[d]) {
          out += c * stride;
          stride *= dims[d];
        }
      }
      max_for_lse[out] = std::max<double>(max_for_lse[out], x[i]);
    }
  }
  for (int64_t i = 0; i < ElementCount(dims); ++i) {
    int64_t rem = i, out = 0, stride = 1;
    for (size_t d = dims.size(); d-- > 0;) {
      const int64_t c = rem % dims[d];
      rem /= dims[d];
      if (!reduced[d]) {
        out += c * stride;
        stride *= dims[d];
      }
    }
    const double v = x[i];
    double& a = acc[out];
    if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceLogSum") a += v;
    if (op == "ReduceSumSquare" || op == "ReduceL2") a += v * v;
    if (op == "ReduceL1") a += std::fabs(v);
    if (op == "ReduceProd") a *= v;
    if (op == "ReduceMax") a = std::max(a, v);
    if (op == "ReduceMin") a = std::min(a, v);
    if (op == "ReduceLogSumExp") a += std::exp(v - max_for_lse[out]);
  }
  std::vector<float> y(out_n);
  for (int64_t o = 0; o < out_n; ++o) {
    double a = acc[o];
    if (op == "ReduceMean") a /= static_cast<double>(count);
    if (op == "ReduceL2") a = std::sqrt(a);
    if (op == "ReduceLogSum") a = std::log(a);
    if (op == "ReduceLogSumExp") a = max_for_lse[o] + std::log(a);
    y[o] = static_cast<float>(a);
  }
  return y;
}

const char* const kAllReduceOps[] = {"ReduceSum",  "ReduceMean",   "ReduceMax",      "ReduceMin",
                                     "ReduceProd", "ReduceL1",     "ReduceL2",       "ReduceLogSum",
                                     "ReduceLogSumExp", "ReduceSumSquare"};

// Runs `op` over every subset of axes of `dims` (attribute form at opset 11, and ReduceSum with
// the axes input at 13), with and without keepdims.
void CheckAllAxisSubsets(const std::string& op, const std::vector<int64_t>& dims, unsigned seed) {
  const bool positive = op == "ReduceLogSum" || op == "ReduceProd";
  const std::vector<float> x = RandomFloats(ElementCount(dims), seed, positive ? 0.5f : -2.0f, positive ? 1.5f : 2.0f);
  const size_t rank = dims.size();
  for (uint32_t mask = 0; mask < (1u << rank); ++mask) {
    for (int keepdims = 0; keepdims <= 1; ++keepdims) {
      std::vector<int64_t> axes;
      std::vector<bool> reduced(rank);
      for (size_t d = 0; d < rank; ++d) {
        reduced[d] = (mask >> d) & 1;
        // Alternate positive and negative spellings of the same axis.
        if (reduced[d]) axes.push_back(d % 2 ? static_cast<int64_t>(d) - static_cast<int64_t>(rank) : d);
      }
      if (mask == 0) reduced.assign(rank, true);  // no axes: reduce everything
      std::vector<int64_t> out_dims;
      for (size_t d = 0; d < rank; ++d) {
        if (!reduced[d]) {
          out_dims.push_back(dims[d]);
        } else if (keepdims) {
          out_dims.push_back(1);
        }
      }
      const std::vector<float> expected = NaiveReduce(op, x, dims, reduced);
      SCOPED_TRACE(op + " mask " + std::to_string(mask) + " keepdims " + std::to_string(keepdims));
      const bool axes_input = op == "ReduceSum";
      OpTester t(op, axes_input ? 13 : 11);
      t.AddInput<float>("data", dims, x);
      if (axes_input) {
        if (mask != 0) t.AddInput<int64_t>("axes", {static_cast<int64_t>(axes.size())}, axes, mask % 3 == 0);
      } else if (mask != 0) {
        t.AddAttribute("axes", axes);
      }
      t.AddAttribute("keepdims", static_cast<int64_t>(keepdims));
      t.AddOutput<float>("reduced", out_dims, expected);
      t.SetTolerance(1e-4, 1e-4);
      t.Run();
    }
  }
}

TEST(ReduceTest, AllOpsAllAxisSubsets) {
  for (const char* op : kAllReduceOps) {
    CheckAllAxisSubsets(op, {2, 3, 4}, 1);
    CheckAllAxisSubsets(op, {3, 1, 5, 2}, 2);
  }
}

TEST(ReduceTest, LargeShapesBothLayouts) {
  // Inner reduced (long contiguous runs), inner kept (row accumulation) and a middle axis.
  for (const char* op : {"ReduceSum", "ReduceMax", "ReduceLogSumExp", "ReduceMean"}) {
    CheckAllAxisSubsets(op, {67, 301}, 3);
    CheckAllAxisSubsets(op, {5, 130, 33}, 4);
  }
}

TEST(ReduceTest, OpsetOneAttributeAxes) {
  OpTester t("ReduceSum", 1);
  t.AddAttribute("axes", std::vector<int64_t>{1});
  t.AddInput<float>("data", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddOutput<float>("reduced", {2, 1}, {6, 15});
  t.Run();
}

TEST(ReduceTest, ReduceSum13AxesInputAndNoop) {
  {
    OpTester t("ReduceSum", 13);
    t.AddAttribute("keepdims", int64_t{0});
    t.AddInput<float>("data", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<int64_t>("axes", {1}, {-2});
    t.AddOutput<float>("reduced", {3}, {5, 7, 9});
    t.Run();
  }
  {  // Empty axes without noop: everything.
    OpTester t("ReduceSum", 13);
    t.AddInput<float>("data", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<int64_t>("axes", {0}, {});
    t.AddOutput<float>("reduced", {1, 1}, {21});
    t.Run();
  }
  {  // Omitted axes with noop: the input unchanged.
    OpTester t("ReduceSum", 13);
    t.AddAttribute("noop_with_empty_axes", int64_t{1});
    t.AddInput<float>("data", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddOutput<float>("reduced", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.Run();
  }
  {  // Empty axes tensor with noop.
    OpTester t("ReduceSum", 13);
    t.AddAttribute("noop_with_empty_axes", int64_t{1});
    t.AddInput<float>("data", {2, 1}, {1, 2});
    t.AddInput<int64_t>("axes", {0}, {}, true);
    t.AddOutput<float>("reduced", {2, 1}, {1, 2});
    t.Run();
  }
}

TEST(ReduceTest, IntegerTypes) {
  {
    OpTester t("ReduceSum", 13);
    t.AddInput<int32_t>("data", {2, 3}, {1, -2, 3, 4, 5, -6});
    t.AddInput<int64_t>("axes", {1}, {1});
    t.AddOutput<int32_t>("reduced", {2, 1}, {2, 3});
    t.Run();
  }
  {
    OpTester t("ReduceMax", 13);
    t.AddAttribute("axes", std::vector<int64_t>{0});
    t.AddAttribute("keepdims", int64_t{0});
    t.AddInput<uint8_t>("data", {2, 3}, {1, 200, 3, 255, 5, 6});
    t.AddOutput<uint8_t>("reduced", {3}, {255, 200, 6});
    t.Run();
  }
  {
    OpTester t("ReduceMin", 13);
    t.AddAttribute("axes", std::vector<int64_t>{1});
    t.AddInput<int8_t>("data", {2, 2}, {-128, 5, 7, 127});
    t.AddOutput<int8_t>("reduced", {2, 1}, {-128, 7});
    t.Run();
  }
  {
    OpTester t("ReduceProd", 13);
    t.AddInput<int64_t>("data", {4}, {2, -3, 4, 100000000});
    t.AddOutput<int64_t>("reduced", {1}, {-2400000000});
    t.Run();
  }
  {  // Integer mean divides in the integer type; L1 of unsigned is the sum.
    OpTester t("ReduceMean", 13);
    t.AddInput<int64_t>("data", {3}, {1, 2, 4});
    t.AddOutput<int64_t>("reduced", {1}, {2});
    t.Run();
    OpTester u("ReduceL1", 13);
    u.AddInput<uint32_t>("data", {3}, {1, 2, 4});
    u.AddOutput<uint32_t>("reduced", {1}, {7});
    u.Run();
    OpTester v("ReduceL2", 13);
    v.AddInput<int32_t>("data", {2}, {3, -4});
    v.AddOutput<int32_t>("reduced", {1}, {5});
    v.Run();
  }
}

TEST(ReduceTest, FloatingTypes) {
  {
    OpTester t("ReduceMean", 13);
    t.AddAttribute("axes", std::vector<int64_t>{-1});
    t.AddInput<MLFloat16>("data", {2, 2}, {MLFloat16(1.f), MLFloat16(2.f), MLFloat16(3.f), MLFloat16(5.f)});
    t.AddOutput<MLFloat16>("reduced", {2, 1}, {MLFloat16(1.5f), MLFloat16(4.f)});
    t.Run();
  }
  {
    OpTester t("ReduceSum", 13);
    t.AddInput<BFloat16>("data", {3}, {BFloat16(1.f), BFloat16(2.f), BFloat16(4.f)});
    t.AddOutput<BFloat16>("reduced", {1}, {BFloat16(7.f)});
    t.Run();
  }
  {
    OpTester t("ReduceL2", 13);
    t.AddAttribute("keepdims", int64_t{0});
    t.AddInput<double>("data", {2}, {3.0, 4.0});
    t.AddOutput<double>("reduced", {}, {5.0});
    t.Run();
  }
  {  // Large values: log-sum-exp stays finite.
    OpTester t("ReduceLogSumExp", 13);
    t.AddInput<float>("data", {2}, {1000.f, 1000.f});
    t.AddOutput<float>("reduced", {1}, {1000.f + std::log(2.f)});
    t.Run();
  }
}

TEST(ReduceTest, EmptyReductionGivesIdentity) {
  const std::vector<std::pair<std::string, float>> cases = {
      {"ReduceSum", 0.f},         {"ReduceProd", 1.f},      {"ReduceMax", -kInf},       {"ReduceMin", kInf},
      {"ReduceL1", 0.f},          {"ReduceL2", 0.f},        {"ReduceSumSquare", 0.f},   {"ReduceLogSum", -kInf},
      {"ReduceLogSumExp", -kInf}, {"ReduceMean", kNaN}};
  for (const auto& [op, identity] : cases) {
    SCOPED_TRACE(op);
    OpTester t(op, 13);
    if (op == "ReduceSum") {
      t.AddInput<float>("data", {2, 0, 3}, {});
      t.AddInput<int64_t>("axes", {1}, {1});
    } else {
      t.AddAttribute("axes", std::vector<int64_t>{1});
      t.AddInput<float>("data", {2, 0, 3}, {});
    }
    t.AddOutput<float>("reduced", {2, 1, 3}, std::vector<float>(6, identity));
    t.Run();
  }
  {  // Integer max over nothing: the lowest value.
    OpTester t("ReduceMax", 13);
    t.AddAttribute("keepdims", int64_t{0});
    t.AddInput<int32_t>("data", {0}, {});
    t.AddOutput<int32_t>("reduced", {}, {std::numeric_limits<int32_t>::lowest()});
    t.Run();
  }
}

TEST(ReduceTest, EmptyKeptDimGivesEmptyOutput) {
  OpTester t("ReduceMean", 13);
  t.AddAttribute("axes", std::vector<int64_t>{1});
  t.AddAttribute("keepdims", int64_t{0});
  t.AddInput<float>("data", {0, 4}, {});
  t.AddOutput<float>("reduced", {0}, {});
  t.Run();
}

TEST(ReduceTest, ScalarAndSizeOneReductions) {
  {  // Reducing a size-1 axis still applies the reducer's finish step.
    OpTester t("ReduceL2", 13);
    t.AddAttribute("axes", std::vector<int64_t>{1});
    t.AddInput<float>("data", {2, 1}, {-3, 4});
    t.AddOutput<float>("reduced", {2, 1}, {3, 4});
    t.Run();
  }
  {
    OpTester t("ReduceLogSum", 13);
    t.AddInput<float>("data", {}, {1.0f});
    t.AddOutput<float>("reduced", {}, {0.0f});
    t.Run();
  }
}

TEST(ReduceTest, NaNPropagatesThroughMaxAndMin) {
  for (const char* op : {"ReduceMax", "ReduceMin"}) {
    OpTester t(op, 13);
    t.AddAttribute("axes", std::vector<int64_t>{1});
    t.AddAttribute("keepdims", int64_t{0});
    t.AddInput<float>("data", {2, 3}, {1, kNaN, 3, 4, 5, 6});
    t.AddOutput<float>("reduced", {2}, {kNaN, std::string(op) == "ReduceMax" ? 6.f : 4.f});
    t.Run();
  }
}

TEST(ReduceTest, BadAxes) {
  {
    OpTester t("ReduceMean", 13);
    t.AddAttribute("axes", std::vector<int64_t>{2});
    t.AddInput<float>("data", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddOutput<float>("reduced", {2, 1}, {0, 0});
    t.RunExpectFailure("out of range");
  }
  {
    OpTester t("ReduceSum", 13);
    t.AddInput<float>("data", {2, 3}, {1, 2, 3, 4, 5, 6});
    t.AddInput<int64_t>("axes", {2}, {1, -1});
    t.AddOutput<float>("reduced", {2, 1}, {0, 0});
    t.RunExpectFailure("more than once");
  }
}

}  // namespace
}  // namespace test
}  // namespace ortlite
