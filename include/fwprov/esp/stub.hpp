#pragma once
// The flasher stub as esptool and esptool-js ship it: a JSON file with base64 `text` and
// `data` segments, their load addresses and the entry point. The fwprov package carries
// esptool-js's stubs (share/fwprov/stubs/<chip>.json); otherwise fwprov uses one given by
// --stub or found in an installed esptool / esptool-js.
#include <cstdint>
#include <filesystem>
#include <optional>
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

// Throws Input errors naming the file and the field.
StubImage load_stub_json(const std::filesystem::path& path);

// Folders of stubs named <chip>.json, in the order they are consulted: the package's own,
// relative to the running binary (<bin>/../share/fwprov/stubs), then $FWPROV_STUB_DIR.
std::vector<std::filesystem::path> stub_directories();

// The ESP32 stub in each of stub_directories(), then where an installed esptool (Python,
// stub_flasher/{2,1}/esp32.json or stub_flasher_32.json) or esptool-js (node_modules/esptool-js/lib/targets/stub_flasher/esp32.json, local or
// global) keeps its ESP32 stub; the first that exists, or nullopt.
std::optional<std::filesystem::path> find_installed_stub();
std::vector<std::filesystem::path> stub_search_paths();

}  // namespace fwprov::esp
