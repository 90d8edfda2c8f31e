// Helpers shared by the tensor-manipulation kernels. These kernels move elements without looking
// at their values, so they dispatch on the element's size rather than its type (one instantiation
// serves float, int32 and uint32 alike); strings are the one type that needs real copies.
#pragma once
#include <climits>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "core/framework/data_types.h"
#include "core/framework/tensor.h"

namespace ortlite {

// A 16-byte trivially copyable element (complex<double>).
struct Bytes16 {
  uint64_t lo, hi;
};

// Calls fn(TypeTag<S>{}) where S is std::string for strings and otherwise an unsigned integer (or
// Bytes16) as wide as the element, so kernels can copy elements by plain assignment.
template <typename Fn>
void VisitByElementSize(DataType type, Fn&& fn) {
  if (type == DataType::kString) {
    fn(TypeTag<std::string>{});
    return;
  }
  switch (DataTypeSize(type)) {
    case 1: fn(TypeTag<uint8_t>{}); return;
    case 2: fn(TypeTag<uint16_t>{}); return;
    case 4: fn(TypeTag<uint32_t>{}); return;
    case 8: fn(TypeTag<uint64_t>{}); return;
    case 16: fn(TypeTag<Bytes16>{}); return;
    default: ThrowError(ErrorCode::kNotImplemented, "element type ", DataTypeName(type), " cannot be copied");
  }
}

// Copies `count` elements from src to dst (non-overlapping); strings are assigned one by one.
inline void CopyElements(DataType type, void* dst, const void* src, int64_t count) {
  if (count <= 0) return;
  if (type == DataType::kString) {
    const auto* s = static_cast<const std::string*>(src);
    auto* d = static_cast<std::string*>(dst);
    for (int64_t i = 0; i < count; ++i) d[i] = s[i];
  } else {
    std::memcpy(dst, src, static_cast<size_t>(count) * DataTypeSize(type));
  }
}

// Pointer to element `index` of a raw buffer of `type`.
inline void* ElementAt(void* base, DataType type, int64_t index) {
  return static_cast<char*>(base) + index * static_cast<int64_t>(DataTypeSize(type));
}
inline const void* ElementAt(const void* base, DataType type, int64_t index) {
  return static_cast<const char*>(base) + index * static_cast<int64_t>(DataTypeSize(type));
}

// The values of an integer tensor (shapes, axes, indices, pads...) as int64.
inline std::vector<int64_t> ReadInt64Values(const Tensor& t, const char* what) {
  std::vector<int64_t> v(static_cast<size_t>(t.NumElements()));
  switch (t.GetElementType()) {
    case DataType::kInt64: {
      const int64_t* p = t.Data<int64_t>();
      v.assign(p, p + v.size());
      break;
    }
    case DataType::kInt32: {
      const int32_t* p = t.Data<int32_t>();
      for (size_t i = 0; i < v.size(); ++i) v[i] = p[i];
      break;
    }
    default:
      VisitType<IntegerTypes>(
          t.GetElementType(),
          [&](auto tag) {
            using T = typename decltype(tag)::type;
            const T* p = t.Data<T>();
            for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<int64_t>(p[i]);
          },
          what);
  }
  return v;
}

// Reads element i of an int32/int64 index tensor.
class IndexReader {
 public:
  IndexReader(const Tensor& t, const char* what) : is64_(t.GetElementType() == DataType::kInt64), data_(t.DataRaw()) {
    ORTLITE_CHECK_ARG(is64_ || t.GetElementType() == DataType::kInt32, what, " must be int32 or int64, got ",
                      DataTypeName(t.GetElementType()));
  }
  int64_t operator[](int64_t i) const {
    return is64_ ? static_cast<const int64_t*>(data_)[i] : static_cast<const int32_t*>(data_)[i];
  }

 private:
  bool is64_;
  const void* data_;
};

// Maps an index in [-dim, dim) to [0, dim); throws for anything else.
inline int64_t CheckedIndex(int64_t index, int64_t dim, const char* what) {
  if (index < -dim || index >= dim) {
    ThrowError(ErrorCode::kInvalidArgument, what, " ", index, " is out of bounds for a dimension of size ", dim);
  }
  return index < 0 ? index + dim : index;
}

// For output shapes computed from input values (Reshape, Tile, Pad, Range...): every dimension
// must be non-negative and the size in bytes must fit in int64 for any element type, or
// allocation sizes would wrap around.
inline void CheckOutputDims(const std::vector<int64_t>& dims, const char* what) {
  constexpr int64_t kMaxElements = INT64_MAX / 16;  // 16: the widest element (complex128)
  int64_t count = 1;
  for (int64_t d : dims) {
    ORTLITE_CHECK_ARG(d >= 0, what, " has a negative dimension ", d);
    const bool overflow = __builtin_mul_overflow(count, d, &count);
    ORTLITE_CHECK_ARG(!overflow && count <= kMaxElements, what, " ", TensorShape(dims).ToString(),
                      " has too many elements");
  }
}

// Row-major element strides of dims.
inline std::vector<int64_t> ContiguousStrides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t k = dims.size(); k-- > 1;) s[k - 1] = s[k] * dims[k];
  return s;
}

// Normalises a list of axes against `rank`; throws on out-of-range or (unless allowed) repeated axes.
inline std::vector<int64_t> NormalizeAxes(const std::vector<int64_t>& axes, int64_t rank, const char* what = "axis") {
  std::vector<int64_t> out;
  out.reserve(axes.size());
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    const int64_t n = HandleNegativeAxis(a, rank, what);
    ORTLITE_CHECK_ARG(rank > 0 && !seen[n], what, " ", a, " is repeated or invalid for rank ", rank);
    seen[n] = true;
    out.push_back(n);
  }
  return out;
}

}  // namespace ortlite
