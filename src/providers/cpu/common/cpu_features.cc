#include "providers/cpu/common/cpu_features.h"

#include <cpuid.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include <unistd.h>

#include <algorithm>

namespace ortlite {

namespace {

uint64_t Xgetbv() {
  uint32_t eax, edx;
  __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
  return (static_cast<uint64_t>(edx) << 32) | eax;
}

IsaLevel Detect() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned eax, ebx, ecx, edx;
  if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return IsaLevel::kScalar;
  const bool osxsave = ecx & bit_OSXSAVE;
  const bool fma = ecx & bit_FMA;
  const bool f16c = ecx & bit_F16C;
  const bool avx = ecx & bit_AVX;
  if (!osxsave || !avx) return IsaLevel::kScalar;
  const uint64_t xcr0 = Xgetbv();
  if ((xcr0 & 0x6) != 0x6) return IsaLevel::kScalar;  // XMM and YMM state
  if (!__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) return IsaLevel::kScalar;
  const bool avx2 = ebx & bit_AVX2;
  if (!(avx2 && fma && f16c)) return IsaLevel::kScalar;
  const bool avx512 = (ebx & bit_AVX512F) && (ebx & bit_AVX512BW) && (ebx & bit_AVX512DQ) && (ebx & bit_AVX512VL);
  if (avx512 && (xcr0 & 0xe6) == 0xe6) return IsaLevel::kAvx512;  // opmask and ZMM state
  return IsaLevel::kAvx2;
#else
  return IsaLevel::kScalar;
#endif
}

}  // namespace

IsaLevel DetectedIsa() {
  static const IsaLevel level = Detect();
  return level;
}

IsaLevel ActiveIsa() {
  static const IsaLevel level = [] {
    IsaLevel l = DetectedIsa();
    if (const char* cap = std::getenv("ORTLITE_MAX_ISA")) {
      IsaLevel c = IsaLevel::kAvx512;
      if (!std::strcmp(cap, "scalar")) c = IsaLevel::kScalar;
      else if (!std::strcmp(cap, "avx2")) c = IsaLevel::kAvx2;
      if (static_cast<int>(c) < static_cast<int>(l)) l = c;
    }
    return l;
  }();
  return level;
}

long L2CacheBytes() {
  static const long bytes = [] {
    long reported = 0;
#ifdef _SC_LEVEL2_CACHE_SIZE
    reported = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
    if (reported <= 0) return 1L << 20;
    return std::clamp(reported, 256L << 10, 8L << 20);
  }();
  return bytes;
}

const char* IsaName(IsaLevel level) {
  switch (level) {
    case IsaLevel::kAvx512: return "avx512";
    case IsaLevel::kAvx2: return "avx2";
    default: return "scalar";
  }
}

}  // namespace ortlite
