// Copy nodes between the host and a provider's device. The partitioner inserts them; a provider
// with a non-host device registers these kernels in its registry with RegisterMemcpyKernels.
#pragma once
#include "core/framework/kernel_registry.h"

namespace ortlite {

constexpr const char* kMemcpyFromHost = "MemcpyFromHost";
constexpr const char* kMemcpyToHost = "MemcpyToHost";
constexpr const char* kOrtliteInternalDomain = "ortlite.internal";

void RegisterMemcpyKernels(KernelRegistry& registry, const std::string& provider_type);

}  // namespace ortlite
