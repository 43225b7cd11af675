// Input-CSV edge cases checked against the reference's source (nvs_partition_gen.py reads each
// file with open(path, 'rt', encoding='utf8'), drops physical lines starting with '#', and hands
// the rest to csv.DictReader; the csv module is CPython's Modules/_csv.c in its default,
// non-strict dialect).
#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/nvs/builder.hpp"
#include "fwprov/nvs/csv_input.hpp"
#include "fwprov/nvs/reader.hpp"
#include "fwprov/nvs/values.hpp"

using namespace fwprov;

namespace {
const std::string kHeader = "key,type,encoding,value\n";

// The image of `text` through the same path `nvs generate` takes.
Bytes image_of_csv(const std::string& text, Warnings* warnings = nullptr, std::uint64_t size = 0x3000) {
  nvs::ImageBuilder builder(nvs::build_options(size));
  nvs::RowWriter writer(builder, nvs::RowOptions{{}, warnings, {}});
  for (const auto& row : nvs::parse_input_csv(text, "in.csv")) writer.add_row(row);
  return builder.finish();
}

bool any_warning_contains(const Warnings& warnings, std::string_view text) {
  for (const auto& warning : warnings.all())
    if (warning.message.find(text) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("a UTF-8 byte-order mark stays part of the first header name, as in the reference") {
  // 'utf8' (not 'utf-8-sig') keeps U+FEFF: the header's first name is "\ufeffkey", so
  // row['key'] raises KeyError in the reference.
  CHECK_THROWS_WITH(nvs::parse_input_csv("\xEF\xBB\xBF" + kHeader + "ns,namespace,,\n", "in.csv"),
                    Catch::Contains("no 'key' column") && Catch::Contains("byte-order mark"));
  // A mark before a '#' makes that line no comment (its first character is U+FEFF), so it
  // becomes the header.
  CHECK_THROWS_WITH(nvs::parse_input_csv("\xEF\xBB\xBF# c\n" + kHeader + "ns,namespace,,\n", "in.csv"), Catch::Contains("byte-order mark"));
  // When the first column is one the reference ignores, the mark does no harm.
  auto rows = nvs::parse_input_csv("\xEF\xBB\xBFid,key,type,encoding,value\n1,ns,namespace,,\n", "in.csv");
  REQUIRE(rows.size() == 1);
  CHECK(*rows[0].key == "ns");
  CHECK(image_of_csv("\xEF\xBB\xBFid,key,type,encoding,value\n1,ns,namespace,,\n") == image_of_csv(kHeader + "ns,namespace,,\n"));
}

TEST_CASE("an empty first line is the reference's header: every row then fails") {
  // csv.DictReader.fieldnames is next(reader) without skipping [] rows, so the header is empty.
  CHECK_THROWS_WITH(nvs::parse_input_csv("\n" + kHeader + "ns,namespace,,\n", "in.csv"), Catch::Contains("first line is empty"));
  try {
    nvs::parse_input_csv("# comment\n\r\n" + kHeader + "ns,namespace,,\n", "in.csv");
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.where().line == 2);  // the empty line, counted in the original file
  }
  // Empty lines after the header are skipped (DictReader skips [] rows), and a file of
  // nothing but empty lines has no rows at all.
  CHECK(nvs::parse_input_csv(kHeader + "\n\nns,namespace,,\n\n", "in.csv").size() == 1);
  CHECK(nvs::parse_input_csv("\n\n", "in.csv").empty());
}

TEST_CASE("a quote left open at the end of the file runs to the end, like Python's csv module") {
  // _csv.c, at the end of input in IN_QUOTED_FIELD (non-strict): the field is saved and the
  // row returned; the line ends read inside the quote are part of the field.
  auto rows = nvs::parse_input_csv(kHeader + "ns,namespace,,\ns,data,string,\"abc\n# not a comment?\nxyz", "in.csv");
  REQUIRE(rows.size() == 2);
  CHECK(*rows[1].value == "abc\nxyz");  // the '#' line is dropped before the CSV parser sees it
  CHECK(rows[1].unclosed_quote);
  CHECK_FALSE(rows[0].unclosed_quote);
  // With a final line end, that line end belongs to the value.
  CHECK(*nvs::parse_input_csv(kHeader + "s,data,string,\"abc\r\n", "in.csv")[0].value == "abc\n");

  Warnings warnings;
  Bytes image = image_of_csv(kHeader + "ns,namespace,,\ns,data,string,\"a,b\n", &warnings);
  CHECK(any_warning_contains(warnings, "never closed"));
  auto decoded = nvs::read_image(image);
  REQUIRE(decoded.items.size() == 1);
  CHECK(decoded.items[0].data == nvs::string_bytes("a,b\n"));
}

TEST_CASE("fields longer than Python's csv field size limit are read, with a warning") {
  // csv.field_size_limit() defaults to 131072 characters; one more raises _csv.Error in the
  // reference. fwprov reads it (decode --csv writes big blobs inline) and warns.
  std::string at_limit(nvs::kMaxCsvFieldCharacters, 'a');
  auto rows = nvs::parse_input_csv(kHeader + "b,data,hex2bin," + at_limit + "\n", "in.csv");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].oversized_field_column == 0);
  rows = nvs::parse_input_csv(kHeader + "b,data,hex2bin,\"" + at_limit + "ab\"\n", "in.csv");
  CHECK(rows[0].oversized_field_column == 4);
  CHECK(rows[0].value->size() == nvs::kMaxCsvFieldCharacters + 2);

  Warnings warnings;
  Bytes image = image_of_csv(kHeader + "ns,namespace,,\nb,data,hex2bin," + at_limit + "ab\n", &warnings, 0x20000);
  REQUIRE(warnings.all().size() == 1);
  CHECK(warnings.all()[0].where.line == 3);
  CHECK(warnings.all()[0].where.column == 4);
  CHECK(warnings.all()[0].message.find("longer than 131072") != std::string::npos);
  auto items = nvs::read_image(image).items;
  REQUIRE(items.size() == 1);
  Bytes expected(nvs::kMaxCsvFieldCharacters / 2, 0xAA);  // "aa" pairs, then "ab"
  expected.push_back(0xAB);
  CHECK(items[0].data == expected);
  Warnings strict({}, true);
  CHECK_THROWS_WITH(image_of_csv(kHeader + "ns,namespace,,\nb,data,hex2bin," + at_limit + "ab\n", &strict, 0x20000), Catch::Contains("--strict"));

  // The limit counts characters: 131072 two-byte characters are within it.
  std::string wide;
  for (std::size_t i = 0; i < nvs::kMaxCsvFieldCharacters; ++i) wide += "\xC3\xA9";
  CHECK(nvs::parse_input_csv(kHeader + "s,data,binary," + wide + "\n", "in.csv")[0].oversized_field_column == 0);
}

TEST_CASE("inline base64 with non-ASCII text fails like binascii.a2b_base64 on a str") {
  nvs::ValueContext context{SourceLocation{"in.csv", 3, 4, "value"}, SourceLocation{"in.csv", 3, 3, "encoding"}, "k", nullptr};
  CHECK_THROWS_WITH(nvs::convert_value("base64", "QUJD\xC3\xA9", false, context), Catch::Contains("non-ASCII"));
  // Bytes read from a file are not a str: a2b_base64 skips the bytes outside its alphabet.
  CHECK(nvs::convert_value("base64", "QUJD\xC3\xA9", true, context).bytes == Bytes{'A', 'B', 'C'});
}

TEST_CASE("the 255th namespace is written like the reference, with a warning") {
  // The reference packs the index as one byte (256 crashes it); ESP-IDF treats 255 as "any".
  std::string text = kHeader;
  for (int i = 1; i <= 255; ++i) text += "n" + std::to_string(i) + ",namespace,,\n";
  text += "k,data,u8,7\n";
  Warnings warnings;
  nvs::ImageBuilder builder(nvs::build_options(0x4000));
  nvs::RowWriter writer(builder, nvs::RowOptions{{}, &warnings, {}});
  for (const auto& row : nvs::parse_input_csv(text, "in.csv")) writer.add_row(row);
  CHECK(builder.current_namespace() == 255);
  CHECK(any_warning_contains(warnings, "255th"));
  CHECK(warnings.all().size() == 1);
  auto decoded = nvs::read_image(builder.finish());
  REQUIRE(decoded.items.size() == 1);
  CHECK(decoded.items[0].ns == 255);
}

TEST_CASE("blob_fill with no value field is padding only, as in the reference") {
  // write_entry: `if value:` is false for None, so data = padding bytes (no crash).
  Bytes image = image_of_csv(kHeader + "ns,namespace,,\nf,data,blob_fill(4;0xAB)\ng,data,blob_sz_fill(2;0x00)\n");
  auto items = nvs::read_image(image).items;
  REQUIRE(items.size() == 2);
  CHECK(items[0].data == Bytes(4, 0xAB));
  CHECK(items[1].data == Bytes{0, 0, 0, 0, 0, 0});
  CHECK_THROWS_WITH(image_of_csv(kHeader + "ns,namespace,,\nu,data,u8\n"), Catch::Contains("no value field"));
}
