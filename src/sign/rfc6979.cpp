#include "fwprov/sign/rfc6979.hpp"

#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>

#include "deterministic_ecdsa.hpp"
#include "fwprov/sign/key.hpp"

namespace fwprov::sign {
namespace detail {
namespace {

const EVP_MD* hmac_md(HashAlgorithm algorithm) { return algorithm == HashAlgorithm::Sha384 ? EVP_sha384() : EVP_sha256(); }

// bits2int (RFC 6979 2.3.2): the leftmost qlen bits of `bits` as an integer.
BignumPtr bits2int(ByteView bits, int qlen) {
  BignumPtr x = bn_from(bits);
  int blen = static_cast<int>(bits.size() * 8);
  if (blen > qlen && BN_rshift(x.get(), x.get(), blen - qlen) != 1) crypto_fail("bits2int");
  return x;
}

int nid_for_curve(const std::string& curve) {
  if (curve == "P-256") return NID_X9_62_prime256v1;
  if (curve == "P-384") return NID_secp384r1;
  if (curve == "P-192") return NID_X9_62_prime192v1;
  throw Error(ErrorKind::Crypto, "deterministic ECDSA: unsupported curve " + curve);
}

}  // namespace

Rfc6979Nonces::Rfc6979Nonces(const BIGNUM* order, const BIGNUM* private_key, ByteView hash, HashAlgorithm hmac_hash)
    : order_(order), qlen_(BN_num_bits(order)), md_(hmac_md(hmac_hash)) {
  const auto hlen = static_cast<std::size_t>(EVP_MD_get_size(md_));
  const auto rlen = static_cast<std::size_t>((qlen_ + 7) / 8);
  // int2octets(x) and bits2octets(h1) = int2octets(bits2int(h1) mod q)
  Bytes x_octets = bn_to(private_key, rlen);
  BignumPtr z = bits2int(hash, qlen_);
  if (BN_cmp(z.get(), order) >= 0 && BN_sub(z.get(), z.get(), order) != 1) crypto_fail("bits2octets");
  Bytes h_octets = bn_to(z.get(), rlen);
  v_.assign(hlen, 0x01);
  k_.assign(hlen, 0x00);
  const std::uint8_t zero = 0x00, one = 0x01;
  k_ = hmac({v_, ByteView(&zero, 1), x_octets, h_octets});
  v_ = hmac({v_});
  k_ = hmac({v_, ByteView(&one, 1), x_octets, h_octets});
  v_ = hmac({v_});
  OPENSSL_cleanse(x_octets.data(), x_octets.size());
}

Bytes Rfc6979Nonces::hmac(std::initializer_list<ByteView> parts) const {
  // HMAC_CTX is deprecated in 3.0; EVP_MAC per call is the supported way.
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) crypto_fail("HMAC is not available");
  std::unique_ptr<EVP_MAC_CTX, OpenSslDeleter<EVP_MAC_CTX_free>> ctx(EVP_MAC_CTX_new(mac));
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(EVP_MD_get0_name(md_)), 0),
      OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), k_.data(), k_.size(), params) != 1) crypto_fail("HMAC init");
  for (ByteView part : parts)
    if (EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1) crypto_fail("HMAC update");
  Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md_)));
  size_t length = 0;
  if (EVP_MAC_final(ctx.get(), out.data(), &length, out.size()) != 1) crypto_fail("HMAC final");
  return out;
}

BignumPtr Rfc6979Nonces::next() {
  const std::uint8_t zero = 0x00;
  for (;;) {
    if (!first_) {  // step h.3: the previous candidate was rejected
      k_ = hmac({v_, ByteView(&zero, 1)});
      v_ = hmac({v_});
    }
    first_ = false;
    Bytes t;
    while (static_cast<int>(t.size() * 8) < qlen_) {
      v_ = hmac({v_});
      append(t, v_);
    }
    BignumPtr k = bits2int(t, qlen_);
    OPENSSL_cleanse(t.data(), t.size());
    if (!BN_is_zero(k.get()) && BN_cmp(k.get(), order_) < 0) return k;
  }
}

DeterministicEcdsa::DeterministicEcdsa(const EVP_PKEY* key) {
  KeyInfo info = key_info(key);
  if (info.is_rsa()) throw Error(ErrorKind::Internal, "deterministic ECDSA needs an EC key");
  size_ = ec_coordinate_size(info);
  group_.reset(EC_GROUP_new_by_curve_name(nid_for_curve(info.curve)));
  ctx_.reset(BN_CTX_new());
  order_ = bn_new();
  if (!group_ || !ctx_ || EC_GROUP_get_order(group_.get(), order_.get(), ctx_.get()) != 1) crypto_fail("cannot load curve");
  BIGNUM* d = nullptr;
  if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &d) != 1) crypto_fail("cannot read the EC private key");
  private_key_.reset(d);
  BN_set_flags(private_key_.get(), BN_FLG_CONSTTIME);
}

EcdsaRaw DeterministicEcdsa::sign(ByteView hash, HashAlgorithm hmac_hash) {
  BN_CTX* ctx = ctx_.get();
  const BIGNUM* n = order_.get();
  Rfc6979Nonces nonces(n, private_key_.get(), hash, hmac_hash);
  BignumPtr e = bits2int(hash, BN_num_bits(n));
  EcPointPtr point(EC_POINT_new(group_.get()));
  BignumPtr x = bn_new(), r = bn_new(), s = bn_new(), k_inverse = bn_new(), rd = bn_new(), sum = bn_new();
  if (!point) crypto_fail("out of memory (EC point)");
  for (;;) {
    BignumPtr k = nonces.next();
    BN_set_flags(k.get(), BN_FLG_CONSTTIME);
    // r = (k*G).x mod n
    if (EC_POINT_mul(group_.get(), point.get(), k.get(), nullptr, nullptr, ctx) != 1 ||
        EC_POINT_get_affine_coordinates(group_.get(), point.get(), x.get(), nullptr, ctx) != 1 ||
        BN_nnmod(r.get(), x.get(), n, ctx) != 1)
      crypto_fail("ECDSA point multiplication");
    if (BN_is_zero(r.get())) continue;
    // s = k^-1 (e + r*d) mod n
    if (BN_mod_inverse(k_inverse.get(), k.get(), n, ctx) == nullptr || BN_mod_mul(rd.get(), r.get(), private_key_.get(), n, ctx) != 1 ||
        BN_mod_add(sum.get(), e.get(), rd.get(), n, ctx) != 1 || BN_mod_mul(s.get(), k_inverse.get(), sum.get(), n, ctx) != 1)
      crypto_fail("ECDSA arithmetic");
    if (BN_is_zero(s.get())) continue;
    return EcdsaRaw{bn_to(r.get(), size_), bn_to(s.get(), size_)};
  }
}

}  // namespace detail

Bytes rfc6979_nonce(ByteView order, ByteView private_key, ByteView hash, HashAlgorithm hmac_hash) {
  auto q = detail::bn_from(order);
  auto x = detail::bn_from(private_key);
  detail::Rfc6979Nonces nonces(q.get(), x.get(), hash, hmac_hash);
  return detail::bn_to(nonces.next().get(), order.size());
}

EcdsaRaw sign_deterministic(const EVP_PKEY* key, ByteView hash, HashAlgorithm hmac_hash) {
  return detail::DeterministicEcdsa(key).sign(hash, hmac_hash);
}

}  // namespace fwprov::sign
