#pragma once
// Fast whole-file read for the nvs library: one sized read instead of a byte iterator.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "fwprov/core/error.hpp"

namespace fwprov::nvs::detail {

// Reads `path` into a std::string or Bytes; throws Io error naming the file.
template <typename Container = std::string>
Container read_whole_file(const std::filesystem::path& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("cannot open: ") + std::strerror(errno));
  struct stat info {};
  if (::fstat(::fileno(file), &info) != 0 || S_ISDIR(info.st_mode)) {
    std::fclose(file);
    throw Error(ErrorKind::Io, SourceLocation{path.string()}, "is a directory or unreadable, expected a file");
  }
  Container data;
  data.resize(static_cast<std::size_t>(info.st_size));
  std::size_t got = data.empty() ? 0 : std::fread(data.data(), 1, data.size(), file);
  // Files that grow or lie about their size (pipes, /proc) are read to the end.
  char buffer[65536];
  std::size_t more;
  data.resize(got);
  while ((more = std::fread(buffer, 1, sizeof buffer, file)) > 0) data.insert(data.end(), buffer, buffer + more);
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "read failed");
  return data;
}

}  // namespace fwprov::nvs::detail
