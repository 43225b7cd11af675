#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>

#include "fwprov/esp/target.hpp"

using namespace fwprov::esp;

TEST_CASE("the chip table has one entry per chip, unique names and chip ids") {
  std::set<std::string> names;
  std::set<unsigned> ids;
  for (const auto& target : all_targets()) {
    CHECK(names.insert(std::string(target.esptool_name)).second);
    CHECK(ids.insert(target.image_chip_id).second);
    CHECK(target_by_name(target.esptool_name) == &target);
    CHECK(target_by_chip_id(target.image_chip_id) == &target);
    CHECK(target.magic_count >= 1);
    CHECK_FALSE(target.flash_freqs.empty());
    CHECK(target.stub_for(target.demo_revision) != nullptr);
  }
  CHECK(names.size() == 10);
  CHECK(target_by_name("esp8266") == nullptr);
}

TEST_CASE("identification facts of the fact sheet") {
  CHECK(target_by_name("esp32")->security_info_size == 0);   // ROM: unsupported
  CHECK(target_by_name("esp32s2")->security_info_size == 12);  // no chip id
  CHECK(target_by_magic(0x000007C6) == target_by_name("esp32s2"));
  CHECK(target_by_magic(0x00F01D83) == target_by_name("esp32"));
  CHECK(target_by_chip_id(9)->display_name == "ESP32-S3");
  CHECK(target_by_chip_id(20)->display_name == "ESP32-C61");
  CHECK(target_by_chip_id(23)->bootloader_offset == 0x2000);
  CHECK(target_by_name("esp32s2")->bootloader_offset == 0x1000);
  CHECK(target_by_name("esp32c3")->bootloader_offset == 0x0);
  // Only the ESP32 ROM reads flash and takes a 4-word BEGIN.
  for (const auto& target : all_targets()) {
    CHECK(target.rom_has_slow_read == (target.esptool_name == "esp32"));
    CHECK(target.rom_begin_five_words == (target.esptool_name != "esp32"));
  }
  CHECK(target_by_name("esp32c6")->spi.base == 0x60003000);
  CHECK(target_by_name("esp32p4")->spi.base == 0x5008D000);
  CHECK(target_by_name("esp32s2")->spi.reg(target_by_name("esp32s2")->spi.w0) == 0x3F402058);
  CHECK(target_by_name("esp32")->spi.reg(target_by_name("esp32")->spi.w0) == 0x3FF42080);
}

TEST_CASE("stub builds by chip and revision") {
  const Target& p4 = *target_by_name("esp32p4");
  CHECK(p4.stub_for(100)->file == "esp32p4-rev1");
  CHECK(p4.stub_for(299)->text_start == 0x4FF10000);
  CHECK(p4.stub_for(300)->file == "esp32p4");
  CHECK(p4.stub_for(301)->text_start == 0x4FF50000);
  const Target& c2 = *target_by_name("esp32c2");
  CHECK(c2.stub_for(0) == nullptr);  // ECO0: ROM only
  CHECK(c2.stub_for(100)->file == "esp32c2");
  CHECK(target_by_name("esp32")->stub_for(300)->loads_at(0x400BE000));  // esptool v4's legacy build
  CHECK_FALSE(target_by_name("esp32s3")->stub_for(0)->loads_at(0x40380000));
}

TEST_CASE("revision fields decode what encode wrote, for every chip") {
  for (const auto& target : all_targets()) {
    if (target.efuse_layout != EfuseLayout::Fields) continue;
    for (unsigned revision : {0u, 1u, 2u, 100u, 103u, 300u, 301u}) {
      unsigned major = revision / 100, minor = revision % 100;
      unsigned major_bits = 0, minor_bits = 0;
      for (const auto& part : target.major_revision.parts) major_bits += part.width;
      for (const auto& part : target.minor_revision.parts) minor_bits += part.width;
      if (major >= (1u << major_bits) || minor >= (1u << minor_bits)) continue;
      std::map<std::uint32_t, std::uint32_t> regs;
      auto ref = [&](std::uint32_t a) -> std::uint32_t& { return regs[a]; };
      auto read = [&](std::uint32_t a) { return regs[a]; };
      encode_field(target.major_revision, major, ref);
      encode_field(target.minor_revision, minor, ref);
      INFO(target.esptool_name << " revision " << revision);
      CHECK(read_field(target.major_revision, read) == major);
      CHECK(read_field(target.minor_revision, read) == minor);
    }
  }
  // The S3's minor revision: (word 5 bit 23) << 3 | word 3 bits 18-20.
  std::map<std::uint32_t, std::uint32_t> regs{{0x60007050, 2u << 18}, {0x60007058, 1u << 23}};
  CHECK(read_field(target_by_name("esp32s3")->minor_revision, [&](std::uint32_t a) { return regs[a]; }) == 10);
}
