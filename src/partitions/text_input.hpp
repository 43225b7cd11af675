#pragma once
// How gen_esp32part.py turns file bytes into lines: BOM-aware decoding, Python's
// splitlines(), os.path.expandvars. Internal to the partitions library.
#include <string>
#include <string_view>
#include <vector>

namespace fwprov::partitions::detail {

// UTF-8 text; a UTF-8 BOM is dropped, UTF-16/32 text with a BOM is converted to UTF-8.
// Throws Error(Input) naming `file` (and the line) where Python's decoder fails: invalid
// UTF-8, undecodable UTF-16/32, and every UTF-32-LE file (see text_input.cpp).
std::string decode_text(std::string_view text, const std::string& file);


// Python str.splitlines() on UTF-8 text: \n, \r\n, \r, \v, \f, \x1c-\x1e, U+0085, U+2028, U+2029.
std::vector<std::string_view> split_lines(std::string_view text);

// Python str.strip() on UTF-8 text: every character str.isspace() accepts, ASCII (\t-\r,
// \x1c-\x1f, space) and Unicode (U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029,
// U+202F, U+205F, U+3000).
std::string_view python_strip(std::string_view text);

// $name and ${name} replaced from the environment when set, left alone otherwise.
std::string expand_vars(std::string_view line);

bool is_word_char(char c);

}  // namespace fwprov::partitions::detail
