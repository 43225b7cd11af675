#include <catch2/catch.hpp>
#include <openssl/encoder.h>

#include <cstdlib>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/pki/encode.hpp"
#include "fwprov/pki/pki_file.hpp"
#include "pki_test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

namespace {

Bytes encrypted_pkcs8(EVP_PKEY* key, const char* structure_type, const char* passphrase) {
  OSSL_ENCODER_CTX* ctx = OSSL_ENCODER_CTX_new_for_pkey(key, OSSL_KEYMGMT_SELECT_KEYPAIR, structure_type,
                                                        "EncryptedPrivateKeyInfo", nullptr);
  OSSL_ENCODER_CTX_set_cipher(ctx, "AES-256-CBC", nullptr);
  OSSL_ENCODER_CTX_set_passphrase(ctx, reinterpret_cast<const unsigned char*>(passphrase), std::strlen(passphrase));
  unsigned char* data = nullptr;
  size_t length = 0;
  OSSL_ENCODER_to_data(ctx, &data, &length);
  OSSL_ENCODER_CTX_free(ctx);
  Bytes bytes(data, data + length);
  OPENSSL_free(data);
  return bytes;
}

}  // namespace

TEST_CASE("every key structure is identified, in PEM and DER") {
  auto rsa = test::make_rsa(2048);
  auto ec = test::make_ec("P-256");
  struct Case {
    EVP_PKEY* key;
    KeyFormat format;
    KeyStructure expected;
  };
  for (const Case& c : {Case{rsa.get(), KeyFormat::Traditional, KeyStructure::Pkcs1}, Case{rsa.get(), KeyFormat::Pkcs8, KeyStructure::Pkcs8},
                        Case{ec.get(), KeyFormat::Traditional, KeyStructure::Sec1}, Case{ec.get(), KeyFormat::Pkcs8, KeyStructure::Pkcs8}}) {
    for (Encoding encoding : {Encoding::Pem, Encoding::Der}) {
      PkiFile file = read_pki(encode_private_key(c.key, encoding, c.format), "key");
      CHECK(file.kind == ObjectKind::PrivateKey);
      CHECK(file.encoding == encoding);
      CHECK(file.structure == c.expected);
      CHECK(EVP_PKEY_eq(file.key.get(), c.key) == 1);
    }
  }
  for (Encoding encoding : {Encoding::Pem, Encoding::Der}) {
    PkiFile spki = read_pki(encode_public_key(ec.get(), encoding), "pub");
    CHECK(spki.kind == ObjectKind::PublicKey);
    CHECK(spki.structure == KeyStructure::SubjectPublicKeyInfo);
    PkiFile pkcs1 = read_pki(encode_public_key(rsa.get(), encoding, KeyStructure::Pkcs1Public), "pub");
    CHECK(pkcs1.kind == ObjectKind::PublicKey);
    CHECK(pkcs1.structure == KeyStructure::Pkcs1Public);
    CHECK(EVP_PKEY_eq(pkcs1.key.get(), rsa.get()) == 1);
  }
}

TEST_CASE("encrypted PKCS#8 needs the passphrase, in PEM and DER") {
  auto ec = test::make_ec("P-384");
  ::setenv("FWPROV_PKI_FILE_PASS", "s3cret", 1);
  for (const char* type : {"PEM", "DER"}) {
    Bytes data = encrypted_pkcs8(ec.get(), type, "s3cret");
    PkiFile file = read_pki(data, "enc", PassphraseSource::from_env("FWPROV_PKI_FILE_PASS"));
    CHECK(file.structure == KeyStructure::EncryptedPkcs8);
    CHECK(EVP_PKEY_eq(file.key.get(), ec.get()) == 1);
    try {
      read_pki(data, "enc");
      FAIL("an encrypted key without a passphrase must fail");
    } catch (const Error& error) {
      CHECK(error.kind() == ErrorKind::Crypto);
    }
  }
}

TEST_CASE("certificates and chains are identified, mixed files are refused") {
  auto key = test::make_ec("P-256");
  auto first = test::make_certificate(key.get(), "first");
  auto second = test::make_certificate(key.get(), "second");
  Bytes chain = test::certificate_pem(first.get());
  append(chain, test::certificate_pem(second.get()));
  PkiFile pem_chain = read_pki(chain, "chain.pem");
  CHECK(pem_chain.kind == ObjectKind::Certificate);
  CHECK(pem_chain.certificates.size() == 2);

  Bytes der_chain = encode_certificate(first.get(), Encoding::Der);
  append(der_chain, encode_certificate(second.get(), Encoding::Der));
  PkiFile der = read_pki(der_chain, "chain.der");
  CHECK(der.encoding == Encoding::Der);
  CHECK(der.certificates.size() == 2);

  Bytes mixed = test::certificate_pem(first.get());
  append(mixed, test::pkcs8_pem(key.get()));
  CHECK_THROWS_WITH(read_pki(mixed, "mixed.pem"), Catch::Contains("mixed.pem") && Catch::Contains("1 certificate"));

  Bytes truncated = test::certificate_pem(first.get());
  truncated.resize(truncated.size() / 2);
  CHECK_THROWS_WITH(read_pki(truncated, "cut.pem"), Catch::Contains("truncated"));

  Bytes trailing = encode_certificate(first.get(), Encoding::Der);
  trailing.push_back(0x00);
  CHECK_THROWS_AS(read_pki(trailing, "trailing.der"), Error);
}
