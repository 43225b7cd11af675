#pragma once
// What `efuse summary` and `efuse dump` show: every field with espefuse's names, values and
// flags (the `summary --format json` shape), a text table, and the raw block words.
#include <string>

#include <nlohmann/json.hpp>

#include "fwprov/efuse/efuses.hpp"

namespace fwprov::efuse {

// One object per field, keyed and sorted by name: name, value, raw_value, readable,
// writeable, description, category, block, word, pos, efuse_type, bit_len.
nlohmann::json summary_json(const Efuses& efuses);
// Exactly the bytes espefuse writes for `summary --format json --file F` (4-space indent,
// no trailing newline).
std::string summary_json_text(const Efuses& efuses);
// Human-readable table grouped by category.
std::string summary_text(const Efuses& efuses);
// Every block's words as read, one line per block.
std::string dump_text(const Efuses& efuses);

}  // namespace fwprov::efuse
