// ESP-IDF's flash_args / flasher_args.json parsing (esp/flash_args.hpp), moved out of the CLI
// so flash_args_fuzz can reach it.
#include <catch2/catch.hpp>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/flash_args.hpp"
#include "test_support.hpp"

using namespace fwprov;
using namespace fwprov::esp;

using test::thrown_kind;

TEST_CASE("flasher_args.json: files, settings, chip") {
  auto inputs = parse_flasher_args(R"({"flash_files": {"0x1000": "bootloader/bootloader.bin", "0x10000": "app.bin"},
    "flash_settings": {"flash_mode": "dio", "flash_freq": "80m", "flash_size": "4MB"},
    "extra_esptool_args": {"chip": "esp32s3"}})",
                                   "build/flasher_args.json");
  REQUIRE(inputs.items.size() == 2);
  CHECK(inputs.items[0].address == 0x1000u);
  CHECK(inputs.items[0].file == "build/bootloader/bootloader.bin");
  CHECK(inputs.items[1].address == 0x10000u);
  CHECK(inputs.flash_mode == "dio");
  CHECK(inputs.flash_size == "4MB");
  CHECK(inputs.chip == "esp32s3");
  CHECK_FALSE(inputs.needs_table());
  CHECK(thrown_kind([] { parse_flasher_args("{", "f.json"); }) == ErrorKind::Input);
  CHECK(thrown_kind([] { parse_flasher_args(R"({"flash_files": {}})", "f.json"); }) == ErrorKind::Input);
  CHECK(thrown_kind([] { parse_flasher_args(R"({"flash_files": {"zz": "a.bin"}})", "f.json"); }) == ErrorKind::Input);
  CHECK(thrown_kind([] { parse_flasher_args(R"({"flash_files": {"0x0": 5}})", "f.json"); }) == ErrorKind::Input);
  // flash_args_fuzz: a number too large for a double escaped as nlohmann's out_of_range.
  CHECK(thrown_kind([] { parse_flasher_args(R"({"flash_files": {"0x0": "a.bin"}, "flash_settings": 1e999})", "f.json"); }) ==
        ErrorKind::Input);
}

TEST_CASE("flash_args: quoted words, options, ADDRESS FILE and NAME=FILE") {
  auto words = split_argument_file("--flash_mode dio\n0x1000 'boot loader.bin'\tnvs=\"my nvs.bin\"\n", "flash_args");
  REQUIRE(words == std::vector<std::string>{"--flash_mode", "dio", "0x1000", "boot loader.bin", "nvs=my nvs.bin"});
  CHECK(thrown_kind([] { split_argument_file("0x0 'open", "flash_args"); }) == ErrorKind::Input);
  std::vector<FlashWord> list;
  for (auto& word : words) list.push_back({word, {}});
  auto inputs = parse_flash_words(list, "flash write");
  CHECK(inputs.flash_mode == "dio");
  REQUIRE(inputs.items.size() == 2);
  CHECK(inputs.items[0].address == 0x1000u);
  CHECK(inputs.items[0].file == "boot loader.bin");
  CHECK(inputs.items[1].partition == "nvs");
  CHECK(inputs.needs_table());
  CHECK(thrown_kind([] { parse_flash_words({{"0x1000", {}}}, "flash write"); }) == ErrorKind::Usage);
  CHECK(thrown_kind([] { parse_flash_words({{"--baud", {}}, {"1", {}}}, "flash write"); }) == ErrorKind::Usage);
  CHECK(thrown_kind([] { parse_flash_words({}, "flash write"); }) == ErrorKind::Usage);
}
