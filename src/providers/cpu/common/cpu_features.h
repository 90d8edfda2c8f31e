// The host's instruction-set level, read once with cpuid. The environment variable
// ORTLITE_MAX_ISA (scalar | avx2 | avx512) caps it, so one machine can test every kernel path.
#pragma once

namespace ortlite {

enum class IsaLevel : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2 };

// AVX2 means AVX2 + FMA + F16C; AVX-512 means F + BW + DQ + VL (with OS support for the state).
IsaLevel DetectedIsa();
// DetectedIsa() capped by ORTLITE_MAX_ISA.
IsaLevel ActiveIsa();
const char* IsaName(IsaLevel level);

// Bytes of the calling core's L2 cache as the C library reports it, within [256 KiB, 8 MiB];
// 1 MiB where it reports nothing. Read once.
long L2CacheBytes();

}  // namespace ortlite
