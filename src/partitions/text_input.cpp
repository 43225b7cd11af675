#include "text_input.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>

#include "fwprov/core/error.hpp"

namespace fwprov::partitions::detail {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Python str.splitlines() for the ASCII line boundaries.
std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n' || c == '\r' || c == '\v' || c == '\f' || (c >= '\x1c' && c <= '\x1e')) {
      lines.push_back(text.substr(start, i - start));
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
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
  if (text.starts_with(std::string_view("\xFF\xFE\0\0", 4)) || text.starts_with(std::string_view("\0\0\xFE\xFF", 4))) {
    const bool little = text[0] == '\xFF';
    if (text.size() % 4 != 0) throw fail();
    for (std::size_t i = 4; i < text.size(); i += 4) {
      const std::uint32_t cp = little ? bytes(i) | bytes(i + 1) << 8 | bytes(i + 2) << 16 | bytes(i + 3) << 24
                                      : bytes(i + 3) | bytes(i + 2) << 8 | bytes(i + 1) << 16 | bytes(i) << 24;
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
  return std::string(text);
}


}  // namespace fwprov::partitions::detail
