#include "fwprov/pki/key_match.hpp"

#include <openssl/x509.h>

namespace fwprov::pki {

const EVP_PKEY* public_key_of(const PkiFile& file) {
  switch (file.kind) {
    case ObjectKind::Certificate: return X509_get0_pubkey(file.certificates.front().get());
    case ObjectKind::Csr: return X509_REQ_get0_pubkey(file.csr.get());
    case ObjectKind::PrivateKey:
    case ObjectKind::PublicKey: return file.key.get();
  }
  return nullptr;
}

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b) {
  // EVP_PKEY_eq compares the public components (and parameters) only, whatever else a holds.
  return a != nullptr && b != nullptr && EVP_PKEY_eq(a, b) == 1;
}

}  // namespace fwprov::pki
