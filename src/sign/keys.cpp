// Key generation and PEM output.
#include <openssl/pem.h>

#include "fwprov/core/error.hpp"
#include "fwprov/sign/certificates.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign {
namespace {

struct KeyTypeRow {
  KeyType type;
  const char* name;
};
constexpr KeyTypeRow kKeyTypes[] = {
    {KeyType::EcP256, "ec-p256"},   {KeyType::EcP384, "ec-p384"},   {KeyType::EcP192, "ec-p192"},   {KeyType::Rsa2048, "rsa-2048"},
    {KeyType::Rsa3072, "rsa-3072"}, {KeyType::Rsa4096, "rsa-4096"},
};

Bytes bio_contents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return Bytes(reinterpret_cast<std::uint8_t*>(data), reinterpret_cast<std::uint8_t*>(data) + length);
}

}  // namespace

KeyType parse_key_type(const std::string& text) {
  for (const auto& row : kKeyTypes)
    if (text == row.name) return row.type;
  throw Error(ErrorKind::Usage, SourceLocation{"--type"}, "unknown key type '" + text + "' (ec-p256, ec-p384, ec-p192, rsa-2048, rsa-3072, rsa-4096)");
}

const char* key_type_name(KeyType type) {
  for (const auto& row : kKeyTypes)
    if (row.type == type) return row.name;
  return "?";
}

PkeyPtr generate_key(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::EcP256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyType::EcP384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyType::EcP192: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-192"); break;
    case KeyType::Rsa2048: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)); break;
    case KeyType::Rsa3072: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)); break;
    case KeyType::Rsa4096: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(4096)); break;
  }
  if (key == nullptr) detail::crypto_fail(std::string("cannot generate a ") + key_type_name(type) + " key");
  return PkeyPtr(key);
}

Bytes private_key_pem(const EVP_PKEY* key, const pki::PassphraseSource& passphrase) {
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  int ok = 0;
  if (passphrase.given()) {
    std::string secret = passphrase.read();
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), secret.data(), static_cast<int>(secret.size()), nullptr, nullptr);
    pki::wipe(secret);
  } else {
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  if (ok != 1) detail::crypto_fail("cannot encode the private key");
  return bio_contents(bio.get());
}

Bytes public_key_pem(const EVP_PKEY* key) {
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PUBKEY(bio.get(), key) != 1) detail::crypto_fail("cannot encode the public key");
  return bio_contents(bio.get());
}

Bytes certificate_pem(X509* certificate) {
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), certificate) != 1) detail::crypto_fail("cannot encode the certificate");
  return bio_contents(bio.get());
}

Bytes certificate_der(X509* certificate) {
  int length = i2d_X509(certificate, nullptr);
  if (length <= 0) detail::crypto_fail("cannot encode the certificate");
  Bytes out(static_cast<std::size_t>(length));
  unsigned char* cursor = out.data();
  i2d_X509(certificate, &cursor);
  return out;
}

Bytes csr_pem(X509_REQ* request) {
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509_REQ(bio.get(), request) != 1) detail::crypto_fail("cannot encode the certificate request");
  return bio_contents(bio.get());
}

}  // namespace fwprov::sign
