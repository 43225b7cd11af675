#pragma once
// Deterministic ECDSA (RFC 6979, section 3.2): the nonce k comes from HMAC-DRBG keyed with the
// private key and the message hash, so the same key and input always give the same signature
// (espsecure v1 does this; reproducible release signatures need it). HMAC is OpenSSL's; the
// point multiplication and modular arithmetic are OpenSSL's EC/BIGNUM primitives.
#include "fwprov/core/bytes.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/sign/ecdsa_encoding.hpp"
#include "fwprov/sign/file_digest.hpp"

namespace fwprov::sign {

// The first nonce candidate in [1, q-1] (RFC 6979 3.2 a-h); `order` and `private_key` are
// big-endian, `hash` is H(m). HMAC uses `hmac_hash`. Exposed for the RFC's test vectors.
Bytes rfc6979_nonce(ByteView order, ByteView private_key, ByteView hash, HashAlgorithm hmac_hash);

// Signs the already-computed hash with an EC private key; r and s are fixed-width big-endian.
EcdsaRaw sign_deterministic(const EVP_PKEY* key, ByteView hash, HashAlgorithm hmac_hash);

}  // namespace fwprov::sign
