#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/sign/aws_ota.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/ecdsa_encoding.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/nxp.hpp"
#include "sign_golden.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::sign;

TEST_CASE("NXP bundle layout equals sign_me.py's") {
  const std::string base = "nxp/ca_app_a_firmware/";
  Bytes bundle = nxp::bundle(test::sign_golden_bytes(base + "firmware.bin"), test::sign_golden_bytes("nxp/ca/certs/fwprov.app.a.crt.pem"), "cert");
  CHECK(bundle == test::sign_golden_bytes(base + "expected/bundle.firmware.bin"));
  CHECK(nxp::bundle_padding(1911) == 137);  // the figure the script prints
  Bytes edge = nxp::bundle(Bytes{1, 2}, Bytes(2047, 'A'), "cert");
  CHECK(edge.size() == 2 + 2048);
  CHECK(edge.back() == 0x00);  // terminator only, no 0xFF left
  CHECK_THROWS_AS(nxp::bundle(Bytes{1}, Bytes(2048, 'A'), "cert"), Error);
}

TEST_CASE("AWS signatures are found in fwprov output, create-ota-update files and job documents") {
  for (const char* folder : {"aws/ecdsa_p256_firmware/", "aws/rsa2048_firmware/"}) {
    INFO(folder);
    Bytes expected = test::sign_golden_bytes(std::string(folder) + "signature.der");
    auto from_files = aws::extract_signature(test::sign_golden_text(std::string(folder) + "create-ota-update-files.json"), "files.json");
    CHECK(from_files.signature == expected);
    CHECK(from_files.hash == "SHA256");
    auto from_job = aws::extract_signature(test::sign_golden_text(std::string(folder) + "job-document-example.json"), "job.json");
    CHECK(from_job.signature == expected);
    CHECK(from_job.hash == "SHA256");
    CHECK(from_job.algorithm == from_files.algorithm);
  }
  KeyInfo rsa{KeyAlgorithm::Rsa, 2048, ""};
  Bytes signature = test::sign_golden_bytes("aws/rsa2048_firmware/signature.der");
  std::string ours = aws::custom_code_signing_json(signature, rsa, "app_a_sign_cert.dat");
  auto back = aws::extract_signature(ours, "ours");
  CHECK(back.signature == signature);
  CHECK(back.algorithm == "RSA");
  CHECK(aws::job_document_key(rsa) == "sig-sha256-rsa");
  CHECK(aws::job_document_key(KeyInfo{KeyAlgorithm::Ec, 256, "P-256"}) == "sig-sha256-ecdsa");
  CHECK_THROWS_AS(aws::extract_signature("{\"files\": []}", "empty"), Error);
  CHECK_THROWS_AS(aws::extract_signature("not json", "junk"), Error);
  CHECK_THROWS_AS(aws::extract_signature("{\"sig-sha256-ecdsa\": \"***\"}", "bad base64"), Error);
}

TEST_CASE("ECDSA DER <-> raw conversion round-trips and rejects junk") {
  Bytes der = test::sign_golden_bytes("aws/ecdsa_p256_firmware/signature.der");
  auto raw = ecdsa_raw_from_der(der, 32);
  REQUIRE(raw);
  CHECK(raw->r.size() == 32);
  CHECK(ecdsa_der_from_raw(raw->r, raw->s) == der);
  CHECK_FALSE(ecdsa_raw_from_der(Bytes{0x30, 0x03, 0x02, 0x01}, 32));
  Bytes trailing = der;
  trailing.push_back(0);
  CHECK_FALSE(ecdsa_raw_from_der(trailing, 32));
  CHECK(reversed(Bytes{1, 2, 3}) == Bytes{3, 2, 1});
}

TEST_CASE("file hashing streams small and large files alike") {
  auto dir = test::scratch("sign-hash");
  Bytes small = test::sign_golden_bytes("firmware.bin");
  Bytes large(3u << 20);  // above the mmap threshold, not a multiple of the read size
  for (std::size_t i = 0; i < large.size(); ++i) large[i] = static_cast<std::uint8_t>(i * 7 + (i >> 12));
  large.resize(large.size() + 12345, 0x5A);
  std::ofstream(dir / "small.bin", std::ios::binary).write(reinterpret_cast<const char*>(small.data()), static_cast<std::streamsize>(small.size()));
  std::ofstream(dir / "large.bin", std::ios::binary).write(reinterpret_cast<const char*>(large.data()), static_cast<std::streamsize>(large.size()));
  std::ofstream(dir / "empty.bin", std::ios::binary);
  FileHasher hasher;
  Sha256 small_hash = sha256(small);
  Sha256 large_hash = sha256(large);
  CHECK(hasher.digest_file(dir / "small.bin") == Bytes(small_hash.begin(), small_hash.end()));
  std::uint64_t last_done = 0;
  Bytes large_digest = hasher.digest_file(dir / "large.bin", [&](std::uint64_t done, std::uint64_t) { last_done = done; });
  CHECK(large_digest == Bytes(large_hash.begin(), large_hash.end()));
  CHECK(last_done == large.size());
  CHECK(hasher.last_size() == large.size());
  Sha256 empty_hash = sha256(Bytes{});
  CHECK(hasher.digest_file(dir / "empty.bin") == Bytes(empty_hash.begin(), empty_hash.end()));
  FileHasher sha384(HashAlgorithm::Sha384);
  CHECK(sha384.digest_file(dir / "large.bin") == digest_bytes(HashAlgorithm::Sha384, large));
  CHECK_THROWS_AS(hasher.digest_file(dir / "missing.bin"), Error);
  CHECK_THROWS_AS(hasher.digest_file(dir), Error);
}

TEST_CASE("subjects parse in both notations and refuse junk") {
  auto comma = parse_subject("CN=device 1, O=Acme\\, Inc.");
  REQUIRE(comma.size() == 2);
  CHECK(comma[0] == std::make_pair(std::string("CN"), std::string("device 1")));
  CHECK(comma[1].second == "Acme, Inc.");
  auto slash = parse_subject("/C=FR/O=Acme/CN=dev");
  REQUIRE(slash.size() == 3);
  CHECK(slash[0].first == "C");
  CHECK_THROWS_AS(parse_subject(""), Error);
  CHECK_THROWS_AS(parse_subject("CN"), Error);
  CHECK_THROWS_AS(parse_subject("XYZZY=1"), Error);
  CHECK_THROWS_AS(parse_subject("CN="), Error);
}

TEST_CASE("key types parse and generate what they say") {
  CHECK(parse_key_type("ec-p384") == KeyType::EcP384);
  CHECK_THROWS_AS(parse_key_type("rsa-1024"), Error);
  auto key = generate_key(KeyType::EcP384);
  CHECK(key_info(key.get()).describe() == "EC P-384");
  auto pem = private_key_pem(key.get());
  CHECK(as_chars(pem).find("BEGIN PRIVATE KEY") != std::string_view::npos);
  // espsecure generate-signing-key --version 2 --scheme ecdsa192 (ESP32-C2) has an equivalent.
  CHECK(parse_key_type("ec-p192") == KeyType::EcP192);
  CHECK(key_info(generate_key(KeyType::EcP192).get()).describe() == "EC P-192");
}
