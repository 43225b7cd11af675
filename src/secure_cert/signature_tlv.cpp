// Layout: u8 version 1, 3 reserved, u32 offset 0, u32 length, u8 algorithm, 3 reserved, then
// the key and signature (docs/secure-cert.md, "secure sign").
#include "fwprov/secure_cert/signature_tlv.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/crc32.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/key.hpp"
#include "fwprov/sign/signer.hpp"

namespace fwprov::secure_cert {
namespace {

// Offsets inside an espsecure v2 signature block.
constexpr std::size_t kBlockSize = 1216;
constexpr std::size_t kRsaKeyPart = 36;       // n, e, R^2 mod n, M'
constexpr std::size_t kRsaKeyPartSize = 776;
constexpr std::size_t kRsaSignature = 812;
constexpr std::size_t kRsaBytes = 384;
constexpr std::size_t kBlockCrc = 1196;

struct EcdsaLayout {
  std::size_t coordinate;    // bytes per coordinate
  std::size_t key_at;        // curve id byte in the v2 block
  std::size_t signature_at;  // r || s in the v2 block
  const char* curve;
};

EcdsaLayout ecdsa_layout(SigningScheme scheme) {
  switch (scheme) {
    case SigningScheme::Ecdsa192: return {24, 36, 101, "P-192"};
    case SigningScheme::Ecdsa256: return {32, 36, 101, "P-256"};
    case SigningScheme::Ecdsa384: return {48, 52, 149, "P-384"};
    case SigningScheme::Rsa3072: break;
  }
  throw Error(ErrorKind::Internal, "no ECDSA layout for RSA");
}

SigningScheme scheme_of(const sign::KeyInfo& info) {
  if (info.is_rsa()) return SigningScheme::Rsa3072;
  if (info.curve == "P-192") return SigningScheme::Ecdsa192;
  if (info.curve == "P-384") return SigningScheme::Ecdsa384;
  return SigningScheme::Ecdsa256;
}

Bytes reversed(ByteView bytes) { return Bytes(bytes.rbegin(), bytes.rend()); }

}  // namespace

SigningScheme parse_signing_scheme(std::string_view text) {
  for (auto scheme : {SigningScheme::Rsa3072, SigningScheme::Ecdsa192, SigningScheme::Ecdsa256, SigningScheme::Ecdsa384})
    if (text == signing_scheme_name(scheme)) return scheme;
  throw Error(ErrorKind::Usage, SourceLocation{{}, 0, 0, "--signing-scheme"}, "signing scheme '" + std::string(text) + "' is not rsa3072, ecdsa192, ecdsa256 or ecdsa384");
}

std::string_view signing_scheme_name(SigningScheme scheme) {
  switch (scheme) {
    case SigningScheme::Rsa3072: return "rsa3072";
    case SigningScheme::Ecdsa192: return "ecdsa192";
    case SigningScheme::Ecdsa256: return "ecdsa256";
    case SigningScheme::Ecdsa384: return "ecdsa384";
  }
  return "?";
}

Tlv signature_tlv(ByteView signed_data, const EVP_PKEY* key, SigningScheme scheme, std::uint8_t subtype, const std::string& origin) {
  sign::Signer signer(key, sign::SignOptions{sign::RsaScheme::Pss, false, true}, origin);
  const sign::KeyInfo& info = signer.info();
  sign::espsecure::sbv2_require_key(info, origin);
  if (scheme_of(info) != scheme)
    throw Error(ErrorKind::Crypto, SourceLocation{origin},
                fmt::format("{} key, but --signing-scheme is {}", info.describe(), signing_scheme_name(scheme)));
  const sign::HashAlgorithm hash = sign::espsecure::sbv2_hash_for(info);
  const Bytes block = sign::espsecure::sbv2_block(sign::digest_bytes(hash, signed_data), signer);
  Bytes data;
  data.push_back(kSignatureVersion);
  data.insert(data.end(), 3, 0);
  append_u32le(data, 0);  // signed data starts at the partition start
  append_u32le(data, static_cast<std::uint32_t>(signed_data.size()));
  data.push_back(static_cast<std::uint8_t>(scheme));
  data.insert(data.end(), 3, 0);
  if (scheme == SigningScheme::Rsa3072) {
    append(data, block);
  } else {
    const EcdsaLayout layout = ecdsa_layout(scheme);
    append(data, ByteView(block).subspan(layout.key_at, 1 + 2 * layout.coordinate));
    append(data, ByteView(block).subspan(layout.signature_at, 2 * layout.coordinate));
  }
  return Tlv{tlv_type::kSignatureBlock, subtype, 0, std::move(data)};
}

SignatureCheck check_signature_tlv(const Tlv& tlv, ByteView partition, const EVP_PKEY* expected_key) {
  SignatureCheck check;
  const Bytes& d = tlv.data;
  auto fail = [&](std::string why) {
    check.problem = std::move(why);
    return check;
  };
  if (tlv.type != tlv_type::kSignatureBlock) return fail("not a signature block TLV");
  if (d.size() < kSignatureHeaderSize) return fail("shorter than its 16-byte header");
  if (d[0] != kSignatureVersion) return fail(fmt::format("version {} (expected 1)", d[0]));
  if (d[12] > 3) return fail(fmt::format("unknown algorithm {}", d[12]));
  check.scheme = static_cast<SigningScheme>(d[12]);
  check.signed_offset = load_u32le(d.data() + 4);
  check.signed_length = load_u32le(d.data() + 8);
  if (static_cast<std::uint64_t>(check.signed_offset) + check.signed_length > partition.size())
    return fail(fmt::format("covers bytes {}..{}, past the end of the partition", check.signed_offset, check.signed_offset + check.signed_length));
  const ByteView covered = partition.subspan(check.signed_offset, check.signed_length);
  const ByteView body = ByteView(d).subspan(kSignatureHeaderSize);
  pki::PkeyPtr carried;
  Bytes digest;
  Bytes signature;
  sign::HashAlgorithm hash = sign::HashAlgorithm::Sha256;
  if (check.scheme == SigningScheme::Rsa3072) {
    if (body.size() != kBlockSize) return fail(fmt::format("RSA block of {} bytes (expected {})", body.size(), kBlockSize));
    if (body[0] != 0xE7 || body[1] != 0x02) return fail("RSA block has the wrong magic/version");
    if (crc32(body.first(kBlockCrc)) != load_u32le(body.data() + kBlockCrc)) return fail("RSA block CRC mismatch");
    if (!std::equal(body.begin() + 4, body.begin() + 36, sign::digest_bytes(hash, covered).begin())) return fail("RSA block digest does not match the signed data");
    const ByteView key_part = body.subspan(kRsaKeyPart, kRsaKeyPartSize);
    try {
      carried = sign::rsa_public_key_from_parts(reversed(key_part.first(kRsaBytes)), load_u32le(key_part.data() + kRsaBytes));
    } catch (const Error& error) {  // the partition's bytes, not our key: a finding, not a failure
      return fail("carries an invalid RSA public key: " + error.message());
    }
    signature = reversed(body.subspan(kRsaSignature, kRsaBytes));
  } else {
    const EcdsaLayout layout = ecdsa_layout(check.scheme);
    if (body.size() != 1 + 4 * layout.coordinate) return fail(fmt::format("ECDSA body of {} bytes (expected {})", body.size(), 1 + 4 * layout.coordinate));
    const std::size_t c = layout.coordinate;
    try {
      carried = sign::ec_public_key_from_point(layout.curve, reversed(body.subspan(1, c)), reversed(body.subspan(1 + c, c)));
    } catch (const Error& error) {
      return fail("carries an invalid ECDSA public key: " + error.message());
    }
    signature = reversed(body.subspan(1 + 2 * c, c));
    append(signature, reversed(body.subspan(1 + 3 * c, c)));
    if (check.scheme == SigningScheme::Ecdsa384) hash = sign::HashAlgorithm::Sha384;
  }
  if (expected_key != nullptr && EVP_PKEY_eq(carried.get(), expected_key) != 1) return fail("signed with another key");
  digest = sign::digest_bytes(hash, covered);
  const auto rsa = check.scheme == SigningScheme::Rsa3072 ? sign::RsaScheme::Pss : sign::RsaScheme::Pkcs1;
  if (!sign::verify_digest(carried.get(), digest, hash, signature, rsa)) return fail("signature does not verify");
  check.valid = true;
  return check;
}

}  // namespace fwprov::secure_cert
