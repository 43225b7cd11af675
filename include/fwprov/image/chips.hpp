#pragma once
// The chips esptool knows by their image chip id (extended-header bytes 12-13). The facts come
// from the one chip table, fwprov/esp/target.hpp (header-only data, so the image library reads
// it without linking the loader); this header gives the image stage its lookups.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "fwprov/esp/target.hpp"

namespace fwprov::image {

using Chip = esp::Target;

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
