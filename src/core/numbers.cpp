#include "fwprov/core/numbers.hpp"

#include <cctype>
#include <string>

namespace fwprov {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

std::optional<std::uint64_t> parse_digits(std::string_view digits, unsigned base) {
  if (digits.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : digits) {
    unsigned digit;
    if (c >= '0' && c <= '9') digit = static_cast<unsigned>(c - '0');
    else if (c >= 'a' && c <= 'z') digit = static_cast<unsigned>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'Z') digit = static_cast<unsigned>(c - 'A' + 10);
    else return std::nullopt;
    if (digit >= base) return std::nullopt;
    if (value > (UINT64_MAX - digit) / base) return std::nullopt;  // overflow
    value = value * base + digit;
  }
  return value;
}

}  // namespace

std::optional<std::uint64_t> parse_unsigned(std::string_view text) {
  text = trim(text);
  if (text.size() > 2 && text[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
    if (p == 'x') return parse_digits(text.substr(2), 16);
    if (p == 'o') return parse_digits(text.substr(2), 8);
    if (p == 'b') return parse_digits(text.substr(2), 2);
  }
  return parse_digits(text, 10);
}

std::optional<std::uint64_t> parse_size(std::string_view text) {
  text = trim(text);
  std::uint64_t multiplier = 1;
  std::string upper;
  for (char c : text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  std::string_view u = upper;
  // A hex number may end in B, so only strip suffixes from non-hex text.
  if (!(u.size() > 2 && u[0] == '0' && u[1] == 'X')) {
    if (u.ends_with("B")) u.remove_suffix(1), text.remove_suffix(1);
    if (u.ends_with("K")) multiplier = 1024, text.remove_suffix(1);
    else if (u.ends_with("M")) multiplier = 1024 * 1024, text.remove_suffix(1);
  }
  auto value = parse_unsigned(text);
  if (!value || (*value != 0 && multiplier > UINT64_MAX / *value)) return std::nullopt;
  return *value * multiplier;
}

}  // namespace fwprov
