#include <catch2/catch.hpp>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/image/merge.hpp"

using namespace fwprov;
using namespace fwprov::image;

namespace {
std::string text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }
}  // namespace

TEST_CASE("Intel HEX: records, checksums, no 04 record below 64 KiB") {
  Bytes data = {0x01, 0x02, 0x03};
  CHECK(intel_hex({{0x10, data}}) == ":03001000010203E7\n:00000001FF\n");
}

TEST_CASE("Intel HEX: a 64 KiB boundary splits a record and adds an 04 record") {
  Bytes data(16, 0xAA);
  std::string hex = intel_hex({{0xFFF8, data}});
  CHECK(hex.rfind(":020000040000FA\n:08FFF800", 0) == 0);
  CHECK(hex.find(":020000040001F9\n:08000000") != std::string::npos);
}

TEST_CASE("Intel HEX: gaps are left out, adjacent inputs join") {
  Bytes a(8, 0x11), b(8, 0x22), c(4, 0x33);
  std::string hex = intel_hex({{0x100, b}, {0xF8, a}, {0x200, c}});
  CHECK(hex.find(":1000F800") != std::string::npos);  // a and b form one 16-byte record
  CHECK(hex.find(":04020000") != std::string::npos);
}

TEST_CASE("raw merge: 0xFF gaps, target offset, padding") {
  MergeOptions options;
  options.chip = chip_by_name("esp32c3");
  options.target_offset = 0x1000;
  options.pad_to_size = 0x4000;
  auto result = merge_images({{0x3000, "b", Bytes{2, 2}}, {0x1000, "a", Bytes{1}}}, options);
  REQUIRE(result.output.size() == 0x3000);
  CHECK(result.output[0] == 1);
  CHECK(result.output[1] == 0xFF);
  CHECK(result.output[0x2000] == 2);
  CHECK(result.output[0x2FFF] == 0xFF);
}

TEST_CASE("UF2: family id, per-file block numbers, MD5 extension") {
  MergeOptions options;
  options.chip = chip_by_name("esp32s2");
  options.format = MergeFormat::Uf2;
  Bytes data(1000, 0x5A);
  auto result = merge_images({{0x10000, "app", data}}, options);
  REQUIRE(result.output.size() == 3 * 512);  // 452 + 452 + 96
  const std::uint8_t* block = result.output.data() + 512;
  CHECK(load_u32le(block + 0) == 0x0A324655);
  CHECK(load_u32le(block + 8) == 0x6000);  // family id + MD5 present
  CHECK(load_u32le(block + 12) == 0x10000 + 452);
  CHECK(load_u32le(block + 16) == 452);
  CHECK(load_u32le(block + 20) == 1);
  CHECK(load_u32le(block + 24) == 3);
  CHECK(load_u32le(block + 28) == 0xBFDD4EEE);
  CHECK(load_u32le(block + 508) == 0x0AB16F30);
  options.uf2_md5 = false;
  CHECK(merge_images({{0x10000, "app", data}}, options).output.size() == 3 * 512);  // 476 + 476 + 48
  options.chunk_size = 453;
  options.uf2_md5 = true;
  CHECK_THROWS_AS(merge_images({{0x10000, "app", data}}, options), Error);
}

TEST_CASE("merge refuses sector-sharing inputs and inputs before the target offset") {
  MergeOptions options;
  options.chip = chip_by_name("esp32");
  CHECK_THROWS_AS(merge_images({{0x1000, "a", Bytes(10)}, {0x1800, "b", Bytes(10)}}, options), Error);
  options.target_offset = 0x2000;
  CHECK_THROWS_AS(merge_images({{0x1000, "a", Bytes(10)}}, options), Error);
  (void)text;
}
