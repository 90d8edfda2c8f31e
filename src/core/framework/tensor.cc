#include "core/framework/tensor.h"

#include <cstring>
#include <new>

namespace ortlite {

int64_t HandleNegativeAxis(int64_t axis, int64_t rank, const char* what) {
  if (axis < -rank || axis >= (rank == 0 ? 1 : rank)) {
    ThrowError(ErrorCode::kInvalidArgument, what, " ", axis, " is out of range for rank ", rank);
  }
  return axis < 0 ? axis + rank : axis;
}

Tensor::Tensor(DataType type, TensorShape shape, const AllocatorPtr& allocator)
    : type_(type), shape_(std::move(shape)), location_(allocator->Info()) {
  // Element count and byte size, refusing shapes whose size overflows (a corrupt shape input
  // must not turn into a small buffer).
  const size_t elem = DataTypeSize(type);
  uint64_t count = 1;
  bool zero = false;
  for (int64_t d : shape_.GetDims()) {
    ORTLITE_CHECK_ARG(d >= 0, "cannot allocate a tensor of shape ", shape_.ToString());
    if (d == 0) zero = true;
    else if (!zero && count > (uint64_t{1} << 62) / static_cast<uint64_t>(d)) count = uint64_t{1} << 62;
    else if (!zero) count *= static_cast<uint64_t>(d);
  }
  if (zero) count = 0;
  ORTLITE_CHECK_ARG(elem == 0 || count <= (uint64_t{1} << 48) / elem, "tensor of shape ", shape_.ToString(),
                    " is too large to allocate");
  const int64_t n = static_cast<int64_t>(count);
  const size_t bytes = static_cast<size_t>(n) * elem;
  void* p = allocator->Alloc(bytes);
  data_ = p;
  if (type == DataType::kString) {
    auto* s = static_cast<std::string*>(p);
    for (int64_t i = 0; i < n; ++i) new (s + i) std::string();
    buffer_ = std::shared_ptr<void>(p, [allocator, n](void* q) {
      auto* str = static_cast<std::string*>(q);
      for (int64_t i = 0; i < n; ++i) str[i].~basic_string();
      allocator->Free(q);
    });
  } else {
    buffer_ = std::shared_ptr<void>(p, [allocator](void* q) { allocator->Free(q); });
  }
}

Tensor::Tensor(DataType type, TensorShape shape, void* data, MemoryInfo location, std::shared_ptr<void> keep_alive)
    : type_(type), shape_(std::move(shape)), data_(data), location_(std::move(location)), buffer_(std::move(keep_alive)) {}

Tensor Tensor::Reshaped(TensorShape shape) const {
  ORTLITE_CHECK_ARG(shape.Size() == NumElements(), "cannot reshape ", shape_.ToString(), " to ", shape.ToString());
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

Tensor Tensor::Clone(const AllocatorPtr& allocator) const {
  Tensor t(type_, shape_, allocator);
  CopyTensorData(*this, t);
  return t;
}

void Tensor::CheckType(DataType requested) const {
  if (requested != type_) {
    ThrowError(ErrorCode::kInvalidArgument, "tensor holds ", DataTypeName(type_), ", accessed as ",
               DataTypeName(requested));
  }
}

void CopyTensorData(const Tensor& src, Tensor& dst) {
  ORTLITE_ENFORCE(src.GetElementType() == dst.GetElementType() && src.NumElements() == dst.NumElements(),
                  "CopyTensorData: type or size mismatch");
  if (src.GetElementType() == DataType::kString) {
    const auto* s = src.Data<std::string>();
    auto* d = dst.MutableData<std::string>();
    for (int64_t i = 0; i < src.NumElements(); ++i) d[i] = s[i];
  } else if (src.SizeInBytes() && src.DataRaw() != dst.DataRaw()) {
    std::memcpy(dst.MutableDataRaw(), src.DataRaw(), src.SizeInBytes());
  }
}

}  // namespace ortlite
