#pragma once
// Signing pre-computed digests with one loaded key. The OpenSSL contexts are created once per
// hash algorithm and reused for every signature, so signing many files costs one setup.
#include <memory>

#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/pki/private_key.hpp"
#include "fwprov/sign/ecdsa_encoding.hpp"
#include "fwprov/sign/file_digest.hpp"
#include "fwprov/sign/key.hpp"

namespace fwprov::sign {

enum class RsaScheme {
  Pkcs1,  // RSASSA-PKCS1-v1_5 (deterministic): AWS sig-sha256-rsa, NXP sign_me.py
  Pss,    // RSASSA-PSS, MGF1 with the same hash, salt length = hash length (espsecure v2)
};

struct SignOptions {
  RsaScheme scheme = RsaScheme::Pkcs1;
  bool deterministic = false;  // ECDSA nonce per RFC 6979 instead of random
  bool allow_p192 = false;     // secure boot v2 (ESP32-C2) only
};

class Signer {
 public:
  // Takes its own reference to `key`. Checks strength (RSA >= 2048, P-256/P-384).
  Signer(const EVP_PKEY* key, SignOptions options, const std::string& origin);
  // A key from a file or a token. A token key signs in the token (RFC 6979 nonces need the
  // private scalar, so `deterministic` is refused for it: Usage error).
  Signer(const pki::PrivateKey& key, SignOptions options);
  ~Signer();
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;

  // Signature over `digest` (computed with `hash`): DER for ECDSA, raw bytes for RSA.
  Bytes sign_digest(ByteView digest, HashAlgorithm hash = HashAlgorithm::Sha256);
  // ECDSA only: r and s as fixed-width big-endian integers.
  EcdsaRaw sign_digest_raw(ByteView digest, HashAlgorithm hash = HashAlgorithm::Sha256);

  const KeyInfo& info() const noexcept;
  const SignOptions& options() const noexcept;
  // The key (for a token key its public half): secure boot blocks and key digests use it.
  EVP_PKEY* key() const noexcept;
  bool in_token() const noexcept;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// True when `signature` (DER or raw r||s for ECDSA; raw for RSA) is a valid signature of
// `digest` under the public key. RSA uses `scheme`.
bool verify_digest(const EVP_PKEY* key, ByteView digest, HashAlgorithm hash, ByteView signature,
                   RsaScheme scheme = RsaScheme::Pkcs1);

}  // namespace fwprov::sign
