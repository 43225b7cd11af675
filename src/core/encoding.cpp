#include "fwprov/core/encoding.hpp"

#include <array>

namespace fwprov {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

constexpr std::array<int, 256> make_base64_table() {
  std::array<int, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kBase64Alphabet[i])] = i;
  return table;
}
constexpr auto kBase64Values = make_base64_table();

}  // namespace

std::string to_hex(ByteView bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (auto b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0xF]);
  }
  return out;
}

std::optional<Bytes> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  Bytes out;
  out.reserve(text.size() / 2);
  for (std::size_t i = 0; i < text.size(); i += 2) {
    int hi = hex_value(text[i]);
    int lo = hex_value(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
  }
  return out;
}

std::string to_base64(ByteView bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8 | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out.push_back(kBase64Alphabet[(v >> shift) & 63]);
  }
  std::size_t rest = bytes.size() - i;
  if (rest == 1) {
    std::uint32_t v = bytes[i] << 16;
    out += {kBase64Alphabet[(v >> 18) & 63], kBase64Alphabet[(v >> 12) & 63], '=', '='};
  } else if (rest == 2) {
    std::uint32_t v = bytes[i] << 16 | bytes[i + 1] << 8;
    out += {kBase64Alphabet[(v >> 18) & 63], kBase64Alphabet[(v >> 12) & 63], kBase64Alphabet[(v >> 6) & 63], '='};
  }
  return out;
}

namespace {
bool is_canonical_base64(std::string_view text) {
  if (text.size() % 4 != 0) return false;
  std::size_t padding = 0;
  while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < text.size(); ++i)
    if (kBase64Values[static_cast<unsigned char>(text[i])] < 0) return false;
  return true;
}
}  // namespace

// Lenient mode mirrors CPython's binascii.a2b_base64 in non-strict mode: characters outside
// the alphabet are skipped, decoding stops at padding that completes a quantum, and a leftover
// single symbol is an error.
std::optional<Base64Decoded> from_base64(std::string_view text, bool lenient) {
  if (!lenient && !is_canonical_base64(text)) return std::nullopt;
  Base64Decoded result;
  std::uint32_t accumulator = 0;
  int symbols = 0;  // symbols in the current 4-symbol quantum
  int padding = 0;  // '=' seen while completing a quantum
  for (char c : text) {
    if (c == '=') {
      if (symbols >= 2 && symbols + (++padding) >= 4) break;
      continue;
    }
    int value = kBase64Values[static_cast<unsigned char>(c)];
    if (value < 0) {
      result.had_junk = true;
      continue;
    }
    padding = 0;
    accumulator = (accumulator << 6) | static_cast<std::uint32_t>(value);
    ++symbols;
    if (symbols == 2) result.bytes.push_back(static_cast<std::uint8_t>(accumulator >> 4));
    if (symbols == 3) result.bytes.push_back(static_cast<std::uint8_t>(accumulator >> 2));
    if (symbols == 4) {
      result.bytes.push_back(static_cast<std::uint8_t>(accumulator));
      symbols = 0;
      accumulator = 0;
    }
  }
  if (symbols == 1) return std::nullopt;
  return result;
}

}  // namespace fwprov
