#pragma once
// Which placeholders each recipe template may use (docs/provision.md, "Placeholders").
#include <set>
#include <string>

namespace fwprov::provision {

// Per-device text known before credentials exist.
inline const std::set<std::string>& subject_placeholders() {
  static const std::set<std::string> names{"serial", "mac", "chip"};
  return names;
}
inline const std::set<std::string>& folder_placeholders() { return subject_placeholders(); }

// The device's DER data (file rows of the storage template).
inline const std::set<std::string>& credential_placeholders() {
  static const std::set<std::string> names{"device_cert", "device_key", "ca_cert"};
  return names;
}

// Names [files] and the values CSV may not take.
inline const std::set<std::string>& reserved_placeholders() {
  static const std::set<std::string> names{"serial", "mac", "chip", "seq", "device_cert", "device_key", "ca_cert"};
  return names;
}

}  // namespace fwprov::provision
