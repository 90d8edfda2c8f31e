// Memory: devices, allocators and the 64-byte-aligned CPU allocator.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ortlite {

constexpr size_t kBufferAlignment = 64;

// Where a buffer lives. Host memory is kCpu; other device types are used by execution providers
// that own memory the CPU must not read directly (copies are inserted at the boundaries).
struct OrtDevice {
  enum Type : int16_t { kCpu = 0, kGpu = 1, kFpga = 2, kNpu = 3, kOther = 4 };
  Type type = kCpu;
  int16_t id = 0;
  bool operator==(const OrtDevice& o) const { return type == o.type && id == o.id; }
  bool operator!=(const OrtDevice& o) const { return !(*this == o); }
  bool operator<(const OrtDevice& o) const { return type != o.type ? type < o.type : id < o.id; }
  std::string ToString() const;
};

struct MemoryInfo {
  std::string name = "Cpu";
  OrtDevice device;
  bool operator==(const MemoryInfo& o) const { return name == o.name && device == o.device; }
};

class IAllocator {
 public:
  explicit IAllocator(MemoryInfo info) : info_(std::move(info)) {}
  virtual ~IAllocator() = default;
  // Returns a buffer of at least `bytes` bytes, 64-byte aligned; throws on failure. Alloc(0) may
  // return a non-null pointer that must still be passed to Free.
  virtual void* Alloc(size_t bytes) = 0;
  virtual void Free(void* p) = 0;
  const MemoryInfo& Info() const { return info_; }

 private:
  MemoryInfo info_;
};
using AllocatorPtr = std::shared_ptr<IAllocator>;

// Aligned heap allocator for host memory. Counts live and peak bytes for reports.
class CpuAllocator : public IAllocator {
 public:
  CpuAllocator();
  void* Alloc(size_t bytes) override;
  void Free(void* p) override;
};

// The process-wide host allocator.
AllocatorPtr GetCpuAllocator();

// Host memory in whole pages straight from the kernel, for large buffers that live long or die
// in an order the heap cannot follow, such as aligned copies of weights that are freed once
// pre-packed: freeing returns the pages at once instead of leaving a hole in the heap. Same
// MemoryInfo as the CPU allocator.
class PageAllocator : public IAllocator {
 public:
  PageAllocator();
  void* Alloc(size_t bytes) override;
  void Free(void* p) override;
};
AllocatorPtr GetPageAllocator();

}  // namespace ortlite
