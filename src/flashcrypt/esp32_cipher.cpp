// ESP32 scheme: each 16-byte block, byte-reversed, goes through the AES-256 *inverse* cipher
// with its 32-byte region's tweaked key to encrypt (the hardware runs AES backwards), and
// through the forward cipher to decrypt. No chaining, no IV.
#include <openssl/crypto.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "aes_ecb.hpp"
#include "block_ciphers.hpp"

namespace fwprov::flashcrypt {

void reverse_each_block(Bytes& blocks) {
  for (std::size_t i = 0; i + kFlashCryptBlock <= blocks.size(); i += kFlashCryptBlock) {
    std::uint64_t low;
    std::uint64_t high;
    std::memcpy(&low, blocks.data() + i, 8);
    std::memcpy(&high, blocks.data() + i + 8, 8);
    low = __builtin_bswap64(low);
    high = __builtin_bswap64(high);
    std::memcpy(blocks.data() + i, &high, 8);
    std::memcpy(blocks.data() + i + 8, &low, 8);
  }
}

void esp32_transform(Bytes& blocks, ByteView key32, std::uint64_t address, std::uint32_t flash_crypt_conf, Direction direction) {
  constexpr std::uint64_t kRegion = 32;  // two blocks share a tweaked key
  reverse_each_block(blocks);
  AesEcb aes(key32, direction == Direction::Decrypt);
  if (flash_crypt_conf == 0) {
    aes.run(blocks.data(), blocks.data(), blocks.size());  // no tweak: one key for everything
  } else {
    Esp32RegionKeys keys(key32, flash_crypt_conf);
    std::array<std::uint8_t, 32> block_key{};
    std::size_t pos = 0;
    while (pos < blocks.size()) {
      const std::uint64_t offset = address + pos;
      const std::size_t in_region = static_cast<std::size_t>(kRegion - offset % kRegion);
      const std::size_t n = std::min(in_region, blocks.size() - pos);
      keys.key_for(offset, block_key.data());
      aes.run_with_key(block_key.data(), blocks.data() + pos, n);
      pos += n;
    }
    OPENSSL_cleanse(block_key.data(), block_key.size());
  }
  reverse_each_block(blocks);
}

}  // namespace fwprov::flashcrypt
