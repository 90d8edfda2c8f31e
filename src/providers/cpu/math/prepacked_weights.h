// Constant GEMM weights packed once when a kernel is built, in the active SGEMM micro-kernel's
// panel layout, and shared by every kernel of the session that packs the same initializer the
// same way (a transformer's layers often share one weight initializer).
#pragma once
#include <memory>

#include "core/framework/op_kernel.h"
#include "providers/cpu/math/gemm.h"

namespace ortlite {

// Packs constant input `index`, a 2-D float matrix used as op(B) (K x N; N x K when trans_b),
// unless the session disables pre-packing or the input is not a constant 2-D float tensor
// (then nullptr). On success the kernel must not read the input's data again: only its shape.
std::shared_ptr<const PackedSgemmB> PrePackConstantSgemmB(const OpKernelInfo& info, size_t index, bool trans_b);

}  // namespace ortlite
