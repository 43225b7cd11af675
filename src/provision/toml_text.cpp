// A tiny TOML lexer: just enough to know whether a byte is inside a string or a comment.
#include "toml_text.hpp"

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
      if (c == '#') {
        skip_to_line_end();
      } else if (c == '"' || c == '\'') {
        string(c);
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        fail("a non-ASCII character outside a quoted string or comment (TOML keys and values are ASCII there; "
             "quote the key or the value)");
      } else {
        step();
      }
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

  std::string_view text_;
  const std::string& file_;
  std::size_t i_ = 0, line_ = 1, column_ = 1;
};

}  // namespace

void check_toml_text(std::string_view text, const std::string& file) { Scanner(text, file).run(); }

}  // namespace fwprov::provision
