#include "fwprov/core/file_io.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "fwprov/core/error.hpp"

namespace fwprov {

Bytes read_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error(ErrorKind::Io, SourceLocation{path.string()}, "is a directory, expected a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string("cannot open: ") + std::strerror(errno));
  Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw Error(ErrorKind::Io, SourceLocation{path.string()}, "read failed");
  return data;
}

std::string read_text_file(const std::filesystem::path& path) {
  Bytes data = read_file(path);
  return std::string(data.begin(), data.end());
}

}  // namespace fwprov
