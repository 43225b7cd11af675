#pragma once
// Whole-file reads with errors that name the file.
#include <filesystem>
#include <string>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

Bytes read_file(const std::filesystem::path& path);
std::string read_text_file(const std::filesystem::path& path);

}  // namespace fwprov
