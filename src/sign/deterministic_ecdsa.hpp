#pragma once
// Private to fwprov_sign: RFC 6979 ECDSA with the curve, order and private scalar loaded once,
// for signing many digests with one key.
#include <openssl/evp.h>

#include "fwprov/sign/rfc6979.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign::detail {

// HMAC_DRBG of RFC 6979 3.2 steps b-h, yielding successive nonce candidates in [1, q-1].
class Rfc6979Nonces {
 public:
  Rfc6979Nonces(const BIGNUM* order, const BIGNUM* private_key, ByteView hash, HashAlgorithm hmac_hash);
  BignumPtr next();

 private:
  Bytes hmac(std::initializer_list<ByteView> parts) const;
  const BIGNUM* order_;
  int qlen_;
  const EVP_MD* md_;
  Bytes k_;
  Bytes v_;
  bool first_ = true;
};

class DeterministicEcdsa {
 public:
  explicit DeterministicEcdsa(const EVP_PKEY* key);
  EcdsaRaw sign(ByteView hash, HashAlgorithm hmac_hash);

 private:
  EcGroupPtr group_;
  BignumPtr order_;
  BignumPtr private_key_;
  BnCtxPtr ctx_;
  std::size_t size_ = 0;
};

}  // namespace fwprov::sign::detail
