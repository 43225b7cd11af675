#pragma once
// The two schemes' block transforms, over whole 16-byte blocks already checked by
// transform_flash (flash_crypt.cpp).
#include <array>
#include <cstdint>

#include "fwprov/core/bytes.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"

namespace fwprov::flashcrypt {

void esp32_transform(Bytes& blocks, ByteView key32, std::uint64_t address, std::uint32_t flash_crypt_conf, Direction direction);
void xts_transform(Bytes& blocks, ByteView k1k2, std::uint64_t address, Direction direction);

// ESP32 block keys for a run of regions. From one 32-byte region to the next only a few offset
// bits change, so the tweak is updated by XOR-ing in the masks of the bits that flipped
// (esp32_key_tweak.cpp holds the masks).
class Esp32RegionKeys {
 public:
  Esp32RegionKeys(ByteView key32, std::uint32_t flash_crypt_conf);
  ~Esp32RegionKeys();
  // The AES-256 key for the region holding `offset` (below 16 MB), into out[0..32).
  void key_for(std::uint64_t offset, std::uint8_t* out);

 private:
  using Words = std::array<std::uint64_t, 4>;  // 32 key bytes in memory order
  Words key_{};
  Words unlocked_{};
  Words tweak_{};             // the tweak of region_index_
  std::uint64_t region_index_ = 0;
};

// Both schemes feed the AES core each 16-byte block byte-reversed (the hardware's order).
void reverse_each_block(Bytes& blocks);

}  // namespace fwprov::flashcrypt
