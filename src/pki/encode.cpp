#include "fwprov/pki/encode.hpp"

#include <openssl/encoder.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "fwprov/core/error.hpp"

namespace fwprov::pki {
namespace {

Bytes bio_contents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return Bytes(data, data + length);
}

[[noreturn]] void encoder_failure(const std::string& what) {
  std::string reason = take_openssl_error();
  throw Error(ErrorKind::Crypto, "cannot encode " + what + (reason.empty() ? "" : ": " + reason));
}

Bytes encode_key(const EVP_PKEY* key, int selection, Encoding encoding, const char* structure, const std::string& what) {
  OSSL_ENCODER_CTX* ctx =
      OSSL_ENCODER_CTX_new_for_pkey(key, selection, encoding == Encoding::Pem ? "PEM" : "DER", structure, nullptr);
  if (ctx == nullptr || OSSL_ENCODER_CTX_get_num_encoders(ctx) == 0) {
    OSSL_ENCODER_CTX_free(ctx);
    encoder_failure(what + " as " + structure);
  }
  unsigned char* data = nullptr;
  size_t length = 0;
  int ok = OSSL_ENCODER_to_data(ctx, &data, &length);
  OSSL_ENCODER_CTX_free(ctx);
  if (ok != 1) encoder_failure(what + " as " + structure);
  Bytes bytes(data, data + length);
  OPENSSL_clear_free(data, length);  // may hold a private key
  return bytes;
}

}  // namespace

Bytes encode_certificate(X509* certificate, Encoding encoding) {
  if (encoding == Encoding::Der) {
    unsigned char* der = nullptr;
    int length = i2d_X509(certificate, &der);
    if (length <= 0) encoder_failure("certificate");
    Bytes bytes(der, der + length);
    OPENSSL_free(der);
    return bytes;
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(bio.get(), certificate) != 1) encoder_failure("certificate");
  return bio_contents(bio.get());
}

Bytes encode_csr(X509_REQ* csr, Encoding encoding) {
  if (encoding == Encoding::Der) {
    unsigned char* der = nullptr;
    int length = i2d_X509_REQ(csr, &der);
    if (length <= 0) encoder_failure("CSR");
    Bytes bytes(der, der + length);
    OPENSSL_free(der);
    return bytes;
  }
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509_REQ(bio.get(), csr) != 1) encoder_failure("CSR");
  return bio_contents(bio.get());
}

KeyStructure private_structure_for(const EVP_PKEY* key, KeyFormat format) {
  if (format == KeyFormat::Pkcs8) return KeyStructure::Pkcs8;
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: return KeyStructure::Pkcs1;
    case EVP_PKEY_EC: return KeyStructure::Sec1;
    default: return KeyStructure::Pkcs8;  // Ed25519 has no traditional form
  }
}

Bytes encode_private_key(const EVP_PKEY* key, Encoding encoding, KeyFormat format) {
  bool traditional = private_structure_for(key, format) != KeyStructure::Pkcs8;
  // The selections the openssl CLI uses: `rsa`/`ec`/`pkey` ask for the key pair plus its
  // domain parameters, so a SEC1 key keeps its named curve.
  return encode_key(key, OSSL_KEYMGMT_SELECT_KEYPAIR | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS, encoding,
                    traditional ? "type-specific" : "PrivateKeyInfo", "private key");
}

Bytes encode_public_key(const EVP_PKEY* key, Encoding encoding, KeyStructure structure) {
  bool pkcs1 = structure == KeyStructure::Pkcs1Public && EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA;
  return encode_key(key, OSSL_KEYMGMT_SELECT_PUBLIC_KEY | OSSL_KEYMGMT_SELECT_ALL_PARAMETERS, encoding,
                    pkcs1 ? "type-specific" : "SubjectPublicKeyInfo", "public key");
}

}  // namespace fwprov::pki
