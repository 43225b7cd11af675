#pragma once
// The one way core reports a failed system call on a file: an Io error naming the file, with
// what failed and errno's text.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>

#include "fwprov/core/error.hpp"

namespace fwprov::detail {

[[noreturn]] inline void throw_io_error(const std::filesystem::path& path, std::string_view what) {
  throw Error(ErrorKind::Io, SourceLocation{path.string()}, std::string(what) + ": " + std::strerror(errno));
}

}  // namespace fwprov::detail
