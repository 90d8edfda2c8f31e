// Loop: every combination of trip count and condition, zero iterations, loop-carried values that
// change shape, sequence and optional loop-carried values, outer-scope reads, scan outputs of
// several element types, and bad bodies.
#include <gtest/gtest.h>

#include "cpu/controlflow_test_util.h"

namespace ortlite {
namespace test {
namespace {

using namespace cf;

// Accumulates x + iteration into a carried sum and scans the running sums and iteration numbers.
std::string SumModel(int opset, const std::string& loop_inputs) {
  return "<ir_version: 8, opset_import: [\"\" : " + std::to_string(opset) + R"(]>
    m (int64 M, bool cond, float[2] init, float[2] x) => (float[2] sum, float[K, 2] sums, int64[K] iters) {
      sum, sums, iters = Loop<body = b (int64 i, bool c, float[2] s) => (bool c_out, float[2] s_out, float[2] scan, int64 it) {
        c_out = Identity(c)
        fi = Cast<to = 1>(i)
        xi = Add(x, fi)
        s_out = Add(s, xi)
        scan = Identity(s_out)
        it = Identity(i)
      }>()" + loop_inputs + R"(, init)
    })";
}

std::vector<std::pair<std::string, OrtValue>> SumFeeds(int64_t trips, bool cond) {
  return {{"M", TensorValue<int64_t>({}, {trips})},
          {"cond", TensorValue<bool>({}, {cond})},
          {"init", TensorValue<float>({2}, {10, 20})},
          {"x", TensorValue<float>({2}, {1, 2})}};
}

TEST(ControlflowLoopTest, TripCountAndCondition) {
  for (int opset : {1, 11, 13, 16}) {
    for (int opt : {0, 99}) {
      auto out = RunModel(ParseModel(SumModel(opset, "M, cond")), SumFeeds(3, true), opt);
      // iterations add (1,2), (2,3), (3,4)
      ExpectTensor(out[0], Tensor::FromVector<float>({16, 29}, {2}));
      ExpectTensor(out[1], Tensor::FromVector<float>({11, 22, 13, 25, 16, 29}, {3, 2}));
      ExpectTensor(out[2], Tensor::FromVector<int64_t>({0, 1, 2}, {3}));
    }
  }
}

TEST(ControlflowLoopTest, TripCountOnly) {
  auto out = RunModel(ParseModel(SumModel(16, "M, ")), SumFeeds(2, true));
  ExpectTensor(out[0], Tensor::FromVector<float>({13, 25}, {2}));
  ExpectTensor(out[2], Tensor::FromVector<int64_t>({0, 1}, {2}));
}

TEST(ControlflowLoopTest, ZeroIterations) {
  for (auto [trips, cond] : {std::pair<int64_t, bool>{0, true}, {5, false}, {-3, true}}) {
    auto out = RunModel(ParseModel(SumModel(13, "M, cond")), SumFeeds(trips, cond));
    ExpectTensor(out[0], Tensor::FromVector<float>({10, 20}, {2}));
    ExpectTensor(out[1], Tensor::FromVector<float>({}, {0, 2}));
    ExpectTensor(out[2], Tensor::FromVector<int64_t>({}, {0}));
  }
}

// A while loop: runs until the body's condition turns false (i + 1 < limit).
std::string WhileModel(const std::string& loop_inputs) {
  return R"(<ir_version: 8, opset_import: ["" : 16]>
    m (bool cond, int64 limit, int32[1] init) => (int32[1] v, int32[K, 1] all) {
      v, all = Loop<body = b (int64 i, bool c, int32[1] s) => (bool c_out, int32[1] s_out, int32[1] scan) {
        one = Constant<value = int64 {1}>()
        next = Add(i, one)
        c_out = Less(next, limit)
        two = Constant<value = int32[1] {2}>()
        s_out = Mul(s, two)
        scan = Identity(s)
      }>()" + loop_inputs + R"(, init)
    })";
}

TEST(ControlflowLoopTest, ConditionOnly) {
  auto out = RunModel(ParseModel(WhileModel("OMITTED, cond")), {{"cond", TensorValue<bool>({}, {true})},
                                                               {"limit", TensorValue<int64_t>({}, {4})},
                                                               {"init", TensorValue<int32_t>({1}, {3})}});
  ExpectTensor(out[0], Tensor::FromVector<int32_t>({48}, {1}));
  ExpectTensor(out[1], Tensor::FromVector<int32_t>({3, 6, 12, 24}, {4, 1}));
}

TEST(ControlflowLoopTest, NeitherTripCountNorConditionEndsOnBodyCondition) {
  auto model = ParseModel(WhileModel("OMITTED, OMITTED"));
  auto out = RunModel(model, {{"cond", TensorValue<bool>({}, {true})},
                              {"limit", TensorValue<int64_t>({}, {2})},
                              {"init", TensorValue<int32_t>({1}, {1})}});
  ExpectTensor(out[0], Tensor::FromVector<int32_t>({4}, {1}));
  ExpectTensor(out[1], Tensor::FromVector<int32_t>({1, 2}, {2, 1}));
}

TEST(ControlflowLoopTest, BodyConditionStopsBeforeTripCount) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (int64 M, bool cond, int64 limit, int32[1] init) => (int32[1] v, int32[K, 1] all) {
      v, all = Loop<body = b (int64 i, bool c, int32[1] s) => (bool c_out, int32[1] s_out, int32[1] scan) {
        one = Constant<value = int64 {1}>()
        next = Add(i, one)
        c_out = Less(next, limit)
        s_out = Add(s, s)
        scan = Identity(s_out)
      }>(M, cond, init)
    })");
  auto out = RunModel(model, {{"M", TensorValue<int64_t>({}, {10})}, {"cond", TensorValue<bool>({}, {true})},
                              {"limit", TensorValue<int64_t>({}, {3})}, {"init", TensorValue<int32_t>({1}, {1})}});
  ExpectTensor(out[0], Tensor::FromVector<int32_t>({8}, {1}));
  ExpectTensor(out[1], Tensor::FromVector<int32_t>({2, 4, 8}, {3, 1}));
}

TEST(ControlflowLoopTest, CarriedValueGrowsEachIteration) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 13]>
    m (int64 M, bool cond, double[1] init) => (double[N] v) {
      v = Loop<body = b (int64 i, bool c, double[N] s) => (bool c_out, double[N] s_out) {
        c_out = Identity(c)
        d = Cast<to = 11>(i)
        one = Constant<value = int64[1] {1}>()
        di = Reshape(d, one)
        s_out = Concat<axis = 0>(s, di)
      }>(M, cond, init)
    })");
  auto out = RunModel(model, {{"M", TensorValue<int64_t>({}, {4})}, {"cond", TensorValue<bool>({}, {true})},
                              {"init", TensorValue<double>({1}, {-1})}});
  ExpectTensor(out[0], Tensor::FromVector<double>({-1, 0, 1, 2, 3}, {5}));
}

TEST(ControlflowLoopTest, SequenceCarriedValue) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 13]>
    m (int64 M, bool cond, int64[3] x) => (int64 seq) {
      empty = SequenceEmpty<dtype = 7>()
      seq = Loop<body = b (int64 i, bool c, int64 s) => (bool c_out, int64 s_out) {
        c_out = Identity(c)
        t = Add(x, i)
        s_out = SequenceInsert(s, t)
      }>(M, cond, empty)
    })");
  for (const char* name : {"seq", "empty", "s", "s_out"}) Retype(*model.mutable_graph(), name, SeqOf(DataType::kInt64));
  for (int opt : {0, 99}) {
    auto out = RunModel(model, {{"M", TensorValue<int64_t>({}, {3})}, {"cond", TensorValue<bool>({}, {true})},
                                {"x", TensorValue<int64_t>({3}, {0, 10, 20})}}, opt);
    ExpectSeq(out[0], {Tensor::FromVector<int64_t>({0, 10, 20}, {3}), Tensor::FromVector<int64_t>({1, 11, 21}, {3}),
                       Tensor::FromVector<int64_t>({2, 12, 22}, {3})});
  }
}

TEST(ControlflowLoopTest, OptionalCarriedValueStartsEmpty) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (int64 M, bool cond, float[2] x) => (float o) {
      none = Optional<type = float[2]>()
      o = Loop<body = b (int64 i, bool c, float p) => (bool c_out, float p_out) {
        c_out = Identity(c)
        has = OptionalHasElement(p)
        p_out = If<then_branch = t () => (float r) { prev = OptionalGetElement(p)  sum = Add(prev, x)  r = Optional(sum) },
                   else_branch = e () => (float r) { r = Optional(x) }>(has)
      }>(M, cond, none)
    })");
  const auto opt = OptionalOf(TensorTypeOf(DataType::kFloat));
  for (const char* name : {"o", "p", "p_out", "r"}) Retype(*model.mutable_graph(), name, opt);
  auto feeds = [](int64_t m) {
    return std::vector<std::pair<std::string, OrtValue>>{{"M", TensorValue<int64_t>({}, {m})},
                                                         {"cond", TensorValue<bool>({}, {true})},
                                                         {"x", TensorValue<float>({2}, {1.5f, -1})}};
  };
  ExpectTensor(RunModel(model, feeds(3))[0], Tensor::FromVector<float>({4.5f, -3}, {2}));
  EXPECT_FALSE(RunModel(model, feeds(0))[0].IsAllocated());
}

TEST(ControlflowLoopTest, StringScanOutput) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (int64 M, bool cond, string[2] words) => (string[K, 2] all) {
      all = Loop<body = b (int64 i, bool c) => (bool c_out, string[2] w) {
        c_out = Identity(c)
        w = Identity(words)
      }>(M, cond)
    })");
  auto out = RunModel(model, {{"M", TensorValue<int64_t>({}, {2})}, {"cond", TensorValue<bool>({}, {true})},
                              {"words", TensorValue<std::string>({2}, {"a", "bc"})}});
  ExpectTensor(out[0], Tensor::FromVector<std::string>({"a", "bc", "a", "bc"}, {2, 2}));
}

TEST(ControlflowLoopTest, BodyOutputsNamingInputsAndOuterValues) {
  // The body yields its own inputs and an outer-scope value directly, with no node in between.
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (int64 M, bool cond, float[2] x) => (float[2] v, float[K, 2] all, int64[K] its) {
      x2 = Add(x, x)
      v, all, its = Loop<body = b (int64 i, bool c, float[2] s) => (bool c, float[2] s, float[2] x2, int64 i) {
      }>(M, cond, x2)
    })");
  for (int opt : {0, 99}) {
    auto out = RunModel(model, {{"M", TensorValue<int64_t>({}, {3})}, {"cond", TensorValue<bool>({}, {true})},
                                {"x", TensorValue<float>({2}, {1, 2})}}, opt);
    ExpectTensor(out[0], Tensor::FromVector<float>({2, 4}, {2}));
    ExpectTensor(out[1], Tensor::FromVector<float>({2, 4, 2, 4, 2, 4}, {3, 2}));
    ExpectTensor(out[2], Tensor::FromVector<int64_t>({0, 1, 2}, {3}));
  }
}

TEST(ControlflowLoopTest, UnusedScanOutput) {
  auto model = ParseModel(SumModel(16, "M, cond"));
  model.mutable_graph()->mutable_output()->RemoveLast();  // iters is produced but not fetched
  auto out = RunModel(model, SumFeeds(3, true));
  ASSERT_EQ(out.size(), 2u);
  ExpectTensor(out[0], Tensor::FromVector<float>({16, 29}, {2}));
  ExpectTensor(out[1], Tensor::FromVector<float>({11, 22, 13, 25, 16, 29}, {3, 2}));
}

TEST(ControlflowLoopTest, ScanOutputChangingShapeFails) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 13]>
    m (int64 M, bool cond, float[1] init) => (float[N] v, float[K, N] all) {
      v, all = Loop<body = b (int64 i, bool c, float[N] s) => (bool c_out, float[N] s_out, float[N] scan) {
        c_out = Identity(c)
        s_out = Concat<axis = 0>(s, s)
        scan = Identity(s_out)
      }>(M, cond, init)
    })");
  ExpectRunError(model, {{"M", TensorValue<int64_t>({}, {3})}, {"cond", TensorValue<bool>({}, {true})},
                         {"init", TensorValue<float>({1}, {1})}},
                 "earlier iterations");
}

TEST(ControlflowLoopTest, NonScalarTripCountFails) {
  auto model = ParseModel(SumModel(16, "M, cond"));
  Retype(*model.mutable_graph(), "M", TensorTypeOf(DataType::kInt64));
  auto feeds = SumFeeds(1, true);
  feeds[0].second = TensorValue<int64_t>({2}, {1, 2});
  ExpectRunError(model, feeds, "one element");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
