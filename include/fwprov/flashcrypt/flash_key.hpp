#pragma once
// Flash encryption key files (espsecure generate-flash-encryption-key): raw bytes, no header.
// The same file means different keys in the two schemes; FlashKey holds the AES keys that one
// file gives one scheme (docs/encrypt.md has the table).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/secret.hpp"

namespace fwprov::flashcrypt {

enum class Scheme {
  Esp32,  // ESP32's AES-256 with the per-offset key tweak
  Xts,    // XTS-AES of ESP32-S2/S3/C2/C3/C5/C6/C61/H2/P4
};

class FlashKey {
 public:
  // Interprets a key file's bytes for `scheme`. Throws a Crypto error with espsecure's wording
  // for lengths the scheme does not take; `file_name` names the file in that error.
  static FlashKey from_file_bytes(ByteView file, Scheme scheme, const std::string& file_name = {});

  Scheme scheme() const noexcept { return scheme_; }
  std::size_t file_bytes() const noexcept { return file_bytes_; }
  // ESP32: the 32-byte AES-256 eFuse key. XTS: K1 (data key) followed by K2 (tweak key),
  // 32 bytes for XTS-AES-128 or 64 for XTS-AES-256.
  ByteView material() const noexcept { return material_.view(); }
  // What espsecure prints: "256-bit key", "192-bit key (extended)", "128-bit key (extended)"
  // (XTS, SHA-256-derived) or "512-bit key".
  std::string describe() const;

 private:
  FlashKey(Scheme scheme, std::size_t file_bytes, Bytes material)
      : scheme_(scheme), file_bytes_(file_bytes), material_(std::move(material)) {}
  Scheme scheme_;
  std::size_t file_bytes_;
  SecretBytes material_;
};

// The key files `fwprov keygen --type flash-encryption-*` writes (espsecure
// generate-flash-encryption-key --keylen 128/192/256/512): one row per type.
struct FlashKeyFileType {
  const char* name;  // keygen's --type value
  std::size_t bytes;
  const char* use;   // which chips and eFuse purpose take it
};
std::span<const FlashKeyFileType> flash_key_file_types();
const FlashKeyFileType* find_flash_key_file_type(std::string_view name);  // nullptr when unknown

// `bytes` from OpenSSL's private random generator (seeded by the OS).
SecretBytes generate_flash_key_file(std::size_t bytes);

}  // namespace fwprov::flashcrypt
