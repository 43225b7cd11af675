#include <catch2/catch.hpp>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/pki/private_key.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::pki;

namespace {

PrivateKey golden_key(const std::string& name) {
  return open_private_key(fwprov::test::golden("sign/keys/" + name + ".pem").string(), KeySource{});
}

bool openssl_verifies(EVP_PKEY* key, ByteView digest, ByteView signature, int padding) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  REQUIRE(EVP_PKEY_verify_init(ctx.get()) == 1);
  REQUIRE(EVP_PKEY_CTX_set_signature_md(ctx.get(), digest.size() == 48 ? EVP_sha384() : EVP_sha256()) == 1);
  if (padding != 0) {
    REQUIRE(EVP_PKEY_CTX_set_rsa_padding(ctx.get(), padding) == 1);
    if (padding == RSA_PKCS1_PSS_PADDING) REQUIRE(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), static_cast<int>(digest.size())) == 1);
  }
  return EVP_PKEY_verify(ctx.get(), signature.data(), signature.size(), digest.data(), digest.size()) == 1;
}

Bytes der_from_raw(ByteView raw) {
  std::size_t half = raw.size() / 2;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  ECDSA_SIG_set0(sig, BN_bin2bn(raw.data(), static_cast<int>(half), nullptr), BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig, &der);
  Bytes out(der, der + length);
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

}  // namespace

TEST_CASE("PrivateKey from a file: RSA PKCS#1 v1.5 gives the AWS golden signature") {
  PrivateKey key = golden_key("rsa2048");
  CHECK_FALSE(key.in_token());
  CHECK(key.openssl_key() != nullptr);
  CHECK(key.public_key() == key.openssl_key());
  CHECK(key.token_certificate() == nullptr);
  CHECK(key.origin().find("rsa2048.pem") != std::string::npos);
  Bytes input = read_file(fwprov::test::golden("sign/aws/rsa2048_firmware/input.bin"));
  Sha256 digest = sha256(input);
  CHECK(key.sign_digest(digest, RsaPadding::Pkcs1) == read_file(fwprov::test::golden("sign/aws/rsa2048_firmware/signature.der")));
}

TEST_CASE("PrivateKey from a file: RSA-PSS and ECDSA r||s verify") {
  Sha256 digest = sha256(to_bytes("fwprov"));
  PrivateKey rsa = golden_key("rsa3072");
  Bytes pss = rsa.sign_digest(digest, RsaPadding::Pss);
  CHECK(pss.size() == 384);
  CHECK(openssl_verifies(rsa.public_key(), digest, pss, RSA_PKCS1_PSS_PADDING));
  CHECK_FALSE(openssl_verifies(rsa.public_key(), digest, pss, RSA_PKCS1_PADDING));

  PrivateKey p256 = golden_key("ec_p256");
  Bytes raw = p256.sign_digest(digest, RsaPadding::Pkcs1);
  CHECK(raw.size() == 64);
  CHECK(openssl_verifies(p256.public_key(), digest, der_from_raw(raw), 0));

  PrivateKey p384 = golden_key("ec_p384");
  Bytes digest384 = Digester(DigestAlgorithm::Sha256).finish();  // any 32 bytes: P-384 also signs SHA-256
  Bytes raw384 = p384.sign_digest(digest384, RsaPadding::Pkcs1);
  CHECK(raw384.size() == 96);
  CHECK(openssl_verifies(p384.public_key(), digest384, der_from_raw(raw384), 0));
}

TEST_CASE("open_private_key: URI problems are reported before any module is needed") {
  auto kind_of = [](const std::string& uri, std::string& message) {
    try {
      open_private_key(uri, KeySource{});
    } catch (const Error& error) {
      message = error.message();
      return error.kind();
    }
    return ErrorKind::Internal;
  };
  std::string message;
  CHECK(kind_of("pkcs11:token=t", message) == ErrorKind::Input);
  CHECK_THAT(message, Catch::Contains("does not name a key"));
  CHECK(kind_of("pkcs11:object=k;type=cert", message) == ErrorKind::Input);
  CHECK_THAT(message, Catch::Contains("not a private key"));
  CHECK(kind_of("pkcs11:object=k?module-path=/nonexistent/module.so", message) == ErrorKind::Crypto);
  CHECK_THAT(message, Catch::Contains("/nonexistent/module.so not found"));
  CHECK(kind_of("pkcs11:object=k;object=j?pin-value=secret", message) == ErrorKind::Input);
  CHECK(message.find("secret") == std::string::npos);
}
