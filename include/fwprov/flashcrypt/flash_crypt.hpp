#pragma once
// Host-side flash encryption: the bytes the chip's flash encryption engine would write, so a
// pre-encrypted image can go to flash with a plain write (espsecure encrypt-flash-data /
// decrypt-flash-data). Pure functions over bytes; every 16-byte block depends only on the key,
// its own flash address and (ESP32) FLASH_CRYPT_CONFIG, so any 16-aligned range works alone.
#include <array>
#include <cstdint>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/flashcrypt/flash_key.hpp"

namespace fwprov::flashcrypt {

enum class Direction { Encrypt, Decrypt };

inline constexpr std::uint32_t kDefaultFlashCryptConf = 0xF;  // what the bootloader burns
inline constexpr std::uint64_t kEsp32FlashLimit = 0x1000000;  // ESP32 flash addresses are 24-bit
inline constexpr std::uint64_t kXtsFlashLimit = 0x100000000;  // XTS tweaks hold 32 address bits
inline constexpr std::size_t kFlashCryptBlock = 16;

struct FlashCryptRequest {
  Direction direction = Direction::Encrypt;
  std::uint64_t address = 0;                              // flash address of data[0]
  std::uint32_t flash_crypt_conf = kDefaultFlashCryptConf;  // ESP32 only, 0..0xF
  std::string input_name;  // names the data in errors about its length
};

struct FlashCryptResult {
  Bytes data;
  std::size_t padding = 0;  // ESP32 encrypt of a length that is not a multiple of 16: 0xFF bytes added
};

// Throws Usage errors for an unaligned or out-of-range address or a bad FLASH_CRYPT_CONFIG and
// Input errors for lengths the scheme cannot take (messages name the value). An ESP32 input
// whose length is not a multiple of 16 is padded with 0xFF before encrypting (espsecure pads
// with random bytes; see docs/encrypt.md); decrypting needs whole blocks. XTS needs whole
// blocks and a non-empty input.
// `data` is taken by value so a caller that is done with its buffer can move it in: the
// transform then runs in place (a 4 MiB image is not copied).
FlashCryptResult transform_flash(Bytes data, const FlashKey& key, const FlashCryptRequest& request);

// ESP32 scheme: the AES-256 key the engine uses for the 32-byte region holding `offset`
// (docs/encrypt.md, "key tweak"); offsets at or past 16 MB are rejected. Exposed for tests.
std::array<std::uint8_t, 32> esp32_block_key(ByteView key32, std::uint64_t offset, std::uint32_t flash_crypt_conf);

}  // namespace fwprov::flashcrypt
