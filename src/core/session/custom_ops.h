// Custom operators defined through the C API (OrtCustomOp) become kernels of a per-session
// registry that falls back to the built-in CPU kernels.
#pragma once
#include <memory>
#include <vector>

#include "core/framework/kernel_registry.h"
#include "ort_compat/onnxruntime_c_api.h"

namespace ortlite {

std::shared_ptr<KernelRegistry> BuildCustomOpRegistry(const std::vector<OrtCustomOpDomain*>& domains);
// Fills the KernelInfo*/KernelContext* entries of the API table.
void FillCustomOpApi(OrtApi& api);

}  // namespace ortlite
