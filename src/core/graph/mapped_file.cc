#include "core/graph/mapped_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/common/status.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ortlite {

std::shared_ptr<const MappedFile> MappedFile::Open(const std::string& path, const std::string& what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) ThrowError(ErrorCode::kNoSuchFile, "cannot open ", what, " '", path, "'");
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    ThrowError(ErrorCode::kNoSuchFile, what, " '", path, "' is not a regular file");
  }
  std::shared_ptr<MappedFile> file(new MappedFile());
  file->size_ = static_cast<size_t>(st.st_size);
  file->device_ = static_cast<uint64_t>(st.st_dev);
  file->inode_ = static_cast<uint64_t>(st.st_ino);
  if (file->size_ > 0) {
    void* p = ::mmap(nullptr, file->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      ThrowError(ErrorCode::kNoSuchFile, "cannot map ", what, " '", path, "'");
    }
    file->data_ = static_cast<const char*>(p);
  }
  file->fd_ = fd;
  return file;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<char*>(data_), size_);
  if (fd_ >= 0) ::close(fd_);
}

void MappedFile::CopyTo(size_t offset, size_t length, void* dst) const {
  auto* out = static_cast<char*>(dst);
  size_t done = 0;
  while (done < length) {
    const ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // the mapping still has the bytes
    }
  }
  if (done < length) std::memcpy(out + done, data_ + offset + done, length - done);
}

bool MappedFile::IsFile(const std::string& path) const {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == device_ &&
         static_cast<uint64_t>(st.st_ino) == inode_;
}

void MappedFile::DropPages(size_t offset, size_t length) const {
  if (!data_ || length == 0 || offset >= size_) return;
  static const size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  const size_t begin = offset / page * page;
  const size_t end = std::min(size_, offset + length);
  // Rounding outward may drop a page a neighbouring tensor still reads: it comes back on demand.
  ::madvise(const_cast<char*>(data_) + begin, end - begin, MADV_DONTNEED);
}

}  // namespace ortlite
