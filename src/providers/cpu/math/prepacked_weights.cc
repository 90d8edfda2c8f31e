#include "providers/cpu/math/prepacked_weights.h"

#include <string>

#include "core/framework/session_state.h"

namespace ortlite {

std::shared_ptr<const PackedSgemmB> PrePackConstantSgemmB(const OpKernelInfo& info, size_t index, bool trans_b) {
  if (!info.GetSessionState().Config().prepacking) return nullptr;
  const Tensor* w = info.TryGetConstantInput(index);
  if (!w || w->GetElementType() != DataType::kFloat || w->Shape().NumDimensions() != 2 || w->NumElements() == 0) {
    return nullptr;
  }
  const std::string format = std::string("sgemm_b/") + gemm_detail::ActiveSgemmKernel().name + (trans_b ? "/t" : "/n");
  auto packed = info.GetOrPrePackConstantInput<PackedSgemmB>(index, format, [trans_b](const Tensor& t) {
    const int64_t rows = t.Shape()[0], cols = t.Shape()[1];
    const int64_t K = trans_b ? cols : rows, N = trans_b ? rows : cols;
    return std::make_shared<const PackedSgemmB>(PackSgemmB(trans_b, K, N, t.Data<float>(), cols));
  });
  if (packed) info.MarkConstantInputPrePacked(index);
  return packed;
}

}  // namespace ortlite
