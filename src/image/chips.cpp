#include "fwprov/image/chips.hpp"

#include "fwprov/core/bytes.hpp"
#include "fwprov/image/format.hpp"

namespace fwprov::image {

std::span<const Chip> known_chips() { return esp::all_targets(); }

const Chip* chip_by_image_id(std::uint16_t chip_id) { return esp::target_by_chip_id(chip_id); }

const Chip* chip_by_name(std::string_view esptool_name) { return esp::target_by_name(esptool_name); }

std::uint32_t bootloader_offset_for(std::uint16_t chip_id) {
  const Chip* chip = chip_by_image_id(chip_id);
  return chip != nullptr ? chip->bootloader_offset : kEsp32BootloaderOffset;
}

const Chip& chip_of_image(std::span<const std::uint8_t> file) {
  const bool has_extended_header = file.size() >= kHeaderSize && file[0] == kImageMagic && file[kHashAppendedOffset] <= 1;
  if (has_extended_header)
    if (const Chip* chip = chip_by_image_id(load_u16le(&file[kCommonHeaderSize + 4]))) return *chip;
  return esp::all_targets()[0];
}

}  // namespace fwprov::image
