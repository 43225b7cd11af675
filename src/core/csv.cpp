#include "fwprov/core/csv.hpp"

#include "fwprov/core/error.hpp"

namespace fwprov {
namespace {

// Drops comment lines (first character only) while keeping line numbers: a dropped line
// becomes an empty line, which the parser skips like any empty line.
std::string blank_comment_lines(std::string_view text, char comment) {
  std::string out;
  out.reserve(text.size());
  bool at_line_start = true;
  bool in_comment = false;
  for (char c : text) {
    if (at_line_start) in_comment = (c == comment);
    at_line_start = (c == '\n');
    if (in_comment && c != '\n' && c != '\r') continue;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::vector<CsvRow> parse_csv(std::string_view input, const std::string& file_name, const CsvOptions& options) {
  std::string stripped;
  std::string_view text = input;
  if (options.comment != '\0') {
    stripped = blank_comment_lines(input, options.comment);
    text = stripped;
  }

  std::vector<CsvRow> rows;
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRow row;
    row.line = line;
    std::string field;
    bool row_has_content = false;
    bool in_quotes = false;
    bool at_field_start = true;  // like Python's csv module, a quote is special only here
    std::size_t quote_line = 0;
    for (;;) {
      if (i >= n) {
        if (in_quotes && !options.accept_unclosed_quote)
          throw Error(ErrorKind::Input, SourceLocation{file_name, quote_line}, "quoted field is never closed");
        row.unclosed_quote = in_quotes;
        break;
      }
      char c = text[i];
      if (in_quotes) {
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
          } else {
            in_quotes = false;
            ++i;
          }
        } else {
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        continue;
      }
      if (c == '"' && at_field_start) {
        in_quotes = true;
        at_field_start = false;
        quote_line = line;
        row_has_content = true;
        ++i;
      } else if (c == options.separator) {
        row.fields.push_back(std::move(field));
        field.clear();
        row_has_content = true;
        at_field_start = true;
        ++i;
      } else if (c == '\r' || c == '\n') {
        if (c == '\r' && i + 1 < n && text[i + 1] == '\n') ++i;
        ++i;
        ++line;
        break;
      } else {
        field.push_back(c);
        row_has_content = true;
        at_field_start = false;
        ++i;
      }
    }
    if (!row_has_content && field.empty()) {
      if (!options.skip_empty_lines) rows.push_back(std::move(row));
      continue;
    }
    row.fields.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace fwprov
