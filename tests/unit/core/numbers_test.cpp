#include <catch2/catch.hpp>

#include "fwprov/core/numbers.hpp"

using fwprov::parse_size;
using fwprov::parse_unsigned;

TEST_CASE("parse_size accepts hex, decimal and K/M suffixes") {
  CHECK(parse_size("0x6000") == 0x6000u);
  CHECK(parse_size("24576") == 24576u);
  CHECK(parse_size("24K") == 24576u);
  CHECK(parse_size("1500K") == 1500u * 1024);
  CHECK(parse_size("4MB") == 4u * 1024 * 1024);
  CHECK(parse_size("4m") == 4u * 1024 * 1024);
  CHECK(parse_size("0x1B") == 0x1Bu);  // a hex B is a digit, not "bytes"
  CHECK_FALSE(parse_size("K"));
  CHECK_FALSE(parse_size("12Q"));
  CHECK_FALSE(parse_size(""));
}

TEST_CASE("parse_unsigned takes base prefixes and refuses overflow") {
  CHECK(parse_unsigned("0b101") == 5u);
  CHECK(parse_unsigned("0o17") == 15u);
  CHECK(parse_unsigned(" 42 ") == 42u);
  CHECK_FALSE(parse_unsigned("0x"));
  CHECK_FALSE(parse_unsigned("99999999999999999999999"));
  CHECK_FALSE(parse_unsigned("-1"));
}
