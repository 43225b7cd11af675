#pragma once
// The signature block TLV (type 8) of --secure-sign: the secure boot v2 key signs the
// partition's TLVs so the firmware can check them (esp_secure_cert_signature_verify.c).
#include <cstdint>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/secure_cert/tlv.hpp"

namespace fwprov::secure_cert {

enum class SigningScheme : std::uint8_t { Rsa3072 = 0, Ecdsa192 = 1, Ecdsa256 = 2, Ecdsa384 = 3 };

// "rsa3072", "ecdsa192", "ecdsa256", "ecdsa384"; Usage error otherwise.
SigningScheme parse_signing_scheme(std::string_view text);
std::string_view signing_scheme_name(SigningScheme scheme);

inline constexpr std::uint8_t kSignatureVersion = 1;
inline constexpr std::size_t kSignatureHeaderSize = 16;

// Signs `signed_data` (the unsigned partition) with `key`. RSA: the payload holds a complete
// 1216-byte secure boot v2 RSA-PSS block over SHA-256(signed_data); ECDSA: curve id + X || Y
// and r || s, little-endian (SHA-384 for P-384). Crypto error when the key does not match
// `scheme`.
Tlv signature_tlv(ByteView signed_data, const EVP_PKEY* key, SigningScheme scheme, std::uint8_t subtype, const std::string& origin);

struct SignatureCheck {
  SigningScheme scheme = SigningScheme::Rsa3072;
  std::uint32_t signed_offset = 0;
  std::uint32_t signed_length = 0;
  bool valid = false;
  std::string problem;  // why not, when !valid
};
// Checks a signature TLV's structure and signature against `partition` (the bytes at
// [signed_offset, signed_offset + signed_length) are what it covers), with the public key it
// carries. Pass `expected_key` to also require that key. Whatever the TLV holds (an invalid
// public key included), the answer is a SignatureCheck, never an exception.
SignatureCheck check_signature_tlv(const Tlv& tlv, ByteView partition, const EVP_PKEY* expected_key = nullptr);

}  // namespace fwprov::secure_cert
