#include <catch2/catch.hpp>

#include <algorithm>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/ecdsa_encoding.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/format.hpp"
#include "sign_golden.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::sign;
using namespace fwprov::sign::espsecure;

namespace {

pki::PkeyPtr golden_key(const std::string& name) { return pki::load_private_key_file(test::golden("sign/keys/" + name)); }
pki::PkeyPtr golden_public(const std::string& name) { return pki::load_public_key_file(test::golden("sign/keys/" + name)); }

Signer sbv2_signer(const EVP_PKEY* key, bool deterministic = false) {
  return Signer(key, SignOptions{RsaScheme::Pss, deterministic}, "test key");
}

// The byte ranges of a v2 block that hold the signature (and the CRC that covers it).
bool in_signature_field(std::size_t offset, bool rsa, std::size_t coordinate) {
  using namespace format;
  if (offset >= kSbv2CrcOffset && offset < kSbv2CrcOffset + 4) return true;
  if (rsa) return offset >= kSbv2RsaSignatureOffset && offset < kSbv2RsaSignatureOffset + kSbv2RsaBytes;
  std::size_t digest = coordinate == 48 ? 48 : 32;
  std::size_t r_at = 4 + digest + 1 + 2 * coordinate;
  return offset >= r_at && offset < r_at + 2 * coordinate;
}

// Every byte outside the signatures equal: image, padding, digests, key material, fill.
void require_same_except_signatures(const Bytes& ours, const Bytes& reference, std::size_t blocks, bool rsa, std::size_t coordinate) {
  REQUIRE(ours.size() == reference.size());
  std::size_t sector = ours.size() - format::kSbv2SectorSize;
  std::size_t differing_outside = 0;
  for (std::size_t i = 0; i < ours.size(); ++i) {
    if (ours[i] == reference[i]) continue;
    bool allowed = false;
    if (i >= sector) {
      std::size_t in_sector = i - sector;
      std::size_t block = in_sector / format::kSbv2BlockSize;
      allowed = block < blocks && in_signature_field(in_sector % format::kSbv2BlockSize, rsa, coordinate);
    }
    if (!allowed) ++differing_outside;
  }
  CHECK(differing_outside == 0);
}

}  // namespace

TEST_CASE("secure boot v1 signature is byte-identical to espsecure's") {
  auto key = golden_key("ec_p256.pem");
  Bytes input = test::sign_golden_bytes("espsecure/v1_ecdsa_p256/input.bin");
  Bytes signed_image = sbv1_sign(input, key.get(), "ec_p256.pem");
  CHECK(signed_image == test::sign_golden_bytes("espsecure/v1_ecdsa_p256/signed.bin"));
  CHECK(sbv1_verify(signed_image, golden_public("ec_p256_pub.pem").get(), "signed.bin").valid);
}

TEST_CASE("secure boot v1: reference image verifies, tampered copy and wrong key do not") {
  Bytes reference = test::sign_golden_bytes("espsecure/v1_ecdsa_p256/signed.bin");
  auto public_key = golden_public("ec_p256_pub.pem");
  auto check = sbv1_verify(reference, public_key.get(), "signed.bin");
  CHECK(check.valid);
  CHECK(check.data_size == 2096);
  CHECK_FALSE(sbv1_verify(test::sign_golden_bytes("espsecure/v1_ecdsa_p256/tampered.bin"), public_key.get(), "tampered.bin").valid);
  // The private key file works as the verification key, as with espsecure.
  CHECK(sbv1_verify(reference, golden_key("ec_p256.pem").get(), "signed.bin").valid);
  // A P-384 key is refused (espsecure: "Public key uses incorrect curve").
  CHECK_THROWS_AS(sbv1_verify(reference, golden_public("ec_p384_pub.pem").get(), "signed.bin"), Error);
  // A raw 64-byte X||Y key as extract-public-key --version 1 writes it.
  auto raw = sbv1_public_key_from_raw(test::sign_golden_bytes("espsecure/key_digests/ec_p256_v1_raw_pub.bin"));
  CHECK(sbv1_verify(reference, raw.get(), "signed.bin").valid);
}

TEST_CASE("secure boot v1 refuses keys espsecure refuses") {
  Bytes input = test::sign_golden_bytes("espsecure/v1_p384_rejected/input.bin");
  CHECK_THROWS_AS(sbv1_sign(input, golden_key("ec_p384.pem").get(), "ec_p384.pem"), Error);
  CHECK_THROWS_AS(sbv1_sign(input, golden_key("rsa3072.pem").get(), "rsa3072.pem"), Error);
}

TEST_CASE("v1 raw public key equals extract-public-key --version 1") {
  CHECK(sbv1_raw_public_key(golden_key("ec_p256.pem").get()) == test::sign_golden_bytes("espsecure/key_digests/ec_p256_v1_raw_pub.bin"));
}

TEST_CASE("secure boot v2 public-key digests equal digest-sbv2-public-key") {
  CHECK(sbv2_public_key_digest(golden_key("rsa3072.pem").get()) == test::sign_golden_bytes("espsecure/key_digests/rsa3072_sbv2_digest.bin"));
  CHECK(sbv2_public_key_digest(golden_key("rsa3072_b.pem").get()) == test::sign_golden_bytes("espsecure/key_digests/rsa3072_b_sbv2_digest.bin"));
  CHECK(sbv2_public_key_digest(golden_key("ec_p256.pem").get()) == test::sign_golden_bytes("espsecure/key_digests/ec_p256_sbv2_digest.bin"));
  CHECK(sbv2_public_key_digest(golden_key("ec_p384.pem").get()) == test::sign_golden_bytes("espsecure/key_digests/ec_p384_sbv2_digest.bin"));
  // The public key file gives the same digest as the private key.
  CHECK(sbv2_public_key_digest(golden_public("rsa3072_pub.pem").get()) == test::sign_golden_bytes("espsecure/key_digests/rsa3072_sbv2_digest.bin"));
}

TEST_CASE("secure boot v2 sectors match espsecure's except the signature bytes, and verify") {
  struct Case {
    const char* folder;
    std::vector<const char*> keys;
    bool rsa;
    std::size_t coordinate;
  };
  const Case cases[] = {
      {"v2_rsa3072", {"rsa3072.pem"}, true, 0},
      {"v2_rsa3072_app_image", {"rsa3072.pem"}, true, 0},
      {"v2_two_rsa_keys", {"rsa3072.pem", "rsa3072_b.pem"}, true, 0},
      {"v2_ecdsa_p256", {"ec_p256.pem"}, false, 32},
      {"v2_ecdsa_p384", {"ec_p384.pem"}, false, 48},
  };
  for (const auto& c : cases) {
    INFO(c.folder);
    std::string folder = std::string("espsecure/") + c.folder + "/";
    std::vector<pki::PkeyPtr> keys;
    std::vector<Signer> signers;
    for (const char* name : c.keys) keys.push_back(golden_key(name));
    for (const auto& key : keys) signers.push_back(sbv2_signer(key.get()));
    std::vector<Signer*> pointers;
    for (auto& signer : signers) pointers.push_back(&signer);
    Bytes ours = sbv2_sign(test::sign_golden_bytes(folder + "input.bin"), pointers, false, "input.bin");
    Bytes reference = test::sign_golden_bytes(folder + "signed.bin");
    require_same_except_signatures(ours, reference, c.keys.size(), c.rsa, c.coordinate);
    for (const auto& key : keys) {
      CHECK(sbv2_verify(ours, key.get(), "ours").valid);
      CHECK(sbv2_verify(reference, key.get(), "signed.bin").valid);
    }
  }
}

TEST_CASE("secure boot v2: tampered images and other keys are rejected") {
  for (const char* folder : {"v2_rsa3072", "v2_ecdsa_p256", "v2_ecdsa_p384"}) {
    INFO(folder);
    std::string base = std::string("espsecure/") + folder + "/";
    const char* key = std::string(folder) == "v2_rsa3072" ? "rsa3072_pub.pem" : std::string(folder) == "v2_ecdsa_p256" ? "ec_p256_pub.pem" : "ec_p384_pub.pem";
    auto check = sbv2_verify(test::sign_golden_bytes(base + "tampered.bin"), golden_public(key).get(), "tampered.bin");
    CHECK_FALSE(check.valid);
    REQUIRE_FALSE(check.blocks.empty());
    CHECK(check.blocks[0].valid);
    CHECK_FALSE(check.blocks[0].digest_matches);
  }
  auto check = sbv2_verify(test::sign_golden_bytes("espsecure/v2_rsa3072/signed.bin"), golden_public("rsa3072_b_pub.pem").get(), "signed.bin");
  CHECK_FALSE(check.valid);
  // espsecure crashes here (AssertionError); fwprov says "not verified".
  CHECK_FALSE(sbv2_verify(test::sign_golden_bytes("espsecure/v2_two_rsa_keys/signed.bin"), golden_public("ec_p256_pub.pem").get(), "signed.bin").valid);
  auto second = sbv2_verify(test::sign_golden_bytes("espsecure/v2_two_rsa_keys/signed.bin"), golden_public("rsa3072_b_pub.pem").get(), "signed.bin");
  CHECK(second.valid);
  CHECK_FALSE(second.blocks[0].verified);
  CHECK(second.blocks[1].verified);
}

TEST_CASE("secure boot v2 block key digests equal signature-info-v2") {
  auto blocks = sbv2_read_blocks(test::sign_golden_bytes("espsecure/v2_two_rsa_keys/signed.bin"), "signed.bin");
  REQUIRE(blocks.size() == 3);
  CHECK(blocks[0].valid);
  CHECK(blocks[1].valid);
  CHECK_FALSE(blocks[2].valid);
  CHECK(blocks[0].key_digest == test::sign_golden_bytes("espsecure/key_digests/rsa3072_sbv2_digest.bin"));
  CHECK(blocks[1].key_digest == test::sign_golden_bytes("espsecure/key_digests/rsa3072_b_sbv2_digest.bin"));
}

TEST_CASE("secure boot v2 refuses RSA-2048 and more than three blocks, --append adds a block") {
  Bytes input = test::sign_golden_bytes("espsecure/v2_rsa2048_rejected/input.bin");
  auto rsa2048 = golden_key("rsa2048.pem");
  auto signer2048 = sbv2_signer(rsa2048.get());
  CHECK_THROWS_AS(sbv2_sign(input, {&signer2048}, false, "input.bin"), Error);

  auto a = golden_key("rsa3072.pem");
  auto b = golden_key("ec_p256.pem");
  auto signer_a = sbv2_signer(a.get());
  auto signer_b = sbv2_signer(b.get(), true);
  Bytes once = sbv2_sign(input, {&signer_a}, false, "input.bin");
  Bytes twice = sbv2_sign(once, {&signer_b}, true, "once.bin");
  CHECK(twice.size() == once.size());
  CHECK(sbv2_verify(twice, a.get(), "twice").valid);
  CHECK(sbv2_verify(twice, b.get(), "twice").valid);
  // The first block is kept byte for byte.
  CHECK(std::equal(once.begin(), once.end() - 4096 + 1216, twice.begin()));
  CHECK_THROWS_AS(sbv2_sign(twice, {&signer_a, &signer_b}, true, "twice"), Error);
  // --append on an unsigned (aligned) image signs it afresh, old last sector included, as
  // espsecure 5.3.1 does ("No valid signature blocks found ..."); see espsecure_append_test.
  CHECK(sbv2_sign(sbv2_pad(input), {&signer_a}, true, "padded").size() == sbv2_pad(input).size() + 4096);
  // Deterministic ECDSA blocks are reproducible.
  CHECK(sbv2_sign(input, {&signer_b}, false, "input.bin") == sbv2_sign(input, {&signer_b}, false, "input.bin"));
}

TEST_CASE("secure boot v2 refuses files that are not sector multiples") {
  auto key = golden_public("rsa3072_pub.pem");
  CHECK_THROWS_AS(sbv2_verify(test::sign_golden_bytes("firmware.bin"), key.get(), "firmware.bin"), Error);
  CHECK_THROWS_AS(sbv2_verify(Bytes{}, key.get(), "empty"), Error);
}

TEST_CASE("secure boot v2 takes P-192 (ESP32-C2) blocks, other formats refuse P-192") {
  pki::PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-192"));
  REQUIRE(key);
  CHECK_THROWS_AS(Signer(key.get(), SignOptions{}, "p192"), Error);
  for (bool deterministic : {false, true}) {
    Signer signer(key.get(), SignOptions{RsaScheme::Pss, deterministic, true}, "p192");
    Bytes input = test::sign_golden_bytes("firmware.bin");
    Bytes signed_image = sbv2_sign(input, {&signer}, false, "firmware.bin");
    ByteView sector = ByteView(signed_image).last(format::kSbv2SectorSize);
    CHECK(sector[0] == format::kSbv2Magic);
    CHECK(sector[2] == format::kSbv2ShaIdSha256);
    CHECK(sector[36] == format::kSbv2CurveP192);
    // espsecure 5.3.1 packs "<BBBx32sB64s64s1031x": the 48-byte X||Y and r||s pairs each fill a
    // 64-byte field, zero-padded, so r starts at 101 as for P-256, and the key digest is SHA-256
    // of curve id + the whole 64-byte field (struct "<B64s" in _digest_sbv2_public_key).
    EcPoint point = ec_public_point(key.get());
    Bytes key_field{format::kSbv2CurveP192};
    append(key_field, reversed(point.x));
    append(key_field, reversed(point.y));
    key_field.resize(65, 0x00);
    CHECK(std::equal(key_field.begin(), key_field.end(), sector.begin() + 36));
    auto zero = [](std::uint8_t b) { return b == 0; };
    CHECK_FALSE(std::all_of(sector.begin() + 101, sector.begin() + 101 + 48, zero));  // r || s
    CHECK(std::all_of(sector.begin() + 101 + 48, sector.begin() + format::kSbv2CrcOffset, zero));
    CHECK(sbv2_public_key_digest(key.get()) == digest_bytes(HashAlgorithm::Sha256, key_field));
    auto check = sbv2_verify(signed_image, key.get(), "p192");
    CHECK(check.valid);
    REQUIRE_FALSE(check.blocks.empty());
    CHECK(check.blocks[0].key_digest == sbv2_public_key_digest(key.get()));
    // The signature read back from offset 101 verifies the way espsecure's verify reads it.
    Bytes r = reversed(ByteView(sector).subspan(101, 24)), s = reversed(ByteView(sector).subspan(125, 24));
    CHECK(verify_digest(key.get(), digest_bytes(HashAlgorithm::Sha256, sbv2_pad(input)), HashAlgorithm::Sha256, ecdsa_der_from_raw(r, s)));
  }
}
