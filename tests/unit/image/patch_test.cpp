// patch_flash_params against every write-flash result recorded in tests/golden/image.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/image/chips.hpp"
#include "fwprov/image/patch.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using namespace fwprov;
using namespace fwprov::image;

namespace {

nlohmann::json load_json(const fs::path& path) { return nlohmann::json::parse(read_text_file(path)); }

std::uint32_t address_of(const nlohmann::json& row) {
  return static_cast<std::uint32_t>(parse_unsigned(row.at("address").get<std::string>()).value());
}

FlashParams params_of(const nlohmann::json& row, std::uint16_t chip_id = 0) {
  return FlashParams::parse(row.at("flash_mode").get<std::string>(), row.at("flash_freq").get<std::string>(),
                            row.at("flash_size").get<std::string>(), chip_id);
}

// The chip write-flash talked to when the case was recorded: expected.json "chip" (esptool's
// name), else the one the image names.
const Chip& recorded_chip(const nlohmann::json& expected, ByteView image) {
  if (expected.contains("chip")) {
    const Chip* chip = chip_by_name(expected.at("chip").get<std::string>());
    REQUIRE(chip != nullptr);
    return *chip;
  }
  return chip_of_image(image);
}

std::string header_hex(const PatchResult& result) {
  const std::uint8_t bytes[] = {result.flash_mode, result.flash_size_freq};
  return to_hex(bytes);
}

std::vector<fs::path> case_dirs() {
  std::vector<fs::path> dirs;
  for (const auto& entry : fs::directory_iterator(test::golden("image")))
    if (entry.is_directory() && fs::exists(entry.path() / "image.bin")) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

}  // namespace

TEST_CASE("write-flash patch results match every golden image case") {
  const auto dirs = case_dirs();
  REQUIRE(dirs.size() >= 3);
  std::size_t checked = 0;
  for (const auto& dir : dirs) {
    const Bytes input = read_file(dir / "image.bin");
    const auto expected = load_json(dir / "expected.json");
    const Chip& chip = recorded_chip(expected, input);
    for (const auto& row : expected.at("write_flash_patch_results")) {
      INFO(dir.filename().string() << " at " << row.at("address") << " " << row.at("flash_mode") << "/"
                                   << row.at("flash_freq") << "/" << row.at("flash_size"));
      const auto result = patch_flash_params(input, address_of(row), params_of(row, chip.image_chip_id), chip.bootloader_offset);
      CHECK(to_hex(sha256(result.bytes)) == row.at("output_sha256").get<std::string>());
      CHECK(header_hex(result) == row.at("header_bytes_2_3").get<std::string>());
      const bool unchanged = row.at("unchanged").get<bool>();
      CHECK((result.bytes == input) == unchanged);
      if (!row.at("output_file").is_null()) CHECK(result.bytes == read_file(dir / row.at("output_file").get<std::string>()));
      ++checked;
    }
  }
  CHECK(checked >= 8);
}

TEST_CASE("write-flash patch edge cases match the golden outputs") {
  const auto dir = test::golden("image/patch_edge_cases");
  const auto cases = load_json(dir / "expected.json");
  REQUIRE(cases.size() >= 8);
  for (const auto& row : cases) {
    const std::string name = row.at("name").get<std::string>();
    INFO(name << ": " << row.at("behaviour").get<std::string>());
    const Bytes input = read_file(dir / (name + ".in.bin"));
    const auto result = patch_flash_params(input, address_of(row), params_of(row));
    CHECK(result.bytes == read_file(dir / (name + ".out.bin")));
    const bool left_alone = row.at("unchanged_apart_from_4_byte_padding").get<bool>();
    CHECK(result.patched() == !left_alone);
    CHECK(result.bytes.size() % 4 == 0);
    if (left_alone) {
      CHECK(result.warn);
      CHECK_FALSE(result.reason.empty());
      CHECK(result.bytes == pad_to(input, 4));
    }
  }
}

TEST_CASE("patch skips files not written at the bootloader offset, all-keep and tiny files") {
  const Bytes input = read_file(test::golden("image/bootloader_sha/image.bin"));
  const auto dio = FlashParams::parse("dio", "40m", "4MB");
  auto away = patch_flash_params(input, 0x10000, dio);
  CHECK(away.outcome == PatchOutcome::NotBootloaderOffset);
  CHECK(away.bytes == input);
  auto keep = patch_flash_params(input, 0x1000, FlashParams::parse("keep", "keep", "keep"));
  CHECK(keep.outcome == PatchOutcome::AllKeep);
  CHECK(keep.bytes == input);
  const Bytes tiny{0xE9, 1, 2};
  auto small = patch_flash_params(tiny, 0x1000, dio);
  CHECK(small.outcome == PatchOutcome::TooShort);
  CHECK(small.bytes == Bytes{0xE9, 1, 2, 0xFF});
  // Another chip's bootloader offset is honoured.
  auto at_zero = patch_flash_params(input, 0x0, dio, 0x0);
  CHECK(at_zero.patched());
  CHECK(at_zero.header_changed);
}

TEST_CASE("flash parameter names follow esptool and reject unknown values") {
  const auto p = FlashParams::parse("qout", "26m", "128MB");
  CHECK(p.mode == std::uint8_t{1});
  CHECK(p.freq == std::uint8_t{1});
  CHECK(p.size == std::uint8_t{0x70});
  CHECK(FlashParams::parse("keep", "keep", "keep").all_keep());
  CHECK_THROWS_AS(FlashParams::parse("DIO", "40m", "4MB"), Error);
  CHECK_THROWS_AS(FlashParams::parse("dio", "41m", "4MB"), Error);
  CHECK_THROWS_AS(FlashParams::parse("dio", "40m", "3MB"), Error);
}
