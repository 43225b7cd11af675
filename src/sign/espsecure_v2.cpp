// Secure boot v2 signature sectors (RSA-3072 PSS and ECDSA blocks), as espsecure 5.3.1.
#include <openssl/bn.h>

#include <algorithm>
#include <functional>

#include "fwprov/core/crc32.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/format.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign::espsecure {
namespace {

using namespace format;

std::uint8_t curve_id(const std::string& curve) {
  if (curve == "P-256") return kSbv2CurveP256;
  if (curve == "P-384") return kSbv2CurveP384;
  if (curve == "P-192") return kSbv2CurveP192;
  throw Error(ErrorKind::Crypto, "secure boot v2 does not support curve " + curve);
}

struct CurveOfId {
  const char* name;
  std::size_t coordinate_size;
};
std::optional<CurveOfId> curve_of_id(std::uint8_t id) {
  switch (id) {
    case kSbv2CurveP192: return CurveOfId{"P-192", 24};
    case kSbv2CurveP256: return CurveOfId{"P-256", 32};
    case kSbv2CurveP384: return CurveOfId{"P-384", 48};
    default: return std::nullopt;
  }
}

void append_le(Bytes& out, ByteView big_endian) { append(out, reversed(big_endian)); }

// n (LE) || e (u32 LE) || R^2 mod n (LE) || -n^-1 mod 2^32 (u32 LE): what the ROM's
// Montgomery code needs, and what the eFuse digest covers.
Bytes rsa_key_part(const EVP_PKEY* key) {
  RsaPublicParts parts = rsa_public_parts(key);
  if (parts.modulus.size() != kSbv2RsaBytes) throw Error(ErrorKind::Crypto, "secure boot v2 needs an RSA-3072 key");
  if (parts.exponent > 0xFFFFFFFFu) throw Error(ErrorKind::Crypto, "RSA public exponent does not fit 32 bits");
  auto n = detail::bn_from(parts.modulus);
  detail::BnCtxPtr ctx(BN_CTX_new());
  auto r_squared = detail::bn_new(), rinv = detail::bn_new(), two_32 = detail::bn_new(), inverse = detail::bn_new(),
       m_prime = detail::bn_new();
  if (!ctx || BN_lshift(r_squared.get(), BN_value_one(), 2 * static_cast<int>(kSbv2RsaBits)) != 1 ||
      BN_mod(rinv.get(), r_squared.get(), n.get(), ctx.get()) != 1 || BN_lshift(two_32.get(), BN_value_one(), 32) != 1 ||
      BN_mod_inverse(inverse.get(), n.get(), two_32.get(), ctx.get()) == nullptr ||
      BN_sub(m_prime.get(), two_32.get(), inverse.get()) != 1)
    detail::crypto_fail("cannot derive the secure boot v2 RSA parameters");
  Bytes m_prime_bytes = detail::bn_to(m_prime.get(), 4);  // inverse is odd and < 2^32, so 0 < m' < 2^32
  Bytes out;
  out.reserve(kSbv2RsaKeyEnd - kSbv2RsaModulusOffset);
  append_le(out, parts.modulus);
  append_u32le(out, static_cast<std::uint32_t>(parts.exponent));
  append_le(out, detail::bn_to(rinv.get(), kSbv2RsaBytes));
  append_le(out, m_prime_bytes);
  return out;
}

// The point and the signature each sit in a field of 64 bytes (96 for P-384): espsecure packs
// them with struct "64s", so a P-192 pair (48 bytes) is followed by 16 zero bytes, as in the
// ROM's signature block struct. The eFuse key digest covers the whole field.
std::size_t ec_field_size(std::size_t coordinate_size) { return coordinate_size > 32 ? 2 * coordinate_size : 64; }

Bytes ec_key_part(const EVP_PKEY* key, const KeyInfo& info) {
  EcPoint point = ec_public_point(key);
  Bytes out{curve_id(info.curve)};
  append_le(out, point.x);
  append_le(out, point.y);
  out.resize(1 + ec_field_size(point.x.size()), 0x00);
  return out;
}

Bytes key_part(const EVP_PKEY* key) {
  KeyInfo info = key_info(key);
  return info.is_rsa() ? rsa_key_part(key) : ec_key_part(key, info);
}

void finish_block(Bytes& block) {
  block.resize(kSbv2CrcOffset, 0x00);
  append_u32le(block, crc32(block));
  block.resize(kSbv2BlockSize, 0x00);
}

bool block_is_well_formed(ByteView block) {
  return block[0] == kSbv2Magic && (block[1] == kSbv2VersionRsa || block[1] == kSbv2VersionEcdsa) &&
         crc32(block.first(kSbv2CrcOffset)) == load_u32le(block.data() + kSbv2CrcOffset);
}

Sbv2Block parse_block(ByteView block, std::size_t index) {
  Sbv2Block parsed;
  parsed.index = index;
  if (!block_is_well_formed(block)) return parsed;
  if (block[1] == kSbv2VersionRsa) {
    parsed.rsa = true;
    parsed.digest.assign(block.begin() + kSbv2DigestOffset, block.begin() + kSbv2DigestOffset + 32);
    Bytes modulus = reversed(block.subspan(kSbv2RsaModulusOffset, kSbv2RsaBytes));
    std::uint32_t exponent = load_u32le(block.data() + kSbv2RsaExponentOffset);
    parsed.key_digest = digest_bytes(HashAlgorithm::Sha256, block.subspan(kSbv2RsaModulusOffset, kSbv2RsaKeyEnd - kSbv2RsaModulusOffset));
    parsed.signature = reversed(block.subspan(kSbv2RsaSignatureOffset, kSbv2RsaBytes));
    try {
      parsed.embedded_key = rsa_public_key_from_parts(modulus, exponent);
    } catch (const Error&) {
      return parsed;  // a modulus OpenSSL refuses: not a usable block
    }
    parsed.valid = true;
    return parsed;
  }
  std::uint8_t sha_id = block[2];
  if (sha_id != kSbv2ShaIdSha256 && sha_id != kSbv2ShaIdSha384) return parsed;
  parsed.hash = sha_id == kSbv2ShaIdSha384 ? HashAlgorithm::Sha384 : HashAlgorithm::Sha256;
  std::size_t digest_length = digest_size(parsed.hash);
  std::size_t curve_at = kSbv2DigestOffset + digest_length;
  auto curve = curve_of_id(block[curve_at]);
  if (!curve) return parsed;
  std::size_t size = curve->coordinate_size;
  parsed.digest.assign(block.begin() + kSbv2DigestOffset, block.begin() + static_cast<std::ptrdiff_t>(curve_at));
  std::size_t x_at = curve_at + 1, y_at = x_at + size, r_at = x_at + ec_field_size(size), s_at = r_at + size;
  parsed.key_digest = digest_bytes(HashAlgorithm::Sha256, block.subspan(curve_at, 1 + ec_field_size(size)));
  Bytes r = reversed(block.subspan(r_at, size));
  Bytes s = reversed(block.subspan(s_at, size));
  try {
    parsed.embedded_key = ec_public_key_from_point(curve->name, reversed(block.subspan(x_at, size)), reversed(block.subspan(y_at, size)));
    parsed.signature = ecdsa_der_from_raw(r, s);
  } catch (const Error&) {
    return parsed;  // not a point on the curve
  }
  parsed.valid = true;
  return parsed;
}

// The two block layouts, from a signature made here or elsewhere.
Bytes rsa_block(ByteView image_digest, const EVP_PKEY* key, ByteView signature_big_endian) {
  Bytes block{kSbv2Magic, kSbv2VersionRsa, 0x00, 0x00};
  block.reserve(kSbv2BlockSize);
  append(block, image_digest);
  append(block, rsa_key_part(key));
  append(block, reversed(signature_big_endian));
  finish_block(block);
  return block;
}

Bytes ecdsa_block(ByteView image_digest, HashAlgorithm hash, const EVP_PKEY* key, const KeyInfo& info, const EcdsaRaw& signature) {
  Bytes block{kSbv2Magic, kSbv2VersionEcdsa, hash == HashAlgorithm::Sha384 ? kSbv2ShaIdSha384 : kSbv2ShaIdSha256, 0x00};
  block.reserve(kSbv2BlockSize);
  append(block, image_digest);
  append(block, ec_key_part(key, info));
  std::size_t signature_at = block.size();
  append(block, reversed(signature.r));
  append(block, reversed(signature.s));
  block.resize(signature_at + ec_field_size(signature.r.size()), 0x00);
  finish_block(block);
  return block;
}

// The image's digests, each computed once however many blocks need it.
class ImageDigests {
 public:
  explicit ImageDigests(ByteView image) : image_(image) {}
  const Bytes& of(HashAlgorithm hash) {
    Bytes& digest = hash == HashAlgorithm::Sha384 ? sha384_ : sha256_;
    if (digest.empty()) digest = digest_bytes(hash, image_);
    return digest;
  }

 private:
  ByteView image_;
  Bytes sha256_, sha384_;
};

ByteView last_sector(ByteView signed_image, const std::string& origin) {
  if (signed_image.empty() || signed_image.size() % kSbv2SectorSize != 0)
    throw Error(ErrorKind::Input, SourceLocation{origin},
                "file of " + std::to_string(signed_image.size()) +
                    " bytes is not a secure boot v2 signed image (length must be a non-zero multiple of 4096)");
  return signed_image.subspan(signed_image.size() - kSbv2SectorSize);
}

}  // namespace

Bytes sbv2_pad(ByteView image) {
  Bytes out(image.begin(), image.end());
  std::size_t remainder = out.size() % kSbv2SectorSize;
  if (remainder != 0) out.resize(out.size() + kSbv2SectorSize - remainder, kSbv2ImagePadByte);
  return out;
}

HashAlgorithm sbv2_hash_for(const KeyInfo& info) {
  return !info.is_rsa() && info.curve == "P-384" ? HashAlgorithm::Sha384 : HashAlgorithm::Sha256;
}

void sbv2_require_key(const KeyInfo& info, const std::string& origin) {
  if (info.is_rsa() && info.bits != static_cast<int>(kSbv2RsaBits))
    throw Error(ErrorKind::Crypto, SourceLocation{origin},
                "key has " + std::to_string(info.bits) + " bits: secure boot v2 only supports RSA-3072 (or ECDSA P-256/P-384)");
}

Bytes sbv2_public_key_digest(const EVP_PKEY* key) { return digest_bytes(HashAlgorithm::Sha256, key_part(key)); }

Bytes sbv2_block(ByteView image_digest, Signer& signer) {
  const KeyInfo& info = signer.info();
  HashAlgorithm hash = sbv2_hash_for(info);
  if (image_digest.size() != digest_size(hash)) throw Error(ErrorKind::Internal, "image digest of the wrong length for the key");
  if (info.is_rsa()) {
    if (signer.options().scheme != RsaScheme::Pss) throw Error(ErrorKind::Internal, "secure boot v2 RSA blocks need a PSS signer");
    return rsa_block(image_digest, signer.key(), signer.sign_digest(image_digest, hash));
  }
  return ecdsa_block(image_digest, hash, signer.key(), info, signer.sign_digest_raw(image_digest, hash));
}

std::vector<Sbv2Block> sbv2_read_blocks(ByteView signed_image, const std::string& origin) {
  ByteView sector = last_sector(signed_image, origin);
  std::vector<Sbv2Block> blocks;
  for (std::size_t i = 0; i < kSbv2MaxBlocks; ++i) blocks.push_back(parse_block(sector.subspan(i * kSbv2BlockSize, kSbv2BlockSize), i));
  return blocks;
}

namespace {

// The image digest a well-formed block claims: SHA-384 for ECDSA blocks with SHA id 1, else
// SHA-256 (the rule of espsecure's verify_signature_v2).
HashAlgorithm stored_digest_hash(ByteView block) {
  return block[1] == kSbv2VersionEcdsa && block[2] == kSbv2ShaIdSha384 ? HashAlgorithm::Sha384 : HashAlgorithm::Sha256;
}

void report_warning(Warnings* warnings, SourceLocation where, std::string message) {
  if (warnings) warnings->warn(std::move(where), std::move(message));
}

// espsecure 5.3.1 --append-signatures on an aligned input: the leading run of blocks with the
// right magic, version and CRC is kept as it is (the first bad block ends the run); the image
// digest of the kept blocks is not checked. Returns the kept blocks, possibly none.
std::vector<Bytes> leading_well_formed_blocks(ByteView input, const std::string& origin, Warnings* warnings) {
  ByteView sector = last_sector(input, origin);
  ByteView image = input.first(input.size() - kSbv2SectorSize);
  ImageDigests digests(image);
  std::vector<Bytes> kept;
  for (std::size_t i = 0; i < kSbv2MaxBlocks; ++i) {
    ByteView raw = sector.subspan(i * kSbv2BlockSize, kSbv2BlockSize);
    if (!block_is_well_formed(raw)) break;
    HashAlgorithm hash = stored_digest_hash(raw);
    if (!std::equal(digests.of(hash).begin(), digests.of(hash).end(), raw.begin() + kSbv2DigestOffset))
      report_warning(warnings, SourceLocation{origin, 0, 0, "signature block " + std::to_string(i)},
           "existing signature block does not match the image digest; kept as espsecure does, but it will not verify");
    kept.emplace_back(raw.begin(), raw.end());
  }
  return kept;
}

// The sector assembly shared by both ways of signing, following espsecure's
// sign_secure_boot_v2: an input that is not a multiple of 4096 is padded (and --append has
// nothing to keep); an aligned input is signed as it is, or with --append its leading valid
// blocks are kept and the old sector is stripped; with none valid it is signed afresh, old
// sector included. Then `new_blocks` blocks from `make_block` are added.
Bytes sign_image(ByteView input, std::size_t new_blocks, bool append_blocks, bool input_must_be_aligned, const std::string& origin,
                 Warnings* warnings, const std::function<Bytes(std::size_t index, ImageDigests& digests)>& make_block) {
  bool aligned = input.size() % kSbv2SectorSize == 0;
  if (input_must_be_aligned && !aligned)
    throw Error(ErrorKind::Input, SourceLocation{origin},
                "file of " + std::to_string(input.size()) +
                    " bytes: pre-computed signatures need an input that is already a multiple of 4096 bytes (the signature covers "
                    "the exact bytes; pad the image with 0xFF first, then sign it)");
  Bytes image;
  std::vector<Bytes> kept;
  if (append_blocks && !aligned) {
    report_warning(warnings, SourceLocation{origin},
         "input of " + std::to_string(input.size()) +
             " bytes is not a multiple of 4096, so it holds no signature sector: --append ignored, padding and signing afresh "
             "(as espsecure)");
    image = sbv2_pad(input);
  } else if (append_blocks) {
    kept = leading_well_formed_blocks(input, origin, warnings);
    if (kept.empty()) {
      report_warning(warnings, SourceLocation{origin},
           "no valid signature block found: --append ignored, the whole input is signed afresh (as espsecure)");
      image.assign(input.begin(), input.end());
    } else {
      image.assign(input.begin(), input.end() - static_cast<std::ptrdiff_t>(kSbv2SectorSize));
    }
  } else {
    image = sbv2_pad(input);
  }
  if (kept.size() + new_blocks > kSbv2MaxBlocks)
    throw Error(ErrorKind::Usage, SourceLocation{origin},
                "a signature sector holds at most 3 blocks: " + std::to_string(kept.size()) + " present + " +
                    std::to_string(new_blocks) + " new");
  ImageDigests digests(image);
  Bytes sector;
  sector.reserve(kSbv2SectorSize);
  for (const Bytes& block : kept) append(sector, block);
  for (std::size_t i = 0; i < new_blocks; ++i) append(sector, make_block(i, digests));
  sector.resize(kSbv2SectorSize, kSbv2SectorFillByte);
  append(image, sector);
  return image;
}

Bytes block_from_precomputed(ImageDigests& digests, const PrecomputedSignature& precomputed) {
  KeyInfo info;
  try {
    info = key_info(precomputed.public_key);
  } catch (const Error& error) {
    throw Error(ErrorKind::Crypto, SourceLocation{precomputed.origin}, error.message());
  }
  sbv2_require_key(info, precomputed.origin);
  HashAlgorithm hash = sbv2_hash_for(info);
  const Bytes& digest = digests.of(hash);
  const std::string hash_name = hash == HashAlgorithm::Sha384 ? "SHA-384" : "SHA-256";
  if (info.is_rsa()) {
    if (precomputed.signature.size() != kSbv2RsaBytes)
      throw Error(ErrorKind::Input, SourceLocation{precomputed.origin},
                  "an RSA-3072 signature is 384 bytes; this file has " + std::to_string(precomputed.signature.size()));
    if (!verify_digest(precomputed.public_key, digest, hash, precomputed.signature, RsaScheme::Pss))
      throw Error(ErrorKind::Crypto, SourceLocation{precomputed.origin},
                  "not an RSA-PSS (SHA-256, MGF1-SHA-256, salt 32) signature of this input by the given public key");
    return rsa_block(digest, precomputed.public_key, precomputed.signature);
  }
  std::size_t coordinate_size = static_cast<std::size_t>((info.bits + 7) / 8);
  std::optional<EcdsaRaw> raw = ecdsa_raw_from_der(precomputed.signature, coordinate_size);
  if (!raw)
    throw Error(ErrorKind::Input, SourceLocation{precomputed.origin}, "not a DER ECDSA signature (SEQUENCE of r and s) for " + info.describe());
  if (!verify_digest(precomputed.public_key, digest, hash, precomputed.signature))
    throw Error(ErrorKind::Crypto, SourceLocation{precomputed.origin},
                "not an ECDSA " + hash_name + " signature of this input by the given public key");
  return ecdsa_block(digest, hash, precomputed.public_key, info, *raw);
}

}  // namespace

Bytes sbv2_sign(ByteView input, std::vector<Signer*> signers, bool append_blocks, const std::string& origin, Warnings* warnings) {
  for (Signer* signer : signers) sbv2_require_key(signer->info(), origin);
  return sign_image(input, signers.size(), append_blocks, false, origin, warnings, [&](std::size_t i, ImageDigests& digests) {
    return sbv2_block(digests.of(sbv2_hash_for(signers[i]->info())), *signers[i]);
  });
}

Bytes sbv2_sign_precomputed(ByteView input, const std::vector<PrecomputedSignature>& signatures, bool append_blocks,
                            const std::string& origin, Warnings* warnings) {
  return sign_image(input, signatures.size(), append_blocks, true, origin, warnings,
                    [&](std::size_t i, ImageDigests& digests) { return block_from_precomputed(digests, signatures[i]); });
}

Sbv2Check sbv2_verify(ByteView signed_image, const EVP_PKEY* public_key, const std::string& origin) {
  std::vector<Sbv2Block> blocks = sbv2_read_blocks(signed_image, origin);
  KeyInfo key = key_info(public_key);
  Sbv2Check check;
  check.image_size = signed_image.size() - kSbv2SectorSize;
  ByteView image = signed_image.first(check.image_size);
  ImageDigests digests(image);
  bool any_verified = false, any_mismatch = false;
  for (Sbv2Block& block : blocks) {
    Sbv2BlockCheck result;
    result.index = block.index;
    result.valid = block.valid;
    result.rsa = block.rsa;
    result.key_digest = block.key_digest;
    if (!block.valid) {
      result.note = "absent or invalid (magic, version or CRC)";
      check.blocks.push_back(std::move(result));
      continue;
    }
    const Bytes& digest = digests.of(block.hash);
    result.digest_matches = digest == block.digest;
    if (!result.digest_matches) {
      any_mismatch = true;
      result.note = "image digest does not match the digest stored in the block (image modified?)";
    } else if (block.rsa != key.is_rsa()) {
      result.note = std::string("block holds an ") + (block.rsa ? "RSA" : "ECDSA") + " signature, the key is " + key.describe();
    } else if (EVP_PKEY_eq(block.embedded_key.get(), public_key) != 1) {
      pki::take_openssl_error();
      result.note = "not signed by the supplied key (the block embeds another public key)";
    } else if (!verify_digest(public_key, block.digest, block.hash, block.signature, RsaScheme::Pss)) {
      result.note = "signature does not verify with the supplied key";
    } else {
      result.verified = true;
      any_verified = true;
    }
    check.blocks.push_back(std::move(result));
  }
  check.valid = any_verified && !any_mismatch;
  return check;
}

}  // namespace fwprov::sign::espsecure
