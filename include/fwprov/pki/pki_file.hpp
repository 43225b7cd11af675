#pragma once
// Reading any PKI file fwprov handles and saying what it holds: X.509 certificates (one or a
// chain), a private key, a public key or a CSR, in PEM or DER, with the key's structure.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"

namespace fwprov::pki {

enum class Encoding { Pem, Der };

enum class ObjectKind { Certificate, PrivateKey, PublicKey, Csr };

// How a key was (or is to be) laid out in ASN.1.
enum class KeyStructure {
  None,                  // not a key
  Pkcs1,                 // RSAPrivateKey ("RSA PRIVATE KEY")
  Sec1,                  // ECPrivateKey ("EC PRIVATE KEY")
  Pkcs8,                 // PrivateKeyInfo ("PRIVATE KEY")
  EncryptedPkcs8,        // EncryptedPrivateKeyInfo ("ENCRYPTED PRIVATE KEY")
  LegacyEncryptedPem,    // PKCS#1/SEC1 PEM with Proc-Type: 4,ENCRYPTED
  SubjectPublicKeyInfo,  // "PUBLIC KEY"
  Pkcs1Public,           // RSAPublicKey ("RSA PUBLIC KEY")
};

std::string_view encoding_name(Encoding encoding);      // "PEM", "DER"
std::string_view kind_name(ObjectKind kind);            // "certificate", "private key", ...
std::string_view structure_name(KeyStructure structure);  // "PKCS#1", "SEC1", ...

// Everything read from one file. Exactly one of certificates/key/csr is filled, per `kind`.
struct PkiFile {
  ObjectKind kind = ObjectKind::Certificate;
  Encoding encoding = Encoding::Der;
  KeyStructure structure = KeyStructure::None;
  std::vector<X509Ptr> certificates;  // kind Certificate: one, or a chain in file order
  PkeyPtr key;                        // kind PrivateKey / PublicKey
  X509ReqPtr csr;                     // kind Csr
};

// Reads and identifies. Errors name `origin`: Input for empty, garbage, truncated or mixed
// content; Crypto for a missing/wrong passphrase or a key type other than RSA, EC, Ed25519.
PkiFile read_pki(ByteView data, const std::string& origin, const PassphraseSource& passphrase = {});
PkiFile read_pki_file(const std::filesystem::path& path, const PassphraseSource& passphrase = {});

// When `data` is an encrypted private key: how it is stored, found without decrypting it (so
// `inspect` can say what the file is when no passphrase was given). nullopt otherwise.
struct EncryptedKeyForm {
  Encoding encoding;
  KeyStructure structure;  // EncryptedPkcs8 or LegacyEncryptedPem
};
std::optional<EncryptedKeyForm> encrypted_key_form(ByteView data);

// Throws a Crypto error naming `origin` unless the key is RSA, EC or Ed25519.
void require_supported_key_type(const EVP_PKEY* key, const std::string& origin);

}  // namespace fwprov::pki
