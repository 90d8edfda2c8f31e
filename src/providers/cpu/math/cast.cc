// Cast and CastLike between every pair of numeric, bool and string element types.
//
// Numbers become strings the way numpy prints them: the shortest digits that read back to the
// same value, positional for 1e-4 <= |x| < 1e16 ("0.5", "100.0") and scientific otherwise
// ("1e-05", "1.5e+20"); the special values are "NaN", "INF" and "-INF" as the spec names them.
// Strings are parsed as C numbers (case-insensitive "NaN"/"INF"/"+INF"/"-INF" included). Neither
// direction depends on the process locale.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

#include "core/framework/kernel_registry.h"
#include "providers/cpu/math/elementwise.h"

namespace ortlite {
namespace {

using namespace elementwise;

using CastTypes = TypeList<float, double, MLFloat16, BFloat16, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t,
                           uint32_t, uint64_t, bool, std::string>;

// double -> float rounding to odd: keeps a sticky bit so that a second rounding to a 16-bit
// float gives the same result as rounding the double directly (float has > 2 spare bits).
inline float RoundToOddFloat(double d) {
  float f = static_cast<float>(d);
  if (std::isfinite(f) && static_cast<double>(f) != d) {
    uint32_t bits;
    std::memcpy(&bits, &f, sizeof(bits));
    if ((bits & 1u) == 0) f = std::nextafter(f, d > f ? INFINITY : -INFINITY);
  }
  return f;
}

template <typename H>
inline H HalfFromDouble(double d) {
  return H(RoundToOddFloat(d));
}

// ---- numbers to strings ------------------------------------------------------------------

// Lays out shortest digits `digits` (no sign, no point) of a value digits[0].digits[1..] x 10^exp.
std::string FormatLikeNumpy(bool negative, const std::string& digits, int exp, double abs_value) {
  std::string out = negative ? "-" : "";
  if (abs_value == 0.0) return out + "0.0";
  if (abs_value >= 1e-4 && abs_value < 1e16) {
    if (exp >= 0) {
      const size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out += digits + std::string(int_len - digits.size(), '0') + ".0";
      } else {
        out += digits.substr(0, int_len) + "." + digits.substr(int_len);
      }
    } else {
      out += "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char buf[16];
  std::snprintf(buf, sizeof(buf), "e%c%02d", exp < 0 ? '-' : '+', exp < 0 ? -exp : exp);
  return out + buf;
}

// Splits scientific text "-d.ddde[+-]xx" into sign, digits (trailing zeros dropped) and exponent.
void SplitScientific(const char* text, bool* negative, std::string* digits, int* exp) {
  const char* p = text;
  *negative = *p == '-';
  if (*negative) ++p;
  digits->clear();
  for (; *p && *p != 'e' && *p != 'E'; ++p) {
    if (std::isdigit(static_cast<unsigned char>(*p))) digits->push_back(*p);
  }
  *exp = *p ? std::atoi(p + 1) : 0;
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

template <typename F>
std::string FloatToString(F v) {
  const double d = static_cast<double>(ToCompute(v));
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d < 0 ? "-INF" : "INF";
  char buf[64];
  if constexpr (kIsHalf<F>) {
    // Fewest significant digits that read back to the same 16-bit value.
    for (int decimals = 0; decimals <= 8; ++decimals) {
      const auto r = std::to_chars(buf, buf + sizeof(buf) - 1, d, std::chars_format::scientific, decimals);
      *r.ptr = '\0';
      double back = 0;
      std::from_chars(buf, r.ptr, back);
      if (HalfFromDouble<F>(back) == v) break;
    }
  } else {
    const auto r = std::to_chars(buf, buf + sizeof(buf) - 1, v, std::chars_format::scientific);
    *r.ptr = '\0';
  }
  bool negative;
  std::string digits;
  int exp;
  SplitScientific(buf, &negative, &digits, &exp);
  return FormatLikeNumpy(negative, digits, exp, std::fabs(d));
}

template <typename S>
std::string ToString(const S& v) {
  if constexpr (std::is_same_v<S, bool>) {
    return v ? "True" : "False";
  } else if constexpr (kIsFloat<S>) {
    return FloatToString(v);
  } else {
    return std::to_string(v);
  }
}

// ---- strings to numbers ------------------------------------------------------------------

bool IsAllSpace(const char* p) {
  while (*p && std::isspace(static_cast<unsigned char>(*p))) ++p;
  return *p == '\0';
}

bool EqualsIgnoreCase(const std::string& a, const char* b) {
  const size_t n = std::strlen(b);
  if (a.size() != n) return false;
  for (size_t i = 0; i < n; ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

[[noreturn]] void ThrowUnparsable(const std::string& s, DataType to) {
  ThrowError(ErrorCode::kInvalidArgument, "Cast: cannot read '", s, "' as ", DataTypeName(to));
}

// Reads a float or double with from_chars, which unlike strtod ignores the process locale.
// Leading/trailing spaces and a leading '+' are accepted as strtod would.
template <typename F>
F ParseFloat(const std::string& s, DataType to) {
  const char* p = s.c_str();
  const char* const end = p + s.size();
  while (p < end && std::isspace(static_cast<unsigned char>(*p))) ++p;
  if (p < end && *p == '+' && p + 1 < end && p[1] != '-') ++p;
  F value = 0;
  const auto r = std::from_chars(p, end, value, std::chars_format::general);
  if (r.ptr == p || !IsAllSpace(r.ptr)) ThrowUnparsable(s, to);
  if (r.ec == std::errc::result_out_of_range) {
    // from_chars leaves the value alone on overflow/underflow; give the IEEE result.
    const bool negative = *p == '-';
    const char* e = std::find_if(p, r.ptr, [](char c) { return c == 'e' || c == 'E'; });
    const bool tiny = e + 1 < r.ptr && e[1] == '-';
    value = tiny ? F(0) : std::numeric_limits<F>::infinity();
    if (negative) value = -value;
  }
  return value;
}

template <typename D>
D FromString(const std::string& s) {
  constexpr DataType kTo = DataTypeFor<D>();
  if constexpr (std::is_floating_point_v<D>) {
    return ParseFloat<D>(s, kTo);
  } else if constexpr (kIsHalf<D>) {
    return HalfFromDouble<D>(ParseFloat<double>(s, kTo));
  } else if constexpr (std::is_same_v<D, bool>) {
    if (EqualsIgnoreCase(s, "true")) return true;
    if (EqualsIgnoreCase(s, "false")) return false;
    return ParseFloat<double>(s, kTo) != 0.0;
  } else {
    const char* begin = s.c_str();
    char* end = nullptr;
    errno = 0;
    if constexpr (std::is_signed_v<D>) {
      const long long v = std::strtoll(begin, &end, 10);
      if (end != begin && errno == 0 && IsAllSpace(end)) return static_cast<D>(static_cast<WrapType<D>>(v));
    } else {
      const unsigned long long v = std::strtoull(begin, &end, 10);
      if (end != begin && errno == 0 && IsAllSpace(end)) return static_cast<D>(v);
    }
    // "100.5" or "1e3": read as a float and truncate.
    return FloatToInt<D>(ParseFloat<double>(s, kTo));
  }
}

// ---- the conversion matrix ---------------------------------------------------------------

template <typename S, typename D>
inline D Convert(const S& v) {
  if constexpr (std::is_same_v<S, D>) {
    return v;
  } else if constexpr (std::is_same_v<D, std::string>) {
    return ToString(v);
  } else if constexpr (std::is_same_v<S, std::string>) {
    return FromString<D>(v);
  } else if constexpr (std::is_same_v<D, bool>) {
    return ToCompute(v) != 0;
  } else if constexpr (std::is_same_v<S, bool>) {
    return FromCompute<D>(v ? 1.0f : 0.0f);
  } else if constexpr (kIsHalf<D>) {
    if constexpr (std::is_same_v<S, float> || kIsHalf<S>) {
      return D(static_cast<float>(v));
    } else {
      return HalfFromDouble<D>(static_cast<double>(v));
    }
  } else if constexpr (std::is_floating_point_v<D>) {
    return static_cast<D>(ToCompute(v));
  } else if constexpr (kIsFloat<S>) {
    return FloatToInt<D>(ToCompute(v));
  } else {
    return static_cast<D>(v);
  }
}

void CastTensor(OpKernelContext& ctx, const Tensor& x, Tensor& y) {
  const DataType from = x.GetElementType();
  const DataType to = y.GetElementType();
  if (from == to) {
    CopyTensorData(x, y);
    return;
  }
  VisitType<CastTypes>(
      from,
      [&](auto src_tag) {
        using S = typename decltype(src_tag)::type;
        VisitType<CastTypes>(
            to,
            [&](auto dst_tag) {
              using D = typename decltype(dst_tag)::type;
              const bool strings = std::is_same_v<S, std::string> || std::is_same_v<D, std::string>;
              RunUnary(ctx.GetThreadPool(), x.NumElements(), x.Data<S>(), y.MutableData<D>(),
                       strings ? 200.0 : kCheapCost, [](const S& v) { return Convert<S, D>(v); });
            },
            "Cast (target type)");
      },
      "Cast (source type)");
}

DataType TypeFromName(const std::string& name) {
  static const struct {
    const char* name;
    DataType type;
  } kNames[] = {{"float", DataType::kFloat},     {"uint8", DataType::kUInt8},     {"int8", DataType::kInt8},
                {"uint16", DataType::kUInt16},   {"int16", DataType::kInt16},     {"int32", DataType::kInt32},
                {"int64", DataType::kInt64},     {"string", DataType::kString},   {"bool", DataType::kBool},
                {"float16", DataType::kFloat16}, {"double", DataType::kDouble},   {"uint32", DataType::kUInt32},
                {"uint64", DataType::kUInt64},   {"bfloat16", DataType::kBFloat16}};
  for (const auto& entry : kNames) {
    if (EqualsIgnoreCase(name, entry.name)) return entry.type;
  }
  ThrowError(ErrorCode::kInvalidArgument, "Cast: unknown target type '", name, "'");
}

class CastKernel final : public OpKernel {
 public:
  explicit CastKernel(const OpKernelInfo& info) : OpKernel(info) {
    // Opset 1 names the type as a string ("FLOAT"); later opsets give the TensorProto enum value.
    const onnx::AttributeProto* attr = info.GetAttrProto("to");
    ORTLITE_CHECK_ARG(attr != nullptr, "Cast needs the 'to' attribute");
    if (attr->type() == onnx::AttributeProto::STRING) {
      to_ = TypeFromName(attr->s());
    } else {
      const int64_t v = info.GetAttr<int64_t>("to");
      ORTLITE_CHECK_ARG(v >= 0 && v <= INT32_MAX && IsValidDataType(static_cast<int32_t>(v)),
                        "Cast: invalid 'to' type ", v);
      to_ = static_cast<DataType>(v);
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    Tensor* y = ctx.Output(0, x.Shape(), to_);
    CastTensor(ctx, x, *y);
  }

 private:
  DataType to_ = DataType::kUndefined;
};

class CastLikeKernel final : public OpKernel {
 public:
  explicit CastLikeKernel(const OpKernelInfo& info) : OpKernel(info) {}

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const Tensor& like = ctx.RequiredInput(1);
    Tensor* y = ctx.Output(0, x.Shape(), like.GetElementType());
    CastTensor(ctx, x, *y);
  }
};

ONNX_CPU_KERNEL(Cast, 1, CastKernel, KernelDefBuilder())
ONNX_CPU_KERNEL(CastLike, 15, CastLikeKernel, KernelDefBuilder())

}  // namespace
}  // namespace ortlite
