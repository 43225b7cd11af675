#include <catch2/catch.hpp>

#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/inspect.hpp"
#include "fwprov/pki/key_match.hpp"
#include "pki_test_support.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

TEST_CASE("a certificate's fields are described") {
  auto key = test::make_ec("P-384");
  auto cert = test::make_certificate(key.get(), "device-7");
  CertificateInfo info = describe_certificate(cert.get(), std::time(nullptr));
  CHECK(info.subject == "CN=device-7");
  CHECK(info.issuer == "CN=device-7");
  CHECK(info.self_signed);
  CHECK_FALSE(info.is_ca);
  CHECK(info.serial == "1234");
  CHECK(info.validity == Validity::Valid);
  CHECK(info.key.summary() == "EC P-384");
  CHECK(info.subject_alt_names == std::vector<std::string>{"DNS:device.example", "IP Address:10.1.2.3"});
  CHECK(info.key_usage == std::vector<std::string>{"digitalSignature"});
  CHECK(info.extended_key_usage == std::vector<std::string>{"codeSigning"});
  CHECK(info.sha256_fingerprint.size() == 32 * 3 - 1);
  CHECK(info.signature_algorithm == "ecdsa-with-SHA256");
}

TEST_CASE("validity is judged against the given time") {
  auto key = test::make_ec("P-256");
  auto cert = test::make_certificate(key.get(), "dated", 0, 3600);
  std::time_t now = std::time(nullptr);
  CHECK(describe_certificate(cert.get(), now + 1800).validity == Validity::Valid);
  CHECK(describe_certificate(cert.get(), now + 7200).validity == Validity::Expired);
  CHECK(describe_certificate(cert.get(), now - 7200).validity == Validity::NotYetValid);
}

TEST_CASE("golden certificates match their keys and no other") {
  auto cert = read_pki_file(test::golden("sign/keys/csk_ec_p256_cert.der"));
  auto own = read_pki_file(test::golden("sign/keys/ec_p256.pem"));
  auto own_public = read_pki_file(test::golden("sign/keys/ec_p256_pub.der"));
  auto other = read_pki_file(test::golden("sign/keys/ec_p384.pem"));
  CHECK(same_public_key(public_key_of(cert), public_key_of(own)));
  CHECK(same_public_key(public_key_of(cert), public_key_of(own_public)));
  CHECK_FALSE(same_public_key(public_key_of(cert), public_key_of(other)));

  FileInfo info = describe(cert, std::time(nullptr));
  REQUIRE(info.certificates.size() == 1);
  CHECK(info.certificates[0].extended_key_usage == std::vector<std::string>{"codeSigning"});
  CHECK(info.certificates[0].key.public_key_sha256 == describe_key(own.key.get()).public_key_sha256);

  auto nxp_cert = read_pki_file(test::golden("sign/nxp/ca/certs/fwprov.app.a.crt.pem"));
  auto nxp_key = read_pki_file(test::golden("sign/nxp/ca/private/fwprov.app.a.key.unencrypted.pem"));
  auto nxp_other = read_pki_file(test::golden("sign/nxp/ca/private/fwprov.app.b.key.unencrypted.pem"));
  CHECK(same_public_key(public_key_of(nxp_cert), public_key_of(nxp_key)));
  CHECK_FALSE(same_public_key(public_key_of(nxp_cert), public_key_of(nxp_other)));
  CHECK_FALSE(describe(nxp_cert, std::time(nullptr)).certificates[0].self_signed);
}

TEST_CASE("keys are described with type, size and curve") {
  CHECK(describe_key(test::make_rsa(2048).get()).summary() == "RSA 2048");
  auto ec = describe_key(test::make_ec("P-256").get());
  CHECK(ec.type == "EC");
  CHECK(ec.curve == "P-256");
  CHECK(ec.bits == 256);
  CHECK(describe_key(test::make_ec("secp256k1").get()).curve == "secp256k1");
  PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  CHECK(describe_key(ed.get()).summary() == "Ed25519");
}
