#include "fwprov/core/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "io_error.hpp"

namespace fwprov {
namespace {

using detail::throw_io_error;

struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

// One sized read instead of a byte iterator (the batch stages read thousands of files).
template <typename Container>
Container read_whole(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io_error(path, "cannot open");
  FdCloser closer{fd};
  Container data;
  read_open_file(fd, path, [&data](std::size_t size) { data.resize(size); return reinterpret_cast<std::uint8_t*>(data.data()); });
  return data;
}

}  // namespace

void read_open_file(int fd, const std::filesystem::path& path, const std::function<std::uint8_t*(std::size_t)>& resize) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) throw_io_error(path, "cannot stat");
  if (S_ISDIR(info.st_mode)) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "is a directory, expected a file");
  // Files that grow or lie about their size (pipes, /proc) are read to the end.
  std::size_t capacity = S_ISREG(info.st_mode) && info.st_size > 0 ? static_cast<std::size_t>(info.st_size) + 1 : 65536;
  std::size_t size = 0;
  std::uint8_t* buffer = resize(capacity);
  for (;;) {
    if (size == capacity) {
      capacity *= 2;
      buffer = resize(capacity);
    }
    ssize_t got = ::read(fd, buffer + size, capacity - size);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw_io_error(path, "read failed");
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  resize(size);
}

Bytes read_file(const std::filesystem::path& path) { return read_whole<Bytes>(path); }

std::string read_text_file(const std::filesystem::path& path) { return read_whole<std::string>(path); }

}  // namespace fwprov
