#pragma once
// The chips esptool knows by their image chip id (extended-header bytes 12-13), with the one
// fact write-flash's header patching needs besides the flash tables: where the ROM loads the
// bootloader from (esptool targets/*.py BOOTLOADER_FLASH_OFFSET).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace fwprov::image {

struct Chip {
  std::string_view esptool_name;    // esptool --chip value: "esp32", "esp32s3", ...
  std::string_view display_name;    // esptool CHIP_NAME: "ESP32", "ESP32-S3", ...
  std::uint16_t image_chip_id = 0;  // IMAGE_CHIP_ID
  std::uint32_t bootloader_offset = 0;
};

std::span<const Chip> known_chips();
const Chip* chip_by_image_id(std::uint16_t chip_id);  // nullptr when unknown
const Chip* chip_by_name(std::string_view esptool_name);

// ESP32 unless the id names another known chip: write-flash's bootloader offset.
std::uint32_t bootloader_offset_for(std::uint16_t chip_id);

// The chip an image file names in its extended header (bytes 12-13), when it starts with the
// 0xE9 magic, has a hash-appended byte of 0 or 1 (esptool's own test before trusting the chip
// id) and the id is known; otherwise the ESP32.
const Chip& chip_of_image(std::span<const std::uint8_t> file);

}  // namespace fwprov::image
