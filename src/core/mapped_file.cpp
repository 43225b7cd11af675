#include "fwprov/core/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "io_error.hpp"

namespace fwprov {

MappedFile::MappedFile(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) detail::throw_io_error(path, "cannot open");
  struct stat info {};
  bool regular = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_size > 0;
  if (regular) {
    void* mapping = ::mmap(nullptr, static_cast<std::size_t>(info.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (mapping != MAP_FAILED) {
      mapping_ = mapping;
      size_ = static_cast<std::size_t>(info.st_size);
    }
  }
  if (!mapping_) {
    try {  // from this descriptor: a pipe's data is gone once its one reader closes it
      read_open_file(fd, path, [this](std::size_t size) { copy_.resize(size); return copy_.data(); });
    } catch (...) {
      ::close(fd);
      throw;
    }
  }
  ::close(fd);
}

MappedFile::~MappedFile() { release(); }

MappedFile::MappedFile(MappedFile&& other) noexcept
    : mapping_(std::exchange(other.mapping_, nullptr)), size_(std::exchange(other.size_, 0)), copy_(std::move(other.copy_)) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    release();
    mapping_ = std::exchange(other.mapping_, nullptr);
    size_ = std::exchange(other.size_, 0);
    copy_ = std::move(other.copy_);
  }
  return *this;
}

void MappedFile::release() noexcept {
  if (mapping_) ::munmap(mapping_, size_);
  mapping_ = nullptr;
  size_ = 0;
}

}  // namespace fwprov
