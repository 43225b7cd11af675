// Secure boot v1: image || uint32 LE 0 || r || s (big-endian), deterministic ECDSA P-256.
#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/format.hpp"
#include "fwprov/sign/rfc6979.hpp"

namespace fwprov::sign::espsecure {
namespace {

void require_p256(const EVP_PKEY* key, const std::string& origin, const char* role) {
  KeyInfo info;
  try {
    info = key_info(key);
  } catch (const Error& error) {
    throw Error(ErrorKind::Crypto, SourceLocation{origin}, error.message());
  }
  if (info.is_rsa())
    throw Error(ErrorKind::Crypto, SourceLocation{origin},
                std::string(role) + " is " + info.describe() + ": secure boot v1 needs an EC P-256 (prime256v1) key");
  if (info.curve != "P-256")
    throw Error(ErrorKind::Crypto, SourceLocation{origin},
                std::string(role) + " uses curve " + info.curve + ": secure boot v1 only supports P-256 (prime256v1)");
}

}  // namespace

Bytes sbv1_sign(ByteView image, const EVP_PKEY* key, const std::string& origin) {
  require_p256(key, origin, "signing key");
  Sha256 hash = sha256(image);
  EcdsaRaw signature = sign_deterministic(key, hash, HashAlgorithm::Sha256);
  Bytes out(image.begin(), image.end());
  out.reserve(image.size() + format::kSbv1TrailerSize);
  append_u32le(out, format::kSbv1Version);
  append(out, signature.r);
  append(out, signature.s);
  return out;
}

Bytes sbv1_sign(ByteView image, Signer& signer, const std::string& origin) {
  if (!signer.in_token()) return sbv1_sign(image, signer.key(), origin);
  require_p256(signer.key(), origin, "signing key");
  Sha256 hash = sha256(image);
  EcdsaRaw signature = signer.sign_digest_raw(hash, HashAlgorithm::Sha256);
  Bytes out(image.begin(), image.end());
  out.reserve(image.size() + format::kSbv1TrailerSize);
  append_u32le(out, format::kSbv1Version);
  append(out, signature.r);
  append(out, signature.s);
  return out;
}

Bytes sbv1_sign_precomputed(ByteView image, const PrecomputedSignature& signature) {
  require_p256(signature.public_key, signature.origin, "public key");
  constexpr std::size_t raw_size = 2 * format::kSbv1CoordinateSize;
  if (signature.signature.size() != raw_size)
    throw Error(ErrorKind::Input, SourceLocation{signature.origin},
                "a secure boot v1 signature is r || s, 64 bytes; this file has " + std::to_string(signature.signature.size()));
  Sha256 hash = sha256(image);
  if (!verify_digest(signature.public_key, hash, HashAlgorithm::Sha256, signature.signature))
    throw Error(ErrorKind::Crypto, SourceLocation{signature.origin}, "the signature does not verify with the public key over this input");
  Bytes out(image.begin(), image.end());
  out.reserve(image.size() + format::kSbv1TrailerSize);
  append_u32le(out, format::kSbv1Version);
  append(out, signature.signature);
  return out;
}

Bytes sbv1_raw_public_key(const EVP_PKEY* key) {
  require_p256(key, "", "key");
  EcPoint point = ec_public_point(key);
  Bytes out = point.x;
  append(out, point.y);
  return out;
}

PkeyPtr sbv1_public_key_from_raw(ByteView x_y) {
  constexpr std::size_t size = format::kSbv1CoordinateSize;
  if (x_y.size() != 2 * size) throw Error(ErrorKind::Input, "raw P-256 public key must be 64 bytes (X || Y)");
  return ec_public_key_from_point("P-256", x_y.first(size), x_y.subspan(size));
}

Sbv1Check sbv1_verify(ByteView signed_image, const EVP_PKEY* public_key, const std::string& origin) {
  require_p256(public_key, "", "verification key");
  if (signed_image.size() < format::kSbv1TrailerSize)
    throw Error(ErrorKind::Input, SourceLocation{origin},
                "file of " + std::to_string(signed_image.size()) + " bytes is too short to hold a secure boot v1 signature (68 bytes)");
  Sbv1Check check;
  check.data_size = signed_image.size() - format::kSbv1TrailerSize;
  const std::uint8_t* trailer = signed_image.data() + check.data_size;
  std::uint32_t version = load_u32le(trailer);
  if (version != format::kSbv1Version)
    throw Error(ErrorKind::Input, SourceLocation{origin, 0, 0, "signature version"},
                "signature version word is " + std::to_string(version) + ", expected 0 (not a secure boot v1 signed file?)");
  Sha256 hash = sha256(signed_image.first(check.data_size));
  check.valid = verify_digest(public_key, hash, HashAlgorithm::Sha256, ByteView(trailer + 4, 2 * format::kSbv1CoordinateSize));
  return check;
}

}  // namespace fwprov::sign::espsecure
