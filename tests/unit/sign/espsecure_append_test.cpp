// Secure boot v2 padding and --append edge cases, checked against the rules of espsecure 5.3.1
// sign_secure_boot_v2 / validate_signature_block (espressif/esptool espsecure/__init__.py):
// - an input that is not a multiple of 4096 is padded with 0xFF; --append is then ignored;
// - an aligned input is not padded (the empty input included);
// - --append on an aligned input keeps the leading run of blocks with good magic, version and
//   CRC (the first bad block ends the run) without checking their image digest, strips the
//   old sector, and signs the rest; with no valid block 0 it prints "No valid signature blocks
//   found ... proceeding to sign the image afresh" and signs the whole input, old sector and all.
#include <catch2/catch.hpp>

#include <algorithm>
#include <utility>
#include <vector>

#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/format.hpp"
#include "sign_golden.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::sign;
using namespace fwprov::sign::espsecure;

namespace {

constexpr std::size_t kSector = 4096;
constexpr std::size_t kBlock = 1216;

pki::PkeyPtr append_test_key(const std::string& name) { return pki::load_private_key_file(test::golden("sign/keys/" + name)); }

// Deterministic ECDSA, so two runs over the same bytes give the same block.
Signer deterministic_signer(const EVP_PKEY* key) { return Signer(key, SignOptions{RsaScheme::Pss, true}, "test key"); }

Bytes image_part(const Bytes& signed_image) { return Bytes(signed_image.begin(), signed_image.end() - kSector); }
Bytes block_at(const Bytes& signed_image, std::size_t index) {
  auto start = signed_image.end() - static_cast<std::ptrdiff_t>(kSector - index * kBlock);
  return Bytes(start, start + kBlock);
}
Bytes stored_sha256(const Bytes& block) { return Bytes(block.begin() + 4, block.begin() + 36); }

Bytes filled(std::size_t size, std::uint8_t seed) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>(seed + i * 7);
  return out;
}

}  // namespace

TEST_CASE("secure boot v2 pads to 4096 only when needed, empty input included") {
  auto key = append_test_key("ec_p256.pem");
  auto signer = deterministic_signer(key.get());
  // size in -> padded image size (espsecure: pad_by = 4096 - len % 4096 when len % 4096 != 0)
  const std::vector<std::pair<std::size_t, std::size_t>> cases = {{0, 0}, {1, 4096}, {4095, 4096}, {4096, 4096}, {4097, 8192}};
  for (const auto& [size, padded] : cases) {
    Bytes input = filled(size, 3);
    Bytes out = sbv2_sign(input, {&signer}, false, "in.bin");
    INFO("input of " << size << " bytes");
    REQUIRE(out.size() == padded + kSector);
    Bytes image = image_part(out);
    CHECK(std::equal(input.begin(), input.end(), image.begin()));
    CHECK(std::all_of(image.begin() + static_cast<std::ptrdiff_t>(size), image.end(), [](std::uint8_t b) { return b == 0xFF; }));
    CHECK(stored_sha256(block_at(out, 0)) == digest_bytes(HashAlgorithm::Sha256, image));
    CHECK(sbv2_verify(out, key.get(), "out").valid);
  }
}

TEST_CASE("secure boot v2 --append on an unaligned input signs afresh, as espsecure") {
  auto key = append_test_key("ec_p256.pem");
  auto signer = deterministic_signer(key.get());
  Bytes input = test::sign_golden_bytes("firmware.bin");  // 2096 bytes
  std::vector<Warning> seen;
  Warnings warnings([&](const Warning& w) { seen.push_back(w); });
  Bytes appended = sbv2_sign(input, {&signer}, true, "firmware.bin", &warnings);
  CHECK(appended == sbv2_sign(input, {&signer}, false, "firmware.bin"));
  CHECK(seen.size() == 1);
}

TEST_CASE("secure boot v2 --append with no valid block 0 signs the whole input afresh, as espsecure") {
  auto key = append_test_key("ec_p256.pem");
  auto signer = deterministic_signer(key.get());
  Bytes input = test::sign_golden_bytes("firmware.bin");

  // An aligned, never signed image: its last sector is image data, kept and signed.
  Bytes padded = sbv2_pad(input);
  std::vector<Warning> seen;
  Warnings warnings([&](const Warning& w) { seen.push_back(w); });
  Bytes afresh = sbv2_sign(padded, {&signer}, true, "padded.bin", &warnings);
  CHECK(afresh == sbv2_sign(padded, {&signer}, false, "padded.bin"));
  CHECK(afresh.size() == padded.size() + kSector);
  CHECK(seen.size() == 1);

  // Block 0 broken, block 1 valid: espsecure stops at block 0, so nothing is kept.
  auto rsa = append_test_key("rsa3072.pem");
  Signer rsa_signer(rsa.get(), SignOptions{RsaScheme::Pss, false}, "rsa");
  Bytes two = sbv2_sign(input, {&signer, &rsa_signer}, false, "firmware.bin");
  Bytes broken = two;
  broken[broken.size() - kSector + 1196] ^= 0x01;  // block 0 CRC
  Bytes resigned = sbv2_sign(broken, {&signer}, true, "broken.bin");
  CHECK(resigned == sbv2_sign(broken, {&signer}, false, "broken.bin"));
  // The empty input has no sector to look at: a clear error (espsecure fails an assertion).
  CHECK_THROWS_AS(sbv2_sign(Bytes{}, {&signer}, true, "empty.bin"), Error);
}

TEST_CASE("secure boot v2 --append keeps only the leading valid blocks, digest unchecked, as espsecure") {
  auto key = append_test_key("ec_p256.pem");
  auto other = append_test_key("ec_p384.pem");
  auto signer = deterministic_signer(key.get());
  auto other_signer = deterministic_signer(other.get());
  Bytes input = test::sign_golden_bytes("firmware.bin");

  // Blocks 0 and 2 valid, block 1 broken: only block 0 survives, the new block goes to slot 1.
  Bytes three = sbv2_sign(input, {&signer, &other_signer, &signer}, false, "firmware.bin");
  Bytes gap = three;
  gap[gap.size() - kSector + kBlock] = 0x00;  // block 1 magic
  Bytes appended = sbv2_sign(gap, {&other_signer}, true, "gap.bin");
  REQUIRE(appended.size() == three.size());
  CHECK(image_part(appended) == image_part(three));
  CHECK(block_at(appended, 0) == block_at(three, 0));
  CHECK(block_at(appended, 1) == block_at(three, 1));
  Bytes fill = block_at(appended, 2);
  CHECK(std::all_of(fill.begin(), fill.end(), [](std::uint8_t b) { return b == 0xFF; }));

  // A valid block whose digest belongs to other image bytes is kept as it is, with a warning.
  Bytes one = sbv2_sign(input, {&signer}, false, "firmware.bin");
  Bytes modified = one;
  modified[0] ^= 0xFF;
  std::vector<Warning> seen;
  Warnings warnings([&](const Warning& w) { seen.push_back(w); });
  Bytes kept = sbv2_sign(modified, {&other_signer}, true, "modified.bin", &warnings);
  CHECK(block_at(kept, 0) == block_at(one, 0));
  CHECK(image_part(kept) == image_part(modified));
  CHECK(seen.size() == 1);
}

TEST_CASE("secure boot v2 pre-computed signatures over the empty input, as espsecure") {
  // espsecure only refuses a pre-computed signature when len % 4096 != 0; 0 bytes passes and
  // gives a lone signature sector over SHA-256 of nothing.
  auto key = append_test_key("ec_p256.pem");
  auto signer = deterministic_signer(key.get());
  Bytes empty_digest = digest_bytes(HashAlgorithm::Sha256, Bytes{});
  PrecomputedSignature precomputed{key.get(), signer.sign_digest(empty_digest), "empty.sig"};
  Bytes out = sbv2_sign_precomputed(Bytes{}, {precomputed}, false, "empty.bin");
  REQUIRE(out.size() == kSector);
  CHECK(stored_sha256(block_at(out, 0)) == empty_digest);
  CHECK(out == sbv2_sign(Bytes{}, {&signer}, false, "empty.bin"));
  CHECK_THROWS_AS(sbv2_sign_precomputed(Bytes(1, 0x00), {precomputed}, false, "one.bin"), Error);
}
