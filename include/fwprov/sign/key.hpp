#pragma once
// What kind of key a signer holds, whether it is strong enough, and raw public-key parts
// (the espsecure formats store keys as raw integers, not as DER).
#include <cstdint>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"

namespace fwprov::sign {

using pki::PkeyPtr;

enum class KeyAlgorithm { Rsa, Ec };

struct KeyInfo {
  KeyAlgorithm algorithm = KeyAlgorithm::Rsa;
  int bits = 0;       // RSA modulus size, or the EC curve's order size
  std::string curve;  // "P-256", "P-384" (EC only)
  std::string describe() const;  // "RSA-2048", "EC P-256"
  bool is_rsa() const noexcept { return algorithm == KeyAlgorithm::Rsa; }
};

inline constexpr int kMinimumRsaBits = 2048;

// Throws Crypto error for keys that are neither RSA nor an EC curve fwprov knows.
KeyInfo key_info(const EVP_PKEY* key);

// Refuses (Crypto error naming `origin`) RSA keys under 2048 bits and EC curves other than
// P-256 / P-384 (P-192 too when `allow_p192`: secure boot v2 on the ESP32-C2 uses it).
KeyInfo require_signing_key(const EVP_PKEY* key, const std::string& origin, bool allow_p192 = false);

// Throws Crypto error when the certificate's public key is not the key's public half.
void require_certificate_matches_key(const EVP_PKEY* key, X509* certificate, const std::string& key_origin,
                                     const std::string& certificate_origin);

// Bytes of one EC coordinate / scalar for the curve (32 for P-256, 48 for P-384).
std::size_t ec_coordinate_size(const KeyInfo& info);

// The EC public point as fixed-width big-endian X and Y.
struct EcPoint {
  Bytes x;
  Bytes y;
};
EcPoint ec_public_point(const EVP_PKEY* key);
PkeyPtr ec_public_key_from_point(const std::string& curve, ByteView x_big_endian, ByteView y_big_endian);

// RSA modulus (big-endian, no leading zeros beyond the key size) and public exponent.
struct RsaPublicParts {
  Bytes modulus;  // big-endian, exactly bits/8 bytes
  std::uint64_t exponent = 0;
};
RsaPublicParts rsa_public_parts(const EVP_PKEY* key);
PkeyPtr rsa_public_key_from_parts(ByteView modulus_big_endian, std::uint64_t exponent);

}  // namespace fwprov::sign
