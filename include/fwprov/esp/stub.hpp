#pragma once
// The flasher stub as esptool and esptool-js ship it: a JSON file with base64 `text` and
// `data` segments, their load addresses and the entry point. The fwprov package carries
// esptool-js's stubs (share/fwprov/stubs/<chip>.json); otherwise fwprov uses one given by
// --stub or found in an installed esptool / esptool-js.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "fwprov/core/bytes.hpp"

namespace fwprov::esp {

struct StubImage {
  Bytes text;
  std::uint32_t text_start = 0;
  Bytes data;  // may be empty
  std::uint32_t data_start = 0;
  std::uint32_t entry = 0;
  std::filesystem::path source;
};

// Throws Input errors naming the file and the field (an address that does not fit 32 bits
// is one). parse_stub_json is the parsing of the file's text, `path` naming it.
StubImage load_stub_json(const std::filesystem::path& path);
StubImage parse_stub_json(std::string_view text, const std::filesystem::path& path);

// Folders of stubs named <chip>.json, in the order they are consulted after --stub-dir: the
// package's own, relative to the running binary (<bin>/../share/fwprov/stubs), then
// $FWPROV_STUB_DIR.
std::vector<std::filesystem::path> stub_directories();

// Where the stub build `file` ("esp32s3", "esp32p4-rev1"; target.hpp StubBuild) is looked
// for, in order: `stub_dir` (--stub-dir), then each of stub_directories() as DIR/<file>.json,
// then an installed esptool-js (node_modules/esptool-js/lib/targets/stub_flasher/, local or
// global) or esptool (Python: stub_flasher/2, stub_flasher/1). The one place that decides this.
std::vector<std::filesystem::path> stub_search_paths(std::string_view file, const std::filesystem::path& stub_dir = {});
// The first of those that exists, or nullopt.
std::optional<std::filesystem::path> find_stub(std::string_view file, const std::filesystem::path& stub_dir = {});
// The ESP32 stub (find_stub("esp32")), for callers that only talk to ESP32s.
std::optional<std::filesystem::path> find_installed_stub();

// A stub built for another chip would crash this one: its code must load where the chip's
// build does (StubBuild::text_start). Throws an Input error naming the file otherwise.
void check_stub_load_address(const StubImage& stub, std::uint32_t expected_text_start, std::string_view chip_name);

}  // namespace fwprov::esp
