#include <catch2/catch.hpp>

#include <openssl/evp.h>

#include <cstdlib>

#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/key.hpp"
#include "fwprov/sign/signer.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::sign;

TEST_CASE("signing keys: RSA under 2048 bits and odd curves are refused") {
  pki::PkeyPtr weak(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(1024)));
  REQUIRE(weak);
  try {
    require_signing_key(weak.get(), "weak.pem");
    FAIL("RSA-1024 accepted");
  } catch (const Error& error) {
    CHECK(error.kind() == ErrorKind::Crypto);
    CHECK(error.where().file == "weak.pem");
  }
  CHECK_THROWS_AS(Signer(weak.get(), SignOptions{}, "weak.pem"), Error);
  pki::PkeyPtr k1(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "secp256k1"));
  CHECK_THROWS_AS(require_signing_key(k1.get(), "k1.pem"), Error);
  pki::PkeyPtr ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  CHECK_THROWS_AS(require_signing_key(ed.get(), "ed.pem"), Error);
  auto p384 = pki::load_private_key_file(test::golden("sign/keys/ec_p384.pem"));
  CHECK(require_signing_key(p384.get(), "p384").describe() == "EC P-384");
  auto rsa = pki::load_private_key_file(test::golden("sign/keys/rsa3072.pem"));
  CHECK(require_signing_key(rsa.get(), "rsa").describe() == "RSA-3072");
}

TEST_CASE("a certificate must carry the key's public half") {
  auto key = pki::load_private_key_file(test::golden("sign/keys/ec_p256.pem"));
  auto own = pki::load_certificate_file(test::golden("sign/keys/csk_ec_p256_cert.der"));
  auto other = pki::load_certificate_file(test::golden("sign/keys/csk_rsa2048_cert.pem"));
  CHECK_NOTHROW(require_certificate_matches_key(key.get(), own.get(), "key", "own"));
  CHECK_THROWS_AS(require_certificate_matches_key(key.get(), other.get(), "key", "other"), Error);
}

TEST_CASE("raw public key parts round-trip into keys") {
  auto rsa = pki::load_public_key_file(test::golden("sign/keys/rsa2048_pub.pem"));
  RsaPublicParts parts = rsa_public_parts(rsa.get());
  CHECK(parts.modulus.size() == 256);
  CHECK(parts.exponent == 65537);
  auto rebuilt = rsa_public_key_from_parts(parts.modulus, parts.exponent);
  CHECK(EVP_PKEY_eq(rsa.get(), rebuilt.get()) == 1);
  auto ec = pki::load_public_key_file(test::golden("sign/keys/ec_p384_pub.pem"));
  EcPoint point = ec_public_point(ec.get());
  CHECK(point.x.size() == 48);
  auto rebuilt_ec = ec_public_key_from_point("P-384", point.x, point.y);
  CHECK(EVP_PKEY_eq(ec.get(), rebuilt_ec.get()) == 1);
  Bytes off_curve = point.y;
  off_curve.back() ^= 1;
  CHECK_THROWS_AS(ec_public_key_from_point("P-384", point.x, off_curve), Error);
}

TEST_CASE("a public key file may be the private key: PKCS#1, SEC1 and PKCS#8 give their public half") {
  // espsecure digest-sbv2-public-key and a recipe's secure_boot_key take either; this was
  // refused with "no public key, certificate or private key found" (found by a provision test).
  auto from_pkcs1 = pki::load_public_key_file(test::golden("sign/keys/rsa3072.pem"));
  auto public_only = pki::load_public_key_file(test::golden("sign/keys/rsa3072_pub.pem"));
  CHECK(EVP_PKEY_eq(from_pkcs1.get(), public_only.get()) == 1);
  auto from_sec1 = pki::load_public_key_file(test::golden("sign/keys/ec_p256.pem"));
  CHECK(EVP_PKEY_eq(from_sec1.get(), pki::load_public_key_file(test::golden("sign/keys/ec_p256_pub.pem")).get()) == 1);
  const auto dir = test::scratch("public-from-private");
  const std::string pkcs8 = (dir / "rsa3072.pk8.pem").string(), encrypted = (dir / "enc.pem").string();
  REQUIRE(std::system(("openssl pkcs8 -topk8 -nocrypt -in '" + test::golden("sign/keys/rsa3072.pem").string() + "' -out '" + pkcs8 + "'").c_str()) == 0);
  CHECK(EVP_PKEY_eq(pki::load_public_key_file(pkcs8).get(), public_only.get()) == 1);
  REQUIRE(std::system(("openssl pkey -aes256 -passout pass:x -in '" + test::golden("sign/keys/ec_p256.pem").string() + "' -out '" + encrypted +
                       "'").c_str()) == 0);
  auto error = test::error_of([&] { pki::load_public_key_file(encrypted); });
  REQUIRE(error);
  CHECK(error->kind() == ErrorKind::Input);
  CHECK(std::string(error->what()).find("an encrypted private key: give its public key") != std::string::npos);
}
