// The library against tests/golden/secure-cert: parse output byte for byte, and the
// randomized cases (signatures, DS IV) by structure and verification.
#include <catch2/catch.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <filesystem>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/secure_cert/export.hpp"
#include "fwprov/secure_cert/generate.hpp"
#include "fwprov/secure_cert/peripheral_keys.hpp"
#include "fwprov/secure_cert/signature_tlv.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::secure_cert;
namespace fs = std::filesystem;

namespace {

fs::path case_dir(const std::string& name) { return test::golden("secure-cert/" + name); }

Bytes case_file(const std::string& name, const std::string& file) { return read_file(case_dir(name) / file); }

EntrySpec file_entry(std::uint8_t type, const fs::path& path, KeyMode mode = KeyMode::None) {
  EntrySpec e;
  e.type = type;
  e.value = path.string();
  e.key_mode = mode;
  return e;
}

}  // namespace

TEST_CASE("parse output equals the reference tool's files for every plain case", "[secure_cert][golden]") {
  std::size_t checked = 0;
  for (const char* name : {"pem_ca_dev_key_ec", "der_ca_dev_key_ec", "pem_pkcs8_key", "rsa_dev_cert_key", "dev_cert_only", "cli_plus_csv_extra",
                           "csv_only", "ecdsa_peripheral_h2", "rsa_ds_c3", "secure_sign_ecdsa256", "secure_sign_rsa3072"}) {
    INFO(name);
    const auto exported = export_partition(case_file(name, "expected.bin"), "expected.bin");
    const fs::path reference = case_dir(name) / "parse_bin" / "esp_secure_cert_parsed_data";
    std::size_t contents = 0;
    for (const auto& file : exported.files) {
      if (file.path == kRawDumpName) continue;  // our own listing
      INFO(file.path);
      CHECK(file.data == read_file(reference / file.path));
      ++checked;
      if (file.path.rfind("contents/", 0) == 0) ++contents;
    }
    std::size_t reference_contents = 0;
    for (const auto& entry : fs::directory_iterator(reference / "contents")) reference_contents += entry.is_regular_file() ? 1 : 0;
    CHECK(contents == reference_contents);
  }
  CHECK(checked >= 40);
}

// secure_cert_fuzz found it: a public key that is not a curve point threw a Crypto error out of
// the checker instead of being reported as the problem.
TEST_CASE("a signature TLV carrying an invalid public key is reported, not thrown", "[secure_cert][golden]") {
  const Bytes signed_file = case_file("secure_sign_ecdsa256", "expected_signed.bin");
  std::size_t checked = 0;
  for (const auto& entry : read_partition(signed_file, "signed").tlvs) {
    if (entry.tlv.type != tlv_type::kSignatureBlock) continue;
    Tlv bad = entry.tlv;
    bad.data[kSignatureHeaderSize + 1] ^= 0x01;  // X's lowest byte: the point leaves the curve
    SignatureCheck check;
    REQUIRE_NOTHROW(check = check_signature_tlv(bad, signed_file));
    CHECK_FALSE(check.valid);
    CHECK(check.problem.find("invalid ECDSA public key") != std::string::npos);
    ++checked;
  }
  CHECK(checked == 1);
}

TEST_CASE("signature TLVs made by the reference tool verify with our checker", "[secure_cert][golden]") {
  for (auto [name, key_file] : {std::pair{"secure_sign_ecdsa256", "sign_ec.key"}, {"secure_sign_rsa3072", "sign_rsa3072.key"}}) {
    INFO(name);
    const auto key = pki::load_private_key_file(case_dir(name) / key_file);
    const Bytes signed_file = case_file(name, "expected_signed.bin");
    const auto parsed = read_partition(signed_file, "signed");
    std::size_t signatures = 0;
    for (const auto& entry : parsed.tlvs) {
      if (entry.tlv.type != tlv_type::kSignatureBlock) continue;
      const auto check = check_signature_tlv(entry.tlv, signed_file, key.get());
      CHECK(check.valid);
      CHECK(check.problem == "");
      CHECK(check.signed_length == entry.offset);  // covers the entries before it
      Bytes tampered = signed_file;
      tampered[20] ^= 0x01;
      CHECK_FALSE(check_signature_tlv(entry.tlv, tampered, key.get()).valid);
      ++signatures;
    }
    CHECK(signatures == 1);
  }
}

TEST_CASE("two P-384 signature TLVs from the reference tool verify, ours too", "[secure_cert][golden]") {
  const fs::path dir = test::golden("secure-cert-extra/secure_sign_two_p384");
  const auto key_a = pki::load_private_key_file(dir / "sign_p384.key");
  const auto key_b = pki::load_private_key_file(dir / "sign_p384b.key");
  auto check_file = [&](const Bytes& signed_file) {
    std::size_t valid = 0;
    for (const auto& entry : read_partition(signed_file, "signed").tlvs) {
      if (entry.tlv.type != tlv_type::kSignatureBlock) continue;
      const auto check = check_signature_tlv(entry.tlv, signed_file, entry.tlv.subtype == 0 ? key_a.get() : key_b.get());
      CHECK(check.scheme == SigningScheme::Ecdsa384);
      CHECK(check.valid);
      valid += check.valid ? 1 : 0;
    }
    CHECK(valid == 2);
  };
  check_file(read_file(dir / "expected_signed.bin"));
  GenerateRequest request;
  request.entries.push_back(file_entry(tlv_type::kCaCert, dir / "ca.pem"));
  request.entries.push_back(file_entry(tlv_type::kDevCert, dir / "dev_ec.pem"));
  request.entries.push_back(file_entry(tlv_type::kPrivKey, dir / "dev_ec.key", KeyMode::Plaintext));
  request.signing_scheme = SigningScheme::Ecdsa384;
  request.signing_keys = {{key_a.get(), "a"}, {key_b.get(), "b"}};
  const auto result = generate_partition(request);
  REQUIRE(result.signed_partition);
  CHECK(result.signed_partition->size() == read_file(dir / "expected_signed.bin").size());
  check_file(*result.signed_partition);
  // A key that does not match the scheme is refused.
  request.signing_scheme = SigningScheme::Ecdsa256;
  CHECK_THROWS_AS(generate_partition(request), Error);
}

TEST_CASE("P-192 signature TLVs have the fact sheet's 49-byte key field and verify", "[secure_cert]") {
  const auto key = pki::load_private_key_file(test::golden("secure-cert-extra/secure_sign_two_p384/sign_p384.key"));
  GenerateRequest request;
  request.entries.push_back(file_entry(tlv_type::kDevCert, test::golden("secure-cert-extra/secure_sign_two_p384/dev_ec.pem")));
  pki::PkeyPtr p192(EVP_EC_gen("P-192"));
  REQUIRE(p192);
  request.signing_scheme = SigningScheme::Ecdsa192;
  request.signing_keys = {{p192.get(), "p192"}};
  const auto result = generate_partition(request);
  for (const auto& entry : read_partition(*result.signed_partition, "s").tlvs) {
    if (entry.tlv.type != tlv_type::kSignatureBlock) continue;
    CHECK(entry.tlv.data.size() == 16 + 49 + 48);
    CHECK(entry.tlv.data[16] == 1);  // curve id P-192
    CHECK(check_signature_tlv(entry.tlv, *result.signed_partition, p192.get()).valid);
  }
  (void)key;
}

TEST_CASE("secure sign: our layouts match the tool's, our signatures verify", "[secure_cert][golden]") {
  struct SignCase {
    const char* name;
    const char* key;
    SigningScheme scheme;
    bool ca;
  };
  for (const auto& c : {SignCase{"secure_sign_ecdsa256", "sign_ec.key", SigningScheme::Ecdsa256, true},
                        SignCase{"secure_sign_rsa3072", "sign_rsa3072.key", SigningScheme::Rsa3072, false}}) {
    INFO(c.name);
    GenerateRequest request;
    if (c.ca) request.entries.push_back(file_entry(tlv_type::kCaCert, case_dir(c.name) / "ca.pem"));
    request.entries.push_back(file_entry(tlv_type::kDevCert, case_dir(c.name) / "dev_ec.pem"));
    request.entries.push_back(file_entry(tlv_type::kPrivKey, case_dir(c.name) / "dev_ec.key", KeyMode::Plaintext));
    const auto key = pki::load_private_key_file(case_dir(c.name) / c.key);
    request.signing_scheme = c.scheme;
    request.signing_keys.push_back({key.get(), c.key});
    const auto result = generate_partition(request);
    REQUIRE(result.signed_partition);
    for (auto [ours, theirs] : {std::pair{&result.partition, std::string("expected.bin")}, {&*result.signed_partition, std::string("expected_signed.bin")}}) {
      const Bytes reference = case_file(c.name, theirs);
      REQUIRE(ours->size() == reference.size());
      const auto a = read_partition(*ours, "ours");
      const auto b = read_partition(reference, theirs);
      REQUIRE(a.tlvs.size() == b.tlvs.size());
      for (std::size_t i = 0; i < a.tlvs.size(); ++i) {
        CHECK(a.tlvs[i].tlv.type == b.tlvs[i].tlv.type);
        CHECK(a.tlvs[i].tlv.subtype == b.tlvs[i].tlv.subtype);
        CHECK(a.tlvs[i].tlv.data.size() == b.tlvs[i].tlv.data.size());
        CHECK(a.tlvs[i].crc_ok);
        if (a.tlvs[i].tlv.type != tlv_type::kSignatureBlock && a.tlvs[i].tlv.type != tlv_type::kIntegrity) CHECK(a.tlvs[i].tlv.data == b.tlvs[i].tlv.data);
        if (a.tlvs[i].tlv.type == tlv_type::kSignatureBlock) {
          // Everything but the signature (and, for RSA, the block CRC over it) is deterministic.
          const Bytes& x = a.tlvs[i].tlv.data;
          const Bytes& y = b.tlvs[i].tlv.data;
          const std::size_t fixed = c.scheme == SigningScheme::Rsa3072 ? 16 + 812 : 16 + 65;
          CHECK(std::equal(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(fixed), y.begin()));
        }
      }
    }
    // The signed layout's signature covers the entries before it and verifies.
    const auto signed_parsed = read_partition(*result.signed_partition, "signed");
    for (const auto& entry : signed_parsed.tlvs)
      if (entry.tlv.type == tlv_type::kSignatureBlock) CHECK(check_signature_tlv(entry.tlv, *result.signed_partition, key.get()).valid);
  }
}

TEST_CASE("RSA DS data equals the reference bytes given the same IV and HMAC key", "[secure_cert][golden]") {
  const Bytes reference = case_file("rsa_ds_c3", "expected.bin");
  const auto parsed = read_partition(reference, "expected.bin");
  REQUIRE(parsed.tlvs.size() >= 2);
  const Tlv& ds_data = parsed.tlvs[0].tlv;
  REQUIRE(ds_data.type == tlv_type::kDsData);
  const ByteView iv = ByteView(ds_data.data).subspan(4, 16);
  const auto key = pki::load_private_key_file(case_dir("rsa_ds_c3") / "dev_rsa.key");
  const Bytes hmac_key = case_file("rsa_ds_c3", "hmac_key.bin");
  CHECK(rsa_ds_data(key.get(), hmac_key, iv, "esp32c3") == ds_data.data);
  CHECK(parsed.tlvs[1].tlv.data == rsa_ds_context(2, 2048));

  // And a whole generation has the same layout (IV random): DS data, DS context, cert, integrity.
  GenerateRequest request;
  request.target_chip = "esp32c3";
  request.entries.push_back(file_entry(tlv_type::kDevCert, case_dir("rsa_ds_c3") / "dev_rsa.pem"));
  EntrySpec ds_key = file_entry(tlv_type::kPrivKey, case_dir("rsa_ds_c3") / "dev_rsa.key", KeyMode::RsaDs);
  ds_key.efuse_id = 2;
  ds_key.key_size = 2048;
  ds_key.efuse_key_file = (case_dir("rsa_ds_c3") / "hmac_key.bin").string();
  request.entries.push_back(ds_key);
  const auto result = generate_partition(request);
  CHECK_FALSE(result.new_hmac_key);
  const auto ours = read_partition(result.partition, "ours");
  REQUIRE(ours.tlvs.size() == parsed.tlvs.size());
  for (std::size_t i = 0; i < ours.tlvs.size(); ++i) {
    CHECK(ours.tlvs[i].tlv.type == parsed.tlvs[i].tlv.type);
    CHECK(ours.tlvs[i].tlv.data.size() == parsed.tlvs[i].tlv.data.size());
  }
  CHECK(rsa_ds_data(key.get(), hmac_key, ByteView(ours.tlvs[0].tlv.data).subspan(4, 16), "esp32c3") == ours.tlvs[0].tlv.data);
  CHECK(ours.tlvs[2].tlv.data == parsed.tlvs[2].tlv.data);
}

TEST_CASE("RSA DS without a key file makes a new HMAC key, chip limits are enforced", "[secure_cert]") {
  GenerateRequest request;
  request.target_chip = "esp32c3";
  EntrySpec ds_key = file_entry(tlv_type::kPrivKey, case_dir("rsa_ds_c3") / "dev_rsa.key", KeyMode::RsaDs);
  ds_key.efuse_id = 1;
  request.entries.push_back(ds_key);
  const auto result = generate_partition(request);
  REQUIRE(result.new_hmac_key);
  CHECK(result.new_hmac_key->size() == 32);
  CHECK_THROWS_AS(require_rsa_ds("esp32c3", 4096), Error);
  CHECK_THROWS_AS(require_rsa_ds("esp32", 2048), Error);
  CHECK_THROWS_AS(require_ecdsa_peripheral("esp32c3", 256), Error);
  CHECK_THROWS_AS(require_supported_chip("esp8266"), Error);
  request.entries[0].efuse_id.reset();
  CHECK_THROWS_AS(generate_partition(request), Error);
}
