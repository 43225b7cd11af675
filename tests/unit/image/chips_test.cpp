// Chips other than the ESP32: write-flash patches at the chip's bootloader offset with the
// chip's frequency codes, and image-info names memory regions from the chip's memory map.
// Facts from esptool v5 targets/*.py (BOOTLOADER_FLASH_OFFSET, FLASH_FREQUENCY, MEMORY_MAP);
// the images are built here from the format rules of docs/app-image-format.md.
#include <catch2/catch.hpp>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/image/chips.hpp"
#include "fwprov/image/describe.hpp"
#include "fwprov/image/flash_params.hpp"
#include "fwprov/image/image.hpp"
#include "fwprov/image/patch.hpp"

using namespace fwprov;
using namespace fwprov::image;

namespace {

struct TestSegment {
  std::uint32_t address;
  Bytes data;
};

// An image exactly as the format describes it: common header, extended header (chip id at
// bytes 12-13, hash flag at 23), segments, zero padding to 15 mod 16, checksum, SHA-256.
Bytes build_chip_image(std::uint16_t chip_id, std::uint8_t mode, std::uint8_t size_freq, const std::vector<TestSegment>& segments,
                       bool hash_appended) {
  Bytes out = {0xE9, static_cast<std::uint8_t>(segments.size()), mode, size_freq};
  append_u32le(out, 0x40380000);
  const std::uint8_t extended[16] = {0xEE, 0, 0, 0, static_cast<std::uint8_t>(chip_id & 0xFF), static_cast<std::uint8_t>(chip_id >> 8),
                                     0,    0, 0, 0xFF, 0xFF, 0, 0, 0, 0, static_cast<std::uint8_t>(hash_appended ? 1 : 0)};
  out.insert(out.end(), extended, extended + 16);
  std::uint8_t checksum = 0xEF;
  for (const auto& segment : segments) {
    append_u32le(out, segment.address);
    append_u32le(out, static_cast<std::uint32_t>(segment.data.size()));
    out.insert(out.end(), segment.data.begin(), segment.data.end());
    for (std::uint8_t byte : segment.data) checksum ^= byte;
  }
  while (out.size() % 16 != 15) out.push_back(0);
  out.push_back(checksum);
  if (hash_appended) {
    const Sha256 digest = sha256(out);
    out.insert(out.end(), digest.begin(), digest.end());
  }
  return out;
}

constexpr std::uint16_t kEsp32S3 = 9, kEsp32C3 = 5, kEsp32C2 = 12, kEsp32C6 = 13;

}  // namespace

TEST_CASE("ESP32-S3 and ESP32-C3 images are patched at 0x0, not at 0x1000") {
  for (std::uint16_t chip_id : {kEsp32S3, kEsp32C3}) {
    INFO("chip id " << chip_id);
    const std::vector<TestSegment> segments = {{0x3FC88000, Bytes(64, 0x5A)}, {0x40380000, Bytes(32, 0xA5)}};
    const Bytes dio_40m_4mb = build_chip_image(chip_id, 0x02, 0x20, segments, true);
    const Chip& chip = chip_of_image(dio_40m_4mb);
    CHECK(chip.image_chip_id == chip_id);
    CHECK(chip.bootloader_offset == 0x0);
    const FlashParams qio_80m_16mb = FlashParams::parse("qio", "80m", "16MB", chip.image_chip_id);
    const auto at_zero = patch_flash_params(dio_40m_4mb, 0x0, qio_80m_16mb, chip.bootloader_offset);
    CHECK(at_zero.patched());
    // Patching gives the image elf2image would have made with those settings: same checksum,
    // header bytes 00 4F, digest recomputed.
    CHECK(at_zero.bytes == build_chip_image(chip_id, 0x00, 0x4F, segments, true));
    const auto at_0x1000 = patch_flash_params(dio_40m_4mb, 0x1000, qio_80m_16mb, chip.bootloader_offset);
    CHECK(at_0x1000.outcome == PatchOutcome::NotBootloaderOffset);
    CHECK(at_0x1000.bytes == dio_40m_4mb);
  }
}

TEST_CASE("the image's chip decides the bootloader offset, unknown or unparseable headers mean ESP32") {
  CHECK(bootloader_offset_for(0) == 0x1000);
  CHECK(bootloader_offset_for(2) == 0x1000);   // ESP32-S2
  CHECK(bootloader_offset_for(18) == 0x2000);  // ESP32-P4
  CHECK(bootloader_offset_for(23) == 0x2000);  // ESP32-C5
  CHECK(bootloader_offset_for(16) == 0x0);     // ESP32-H2
  CHECK(bootloader_offset_for(999) == 0x1000);
  Bytes image = build_chip_image(kEsp32S3, 0x02, 0x20, {{0x3FC88000, Bytes(16, 1)}}, false);
  CHECK(chip_of_image(image).esptool_name == "esp32s3");
  image[23] = 2;  // hash flag neither 0 nor 1: esptool does not trust the chip id either
  CHECK(chip_of_image(image).esptool_name == "esp32");
  CHECK(chip_of_image(Bytes{0xE9, 0, 0}).esptool_name == "esp32");
  REQUIRE(chip_by_name("esp32c3") != nullptr);
  CHECK(chip_by_name("esp32c3")->image_chip_id == kEsp32C3);
  CHECK(chip_by_name("esp8266") == nullptr);
}

TEST_CASE("flash frequency codes are the chip's own") {
  // ESP32 table (shared by S2, S3, C3): 80m 0xF, 40m 0x0, 26m 0x1, 20m 0x2.
  CHECK(FlashParams::parse("keep", "26m", "keep", kEsp32S3).freq == 0x1);
  // ESP32-C2: 60m 0xF, 30m 0x0, 20m 0x1, 15m 0x2.
  CHECK(FlashParams::parse("keep", "60m", "keep", kEsp32C2).freq == 0xF);
  CHECK(FlashParams::parse("keep", "20m", "keep", kEsp32C2).freq == 0x1);
  CHECK_THROWS_AS(FlashParams::parse("keep", "80m", "keep", kEsp32C2), Error);
  // ESP32-C6: 80m and 40m are both 0x0, and image-info names 0x0 by the first key, "80m".
  CHECK(FlashParams::parse("keep", "80m", "keep", kEsp32C6).freq == 0x0);
  CHECK(flash_freq_name(0x0, kEsp32C6) == "80m");
  CHECK(flash_freq_name(0x2, kEsp32C2) == "15m");
  CHECK(flash_freq_name(0x0, 0) == "40m");
  // ESP32-C5: 80m 0xF, 40m 0x0, 20m 0x2 (no 26m).
  CHECK(FlashParams::parse("keep", "80m", "keep", 23).freq == 0xF);
  CHECK_THROWS_AS(FlashParams::parse("keep", "26m", "keep", 23), Error);
}

TEST_CASE("ESP32-C2, ESP32-C6 and ESP32-C5 memory maps") {
  CHECK(memory_types(kEsp32C2, 0x3C000020) == std::vector<std::string>{"DROM"});
  CHECK(memory_types(kEsp32C2, 0x3FCA0000) == std::vector<std::string>{"DRAM", "BYTE_ACCESSIBLE"});
  CHECK(memory_types(kEsp32C2, 0x42400000).empty());  // the C2's IROM window is 4 MiB
  CHECK(memory_types(kEsp32C6, 0x42800020) == std::vector<std::string>{"DROM"});
  CHECK(memory_types(kEsp32C6, 0x40870000) == std::vector<std::string>{"DRAM", "BYTE_ACCESSIBLE", "IRAM"});
  CHECK(memory_types(23, 0x40870000).empty());  // the C5's RAM ends at 0x40860000
  CHECK(memory_types(23, 0x4085F000) == std::vector<std::string>{"DRAM", "BYTE_ACCESSIBLE", "IRAM"});
  CHECK(memory_types(23, 0x42000020) == std::vector<std::string>{"IROM"});
}

TEST_CASE("ESP32-C3 memory map: DROM, DRAM and the app description") {
  CHECK(memory_types(kEsp32C3, 0x3C000020) == std::vector<std::string>{"DROM"});
  CHECK(memory_types(kEsp32C3, 0x3FC88000) == std::vector<std::string>{"DRAM", "BYTE_ACCESSIBLE"});
  CHECK(memory_types(kEsp32C3, 0x42000020) == std::vector<std::string>{"IROM"});
  CHECK(memory_types(kEsp32C3, 0x50000000) == std::vector<std::string>{"RTC_IRAM", "RTC_DRAM"});
  // esp_app_desc_t at the start of the first DROM segment: magic, secure_version, project name at 48.
  Bytes desc(256, 0);
  const std::uint8_t magic[4] = {0x32, 0x54, 0xCD, 0xAB};
  std::copy(magic, magic + 4, desc.begin());
  const std::string project = "c3_app";
  std::copy(project.begin(), project.end(), desc.begin() + 48);
  const Bytes file = build_chip_image(kEsp32C3, 0x02, 0x20, {{0x3C000020, desc}, {0x42000020, Bytes(32, 0x13)}}, true);
  const ParsedImage parsed = parse_image(file);
  const auto found = find_descriptions(file, parsed);
  REQUIRE(found.app);
  CHECK(found.app->project_name == "c3_app");
  CHECK(chip_name(kEsp32C3) == "ESP32-C3");
}
