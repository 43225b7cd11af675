#include <cctype>
#include <string>

#include "fwprov/core/error.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/nvs/builder.hpp"

namespace fwprov::nvs {
namespace {

// Digits with single '_' separators, in `base`; nullopt on anything else or overflow.
std::optional<std::uint64_t> python_digits(std::string_view digits, unsigned base, bool allow_leading_underscore) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  bool previous_digit = allow_leading_underscore;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    char c = digits[i];
    if (c == '_') {
      if (!previous_digit || i + 1 == digits.size()) return std::nullopt;
      previous_digit = false;
      continue;
    }
    unsigned digit;
    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'f') digit = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') digit = static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
    if (digit >= base) return std::nullopt;
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;
    value = value * base + digit;
    previous_digit = true;
  }
  return value;
}

std::optional<std::uint64_t> python_int_literal(std::string_view text) {
  if (text.size() > 2 && text[0] == '0') {
    char prefix = static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
    if (prefix == 'x') return python_digits(text.substr(2), 16, true);
    if (prefix == 'o') return python_digits(text.substr(2), 8, true);
    if (prefix == 'b') return python_digits(text.substr(2), 2, true);
  }
  auto value = python_digits(text, 10, false);
  // Python refuses C-style octal: a decimal with a leading zero must be all zeros.
  if (value && *value != 0 && text[0] == '0') return std::nullopt;
  return value;
}

}  // namespace

std::uint64_t parse_partition_size(std::string_view text) {
  std::string_view trimmed = text;
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.front()))) trimmed.remove_prefix(1);
  while (!trimmed.empty() && std::isspace(static_cast<unsigned char>(trimmed.back()))) trimmed.remove_suffix(1);
  // int(text, 0) takes one leading '+' ("+0x3000").
  if (trimmed.starts_with('+')) trimmed.remove_prefix(1);
  std::uint64_t multiplier = 1;
  bool hex = trimmed.size() > 2 && trimmed[0] == '0' && (trimmed[1] == 'x' || trimmed[1] == 'X');
  if (!hex && !trimmed.empty()) {
    if (trimmed.back() == 'K') multiplier = 1024;
    if (trimmed.back() == 'M') multiplier = 1024 * 1024;
    if (multiplier != 1) trimmed.remove_suffix(1);
  }
  auto value = python_int_literal(trimmed);
  if (!value || *value > UINT64_MAX / multiplier) {
    std::string hint;
    if (!trimmed.empty() && (trimmed.back() == 'k' || trimmed.back() == 'm'))
      hint = " (suffixes are uppercase: K = 1024 bytes, M = 1048576 bytes)";
    throw Error(ErrorKind::Usage, "partition size '" + std::string(text) + "' is not a number like 0x6000, 24576 or 24K" + hint);
  }
  std::uint64_t size = *value * multiplier;
  if (size > kMaxFlashBytes)
    throw Error(ErrorKind::Usage, "partition size '" + std::string(text) + "' is larger than the largest flash (128 MB, 0x8000000)");
  return size;
}

}  // namespace fwprov::nvs
