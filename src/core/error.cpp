#include "fwprov/core/error.hpp"

#include "fwprov/core/diagnostics.hpp"

namespace fwprov {

int exit_code(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Internal: return 1;
    case ErrorKind::Usage: return 2;
    case ErrorKind::Input: return 3;
    case ErrorKind::Io: return 4;
    case ErrorKind::Crypto: return 5;
    case ErrorKind::Device: return 6;
    case ErrorKind::Mismatch: return 7;
  }
  return 1;
}

std::string_view kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Internal: return "internal";
    case ErrorKind::Usage: return "usage";
    case ErrorKind::Input: return "input";
    case ErrorKind::Io: return "io";
    case ErrorKind::Crypto: return "crypto";
    case ErrorKind::Device: return "device";
    case ErrorKind::Mismatch: return "mismatch";
  }
  return "internal";
}

// Built with append() rather than operator+ chains: GCC 12 at -O3 reports a false -Wrestrict
// on the latter.
std::string SourceLocation::to_string() const {
  std::string text = file;
  if (line != 0) {
    text.append(text.empty() ? "line " : ":");
    text.append(std::to_string(line));
    if (column != 0) {
      text.append(":");
      text.append(std::to_string(column));
    }
  }
  if (!field.empty()) {
    if (!text.empty()) text.append(" ");
    text.append("(");
    text.append(field);
    text.append(")");
  }
  return text;
}

Error::Error(ErrorKind kind, std::string message) : Error(kind, SourceLocation{}, std::move(message)) {}

Error::Error(ErrorKind kind, SourceLocation where, std::string message)
    : std::runtime_error(where.to_string().empty() ? message : where.to_string() + ": " + message),
      kind_(kind),
      where_(std::move(where)),
      message_(std::move(message)) {}

Error::Error(ErrorKind kind, SourceLocation where, std::string message, std::string hint)
    : Error(kind, std::move(where), std::move(message)) {
  hint_ = std::move(hint);
}

void Warnings::warn(SourceLocation where, std::string message) {
  if (strict_) throw Error(ErrorKind::Input, std::move(where), message + " (--strict)");
  seen_.push_back(Warning{where, message});
  if (sink_) sink_(seen_.back());
}

}  // namespace fwprov
