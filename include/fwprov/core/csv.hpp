#pragma once
// RFC 4180 CSV reader that remembers where each row and field came from, so errors can name
// the line and column. Quirks of individual reference tools live in their own libraries.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fwprov {

struct CsvRow {
  std::size_t line = 0;              // 1-based physical line where the row starts
  std::vector<std::string> fields;   // unquoted, untrimmed
  bool unclosed_quote = false;       // the last field's quote was never closed (see CsvOptions)
};

struct CsvOptions {
  char separator = ',';
  // Physical lines whose first character is this are dropped before parsing ('\0': none).
  char comment = '\0';
  bool skip_empty_lines = true;
  // Python's csv module (non-strict) ends a quoted field left open at the end of the text
  // there and keeps the row; set this to do the same (the row gets unclosed_quote).
  bool accept_unclosed_quote = false;
};

// Throws Input error (naming `file_name` and the line) on an unterminated quoted field,
// unless options.accept_unclosed_quote.
std::vector<CsvRow> parse_csv(std::string_view text, const std::string& file_name, const CsvOptions& options = {});

}  // namespace fwprov
