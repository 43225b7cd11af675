#pragma once
// What both ledger back ends (SQLite, PostgreSQL) do the same way with a stored column.
#include <string>

#include <nlohmann/json.hpp>

namespace fwprov::provision {

// A JSON column (regions, durations, security) as stored: empty/NULL is null; text that does
// not parse gives a discarded value rather than an exception (a report must still show the row).
inline nlohmann::json parse_json_column(const std::string& text) {
  if (text.empty()) return nullptr;
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace fwprov::provision
