#pragma once
// ECDSA signatures as DER (SEQUENCE { INTEGER r, INTEGER s }) and as raw fixed-width r || s.
#include <cstddef>
#include <optional>

#include "fwprov/core/bytes.hpp"

namespace fwprov::sign {

struct EcdsaRaw {
  Bytes r;  // big-endian, `size` bytes each
  Bytes s;
};

Bytes ecdsa_der_from_raw(ByteView r_big_endian, ByteView s_big_endian);
// nullopt when `der` is not exactly one DER ECDSA-Sig-Value or r/s do not fit `coordinate_size`.
std::optional<EcdsaRaw> ecdsa_raw_from_der(ByteView der, std::size_t coordinate_size);

// Reverses byte order (espsecure v2 stores every integer little-endian).
Bytes reversed(ByteView bytes);

}  // namespace fwprov::sign
