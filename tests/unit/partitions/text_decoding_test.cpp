// How the CSV text is decoded, split into lines and trimmed where Python's str methods go
// beyond ASCII. The reference (gen_esp32part.py v6.0, from_file/from_csv) decodes the file
// with bytes.decode() (strict UTF-8 unless a byte-order mark picks another codec), splits it
// with str.splitlines() and trims every line and field with str.strip(); the expectations
// below are what those Python methods do.
#include <catch2/catch.hpp>

#include "../../../src/partitions/python_int.hpp"
#include "../../../src/partitions/text_input.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/utf8.hpp"
#include "fwprov/partitions/codec.hpp"

using namespace fwprov;
using namespace fwprov::partitions;

namespace {

PartitionTable table_from_text(const std::string& csv) {
  Warnings warnings;
  return load_table(to_bytes(csv), "text.csv", {}, warnings);
}

// "file:line ... message" of the error fwprov raises for `csv`, or "(accepted)".
std::string refusal_text(const std::string& csv) {
  try {
    (void)table_from_text(csv);
  } catch (const Error& error) {
    return error.where().to_string() + " " + error.message();
  }
  return "(accepted)";
}

}  // namespace

TEST_CASE("str.strip() removes Unicode spaces around lines and fields") {
  // U+00A0 (no-break space, C2 A0) and U+3000 (ideographic space, E3 80 80) are str.isspace().
  const auto table = table_from_text("\xE3\x80\x80nvs,\xC2\xA0" "data\xC2\xA0, nvs , , 0x6000\xE3\x80\x80\n");
  REQUIRE(table.partitions.size() == 1);
  CHECK(table.partitions[0].name == "nvs");
  CHECK(table.partitions[0].type == kTypeData);
  CHECK(table.partitions[0].size == 0x6000);
  // int() strips the same characters.
  CHECK(detail::python_int("\xC2\xA0" "12\xE2\x80\x83") == 12);
  // U+200B (zero-width space) is not whitespace for Python: the field stays invalid.
  CHECK_THAT(refusal_text("nvs, data, nvs, , 0x6000\xE2\x80\x8B\n"), Catch::Contains("Invalid field value"));
}

TEST_CASE("str.splitlines() also breaks at U+0085, U+2028 and U+2029") {
  const auto table = table_from_text("nvs, data, nvs, , 0x6000\xE2\x80\xA8phy, data, phy, , 0x1000\xC2\x85" "f, app, factory, , 1M\n");
  REQUIRE(table.partitions.size() == 3);
  CHECK(table.partitions[1].name == "phy");
  CHECK(table.partitions[1].line == 2);
  CHECK(table.partitions[2].line == 3);
  CHECK(table.partitions[2].offset == 0x10000);
}

TEST_CASE("text that Python's strict UTF-8 decoder rejects is refused, naming the line") {
  // The reference crashes with UnicodeDecodeError; fwprov names the file and line.
  CHECK_THAT(refusal_text("nvs, data, nvs, , 0x6000\nna\xFFme, data, phy, , 0x1000\n"), Catch::Contains("text.csv:2"));
  CHECK_THAT(refusal_text("n\xC0\xAF, data, nvs, , 0x6000\n"), Catch::Contains("not UTF-8"));     // overlong '/'
  CHECK_THAT(refusal_text("n\xED\xA0\x80, data, nvs, , 0x6000\n"), Catch::Contains("not UTF-8")); // UTF-16 surrogate
  CHECK_THAT(refusal_text("n\xF4\x90\x80\x80, data, nvs, , 0x6000\n"), Catch::Contains("not UTF-8")); // above U+10FFFF
  CHECK(refusal_text("n\xF0\x9F\x98\x80, data, nvs, , 0x6000\n") == "(accepted)");                  // U+1F600 is fine
  std::size_t bad_at = 0;
  CHECK_FALSE(is_valid_utf8("ab\xE2\x82", &bad_at));  // truncated 3-byte sequence
  CHECK(bad_at == 2);
}

TEST_CASE("UTF-32 text: big-endian decodes, little-endian is refused like the reference") {
  const std::string utf8 = "nvs, data, nvs, , 0x6000\n";
  std::string big = std::string("\0\0\xFE\xFF", 4), little = std::string("\xFF\xFE\0\0", 4);
  for (char c : utf8) {
    big += std::string("\0\0\0", 3) + c;
    little += c + std::string("\0\0\0", 3);
  }
  const auto table = table_from_text(big);
  REQUIRE(table.partitions.size() == 1);
  CHECK(table.partitions[0].name == "nvs");
  // get_encoding() tests the UTF-16-LE mark (FF FE) before the UTF-32-LE one (FF FE 00 00), so
  // the reference decodes this as UTF-16: line 1 starts with U+0000 and is never a valid row.
  CHECK_THAT(refusal_text(little), Catch::Contains("text.csv:1") && Catch::Contains("UTF-32-LE"));
}

TEST_CASE("binary names must decode as strict UTF-8, as bytes.decode() requires") {
  Warnings warnings;
  const auto table = load_table(to_bytes("nvs, data, nvs, , 0x6000\n"), "t.csv", {}, warnings);
  TableOptions no_md5;
  no_md5.md5 = false;
  Bytes binary = encode_table(table, "t.csv", no_md5);
  // A UTF-16 surrogate (ED A0 80) is structurally UTF-8 but Python refuses it.
  binary[12] = 0xED, binary[13] = 0xA0, binary[14] = 0x80;
  CHECK_THROWS_WITH(load_table(binary, "t.bin", {}, warnings), Catch::Contains("not valid UTF-8"));
}
