// XTS-AES scheme (ESP32-S2 and later): IEEE 1619 XTS over 128-byte data units whose tweak is
// the unit's flash address, applied to the byte-reversed unit. Written per block (what the
// hardware does) rather than through OpenSSL's XTS mode: a range may start or end inside a
// unit, every block is independent (no ciphertext stealing), and OpenSSL's XTS refuses key
// files whose two halves are equal, which espsecure and the chip accept. AES itself is EVP.
#include <algorithm>
#include <array>
#include <cstring>

#include "aes_ecb.hpp"
#include "block_ciphers.hpp"

namespace fwprov::flashcrypt {
namespace {

constexpr std::uint64_t kXtsUnit = 128;
constexpr std::size_t kBlocksPerUnit = kXtsUnit / kFlashCryptBlock;
constexpr std::size_t kChunkUnits = 256;  // 32 KiB of data per pass: tweaks and data stay in cache

using Block = std::array<std::uint8_t, kFlashCryptBlock>;

// Multiplication by alpha in GF(2^128), XTS convention: little-endian, 0x87 feedback.
void times_alpha(Block& t) {
  const std::uint8_t carry = t[15] >> 7;
  for (std::size_t i = 15; i > 0; --i) t[i] = static_cast<std::uint8_t>(t[i] << 1 | t[i - 1] >> 7);
  t[0] = static_cast<std::uint8_t>(t[0] << 1);
  if (carry != 0) t[0] ^= 0x87;
}

}  // namespace

void xts_transform(Bytes& blocks, ByteView k1k2, std::uint64_t address, Direction direction) {
  const std::size_t half = k1k2.size() / 2;
  AesEcb data_aes(k1k2.first(half), direction == Direction::Encrypt);
  AesEcb tweak_aes(k1k2.subspan(half), true);
  reverse_each_block(blocks);

  // masks[u * 128 + 16 * i] is the tweak T_(7-i) of block i of unit u: the unit's last block
  // uses T0 = AES(K2, unit address), the first T7 (the unit is processed reversed).
  std::vector<std::uint8_t> masks(kChunkUnits * kXtsUnit);
  std::vector<std::uint8_t> encrypted_units(kChunkUnits * kFlashCryptBlock);
  std::size_t pos = 0;
  while (pos < blocks.size()) {
    const std::uint64_t first_unit = (address + pos) & ~(kXtsUnit - 1);
    const std::uint64_t chunk_end = std::min<std::uint64_t>(address + blocks.size(), first_unit + kChunkUnits * kXtsUnit);
    const std::size_t units = static_cast<std::size_t>((chunk_end - first_unit + kXtsUnit - 1) / kXtsUnit);
    std::fill(encrypted_units.begin(), encrypted_units.end(), 0);
    for (std::size_t u = 0; u < units; ++u) {
      const std::uint64_t unit_address = first_unit + u * kXtsUnit;
      for (std::size_t b = 0; b < 4; ++b) encrypted_units[u * kFlashCryptBlock + b] = static_cast<std::uint8_t>(unit_address >> (8 * b));
    }
    tweak_aes.run(encrypted_units.data(), encrypted_units.data(), units * kFlashCryptBlock);
    for (std::size_t u = 0; u < units; ++u) {
      Block t;
      std::memcpy(t.data(), &encrypted_units[u * kFlashCryptBlock], t.size());
      for (std::size_t j = 0; j < kBlocksPerUnit; ++j) {
        std::memcpy(&masks[u * kXtsUnit + (kBlocksPerUnit - 1 - j) * kFlashCryptBlock], t.data(), t.size());
        times_alpha(t);
      }
    }
    const std::size_t n = static_cast<std::size_t>(chunk_end - (address + pos));
    const std::uint8_t* mask = masks.data() + (address + pos - first_unit);
    std::uint8_t* data = blocks.data() + pos;
    for (std::size_t i = 0; i < n; ++i) data[i] ^= mask[i];
    data_aes.run(data, data, n);
    for (std::size_t i = 0; i < n; ++i) data[i] ^= mask[i];
    pos += n;
  }
  reverse_each_block(blocks);
}

}  // namespace fwprov::flashcrypt
