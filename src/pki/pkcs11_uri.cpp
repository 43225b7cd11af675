// RFC 7512 parsing. Stricter than p11-kit on purpose: it keeps the last of two duplicates
// and drops a raw space, both of which silently select another key than the one written.
#include "fwprov/pki/pkcs11_uri.hpp"

#include <cctype>
#include <charconv>
#include <cstring>

#include "fwprov/core/error.hpp"

namespace fwprov::pki {
namespace {

constexpr std::string_view kUriScheme = "pkcs11:";

[[noreturn]] void uri_fail(const std::string& origin, const std::string& attribute, const std::string& message) {
  throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, attribute}, message);
}

bool is_unreserved(unsigned char c) { return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~'; }

// Characters RFC 7512 lets stand unencoded in a path value (pk11-pchar) or a query value
// (pk11-qchar); everything else must be %-encoded.
bool allowed_raw(unsigned char c, bool in_query) {
  if (is_unreserved(c)) return true;
  if (std::strchr(":[]@!$'()*+,=", c) != nullptr && c != '\0') return true;
  if (in_query) return c == '/' || c == '?' || c == '|';
  return c == '&';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string uri_decode(std::string_view text, bool in_query, const std::string& origin, const std::string& attribute) {
  // Errors quote the offending characters, except in the PIN: a message must not show it.
  const bool secret = attribute == "pin-value";
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '%') {
      bool complete = i + 2 < text.size();
      int high = complete ? hex_value(text[i + 1]) : -1;
      int low = complete ? hex_value(text[i + 2]) : -1;
      if (high < 0 || low < 0)
        uri_fail(origin, attribute, "bad %-escape " + (secret ? std::string() : "'" + std::string(text.substr(i, 3)) + "' ") +
                                        "in attribute " + attribute + " (write %XX with two hex digits)");
      out += static_cast<char>(high * 16 + low);
      i += 2;
      continue;
    }
    if (std::isspace(c) || std::iscntrl(c))
      uri_fail(origin, attribute, "raw whitespace or control character in attribute " + attribute + " (write a space as %20)");
    if (!allowed_raw(c, in_query))
      uri_fail(origin, attribute, (secret ? std::string("a character") : std::string("character '") + static_cast<char>(c) + "'") +
                                      " must be %-encoded in attribute " + attribute);
    out += static_cast<char>(c);
  }
  return out;
}

std::string uri_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void set_once(std::optional<std::string>& slot, std::string value, const std::string& origin, const std::string& name) {
  if (slot) uri_fail(origin, name, "attribute " + name + " appears twice");
  slot = std::move(value);
}

void set_path_attribute(Pkcs11Uri& uri, const std::string& name, std::string value, const std::string& origin) {
  struct Field {
    const char* name;
    std::optional<std::string> Pkcs11Uri::*member;
  };
  static constexpr Field kTextFields[] = {
      {"token", &Pkcs11Uri::token},
      {"manufacturer", &Pkcs11Uri::manufacturer},
      {"serial", &Pkcs11Uri::serial},
      {"model", &Pkcs11Uri::model},
      {"library-manufacturer", &Pkcs11Uri::library_manufacturer},
      {"library-description", &Pkcs11Uri::library_description},
      {"library-version", &Pkcs11Uri::library_version},
      {"slot-manufacturer", &Pkcs11Uri::slot_manufacturer},
      {"slot-description", &Pkcs11Uri::slot_description},
      {"object", &Pkcs11Uri::object},
      {"type", &Pkcs11Uri::type},
  };
  for (const auto& field : kTextFields)
    if (name == field.name) {
      set_once(uri.*(field.member), std::move(value), origin, name);
      if (name == "type" && *uri.type != "public" && *uri.type != "private" && *uri.type != "cert" && *uri.type != "secret-key" &&
          *uri.type != "data")
        uri_fail(origin, name, "type '" + *uri.type + "' is not one of public, private, cert, secret-key, data");
      if (name == "library-version" && (uri.library_version->empty() ||
                                        uri.library_version->find_first_not_of("0123456789.") != std::string::npos))
        uri_fail(origin, name, "library-version must be M or M.N");
      return;
    }
  if (name == "id") {
    if (uri.id) uri_fail(origin, name, "attribute id appears twice");
    uri.id = Bytes(value.begin(), value.end());
    return;
  }
  if (name == "slot-id") {
    if (uri.slot_id) uri_fail(origin, name, "attribute slot-id appears twice");
    unsigned long number = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
    if (value.empty() || ec != std::errc() || end != value.data() + value.size())
      uri_fail(origin, name, "slot-id '" + value + "' is not a decimal number");
    uri.slot_id = number;
    return;
  }
  if (name.rfind("x-", 0) == 0) return;  // vendor attributes: allowed, not used
  uri_fail(origin, name, "unknown path attribute '" + name + "'");
}

void set_query_attribute(Pkcs11Uri& uri, const std::string& name, std::string value, const std::string& origin) {
  if (name == "pin-value") return set_once(uri.pin_value, std::move(value), origin, name);
  if (name == "pin-source") return set_once(uri.pin_source, std::move(value), origin, name);
  if (name == "module-name") return set_once(uri.module_name, std::move(value), origin, name);
  if (name == "module-path") return set_once(uri.module_path, std::move(value), origin, name);
  if (name.rfind("x-", 0) == 0) return;
  uri_fail(origin, name, "unknown query attribute '" + name + "'");
}

template <typename Set>
void parse_attributes(std::string_view text, char separator, bool in_query, const std::string& origin, Set&& set) {
  if (text.empty()) return;
  std::size_t start = 0;
  while (true) {
    std::size_t end = text.find(separator, start);
    std::string_view part = text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    std::size_t equals = part.find('=');
    if (part.empty()) uri_fail(origin, "", std::string("empty attribute (two '") + separator + "' in a row, or one at the end)");
    if (equals == std::string_view::npos || equals == 0)
      uri_fail(origin, std::string(part), "attribute '" + std::string(part) + "' is not NAME=VALUE");
    std::string name = uri_lower(part.substr(0, equals));
    set(name, uri_decode(part.substr(equals + 1), in_query, origin, name));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
}

void append_encoded(std::string& out, std::string_view value, bool in_query) {
  static const char* hex = "0123456789abcdef";
  for (unsigned char c : value) {
    if (is_unreserved(c) || (in_query && (c == '/' || c == ':'))) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
}

}  // namespace

bool is_pkcs11_uri(std::string_view text) {
  return text.size() >= kUriScheme.size() && uri_lower(text.substr(0, kUriScheme.size())) == kUriScheme;
}

Pkcs11Uri parse_pkcs11_uri(std::string_view text, const std::string& origin) {
  if (!is_pkcs11_uri(text)) uri_fail(origin, "", "not a pkcs11: URI");
  std::string_view rest = text.substr(kUriScheme.size());
  std::size_t question = rest.find('?');
  std::string_view path = rest.substr(0, question);
  std::string_view query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
  Pkcs11Uri uri;
  parse_attributes(path, ';', false, origin, [&](const std::string& name, std::string value) { set_path_attribute(uri, name, std::move(value), origin); });
  parse_attributes(query, '&', true, origin, [&](const std::string& name, std::string value) { set_query_attribute(uri, name, std::move(value), origin); });
  if (uri.pin_value && uri.pin_source)
    uri_fail(origin, "pin-source", "both pin-value and pin-source are given (RFC 7512: use one)");
  return uri;
}

std::string format_pkcs11_uri(const Pkcs11Uri& uri) {
  std::string out(kUriScheme);
  bool first = true;
  auto add = [&](const char* name, const std::optional<std::string>& value) {
    if (!value) return;
    if (!first) out += ';';
    first = false;
    out += name;
    out += '=';
    append_encoded(out, *value, false);
  };
  add("token", uri.token);
  add("manufacturer", uri.manufacturer);
  add("serial", uri.serial);
  add("model", uri.model);
  add("library-manufacturer", uri.library_manufacturer);
  add("library-description", uri.library_description);
  add("library-version", uri.library_version);
  add("slot-manufacturer", uri.slot_manufacturer);
  add("slot-description", uri.slot_description);
  if (uri.slot_id) add("slot-id", std::to_string(*uri.slot_id));
  add("object", uri.object);
  if (uri.id) {  // raw bytes: every byte encoded, as p11tool writes ids
    if (!first) out += ';';
    first = false;
    out += "id=";
    static const char* hex = "0123456789abcdef";
    for (std::uint8_t byte : *uri.id) out += {'%', hex[byte >> 4], hex[byte & 15]};
  }
  add("type", uri.type);
  bool first_query = true;
  auto add_query = [&](const char* name, const std::optional<std::string>& value) {
    if (!value) return;
    out += first_query ? '?' : '&';
    first_query = false;
    out += name;
    out += '=';
    append_encoded(out, *value, true);
  };
  add_query("module-path", uri.module_path);
  add_query("module-name", uri.module_name);
  add_query("pin-source", uri.pin_source);
  if (uri.pin_value) add_query("pin-value", std::string("***"));
  return out;
}

std::string redact_pkcs11_uri(std::string_view text) {
  std::string out(text);
  std::size_t question = out.find('?');
  if (question == std::string::npos) return out;
  std::size_t at = question + 1;
  while (at < out.size()) {
    std::size_t end = out.find('&', at);
    if (end == std::string::npos) end = out.size();
    if (uri_lower(std::string_view(out).substr(at, 10)) == "pin-value=") {
      out.replace(at + 10, end - at - 10, "***");
      end = at + 13;
    }
    at = end + 1;
  }
  return out;
}

}  // namespace fwprov::pki
