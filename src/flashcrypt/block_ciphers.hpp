#pragma once
// The two schemes' block transforms, over whole 16-byte blocks already checked by
// transform_flash (flash_crypt.cpp).
#include <cstdint>

#include "fwprov/core/bytes.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"

namespace fwprov::flashcrypt {

void esp32_transform(Bytes& blocks, ByteView key32, std::uint64_t address, std::uint32_t flash_crypt_conf, Direction direction);
void xts_transform(Bytes& blocks, ByteView k1k2, std::uint64_t address, Direction direction);

// Both schemes feed the AES core each 16-byte block byte-reversed (the hardware's order).
void reverse_each_block(Bytes& blocks);

}  // namespace fwprov::flashcrypt
