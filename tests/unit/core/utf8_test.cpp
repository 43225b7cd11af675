#include <catch2/catch.hpp>

#include "fwprov/core/utf8.hpp"

using namespace fwprov;

TEST_CASE("UTF-8 is checked as strictly as Python's decoder") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain \xC3\xBC \xE2\x82\xAC \xF0\x9F\x98\x80"));
  std::size_t bad_at = 99;
  CHECK_FALSE(is_valid_utf8("ab\xC3", &bad_at));  // truncated
  CHECK(bad_at == 2);
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong, 3 bytes
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("\x80"));              // continuation without a lead
  CHECK_FALSE(is_valid_utf8("\xFF"));
}

TEST_CASE("characters are counted, not bytes") {
  CHECK(utf8_character_count("") == 0);
  CHECK(utf8_character_count("key") == 3);
  CHECK(utf8_character_count("k\xC3\xBCy\xE2\x82\xAC") == 4);
}
