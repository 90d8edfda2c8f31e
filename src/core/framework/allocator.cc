#include "core/framework/allocator.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>

#include <sys/mman.h>

#include "core/common/status.h"

namespace ortlite {

std::string OrtDevice::ToString() const {
  static const char* names[] = {"Cpu", "Gpu", "Fpga", "Npu", "Other"};
  return MakeString(names[type >= 0 && type <= kOther ? type : kOther], ":", id);
}

CpuAllocator::CpuAllocator() : IAllocator(MemoryInfo{"Cpu", OrtDevice{}}) {}

void* CpuAllocator::Alloc(size_t bytes) {
  const size_t rounded = (bytes + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  void* p = std::aligned_alloc(kBufferAlignment, rounded == 0 ? kBufferAlignment : rounded);
  if (!p) ThrowError(ErrorCode::kFail, "CPU allocation of ", bytes, " bytes failed");
  return p;
}

void CpuAllocator::Free(void* p) { std::free(p); }

AllocatorPtr GetCpuAllocator() {
  static AllocatorPtr alloc = std::make_shared<CpuAllocator>();
  return alloc;
}

PageAllocator::PageAllocator() : IAllocator(MemoryInfo{"Cpu", OrtDevice{}}) {}

namespace {
// Sizes of live page allocations (munmap needs them).
std::mutex& PageMutex() {
  static std::mutex m;
  return m;
}
std::unordered_map<void*, size_t>& PageSizes() {
  static auto* sizes = new std::unordered_map<void*, size_t>();
  return *sizes;
}
}  // namespace

void* PageAllocator::Alloc(size_t bytes) {
  const size_t size = bytes == 0 ? 1 : bytes;
  // Populated at once: the buffers are filled right away, and one call beats a fault per page.
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED) ThrowError(ErrorCode::kFail, "CPU allocation of ", bytes, " bytes failed");
  std::lock_guard<std::mutex> lock(PageMutex());
  PageSizes()[p] = size;
  return p;
}

void PageAllocator::Free(void* p) {
  if (!p) return;
  size_t size = 0;
  {
    std::lock_guard<std::mutex> lock(PageMutex());
    auto it = PageSizes().find(p);
    if (it == PageSizes().end()) return;
    size = it->second;
    PageSizes().erase(it);
  }
  ::munmap(p, size);
}

AllocatorPtr GetPageAllocator() {
  static AllocatorPtr alloc = std::make_shared<PageAllocator>();
  return alloc;
}

}  // namespace ortlite
