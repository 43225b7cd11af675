#include "fwprov/image/flash_params.hpp"

#include <span>
#include <utility>

#include "fwprov/core/error.hpp"

namespace fwprov::image {
namespace {

struct Named {
  std::string_view name;
  std::uint8_t code;
};

// esptool FLASH_MODES and ESP32ROM.FLASH_FREQUENCY / FLASH_SIZES.
constexpr Named kModes[] = {{"qio", 0}, {"qout", 1}, {"dio", 2}, {"dout", 3}};
constexpr Named kFreqs[] = {{"80m", 0xF}, {"40m", 0x0}, {"26m", 0x1}, {"20m", 0x2}};
constexpr Named kSizes[] = {{"1MB", 0x00},  {"2MB", 0x10},  {"4MB", 0x20},  {"8MB", 0x30},
                            {"16MB", 0x40}, {"32MB", 0x50}, {"64MB", 0x60}, {"128MB", 0x70}};
// Chips whose FLASH_FREQUENCY differs from ESP32ROM's (esptool targets/esp32c2.py, esp32c6.py,
// esp32h2.py, esp32p4.py, esp32c5.py). Dictionary order matters: image-info names a code by its first key,
// so an ESP32-C6 header's 0x0 reads "80m" (the ROM workaround maps 80m and 40m to 0x0).
constexpr Named kFreqsC2[] = {{"60m", 0xF}, {"30m", 0x0}, {"20m", 0x1}, {"15m", 0x2}};
constexpr Named kFreqsC6[] = {{"80m", 0x0}, {"40m", 0x0}, {"20m", 0x2}};
constexpr Named kFreqsH2[] = {{"48m", 0xF}, {"24m", 0x0}, {"16m", 0x1}, {"12m", 0x2}};
constexpr Named kFreqsP4[] = {{"80m", 0xF}, {"40m", 0x0}, {"20m", 0x2}};

using Table = std::span<const Named>;

Table freq_table(std::uint16_t chip_id) {
  switch (chip_id) {
    case 12: return kFreqsC2;
    case 13: return kFreqsC6;
    case 16: return kFreqsH2;
    case 18: return kFreqsP4;
    case 23: return kFreqsP4;  // ESP32-C5: the same 80m 0xF, 40m 0x0, 20m 0x2
    default: return kFreqs;  // ESP32, and the chips that inherit ESP32ROM's table (S2, S3, C3)
  }
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
