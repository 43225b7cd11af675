#include <catch2/catch.hpp>

#include "fwprov/nvs/csv_input.hpp"
#include "fwprov/nvs/csv_output.hpp"
#include "fwprov/nvs/reader.hpp"

using namespace fwprov;

TEST_CASE("input CSV: comments, CR LF, columns by name, missing fields") {
  std::string text = "# first\r\ntype,key,value,encoding,extra\r\nnamespace,ns,,\r\n\r\n#x\r\ndata,k,\"a,\r\nb\",string,z\r\ndata,short\r\n";
  auto rows = nvs::parse_input_csv(text, "in.csv");
  REQUIRE(rows.size() == 3);
  CHECK(*rows[0].key == "ns");
  CHECK(rows[0].where.line == 3);
  CHECK(*rows[1].value == "a,\nb");  // universal newlines inside quotes too
  CHECK(*rows[1].encoding == "string");
  CHECK(rows[1].where.line == 6);
  CHECK(rows[1].value_column == 3);
  CHECK_FALSE(rows[2].value);
  CHECK_THROWS_WITH(nvs::parse_input_csv("key,type,value\n", "in.csv"), Catch::Contains("no 'encoding' column"));
}

TEST_CASE("RowWriter reports errors at the row and mfg-style in-memory rows work") {
  nvs::ImageBuilder builder(nvs::build_options(0x3000));
  nvs::RowWriter writer(builder, {});
  writer.add("dev", "namespace", "", "");
  writer.add("serial", "data", "string", "SN-1", SourceLocation{"dev.csv", 3});
  try {
    writer.add("bad", "data", "u8", "300", SourceLocation{"dev.csv", 4});
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.where().line == 4);
    CHECK(std::string(error.what()).find("'bad'") != std::string::npos);
  }
}

TEST_CASE("decode --csv output regenerates the same items") {
  nvs::ImageBuilder builder(nvs::build_options(0x3000));
  nvs::RowWriter writer(builder, {});
  writer.add("n", "namespace", "", "");
  writer.add("#hash", "data", "string", "line1\nline2, \"quoted\"");
  writer.add("b", "data", "hex2bin", "00ff");
  writer.add("i", "data", "i32", "-5");
  Bytes image = builder.finish();
  auto exported = nvs::export_csv(nvs::read_image(image), {});
  CHECK(exported.notes.empty());
  CHECK(exported.csv.find("\"#hash\",data,string,\"line1\nline2, \"\"quoted\"\"\"\n") != std::string::npos);

  nvs::ImageBuilder again(nvs::build_options(0x3000));
  nvs::RowWriter rewriter(again, {});
  for (const auto& row : nvs::parse_input_csv(exported.csv, "out.csv")) rewriter.add_row(row);
  CHECK(again.finish() == image);
}

TEST_CASE("rows before the first namespace are told apart from namespace definitions") {
  for (std::string_view orphan_value : {"1", "7", "2"}) {
    nvs::ImageBuilder builder(nvs::build_options(0x3000));
    nvs::RowWriter writer(builder, {});
    writer.add("orphan", "data", "u8", orphan_value);
    writer.add("a", "namespace", "", "");
    writer.add("x", "data", "u8", "5");
    writer.add("b", "namespace", "", "");
    Bytes image = builder.finish();
    auto decoded = nvs::read_image(image);
    REQUIRE(decoded.namespaces.size() == 2);
    CHECK(decoded.namespaces[0].name == "a");
    REQUIRE(decoded.items.size() == 2);
    CHECK(decoded.items[0].key == "orphan");
    CHECK(decoded.items[0].ns == 0);
    auto exported = nvs::export_csv(decoded, {});
    nvs::ImageBuilder again(nvs::build_options(0x3000));
    nvs::RowWriter rewriter(again, {});
    for (const auto& row : nvs::parse_input_csv(exported.csv, "out.csv")) rewriter.add_row(row);
    CHECK(again.finish() == image);
  }
}
