// StringNormalizer (opset 10): drops stop words from a [C] or [1, C] string tensor, then lower- or
// upper-cases what is left.
//
// Case mapping works on Unicode code points decoded from UTF-8, with the wide ctype facet of the
// requested locale. When no suitable locale is installed it falls back to a UTF-8 locale of the
// C library, and finally to ASCII-only mapping. Strings that are not valid UTF-8 only get their
// ASCII letters mapped.
#include <locale>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/framework/kernel_registry.h"

namespace ortlite {
namespace {

enum class CaseAction { kNone, kLower, kUpper };

// Decodes UTF-8 into code points; false on malformed input (overlong forms, surrogates, truncation).
bool DecodeUtf8(const std::string& s, std::u32string& out) {
  out.clear();
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    char32_t cp;
    size_t len;
    if (b0 < 0x80) {
      cp = b0;
      len = 1;
    } else if ((b0 & 0xE0) == 0xC0) {
      cp = b0 & 0x1F;
      len = 2;
    } else if ((b0 & 0xF0) == 0xE0) {
      cp = b0 & 0x0F;
      len = 3;
    } else if ((b0 & 0xF8) == 0xF0) {
      cp = b0 & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3F);
    }
    static const char32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    out.push_back(cp);
    i += len;
  }
  return true;
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Maps letter case with a locale's wide ctype facet, or ASCII-only without one.
class CaseMapper {
 public:
  explicit CaseMapper(const std::string& requested) {
    std::vector<std::string> names;
    if (!requested.empty()) {
      names.push_back(requested);
      if (requested.find('.') == std::string::npos) {
        names.push_back(requested + ".UTF-8");
        names.push_back(requested + ".utf8");
      }
    }
    for (const char* n : {"en_US.UTF-8", "C.UTF-8", "C.utf8"}) names.emplace_back(n);
    for (const auto& name : names) {
      try {
        locale_ = std::make_unique<std::locale>(name.c_str());
        facet_ = &std::use_facet<std::ctype<wchar_t>>(*locale_);
        return;
      } catch (const std::exception&) {
        // Not installed here; try the next candidate.
      }
    }
  }

  std::string Map(const std::string& s, CaseAction action) const {
    if (action == CaseAction::kNone) return s;
    const bool upper = action == CaseAction::kUpper;
    std::u32string cps;
    if (facet_ && sizeof(wchar_t) >= 4 && DecodeUtf8(s, cps)) {
      std::string out;
      out.reserve(s.size());
      for (char32_t cp : cps) {
        const auto wc = static_cast<wchar_t>(cp);
        const wchar_t mapped = upper ? facet_->toupper(wc) : facet_->tolower(wc);
        const auto mcp = static_cast<char32_t>(mapped);
        AppendUtf8(mcp <= 0x10FFFF && !(mcp >= 0xD800 && mcp <= 0xDFFF) ? mcp : cp, out);
      }
      return out;
    }
    std::string out = s;
    for (char& c : out) {
      if (upper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
      if (!upper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
  }

 private:
  std::unique_ptr<std::locale> locale_;
  const std::ctype<wchar_t>* facet_ = nullptr;
};

class StringNormalizerKernel final : public OpKernel {
 public:
  explicit StringNormalizerKernel(const OpKernelInfo& info)
      : OpKernel(info), mapper_(info.GetAttrOrDefault<std::string>("locale", "en_US")) {
    const std::string action = info.GetAttrOrDefault<std::string>("case_change_action", "NONE");
    if (action == "LOWER") {
      action_ = CaseAction::kLower;
    } else if (action == "UPPER") {
      action_ = CaseAction::kUpper;
    } else {
      ORTLITE_CHECK_ARG(action == "NONE", "case_change_action must be LOWER, UPPER or NONE, got '", action, "'");
    }
    case_sensitive_ = info.GetAttrOrDefault<int64_t>("is_case_sensitive", 0) != 0;
    for (const auto& w : info.GetAttrOrDefault<std::vector<std::string>>("stopwords", {})) {
      stopwords_.insert(case_sensitive_ ? w : mapper_.Map(w, CaseAction::kLower));
    }
  }

  void Compute(OpKernelContext& ctx) const override {
    const Tensor& x = ctx.RequiredInput(0);
    const auto& dims = x.Shape();
    const bool two_d = dims.NumDimensions() == 2;
    ORTLITE_CHECK_ARG(dims.NumDimensions() == 1 || (two_d && dims[0] == 1),
                      "input must have shape [C] or [1, C], got ", dims.ToString());
    const int64_t n = x.NumElements();
    const std::string* in = x.Data<std::string>();

    std::vector<std::string> kept;
    kept.reserve(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) {
      if (!stopwords_.empty()) {
        const std::string key = case_sensitive_ ? in[i] : mapper_.Map(in[i], CaseAction::kLower);
        if (stopwords_.count(key)) continue;
      }
      kept.push_back(mapper_.Map(in[i], action_));
    }
    // With every element dropped the output is a single empty string.
    if (kept.empty()) kept.emplace_back();

    const auto count = static_cast<int64_t>(kept.size());
    Tensor* y = ctx.Output(0, two_d ? TensorShape({1, count}) : TensorShape({count}), DataType::kString);
    std::string* out = y->MutableData<std::string>();
    for (int64_t i = 0; i < count; ++i) out[i] = std::move(kept[i]);
  }

 private:
  CaseMapper mapper_;
  CaseAction action_ = CaseAction::kNone;
  bool case_sensitive_ = false;
  std::unordered_set<std::string> stopwords_;
};

}  // namespace

ONNX_CPU_KERNEL(StringNormalizer, 10, StringNormalizerKernel, KernelDefBuilder())

}  // namespace ortlite
