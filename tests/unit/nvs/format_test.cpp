#include <catch2/catch.hpp>

#include "fwprov/nvs/format.hpp"

using namespace fwprov;

TEST_CASE("NVS CRC32 is zlib crc32 seeded with all ones") {
  const std::string text = "123456789";
  CHECK(nvs::nvs_crc32(ByteView(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())) == 0xD202D277u);
  CHECK(nvs::nvs_crc32(ByteView()) == 0xFFFFFFFFu);
}

TEST_CASE("integer type helpers") {
  CHECK(nvs::is_integer_type(nvs::ItemType::I64));
  CHECK_FALSE(nvs::is_integer_type(nvs::ItemType::String));
  CHECK_FALSE(nvs::is_integer_type(nvs::ItemType::BlobIndex));
  CHECK(nvs::integer_width(nvs::ItemType::U16) == 2);
  CHECK(nvs::is_signed_integer(nvs::ItemType::I8));
  CHECK(nvs::integer_type_from_name("u32") == nvs::ItemType::U32);
  CHECK_FALSE(nvs::integer_type_from_name("U32"));
}
