#pragma once
// CRC-32 (IEEE 802.3, reflected), the same function as zlib's crc32 and Python's
// binascii.crc32(data, seed). ESP-IDF's esp_rom_crc32_le(seed, ...) is crc32(data, seed).
#include <cstdint>

#include "fwprov/core/bytes.hpp"

namespace fwprov {

std::uint32_t crc32(ByteView data, std::uint32_t seed = 0);

}  // namespace fwprov
