#pragma once
// How gen_esp32part.py turns file bytes into lines: BOM-aware decoding, Python's
// splitlines(), os.path.expandvars. Internal to the partitions library.
#include <string>
#include <string_view>
#include <vector>

namespace fwprov::partitions::detail {

// UTF-8 text; a UTF-8 BOM is dropped, UTF-16/32 text with a BOM is converted to UTF-8.
// Throws Error(Input) naming `file` when UTF-16/32 text does not decode.
std::string decode_text(std::string_view text, const std::string& file);

// Python str.splitlines() for the ASCII line boundaries (\n, \r\n, \r, \v, \f, \x1c-\x1e).
std::vector<std::string_view> split_lines(std::string_view text);

// $name and ${name} replaced from the environment when set, left alone otherwise.
std::string expand_vars(std::string_view line);

bool is_word_char(char c);

}  // namespace fwprov::partitions::detail
