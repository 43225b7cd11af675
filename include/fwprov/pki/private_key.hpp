#pragma once
// One private key, wherever it lives: an OpenSSL key read from a file, or a key inside a
// PKCS#11 token (an HSM) named by an RFC 7512 `pkcs11:` URI. Every command that signs takes
// a PrivateKey, so a token works wherever a key file does. The digest is always computed
// here; only the digest (or its DigestInfo) goes to the token.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/passphrase.hpp"

namespace fwprov::pki {

enum class RsaPadding {
  Pkcs1,  // RSASSA-PKCS1-v1_5 over the DigestInfo
  Pss,    // RSASSA-PSS, MGF1 with the digest's hash, salt length = digest length
};

// How to reach keys that are not plain files, and the secrets they need.
struct KeySource {
  PassphraseSource passphrase;   // encrypted key files
  std::string pkcs11_module;     // module when the URI has no module-path; else $FWPROV_PKCS11_MODULE
  PassphraseSource pin;          // token PIN when the URI has no pin-source (or pin-value)
  Warnings* warnings = nullptr;  // receives the pin-value warning
};

class PrivateKey {
 public:
  PrivateKey(PkeyPtr key, std::string origin);  // a key read from a file
  ~PrivateKey();
  PrivateKey(const PrivateKey&) = default;  // shares the key (and the token session)
  PrivateKey& operator=(const PrivateKey&) = default;

  bool in_token() const noexcept;
  // The public half (for a file key, the whole key): what certificates, secure boot blocks
  // and key digests are built from.
  EVP_PKEY* public_key() const noexcept;
  // The OpenSSL private key of a file key; nullptr for a token key.
  EVP_PKEY* openssl_key() const noexcept;
  // A token's certificate object with the key's CKA_ID (and the same public key), or nullptr.
  X509* token_certificate() const noexcept;
  // The file name, or the URI with any pin-value hidden: for messages.
  const std::string& origin() const noexcept;

  // Signature over `digest` (32 bytes: SHA-256, 48 bytes: SHA-384). RSA: the k-byte
  // signature; ECDSA: r || s, each as wide as the curve's order. Crypto error (naming the
  // mechanism) when a token does not offer or allow the mechanism, or returns a signature of
  // the wrong length.
  Bytes sign_digest(ByteView digest, RsaPadding padding) const;

  struct State;  // defined inside fwprov_pki
  explicit PrivateKey(std::shared_ptr<State> state);

 private:
  std::shared_ptr<State> state_;
};

// The one entry point for "a private key from a path or a pkcs11: URI": key files go through
// load_private_key_file (with `source.passphrase`), URIs through the token. Token errors
// (missing module, wrong PIN, no or several matching keys) are Crypto errors; a malformed URI
// is an Input error.
PrivateKey open_private_key(const std::string& path_or_uri, const KeySource& source);

// espsecure's --hsm-config INI file, section [hsm_config]: pkcs11_lib, slot, label,
// label_pubkey, credentials. Input error naming file:line for a malformed file.
struct HsmConfig {
  std::string module;                       // pkcs11_lib
  unsigned long slot = 0;                   // slot id
  std::string label;                        // private key label
  std::optional<std::string> public_label;  // label_pubkey
  std::optional<std::string> pin;           // credentials
};
HsmConfig read_hsm_config(const std::filesystem::path& path);
// The file's text, parsed; `origin` names it in errors. The caller wipes `text` (credentials).
HsmConfig parse_hsm_config(std::string_view text, const std::string& origin);
PrivateKey open_hsm_config_key(const std::filesystem::path& path, const KeySource& source);

// The public key a `pkcs11:` URI names: a public-key object, else a certificate object
// (type=private: the private key's public half, after login).
PkeyPtr open_token_public_key(const std::string& uri, const KeySource& source);

}  // namespace fwprov::pki
