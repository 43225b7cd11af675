#include "flash_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace fwprov::sim {

FlashFile::FlashFile(const std::filesystem::path& path, std::uint32_t size) : size_(size) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error(path.string() + ": " + std::strerror(errno));
  struct stat st {};
  ::fstat(fd, &st);
  auto existing = static_cast<std::uint64_t>(st.st_size);
  if (existing > size) {
    ::close(fd);
    throw std::runtime_error(path.string() + ": file is larger than --flash-size");
  }
  if (existing < size) {  // fresh flash reads 0xFF
    std::vector<std::uint8_t> blank(size - existing, 0xFF);
    if (::pwrite(fd, blank.data(), blank.size(), static_cast<off_t>(existing)) != static_cast<ssize_t>(blank.size())) {
      ::close(fd);
      throw std::runtime_error(path.string() + ": cannot extend: " + std::strerror(errno));
    }
  }
  void* map = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) throw std::runtime_error(path.string() + ": mmap failed: " + std::strerror(errno));
  data_ = static_cast<std::uint8_t*>(map);
}

FlashFile::~FlashFile() {
  ::msync(data_, size_, MS_SYNC);
  ::munmap(data_, size_);
}

void FlashFile::erase(std::uint32_t offset, std::uint32_t length) {
  if (length == 0) return;
  std::uint64_t start = offset / 0x1000 * 0x1000;
  std::uint64_t end = (static_cast<std::uint64_t>(offset) + length + 0xFFF) / 0x1000 * 0x1000;
  if (end > size_) end = size_;
  std::memset(data_ + start, 0xFF, end - start);
}

void FlashFile::program(std::uint32_t offset, ByteView bytes) {
  std::uint8_t* target = data_ + offset;
  for (std::size_t i = 0; i < bytes.size(); ++i) target[i] &= bytes[i];
}

}  // namespace fwprov::sim
