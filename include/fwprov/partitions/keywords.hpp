#pragma once
// Type and subtype keywords of the generator, in its dictionary order (which is also the
// order of the "Known keywords" lists in its messages).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fwprov::partitions {

using KeywordList = std::vector<std::pair<std::string, std::uint32_t>>;

const KeywordList& type_keywords();
// Subtype keywords of a type; empty for custom types (numbers only).
const KeywordList& subtype_keywords(std::uint8_t type);

// Keyword for a value, or nullopt (the CSV writer then prints the value in decimal).
std::optional<std::string> type_name(std::uint8_t type);
std::optional<std::string> subtype_name(std::uint8_t type, std::uint8_t subtype);

}  // namespace fwprov::partitions
