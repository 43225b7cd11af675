#include "fwprov/core/file_io.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "fwprov/core/error.hpp"

namespace fwprov {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};

// One sized read instead of a byte iterator (the batch stages read thousands of files).
template <typename Container>
Container read_whole(const std::filesystem::path& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(::fileno(file.get()), &info) != 0)
    throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("cannot stat: ") + std::strerror(errno));
  if (S_ISDIR(info.st_mode)) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "is a directory, expected a file");
  Container data;
  data.resize(static_cast<std::size_t>(info.st_size));
  std::size_t got = data.empty() ? 0 : std::fread(data.data(), 1, data.size(), file.get());
  data.resize(got);
  // Files that grow or lie about their size (pipes, /proc) are read to the end.
  char buffer[65536];
  std::size_t more;
  while ((more = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) data.insert(data.end(), buffer, buffer + more);
  if (std::ferror(file.get()) != 0) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "read failed");
  return data;
}

}  // namespace

Bytes read_file(const std::filesystem::path& path) { return read_whole<Bytes>(path); }

std::string read_text_file(const std::filesystem::path& path) { return read_whole<std::string>(path); }

}  // namespace fwprov
