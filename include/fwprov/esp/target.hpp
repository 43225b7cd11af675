#pragma once
// One description per chip family that fwprov flashes: how the chip identifies itself, where
// its eFuse, SPI and UART registers are, how its ROM loader differs, which stub serves it,
// where its bootloader lives and how its image header encodes the flash frequency. Like
// esptool's targets/ and espflash's target module, every per-chip fact lives in this table
// (target_table.hpp), read by the client (fwprov_esp), the image library (fwprov_image) and
// fwprov-sim alike. The table is header-only constexpr data so the image library can use it
// without linking the loader.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace fwprov::esp {

// A run of bits in a register: value bits [to, to+width) come from register bits
// [shift, shift+width). A field is the OR of up to three such parts (unused parts width 0).
struct BitPart {
  std::uint32_t address = 0;
  std::uint8_t shift = 0;
  std::uint8_t width = 0;
  std::uint8_t to = 0;
};
struct Field {
  std::array<BitPart, 3> parts{};
  bool present() const noexcept { return parts[0].width != 0; }
};

// How the eFuse words are decoded: the ESP32's own BLK0 rules (esp32.hpp) or the S2-and-later
// "BLOCK1" scheme of Field descriptions below.
enum class EfuseLayout { Esp32, Fields };

// What the ROM's CHANGE_BAUDRATE needs: the ESP32 calibrated word, the plain rate, or the
// rate scaled by 40/crystal (ROMs that assume a 40 MHz crystal: the ESP32-C2 on 26 MHz).
enum class RomBaud { Esp32Calibrated, Plain, AssumesForty };

struct SpiLayout {
  std::uint32_t base = 0;  // SPI1: CMD at +0, ADDR at +4
  std::uint8_t usr = 0, usr1 = 0, usr2 = 0, mosi_dlen = 0, miso_dlen = 0, w0 = 0;
  bool address_left_aligned = false;  // ESP32: ADDR holds addr << (32 - bits)
  std::uint32_t cmd() const noexcept { return base; }
  std::uint32_t addr() const noexcept { return base + 4; }
  std::uint32_t reg(std::uint8_t offset) const noexcept { return base + offset; }
};

struct StubBuild {
  std::string_view file;          // esptool-js / esptool stub JSON name without ".json"
  std::uint32_t text_start = 0;   // where that build loads its code
  unsigned min_revision = 0;      // major*100+minor from which this build is the right one
  std::uint32_t legacy_text_start = 0;  // esptool v4's legacy stub build, where it loads elsewhere
  bool loads_at(std::uint32_t address) const noexcept {
    return address == text_start || (legacy_text_start != 0 && address == legacy_text_start);
  }
};

// Register writes esptool makes after connecting over USB-Serial/JTAG: RTC watchdog off,
// super-watchdog auto-feed on (neither is reset by a USB-driven reset).
struct UsbJtagWatchdog {
  std::uint32_t wdt_protect = 0, wdt_config0 = 0, swd_protect = 0, swd_conf = 0;
  std::uint32_t swd_key = 0;
  std::uint8_t swd_autofeed_bit = 0;
  bool present() const noexcept { return wdt_protect != 0; }
};
inline constexpr std::uint32_t kWdtWriteKey = 0x50D83AA1;

struct FreqName {
  std::string_view name;
  std::uint8_t code;  // image header byte 3, low nibble
};

struct Target {
  std::string_view esptool_name;  // --chip value: "esp32s3"
  std::string_view display_name;  // "ESP32-S3"
  std::uint16_t image_chip_id = 0;  // = GET_SECURITY_INFO chip id
  // GET_SECURITY_INFO: 0 = the ROM does not know it (ESP32); 12 = no chip id (S2); 20.
  std::uint8_t security_info_size = 0;
  std::array<std::uint32_t, 4> magic{};  // READ_REG 0x40001000 values (esptool v4 / esptool-js lists)
  std::uint8_t magic_count = 0;
  std::uint32_t bootloader_offset = 0;
  std::uint32_t uf2_family_id = 0;
  bool legacy_min_rev_is_minor = false;  // image byte 14 compares with the minor revision (C3)

  EfuseLayout efuse_layout = EfuseLayout::Fields;
  std::uint32_t efuse_base = 0;
  std::uint32_t mac_word0 = 0;  // MAC bytes 2..5, big-endian
  std::uint32_t mac_word1 = 0;  // bits 0-15: MAC bytes 0..1; bits 16-31 EUI-64 filler where eui64
  bool eui64 = false;
  Field major_revision{}, minor_revision{}, package{};
  std::span<const std::string_view> package_names;  // description per package value

  std::uint32_t uart_clkdiv = 0;   // 0: not read, crystal is fixed
  unsigned fixed_crystal_mhz = 0;  // 0: estimated from UART_CLKDIV
  RomBaud rom_baud = RomBaud::Plain;
  SpiLayout spi{};

  bool rom_begin_five_words = true;  // the ROM takes (and esptool v5 sends) 20-byte *_BEGIN
  bool rom_has_slow_read = false;    // READ_FLASH_SLOW exists only in the ESP32 ROM
  std::span<const FreqName> flash_freqs;
  std::array<StubBuild, 2> stubs{};  // by revision, newest last; empty file = none
  unsigned stub_min_revision = 0;    // below this the stub is not used (ESP32-C2 rev 0)
  // The stubs keep the UART divider the ROM left (no CPU clock boost over a UART link), so a
  // CHANGE_BAUDRATE sent to the ROM *before* the stub upload still holds when the stub
  // answers: fwprov then uploads the stub at -b's rate (docs/flash.md "Connect"). False where
  // esp-flasher-stub >= 1.1.0 boosts the clock on a UART link and reprograms the divider to
  // the rate the ROM recorded, which a ROM CHANGE_BAUDRATE may not update (not established).
  bool stub_keeps_rom_baud = true;

  std::uint16_t usb_otg_pid = 0;  // VID 0x303A, this PID: USB-OTG CDC (0: none)
  bool usb_serial_jtag = false;   // VID 0x303A PID 0x1001
  UsbJtagWatchdog usb_jtag_watchdog{};
  // RTC_CNTL_OPTION1 of chips whose "force download boot" bit (bit 0) esptool clears before a
  // hard reset, so the chip boots the app (ESP32-S3; 0: none).
  std::uint32_t force_download_register = 0;

  // Values fwprov-sim answers with by default (sim choices, fact sheet §4.1).
  std::array<std::uint8_t, 6> demo_mac{};
  unsigned demo_revision = 0;  // major*100+minor
  unsigned demo_crystal_mhz = 40;

  // The stub build for a chip at `revision`, or nullptr when it has none.
  const StubBuild* stub_for(unsigned revision) const noexcept {
    if (revision < stub_min_revision) return nullptr;
    const StubBuild* best = nullptr;
    for (const auto& build : stubs)
      if (!build.file.empty() && revision >= build.min_revision) best = &build;
    return best;
  }
  bool has_magic(std::uint32_t value) const noexcept {
    for (unsigned i = 0; i < magic_count; ++i)
      if (magic[i] == value) return true;
    return false;
  }
};

inline constexpr std::uint32_t kChipMagicRegister = 0x40001000;
inline constexpr std::uint16_t kEspressifUsbVid = 0x303A;
inline constexpr std::uint16_t kUsbSerialJtagPid = 0x1001;

std::span<const Target> all_targets();  // defined in target_table.hpp (inline)

inline const Target* target_by_name(std::string_view esptool_name) {
  for (const auto& target : all_targets())
    if (target.esptool_name == esptool_name) return &target;
  return nullptr;
}
inline const Target* target_by_chip_id(std::uint16_t chip_id) {
  for (const auto& target : all_targets())
    if (target.image_chip_id == chip_id) return &target;
  return nullptr;
}
// Only chips whose ROM lacks a chip id in GET_SECURITY_INFO are found this way (ESP32, S2);
// the later chips' magic values are kept for --chip checks of esptool v4 fidelity.
inline const Target* target_by_magic(std::uint32_t magic) {
  for (const auto& target : all_targets())
    if (target.has_magic(magic)) return &target;
  return nullptr;
}

// Decodes a Field from a register reader (any callable uint32_t(uint32_t address)).
template <typename ReadRegister>
unsigned read_field(const Field& field, ReadRegister&& read) {
  unsigned value = 0;
  for (const auto& part : field.parts) {
    if (part.width == 0) continue;
    std::uint32_t bits = (read(part.address) >> part.shift) & ((1u << part.width) - 1);
    value |= bits << part.to;
  }
  return value;
}
// The opposite: ORs `value` into register words (the simulator's eFuse contents).
template <typename RegisterRef>
void encode_field(const Field& field, unsigned value, RegisterRef&& reg) {
  for (const auto& part : field.parts) {
    if (part.width == 0) continue;
    std::uint32_t bits = (value >> part.to) & ((1u << part.width) - 1);
    reg(part.address) |= bits << part.shift;
  }
}

}  // namespace fwprov::esp

#include "fwprov/esp/target_table.hpp"
