// Tensor dimensions. A dimension of -1 is unknown (only in inferred, not in runtime, shapes).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace ortlite {

class TensorShape {
 public:
  TensorShape() = default;
  TensorShape(std::vector<int64_t> dims) : dims_(std::move(dims)) {}  // NOLINT: implicit by design
  TensorShape(std::initializer_list<int64_t> dims) : dims_(dims) {}
  TensorShape(const int64_t* dims, size_t n) : dims_(dims, dims + n) {}

  size_t NumDimensions() const { return dims_.size(); }
  int64_t operator[](size_t i) const { return dims_[i]; }
  int64_t& operator[](size_t i) { return dims_[i]; }
  const std::vector<int64_t>& GetDims() const { return dims_; }
  std::vector<int64_t>& MutableDims() { return dims_; }

  // Product of all dimensions (1 for a scalar, 0 if any dimension is 0).
  int64_t Size() const { return SizeFromDimension(0); }
  int64_t SizeFromDimension(size_t start) const { return SizeHelper(start, dims_.size()); }
  int64_t SizeToDimension(size_t end) const { return SizeHelper(0, end); }
  int64_t SizeHelper(size_t start, size_t end) const {
    int64_t s = 1;
    for (size_t i = start; i < end && i < dims_.size(); ++i) s *= dims_[i];
    return s;
  }
  bool operator==(const TensorShape& o) const { return dims_ == o.dims_; }
  bool operator!=(const TensorShape& o) const { return dims_ != o.dims_; }
  std::string ToString() const {
    std::string s = "{";
    for (size_t i = 0; i < dims_.size(); ++i) {
      if (i) s += ",";
      s += std::to_string(dims_[i]);
    }
    return s + "}";
  }

 private:
  std::vector<int64_t> dims_;
};

// Maps a possibly negative axis into [0, rank); throws naming `what` if out of range.
int64_t HandleNegativeAxis(int64_t axis, int64_t rank, const char* what = "axis");

}  // namespace ortlite
