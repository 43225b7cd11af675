// Distinguished names from the command line: "CN=a,O=b" or OpenSSL's "/CN=a/O=b".
#include <openssl/x509.h>

#include "fwprov/core/error.hpp"
#include "fwprov/sign/certificates.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign {
namespace {

std::string trim(const std::string& text) {
  auto begin = text.find_first_not_of(" \t");
  if (begin == std::string::npos) return {};
  auto end = text.find_last_not_of(" \t");
  return text.substr(begin, end - begin + 1);
}

// Splits on `separator`, honouring backslash escapes.
std::vector<std::string> split_escaped(const std::string& text, char separator) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      parts.back() += text[++i];
    } else if (c == separator) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

}  // namespace

NameEntries parse_subject(const std::string& text) {
  std::string body = trim(text);
  if (body.empty()) throw Error(ErrorKind::Usage, SourceLocation{"--subject"}, "subject is empty (example: \"CN=device-0001,O=Acme\")");
  char separator = ',';
  if (body.front() == '/') {
    separator = '/';
    body.erase(0, 1);
  }
  NameEntries entries;
  for (const std::string& raw : split_escaped(body, separator)) {
    std::string part = trim(raw);
    if (part.empty()) continue;
    auto equals = part.find('=');
    if (equals == std::string::npos || equals == 0)
      throw Error(ErrorKind::Usage, SourceLocation{"--subject"}, "'" + part + "' is not TYPE=value (example: \"CN=device-0001,O=Acme\")");
    std::string type = trim(part.substr(0, equals));
    std::string value = trim(part.substr(equals + 1));
    if (OBJ_txt2nid(type.c_str()) == NID_undef)
      throw Error(ErrorKind::Usage, SourceLocation{"--subject"}, "unknown attribute type '" + type + "' (use CN, O, OU, C, ST, L, ...)");
    if (value.empty()) throw Error(ErrorKind::Usage, SourceLocation{"--subject"}, "attribute " + type + " has an empty value");
    entries.emplace_back(type, value);
  }
  if (entries.empty()) throw Error(ErrorKind::Usage, SourceLocation{"--subject"}, "subject has no attributes");
  return entries;
}

X509_NAME* make_name(const NameEntries& entries) {
  detail::X509NamePtr name(X509_NAME_new());
  if (!name) detail::crypto_fail("out of memory (X509_NAME)");
  for (const auto& [type, value] : entries) {
    if (X509_NAME_add_entry_by_txt(name.get(), type.c_str(), MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                   0) != 1) {
      std::string reason = pki::take_openssl_error();
      throw Error(ErrorKind::Usage, SourceLocation{"--subject", 0, 0, type},
                  "value '" + value + "' is not accepted" + (reason.empty() ? "" : ": " + reason) +
                      (type == "C" ? " (C is a two-letter country code)" : ""));
    }
  }
  return name.release();
}

}  // namespace fwprov::sign
