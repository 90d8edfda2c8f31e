// Error reporting for ortlite: a Status value for API boundaries and an exception type that
// carries the same code through kernel and graph code. Codes match ORT's OrtErrorCode values.
#pragma once
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace ortlite {

enum class ErrorCode : int {
  kOk = 0,
  kFail = 1,
  kInvalidArgument = 2,
  kNoSuchFile = 3,
  kNoModel = 4,
  kEngineError = 5,
  kRuntimeException = 6,
  kInvalidProtobuf = 7,
  kModelLoaded = 8,
  kNotImplemented = 9,
  kInvalidGraph = 10,
  kEpFail = 11,
};

class Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string msg) : code_(code), msg_(std::move(msg)) {}
  static Status OK() { return Status(); }
  bool IsOK() const { return code_ == ErrorCode::kOk; }
  ErrorCode Code() const { return code_; }
  const std::string& ErrorMessage() const { return msg_; }
  std::string ToString() const { return IsOK() ? "OK" : msg_; }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string msg_;
};

// Thrown by graph, planner and kernel code; caught at the session boundary and turned into a
// Status (or an Ort::Exception in the C++ API).
class OrtliteError : public std::runtime_error {
 public:
  OrtliteError(ErrorCode code, const std::string& msg) : std::runtime_error(msg), code_(code) {}
  ErrorCode Code() const { return code_; }

 private:
  ErrorCode code_;
};

namespace detail {
inline void StreamAll(std::ostringstream&) {}
template <typename T, typename... Rest>
void StreamAll(std::ostringstream& os, const T& first, const Rest&... rest) {
  os << first;
  StreamAll(os, rest...);
}
}  // namespace detail

template <typename... Args>
std::string MakeString(const Args&... args) {
  std::ostringstream os;
  detail::StreamAll(os, args...);
  return os.str();
}

template <typename... Args>
[[noreturn]] void ThrowError(ErrorCode code, const Args&... args) {
  throw OrtliteError(code, MakeString(args...));
}

}  // namespace ortlite

// ORTLITE_ENFORCE(cond, message parts...) throws kFail with the message when cond is false.
#define ORTLITE_ENFORCE(cond, ...)                                                          \
  do {                                                                                      \
    if (!(cond)) ::ortlite::ThrowError(::ortlite::ErrorCode::kFail, __VA_ARGS__);           \
  } while (0)

// Argument checks inside kernels: the input data violates the operator's contract.
#define ORTLITE_CHECK_ARG(cond, ...)                                                        \
  do {                                                                                      \
    if (!(cond)) ::ortlite::ThrowError(::ortlite::ErrorCode::kInvalidArgument, __VA_ARGS__); \
  } while (0)

#define ORTLITE_THROW(...) ::ortlite::ThrowError(::ortlite::ErrorCode::kFail, __VA_ARGS__)

#define ORTLITE_RETURN_IF_ERROR(expr)      \
  do {                                     \
    ::ortlite::Status _st = (expr);        \
    if (!_st.IsOK()) return _st;           \
  } while (0)
