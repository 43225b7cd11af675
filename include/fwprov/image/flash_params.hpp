#pragma once
// SPI flash settings stored in image header bytes 2-3: mode, frequency and size, with the
// names esptool accepts. The frequency codes depend on the chip (an image chip id: 0 = ESP32,
// whose table S2, S3 and C3 share); mode and size codes are the same for every ESP32-class
// chip. "keep" means: leave the image's value alone.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fwprov::image {

// Each field holds the header encoding or nullopt for "keep":
// mode = byte 2; freq = low nibble of byte 3; size = high nibble of byte 3, stored shifted
// (0x20 for 4MB) the way esptool's FLASH_SIZES table does.
struct FlashParams {
  std::optional<std::uint8_t> mode;
  std::optional<std::uint8_t> freq;
  std::optional<std::uint8_t> size;

  bool all_keep() const noexcept { return !mode && !freq && !size; }

  // From esptool's option values: mode qio|qout|dio|dout, freq 80m|40m|26m|20m (ESP32; other
  // chips take their own names, e.g. 60m|30m|20m|15m on the ESP32-C2),
  // size 1MB|2MB|4MB|8MB|16MB|32MB|64MB|128MB; "keep" for any of them. Case-sensitive like
  // esptool. Throws a Usage error listing the accepted values. esptool's "detect" size needs
  // the device: resolve it to a size first (write-flash patches with the detected size).
  static FlashParams parse(std::string_view mode, std::string_view freq, std::string_view size, std::uint16_t chip_id = 0);
};

std::optional<std::uint8_t> flash_mode_code(std::string_view name);   // "dio" -> 2
std::optional<std::uint8_t> flash_freq_code(std::string_view name, std::uint16_t chip_id = 0);  // "40m" -> 0x0
std::optional<std::uint8_t> flash_size_code(std::string_view name);   // "4MB" -> 0x20

// Reverse lookups for reports; nullopt for a value with no name.
std::optional<std::string> flash_mode_name(std::uint8_t code);        // 2 -> "dio"
std::optional<std::string> flash_freq_name(std::uint8_t low_nibble, std::uint16_t chip_id = 0);  // 0 -> "40m"
std::optional<std::string> flash_size_name(std::uint8_t high_bits);   // 0x20 -> "4MB"

}  // namespace fwprov::image
