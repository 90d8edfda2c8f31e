// Transpose (every permutation of a rank-4 input against a naive reference, big inputs that go
// through the tiled and multi-threaded paths, all element widths and strings, empty tensors),
// DepthToSpace in both modes and SpaceToDepth, and bad arguments.
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "util/op_tester.h"

namespace ortlite {
namespace test {
namespace {

template <typename T>
std::vector<T> Iota(size_t n) {
  std::vector<T> v(n);
  for (size_t i = 0; i < n; ++i) {
    if constexpr (std::is_same_v<T, std::string>) {
      v[i] = std::to_string(i);
    } else if constexpr (std::is_same_v<T, bool>) {
      v[i] = (i * 7) % 3 == 0;
    } else if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
      v[i] = T(static_cast<float>(i % 200));
    } else {
      v[i] = static_cast<T>(i % 100);
    }
  }
  return v;
}

// Naive transpose of a row-major tensor.
template <typename T>
std::vector<T> Reference(const std::vector<T>& x, const std::vector<int64_t>& dims, const std::vector<int64_t>& perm) {
  const size_t r = dims.size();
  std::vector<int64_t> in_strides(r, 1), out_dims(r);
  for (size_t k = r; k-- > 1;) in_strides[k - 1] = in_strides[k] * dims[k];
  for (size_t k = 0; k < r; ++k) out_dims[k] = dims[perm[k]];
  std::vector<T> y(x.size());
  for (size_t i = 0; i < y.size(); ++i) {
    int64_t rem = static_cast<int64_t>(i), src = 0;
    for (size_t k = r; k-- > 0;) {
      src += (rem % out_dims[k]) * in_strides[perm[k]];
      rem /= out_dims[k];
    }
    y[i] = x[src];
  }
  return y;
}

template <typename T>
void CheckTranspose(const std::vector<int64_t>& dims, const std::vector<int64_t>& perm) {
  size_t n = 1;
  for (int64_t d : dims) n *= static_cast<size_t>(d);
  const std::vector<T> x = Iota<T>(n);
  std::vector<int64_t> out_dims(dims.size());
  for (size_t k = 0; k < dims.size(); ++k) out_dims[k] = dims[perm[k]];
  OpTester t("Transpose", 13);
  t.AddAttribute("perm", perm);
  t.AddInput<T>("x", dims, x);
  t.AddOutput<T>("y", out_dims, Reference(x, dims, perm));
  t.Run();
}

TEST(TensorTransposeTest, AllPermutationsOfRank4) {
  std::vector<int64_t> perm = {0, 1, 2, 3};
  do {
    CheckTranspose<float>({2, 3, 4, 5}, perm);
  } while (std::next_permutation(perm.begin(), perm.end()));
}

TEST(TensorTransposeTest, ElementTypes) {
  CheckTranspose<uint8_t>({3, 5, 7}, {2, 0, 1});
  CheckTranspose<bool>({3, 5, 7}, {1, 2, 0});
  CheckTranspose<MLFloat16>({4, 6}, {1, 0});
  CheckTranspose<BFloat16>({4, 1, 6}, {2, 1, 0});
  CheckTranspose<int16_t>({2, 9, 9}, {0, 2, 1});
  CheckTranspose<int32_t>({5, 6, 7}, {2, 1, 0});
  CheckTranspose<double>({5, 6, 7}, {1, 0, 2});
  CheckTranspose<int64_t>({5, 6, 7}, {0, 2, 1});
  CheckTranspose<std::string>({3, 4, 5}, {2, 0, 1});
}

TEST(TensorTransposeTest, LargeTiledAndThreaded) {
  CheckTranspose<float>({257, 131}, {1, 0});
  CheckTranspose<float>({3, 64, 65, 33}, {0, 2, 3, 1});  // NCHW -> NHWC
  CheckTranspose<float>({3, 65, 33, 64}, {0, 3, 1, 2});  // NHWC -> NCHW
  CheckTranspose<uint8_t>({100, 300}, {1, 0});
  CheckTranspose<std::string>({40, 50}, {1, 0});
}

TEST(TensorTransposeTest, DefaultPermReverses) {
  OpTester t("Transpose", 1);
  t.AddInput<int32_t>("x", {2, 3}, {1, 2, 3, 4, 5, 6});
  t.AddOutput<int32_t>("y", {3, 2}, {1, 4, 2, 5, 3, 6});
  t.Run();
}

TEST(TensorTransposeTest, EmptyAndScalar) {
  OpTester e("Transpose", 13);
  e.AddAttribute("perm", std::vector<int64_t>{1, 0, 2});
  e.AddInput<float>("x", {2, 0, 3}, {});
  e.AddOutput<float>("y", {0, 2, 3}, {});
  e.Run();

  OpTester s("Transpose", 13);
  s.AddInput<float>("x", {}, {4});
  s.AddOutput<float>("y", {}, {4});
  s.Run();
}

TEST(TensorTransposeTest, BadPermFails) {
  OpTester t("Transpose", 13);
  t.AddAttribute("perm", std::vector<int64_t>{0, 0});
  t.AddInput<float>("x", {2, 2}, {1, 2, 3, 4});
  t.AddOutput<float>("y", {2, 2}, {1, 2, 3, 4});
  t.RunExpectFailure("permutation");
}

// DepthToSpace reference straight from the operator definition.
std::vector<float> DepthToSpaceReference(const std::vector<float>& x, int64_t n, int64_t c, int64_t h, int64_t w,
                                         int64_t b, bool crd) {
  const int64_t oc = c / (b * b);
  std::vector<float> y(x.size());
  for (int64_t in = 0; in < n; ++in)
    for (int64_t ch = 0; ch < oc; ++ch)
      for (int64_t oh = 0; oh < h * b; ++oh)
        for (int64_t ow = 0; ow < w * b; ++ow) {
          const int64_t bh = oh % b, bw = ow % b;
          const int64_t src_c = crd ? ch * b * b + bh * b + bw : (bh * b + bw) * oc + ch;
          y[((in * oc + ch) * h * b + oh) * w * b + ow] = x[((in * c + src_c) * h + oh / b) * w + ow / b];
        }
  return y;
}

TEST(TensorDepthToSpaceTest, BothModes) {
  const int64_t n = 2, c = 8, h = 3, w = 2, b = 2;
  const std::vector<float> x = Iota<float>(static_cast<size_t>(n * c * h * w));
  for (bool crd : {false, true}) {
    OpTester t("DepthToSpace", 13);
    t.AddAttribute("blocksize", b);
    t.AddAttribute("mode", crd ? "CRD" : "DCR");
    t.AddInput<float>("x", {n, c, h, w}, x);
    t.AddOutput<float>("y", {n, c / 4, h * b, w * b}, DepthToSpaceReference(x, n, c, h, w, b, crd));
    t.Run();
  }
}

TEST(TensorDepthToSpaceTest, StringsAndErrors) {
  OpTester s("DepthToSpace", 1);
  s.AddAttribute("blocksize", int64_t{2});
  s.AddInput<std::string>("x", {1, 4, 1, 1}, {"a", "b", "c", "d"});
  s.AddOutput<std::string>("y", {1, 1, 2, 2}, {"a", "b", "c", "d"});
  s.Run();

  OpTester bad("DepthToSpace", 13);
  bad.AddAttribute("blocksize", int64_t{2});
  bad.AddInput<float>("x", {1, 3, 1, 1}, {1, 2, 3});
  bad.AddOutput<float>("y", {1, 1, 2, 2}, {1, 2, 3, 4});
  bad.RunExpectFailure("multiple");
}

TEST(TensorSpaceToDepthTest, InvertsDepthToSpaceDcr) {
  const int64_t n = 1, c = 3, h = 4, w = 6, b = 2;
  // SpaceToDepth is the inverse of DCR DepthToSpace.
  const std::vector<float> depth = Iota<float>(static_cast<size_t>(n * c * h * w));
  const std::vector<float> space = DepthToSpaceReference(depth, n, c * b * b, h / b, w / b, b, false);
  OpTester t("SpaceToDepth", 13);
  t.AddAttribute("blocksize", b);
  t.AddInput<float>("x", {n, c, h, w}, space);
  t.AddOutput<float>("y", {n, c * b * b, h / b, w / b}, depth);
  t.Run();

  OpTester bad("SpaceToDepth", 1);
  bad.AddAttribute("blocksize", int64_t{4});
  bad.AddInput<float>("x", {1, 1, 2, 2}, {1, 2, 3, 4});
  bad.AddOutput<float>("y", {1, 4, 1, 1}, {1, 2, 3, 4});
  bad.RunExpectFailure("multiples");
}

}  // namespace
}  // namespace test
}  // namespace ortlite
