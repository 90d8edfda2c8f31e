#include "core/graph/payload_lifting.h"

#include <cstdint>

namespace ortlite {

namespace {

// Field numbers of onnx.proto that lead to initializers, and those of TensorProto the lifting
// reads or writes.
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphNode = 1, kGraphInitializer = 5;
constexpr uint32_t kNodeAttribute = 5;
constexpr uint32_t kAttributeGraph = 6, kAttributeGraphs = 11;
constexpr uint32_t kTensorRawData = 9, kTensorExternalData = 13, kTensorDataLocation = 14;
constexpr uint32_t kEntryKey = 1, kEntryValue = 2;
constexpr uint64_t kLocationExternal = 1;

constexpr int kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;
constexpr int kMaxDepth = 64;

enum class Message { kModel, kGraph, kNode, kAttribute, kTensor, kNone };

// The message type a length-delimited field holds when it can contain initializers.
Message ChildOf(Message parent, uint32_t field) {
  switch (parent) {
    case Message::kModel: return field == kModelGraph ? Message::kGraph : Message::kNone;
    case Message::kGraph:
      return field == kGraphNode ? Message::kNode : field == kGraphInitializer ? Message::kTensor : Message::kNone;
    case Message::kNode: return field == kNodeAttribute ? Message::kAttribute : Message::kNone;
    case Message::kAttribute:
      return field == kAttributeGraph || field == kAttributeGraphs ? Message::kGraph : Message::kNone;
    default: return Message::kNone;
  }
}

struct Field {
  uint32_t number = 0;
  int wire_type = 0;
  const uint8_t* begin = nullptr;    // the tag
  const uint8_t* content = nullptr;  // length-delimited: the bytes after the length
  size_t length = 0;                 // length-delimited: their count
  const uint8_t* end = nullptr;      // one past the field
};

bool ReadVarint(const uint8_t*& p, const uint8_t* end, uint64_t* value) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return false;
    const uint8_t b = *p++;
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) {
      *value = v;
      return true;
    }
  }
  return false;
}

// Reads the field at `p`; false on malformed data (including groups, which ONNX never uses).
bool ReadField(const uint8_t*& p, const uint8_t* end, Field* f) {
  f->begin = p;
  uint64_t tag = 0;
  if (!ReadVarint(p, end, &tag) || (tag >> 3) == 0 || (tag >> 3) > UINT32_MAX) return false;
  f->number = static_cast<uint32_t>(tag >> 3);
  f->wire_type = static_cast<int>(tag & 7);
  uint64_t scratch = 0;
  switch (f->wire_type) {
    case kVarint:
      if (!ReadVarint(p, end, &scratch)) return false;
      break;
    case kFixed64:
      if (end - p < 8) return false;
      p += 8;
      break;
    case kFixed32:
      if (end - p < 4) return false;
      p += 4;
      break;
    case kLengthDelimited:
      if (!ReadVarint(p, end, &scratch) || scratch > static_cast<uint64_t>(end - p)) return false;
      f->content = p;
      f->length = static_cast<size_t>(scratch);
      p += scratch;
      break;
    default:
      return false;
  }
  f->end = p;
  return true;
}

void WriteVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void WriteLengthDelimited(std::string& out, uint32_t field, const char* data, size_t size) {
  WriteVarint(out, (static_cast<uint64_t>(field) << 3) | kLengthDelimited);
  WriteVarint(out, size);
  out.append(data, size);
}

class Lifter {
 public:
  Lifter(const uint8_t* base, size_t min_bytes, LiftedPayloads* result)
      : base_(base), min_bytes_(min_bytes), result_(result) {}

  // Appends message `kind` held in [p, end) to `out` with the payloads inside lifted. `lifted`
  // tells whether anything changed (if not, the caller may reuse the original bytes).
  bool Rewrite(Message kind, const uint8_t* p, const uint8_t* end, int depth, std::string& out, bool* lifted) {
    if (depth > kMaxDepth) return false;
    *lifted = false;
    Field f;
    while (p < end) {
      if (!ReadField(p, end, &f)) return false;
      const Message child = f.wire_type == kLengthDelimited ? ChildOf(kind, f.number) : Message::kNone;
      bool child_lifted = false;
      std::string rewritten;
      if (child == Message::kTensor) {
        if (!RewriteTensor(f.content, f.content + f.length, rewritten, &child_lifted)) return false;
      } else if (child != Message::kNone) {
        if (!Rewrite(child, f.content, f.content + f.length, depth + 1, rewritten, &child_lifted)) return false;
      }
      if (child_lifted) {
        WriteLengthDelimited(out, f.number, rewritten.data(), rewritten.size());
        *lifted = true;
      } else {
        out.append(reinterpret_cast<const char*>(f.begin), static_cast<size_t>(f.end - f.begin));
      }
    }
    return true;
  }

 private:
  // A TensorProto: lifts its raw_data when it is large and the tensor says nothing else about
  // where its data is.
  bool RewriteTensor(const uint8_t* p, const uint8_t* end, std::string& out, bool* lifted) {
    *lifted = false;
    Field f, raw;
    int raw_fields = 0;
    bool has_location = false;
    for (const uint8_t* q = p; q < end;) {
      if (!ReadField(q, end, &f)) return false;
      if (f.number == kTensorRawData && f.wire_type == kLengthDelimited) {
        raw = f;
        ++raw_fields;
      }
      has_location |= f.number == kTensorExternalData || f.number == kTensorDataLocation;
    }
    if (raw_fields != 1 || has_location || raw.length < min_bytes_) return true;

    for (const uint8_t* q = p; q < end;) {
      ReadField(q, end, &f);
      if (f.begin != raw.begin) out.append(reinterpret_cast<const char*>(f.begin), static_cast<size_t>(f.end - f.begin));
    }
    const std::string index = std::to_string(result_->slices.size());
    std::string entry;
    WriteLengthDelimited(entry, kEntryKey, kLiftedSliceKey, std::char_traits<char>::length(kLiftedSliceKey));
    WriteLengthDelimited(entry, kEntryValue, index.data(), index.size());
    WriteLengthDelimited(out, kTensorExternalData, entry.data(), entry.size());
    WriteVarint(out, (static_cast<uint64_t>(kTensorDataLocation) << 3) | kVarint);
    WriteVarint(out, kLocationExternal);
    result_->slices.push_back({static_cast<size_t>(raw.content - base_), raw.length});
    *lifted = true;
    return true;
  }

  const uint8_t* base_;
  size_t min_bytes_;
  LiftedPayloads* result_;
};

}  // namespace

bool LiftLargePayloads(const char* data, size_t size, size_t min_bytes, LiftedPayloads* out) {
  out->compact.clear();
  out->slices.clear();
  const auto* begin = reinterpret_cast<const uint8_t*>(data);
  Lifter lifter(begin, min_bytes, out);
  bool lifted = false;
  if (!lifter.Rewrite(Message::kModel, begin, begin + size, 0, out->compact, &lifted) || !lifted) {
    out->compact.clear();
    out->compact.shrink_to_fit();
    out->slices.clear();
    return false;
  }
  return true;
}

}  // namespace ortlite
