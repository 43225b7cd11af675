#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/nvs/builder.hpp"
#include "fwprov/nvs/reader.hpp"

using namespace fwprov;
using nvs::ItemType;

namespace {
std::uint8_t slot_state(const Bytes& image, std::size_t page, std::size_t slot) {
  return (image[page * 4096 + 32 + slot / 4] >> (2 * (slot % 4))) & 3;
}
const std::uint8_t* entry(const Bytes& image, std::size_t page, std::size_t slot) { return image.data() + nvs::slot_offset(page, slot); }
}  // namespace

TEST_CASE("partition sizes") {
  CHECK(nvs::parse_partition_size("0x6000") == 0x6000);
  CHECK(nvs::parse_partition_size(" 24576 ") == 24576);
  CHECK(nvs::parse_partition_size("24K") == 24576);
  CHECK(nvs::parse_partition_size("1M") == 1048576);
  CHECK(nvs::parse_partition_size("0x1_000") == 4096);
  CHECK(nvs::parse_partition_size("0b1000000000000") == 4096);
  CHECK(nvs::parse_partition_size("0") == 0);
  CHECK(nvs::parse_partition_size(" +0x3000") == 0x3000);  // int('+0x3000', 0) == 12288
  CHECK_THROWS_AS(nvs::parse_partition_size("++0x3000"), Error);
  CHECK_THROWS_AS(nvs::parse_partition_size("12k"), Error);
  CHECK_THROWS_AS(nvs::parse_partition_size("010"), Error);
  CHECK_THROWS_AS(nvs::parse_partition_size(""), Error);
  CHECK(nvs::partition_geometry(0x3000).usable_pages == 2);
  CHECK(nvs::partition_geometry(0x2000).read_only);
  CHECK_THROWS_AS(nvs::partition_geometry(0x3100), Error);
  CHECK_THROWS_AS(nvs::partition_geometry(0), Error);
}

TEST_CASE("an empty image has page 0 started and the rest blank") {
  nvs::ImageBuilder builder(nvs::build_options(0x3000));
  Bytes image = builder.finish();
  REQUIRE(image.size() == 0x3000);
  CHECK(load_u32le(image.data()) == nvs::kPageStateActive);
  CHECK(image[8] == nvs::kPageVersion2);
  CHECK(load_u32le(image.data() + 28) == nvs::nvs_crc32(ByteView(image.data() + 4, 24)));
  CHECK(std::all_of(image.begin() + 32, image.end(), [](std::uint8_t b) { return b == 0xFF; }));
}

TEST_CASE("namespaces number 1, 2, ... and a repeated name does not switch back") {
  nvs::ImageBuilder builder(nvs::build_options(0x3000));
  CHECK(builder.add_namespace("a"));
  CHECK(builder.add_namespace("b"));
  CHECK_FALSE(builder.add_namespace("a"));
  CHECK(builder.current_namespace() == 2);
  builder.add_integer("x", ItemType::I8, static_cast<std::uint64_t>(-2));
  Bytes image = builder.finish();
  const std::uint8_t* x = entry(image, 0, 2);
  CHECK(x[0] == 2);
  CHECK(x[1] == 0x11);
  CHECK(x[24] == 0xFE);
  CHECK(x[25] == 0xFF);
  CHECK(slot_state(image, 0, 2) == nvs::kSlotWritten);
  CHECK(slot_state(image, 0, 3) == nvs::kSlotEmpty);
}

TEST_CASE("strings never end in slot 125, integers may use it") {
  nvs::ImageBuilder builder(nvs::build_options(0x4000));
  builder.add_namespace("n");  // slot 0
  for (int i = 0; i < 123; ++i) builder.add_integer("i" + std::to_string(i), ItemType::U8, 1);  // slots 1..123
  builder.add_string("s", nvs::string_bytes("x"));  // needs 2 slots: 124 + 125 would end in 125
  builder.add_integer("last", ItemType::U8, 7);
  Bytes image = builder.finish();
  CHECK(load_u32le(image.data()) == nvs::kPageStateFull);
  CHECK(slot_state(image, 0, 124) == nvs::kSlotEmpty);
  CHECK(entry(image, 1, 0)[1] == 0x21);
  CHECK(entry(image, 1, 2)[1] == 0x01);  // the integer follows on the new page
  CHECK(load_u32le(image.data() + 4096) == nvs::kPageStateActive);
}

TEST_CASE("a v2 blob at slot 125 starts with a zero-length chunk") {
  nvs::ImageBuilder builder(nvs::build_options(0x4000));
  builder.add_namespace("n");
  for (int i = 0; i < 124; ++i) builder.add_integer("i" + std::to_string(i), ItemType::U8, 1);  // slots 1..124
  Bytes blob(100, 0xAB);
  builder.add_blob("b", blob);
  Bytes image = builder.finish();
  const std::uint8_t* first = entry(image, 0, 125);
  CHECK(first[1] == 0x42);
  CHECK(first[2] == 1);
  CHECK(load_u16le(first + 24) == 0);
  const std::uint8_t* second = entry(image, 1, 0);
  CHECK(second[1] == 0x42);
  CHECK(second[3] == 1);
  CHECK(load_u16le(second + 24) == 100);
  const std::uint8_t* index = entry(image, 1, 5);
  CHECK(index[1] == 0x48);
  CHECK(load_u32le(index + 24) == 100);
  CHECK(index[28] == 2);

  auto decoded = nvs::read_image(image);
  REQUIRE(decoded.items.size() == 125);
  CHECK(decoded.items.back().data == blob);
  CHECK(nvs::check_image(decoded).empty());
}

TEST_CASE("limits are refused with clear errors") {
  nvs::ImageBuilder v2(nvs::build_options(0x4000));
  CHECK_THROWS_WITH(v2.add_string("s", Bytes(3969, 'y')), Catch::Contains("3968"));
  CHECK_THROWS_WITH(v2.add_integer("sixteen_chars_ky", ItemType::U8, 1), Catch::Contains("longer than 15"));
  nvs::ImageBuilder v1(nvs::build_options(0x4000, nvs::Version::V1));
  CHECK_THROWS_WITH(v1.add_blob("b", Bytes(1985)), Catch::Contains("1984"));
  nvs::ImageBuilder small(nvs::build_options(0x3000));
  small.add_namespace("n");
  CHECK_THROWS_WITH(small.add_blob("b", Bytes(9000)), Catch::Contains("does not fit"));
}

TEST_CASE("read-only partitions hold only the started pages") {
  nvs::ImageBuilder builder(nvs::build_options(0x2000));
  builder.add_namespace("n");
  CHECK(builder.finish().size() == 0x1000);
}

TEST_CASE("a v2 blob may have 255 chunks, not 256") {
  // write_varlen_binary_data stores chunk index and chunk count with bytearray item
  // assignment: 255 chunks (indices 0..254, count 255) work, a 256th makes the count 256,
  // which raises ValueError in the reference. From an empty page every chunk is 4000 bytes
  // (header + 125 data slots) and fills its page, so 255 * 4000 bytes are 255 chunks.
  const std::size_t full_chunk = 125 * 32;
  const std::uint64_t size = (255 + 1 + 1) * 4096;  // 255 chunk pages, the index page, the reserved page
  nvs::ImageBuilder fits(nvs::build_options(size));
  fits.add_blob("big", Bytes(255 * full_chunk, 0x5A));
  Bytes image = fits.finish();
  const std::uint8_t* index = entry(image, 255, 0);
  CHECK(index[1] == static_cast<std::uint8_t>(ItemType::BlobIndex));
  CHECK(index[28] == 255);                                        // chunk count
  CHECK(entry(image, 254, 0)[3] == 254);                          // last chunk index
  CHECK(load_u32le(index + 24) == 255 * full_chunk);         // total size
  nvs::ImageBuilder too_many(nvs::build_options(size + 4096));
  CHECK_THROWS_WITH(too_many.add_blob("big", Bytes(255 * full_chunk + 1, 0x5A)), Catch::Contains("255 chunks"));
}
