// mfg edge cases checked against the reference's source (esp-idf tools/mass_mfg/mfg_gen.py:
// verify_datatype_encoding, verify_keys_exist, set_repeat_value, add_data_to_file and the
// output-file existence checks in create_intermediate_csv).
#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/nvs/mfg.hpp"
#include "fwprov/nvs/reader.hpp"

using namespace fwprov;

namespace {
nvs::MfgOptions plain_mfg_options(Warnings* warnings = nullptr) {
  nvs::MfgOptions options;
  options.build = nvs::build_options(0x3000);
  options.prefix = "p";
  options.jobs = 1;
  options.warnings = warnings;
  return options;
}

std::vector<nvs::MfgDevice> mfg_batch(const std::string& config, const std::string& values, Warnings* warnings = nullptr) {
  return nvs::build_mfg_batch(nvs::parse_mfg_input(config, "c.csv", values, "v.csv"), plain_mfg_options(warnings));
}
}  // namespace

TEST_CASE("mfg: namespace config rows go to the device CSV as written, plus an empty value") {
  // add_data_to_file: data_to_write = data[:] + [''] for rows holding 'namespace'.
  auto devices = mfg_batch("dev,namespace,anything\na,data,u8\n", "a\n1\n");
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].csv == "key,type,encoding,value\r\ndev,namespace,anything,\r\na,data,u8,1\r\n");
  // "ns,data,namespace" counts as a namespace row in mfg_gen.py (the word is in the row), but
  // the device CSV says type data, encoding namespace: nvs_partition_gen.py then stops with
  // "Unsupported encoding".
  CHECK_THROWS_WITH(mfg_batch("dev,data,namespace\na,data,u8\n", "a\n1\n"), Catch::Contains("unsupported encoding 'namespace'"));
}

TEST_CASE("mfg: type and encoding are checked where the config row has them, REPEAT included") {
  // verify_datatype_encoding reads line[1] and line[2] of the row as written.
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\na,data,REPEAT,u8\n", "c.csv", "a\n1\n", "v.csv"), Catch::Contains("encoding 'REPEAT'"));
  auto input = nvs::parse_mfg_input("n,namespace,\na,data,u8,REPEAT\n", "c.csv", "a\n1\n2\n", "v.csv");
  CHECK(input.config[1].repeat);
  CHECK(input.config[1].fields == std::vector<std::string>{"a", "data", "u8"});
}

TEST_CASE("mfg: config keys must match the values header's config-key columns in order") {
  // verify_keys_exist walks the header's config-key names (duplicates included) in order.
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\na,data,u8\nb,data,u8\n", "c.csv", "a,x,a,b\n1,2,3,4\n", "v.csv"),
                    Catch::Contains("key 'b' has no column"));
  auto input = nvs::parse_mfg_input("n,namespace,\na,data,u8\nb,data,u8\n", "c.csv", "a,b,a\n1,2,3\n", "v.csv");
  CHECK(input.config[1].value_column == 0);
  CHECK(input.config[2].value_column == 1);
}

TEST_CASE("mfg: a value equal to a later key name takes that key's place (reference quirk, warned)") {
  // add_data_to_file: `while key not in key_value_pair[0]` tests the (column, value) tuple,
  // so column id's value "a" matches key a before column a does.
  Warnings warnings;
  auto devices = mfg_batch("n,namespace,\na,data,string\n", "id,a\na,5\nx,6\n", &warnings);
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].csv == "key,type,encoding,value\r\nn,namespace,,\r\na,data,string,a\r\n");
  CHECK(devices[1].csv == "key,type,encoding,value\r\nn,namespace,,\r\na,data,string,6\r\n");
  REQUIRE(warnings.all().size() == 1);
  CHECK(warnings.all()[0].where.line == 2);
  CHECK(warnings.all()[0].message.find("column 'id' holds the text 'a'") != std::string::npos);
}

TEST_CASE("mfg: REPEAT keys are matched against the header in order, namespace rows included") {
  // set_repeat_value compares header names with the REPEAT keys one after the other; a
  // REPEAT namespace name never matches a column, so the keys after it are not repeated.
  auto blocked = nvs::parse_mfg_input("n,namespace,,REPEAT\na,data,u8,REPEAT\n", "c.csv", "a\n1\n2\n", "v.csv");
  CHECK(blocked.devices[1][0] == "2");
  auto repeated = nvs::parse_mfg_input("n,namespace,\na,data,u8,REPEAT\nb,data,u8\nc,data,u8,REPEAT\n", "c.csv", "a,b,c\n1,2,3\n4,5,6\n", "v.csv");
  CHECK(repeated.devices[1] == std::vector<std::string>{"1", "5", "3"});
  // next(reader) for the first device row raises StopIteration: the reference exits 1.
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\na,data,u8,REPEAT\n", "c.csv", "a\n", "v.csv"), Catch::Contains("REPEAT needs"));
  CHECK(nvs::parse_mfg_input("n,namespace,\na,data,u8\n", "c.csv", "a\n", "v.csv").devices.empty());
}

TEST_CASE("mfg: inputs are read with universal newlines, inside quoted values too") {
  auto devices = mfg_batch("n,namespace,\r\ns,data,string\r\n", "s\r\n\"x\r\ny\"\r\n");
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].csv == "key,type,encoding,value\r\nn,namespace,,\r\ns,data,string,\"x\ny\"\r\n");
  auto items = nvs::read_image(devices[0].image).items;
  REQUIRE(items.size() == 1);
  CHECK(items[0].data == nvs::string_bytes("x\ny"));
}

TEST_CASE("mfg: two devices with the same file name fail like the reference's existing-file check") {
  auto input = nvs::parse_mfg_input("n,namespace,\nsn,data,string\n", "c.csv", "sn\nA\nB\nA\n", "v.csv");
  auto options = plain_mfg_options();
  options.fileid = "sn";
  try {
    nvs::build_mfg_batch(input, options);
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.where().file == "v.csv");
    CHECK(error.where().line == 4);
    CHECK(std::string(error.what()).find("line 2") != std::string::npos);
  }
}

TEST_CASE("mfg: files of blank lines only are empty, reported at line 1") {
  // mfg_gen.py strips blank lines into *_tmp.csv, then refuses an empty work file.
  try {
    nvs::parse_mfg_input("\n  \r\n", "c.csv", "a\n1\n", "v.csv");
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.where().file == "c.csv");
    CHECK(error.where().line == 1);
    CHECK(std::string(error.what()).find("empty") != std::string::npos);
  }
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\n", "c.csv", "\n\n", "v.csv"), Catch::Contains("v.csv:1: the values file is empty"));
}

TEST_CASE("mfg: --prefix_num counters are formatted like Python's f\"{n:0{digits}}\"") {
  // create_intermediate_csv: prefix_number = f"{prefix_num_start:0{prefix_num_digits}}"; the
  // sign counts towards the width ("-02"), a width below the length does not cut ("1000").
  auto input = nvs::parse_mfg_input("n,namespace,\na,data,u8\n", "c.csv", "a\n1\n2\n3\n", "v.csv");
  auto options = plain_mfg_options();
  options.prefix_num = std::make_pair(std::int64_t{-2}, 3u);
  auto devices = nvs::build_mfg_batch(input, options);
  REQUIRE(devices.size() == 3);
  CHECK(devices[0].name == "p--02-1");
  CHECK(devices[1].name == "p--01-2");
  CHECK(devices[2].name == "p-000-3");
  options.prefix_num = std::make_pair(std::int64_t{999}, 0u);
  CHECK(nvs::build_mfg_batch(input, options)[1].name == "p-1000-2");
}
