// How espsecure reads a flash encryption key file, per scheme (docs/encrypt.md, "Key files").
#include "fwprov/flashcrypt/flash_key.hpp"

#include <fmt/core.h>
#include <openssl/rand.h>

#include <array>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::flashcrypt {
namespace {

Error key_error(const std::string& file_name, std::string message) {
  if (file_name.empty()) return Error(ErrorKind::Crypto, std::move(message));
  return Error(ErrorKind::Crypto, SourceLocation{file_name}, std::move(message));
}

constexpr std::array<FlashKeyFileType, 5> kFlashKeyFileTypes = {{
    {"flash-encryption-aes256", 32, "ESP32 flash encryption (AES-256, eFuse BLOCK1, no coding scheme)"},
    {"flash-encryption-aes192", 24, "ESP32 with the 3/4 coding scheme (192-bit eFuse key)"},
    {"flash-encryption-aes128", 16, "ESP32-C2 XTS_AES_128_KEY_DERIVED_FROM_128_EFUSE_BITS (use with --aes-xts)"},
    {"flash-encryption-xts128", 32, "XTS-AES-128: ESP32-S2/S3/C2/C3/C5/C6/H2/P4, purpose XTS_AES_128_KEY"},
    {"flash-encryption-xts256", 64, "XTS-AES-256: ESP32-S2/S3/P4, purpose XTS_AES_256_KEY (two eFuse blocks)"},
}};

}  // namespace

std::span<const FlashKeyFileType> flash_key_file_types() { return kFlashKeyFileTypes; }

const FlashKeyFileType* find_flash_key_file_type(std::string_view name) {
  for (const auto& type : kFlashKeyFileTypes)
    if (name == type.name) return &type;
  return nullptr;
}

SecretBytes generate_flash_key_file(std::size_t bytes) {
  Bytes key(bytes);
  if (RAND_priv_bytes(key.data(), static_cast<int>(key.size())) != 1)
    throw Error(ErrorKind::Crypto, "the random generator failed to produce a flash encryption key");
  return SecretBytes(std::move(key));
}

FlashKey FlashKey::from_file_bytes(ByteView file, Scheme scheme, const std::string& file_name) {
  const std::size_t n = file.size();
  if (n != 16 && n != 24 && n != 32 && n != 64)
    throw key_error(file_name, fmt::format("Key file contains wrong length ({} bytes), 16, 24, 32 or 64 expected.", n));
  Bytes material(file.begin(), file.end());
  if (scheme == Scheme::Esp32) {
    if (n != 24 && n != 32)
      throw key_error(file_name, fmt::format("ESP32 supports only 192 and 256-bit keys. Provided key is {} bits. "
                                             "Use --aes-xts for other chips.", n * 8));
    // 3/4 coding: the eFuse block holds 192 bits and the engine repeats bytes 8..15 at the end.
    if (n == 24) material.insert(material.end(), file.begin() + 8, file.begin() + 16);
    return FlashKey(scheme, n, std::move(material));
  }
  if (n == 24)
    throw key_error(file_name, "AES_XTS supports only 128, 256, and 512-bit keys. Provided key is 192 bits.");
  if (n == 16) {
    // ESP32-C2's XTS_AES_128_KEY_DERIVED_FROM_128_EFUSE_BITS: the chip uses SHA-256 of the
    // 128 burned bits as its XTS-AES-128 key pair.
    const Sha256 derived = sha256(file);
    material.assign(derived.begin(), derived.end());
  }
  return FlashKey(scheme, n, std::move(material));
}

std::string FlashKey::describe() const {
  switch (file_bytes_) {
    case 24: return "192-bit key (extended)";
    case 16: return "128-bit key (extended)";
    default: return fmt::format("{}-bit key", file_bytes_ * 8);
  }
}

}  // namespace fwprov::flashcrypt
