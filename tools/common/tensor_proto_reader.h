// Reads an ONNX TensorProto file (the input_N.pb / output_N.pb of a test_data_set_N directory)
// without a protobuf library, for programs that link only the runtime (perf_test, the examples). Handles the fields ONNX test
// data uses (dims, data_type, name, raw_data and the typed *_data fields); external data is not
// supported.
#pragma once
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace test_data {

struct TensorData {
  std::string name;
  int32_t data_type = 0;                 // ONNXTensorElementDataType values
  std::vector<int64_t> dims;
  std::vector<uint8_t> bytes;            // little-endian elements (non-string types)
  std::vector<std::string> strings;      // string tensors

  int64_t ElementCount() const {
    int64_t n = 1;
    for (int64_t d : dims) n *= d;
    return n;
  }
  template <typename T>
  std::vector<T> As() const {
    std::vector<T> out(bytes.size() / sizeof(T));
    if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
    return out;
  }
};

inline size_t ElementSize(int32_t type) {
  switch (type) {
    case 2: case 3: case 9: return 1;            // uint8, int8, bool
    case 4: case 5: case 10: case 16: return 2;  // uint16, int16, float16, bfloat16
    case 1: case 6: case 12: return 4;           // float, int32, uint32
    case 7: case 11: case 13: case 14: return 8; // int64, double, uint64, complex64
    case 15: return 16;                          // complex128
    default: return 0;
  }
}

namespace detail {

class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  bool Done() const { return p_ >= end_; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) throw std::runtime_error("truncated TensorProto");
      const uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw std::runtime_error("bad varint in TensorProto");
  }
  template <typename T>
  T Fixed() {
    Need(sizeof(T));
    T v;
    std::memcpy(&v, p_, sizeof(T));
    p_ += sizeof(T);
    return v;
  }
  Reader Sub() {
    const size_t n = static_cast<size_t>(Varint());
    Need(n);
    Reader r(p_, n);
    p_ += n;
    return r;
  }
  std::string Bytes() {
    Reader r = Sub();
    return std::string(reinterpret_cast<const char*>(r.p_), r.end_ - r.p_);
  }
  void Skip(int wire_type) {
    switch (wire_type) {
      case 0: Varint(); break;
      case 1: Need(8); p_ += 8; break;
      case 2: Sub(); break;
      case 5: Need(4); p_ += 4; break;
      default: throw std::runtime_error("unsupported wire type in TensorProto");
    }
  }

 private:
  void Need(size_t n) const {
    if (static_cast<size_t>(end_ - p_) < n) throw std::runtime_error("truncated TensorProto");
  }
  const uint8_t* p_;
  const uint8_t* end_;
};

// A repeated numeric field, packed (wire type 2) or not.
template <typename T, typename ReadOne>
void ReadRepeated(Reader& r, int wire_type, std::vector<T>& out, ReadOne read_one) {
  if (wire_type == 2) {
    Reader sub = r.Sub();
    while (!sub.Done()) out.push_back(static_cast<T>(read_one(sub)));
  } else {
    out.push_back(static_cast<T>(read_one(r)));
  }
}

template <typename T>
void Append(std::vector<uint8_t>& bytes, T v, size_t size) {
  const size_t at = bytes.size();
  bytes.resize(at + size);
  std::memcpy(bytes.data() + at, &v, size);  // little-endian host: the low bytes
}

}  // namespace detail

inline TensorData ParseTensorProto(const std::string& buffer) {
  using detail::Reader;
  TensorData t;
  std::vector<float> floats;
  std::vector<int64_t> int32s, int64s;
  std::vector<double> doubles;
  std::vector<uint64_t> uint64s;
  std::string raw;
  bool has_raw = false;
  Reader r(reinterpret_cast<const uint8_t*>(buffer.data()), buffer.size());
  auto varint = [](Reader& x) { return x.Varint(); };
  while (!r.Done()) {
    const uint64_t key = r.Varint();
    const int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
    switch (field) {
      case 1: detail::ReadRepeated(r, wire, t.dims, varint); break;
      case 2: t.data_type = static_cast<int32_t>(r.Varint()); break;
      case 4: detail::ReadRepeated(r, wire, floats, [](Reader& x) { return x.Fixed<float>(); }); break;
      case 5: detail::ReadRepeated(r, wire, int32s, [](Reader& x) { return static_cast<int32_t>(x.Varint()); }); break;
      case 6: t.strings.push_back(r.Bytes()); break;
      case 7: detail::ReadRepeated(r, wire, int64s, [](Reader& x) { return static_cast<int64_t>(x.Varint()); }); break;
      case 8: t.name = r.Bytes(); break;
      case 9: raw = r.Bytes(); has_raw = true; break;
      case 10: detail::ReadRepeated(r, wire, doubles, [](Reader& x) { return x.Fixed<double>(); }); break;
      case 11: detail::ReadRepeated(r, wire, uint64s, varint); break;
      case 13: throw std::runtime_error("TensorProto with external data is not supported");
      default: r.Skip(wire); break;
    }
  }
  if (t.data_type == 8) return t;  // strings
  const size_t size = ElementSize(t.data_type);
  if (size == 0) throw std::runtime_error("unsupported TensorProto data type " + std::to_string(t.data_type));
  if (has_raw) {
    t.bytes.assign(raw.begin(), raw.end());
  } else {
    switch (t.data_type) {
      case 1: case 14: for (float v : floats) detail::Append(t.bytes, v, 4); break;
      case 11: case 15: for (double v : doubles) detail::Append(t.bytes, v, 8); break;
      case 7: for (int64_t v : int64s) detail::Append(t.bytes, v, 8); break;
      case 12: case 13: for (uint64_t v : uint64s) detail::Append(t.bytes, v, size); break;
      default: for (int64_t v : int32s) detail::Append(t.bytes, v, size); break;
    }
  }
  if (t.bytes.size() != static_cast<size_t>(t.ElementCount()) * size) {
    throw std::runtime_error("TensorProto '" + t.name + "' holds " + std::to_string(t.bytes.size()) +
                             " bytes, its shape needs " + std::to_string(t.ElementCount() * size));
  }
  return t;
}

inline TensorData ReadTensorProtoFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  std::string buffer((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    return ParseTensorProto(buffer);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

inline bool FileExists(const std::string& path) { return static_cast<bool>(std::ifstream(path)); }

inline std::string DirName(const std::string& path) {
  const auto pos = path.find_last_of('/');
  return pos == std::string::npos ? std::string(".") : path.substr(0, pos);
}

}  // namespace test_data
