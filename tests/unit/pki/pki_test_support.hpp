#pragma once
// Keys and certificates made in-process for pki unit tests.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <fstream>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"

namespace fwprov::test {

inline pki::PkeyPtr make_rsa(unsigned bits) { return pki::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(bits))); }
inline pki::PkeyPtr make_ec(const char* curve) { return pki::PkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve)); }

inline void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
}

// A self-signed certificate valid from now+not_before_s to now+not_after_s, with a SAN,
// key usage digitalSignature and EKU codeSigning.
inline pki::X509Ptr make_certificate(EVP_PKEY* key, const char* common_name, long not_before_s = -60,
                                     long not_after_s = 86400L * 365) {
  pki::X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 0x1234);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before_s);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after_s);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_subject_alt_name, "DNS:device.example,IP:10.1.2.3");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "codeSigning");
  X509_sign(cert.get(), key, EVP_sha256());
  return cert;
}

inline Bytes bio_bytes(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return Bytes(data, data + length);
}

inline Bytes pkcs8_pem(EVP_PKEY* key) {
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return bio_bytes(bio.get());
}

inline Bytes certificate_pem(X509* cert) {
  pki::BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return bio_bytes(bio.get());
}

inline void write_bytes(const std::filesystem::path& path, ByteView bytes) {
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace fwprov::test
