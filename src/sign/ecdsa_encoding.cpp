#include "fwprov/sign/ecdsa_encoding.hpp"

#include <openssl/ec.h>

#include "openssl_extra.hpp"

namespace fwprov::sign {

Bytes ecdsa_der_from_raw(ByteView r_big_endian, ByteView s_big_endian) {
  detail::EcdsaSigPtr sig(ECDSA_SIG_new());
  auto r = detail::bn_from(r_big_endian);
  auto s = detail::bn_from(s_big_endian);
  if (!sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) detail::crypto_fail("cannot build ECDSA signature");
  r.release();  // owned by sig now
  s.release();
  int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) detail::crypto_fail("cannot encode ECDSA signature");
  Bytes der(static_cast<std::size_t>(length));
  unsigned char* cursor = der.data();
  i2d_ECDSA_SIG(sig.get(), &cursor);
  return der;
}

std::optional<EcdsaRaw> ecdsa_raw_from_der(ByteView der, std::size_t coordinate_size) {
  const unsigned char* cursor = der.data();
  detail::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &cursor, static_cast<long>(der.size())));
  pki::take_openssl_error();
  if (!sig || cursor != der.data() + der.size()) return std::nullopt;
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  auto limit = static_cast<int>(coordinate_size * 8);
  if (BN_is_negative(r) || BN_is_negative(s) || BN_num_bits(r) > limit || BN_num_bits(s) > limit) return std::nullopt;
  return EcdsaRaw{detail::bn_to(r, coordinate_size), detail::bn_to(s, coordinate_size)};
}

Bytes reversed(ByteView bytes) { return Bytes(bytes.rbegin(), bytes.rend()); }

}  // namespace fwprov::sign
