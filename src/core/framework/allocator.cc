#include "core/framework/allocator.h"

#include <cstdlib>
#include <new>

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

}  // namespace ortlite
