#include "python_int.hpp"

#include <cctype>
#include <limits>
#include <string>

#include "fwprov/core/error.hpp"
#include "text_input.hpp"

namespace fwprov::partitions::detail {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Digits of `base` with single underscores between them; `leading_underscore_ok` after a prefix.
std::optional<std::uint64_t> digits(std::string_view text, unsigned base, bool leading_underscore_ok) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  bool previous_digit = leading_underscore_ok;  // "0x_1f" is valid Python
  bool any = false;
  for (char c : text) {
    if (c == '_') {
      if (!previous_digit) return std::nullopt;
      previous_digit = false;
      continue;
    }
    const int d = digit_value(c);
    if (d >= static_cast<int>(base)) return std::nullopt;
    if (value > (std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(d)) / base) return std::nullopt;
    value = value * base + static_cast<unsigned>(d);
    previous_digit = true;
    any = true;
  }
  if (!any || !previous_digit) return std::nullopt;  // trailing underscore
  return value;
}

}  // namespace

std::optional<std::int64_t> python_int(std::string_view text) {
  text = python_strip(text);  // int() ignores surrounding whitespace, Unicode spaces included
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  std::optional<std::uint64_t> magnitude;
  if (text.size() >= 2 && text[0] == '0' && std::string_view("xXoObB").find(text[1]) != std::string_view::npos) {
    const char p = static_cast<char>(std::tolower(static_cast<unsigned char>(text[1])));
    magnitude = digits(text.substr(2), p == 'x' ? 16 : p == 'o' ? 8 : 2, true);
  } else {
    magnitude = digits(text, 10, false);
    // Python rejects leading zeros in a non-zero decimal ("010"), but "0", "00", "0_0" are fine.
    if (magnitude && *magnitude != 0 && text[0] == '0') return std::nullopt;
  }
  if (!magnitude || *magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  const auto value = static_cast<std::int64_t>(*magnitude);
  return negative ? -value : value;
}

std::int64_t parse_field_int(std::string_view text, const KeywordList& keywords, const std::string& file, std::size_t line) {
  const std::string low = lower(text);
  for (const auto& [suffix, multiplier] : {std::pair{'k', std::int64_t{1024}}, std::pair{'m', std::int64_t{1024 * 1024}}}) {
    if (!low.empty() && low.back() == suffix) {
      const std::int64_t base = parse_field_int(text.substr(0, text.size() - 1), keywords, file, line);
      if (base > std::numeric_limits<std::int64_t>::max() / multiplier || base < std::numeric_limits<std::int64_t>::min() / multiplier)
        throw Error(ErrorKind::Input, SourceLocation{file, line}, "Value '" + std::string(text) + "' is too large");
      return base * multiplier;
    }
  }
  if (auto value = python_int(text)) return *value;
  if (keywords.empty()) throw Error(ErrorKind::Input, SourceLocation{file, line}, "Invalid field value " + std::string(text));
  for (const auto& [name, value] : keywords)
    if (name == low) return value;
  std::string known;
  for (const auto& entry : keywords) known += (known.empty() ? "" : ", ") + entry.first;
  throw Error(ErrorKind::Input, SourceLocation{file, line},
              "Value '" + std::string(text) + "' is not valid. Known keywords: " + known);
}

}  // namespace fwprov::partitions::detail
