#include "fwprov/image/chips.hpp"

#include "fwprov/core/bytes.hpp"
#include "fwprov/image/format.hpp"

namespace fwprov::image {
namespace {

// esptool v5 targets/*.py: CHIP_NAME, IMAGE_CHIP_ID, BOOTLOADER_FLASH_OFFSET.
constexpr Chip kChips[] = {
    {"esp32", "ESP32", 0, 0x1000},      {"esp32s2", "ESP32-S2", 2, 0x1000}, {"esp32c3", "ESP32-C3", 5, 0x0},
    {"esp32s3", "ESP32-S3", 9, 0x0},    {"esp32c2", "ESP32-C2", 12, 0x0},   {"esp32c6", "ESP32-C6", 13, 0x0},
    {"esp32h2", "ESP32-H2", 16, 0x0},   {"esp32p4", "ESP32-P4", 18, 0x2000}, {"esp32c61", "ESP32-C61", 20, 0x0},
    {"esp32c5", "ESP32-C5", 23, 0x2000},
};

}  // namespace

std::span<const Chip> known_chips() { return kChips; }

const Chip* chip_by_image_id(std::uint16_t chip_id) {
  for (const auto& chip : kChips)
    if (chip.image_chip_id == chip_id) return &chip;
  return nullptr;
}

const Chip* chip_by_name(std::string_view esptool_name) {
  for (const auto& chip : kChips)
    if (chip.esptool_name == esptool_name) return &chip;
  return nullptr;
}

std::uint32_t bootloader_offset_for(std::uint16_t chip_id) {
  const Chip* chip = chip_by_image_id(chip_id);
  return chip != nullptr ? chip->bootloader_offset : kEsp32BootloaderOffset;
}

const Chip& chip_of_image(std::span<const std::uint8_t> file) {
  const bool has_extended_header = file.size() >= kHeaderSize && file[0] == kImageMagic && file[kHashAppendedOffset] <= 1;
  if (has_extended_header)
    if (const Chip* chip = chip_by_image_id(load_u16le(&file[kCommonHeaderSize + 4]))) return *chip;
  return kChips[0];
}

}  // namespace fwprov::image
