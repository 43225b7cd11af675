#include <catch2/catch.hpp>

#include <fstream>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/esp/stub.hpp"
#include "fwprov/esp/write_plan.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::esp;

namespace {
std::filesystem::path write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}
ErrorKind kind_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const Error& error) {
    return error.kind();
  }
  return ErrorKind::Internal;
}
}  // namespace

TEST_CASE("write plan patches the bootloader at 0x1000 like esptool (golden)") {
  auto params = image::FlashParams::parse("dio", "40m", "4MB");
  auto plan = plan_writes({{0x1000, test::golden("image/bootloader_sha/image.bin")}, {0x20000, test::golden("image/app_esp32/image.bin")}}, params);
  REQUIRE(plan.size() == 2);
  CHECK(plan[0].header_patched);
  CHECK(plan[0].bytes == read_file(test::golden("image/bootloader_sha/write_flash_0x1000_dio_40m_4MB.bin")));
  CHECK_FALSE(plan[1].header_patched);  // not at the bootloader offset
  CHECK(plan[1].bytes == read_file(test::golden("image/app_esp32/image.bin")));
}

TEST_CASE("write plan pads to 4 bytes and rejects overlaps, empty files and oversize regions") {
  auto dir = test::scratch("esp_write_plan");
  auto odd = write_text(dir / "odd.bin", "12345");
  auto keep = image::FlashParams{};
  auto plan = plan_writes({{0x8000, odd}}, keep);
  REQUIRE(plan[0].bytes.size() == 8);
  CHECK(plan[0].bytes[5] == 0xFF);
  CHECK(plan[0].file_size == 5);
  CHECK(kind_of([&] { plan_writes({{0x8000, odd}, {0x8004, odd}}, keep); }) == ErrorKind::Usage);
  auto empty = write_text(dir / "empty.bin", "");
  CHECK(kind_of([&] { plan_writes({{0x8000, empty}}, keep); }) == ErrorKind::Input);
  CHECK(kind_of([&] { plan_writes({{0x3FFFFC, odd}}, keep, 4u << 20); }) == ErrorKind::Input);
  CHECK(kind_of([&] { plan_writes({{0x8000, dir / "missing.bin"}}, keep); }) == ErrorKind::Io);
}

TEST_CASE("stub JSON in the esptool/esptool-js format") {
  auto dir = test::scratch("esp_stub_json");
  auto good = write_text(dir / "stub.json",
                         R"({"entry": 1074434092, "text": "AQID", "text_start": 1074429952, "data": "BAU=", "data_start": 1073605996})");
  auto stub = load_stub_json(good);
  CHECK(stub.text == Bytes{1, 2, 3});
  CHECK(stub.data == Bytes{4, 5});
  CHECK(stub.entry == 1074434092u);
  CHECK(kind_of([&] { load_stub_json(write_text(dir / "a.json", "{")); }) == ErrorKind::Input);
  CHECK(kind_of([&] { load_stub_json(write_text(dir / "b.json", R"({"text": "AQID", "text_start": 1})")); }) == ErrorKind::Input);
  CHECK(kind_of([&] { load_stub_json(write_text(dir / "c.json", R"({"text": "!!", "text_start": 1, "entry": 2})")); }) == ErrorKind::Input);
  CHECK(kind_of([&] { load_stub_json(write_text(dir / "d.json", R"({"text": "AQID", "text_start": 1, "entry": 2, "data": "AQ=="})")); }) ==
        ErrorKind::Input);  // data without data_start
  // An address past 32 bits is refused, not cut to its low 32 bits (0x140080000 would load at 0x40080000).
  CHECK(kind_of([&] { parse_stub_json(R"({"text": "AQID", "text_start": 5369233408, "entry": 2})", "e.json"); }) == ErrorKind::Input);
  CHECK(kind_of([&] { parse_stub_json(R"({"text": "AQID", "text_start": 1, "entry": 18446744073709551615})", "f.json"); }) ==
        ErrorKind::Input);
  CHECK(parse_stub_json(R"({"text": "AQID", "text_start": 4294967295, "entry": 2})", "g.json").text_start == 0xFFFFFFFFu);
  CHECK_FALSE(stub_search_paths("esp32").empty());
}

TEST_CASE("stub JSON: a number too large for a double is an Input error") {  // stub_fuzz
  CHECK(kind_of([] { parse_stub_json(R"({"text": "AQID", "text_start": 1e999, "entry": 2})", "s.json"); }) == ErrorKind::Input);
}
