// Storage types for half-precision values. Kernels compute in float and store back.
#pragma once
#include <cstdint>
#include <cstring>

namespace ortlite {

// IEEE 754 binary16. Conversions round to nearest even and keep NaN/Inf.
struct MLFloat16 {
  uint16_t val = 0;
  MLFloat16() = default;
  explicit MLFloat16(float f) : val(FromFloatBits(f)) {}
  static MLFloat16 FromBits(uint16_t bits) {
    MLFloat16 h;
    h.val = bits;
    return h;
  }
  float ToFloat() const { return ToFloatBits(val); }
  operator float() const { return ToFloat(); }
  bool operator==(const MLFloat16& o) const { return val == o.val; }
  bool operator!=(const MLFloat16& o) const { return val != o.val; }

  static uint16_t FromFloatBits(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    const uint32_t sign = (x >> 16) & 0x8000u;
    const uint32_t abs = x & 0x7fffffffu;
    if (abs >= 0x7f800000u) {  // Inf or NaN
      return static_cast<uint16_t>(sign | 0x7c00u | (abs > 0x7f800000u ? 0x200u | ((abs >> 13) & 0x3ffu) : 0u));
    }
    if (abs >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // overflow after rounding
    if (abs < 0x38800000u) {  // subnormal half or zero
      if (abs < 0x33000000u) return static_cast<uint16_t>(sign);
      const uint32_t exp = abs >> 23;
      const uint32_t mant = (abs & 0x7fffffu) | 0x800000u;
      const uint32_t shift = 126 - exp;  // value / 2^-24, the half subnormal unit
      uint32_t result = mant >> shift;
      const uint32_t rem = mant & ((1u << shift) - 1u);
      const uint32_t halfway = 1u << (shift - 1);
      if (rem > halfway || (rem == halfway && (result & 1u))) ++result;
      return static_cast<uint16_t>(sign | result);
    }
    uint32_t result = ((abs - 0x38000000u) >> 13);
    const uint32_t rem = abs & 0x1fffu;
    if (rem > 0x1000u || (rem == 0x1000u && (result & 1u))) ++result;
    return static_cast<uint16_t>(sign | result);
  }

  static float ToFloatBits(uint16_t h) {
    const uint32_t sign = (static_cast<uint32_t>(h) & 0x8000u) << 16;
    const uint32_t exp = (h >> 10) & 0x1fu;
    uint32_t mant = h & 0x3ffu;
    uint32_t bits;
    if (exp == 0) {
      if (mant == 0) {
        bits = sign;
      } else {  // subnormal: normalise
        int e = -1;
        do {
          ++e;
          mant <<= 1;
        } while ((mant & 0x400u) == 0);
        bits = sign | ((112u - e) << 23) | ((mant & 0x3ffu) << 13);
      }
    } else if (exp == 0x1f) {
      bits = sign | 0x7f800000u | (mant << 13);
    } else {
      bits = sign | ((exp + 112u) << 23) | (mant << 13);
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  }
};

// bfloat16: the upper half of an IEEE float, rounded to nearest even.
struct BFloat16 {
  uint16_t val = 0;
  BFloat16() = default;
  explicit BFloat16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u) {
      val = static_cast<uint16_t>((x >> 16) | 0x40u);  // quiet NaN
    } else {
      x += 0x7fffu + ((x >> 16) & 1u);
      val = static_cast<uint16_t>(x >> 16);
    }
  }
  static BFloat16 FromBits(uint16_t bits) {
    BFloat16 b;
    b.val = bits;
    return b;
  }
  float ToFloat() const {
    uint32_t x = static_cast<uint32_t>(val) << 16;
    float f;
    std::memcpy(&f, &x, 4);
    return f;
  }
  operator float() const { return ToFloat(); }
  bool operator==(const BFloat16& o) const { return val == o.val; }
  bool operator!=(const BFloat16& o) const { return val != o.val; }
};

}  // namespace ortlite
