#pragma once
// Read-only view of a whole file without copying it. A regular file is mapped: the kernel maps
// page-cache pages in batches on access, where reading into a fresh buffer costs a zeroing page
// fault per 4 KiB plus the copy (for `nvs decode` of 1 MiB that was ~250 of its ~860 faults).
// Anything else (pipes, /proc, empty files) is read into memory. The file must not shrink while
// mapped (the process would get SIGBUS), which is fine for the images a command has just named.
#include <filesystem>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);  // Io error naming the file
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  ByteView bytes() const noexcept { return mapping_ ? ByteView(static_cast<const std::uint8_t*>(mapping_), size_) : ByteView(copy_); }

 private:
  void release() noexcept;
  void* mapping_ = nullptr;
  std::size_t size_ = 0;
  Bytes copy_;  // when not mapped
};

}  // namespace fwprov
