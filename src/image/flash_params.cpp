#include "fwprov/image/flash_params.hpp"

#include <array>
#include <utility>

#include "fwprov/core/error.hpp"

namespace fwprov::image {
namespace {

struct Named {
  std::string_view name;
  std::uint8_t code;
};

// esptool FLASH_MODES and ESP32ROM.FLASH_FREQUENCY / FLASH_SIZES.
constexpr std::array kModes{Named{"qio", 0}, Named{"qout", 1}, Named{"dio", 2}, Named{"dout", 3}};
constexpr std::array kFreqs{Named{"80m", 0xF}, Named{"40m", 0x0}, Named{"26m", 0x1}, Named{"20m", 0x2}};
constexpr std::array kSizes{Named{"1MB", 0x00},  Named{"2MB", 0x10},  Named{"4MB", 0x20},  Named{"8MB", 0x30},
                            Named{"16MB", 0x40}, Named{"32MB", 0x50}, Named{"64MB", 0x60}, Named{"128MB", 0x70}};

template <std::size_t N>
std::optional<std::uint8_t> code_of(const std::array<Named, N>& table, std::string_view name) {
  for (const auto& row : table)
    if (row.name == name) return row.code;
  return std::nullopt;
}

template <std::size_t N>
std::optional<std::string> name_of(const std::array<Named, N>& table, std::uint8_t code) {
  for (const auto& row : table)
    if (row.code == code) return std::string(row.name);
  return std::nullopt;
}

template <std::size_t N>
std::string choices(const std::array<Named, N>& table) {
  std::string out;
  for (const auto& row : table) out += std::string(row.name) + ", ";
  return out + "keep";
}

template <std::size_t N>
std::optional<std::uint8_t> parse_one(const std::array<Named, N>& table, std::string_view what, std::string_view text) {
  if (text == "keep") return std::nullopt;
  if (auto code = code_of(table, text)) return code;
  throw Error(ErrorKind::Usage, "unknown flash " + std::string(what) + " '" + std::string(text) + "' (choose from " +
                                    choices(table) + ")");
}

}  // namespace

FlashParams FlashParams::parse(std::string_view mode, std::string_view freq, std::string_view size) {
  FlashParams params;
  params.mode = parse_one(kModes, "mode", mode);
  params.freq = parse_one(kFreqs, "frequency", freq);
  params.size = parse_one(kSizes, "size", size);
  return params;
}

std::optional<std::uint8_t> flash_mode_code(std::string_view name) { return code_of(kModes, name); }
std::optional<std::uint8_t> flash_freq_code(std::string_view name) { return code_of(kFreqs, name); }
std::optional<std::uint8_t> flash_size_code(std::string_view name) { return code_of(kSizes, name); }
std::optional<std::string> flash_mode_name(std::uint8_t code) { return name_of(kModes, code); }
std::optional<std::string> flash_freq_name(std::uint8_t low_nibble) { return name_of(kFreqs, low_nibble); }
std::optional<std::string> flash_size_name(std::uint8_t high_bits) { return name_of(kSizes, high_bits); }

}  // namespace fwprov::image
