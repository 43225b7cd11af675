#pragma once
// UTF-8 as Python's bytes.decode('utf-8') sees it: the reference tools decode their inputs that
// way, so what they refuse is what fwprov refuses (overlong forms, surrogates, > U+10FFFF).
#include <cstddef>
#include <string_view>

namespace fwprov {

// False for anything Python's strict decoder refuses; `bad_at` (when given) gets the byte
// offset of the first character that does not decode.
bool is_valid_utf8(std::string_view text, std::size_t* bad_at = nullptr);

// Characters of valid UTF-8 (what Python's len() counts), not bytes.
std::size_t utf8_character_count(std::string_view text);

}  // namespace fwprov
