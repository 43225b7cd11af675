// A tiny TOML lexer: just enough to know whether a byte is inside a string or a comment.
#include "toml_text.hpp"

#include <fmt/format.h>

#include "fwprov/core/error.hpp"

namespace fwprov::provision {
namespace {

class Scanner {
 public:
  Scanner(std::string_view text, const std::string& file) : text_(text), file_(file) {}

  void run() {
    if (at("\xEF\xBB\xBF")) i_ = 3;  // a UTF-8 byte order mark, which toml++ skips
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (static_cast<unsigned char>(c) >= 0x80)
        fail("a non-ASCII character outside a quoted string or comment (TOML keys and values are ASCII there; "
             "quote the key or the value)");
      if (c == '#') {
        skip_to_line_end();
        continue;
      }
      if ((c == '"' || c == '\'') && !bare_ && !after_value_) {
        string(c);
        bare_ = false;
        after_value_ = true;  // a quote right after a string is no string start for toml++
        continue;
      }
      structure(c);
      step();
    }
  }

 private:
  bool at(std::string_view s) const { return text_.substr(i_, s.size()) == s; }
  void step() {
    const unsigned char c = static_cast<unsigned char>(text_[i_++]);
    if (c == '\n') {
      ++line_;
      column_ = 1;
    } else if (c < 0x80 || c >= 0xC0) {
      ++column_;  // continuation bytes do not start a character
    }
  }
  void skip_to_line_end() {
    while (i_ < text_.size() && text_[i_] != '\n') step();
  }
  [[noreturn]] void fail(const std::string& message) const { throw Error(ErrorKind::Input, SourceLocation(file_, line_, column_), message); }

  // From the opening quote(s) to past the closing ones. A one-line string also ends at a line
  // end (toml++ then reports it unterminated).
  void string(char quote) {
    const std::string triple(3, quote);
    const bool multi = at(triple);
    for (int n = multi ? 3 : 1; n > 0; --n) step();
    while (i_ < text_.size()) {
      const char c = text_[i_];
      if (multi && at(triple)) {
        // Up to two quotes may stand right before the closing three.
        for (int n = 0; n < 5 && i_ < text_.size() && text_[i_] == quote; ++n) step();
        return;
      }
      if (!multi && (c == quote || c == '\n')) {
        step();
        return;
      }
      if (c == '\\' && quote == '"') {
        step();
        if (multi && line_ending_backslash()) continue;
        if (i_ < text_.size()) step();
        continue;
      }
      step();
    }
  }

  // After a backslash in a """ string: when only whitespace follows on the line, the
  // whitespace and line ends after it are trimmed, and the first other character must be
  // ASCII (toml++ 3.3, #190). True when it was such a backslash (consumed up to that character).
  bool line_ending_backslash() {
    std::size_t j = i_;
    while (j < text_.size() && (text_[j] == ' ' || text_[j] == '\t')) ++j;
    if (j < text_.size() && text_[j] == '\r') ++j;
    if (j >= text_.size() || text_[j] != '\n') return false;
    while (i_ < text_.size() && (text_[i_] == ' ' || text_[i_] == '\t' || text_[i_] == '\r' || text_[i_] == '\n')) step();
    if (i_ < text_.size() && static_cast<unsigned char>(text_[i_]) >= 0x80)
      fail("a non-ASCII character right after a line-ending backslash in a \"\"\" string, which toml++ 3.3 cannot parse "
           "safely; keep the line break or start the line with an ASCII character");
    return true;
  }

  // Where toml++ can start a string: at a key or a value, not inside a bare run (a bare key,
  // number, date) or after a complete value, since toml++ scans a bare value on through quotes
  // up to whitespace, ']', '}', ',' or '#' (and across one space for a date-time). Anything
  // not clearly a string start counts as outside a string: stricter only for invalid TOML and
  // for a quoted dotted-key part written right after the dot's bare part (a."é").
  void structure(char c) {
    const bool was_bare = bare_;
    switch (c) {
      case ' ': case '\t': case '\r':
        if (was_bare) after_value_ = true;
        bare_ = false;
        return;
      case '\n':
        bare_ = after_value_ = false;
        if (nesting_.empty()) value_ = false;
        else value_ = nesting_.back() == '[';
        return;
      case '=':
        if (!value_) {  // after the key: the value comes
          value_ = true;
          bare_ = after_value_ = false;
        } else {
          bare_ = true;
        }
        return;
      case '.':
        if (!value_) {
          bare_ = after_value_ = false;  // the next part of a dotted key
        } else {
          bare_ = true;
        }
        return;
      case '[':
      case '{':
        if (was_bare || after_value_) {
          bare_ = true;
        } else if (value_) {
          nesting_.push_back(c);
          value_ = c == '[';  // an inline table starts with a key
        } else if (c == '[') {
          table_header();
        }
        return;  // else a table header's bracket: still a key
      case ']':
      case '}':
        if (!nesting_.empty() && nesting_.back() == (c == ']' ? '[' : '{')) nesting_.pop_back();
        bare_ = false;
        after_value_ = true;
        return;
      case ',':
        bare_ = after_value_ = false;
        if (nesting_.empty()) bare_ = true;
        else value_ = nesting_.back() == '[';
        return;
      default:
        bare_ = true;
    }
  }

  // A table header's '[' (or "[["), whitespace, then a key or ']'. toml++ 3.3 parses the key
  // without checking its first character ("[[[a]]", "[=]"): an assertion in a debug build and
  // an optimiser assumption, undefined behaviour, in a release build (upstream PR #301).
  void table_header() const {
    std::size_t j = i_ + 1;
    if (j < text_.size() && text_[j] == '[') ++j;
    while (j < text_.size() && (text_[j] == ' ' || text_[j] == '\t')) ++j;
    if (j >= text_.size()) return;  // toml++ reports the end of the text
    const char k = text_[j];
    const bool key_start = (k >= 'A' && k <= 'Z') || (k >= 'a' && k <= 'z') || (k >= '0' && k <= '9') || k == '_' || k == '-' ||
                           k == '"' || k == '\'' || k == ']';
    if (!key_start)
      throw Error(ErrorKind::Input, SourceLocation(file_, line_, column_ + (j - i_)),
                  k > ' ' && k < 0x7F ? fmt::format("a table header must start with a key (a name or a quoted string), not '{}'", k)
                                      : fmt::format("a table header must start with a key (a name or a quoted string), not byte 0x{:02X}",
                                                    static_cast<unsigned char>(k)));
  }

  std::string_view text_;
  const std::string& file_;
  std::size_t i_ = 0, line_ = 1, column_ = 1;
  bool value_ = false;        // expecting a value (else a key)
  bool bare_ = false;         // inside a bare run
  bool after_value_ = false;  // a key, value or header part just ended
  std::string nesting_;       // open '[' arrays and '{' inline tables
};

}  // namespace

void check_toml_text(std::string_view text, const std::string& file) { Scanner(text, file).run(); }

}  // namespace fwprov::provision
