#pragma once
// Whole-file reads with errors that name the file.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

Bytes read_file(const std::filesystem::path& path);
std::string read_text_file(const std::filesystem::path& path);

// Reads an already open file to its end (a pipe can be opened only once). `resize(n)` makes the
// caller's buffer n bytes long and returns its start; it is last called with the final size.
// `path` names the file in errors.
void read_open_file(int fd, const std::filesystem::path& path, const std::function<std::uint8_t*(std::size_t)>& resize);

}  // namespace fwprov
