#include <catch2/catch.hpp>

#include "fwprov/core/encoding.hpp"

using namespace fwprov;

TEST_CASE("hex round trip and rejects") {
  Bytes data{0x00, 0xAB, 0x7F};
  CHECK(to_hex(data) == "00ab7f");
  CHECK(from_hex("00AB7f") == data);
  CHECK_FALSE(from_hex("abc"));
  CHECK_FALSE(from_hex("zz"));
}

TEST_CASE("base64 matches RFC 4648 test vectors") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(to_base64(to_bytes(plain)) == encoded);
    auto decoded = from_base64(encoded);
    REQUIRE(decoded);
    CHECK(decoded->bytes == to_bytes(plain));
  }
}

TEST_CASE("base64 strict rejects junk, lenient skips it and says so") {
  CHECK_FALSE(from_base64("Zm9v YmFy"));
  CHECK_FALSE(from_base64("Zm9vYmF"));
  auto lenient = from_base64("Zm9v\nYm*Fy", true);
  REQUIRE(lenient);
  CHECK(lenient->bytes == to_bytes("foobar"));
  CHECK(lenient->had_junk);
  CHECK_FALSE(from_base64("Z", true));  // a lone symbol cannot encode a byte
}
