#include "fwprov/image/flash_params.hpp"

#include <span>
#include <utility>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/target.hpp"

namespace fwprov::image {
namespace {

using Named = esp::FreqName;

// esptool FLASH_MODES and ESP32ROM.FLASH_FREQUENCY / FLASH_SIZES.
constexpr Named kModes[] = {{"qio", 0}, {"qout", 1}, {"dio", 2}, {"dout", 3}};
constexpr Named kSizes[] = {{"1MB", 0x00},  {"2MB", 0x10},  {"4MB", 0x20},  {"8MB", 0x30},
                            {"16MB", 0x40}, {"32MB", 0x50}, {"64MB", 0x60}, {"128MB", 0x70}};

using Table = std::span<const Named>;

// The chip's FLASH_FREQUENCY table from the chip table (unknown ids: the ESP32's).
Table freq_table(std::uint16_t chip_id) {
  const esp::Target* target = esp::target_by_chip_id(chip_id);
  if (target == nullptr) target = &esp::all_targets()[0];
  return target->flash_freqs;
}

std::optional<std::uint8_t> code_of(Table table, std::string_view name) {
  for (const auto& row : table)
    if (row.name == name) return row.code;
  return std::nullopt;
}

std::optional<std::string> name_of(Table table, std::uint8_t code) {
  for (const auto& row : table)
    if (row.code == code) return std::string(row.name);
  return std::nullopt;
}

std::string choices(Table table) {
  std::string out;
  for (const auto& row : table) out += std::string(row.name) + ", ";
  return out + "keep";
}

std::optional<std::uint8_t> parse_one(Table table, std::string_view what, std::string_view text) {
  if (text == "keep") return std::nullopt;
  if (auto code = code_of(table, text)) return code;
  throw Error(ErrorKind::Usage, "unknown flash " + std::string(what) + " '" + std::string(text) + "' (choose from " +
                                    choices(table) + ")");
}

}  // namespace

FlashParams FlashParams::parse(std::string_view mode, std::string_view freq, std::string_view size, std::uint16_t chip_id) {
  FlashParams params;
  params.mode = parse_one(kModes, "mode", mode);
  params.freq = parse_one(freq_table(chip_id), "frequency", freq);
  params.size = parse_one(kSizes, "size", size);
  return params;
}

std::optional<std::uint8_t> flash_mode_code(std::string_view name) { return code_of(kModes, name); }
std::optional<std::uint8_t> flash_freq_code(std::string_view name, std::uint16_t chip_id) {
  return code_of(freq_table(chip_id), name);
}
std::optional<std::uint8_t> flash_size_code(std::string_view name) { return code_of(kSizes, name); }
std::optional<std::string> flash_mode_name(std::uint8_t code) { return name_of(kModes, code); }
std::optional<std::string> flash_freq_name(std::uint8_t low_nibble, std::uint16_t chip_id) {
  return name_of(freq_table(chip_id), low_nibble);
}
std::optional<std::string> flash_size_name(std::uint8_t high_bits) { return name_of(kSizes, high_bits); }

}  // namespace fwprov::image
