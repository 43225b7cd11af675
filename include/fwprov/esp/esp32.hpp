#pragma once
// ESP32 facts the chip table (target.hpp) cannot express as plain fields: the BLK0 eFuse
// decoding of the original ESP32 and its calibrated ROM baud word; plus helpers every chip
// shares (MAC text, RDID capacity codes, crystal estimate). Decoders here turn raw
// register values into what a person reads (MAC, package, revision, flash size).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace fwprov::esp::esp32 {

inline constexpr std::uint32_t kEfuseBase = 0x3FF5A000;  // EFUSE_BLK0_RDATAn = base + 4n
constexpr std::uint32_t efuse_word_address(unsigned n) { return kEfuseBase + 4 * n; }
inline constexpr std::uint32_t kApbCtlDate = 0x3FF6607C;
inline constexpr std::uint32_t kUartClkDiv = 0x3FF40014;
inline constexpr std::uint32_t kRtcCaliCfg1 = 0x3FF5F06C;
inline constexpr std::uint32_t kGpioStrap = 0x3FF44038;

// SPI controller bits and flash opcodes as esptool drives them for RDID and friends; where
// the registers are differs per chip (target.hpp SpiLayout).
namespace spi {
inline constexpr std::uint32_t kCmdUsr = 1u << 18;
inline constexpr std::uint32_t kUserCommand = 1u << 31;
inline constexpr std::uint32_t kUserAddr = 1u << 30;
inline constexpr std::uint32_t kUserDummy = 1u << 29;
inline constexpr std::uint32_t kUserMiso = 1u << 28;
inline constexpr std::uint32_t kUserMosi = 1u << 27;
inline constexpr std::uint8_t kRdid = 0x9F;
inline constexpr std::uint8_t kRdsfdp = 0x5A;
}  // namespace spi

struct Efuse {
  std::array<std::uint32_t, 7> words{};  // EFUSE_BLK0_RDATA0..6
  std::uint32_t apb_ctl_date = 0;
};

std::array<std::uint8_t, 6> mac_from_efuse(std::uint32_t word1, std::uint32_t word2);
std::string format_mac(const std::array<std::uint8_t, 6>& mac);  // "24:0a:c4:12:34:56"
unsigned package_version(const Efuse& efuse);
unsigned major_revision(const Efuse& efuse);
unsigned minor_revision(const Efuse& efuse);
std::string chip_description(const Efuse& efuse);  // "ESP32-D0WD-V3 (revision v3.0)"

// Flash size from the RDID capacity byte (2^code bytes), nullopt if the code is unknown.
std::optional<std::uint32_t> flash_size_from_capacity(std::uint8_t capacity_code);
// The capacity code a flash of `size` bytes reports (the simulator's RDID).
std::uint8_t capacity_code_for_size(std::uint32_t size);

// Crystal frequency (48, 40 or 26 MHz) from UART_CLKDIV at a known baud rate.
unsigned crystal_mhz(std::uint32_t uart_clkdiv, std::uint32_t baud);

// The baud word the ESP32 ROM needs for CHANGE_BAUDRATE: it mis-measures its crystal, so
// the requested rate is scaled by believed/actual crystal frequency (esptool does the same).
std::uint32_t rom_baud_word(std::uint32_t baud, std::uint32_t rtc_cali_cfg1, std::uint32_t efuse_word4);

}  // namespace fwprov::esp::esp32
