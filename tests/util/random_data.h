// Random inputs and element counts shared by the kernel and optimizer tests.
#pragma once
#include <cstdint>
#include <random>
#include <vector>

namespace ortlite {
namespace test {

// n floats uniform in [lo, hi) from mt19937(seed): the same values on every platform run.
inline std::vector<float> RandomFloats(size_t n, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(gen);
  return v;
}

// n floats uniform in [-1, 1) drawn from `gen`, which later draws continue; at least one, so that
// data() of an empty operand is still a valid pointer.
inline std::vector<float> RandomFloats(size_t n, std::mt19937& gen) {
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  std::vector<float> v(n > 0 ? n : 1);
  for (auto& x : v) x = dist(gen);
  return v;
}

// The number of elements of a tensor with these dims.
inline int64_t ElementCount(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

}  // namespace test
}  // namespace ortlite
