#include "fwprov/esp/esp32.hpp"

#include <fmt/core.h>

#include <cmath>

namespace fwprov::esp::esp32 {

std::array<std::uint8_t, 6> mac_from_efuse(std::uint32_t word1, std::uint32_t word2) {
  // big-endian(word2) || big-endian(word1), first two bytes (CRC, unused) dropped.
  return {static_cast<std::uint8_t>(word2 >> 8), static_cast<std::uint8_t>(word2),
          static_cast<std::uint8_t>(word1 >> 24), static_cast<std::uint8_t>(word1 >> 16),
          static_cast<std::uint8_t>(word1 >> 8), static_cast<std::uint8_t>(word1)};
}

std::string format_mac(const std::array<std::uint8_t, 6>& mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

unsigned package_version(const Efuse& efuse) {
  std::uint32_t w3 = efuse.words[3];
  return ((w3 >> 9) & 7) + (((w3 >> 2) & 1) << 3);
}

unsigned major_revision(const Efuse& efuse) {
  unsigned bits = ((efuse.apb_ctl_date >> 31) & 1) << 2 | ((efuse.words[5] >> 20) & 1) << 1 | ((efuse.words[3] >> 15) & 1);
  switch (bits) {
    case 1: return 1;
    case 3: return 2;
    case 7: return 3;
    default: return 0;
  }
}

unsigned minor_revision(const Efuse& efuse) { return (efuse.words[5] >> 24) & 3; }

std::string chip_description(const Efuse& efuse) {
  unsigned major = major_revision(efuse);
  bool rev3 = major == 3;
  std::string package;
  switch (package_version(efuse)) {
    case 0: package = rev3 ? "ESP32-D0WDQ6-V3" : "ESP32-D0WDQ6"; break;
    case 1: package = rev3 ? "ESP32-D0WD-V3" : "ESP32-D0WD"; break;
    case 2: package = "ESP32-D2WD"; break;
    case 4: package = "ESP32-U4WDH"; break;
    case 5: package = rev3 ? "ESP32-PICO-V3" : "ESP32-PICO-D4"; break;
    case 6: package = "ESP32-PICO-V3-02"; break;
    case 7: package = "ESP32-D0WDR2-V3"; break;
    default: package = "ESP32 (unknown package)"; break;
  }
  return fmt::format("{} (revision v{}.{})", package, major, minor_revision(efuse));
}

std::optional<std::uint32_t> flash_size_from_capacity(std::uint8_t code) {
  if (code >= 0x12 && code <= 0x1C) return 1u << code;
  if (code >= 0x20 && code <= 0x22) return 1u << (code - 0x20 + 26);  // 64 MB .. 256 MB
  if (code >= 0x32 && code <= 0x3A) return 1u << (code - 0x32 + 18);  // 256 KB .. 64 MB
  return std::nullopt;
}

std::uint8_t capacity_code_for_size(std::uint32_t size) {
  std::uint8_t code = 0;
  while (code < 31 && (1u << code) < size) ++code;
  return code;
}

unsigned crystal_mhz(std::uint32_t uart_clkdiv, std::uint32_t baud) {
  double measured = static_cast<double>(baud) * static_cast<double>(uart_clkdiv & 0xFFFFF) / 1e6;
  if (measured > 45.0) return 48;
  return measured > 33.0 ? 40 : 26;
}

std::uint32_t rom_baud_word(std::uint32_t baud, std::uint32_t rtc_cali_cfg1, std::uint32_t efuse_word4) {
  std::uint64_t cali = (rtc_cali_cfg1 >> 7) & 0x1FFFFFF;
  std::uint64_t osc = efuse_word4 & 0xFF;
  std::uint64_t believed = cali * 15625 * osc / 40;
  // Outside any plausible crystal: the registers did not say anything useful; send as is.
  if (believed < 20'000'000 || believed > 50'000'000) return baud;
  std::uint64_t actual = believed > 33'000'000 ? 40'000'000 : 26'000'000;
  return static_cast<std::uint32_t>(static_cast<std::uint64_t>(baud) * believed / actual);
}

}  // namespace fwprov::esp::esp32
