#pragma once
// The one error type library code throws. The CLI maps its kind to an exit code
// (docs/exit-codes.md); libraries never print and never exit.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace fwprov {

enum class ErrorKind {
  Internal,  // a bug in fwprov: exit 1
  Usage,     // wrong command-line use: exit 2
  Input,     // a file or value the user gave is malformed: exit 3
  Io,        // a file cannot be read or written: exit 4
  Crypto,    // key, passphrase or crypto-library failure: exit 5
  Device,    // serial link or device failure: exit 6
  Mismatch,  // a verification found a difference: exit 7
};

int exit_code(ErrorKind kind);
std::string_view kind_name(ErrorKind kind);

// Where in an input a problem is. Any part may be empty/zero when unknown.
struct SourceLocation {
  SourceLocation() = default;
  SourceLocation(std::string file_name, std::size_t line_number = 0, std::size_t column_number = 0, std::string field_name = {})
      : file(std::move(file_name)), line(line_number), column(column_number), field(std::move(field_name)) {}

  std::string file;
  std::size_t line = 0;    // 1-based
  std::size_t column = 0;  // 1-based (CSV: field number)
  std::string field;       // a column or key name, when that says more than a number

  // "file:line:column (field)" with the unknown parts left out; empty when nothing is known.
  std::string to_string() const;
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, std::string message);
  Error(ErrorKind kind, SourceLocation where, std::string message);
  // `hint` says what to do about it ("give --inputkey"); shown after the message.
  Error(ErrorKind kind, SourceLocation where, std::string message, std::string hint);

  ErrorKind kind() const noexcept { return kind_; }
  const SourceLocation& where() const noexcept { return where_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  ErrorKind kind_;
  SourceLocation where_;
  std::string message_;
  std::string hint_;
};

}  // namespace fwprov
