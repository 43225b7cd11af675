// Checks a request against the scheme's rules, then runs the scheme's block transform.
#include "fwprov/flashcrypt/flash_crypt.hpp"

#include <fmt/core.h>

#include "block_ciphers.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::flashcrypt {
namespace {

constexpr std::uint8_t kEsp32PadByte = 0xFF;  // erased flash; espsecure pads with random bytes

void check_address(const FlashKey& key, const FlashCryptRequest& request, std::size_t length) {
  if (request.address % kFlashCryptBlock != 0)
    throw Error(ErrorKind::Usage, SourceLocation{{}, 0, 0, "--address"},
                fmt::format("Starting flash address 0x{:x} must be a multiple of 16.", request.address));
  const bool esp32 = key.scheme() == Scheme::Esp32;
  const std::uint64_t limit = esp32 ? kEsp32FlashLimit : kXtsFlashLimit;
  const std::uint64_t end = request.address + length;
  if (request.address >= limit || end > limit)
    throw Error(ErrorKind::Usage, SourceLocation{{}, 0, 0, "--address"},
                esp32 ? fmt::format("data at 0x{:x}..0x{:x} runs past ESP32's 16 MB flash address space (0x1000000): "
                                    "the chip never decrypts it (espsecure's bytes there are an artifact; see docs/encrypt.md)",
                                    request.address, end)
                      : fmt::format("data at 0x{:x}..0x{:x} runs past the 32-bit flash address space", request.address, end));
  if (esp32 && request.flash_crypt_conf > 0xF)
    throw Error(ErrorKind::Usage, SourceLocation{{}, 0, 0, "--flash-crypt-conf"},
                fmt::format("FLASH_CRYPT_CONFIG is a 4-bit eFuse: 0x{:x} is out of range (0..0xf)", request.flash_crypt_conf));
}

}  // namespace

FlashCryptResult transform_flash(Bytes data, const FlashKey& key, const FlashCryptRequest& request) {
  FlashCryptResult result;
  const std::size_t remainder = data.size() % kFlashCryptBlock;
  if (key.scheme() == Scheme::Xts) {
    if (data.empty()) throw Error(ErrorKind::Input, SourceLocation{request.input_name}, "Input data must be longer than 0.");
    if (remainder != 0)
      throw Error(ErrorKind::Input, SourceLocation{request.input_name}, fmt::format("Input data length ({}) must be a multiple of 16.", data.size()));
  } else if (remainder != 0) {
    if (request.direction == Direction::Decrypt)
      throw Error(ErrorKind::Input, SourceLocation{request.input_name}, fmt::format("Data length is not a multiple of 16 bytes. ({} bytes)", data.size()));
    result.padding = kFlashCryptBlock - remainder;
  }
  check_address(key, request, data.size() + result.padding);
  result.data = std::move(data);
  result.data.resize(result.data.size() + result.padding, kEsp32PadByte);
  if (result.data.empty()) return result;
  if (key.scheme() == Scheme::Esp32)
    esp32_transform(result.data, key.material(), request.address, request.flash_crypt_conf, request.direction);
  else
    xts_transform(result.data, key.material(), request.address, request.direction);
  return result;
}

}  // namespace fwprov::flashcrypt
