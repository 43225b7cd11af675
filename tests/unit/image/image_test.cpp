// parse_image and find_descriptions against the golden images and their image_info.txt.
#include <catch2/catch.hpp>

#include <filesystem>

#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/image/describe.hpp"
#include "fwprov/image/image.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::image;

TEST_CASE("app image: headers, segments, checksum, digest and app description") {
  const Bytes file = read_file(test::golden("image/app_esp32/image.bin"));
  const auto image = parse_image(file);
  CHECK(image.header.entry_point == 0x40080404);
  CHECK(image.header.flash_mode == 2);
  CHECK(image.header.flash_size_freq == 0x20);
  CHECK(image.extended.wp_pin == 0xEE);
  CHECK(image.extended.chip_id == 0);
  CHECK(image.extended.max_rev_full == 399);
  CHECK(image.extended.hash_appended);
  REQUIRE(image.segments.size() == 5);
  CHECK(image.segments[3].load_address == 0);
  CHECK(image.segments[3].length == 0xf6dc);
  CHECK(image.segments[4].header_offset == 0x10018);
  CHECK(image.segments[4].load_address == 0x400d0020);
  CHECK(image.stored_checksum == 0x2e);
  CHECK(image.checksum_valid());
  CHECK(image.digest_valid());
  CHECK(to_hex(image.calculated_digest) == "c08abd83e7d839462a400fe2a0b6ddb78c3ff86dbb4c09e86d421634998eec53");
  CHECK(image.image_end() == file.size());
  CHECK(memory_types(0, 0x3ffb0000) == std::vector<std::string>{"BYTE_ACCESSIBLE", "DRAM"});
  CHECK(memory_types(9, 0x3fc9d600) == std::vector<std::string>{"BYTE_ACCESSIBLE", "MEM_INTERNAL", "DRAM"});
  CHECK(memory_types(9, 0x42000020) == std::vector<std::string>{"IROM"});
  CHECK(memory_types(2, 0x3f000020) == std::vector<std::string>{"DROM"});
  CHECK(memory_types(16, 0x42000020).empty());  // no built-in ESP32-H2 map (C3/C6/C5 are tested in chips_test.cpp)

  const auto found = find_descriptions(file, image);
  REQUIRE(found.app);
  CHECK_FALSE(found.bootloader);
  CHECK(found.app->project_name == "fwprov_golden");
  CHECK(found.app->version == "1.0.0-golden");
  CHECK(found.app->date == "Jan  1 2025");
  CHECK(found.app->time == "12:00:00");
  CHECK(found.app->idf_version == "v5.5.1");
  CHECK(to_hex(found.app->elf_sha256) == "9382222ff5e5587ed1057060326f2281942f83f1b04b54334ffb2964c786bf7c");
  CHECK(found.app->max_efuse_blk_rev_full == 99);
}

TEST_CASE("bootloader images: description, with and without digest") {
  const Bytes sha = read_file(test::golden("image/bootloader_sha/image.bin"));
  const auto with_digest = parse_image(sha);
  CHECK(with_digest.digest_valid());
  CHECK(with_digest.stored_checksum == 0x97);
  CHECK(memory_types(0, with_digest.segments[0].load_address) ==
        std::vector<std::string>{"BYTE_ACCESSIBLE", "DRAM", "DIRAM_DRAM"});
  const auto found = find_descriptions(sha, with_digest);
  REQUIRE(found.bootloader);
  CHECK(found.bootloader->version == 1);
  CHECK(found.bootloader->idf_version == "v5.5.1");
  CHECK(found.bootloader->date_time == "Jan  1 2025 12:00:00");

  const Bytes plain = read_file(test::golden("image/bootloader_no_digest/image.bin"));
  const auto no_digest = parse_image(plain);
  CHECK_FALSE(no_digest.extended.hash_appended);
  CHECK_FALSE(no_digest.digest_valid());
  CHECK(no_digest.checksum_valid());
  CHECK(no_digest.extended.max_rev_full == 65535);
  CHECK(no_digest.image_end() == plain.size());
}

TEST_CASE("broken images are refused with the reason") {
  const auto dir = test::golden("image/patch_edge_cases");
  CHECK_THROWS_WITH(parse_image(read_file(dir / "truncated.in.bin")), Catch::Contains("segment"));
  CHECK_THROWS_WITH(parse_image(read_file(dir / "no_magic.in.bin")), Catch::Contains("magic"));
  CHECK_THROWS_WITH(parse_image(read_file(dir / "hash_flag_2.in.bin")), Catch::Contains("hash-appended"));
  const auto bad = parse_image(read_file(dir / "bad_checksum.in.bin"));
  CHECK_FALSE(bad.checksum_valid());
  CHECK_FALSE(bad.digest_valid());
  const auto stale = parse_image(read_file(dir / "stale_digest.in.bin"));
  CHECK(stale.checksum_valid());
  CHECK_FALSE(stale.digest_valid());
  Bytes header(8, 0);
  header[0] = 0xE9;
  CHECK_THROWS_AS(parse_image(header), Error);
  // 17 empty segments: parseable layout but more than esptool accepts.
  Bytes many(24, 0);
  many[0] = 0xE9;
  many[1] = 17;
  many.resize(24 + 17 * 8 + 16, 0);
  CHECK_THROWS_WITH(parse_image(many), Catch::Contains("17 segments"));
  CHECK(parse_image(many, "many", false).segments.size() == 17);
}
