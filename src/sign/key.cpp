#include "fwprov/sign/key.hpp"

#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "fwprov/core/error.hpp"
#include "openssl_extra.hpp"

namespace fwprov::sign {
namespace {

using detail::BignumPtr;

struct CurveName {
  const char* openssl;  // OSSL group name
  const char* nist;
  int bits;
};
constexpr CurveName kCurves[] = {
    {"prime256v1", "P-256", 256},
    {"secp384r1", "P-384", 384},
    {"prime192v1", "P-192", 192},
};

const CurveName* find_curve_by_openssl(const std::string& name) {
  for (const auto& curve : kCurves)
    if (name == curve.openssl || name == curve.nist) return &curve;
  return nullptr;
}

BignumPtr get_bn(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) detail::crypto_fail(std::string("cannot read key parameter ") + name);
  return BignumPtr(bn);
}

PkeyPtr key_from_params(const char* type, OSSL_PARAM_BLD* builder) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(builder);
  OSSL_PARAM_BLD_free(builder);
  if (params == nullptr) detail::crypto_fail("cannot build key parameters");
  pki::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
            EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  OSSL_PARAM_free(params);
  if (!ok) detail::crypto_fail("cannot construct public key");
  return PkeyPtr(key);
}

}  // namespace

std::string KeyInfo::describe() const {
  return is_rsa() ? "RSA-" + std::to_string(bits) : "EC " + curve;
}

KeyInfo key_info(const EVP_PKEY* key) {
  KeyInfo info;
  if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
    info.algorithm = KeyAlgorithm::Rsa;
    info.bits = EVP_PKEY_get_bits(key);
    return info;
  }
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {};
    size_t length = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1)
      throw Error(ErrorKind::Crypto, "EC key without a named curve is not supported");
    const CurveName* curve = find_curve_by_openssl(group);
    if (curve == nullptr) throw Error(ErrorKind::Crypto, std::string("unsupported EC curve ") + group + " (use P-256 or P-384)");
    info.algorithm = KeyAlgorithm::Ec;
    info.bits = curve->bits;
    info.curve = curve->nist;
    return info;
  }
  throw Error(ErrorKind::Crypto, std::string("unsupported key type ") + EVP_PKEY_get0_type_name(key) + " (use RSA or EC P-256/P-384)");
}

KeyInfo require_signing_key(const EVP_PKEY* key, const std::string& origin, bool allow_p192) {
  KeyInfo info;
  try {
    info = key_info(key);
  } catch (const Error& error) {
    throw Error(ErrorKind::Crypto, SourceLocation{origin}, error.message());
  }
  if (info.is_rsa() && info.bits < kMinimumRsaBits)
    throw Error(ErrorKind::Crypto, SourceLocation{origin},
                "RSA key of " + std::to_string(info.bits) + " bits is too weak: at least 2048 bits are required");
  if (!info.is_rsa() && info.curve != "P-256" && info.curve != "P-384" && !(allow_p192 && info.curve == "P-192"))
    throw Error(ErrorKind::Crypto, SourceLocation{origin}, "EC curve " + info.curve + " is not accepted for signing (use P-256 or P-384)");
  return info;
}

void require_certificate_matches_key(const EVP_PKEY* key, X509* certificate, const std::string& key_origin,
                                     const std::string& certificate_origin) {
  EVP_PKEY* certificate_key = X509_get0_pubkey(certificate);
  if (certificate_key == nullptr || EVP_PKEY_eq(key, certificate_key) != 1) {
    pki::take_openssl_error();
    throw Error(ErrorKind::Crypto, SourceLocation{certificate_origin},
                "certificate does not belong to the key " + key_origin + " (public keys differ)");
  }
}

std::size_t ec_coordinate_size(const KeyInfo& info) { return static_cast<std::size_t>((info.bits + 7) / 8); }

EcPoint ec_public_point(const EVP_PKEY* key) {
  KeyInfo info = key_info(key);
  if (info.is_rsa()) throw Error(ErrorKind::Internal, "ec_public_point on an RSA key");
  std::size_t size = ec_coordinate_size(info);
  auto x = get_bn(key, OSSL_PKEY_PARAM_EC_PUB_X);
  auto y = get_bn(key, OSSL_PKEY_PARAM_EC_PUB_Y);
  return EcPoint{detail::bn_to(x.get(), size), detail::bn_to(y.get(), size)};
}

PkeyPtr ec_public_key_from_point(const std::string& curve, ByteView x_big_endian, ByteView y_big_endian) {
  const CurveName* known = find_curve_by_openssl(curve);
  if (known == nullptr) throw Error(ErrorKind::Crypto, "unsupported EC curve " + curve);
  Bytes point{0x04};  // uncompressed SEC1 point
  append(point, x_big_endian);
  append(point, y_big_endian);
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  if (builder == nullptr || OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, known->openssl, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1) {
    OSSL_PARAM_BLD_free(builder);
    detail::crypto_fail("cannot build EC key");
  }
  return key_from_params("EC", builder);
}

RsaPublicParts rsa_public_parts(const EVP_PKEY* key) {
  auto n = get_bn(key, OSSL_PKEY_PARAM_RSA_N);
  auto e = get_bn(key, OSSL_PKEY_PARAM_RSA_E);
  RsaPublicParts parts;
  parts.modulus = detail::bn_to(n.get(), static_cast<std::size_t>((BN_num_bits(n.get()) + 7) / 8));
  if (BN_num_bits(e.get()) > 64) throw Error(ErrorKind::Crypto, "RSA public exponent too large");
  Bytes e_bytes = detail::bn_to(e.get(), 8);
  for (auto byte : e_bytes) parts.exponent = (parts.exponent << 8) | byte;
  return parts;
}

PkeyPtr rsa_public_key_from_parts(ByteView modulus_big_endian, std::uint64_t exponent) {
  auto n = detail::bn_from(modulus_big_endian);
  auto e = detail::bn_new();
  if (BN_set_word(e.get(), exponent) != 1) detail::crypto_fail("cannot set RSA exponent");
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  if (builder == nullptr || OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    OSSL_PARAM_BLD_free(builder);
    detail::crypto_fail("cannot build RSA key");
  }
  return key_from_params("RSA", builder);
}

}  // namespace fwprov::sign
