#include <catch2/catch.hpp>

#include "fwprov/nvs/mfg.hpp"
#include "fwprov/nvs/reader.hpp"

using namespace fwprov;

TEST_CASE("per-device CSV rows are quoted like Python's csv writer, with CR LF") {
  CHECK(nvs::python_csv_row({"a", "b,c", "say \"hi\"", ""}) == "a,\"b,c\",\"say \"\"hi\"\"\",\r\n");
  CHECK(nvs::python_csv_row({"n", "namespace", "", ""}) == "n,namespace,,\r\n");
}

TEST_CASE("mfg inputs: REPEAT, column order, extra columns, field counts") {
  auto input = nvs::parse_mfg_input("dev,namespace,\nserial,data,string\n\n  \nyear,data,u16,REPEAT\n", "c.csv",
                                    "id,serial,year\n1,A,2025\n2,B,\n3,C,1999\n", "v.csv");
  REQUIRE(input.devices.size() == 3);
  CHECK(input.config[1].value_column == 1);
  CHECK(input.config[2].repeat);
  CHECK(input.devices[1][2] == "2025");
  CHECK(input.devices[2][2] == "2025");
  CHECK(input.device_lines[2] == 4);

  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\nb,data,u8\na,data,u8\n", "c.csv", "a,b\n1,2\n", "v.csv"),
                    Catch::Contains("same order") || Catch::Contains("config order"));
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\na,data,i16\n", "c.csv", "a\n1\n", "v.csv"), Catch::Contains("no i16"));
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace\na,data,u8\n", "c.csv", "a\n1\n", "v.csv"), Catch::Contains("3 fields"));
  CHECK_THROWS_WITH(nvs::parse_mfg_input("n,namespace,\na,data,u8\n", "c.csv", "a,b\n1\n", "v.csv"), Catch::Contains("the header has 2"));
}

TEST_CASE("mfg batch: names, values and the reference's fileid quirk") {
  auto input = nvs::parse_mfg_input("dev,namespace,\nserial,data,string\nlevel,data,u8\n", "c.csv",
                                    "serial,level\nSN1,1\nSN2,2\n", "v.csv");
  nvs::MfgOptions options;
  options.build = nvs::build_options(0x3000);
  options.prefix = "p";
  options.fileid = "serial";
  options.prefix_num = std::make_pair(std::uint64_t{9}, 3u);
  options.jobs = 2;
  auto devices = nvs::build_mfg_batch(input, options);
  REQUIRE(devices.size() == 2);
  CHECK(devices[0].name == "p-009-SN1");
  CHECK(devices[1].name == "p-010-SN2");
  CHECK(devices[1].csv == "key,type,encoding,value\r\ndev,namespace,,\r\nserial,data,string,SN2\r\nlevel,data,u8,2\r\n");
  auto decoded = nvs::read_image(devices[1].image);
  REQUIRE(decoded.items.size() == 2);
  CHECK(decoded.items[1].integer_bits == 2);
  CHECK(nvs::check_image(decoded).empty());

  // A value equal to the fileid name matches first (reference quirk).
  auto quirky = nvs::parse_mfg_input("dev,namespace,\nlevel,data,string\nserial,data,string\n", "c.csv", "level,serial\nserial,SN1\n", "v.csv");
  options.prefix_num.reset();
  CHECK(nvs::build_mfg_batch(quirky, options)[0].name == "p-serial");
}

TEST_CASE("a bad value fails the batch at the values row and column") {
  auto input = nvs::parse_mfg_input("dev,namespace,\nid,data,u8\n", "c.csv", "id\n1\n2\n300\n", "v.csv");
  nvs::MfgOptions options;
  options.build = nvs::build_options(0x3000);
  options.prefix = "p";
  options.jobs = 2;
  try {
    nvs::build_mfg_batch(input, options);
    FAIL("no error");
  } catch (const Error& error) {
    CHECK(error.where().file == "v.csv");
    CHECK(error.where().line == 4);
    CHECK(error.where().column == 1);
  }
}
