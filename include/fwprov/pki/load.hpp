#pragma once
// Loading keys, certificates and CSRs from PEM or DER files in any of the encodings OpenSSL
// knows (PKCS#1, SEC1, PKCS#8, encrypted PKCS#8, legacy encrypted PEM). Errors name the file.
#include <filesystem>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"

namespace fwprov::pki {

// `origin` is the file name used in error messages.
PkeyPtr load_private_key(ByteView data, const std::string& origin, const PassphraseSource& passphrase = {});
PkeyPtr load_private_key_file(const std::filesystem::path& path, const PassphraseSource& passphrase = {});

// A public key file (SubjectPublicKeyInfo or PKCS#1 RSA public key), or the public half of a
// certificate or private key file.
PkeyPtr load_public_key_file(const std::filesystem::path& path);

std::vector<X509Ptr> load_certificates(ByteView data, const std::string& origin);  // one or more
X509Ptr load_certificate_file(const std::filesystem::path& path);                   // exactly the first
X509ReqPtr load_csr_file(const std::filesystem::path& path);

bool looks_like_pem(ByteView data);

}  // namespace fwprov::pki
