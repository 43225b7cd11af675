#include <catch2/catch.hpp>

#include "fwprov/esp/esp32.hpp"
#include "fwprov/esp/target.hpp"

using namespace fwprov::esp;

TEST_CASE("MAC from eFuse words 1 and 2") {
  CHECK(esp32::format_mac(esp32::mac_from_efuse(0xC4123456, 0x005A240A)) == "24:0a:c4:12:34:56");
}

TEST_CASE("chip description of an ESP32-D0WD-V3") {
  esp32::Efuse efuse;
  efuse.words[3] = 0x0000A200;
  efuse.words[4] = 0x00000531;
  efuse.words[5] = 0x00100000;
  efuse.apb_ctl_date = 0x96042000;
  CHECK(esp32::major_revision(efuse) == 3);
  CHECK(esp32::minor_revision(efuse) == 0);
  CHECK(esp32::chip_description(efuse) == "ESP32-D0WD-V3 (revision v3.0)");
}

TEST_CASE("flash sizes from RDID capacity codes") {
  CHECK(esp32::flash_size_from_capacity(0x16) == (4u << 20));
  CHECK(esp32::flash_size_from_capacity(0x12) == (256u << 10));
  CHECK(esp32::flash_size_from_capacity(0x20) == (64u << 20));
  CHECK(esp32::flash_size_from_capacity(0x36) == (4u << 20));
  CHECK_FALSE(esp32::flash_size_from_capacity(0x00));
  CHECK(esp32::capacity_code_for_size(4u << 20) == 0x16);
}

TEST_CASE("crystal and ROM baud compensation") {
  CHECK(esp32::crystal_mhz(0x15B, 115200) == 40);
  CHECK(esp32::crystal_mhz(0xE2, 115200) == 26);
  // A ROM that believes its crystal runs at 40.0039 MHz gets a slightly higher baud word.
  std::uint32_t word = esp32::rom_baud_word(921600, 2090u << 7, 0x31);
  CHECK(word > 921600);
  CHECK(word < 921700);
  CHECK(esp32::rom_baud_word(921600, 0, 0) == 921600);  // nothing known: unchanged
  REQUIRE(target_by_magic(0x00F01D83) != nullptr);
  CHECK(target_by_magic(0x00F01D83)->display_name == "ESP32");
  CHECK(target_by_magic(0x000007C6)->display_name == "ESP32-S2");
  CHECK(target_by_magic(0x12345678) == nullptr);
}
