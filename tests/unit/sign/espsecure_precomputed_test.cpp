// Pre-computed signatures (espsecure's --pub-key + --signature, the HSM flow). The reference's
// own signatures, taken out of its signed images, must rebuild those images byte for byte.
#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/format.hpp"
#include "sign_golden.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::sign;
using namespace fwprov::sign::espsecure;

namespace {

ByteView without_sector(const Bytes& signed_image) { return ByteView(signed_image).first(signed_image.size() - format::kSbv2SectorSize); }

// The reference's signatures as espsecure takes them: RSA raw big-endian, ECDSA DER.
std::vector<PrecomputedSignature> signatures_of(const Bytes& signed_image, std::vector<Sbv2Block>& blocks) {
  blocks = sbv2_read_blocks(signed_image, "signed.bin");
  std::vector<PrecomputedSignature> signatures;
  for (const auto& block : blocks)
    if (block.valid) signatures.push_back({block.embedded_key.get(), block.signature, "block " + std::to_string(block.index)});
  return signatures;
}

void require_error(ErrorKind kind, const std::function<void()>& work, const std::string& expected_text) {
  try {
    work();
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.kind() == kind);
    CHECK_THAT(error.what(), Catch::Contains(expected_text));
  }
}

}  // namespace

TEST_CASE("secure boot v2 from the reference's own signatures gives the reference's bytes") {
  for (const char* folder : {"v2_rsa3072", "v2_rsa3072_app_image", "v2_two_rsa_keys", "v2_ecdsa_p256", "v2_ecdsa_p384"}) {
    INFO(folder);
    Bytes reference = test::sign_golden_bytes(std::string("espsecure/") + folder + "/signed.bin");
    std::vector<Sbv2Block> blocks;
    auto signatures = signatures_of(reference, blocks);
    REQUIRE_FALSE(signatures.empty());
    CHECK(sbv2_sign_precomputed(without_sector(reference), signatures, false, "padded.bin") == reference);
  }
}

TEST_CASE("secure boot v2 pre-computed signatures can be appended to a signed image") {
  Bytes reference = test::sign_golden_bytes("espsecure/v2_two_rsa_keys/signed.bin");
  std::vector<Sbv2Block> blocks;
  auto signatures = signatures_of(reference, blocks);
  REQUIRE(signatures.size() == 2);
  Bytes first_only = sbv2_sign_precomputed(without_sector(reference), {signatures[0]}, false, "padded.bin");
  CHECK(sbv2_sign_precomputed(first_only, {signatures[1]}, true, "first.bin") == reference);
}

TEST_CASE("secure boot v2 pre-computed signatures are checked before use") {
  Bytes reference = test::sign_golden_bytes("espsecure/v2_ecdsa_p256/signed.bin");
  std::vector<Sbv2Block> blocks;
  auto signatures = signatures_of(reference, blocks);
  Bytes image(without_sector(reference).begin(), without_sector(reference).end());

  SECTION("the input must already be a multiple of 4096 bytes") {
    Bytes unaligned(image.begin(), image.end() - 1);
    require_error(ErrorKind::Input, [&] { sbv2_sign_precomputed(unaligned, signatures, false, "short.bin"); }, "multiple of 4096");
  }
  SECTION("a signature of other bytes does not verify") {
    image[10] ^= 0x01;
    require_error(ErrorKind::Crypto, [&] { sbv2_sign_precomputed(image, signatures, false, "changed.bin"); }, "block 0");
  }
  SECTION("a signature that is not DER is refused") {
    signatures[0].signature.assign(64, 0x11);
    require_error(ErrorKind::Input, [&] { sbv2_sign_precomputed(image, signatures, false, "padded.bin"); }, "not a DER ECDSA signature");
  }
  SECTION("another key's signature does not verify") {
    Bytes other = test::sign_golden_bytes("espsecure/v2_rsa3072/signed.bin");
    std::vector<Sbv2Block> rsa_blocks;
    auto rsa_signatures = signatures_of(other, rsa_blocks);
    rsa_signatures[0].public_key = blocks[0].embedded_key.get();  // EC key, RSA signature bytes
    require_error(ErrorKind::Input, [&] { sbv2_sign_precomputed(image, rsa_signatures, false, "padded.bin"); }, "not a DER ECDSA signature");
  }
}

TEST_CASE("secure boot v1 from the reference's own signature gives the reference's bytes") {
  Bytes reference = test::sign_golden_bytes("espsecure/v1_ecdsa_p256/signed.bin");
  auto public_key = pki::load_public_key_file(test::golden("sign/keys/ec_p256_pub.pem"));
  ByteView image = ByteView(reference).first(reference.size() - format::kSbv1TrailerSize);
  Bytes raw_signature(reference.end() - 64, reference.end());
  CHECK(sbv1_sign_precomputed(image, {public_key.get(), raw_signature, "sig.bin"}) == reference);

  Bytes other(image.begin(), image.end());
  other[0] ^= 0x01;
  require_error(ErrorKind::Crypto, [&] { sbv1_sign_precomputed(other, {public_key.get(), raw_signature, "sig.bin"}); }, "sig.bin");
  require_error(ErrorKind::Input, [&] { sbv1_sign_precomputed(image, {public_key.get(), Bytes(70, 1), "sig.bin"}); }, "64 bytes");
}
