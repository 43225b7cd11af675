#include "text_input.hpp"

#include "fwprov/core/utf8.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/core.h>
#include <cstdint>
#include <cstdlib>

#include "fwprov/core/error.hpp"

namespace fwprov::partitions::detail {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

namespace {

// Length of the Unicode line break (U+0085, U+2028, U+2029) starting at `text`, or 0.
std::size_t unicode_line_break(std::string_view text) {
  if (text.starts_with("\xC2\x85")) return 2;
  if (text.starts_with("\xE2\x80\xA8") || text.starts_with("\xE2\x80\xA9")) return 3;
  return 0;
}

bool ascii_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

// The non-ASCII characters Python's str.isspace() accepts, UTF-8 encoded.
constexpr std::string_view kUnicodeSpaces[] = {
    "\xC2\x85",     "\xC2\xA0",     "\xE1\x9A\x80", "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83",
    "\xE2\x80\x84", "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89", "\xE2\x80\x8A",
    "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F", "\xE3\x80\x80"};

std::size_t leading_space(std::string_view text) {
  if (text.empty()) return 0;
  if (ascii_space(text.front())) return 1;
  for (auto space : kUnicodeSpaces)
    if (text.starts_with(space)) return space.size();
  return 0;
}

std::size_t trailing_space(std::string_view text) {
  if (text.empty()) return 0;
  if (ascii_space(text.back())) return 1;
  for (auto space : kUnicodeSpaces)
    if (text.ends_with(space)) return space.size();
  return 0;
}

}  // namespace

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::size_t break_length = 0;
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') break_length = 2;
    else if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= '\x1c' && c <= '\x1e')) break_length = 1;
    else break_length = unicode_line_break(text.substr(i));
    if (break_length == 0) continue;
    lines.push_back(text.substr(start, i - start));
    i += break_length - 1;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

std::string_view python_strip(std::string_view text) {
  while (const std::size_t n = leading_space(text)) text.remove_prefix(n);
  while (const std::size_t n = trailing_space(text)) text.remove_suffix(n);
  return text;
}

// os.path.expandvars: $name and ${name} replaced when set, left alone otherwise.
std::string expand_vars(std::string_view line) {
  std::string out;
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] != '$') {
      out.push_back(line[i++]);
      continue;
    }
    std::size_t j = i + 1;
    std::string name;
    if (j < line.size() && line[j] == '{') {
      const auto close = line.find('}', j);
      if (close == std::string_view::npos) {
        out.push_back(line[i++]);
        continue;
      }
      name = std::string(line.substr(j + 1, close - j - 1));
      j = close + 1;
    } else {
      while (j < line.size() && is_word_char(line[j])) ++j;
      name = std::string(line.substr(i + 1, j - i - 1));
      if (name.empty()) {
        out.push_back(line[i++]);
        continue;
      }
    }
    if (const char* value = std::getenv(name.c_str())) {
      out += value;
    } else {
      out += line.substr(i, j - i);
    }
    i = j;
  }
  return out;
}

namespace {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) out += static_cast<char>(cp);
  else if (cp < 0x800) out += static_cast<char>(0xC0 | (cp >> 6)), out += static_cast<char>(0x80 | (cp & 0x3F));
  else if (cp < 0x10000)
    out += static_cast<char>(0xE0 | (cp >> 12)), out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
        out += static_cast<char>(0x80 | (cp & 0x3F));
  else
    out += static_cast<char>(0xF0 | (cp >> 18)), out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), out += static_cast<char>(0x80 | (cp & 0x3F));
}

}  // namespace

std::string decode_text(std::string_view text, const std::string& file) {
  auto bytes = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(text[i])); };
  auto fail = [&] { return Error(ErrorKind::Input, SourceLocation{file}, "text with a UTF-16/32 byte-order mark does not decode"); };
  std::string out;
  // The reference tests the UTF-16-LE BOM (FF FE) before the UTF-32-LE one (FF FE 00 00), so it
  // decodes UTF-32-LE text as UTF-16: line 1 then starts with a NUL character (the BOM's
  // second half) and every such file fails with "Field 'type' can't be left empty." or worse.
  if (text.starts_with(std::string_view("\xFF\xFE\0\0", 4)))
    throw Error(ErrorKind::Input, SourceLocation{file, 1},
                "UTF-32-LE text (byte-order mark FF FE 00 00) is not supported: gen_esp32part.py reads it as UTF-16 and "
                "rejects it; save the CSV as UTF-8");
  if (text.starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
    if (text.size() % 4 != 0) throw fail();
    for (std::size_t i = 4; i < text.size(); i += 4) {
      const std::uint32_t cp = bytes(i + 3) | bytes(i + 2) << 8 | bytes(i + 1) << 16 | bytes(i) << 24;
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) throw fail();
      append_utf8(out, cp);
    }
    return out;
  }
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    const bool little = text[0] == '\xFF';
    if (text.size() % 2 != 0) throw fail();
    auto unit = [&](std::size_t i) { return little ? bytes(i) | bytes(i + 1) << 8 : bytes(i + 1) | bytes(i) << 8; };
    for (std::size_t i = 2; i < text.size(); i += 2) {
      std::uint32_t cp = unit(i);
      if (cp >= 0xD800 && cp < 0xDC00) {
        if (i + 3 >= text.size()) throw fail();
        const std::uint32_t low = unit(i + 2);
        if (low < 0xDC00 || low >= 0xE000) throw fail();
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        i += 2;
      } else if (cp >= 0xDC00 && cp < 0xE000) {
        throw fail();
      }
      append_utf8(out, cp);
    }
    return out;
  }
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  std::size_t bad_at = 0;
  if (!is_valid_utf8(text, &bad_at)) {
    // Python's decode() raises UnicodeDecodeError here (a traceback from the reference).
    const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(bad_at), '\n'));
    throw Error(ErrorKind::Input, SourceLocation{file, line},
                fmt::format("not UTF-8 text: byte 0x{:02x} at offset {} does not decode (save the CSV as UTF-8)",
                            static_cast<unsigned char>(text[bad_at]), bad_at));
  }
  return std::string(text);
}


}  // namespace fwprov::partitions::detail
