// Every kind of signature fwprov makes must verify with mbedTLS, the library ESP32 firmware
// (AWS OTA PAL, secure boot tooling) checks them with: mbedtls_pk_verify on the SHA-256 of
// the file with the public key of the code-signing certificate.
#include <catch2/catch.hpp>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/certificates.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/format.hpp"
#include "fwprov/sign/signer.hpp"
#include "sign_golden.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::sign;

namespace {

// An mbedTLS view of a certificate, parsed by mbedTLS itself from PEM or DER bytes.
class MbedCertificate {
 public:
  explicit MbedCertificate(const Bytes& data) {
    mbedtls_x509_crt_init(&crt_);
    Bytes copy = data;
    if (pki::looks_like_pem(copy)) copy.push_back(0);  // mbedTLS wants PEM NUL-terminated
    parsed_ = mbedtls_x509_crt_parse(&crt_, copy.data(), copy.size()) == 0;
  }
  ~MbedCertificate() { mbedtls_x509_crt_free(&crt_); }
  bool parsed() const { return parsed_; }
  mbedtls_pk_context* key() { return &crt_.pk; }

 private:
  mbedtls_x509_crt crt_;
  bool parsed_ = false;
};

bool mbed_verify(mbedtls_pk_context* key, const Sha256& hash, const Bytes& signature) {
  return mbedtls_pk_verify(key, MBEDTLS_MD_SHA256, hash.data(), hash.size(), signature.data(), signature.size()) == 0;
}

bool mbed_verify_pss(mbedtls_pk_context* key, ByteView hash, const Bytes& signature) {
  mbedtls_pk_rsassa_pss_options options{MBEDTLS_MD_SHA256, 32};
  return mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &options, key, MBEDTLS_MD_SHA256, hash.data(), hash.size(), signature.data(),
                               signature.size()) == 0;
}


}  // namespace

TEST_CASE("ECDSA P-256 signatures (random and RFC 6979) verify with mbedTLS and the P11_CSK certificate") {
  auto key = pki::load_private_key_file(test::golden("sign/keys/ec_p256.pem"));
  Bytes firmware = test::sign_golden_bytes("firmware.bin");
  Sha256 hash = sha256(firmware);
  MbedCertificate certificate(test::sign_golden_bytes("keys/csk_ec_p256_cert.der"));
  REQUIRE(certificate.parsed());
  for (bool deterministic : {false, true}) {
    Signer signer(key.get(), SignOptions{RsaScheme::Pkcs1, deterministic}, "ec_p256.pem");
    Bytes signature = signer.sign_digest(hash);
    CHECK(mbed_verify(certificate.key(), hash, signature));
    Bytes tampered = firmware;
    tampered[100] ^= 1;
    CHECK_FALSE(mbed_verify(certificate.key(), sha256(tampered), signature));
  }
}

TEST_CASE("RSA PKCS#1 v1.5 and PSS signatures verify with mbedTLS") {
  auto key = pki::load_private_key_file(test::golden("sign/keys/rsa2048.pem"));
  Sha256 hash = sha256(test::sign_golden_bytes("firmware.bin"));
  MbedCertificate certificate(test::sign_golden_bytes("keys/csk_rsa2048_cert.pem"));
  REQUIRE(certificate.parsed());
  Signer pkcs1(key.get(), SignOptions{RsaScheme::Pkcs1, false}, "rsa2048.pem");
  CHECK(mbed_verify(certificate.key(), hash, pkcs1.sign_digest(hash)));
  Signer pss(key.get(), SignOptions{RsaScheme::Pss, false}, "rsa2048.pem");
  Bytes pss_signature = pss.sign_digest(hash);
  CHECK(mbed_verify_pss(certificate.key(), hash, pss_signature));
  CHECK_FALSE(mbed_verify(certificate.key(), hash, pss_signature));  // not mistaken for PKCS#1
}

TEST_CASE("a code-signing certificate made by fwprov is usable by mbedTLS for the AWS OTA check") {
  auto key = generate_key(KeyType::EcP256);
  auto certificate = make_codesign_certificate(key.get(), parse_subject("CN=fwprov test signer"), 30);
  MbedCertificate mbed(certificate_der(certificate.get()));
  REQUIRE(mbed.parsed());
  Sha256 hash = sha256(test::sign_golden_bytes("firmware.bin"));
  Signer signer(key.get(), SignOptions{}, "generated");
  CHECK(mbed_verify(mbed.key(), hash, signer.sign_digest(hash)));
}

TEST_CASE("secure boot v1 and v2 signatures verify with mbedTLS") {
  auto ec_key = pki::load_private_key_file(test::golden("sign/keys/ec_p256.pem"));
  MbedCertificate ec_certificate(test::sign_golden_bytes("keys/csk_ec_p256_cert.pem"));
  REQUIRE(ec_certificate.parsed());
  Bytes input = test::sign_golden_bytes("firmware.bin");
  Bytes v1 = espsecure::sbv1_sign(input, ec_key.get(), "ec_p256.pem");
  ByteView trailer = ByteView(v1).last(64);
  Bytes der = ecdsa_der_from_raw(trailer.first(32), trailer.last(32));
  CHECK(mbed_verify(ec_certificate.key(), sha256(input), der));

  // v2 RSA: PSS over the digest of the padded image, stored byte-reversed.
  auto rsa_key = pki::load_private_key_file(test::golden("sign/keys/rsa3072.pem"));
  mbedtls_pk_context rsa_public;
  mbedtls_pk_init(&rsa_public);
  Bytes public_pem = test::sign_golden_bytes("keys/rsa3072_pub.pem");
  public_pem.push_back(0);
  REQUIRE(mbedtls_pk_parse_public_key(&rsa_public, public_pem.data(), public_pem.size()) == 0);
  Signer rsa_signer(rsa_key.get(), SignOptions{RsaScheme::Pss, false}, "rsa3072.pem");
  Bytes v2 = espsecure::sbv2_sign(input, {&rsa_signer}, false, "firmware.bin");
  ByteView sector = ByteView(v2).last(format::kSbv2SectorSize);
  Sha256 padded_digest = sha256(ByteView(v2).first(v2.size() - format::kSbv2SectorSize));
  CHECK(std::equal(padded_digest.begin(), padded_digest.end(), sector.begin() + 4));
  Bytes signature = reversed(sector.subspan(format::kSbv2RsaSignatureOffset, format::kSbv2RsaBytes));
  CHECK(mbed_verify_pss(&rsa_public, padded_digest, signature));
  mbedtls_pk_free(&rsa_public);
}
