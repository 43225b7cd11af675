#pragma once
// RFC 7512 `pkcs11:` URIs, parsed strictly: a duplicate attribute, a bad %-escape, raw
// whitespace, an unknown attribute (other than `x-...`), or both pin-value and pin-source
// are Input errors naming the attribute. Values are returned percent-decoded.
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"

namespace fwprov::pki {

struct Pkcs11Uri {
  // Path attributes (which token, which object). Absent means "any".
  std::optional<std::string> token;  // CK_TOKEN_INFO.label, compared without its blank padding
  std::optional<std::string> manufacturer, serial, model;
  std::optional<std::string> library_manufacturer, library_description, library_version;
  std::optional<std::string> slot_manufacturer, slot_description;
  std::optional<unsigned long> slot_id;
  std::optional<std::string> object;  // CKA_LABEL
  std::optional<Bytes> id;            // CKA_ID
  std::optional<std::string> type;    // public | private | cert | secret-key | data
  // Query attributes (how to reach it).
  std::optional<std::string> pin_value, pin_source, module_name, module_path;
};

// True when `text` starts with the scheme `pkcs11:` (case-insensitive, as RFC 3986 schemes).
bool is_pkcs11_uri(std::string_view text);

// `origin` names the URI in errors (never the URI itself when it may hold a PIN).
Pkcs11Uri parse_pkcs11_uri(std::string_view text, const std::string& origin = "pkcs11 URI");

// `uri` written back with every value percent-encoded where RFC 7512 asks, and the PIN
// value replaced by "***": safe to print.
std::string format_pkcs11_uri(const Pkcs11Uri& uri);

// The URI text safe to show in messages: `text` with any pin-value hidden. Never throws.
std::string redact_pkcs11_uri(std::string_view text);

}  // namespace fwprov::pki
