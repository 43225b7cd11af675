#include "fwprov/nvs/keys.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/nvs/format.hpp"

namespace fwprov::nvs {

void XtsKeys::require_distinct_halves(const std::string& origin) const {
  if (std::equal(bytes.begin(), bytes.begin() + 32, bytes.begin() + 32))
    throw Error(ErrorKind::Crypto, origin + ": the XTS data key and tweak key (bytes 0..31 and 32..63) are equal, which XTS-AES forbids");
}

Bytes key_file_bytes(const XtsKeys& keys) {
  Bytes file(kKeyFileSize, 0xFF);
  std::memcpy(file.data(), keys.bytes.data(), keys.bytes.size());
  store_u32le(file.data() + kKeyFileCrcOffset, nvs_crc32(keys.bytes));
  return file;
}

XtsKeys keys_from_bytes(ByteView bytes, const std::string& origin) {
  if (bytes.size() < 64)
    throw Error(ErrorKind::Crypto, origin + ": a key file holds at least 64 bytes (XTS data key + tweak key), this one has " +
                                       std::to_string(bytes.size()));
  XtsKeys keys;
  std::memcpy(keys.bytes.data(), bytes.data(), keys.bytes.size());
  keys.require_distinct_halves(origin);
  return keys;
}

XtsKeys read_key_file(const std::filesystem::path& path, Warnings* warnings) {
  SecretBytes file = read_secret_file(path);
  const Bytes& bytes = file.bytes();
  XtsKeys keys = keys_from_bytes(bytes, path.string());
  if (warnings != nullptr && bytes.size() >= kKeyFileCrcOffset + 4 &&
      load_u32le(bytes.data() + kKeyFileCrcOffset) != nvs_crc32(keys.bytes))
    warnings->warn(SourceLocation{path.string()}, "key file CRC (bytes 64..67) does not match its keys; using the keys anyway, as the reference does");
  return keys;
}

XtsKeys random_keys() {
  XtsKeys keys;
  do {
    if (RAND_bytes(keys.bytes.data(), static_cast<int>(keys.bytes.size())) != 1)
      throw Error(ErrorKind::Crypto, "the random number generator failed");
  } while (std::equal(keys.bytes.begin(), keys.bytes.begin() + 32, keys.bytes.begin() + 32));
  return keys;
}

Bytes random_hmac_key() {
  Bytes key(32);
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) throw Error(ErrorKind::Crypto, "the random number generator failed");
  return key;
}

XtsKeys derive_keys_from_hmac(ByteView hmac_key) {
  static constexpr std::uint8_t kDataKeySeed[4] = {0x5A, 0x5A, 0xBE, 0xAE};
  static constexpr std::uint8_t kTweakKeySeed[4] = {0xA5, 0xA5, 0xDE, 0xCE};
  auto derive = [&](const std::uint8_t (&element)[4], std::uint8_t* out) {
    std::uint8_t seed[32];
    for (int i = 0; i < 8; ++i) std::memcpy(seed + 4 * i, element, 4);
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()), seed, sizeof seed, out, &length) == nullptr || length != 32)
      throw Error(ErrorKind::Crypto, "HMAC-SHA256 key derivation failed");
  };
  XtsKeys keys;
  derive(kDataKeySeed, keys.bytes.data());
  derive(kTweakKeySeed, keys.bytes.data() + 32);
  return keys;
}

}  // namespace fwprov::nvs
