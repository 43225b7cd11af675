#pragma once
// Private to fwprov_sign: owners for the OpenSSL types pki's openssl_ptr.hpp does not cover,
// and small BIGNUM conversions.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/sign/file_digest.hpp"

namespace fwprov::sign::detail {

using pki::OpenSslDeleter;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BN_clear_free>>;
using BnCtxPtr = std::unique_ptr<BN_CTX, OpenSslDeleter<BN_CTX_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, OpenSslDeleter<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, OpenSslDeleter<EC_POINT_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslDeleter<ECDSA_SIG_free>>;
using X509NamePtr = std::unique_ptr<X509_NAME, OpenSslDeleter<X509_NAME_free>>;
using X509ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION_free>>;

// SHA-256 / SHA-384, each fetched from the provider once for the process (file_digest.cpp).
const EVP_MD* md_for(HashAlgorithm algorithm);

inline BignumPtr bn_new() {
  BignumPtr bn(BN_new());
  if (!bn) throw Error(ErrorKind::Crypto, "out of memory (BIGNUM)");
  return bn;
}

inline BignumPtr bn_from(ByteView big_endian) {
  BignumPtr bn(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
  if (!bn) throw Error(ErrorKind::Crypto, "out of memory (BIGNUM)");
  return bn;
}

// Fixed-width big-endian; Internal error when the number does not fit.
inline Bytes bn_to(const BIGNUM* bn, std::size_t size) {
  Bytes out(size);
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(size)) < 0) throw Error(ErrorKind::Internal, "integer too large for its field");
  return out;
}

[[noreturn]] inline void crypto_fail(const std::string& what) {
  std::string reason = pki::take_openssl_error();
  throw Error(ErrorKind::Crypto, reason.empty() ? what : what + ": " + reason);
}

}  // namespace fwprov::sign::detail
