// The generator's rules beyond the golden cases: number syntax, placement, limits, warnings.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "../../../src/partitions/python_int.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/partitions/codec.hpp"

using namespace fwprov;
using namespace fwprov::partitions;

namespace {

PartitionTable build(const std::string& csv, const TableOptions& options = {}) {
  Warnings warnings;
  return load_table(to_bytes(csv), "t.csv", options, warnings);
}

std::vector<Warning> warnings_for(const std::string& csv, const TableOptions& options = {}) {
  Warnings warnings;
  load_table(to_bytes(csv), "t.csv", options, warnings);
  return warnings.all();
}

std::string error_of(const std::string& csv, const TableOptions& options = {}) {
  try {
    const auto table = build(csv, options);
    encode_table(table, "t.csv", options);
  } catch (const Error& error) {
    return error.what();
  }
  return "(accepted)";
}

std::string many_rows(int count) {
  std::string csv;
  for (int i = 0; i < count; ++i) csv += "p" + std::to_string(i) + ", data, 0x40, , 0x1000\n";
  return csv;
}

}  // namespace

TEST_CASE("integers follow Python int(x, 0)") {
  using detail::python_int;
  CHECK(python_int("0x10") == 16);
  CHECK(python_int("0X_1f") == 31);
  CHECK(python_int("1_000") == 1000);
  CHECK(python_int("0o17") == 15);
  CHECK(python_int("0b101") == 5);
  CHECK(python_int("+7") == 7);
  CHECK(python_int("-0x10") == -16);
  CHECK(python_int("0") == 0);
  CHECK(python_int("00") == 0);
  CHECK_FALSE(python_int("010"));
  CHECK_FALSE(python_int("1__0"));
  CHECK_FALSE(python_int("10_"));
  CHECK_FALSE(python_int("_1"));
  CHECK_FALSE(python_int("0x"));
  CHECK_FALSE(python_int("0.5"));
  CHECK_FALSE(python_int(""));
  const KeywordList none;
  CHECK(detail::parse_field_int("1500K", none, "f", 1) == 1536000);
  CHECK(detail::parse_field_int("0x10k", none, "f", 1) == 0x4000);
  CHECK(detail::parse_field_int("1m", none, "f", 1) == 0x100000);
  CHECK_THROWS_WITH(detail::parse_field_int("0.5M", none, "f", 3), Catch::Contains("Invalid field value 0.5"));
}

TEST_CASE("blank offsets are aligned per type, negative sizes extend to an address") {
  const auto table = build("nvs, data, nvs, , 0x5000\nfactory, app, factory, , 1M\nrest, data, spiffs, , -0x200000\n");
  CHECK(table.partitions[0].offset == 0x9000);
  CHECK(table.partitions[1].offset == 0x10000);
  CHECK(table.partitions[2].offset == 0x110000);
  CHECK(table.partitions[2].size == 0x200000 - 0x110000);
  TableOptions moved_table;
  moved_table.table_offset = 0x10000;
  const auto moved = build("nvs, data, nvs, , 0x5000\n", moved_table);
  CHECK(moved.partitions[0].offset == 0x11000);
}

TEST_CASE("capacity: 94 entries with MD5, 95 without") {
  CHECK(error_of(many_rows(94)) == "(accepted)");
  CHECK_THAT(error_of(many_rows(95)), Catch::Contains("Binary partition table length (3072) longer than max"));
  TableOptions no_md5;
  no_md5.md5 = false;
  CHECK(error_of(many_rows(95), no_md5) == "(accepted)");
  CHECK_THAT(error_of(many_rows(96), no_md5), Catch::Contains("longer than max"));
}

TEST_CASE("flash size overflow by one sector is reported with one decimal") {
  TableOptions eight;
  eight.flash_size = 8u * 1024 * 1024;
  CHECK_THAT(error_of("big, data, spiffs, 0x9000, 0x7F8000\n", eight), Catch::Contains("occupies 8.0MB of flash (8392704 bytes)"));
  CHECK(error_of("big, data, spiffs, 0x9000, 0x7F7000\n", eight) == "(accepted)");
  // The size check runs even with --no-verify.
  eight.verify = false;
  CHECK_THAT(error_of("big, data, spiffs, 0x9000, 0x7F8000\n", eight), Catch::Contains("does not fit"));
}

TEST_CASE("secure boot alignment of app sizes") {
  const std::string csv = "factory, app, factory, 0x10000, 0x11000\n";
  CHECK(error_of(csv) == "(accepted)");
  TableOptions v2;
  v2.secure = SecureBoot::V2;
  CHECK(error_of(csv, v2) == "(accepted)");
  TableOptions v1;
  v1.secure = SecureBoot::V1;
  CHECK_THAT(error_of(csv, v1), Catch::Contains("Size 0x11000 is not aligned to 0x10000"));
}

TEST_CASE("names that look like keywords only warn") {
  const auto found = warnings_for("data, app, factory, 0x10000, 1M\nota_0, app, ota_1, , 1M\nfactory, app, factory, , 1M\n");
  REQUIRE(found.size() == 2);
  CHECK_THAT(found[0].message, Catch::Contains("name 'data' which is a partition type"));
  CHECK(found[0].where.line == 1);
  CHECK_THAT(found[1].message, Catch::Contains("name 'ota_0' which is a partition subtype"));
}

TEST_CASE("coredump cannot be readonly, small readonly nvs is fine, one tee_ota") {
  CHECK_THAT(error_of("core, data, coredump, 0x9000, 0x10000, readonly\n"), Catch::Contains("cannot be read-only"));
  CHECK(error_of("fctry, data, nvs, 0x9000, 0x1000, readonly\n") == "(accepted)");
  CHECK_THAT(error_of("a, data, tee_ota, 0x9000, 0x2000\nb, data, tee_ota, , 0x2000\n"), Catch::Contains("Found multiple TEE otadata"));
  CHECK_THAT(error_of("a, data, tee_ota, 0x9000, 0x1000\n"), Catch::Contains("must have size = 0x2000"));
}

TEST_CASE("the no-verify option skips the rules") {
  TableOptions options;
  options.verify = false;
  CHECK(error_of("factory, app, factory, 0x18000, 1M\n", options) == "(accepted)");
}

TEST_CASE("CSV dialect: comments, CRLF, BOM, extra columns, flags as written") {
  const auto table = build("\xEF\xBB\xBF# comment\r\n\r\n  nvs , data , nvs , , 0x6000 , , extra, columns\r\n");
  REQUIRE(table.partitions.size() == 1);
  CHECK(table.partitions[0].name == "nvs");
  CHECK(table.partitions[0].line == 3);
  CHECK_THAT(error_of("nvs, data, nvs, , 0x6000, encrypted : readonly\n"), Catch::Contains("unknown flag 'encrypted '"));
  CHECK_THAT(error_of("nvs, , nvs, , 0x6000\n"), Catch::Contains("Field 'type' can't be left empty."));
  CHECK_THAT(error_of("x, 0x100, 0, , 0x6000\n"), Catch::Contains("does not fit in one byte"));
}

TEST_CASE("environment variables are expanded like os.path.expandvars") {
  ::setenv("FWPROV_TEST_NVS_SIZE", "0x7000", 1);
  const auto table = build("nvs, data, nvs, , $FWPROV_TEST_NVS_SIZE\nx, data, spiffs, , ${FWPROV_TEST_NVS_SIZE}\n");
  CHECK(table.partitions[0].size == 0x7000);
  CHECK(table.partitions[1].size == 0x7000);
  CHECK_THAT(error_of("$FWPROV_TEST_UNSET_NAME, data, nvs, , 0x6000\n"), Catch::Contains("unknown variable 'FWPROV_TEST_UNSET_NAME'"));
}

TEST_CASE("binary input: MD5 row, rows after it, --disable-md5sum, partial rows") {
  const auto table = build("nvs, data, nvs, , 0x6000\nfactory, app, factory, , 1M\n");
  const Bytes with_md5 = encode_table(table, "t", {});
  Warnings warnings;
  TableOptions no_md5;
  no_md5.md5 = false;
  // With --disable-md5sum the MD5 row is skipped with a warning instead of crashing like the reference.
  const auto read = load_table(with_md5, "t.bin", no_md5, warnings);
  CHECK(read.partitions.size() == 2);
  CHECK(warnings.all().size() == 1);
  // A table without MD5 row reads fine with the default options.
  const Bytes plain = encode_table(table, "t", no_md5);
  Warnings quiet;
  CHECK(load_table(plain, "t.bin", {}, quiet).partitions.size() == 2);
  // Cut in the middle of a row, without end marker.
  const Bytes cut(plain.begin(), plain.begin() + 40);
  CHECK_THROWS_WITH(load_table(cut, "t.bin", {}, quiet), Catch::Contains("multiple of 32 bytes"));
  // A garbage row with non-UTF-8 name bytes is a clean error (the reference crashes).
  Bytes garbage = plain;
  garbage[32] = 0x12;
  garbage[32 + 12] = 0xC3;
  garbage[32 + 13] = 0x28;
  CHECK_THROWS_AS(load_table(garbage, "t.bin", {}, quiet), Error);
}

TEST_CASE("bootloader and partition_table rows are placed from the options") {
  const std::string csv =
      "bootloader, bootloader, primary, N/A, N/A\n"
      "partition_table, partition_table, primary, N/A, N/A\n"
      "nvs, data, nvs, , 0x6000\n";
  CHECK_THAT(error_of(csv), Catch::Contains("Primary bootloader offset is not provided"));
  TableOptions options;
  options.primary_bootloader_offset = 0x1000;
  const auto table = build(csv, options);
  CHECK(table.partitions[0].offset == 0x1000);
  CHECK(table.partitions[0].size == 0x7000);
  CHECK(table.partitions[1].offset == 0x8000);
  CHECK(table.partitions[1].size == 0x1000);
  CHECK(table.partitions[2].offset == 0x9000);  // the special rows do not move the cursor
  CHECK(to_reference_csv_row(table.partitions[0]) == "bootloader,bootloader,primary,0x1000,28K,");
}

TEST_CASE("UTF-16 CSV with a byte-order mark is decoded") {
  const std::string utf8 = "nvs, data, nvs, , 0x6000\n";
  std::string utf16 = "\xFF\xFE";
  for (char c : utf8) utf16 += c, utf16 += '\0';
  const auto table = build(utf16);
  REQUIRE(table.partitions.size() == 1);
  CHECK(table.partitions[0].name == "nvs");
}

TEST_CASE("app subtype keywords keep the generator's order in messages") {
  CHECK_THAT(error_of("x, app, fctory, 0x10000, 1M\n"),
             Catch::Contains("Known keywords: factory, test, ota_0, ota_1, ota_2, ota_3, ota_4, ota_5, ota_6, ota_7, ota_8, "
                             "ota_9, ota_10, ota_11, ota_12, ota_13, ota_14, ota_15, tee_0, tee_1"));
}
