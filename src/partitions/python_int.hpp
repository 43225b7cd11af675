#pragma once
// gen_esp32part.py's parse_int: Python int(text, 0) plus k/K/m/M suffixes (checked first,
// recursively) and keyword lookup. Internal to the partitions library.
#include <cstdint>
#include <optional>
#include <string_view>

#include "fwprov/partitions/keywords.hpp"

namespace fwprov::partitions::detail {

// Python int(text, 0): optional sign, 0x/0o/0b prefixes, '_' between digits, no leading
// zeros in non-zero decimals, surrounding whitespace ignored. nullopt when Python would raise
// ValueError or the value does not fit in 64 bits.
std::optional<std::int64_t> python_int(std::string_view text);

// Throws Error(Input) with the reference's wording ("Invalid field value X" or "Value 'X' is
// not valid. Known keywords: ...") at `line` of `file`.
std::int64_t parse_field_int(std::string_view text, const KeywordList& keywords, const std::string& file, std::size_t line);

}  // namespace fwprov::partitions::detail
