#pragma once
// Writing certificates, CSRs and keys as DER or PEM through OpenSSL's own encoders, so the
// bytes are exactly what the openssl CLI writes for the same object.
#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/pki_file.hpp"

namespace fwprov::pki {

// Private key layouts: traditional = PKCS#1 for RSA, SEC1 (named curve, public key included)
// for EC, as `openssl rsa -traditional` / `openssl ec` write them; Ed25519 has no traditional
// form and is always PKCS#8. pkcs8 = unencrypted PrivateKeyInfo, as `openssl pkcs8 -topk8 -nocrypt`.
enum class KeyFormat { Traditional, Pkcs8 };

Bytes encode_certificate(X509* certificate, Encoding encoding);  // as `openssl x509 -outform`
Bytes encode_csr(X509_REQ* csr, Encoding encoding);              // as `openssl req -outform`
Bytes encode_private_key(const EVP_PKEY* key, Encoding encoding, KeyFormat format);
// SubjectPublicKeyInfo (as `openssl pkey -pubout`), or PKCS#1 RSAPublicKey for an RSA key
// when `structure` is Pkcs1Public.
Bytes encode_public_key(const EVP_PKEY* key, Encoding encoding, KeyStructure structure = KeyStructure::SubjectPublicKeyInfo);

// The structure encode_private_key writes for this key in this format.
KeyStructure private_structure_for(const EVP_PKEY* key, KeyFormat format);

}  // namespace fwprov::pki
