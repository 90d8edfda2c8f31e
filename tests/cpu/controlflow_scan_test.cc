// Scan: the opset-9+ form with input/output axes (including negative ones) and directions, the
// opset-8 batched form with sequence_lens and directions, empty sequences, outer-scope reads,
// several element types, and mismatched inputs.
#include <gtest/gtest.h>

#include "cpu/controlflow_test_util.h"

namespace ortlite {
namespace test {
namespace {

using namespace cf;

// Running sum over the rows of x (scanned along `in_axis`), scanning the sums out along `out_axis`.
std::string SumModel(int opset, const std::string& attrs) {
  return "<ir_version: 8, opset_import: [\"\" : " + std::to_string(opset) + R"(]>
    m (float[2] init, float[A, B] x) => (float[2] sum, float[C, D] sums) {
      sum, sums = Scan<num_scan_inputs = 1)" + attrs + R"(,
        body = b (float[2] s, float[2] row) => (float[2] s_out, float[2] scan) {
          s_out = Add(s, row)
          scan = Identity(s_out)
        }>(init, x)
    })";
}

TEST(ControlflowScanTest, ForwardOverAxisZero) {
  for (int opset : {9, 11, 16}) {
    for (int opt : {0, 99}) {
      auto out = RunModel(ParseModel(SumModel(opset, "")),
                          {{"init", TensorValue<float>({2}, {0, 0})},
                           {"x", TensorValue<float>({3, 2}, {1, 2, 3, 4, 5, 6})}}, opt);
      ExpectTensor(out[0], Tensor::FromVector<float>({9, 12}, {2}));
      ExpectTensor(out[1], Tensor::FromVector<float>({1, 2, 4, 6, 9, 12}, {3, 2}));
    }
  }
}

TEST(ControlflowScanTest, InputAxisOneAndOutputAxisOne) {
  // x is [2, 3]: scanning axis 1 gives the columns (1,4), (2,5), (3,6).
  for (const char* attrs : {", scan_input_axes = [1], scan_output_axes = [1]",
                            ", scan_input_axes = [-1], scan_output_axes = [-1]"}) {
    auto out = RunModel(ParseModel(SumModel(11, attrs)), {{"init", TensorValue<float>({2}, {0, 0})},
                                                         {"x", TensorValue<float>({2, 3}, {1, 2, 3, 4, 5, 6})}});
    ExpectTensor(out[0], Tensor::FromVector<float>({6, 15}, {2}));
    // sums per step: (1,4), (3,9), (6,15), stacked along axis 1 -> [2, 3]
    ExpectTensor(out[1], Tensor::FromVector<float>({1, 3, 6, 4, 9, 15}, {2, 3}));
  }
}

TEST(ControlflowScanTest, ReverseInputAndOutput) {
  auto in_rev = RunModel(ParseModel(SumModel(9, ", scan_input_directions = [1]")),
                         {{"init", TensorValue<float>({2}, {0, 0})}, {"x", TensorValue<float>({3, 2}, {1, 2, 3, 4, 5, 6})}});
  ExpectTensor(in_rev[1], Tensor::FromVector<float>({5, 6, 8, 10, 9, 12}, {3, 2}));
  auto out_rev = RunModel(ParseModel(SumModel(9, ", scan_output_directions = [1]")),
                          {{"init", TensorValue<float>({2}, {0, 0})}, {"x", TensorValue<float>({3, 2}, {1, 2, 3, 4, 5, 6})}});
  ExpectTensor(out_rev[1], Tensor::FromVector<float>({9, 12, 4, 6, 1, 2}, {3, 2}));
}

TEST(ControlflowScanTest, EmptySequence) {
  auto out = RunModel(ParseModel(SumModel(16, "")),
                      {{"init", TensorValue<float>({2}, {7, 8})}, {"x", TensorValue<float>({0, 2}, {})}});
  ExpectTensor(out[0], Tensor::FromVector<float>({7, 8}, {2}));
  ExpectTensor(out[1], Tensor::FromVector<float>({}, {0, 2}));
}

TEST(ControlflowScanTest, TwoInputsNoStateOuterScope) {
  // Zips a forward and a backward pass over x and adds an outer-scope bias; int32 data.
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (int32[3, 2] x, int32[2] bias) => (int32[3, 2] y) {
      y = Scan<num_scan_inputs = 2, scan_input_directions = [0, 1],
        body = b (int32[2] f, int32[2] r) => (int32[2] o) {
          fr = Add(f, r)
          o = Add(fr, bias)
        }>(x, x)
    })");
  auto out = RunModel(model, {{"x", TensorValue<int32_t>({3, 2}, {1, 2, 3, 4, 5, 6})},
                              {"bias", TensorValue<int32_t>({2}, {100, 200})}});
  ExpectTensor(out[0], Tensor::FromVector<int32_t>({106, 208, 106, 208, 106, 208}, {3, 2}));
}

TEST(ControlflowScanTest, HigherRankAxes) {
  // x is [2, 3, 2]; scan axis 2 (length 2) hands the body [2, 3] slices; outputs stacked on axis 1.
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 11]>
    m (double[2, 3, 2] x) => (double[2, 2, 3] y) {
      y = Scan<num_scan_inputs = 1, scan_input_axes = [2], scan_output_axes = [1],
        body = b (double[2, 3] s) => (double[2, 3] o) { o = Identity(s) }>(x)
    })");
  std::vector<double> x(12);
  for (int i = 0; i < 12; ++i) x[i] = i;
  auto out = RunModel(model, {{"x", TensorValue<double>({2, 3, 2}, x)}});
  // y[a][t][b] = x[a][b][t]
  ExpectTensor(out[0], Tensor::FromVector<double>({0, 2, 4, 1, 3, 5, 6, 8, 10, 7, 9, 11}, {2, 2, 3}));
}

TEST(ControlflowScanTest, MismatchedSequenceLengthsFail) {
  auto model = ParseModel(R"(<ir_version: 8, opset_import: ["" : 16]>
    m (float[A, 2] x, float[B, 2] z) => (float[A, 2] y) {
      y = Scan<num_scan_inputs = 2, body = b (float[2] f, float[2] r) => (float[2] o) { o = Add(f, r) }>(x, z)
    })");
  ExpectRunError(model, {{"x", TensorValue<float>({3, 2}, {1, 2, 3, 4, 5, 6})}, {"z", TensorValue<float>({2, 2}, {1, 2, 3, 4})}},
                 "sequence length");
}

TEST(ControlflowScanTest, BadAxisFails) {
  auto model = ParseModel(SumModel(11, ", scan_input_axes = [2]"));
  ExpectRunError(model, {{"init", TensorValue<float>({2}, {0, 0})}, {"x", TensorValue<float>({3, 2}, {1, 2, 3, 4, 5, 6})}},
                 "out of range");
}

// Scan-8: [batch, sequence, ...] inputs.
std::string Scan8Model(const std::string& lens, const std::string& attrs) {
  return R"(<ir_version: 8, opset_import: ["" : 8]>
    m (int64[2] lens, float[2, 2] init, float[2, 3, 2] x) => (float[2, 2] sum, float[2, 3, 2] sums) {
      sum, sums = Scan<num_scan_inputs = 1)" + attrs + R"(,
        body = b (float[2] s, float[2] row) => (float[2] s_out, float[2] scan) {
          s_out = Add(s, row)
          scan = Identity(s_out)
        }>()" + lens + R"(, init, x)
    })";
}

std::vector<std::pair<std::string, OrtValue>> Scan8Feeds(std::vector<int64_t> lens) {
  return {{"lens", TensorValue<int64_t>({2}, lens)},
          {"init", TensorValue<float>({2, 2}, {0, 0, 100, 100})},
          {"x", TensorValue<float>({2, 3, 2}, {1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60})}};
}

TEST(ControlflowScanTest, Opset8Batches) {
  for (int opt : {0, 99}) {
    auto out = RunModel(ParseModel(Scan8Model("OMITTED", "")), Scan8Feeds({3, 3}), opt);
    ExpectTensor(out[0], Tensor::FromVector<float>({9, 12, 190, 220}, {2, 2}));
    ExpectTensor(out[1], Tensor::FromVector<float>({1, 2, 4, 6, 9, 12, 110, 120, 140, 160, 190, 220}, {2, 3, 2}));
  }
}

TEST(ControlflowScanTest, Opset8SequenceLensPadWithZeros) {
  auto out = RunModel(ParseModel(Scan8Model("lens", "")), Scan8Feeds({2, 0}));
  ExpectTensor(out[0], Tensor::FromVector<float>({4, 6, 100, 100}, {2, 2}));
  ExpectTensor(out[1], Tensor::FromVector<float>({1, 2, 4, 6, 0, 0, 0, 0, 0, 0, 0, 0}, {2, 3, 2}));
}

TEST(ControlflowScanTest, Opset8ReverseWithinLength) {
  auto out = RunModel(ParseModel(Scan8Model("lens", ", directions = [1]")), Scan8Feeds({2, 3}));
  ExpectTensor(out[0], Tensor::FromVector<float>({4, 6, 190, 220}, {2, 2}));
  ExpectTensor(out[1], Tensor::FromVector<float>({3, 4, 4, 6, 0, 0, 150, 160, 180, 200, 190, 220}, {2, 3, 2}));
}

TEST(ControlflowScanTest, Opset8SequenceLensOutOfRangeFails) {
  ExpectRunError(ParseModel(Scan8Model("lens", "")), Scan8Feeds({4, 1}), "sequence_lens");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
