#include <catch2/catch.hpp>

#include "fwprov/core/crc32.hpp"

TEST_CASE("crc32 matches the IEEE check value and chains like zlib") {
  auto data = fwprov::to_bytes("123456789");
  CHECK(fwprov::crc32(data) == 0xCBF43926u);
  auto part1 = fwprov::crc32(fwprov::ByteView(data).first(4));
  CHECK(fwprov::crc32(fwprov::ByteView(data).subspan(4), part1) == 0xCBF43926u);
  // binascii.crc32(b"123456789", 0xFFFFFFFF), the seed ESP-IDF's NVS uses.
  CHECK(fwprov::crc32(data, 0xFFFFFFFFu) == 0xD202D277u);
}
