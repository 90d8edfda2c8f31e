// Element types of tensors. Numeric values equal ONNX's TensorProto.DataType and ORT's
// ONNXTensorElementDataType, so they pass through the API and protobufs unchanged.
#pragma once
#include <complex>
#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "core/common/status.h"
#include "core/framework/float16.h"

namespace ortlite {

enum class DataType : int32_t {
  kUndefined = 0,
  kFloat = 1,
  kUInt8 = 2,
  kInt8 = 3,
  kUInt16 = 4,
  kInt16 = 5,
  kInt32 = 6,
  kInt64 = 7,
  kString = 8,
  kBool = 9,
  kFloat16 = 10,
  kDouble = 11,
  kUInt32 = 12,
  kUInt64 = 13,
  kComplex64 = 14,
  kComplex128 = 15,
  kBFloat16 = 16,
};

size_t DataTypeSize(DataType t);      // bytes per element (sizeof(std::string) for strings)
const char* DataTypeName(DataType t);  // "float", "int64", ... as ONNX spells them in type strings
bool IsValidDataType(int32_t v);

template <typename T>
struct DataTypeOf;
#define ORTLITE_DECLARE_TYPE(CppType, Enum) \
  template <>                               \
  struct DataTypeOf<CppType> {              \
    static constexpr DataType value = DataType::Enum; \
  };
ORTLITE_DECLARE_TYPE(float, kFloat)
ORTLITE_DECLARE_TYPE(uint8_t, kUInt8)
ORTLITE_DECLARE_TYPE(int8_t, kInt8)
ORTLITE_DECLARE_TYPE(uint16_t, kUInt16)
ORTLITE_DECLARE_TYPE(int16_t, kInt16)
ORTLITE_DECLARE_TYPE(int32_t, kInt32)
ORTLITE_DECLARE_TYPE(int64_t, kInt64)
ORTLITE_DECLARE_TYPE(std::string, kString)
ORTLITE_DECLARE_TYPE(bool, kBool)
ORTLITE_DECLARE_TYPE(MLFloat16, kFloat16)
ORTLITE_DECLARE_TYPE(double, kDouble)
ORTLITE_DECLARE_TYPE(uint32_t, kUInt32)
ORTLITE_DECLARE_TYPE(uint64_t, kUInt64)
ORTLITE_DECLARE_TYPE(std::complex<float>, kComplex64)
ORTLITE_DECLARE_TYPE(std::complex<double>, kComplex128)
ORTLITE_DECLARE_TYPE(BFloat16, kBFloat16)
#undef ORTLITE_DECLARE_TYPE

template <typename T>
constexpr DataType DataTypeFor() {
  return DataTypeOf<T>::value;
}

// Type lists for dispatching on a runtime DataType:
//   VisitType<AllNumericTypes>(dtype, [&](auto tag) { using T = typename decltype(tag)::type; ... });
template <typename T>
struct TypeTag {
  using type = T;
};
template <typename... Ts>
struct TypeList {};

using FloatTypes = TypeList<float, double, MLFloat16, BFloat16>;
using IntegerTypes = TypeList<int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using SignedNumericTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t>;
using AllNumericTypes =
    TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t>;
using AllNumericAndBoolTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                        uint16_t, uint32_t, uint64_t, bool>;
using AllTensorTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t,
                                uint16_t, uint32_t, uint64_t, bool, std::string, std::complex<float>,
                                std::complex<double>>;

namespace detail {
template <typename Fn, typename T, typename... Rest>
bool VisitTypeImpl(DataType t, Fn& fn) {
  if (t == DataTypeFor<T>()) {
    fn(TypeTag<T>{});
    return true;
  }
  if constexpr (sizeof...(Rest) > 0) {
    return VisitTypeImpl<Fn, Rest...>(t, fn);
  } else {
    return false;
  }
}
template <typename List>
struct Visitor;
template <typename... Ts>
struct Visitor<TypeList<Ts...>> {
  template <typename Fn>
  static bool Visit(DataType t, Fn& fn) {
    return VisitTypeImpl<Fn, Ts...>(t, fn);
  }
};
}  // namespace detail

// Calls fn(TypeTag<T>{}) for the C++ type T of `t`; throws kNotImplemented naming `what` if `t`
// is not in the list.
template <typename List, typename Fn>
void VisitType(DataType t, Fn&& fn, const char* what = "this operator") {
  if (!detail::Visitor<List>::Visit(t, fn)) {
    ThrowError(ErrorCode::kNotImplemented, "element type ", DataTypeName(t), " is not supported by ", what);
  }
}

// float view of any numeric value, for kernels that compute in float/double.
template <typename T>
inline auto ToCompute(T v) {
  if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
    return v.ToFloat();
  } else {
    return v;
  }
}
template <typename T, typename S>
inline T FromCompute(S v) {
  if constexpr (std::is_same_v<T, MLFloat16> || std::is_same_v<T, BFloat16>) {
    return T(static_cast<float>(v));
  } else {
    return static_cast<T>(v);
  }
}

}  // namespace ortlite
