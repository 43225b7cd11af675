#pragma once
// Fast whole-file read for the nvs library (one sized read instead of a byte iterator).
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

#include "fwprov/core/error.hpp"

namespace fwprov::nvs::detail {

// Reads `path` into a string; throws Io error naming the file.
inline std::string read_whole_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorKind::Io, SourceLocation{path.string()}, "is a directory, expected a file");
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("cannot open: ") + std::strerror(errno));
  std::string data;
  char buffer[65536];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, file)) > 0) data.append(buffer, got);
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "read failed");
  return data;
}

}  // namespace fwprov::nvs::detail
