// ESP32 flash encryption key tweak: which eFuse key bits each flash offset bit flips, and
// which key bits each FLASH_CRYPT_CONFIG bit unlocks (docs/encrypt.md, "ESP32 key tweak").
#include <fmt/core.h>

#include <openssl/crypto.h>

#include <array>
#include <cstdint>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "block_ciphers.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"

namespace fwprov::flashcrypt {
namespace {

using Key256 = std::array<std::uint8_t, 32>;

// Key bits are numbered MSB-first: bit 0 is the top bit of byte 0, bit 255 the low bit of byte 31.
constexpr void set_key_bit(Key256& key, int n) { key[static_cast<std::size_t>(n / 8)] |= static_cast<std::uint8_t>(0x80 >> (n % 8)); }

// The key is cut into four groups, one per FLASH_CRYPT_CONFIG bit. Within a group, key bits
// are driven by offset bits 23, 22, ..., 5 three times over, then by a shorter run that ends
// at offset bit 5.
struct TweakGroup {
  int first_key_bit;
  int key_bits;
};
constexpr std::array<TweakGroup, 4> kTweakGroups = {{{0, 67}, {67, 65}, {132, 63}, {195, 61}}};
constexpr int kLowOffsetBit = 5;    // 32-byte regions share a key
constexpr int kHighOffsetBit = 23;  // 24-bit flash addresses
constexpr int kOffsetBits = kHighOffsetBit - kLowOffsetBit + 1;

constexpr int driving_offset_bit(int position_in_group, int group_size) {
  const int full_runs_end = 3 * kOffsetBits;
  if (position_in_group < full_runs_end) return kHighOffsetBit - position_in_group % kOffsetBits;
  return kLowOffsetBit + (group_size - 1 - position_in_group);
}

struct TweakTables {
  std::array<Key256, kOffsetBits> offset_bit_masks{};  // index: offset bit - 5
  std::array<Key256, 4> group_masks{};                 // index: FLASH_CRYPT_CONFIG bit
};

constexpr TweakTables make_tweak_tables() {
  TweakTables tables;
  for (std::size_t g = 0; g < kTweakGroups.size(); ++g) {
    const auto& group = kTweakGroups[g];
    for (int k = 0; k < group.key_bits; ++k) {
      const int key_bit = group.first_key_bit + k;
      set_key_bit(tables.group_masks[g], key_bit);
      set_key_bit(tables.offset_bit_masks[static_cast<std::size_t>(driving_offset_bit(k, group.key_bits) - kLowOffsetBit)], key_bit);
    }
  }
  return tables;
}

constexpr TweakTables kTweakTables = make_tweak_tables();

}  // namespace

static std::array<std::uint64_t, 4> words_of(const std::uint8_t* bytes) {
  std::array<std::uint64_t, 4> words;
  std::memcpy(words.data(), bytes, 32);
  return words;
}

Esp32RegionKeys::Esp32RegionKeys(ByteView key32, std::uint32_t flash_crypt_conf) : key_(words_of(key32.data())) {
  for (std::size_t g = 0; g < 4; ++g) {
    if ((flash_crypt_conf >> g & 1U) == 0) continue;
    const auto group = words_of(kTweakTables.group_masks[g].data());
    for (std::size_t i = 0; i < 4; ++i) unlocked_[i] |= group[i];
  }
}

Esp32RegionKeys::~Esp32RegionKeys() { OPENSSL_cleanse(key_.data(), sizeof key_); }

void Esp32RegionKeys::key_for(std::uint64_t offset, std::uint8_t* out) {
  if (offset >= kEsp32FlashLimit)
    throw Error(ErrorKind::Usage, fmt::format("offset 0x{:x} is past ESP32's 16 MB flash address space", offset));
  const std::uint64_t index = offset >> kLowOffsetBit;
  for (std::uint64_t flipped = index ^ region_index_; flipped != 0; flipped &= flipped - 1) {
    const auto mask = words_of(kTweakTables.offset_bit_masks[static_cast<std::size_t>(__builtin_ctzll(flipped))].data());
    for (std::size_t i = 0; i < 4; ++i) tweak_[i] ^= mask[i];
  }
  region_index_ = index;
  Words block_key;
  for (std::size_t i = 0; i < 4; ++i) block_key[i] = key_[i] ^ (tweak_[i] & unlocked_[i]);
  std::memcpy(out, block_key.data(), 32);
  OPENSSL_cleanse(block_key.data(), sizeof block_key);
}

std::array<std::uint8_t, 32> esp32_block_key(ByteView key32, std::uint64_t offset, std::uint32_t flash_crypt_conf) {
  if (key32.size() != 32) throw Error(ErrorKind::Internal, "ESP32 block key needs a 32-byte key");
  std::array<std::uint8_t, 32> block_key{};
  Esp32RegionKeys(key32, flash_crypt_conf).key_for(offset, block_key.data());
  return block_key;
}

}  // namespace fwprov::flashcrypt
