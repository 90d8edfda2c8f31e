// Tensor: element type, shape and a buffer. The buffer is shared (copies of a Tensor alias the
// same memory); it is either owned through an allocator or borrowed from the caller.
#pragma once
#include <memory>
#include <string>

#include "core/framework/allocator.h"
#include "core/framework/data_types.h"
#include "core/framework/tensor_shape.h"

namespace ortlite {

class Tensor {
 public:
  Tensor() = default;
  // Allocates a buffer for shape.Size() elements of `type` (strings are constructed empty).
  Tensor(DataType type, TensorShape shape, const AllocatorPtr& allocator);
  // Wraps caller memory; the caller keeps it alive. `keep_alive` (optional) is held with it.
  Tensor(DataType type, TensorShape shape, void* data, MemoryInfo location,
         std::shared_ptr<void> keep_alive = nullptr);

  // Convenience: a host tensor filled from a list of values.
  template <typename T>
  static Tensor FromVector(const std::vector<T>& values, TensorShape shape) {
    Tensor t(DataTypeFor<T>(), std::move(shape), GetCpuAllocator());
    T* d = t.MutableData<T>();
    for (size_t i = 0; i < values.size(); ++i) d[i] = values[i];
    return t;
  }

  bool IsValid() const { return type_ != DataType::kUndefined; }
  DataType GetElementType() const { return type_; }
  const TensorShape& Shape() const { return shape_; }
  int64_t NumElements() const { return shape_.Size(); }
  size_t SizeInBytes() const { return static_cast<size_t>(NumElements()) * DataTypeSize(type_); }
  const MemoryInfo& Location() const { return location_; }

  template <typename T>
  T* MutableData() {
    CheckType(DataTypeFor<T>());
    return static_cast<T*>(data_);
  }
  template <typename T>
  const T* Data() const {
    CheckType(DataTypeFor<T>());
    return static_cast<const T*>(data_);
  }
  void* MutableDataRaw() { return data_; }
  const void* DataRaw() const { return data_; }
  template <typename T>
  bool IsDataType() const {
    return type_ == DataTypeFor<T>();
  }

  // A tensor of the same buffer with another shape of equal element count.
  Tensor Reshaped(TensorShape shape) const;
  // Deep copy into a new buffer from `allocator` (host memory).
  Tensor Clone(const AllocatorPtr& allocator = GetCpuAllocator()) const;
  // The buffer's owner; held by views such as Reshaped().
  const std::shared_ptr<void>& Buffer() const { return buffer_; }

 private:
  void CheckType(DataType requested) const;

  DataType type_ = DataType::kUndefined;
  TensorShape shape_;
  void* data_ = nullptr;
  MemoryInfo location_;
  std::shared_ptr<void> buffer_;
};

// Copies elements of equal type and count between host tensors (deep copy for strings).
void CopyTensorData(const Tensor& src, Tensor& dst);

}  // namespace ortlite
