// Helpers shared by the control-flow kernels (If, Loop, Scan) and SequenceMap: reading scalar
// conditions and counts, slicing and stacking along the iteration axis, and the shapes to report
// when a loop body never ran.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "core/framework/op_kernel.h"
#include "onnx/onnx_pb.h"
#include "providers/cpu/tensor/element_ops.h"
#include "providers/cpu/tensor/strided_copy.h"

namespace ortlite {
namespace controlflow {

// The value of a one-element boolean tensor (If's and Loop's condition).
inline bool ReadScalarBool(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.GetElementType() == DataType::kBool, what, " must be a bool tensor, got ",
                    DataTypeName(t.GetElementType()));
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must hold one element, got shape ", t.Shape().ToString());
  return *t.Data<bool>();
}

// The value of a one-element int32/int64 tensor (trip counts, sequence positions).
inline int64_t ReadScalarInt(const Tensor& t, const char* what) {
  ORTLITE_CHECK_ARG(t.NumElements() == 1, what, " must hold one element, got shape ", t.Shape().ToString());
  if (t.GetElementType() == DataType::kInt64) return *t.Data<int64_t>();
  if (t.GetElementType() == DataType::kInt32) return *t.Data<int32_t>();
  ThrowError(ErrorCode::kInvalidArgument, what, " must be int32 or int64, got ", DataTypeName(t.GetElementType()));
}

// Element type of a tensor TypeProto (also looking inside an optional); kUndefined otherwise.
inline DataType TensorElemType(const onnx::TypeProto* type) {
  if (!type) return DataType::kUndefined;
  if (type->has_optional_type()) return TensorElemType(&type->optional_type().elem_type());
  if (!type->has_tensor_type() || !IsValidDataType(type->tensor_type().elem_type())) return DataType::kUndefined;
  return static_cast<DataType>(type->tensor_type().elem_type());
}

// Element type of the tensors of a sequence TypeProto (also inside an optional); kUndefined otherwise.
inline DataType SequenceElemType(const onnx::TypeProto* type) {
  if (!type) return DataType::kUndefined;
  if (type->has_optional_type()) return SequenceElemType(&type->optional_type().elem_type());
  if (!type->has_sequence_type()) return DataType::kUndefined;
  return TensorElemType(&type->sequence_type().elem_type());
}

// The dims a tensor type declares, with unknown dims as 0: the per-iteration shape of a scan
// output whose body never ran. Empty when the rank is unknown.
inline std::vector<int64_t> DeclaredDimsOrZero(const onnx::TypeProto* type) {
  std::vector<int64_t> dims;
  if (!type || !type->has_tensor_type() || !type->tensor_type().has_shape()) return dims;
  for (const auto& d : type->tensor_type().shape().dim()) dims.push_back(d.has_dim_value() ? d.dim_value() : 0);
  return dims;
}

// A view (no copy) of slice `index` along axis 0 of a dense tensor of rank >= 1.
inline Tensor SliceAlongFirstAxis(const Tensor& t, int64_t index) {
  const auto& dims = t.Shape().GetDims();
  std::vector<int64_t> inner(dims.begin() + 1, dims.end());
  const int64_t inner_size = TensorShape(inner).Size();
  char* base = static_cast<char*>(const_cast<void*>(t.DataRaw()));
  void* data = base + static_cast<size_t>(index * inner_size) * DataTypeSize(t.GetElementType());
  return Tensor(t.GetElementType(), TensorShape(std::move(inner)), data, t.Location(), t.Buffer());
}

// `t` with dimension `axis` moved to the front (a copy unless axis is 0).
inline Tensor MoveAxisToFront(const Tensor& t, int64_t axis, ThreadPool* pool) {
  if (axis == 0) return t;
  const auto& dims = t.Shape().GetDims();
  std::vector<size_t> perm{static_cast<size_t>(axis)};
  std::vector<int64_t> out_dims{dims[axis]};
  for (size_t d = 0; d < dims.size(); ++d) {
    if (d == static_cast<size_t>(axis)) continue;
    perm.push_back(d);
    out_dims.push_back(dims[d]);
  }
  Tensor out(t.GetElementType(), TensorShape(out_dims), GetCpuAllocator());
  PermutedCopy(t.GetElementType(), out.MutableDataRaw(), t.DataRaw(), dims, perm, pool);
  return out;
}

// Writes `stacked` (iterations along axis 0) into output `index` with the iteration axis moved to
// `axis` of the output.
inline void EmitStacked(OpKernelContext& ctx, int index, Tensor stacked, int64_t axis) {
  if (axis == 0) {
    ctx.SetOutput(index, OrtValue(std::move(stacked)));
    return;
  }
  const auto& dims = stacked.Shape().GetDims();
  std::vector<size_t> perm;
  std::vector<int64_t> out_dims;
  for (size_t d = 1; d < dims.size(); ++d) {
    if (d - 1 == static_cast<size_t>(axis)) {
      perm.push_back(0);
      out_dims.push_back(dims[0]);
    }
    perm.push_back(d);
    out_dims.push_back(dims[d]);
  }
  if (perm.size() < dims.size()) {  // axis is the last dimension
    perm.push_back(0);
    out_dims.push_back(dims[0]);
  }
  Tensor* out = ctx.Output(index, TensorShape(out_dims), stacked.GetElementType());
  PermutedCopy(stacked.GetElementType(), out->MutableDataRaw(), stacked.DataRaw(), dims, perm, ctx.GetThreadPool());
}

// Copies `element` into slot `slot` along axis 0 of `stacked`, checking that it has the per-slot
// shape and the element type.
inline void PutSlot(Tensor& stacked, int64_t slot, const Tensor& element, const char* what) {
  const auto& dims = stacked.Shape().GetDims();
  ORTLITE_CHECK_ARG(element.GetElementType() == stacked.GetElementType(), what, " changed element type from ",
                    DataTypeName(stacked.GetElementType()), " to ", DataTypeName(element.GetElementType()));
  ORTLITE_CHECK_ARG(element.Shape().GetDims() == std::vector<int64_t>(dims.begin() + 1, dims.end()), what,
                    " has shape ", element.Shape().ToString(), " but earlier iterations produced ",
                    TensorShape(std::vector<int64_t>(dims.begin() + 1, dims.end())).ToString());
  const int64_t n = element.NumElements();
  char* base = static_cast<char*>(stacked.MutableDataRaw());
  CopyElements(element.GetElementType(), base + static_cast<size_t>(slot * n) * DataTypeSize(element.GetElementType()),
               element.DataRaw(), n);
}

// A tensor of `shape` filled with zeros (strings empty).
inline Tensor ZeroTensor(DataType type, const TensorShape& shape) {
  Tensor t(type, shape, GetCpuAllocator());
  if (type != DataType::kString && t.SizeInBytes()) std::memset(t.MutableDataRaw(), 0, t.SizeInBytes());
  return t;
}

// `t` itself when nothing else holds its buffer, otherwise a copy. Values that outlive the node
// (sequence elements) must not alias the frame's arena, session constants or caller memory, all
// of which are held elsewhere too.
inline Tensor Detached(const Tensor& t) {
  if (t.Buffer() && t.Buffer().use_count() == 1) return t;
  return t.Clone();
}

// Sets output `index` to a value produced by a subgraph. A tensor the subgraph passed through from
// outside (an outer-scope value or a session constant) is copied, so the output never aliases it.
inline void SetSubgraphOutput(OpKernelContext& ctx, int index, OrtValue value) {
  if (value.IsTensor()) value = OrtValue(Detached(value.Get()));
  ctx.SetOutput(index, std::move(value));
}

}  // namespace controlflow
}  // namespace ortlite
