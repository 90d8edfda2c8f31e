// MappedFile: a whole file mapped read-only and private, and MappedBytes, a slice of one.
//
// Large initializers are read straight from such mappings instead of being copied, so the page
// cache backs them: pages nobody reads never become resident (most rows of an embedding table),
// and pages whose contents now live elsewhere (an aligned copy, a pre-packed form) can be handed
// back with DropPages. Dropping is always safe: the mapping is never written, so a later read
// faults the page in again from the file.
//
// The file must not be modified in place while mapped (replacing it by rename is fine).
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace ortlite {

class MappedFile {
 public:
  // Maps all of `path`. Throws kNoSuchFile naming `what` and the path when the file cannot be
  // opened, is not a regular file, or cannot be mapped. An empty file gives an empty mapping.
  static std::shared_ptr<const MappedFile> Open(const std::string& path, const std::string& what);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const char* Data() const { return data_; }
  size_t Size() const { return size_; }
  // True if `path` names this very file (same device and inode), e.g. before writing to it.
  bool IsFile(const std::string& path) const;
  // Gives the resident pages overlapping [offset, offset + length) back to the kernel.
  void DropPages(size_t offset, size_t length) const;
  // Copies [offset, offset + length) to `dst` with read(2) rather than through the mapping, so
  // no page of the mapping becomes resident and none needs a fault.
  void CopyTo(size_t offset, size_t length, void* dst) const;

 private:
  MappedFile() = default;
  int fd_ = -1;
  const char* data_ = nullptr;
  size_t size_ = 0;
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
};

// Bytes of a tensor that stay in a mapped file (the model file itself, or an external-data file).
struct MappedBytes {
  std::shared_ptr<const MappedFile> file;
  size_t offset = 0;
  size_t size = 0;

  const char* Data() const { return file ? file->Data() + offset : nullptr; }
  void DropPages() const {
    if (file && size) file->DropPages(offset, size);
  }
  // The bytes as a string, read from the file (see MappedFile::CopyTo).
  std::string ToString() const {
    std::string s(size, '\0');
    if (size) file->CopyTo(offset, size, s.data());
    return s;
  }
};

}  // namespace ortlite
