// Device acceptance: what `fwprov convert` writes must load in mbedTLS, as ESP32 firmware
// loads the DER files flashed into NVS (mbedtls_x509_crt_parse_der, mbedtls_pk_parse_key).
#include <catch2/catch.hpp>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/convert.hpp"
#include "pki_test_support.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

namespace {

class MbedCertificate {
 public:
  MbedCertificate() { mbedtls_x509_crt_init(&crt_); }
  ~MbedCertificate() { mbedtls_x509_crt_free(&crt_); }
  int parse_der(ByteView der) { return mbedtls_x509_crt_parse_der(&crt_, der.data(), der.size()); }
  mbedtls_x509_crt& get() { return crt_; }

 private:
  mbedtls_x509_crt crt_;
};

class MbedKey {
 public:
  MbedKey() { mbedtls_pk_init(&pk_); }
  ~MbedKey() { mbedtls_pk_free(&pk_); }
  int parse(ByteView der) { return mbedtls_pk_parse_key(&pk_, der.data(), der.size(), nullptr, 0); }
  mbedtls_pk_context& get() { return pk_; }

 private:
  mbedtls_pk_context pk_;
};

// Converts a PEM certificate and PEM key with fwprov, then loads both in mbedTLS and checks
// that they still form a pair there.
void check_pair_in_mbedtls(ByteView cert_pem, ByteView key_pem, KeyFormat format, mbedtls_pk_type_t expected_type) {
  ConvertOptions options;
  options.key_format = format;
  Converted cert = convert(cert_pem, "cert.pem", options);
  Converted key = convert(key_pem, "key.pem", options);
  REQUIRE(cert.to == Encoding::Der);
  REQUIRE(key.to == Encoding::Der);

  MbedCertificate crt;
  REQUIRE(crt.parse_der(cert.data) == 0);
  MbedKey pk;
  REQUIRE(pk.parse(key.data) == 0);
  CHECK(mbedtls_pk_get_type(&pk.get()) == expected_type);
  CHECK(mbedtls_pk_check_pair(&crt.get().pk, &pk.get()) == 0);
}

}  // namespace

TEST_CASE("mbedTLS loads converted RSA and EC certificates and keys in both key formats") {
  struct Case {
    const char* name;
    PkeyPtr key;
    mbedtls_pk_type_t type;
  };
  Case cases[] = {
      {"RSA 2048", test::make_rsa(2048), MBEDTLS_PK_RSA},
      {"EC P-256", test::make_ec("P-256"), MBEDTLS_PK_ECKEY},
      {"EC P-384", test::make_ec("P-384"), MBEDTLS_PK_ECKEY},
  };
  for (auto& c : cases) {
    REQUIRE(c.key);
    auto cert = test::make_certificate(c.key.get(), c.name);
    Bytes cert_pem = test::certificate_pem(cert.get());
    Bytes key_pem = test::pkcs8_pem(c.key.get());
    SECTION(std::string(c.name) + ", traditional") { check_pair_in_mbedtls(cert_pem, key_pem, KeyFormat::Traditional, c.type); }
    SECTION(std::string(c.name) + ", PKCS#8") { check_pair_in_mbedtls(cert_pem, key_pem, KeyFormat::Pkcs8, c.type); }
  }
}

TEST_CASE("mbedTLS loads the converted golden code-signing certificates and keys") {
  check_pair_in_mbedtls(read_file(test::golden("sign/keys/csk_ec_p256_cert.pem")), read_file(test::golden("sign/keys/ec_p256.pem")),
                        KeyFormat::Traditional, MBEDTLS_PK_ECKEY);
  check_pair_in_mbedtls(read_file(test::golden("sign/keys/csk_rsa2048_cert.pem")),
                        read_file(test::golden("sign/keys/rsa2048.pem")), KeyFormat::Traditional, MBEDTLS_PK_RSA);
  for (const char* key : {"sign/keys/rsa3072.pem", "sign/keys/rsa3072_b.pem", "sign/keys/ec_p384.pem"}) {
    Converted der = convert(read_file(test::golden(key)), key, ConvertOptions{});
    MbedKey pk;
    CHECK(pk.parse(der.data) == 0);
  }
}
