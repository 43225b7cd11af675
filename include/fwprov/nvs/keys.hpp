#pragma once
// NVS encryption keys: the XTS-AES-256 key pair and the reference's 4096-byte key file.
#include <array>
#include <cstdint>
#include <filesystem>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"

namespace fwprov::nvs {

// key1 (data key, bytes 0..31) and key2 (tweak key, bytes 32..63) of AES-256-XTS.
struct XtsKeys {
  std::array<std::uint8_t, 64> bytes{};

  ByteView data_key() const { return ByteView(bytes).first(32); }
  ByteView tweak_key() const { return ByteView(bytes).last(32); }
  // XTS (IEEE 1619) forbids equal halves; OpenSSL refuses them. Throws Crypto error.
  void require_distinct_halves(const std::string& origin) const;
};

inline constexpr std::size_t kKeyFileSize = 4096;
inline constexpr std::size_t kKeyFileCrcOffset = 64;

// The reference's key file: keys, CRC32 (NVS variant) of the 64 key bytes, then 0xFF.
Bytes key_file_bytes(const XtsKeys& keys);
// Reads the first 64 bytes like the reference; warns (does not fail) when a full key file's
// CRC does not match. Throws Crypto error when the file is shorter than 64 bytes or the halves
// are equal.
XtsKeys read_key_file(const std::filesystem::path& path, Warnings* warnings = nullptr);
XtsKeys keys_from_bytes(ByteView bytes, const std::string& origin);

// Random keys from OpenSSL's CSPRNG (halves guaranteed distinct).
XtsKeys random_keys();
// HMAC-based key protection scheme: key1 = HMAC-SHA256(hmac_key, 5A5ABEAE x 8),
// key2 = HMAC-SHA256(hmac_key, A5A5DECE x 8).
XtsKeys derive_keys_from_hmac(ByteView hmac_key);
// A random 32-byte HMAC key (for --kp_hmac_keygen).
Bytes random_hmac_key();

}  // namespace fwprov::nvs
