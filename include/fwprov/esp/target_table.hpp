#pragma once
// The chip table: one entry per chip family (fact sheets esp-chips.md §1-§10 and
// esp-serial-protocol.md; values read from esptool v5.3.1 targets/*.py and esptool-js 0.7.0).
// Included by target.hpp; nothing else in the project holds per-chip facts.
#include "fwprov/esp/target.hpp"

// Entries name only the fields that differ from the defaults in target.hpp; GCC 12 warns about
// every member a designated initializer leaves out, which is the point here.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace fwprov::esp::table {

constexpr BitPart bits(std::uint32_t address, std::uint8_t shift, std::uint8_t width, std::uint8_t to = 0) {
  return {address, shift, width, to};
}
constexpr Field field(BitPart a, BitPart b = {}, BitPart c = {}) { return Field{{a, b, c}}; }

// Image header frequency codes (esptool FLASH_FREQUENCY; first name wins for reverse lookups).
inline constexpr FreqName kFreqStd[] = {{"80m", 0xF}, {"40m", 0x0}, {"26m", 0x1}, {"20m", 0x2}};
inline constexpr FreqName kFreqC2[] = {{"60m", 0xF}, {"30m", 0x0}, {"20m", 0x1}, {"15m", 0x2}};
inline constexpr FreqName kFreqC6[] = {{"80m", 0x0}, {"40m", 0x0}, {"20m", 0x2}};  // ROM divider work-around
inline constexpr FreqName kFreqH2[] = {{"48m", 0xF}, {"24m", 0x0}, {"16m", 0x1}, {"12m", 0x2}};
inline constexpr FreqName kFreqC5[] = {{"80m", 0xF}, {"40m", 0x0}, {"20m", 0x2}};

inline constexpr std::string_view kPkgEsp32[] = {""};  // ESP32 names come from esp32.hpp
inline constexpr std::string_view kPkgS2[] = {"ESP32-S2", "ESP32-S2FH2", "ESP32-S2FH4"};
inline constexpr std::string_view kPkgS3[] = {"ESP32-S3 (QFN56)", "ESP32-S3-PICO-1 (LGA56)"};
inline constexpr std::string_view kPkgC3[] = {"ESP32-C3 (QFN32)", "ESP8685 (QFN28)", "ESP32-C3 AZ (QFN32)", "ESP8686 (QFN24)"};
inline constexpr std::string_view kPkgC2[] = {"ESP32-C2", "ESP8684H"};
inline constexpr std::string_view kPkgC6[] = {"ESP32-C6 (QFN40)", "ESP32-C6FH4 (QFN32)"};
inline constexpr std::string_view kPkgH2[] = {"ESP32-H2"};
inline constexpr std::string_view kPkgC5[] = {"ESP32-C5"};
inline constexpr std::string_view kPkgC61[] = {"ESP32-C61"};
inline constexpr std::string_view kPkgP4[] = {"ESP32-P4"};

// SPI1 register layouts (fact sheet §4.3).
constexpr SpiLayout esp32_spi() { return {0x3FF42000, 0x1C, 0x20, 0x24, 0x28, 0x2C, 0x80, true}; }
constexpr SpiLayout new_spi(std::uint32_t base) { return {base, 0x18, 0x1C, 0x20, 0x24, 0x28, 0x58, false}; }

inline constexpr Target kTargets[] = {
    {.esptool_name = "esp32", .display_name = "ESP32", .image_chip_id = 0, .security_info_size = 0,
     .magic = {0x00F01D83}, .magic_count = 1, .bootloader_offset = 0x1000, .uf2_family_id = 0x1C5F21B0,
     .efuse_layout = EfuseLayout::Esp32, .efuse_base = 0x3FF5A000, .package_names = kPkgEsp32,
     .uart_clkdiv = 0x3FF40014, .fixed_crystal_mhz = 0, .rom_baud = RomBaud::Esp32Calibrated, .spi = esp32_spi(),
     .rom_begin_five_words = false, .rom_has_slow_read = true, .flash_freqs = kFreqStd,
     .stubs = {StubBuild{"esp32", 0x400A8000, 0, 0x400BE000}}, .stub_keeps_rom_baud = false,
     .demo_mac = {0x24, 0x0A, 0xC4, 0x12, 0x34, 0x56}, .demo_revision = 300, .demo_crystal_mhz = 40},
    {.esptool_name = "esp32s2", .display_name = "ESP32-S2", .image_chip_id = 2, .security_info_size = 12,
     .magic = {0x000007C6}, .magic_count = 1, .bootloader_offset = 0x1000, .uf2_family_id = 0xBFDD4EEE,
     .efuse_base = 0x3F41A000, .mac_word0 = 0x3F41A044, .mac_word1 = 0x3F41A048,
     .major_revision = field(bits(0x3F41A050, 18, 2)),
     .minor_revision = field(bits(0x3F41A054, 4, 3), bits(0x3F41A050, 20, 1, 3)),
     .package = field(bits(0x3F41A054, 0, 4)), .package_names = kPkgS2,
     .fixed_crystal_mhz = 40, .spi = new_spi(0x3F402000), .flash_freqs = kFreqStd,
     .stubs = {StubBuild{"esp32s2", 0x40028000, 0}}, .stub_keeps_rom_baud = false, .usb_otg_pid = 0x0002,
     .demo_mac = {0x7C, 0xDF, 0xA1, 0x02, 0x03, 0x04}, .demo_revision = 0},
    {.esptool_name = "esp32s3", .display_name = "ESP32-S3", .image_chip_id = 9, .security_info_size = 20,
     .magic = {0x00000009}, .magic_count = 1, .bootloader_offset = 0x0, .uf2_family_id = 0xC47E5767,
     .efuse_base = 0x60007000, .mac_word0 = 0x60007044, .mac_word1 = 0x60007048,
     .major_revision = field(bits(0x60007058, 24, 2)),
     .minor_revision = field(bits(0x60007050, 18, 3), bits(0x60007058, 23, 1, 3)),
     .package = field(bits(0x60007050, 21, 3)), .package_names = kPkgS3,
     .fixed_crystal_mhz = 40, .spi = new_spi(0x60002000), .flash_freqs = kFreqStd,
     .stubs = {StubBuild{"esp32s3", 0x40378000, 0}}, .usb_otg_pid = 0x0009, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x600080B0, 0x60008098, 0x600080B8, 0x600080B4, 0x8F1D312A, 31},
     .force_download_register = 0x6000812C,
     .demo_mac = {0xF4, 0x12, 0xFA, 0x05, 0x06, 0x07}, .demo_revision = 2},
    {.esptool_name = "esp32c3", .display_name = "ESP32-C3", .image_chip_id = 5, .security_info_size = 20,
     .magic = {0x6921506F, 0x1B31506F, 0x4881606F, 0x4361606F}, .magic_count = 4, .bootloader_offset = 0x0,
     .uf2_family_id = 0xD42BA06C, .legacy_min_rev_is_minor = true, .efuse_base = 0x60008800, .mac_word0 = 0x60008844, .mac_word1 = 0x60008848,
     .major_revision = field(bits(0x60008858, 24, 2)),
     .minor_revision = field(bits(0x60008850, 18, 3), bits(0x60008858, 23, 1, 3)),
     .package = field(bits(0x60008850, 21, 3)), .package_names = kPkgC3,
     .fixed_crystal_mhz = 40, .spi = new_spi(0x60002000), .flash_freqs = kFreqStd,
     .stubs = {StubBuild{"esp32c3", 0x40380000, 0}}, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x600080A8, 0x60008090, 0x600080B0, 0x600080AC, 0x8F1D312A, 31},
     .demo_mac = {0x58, 0xCF, 0x79, 0x08, 0x09, 0x0A}, .demo_revision = 4},
    {.esptool_name = "esp32c2", .display_name = "ESP32-C2", .image_chip_id = 12, .security_info_size = 20,
     .magic = {0x6F51306F, 0x7C41A06F, 0x0C21E06F}, .magic_count = 3, .bootloader_offset = 0x0,
     .uf2_family_id = 0x2B88D29C, .efuse_base = 0x60008800, .mac_word0 = 0x60008840, .mac_word1 = 0x60008844,
     .major_revision = field(bits(0x60008844, 20, 2)), .minor_revision = field(bits(0x60008844, 16, 4)),
     .package = field(bits(0x60008844, 22, 3)), .package_names = kPkgC2,
     .uart_clkdiv = 0x60000014, .fixed_crystal_mhz = 0, .rom_baud = RomBaud::AssumesForty, .spi = new_spi(0x60002000),
     .flash_freqs = kFreqC2, .stubs = {StubBuild{"esp32c2", 0x40380000, 0}}, .stub_min_revision = 100,
     .demo_mac = {0x08, 0x3A, 0x8D, 0x0B, 0x0C, 0x0D}, .demo_revision = 100, .demo_crystal_mhz = 26},
    {.esptool_name = "esp32c6", .display_name = "ESP32-C6", .image_chip_id = 13, .security_info_size = 20,
     .magic = {0x2CE0806F}, .magic_count = 1, .bootloader_offset = 0x0, .uf2_family_id = 0x540DDF62,
     .efuse_base = 0x600B0800, .mac_word0 = 0x600B0844, .mac_word1 = 0x600B0848, .eui64 = true,
     .major_revision = field(bits(0x600B0850, 22, 2)), .minor_revision = field(bits(0x600B0850, 18, 4)),
     .package = field(bits(0x600B0850, 24, 3)), .package_names = kPkgC6,
     .fixed_crystal_mhz = 40, .spi = new_spi(0x60003000), .flash_freqs = kFreqC6,
     .stubs = {StubBuild{"esp32c6", 0x40800000, 0}}, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x600B1C18, 0x600B1C00, 0x600B1C20, 0x600B1C1C, 0x50D83AA1, 18},
     .demo_mac = {0x40, 0x4C, 0xCA, 0x0E, 0x0F, 0x10}, .demo_revision = 1},
    {.esptool_name = "esp32h2", .display_name = "ESP32-H2", .image_chip_id = 16, .security_info_size = 20,
     .magic = {0xD7B73E80, 0x97E30068}, .magic_count = 2, .bootloader_offset = 0x0, .uf2_family_id = 0x332726F6,
     .efuse_base = 0x600B0800, .mac_word0 = 0x600B0844, .mac_word1 = 0x600B0848, .eui64 = true,
     .major_revision = field(bits(0x600B0850, 21, 2)), .minor_revision = field(bits(0x600B0850, 18, 3)),
     .package = field(bits(0x600B0854, 0, 3)), .package_names = kPkgH2,
     .fixed_crystal_mhz = 32, .spi = new_spi(0x60003000), .flash_freqs = kFreqH2,
     .stubs = {StubBuild{"esp32h2", 0x40800000, 0}}, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x600B1C1C, 0x600B1C00, 0x600B1C24, 0x600B1C20, 0x50D83AA1, 18},
     .demo_mac = {0x74, 0x4D, 0xBD, 0x11, 0x12, 0x13}, .demo_revision = 1, .demo_crystal_mhz = 32},
    {.esptool_name = "esp32c5", .display_name = "ESP32-C5", .image_chip_id = 23, .security_info_size = 20,
     .magic = {0x1101406F, 0x63E1406F, 0x5FD1406F, 0x30E1706F}, .magic_count = 4, .bootloader_offset = 0x2000,
     .uf2_family_id = 0xF71C0343, .efuse_base = 0x600B4800, .mac_word0 = 0x600B4844, .mac_word1 = 0x600B4848,
     .eui64 = true, .major_revision = field(bits(0x600B484C, 4, 2)), .minor_revision = field(bits(0x600B484C, 0, 4)),
     .package = field(bits(0x600B484C, 26, 3)), .package_names = kPkgC5,
     .uart_clkdiv = 0x60000014, .fixed_crystal_mhz = 0, .spi = new_spi(0x60003000), .flash_freqs = kFreqC5,
     .stubs = {StubBuild{"esp32c5", 0x40800000, 0}}, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x600B1C18, 0x600B1C00, 0x600B1C20, 0x600B1C1C, 0x50D83AA1, 18},
     .demo_mac = {0x3C, 0xDC, 0x75, 0x14, 0x15, 0x16}, .demo_revision = 100, .demo_crystal_mhz = 48},
    {.esptool_name = "esp32c61", .display_name = "ESP32-C61", .image_chip_id = 20, .security_info_size = 20,
     .magic = {0x33F0206F, 0x2421606F, 0x4F81606F}, .magic_count = 3, .bootloader_offset = 0x0,
     .uf2_family_id = 0x77D850C4, .efuse_base = 0x600B4800, .mac_word0 = 0x600B4844, .mac_word1 = 0x600B4848,
     .major_revision = field(bits(0x600B484C, 4, 2)), .minor_revision = field(bits(0x600B484C, 0, 4)),
     .package = field(bits(0x600B484C, 26, 3)), .package_names = kPkgC61,
     .fixed_crystal_mhz = 40, .spi = new_spi(0x60003000), .flash_freqs = kFreqC5,
     .stubs = {StubBuild{"esp32c61", 0x40800000, 0}}, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x600B1C18, 0x600B1C00, 0x600B1C20, 0x600B1C1C, 0x50D83AA1, 18},
     .demo_mac = {0x30, 0xED, 0xA0, 0x17, 0x18, 0x19}, .demo_revision = 100},
    {.esptool_name = "esp32p4", .display_name = "ESP32-P4", .image_chip_id = 18, .security_info_size = 20,
     .magic = {0x00000000, 0x0ADDBAD0, 0x07039AD9}, .magic_count = 3, .bootloader_offset = 0x2000,
     .uf2_family_id = 0x3D308E94, .efuse_base = 0x5012D000, .mac_word0 = 0x5012D044, .mac_word1 = 0x5012D048,
     .major_revision = field(bits(0x5012D04C, 4, 2), bits(0x5012D04C, 23, 1, 2)),
     .minor_revision = field(bits(0x5012D04C, 0, 4)), .package = field(bits(0x5012D04C, 20, 3)),
     .package_names = kPkgP4, .fixed_crystal_mhz = 40, .spi = new_spi(0x5008D000), .flash_freqs = kFreqStd,
     .stubs = {StubBuild{"esp32p4-rev1", 0x4FF10000, 0}, StubBuild{"esp32p4", 0x4FF50000, 300}}, .stub_keeps_rom_baud = false,
     .usb_otg_pid = 0x0012, .usb_serial_jtag = true,
     .usb_jtag_watchdog = {0x50116018, 0x50116000, 0x50116020, 0x5011601C, 0x50D83AA1, 18},
     .demo_mac = {0x30, 0xED, 0xA0, 0x1A, 0x1B, 0x1C}, .demo_revision = 100},
};

}  // namespace fwprov::esp::table

#pragma GCC diagnostic pop

namespace fwprov::esp {
inline std::span<const Target> all_targets() { return table::kTargets; }
}  // namespace fwprov::esp
