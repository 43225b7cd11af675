#include <catch2/catch.hpp>

#include "fwprov/nvs/values.hpp"

using namespace fwprov;
using nvs::ConvertedValue;
using nvs::ItemType;

namespace {
nvs::ValueContext context(Warnings* warnings = nullptr) {
  return nvs::ValueContext{SourceLocation{"in.csv", 7, 4, "value"}, SourceLocation{"in.csv", 7, 3, "encoding"}, "k", warnings};
}
std::string text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }
}  // namespace

TEST_CASE("integers are read like Python int()") {
  auto parsed = nvs::parse_python_decimal("  -007 ");
  REQUIRE(parsed);
  CHECK(parsed->negative);
  CHECK(parsed->magnitude == 7);
  CHECK(nvs::parse_python_decimal("1_000")->had_underscore);
  CHECK_FALSE(nvs::parse_python_decimal("1__000"));
  CHECK_FALSE(nvs::parse_python_decimal("_1"));
  CHECK_FALSE(nvs::parse_python_decimal("1_"));
  CHECK_FALSE(nvs::parse_python_decimal("0x10"));
  CHECK_FALSE(nvs::parse_python_decimal(""));
  CHECK_FALSE(nvs::parse_python_decimal("1.5"));
  CHECK(nvs::parse_python_decimal("99999999999999999999999")->too_large);
}

TEST_CASE("integer ranges per type") {
  auto fit = [](std::string_view text, ItemType type) { return nvs::fit_integer(*nvs::parse_python_decimal(text), type); };
  CHECK(fit("255", ItemType::U8) == 255u);
  CHECK_FALSE(fit("256", ItemType::U8));
  CHECK(fit("-128", ItemType::I8) == static_cast<std::uint64_t>(-128));
  CHECK_FALSE(fit("-129", ItemType::I8));
  CHECK_FALSE(fit("-1", ItemType::U32));
  CHECK(fit("-0", ItemType::U32) == 0u);
  CHECK(fit("18446744073709551615", ItemType::U64) == UINT64_MAX);
  CHECK_FALSE(fit("18446744073709551616", ItemType::U64));
  CHECK(fit("-9223372036854775808", ItemType::I64) == 0x8000000000000000ull);
  CHECK_FALSE(fit("9223372036854775808", ItemType::I64));
  CHECK(nvs::integer_range_text(ItemType::I16) == "-32768..32767");
}

TEST_CASE("base64 is decoded like binascii.a2b_base64") {
  auto decode = [](std::string_view t) { return nvs::decode_base64_like_python(t); };
  CHECK(text(decode("SGVsbG8=").bytes) == "Hello");
  CHECK(text(decode("QQ==QQ==").bytes) == "A");
  CHECK(decode("QQ==QQ==").ignored_tail);
  CHECK(text(decode("SGVsbG8=extra").bytes) == "Hello");
  CHECK(text(decode("QUJD=").bytes) == "ABC");
  CHECK_FALSE(decode("QUJD=").ignored_tail);
  CHECK(text(decode("SGVs!!bG8=").bytes) == "Hello");
  CHECK(decode("SGVs!!bG8=").skipped_junk);
  CHECK_FALSE(decode(" SGVs\nbG8= ").skipped_junk);
  CHECK(decode("").ok);
  CHECK_FALSE(decode("QUJDRA=").ok);
  CHECK_FALSE(decode("QUJDR").ok);
  CHECK_FALSE(decode("QUJ").ok);
}

TEST_CASE("convert_value follows the reference's encodings") {
  auto c = nvs::convert_value("u16", " 513 ", false, context());
  CHECK(c.kind == ConvertedValue::Kind::Integer);
  CHECK(c.integer_type == ItemType::U16);
  CHECK(c.integer_bits == 513);
  CHECK(nvs::convert_value("U16", "1", false, context()).integer_type == ItemType::U16);

  c = nvs::convert_value("string", "hi", false, context());
  CHECK(c.kind == ConvertedValue::Kind::String);
  CHECK(c.bytes == Bytes{'h', 'i', 0});

  c = nvs::convert_value("hex2bin", " a1B2 ", false, context());
  CHECK(c.kind == ConvertedValue::Kind::Blob);
  CHECK(c.bytes == Bytes{0xA1, 0xB2});

  c = nvs::convert_value("blob_sz_fill(4;0xff)", "ab", false, context());
  CHECK(c.bytes == Bytes{2, 0, 0, 0, 'a', 'b', 0xFF, 0xFF});
  c = nvs::convert_value("blob_fill(3;0x00)", "", false, context());
  CHECK(c.bytes == Bytes{0, 0, 0});
}

TEST_CASE("quirky encodings convert like the reference, with warnings") {
  Warnings warnings;
  auto c = nvs::convert_value("STRING", "no nul", false, context(&warnings));
  CHECK(c.kind == ConvertedValue::Kind::String);
  CHECK(text(c.bytes) == "no nul");
  c = nvs::convert_value("HEX2BIN", "abcd", false, context(&warnings));
  CHECK(c.kind == ConvertedValue::Kind::Blob);
  CHECK(text(c.bytes) == "abcd");
  nvs::convert_value("u32", "1_000", false, context(&warnings));
  CHECK(warnings.all().size() == 3);
  CHECK(warnings.all()[0].where.line == 7);

  Warnings strict({}, true);
  CHECK_THROWS_AS(nvs::convert_value("STRING", "x", false, context(&strict)), Error);
}

TEST_CASE("bad values are Input errors located at the row") {
  auto kind_and_column = [](std::string_view encoding, std::string_view value) {
    try {
      nvs::convert_value(encoding, value, false, context());
    } catch (const Error& error) {
      return std::make_pair(error.kind(), error.where().column);
    }
    return std::make_pair(ErrorKind::Internal, std::size_t{0});
  };
  CHECK(kind_and_column("u8", "256") == std::make_pair(ErrorKind::Input, std::size_t{4}));
  CHECK(kind_and_column("hex2bin", "abc") == std::make_pair(ErrorKind::Input, std::size_t{4}));
  CHECK(kind_and_column("hex2bin", "zz") == std::make_pair(ErrorKind::Input, std::size_t{4}));
  CHECK(kind_and_column("float", "1") == std::make_pair(ErrorKind::Input, std::size_t{3}));
  CHECK(kind_and_column("blob_fill(2;0x00)", "abc") == std::make_pair(ErrorKind::Input, std::size_t{4}));
  CHECK(kind_and_column("blob_fill(2)", "a") == std::make_pair(ErrorKind::Input, std::size_t{3}));
  CHECK(kind_and_column("binary", "d\xC3\xA9j\xC3\xA0") == std::make_pair(ErrorKind::Input, std::size_t{4}));
}

TEST_CASE("UTF-8 validation") {
  CHECK(nvs::is_valid_utf8("plain \xC3\xBC"));
  CHECK_FALSE(nvs::is_valid_utf8("\xC3"));
  CHECK_FALSE(nvs::is_valid_utf8("\xC0\xAF"));        // overlong
  CHECK_FALSE(nvs::is_valid_utf8("\xED\xA0\x80"));    // surrogate
}
