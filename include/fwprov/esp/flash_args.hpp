#pragma once
// The two files ESP-IDF's build leaves to say what goes where in flash, parsed without
// touching the files they name: build/flash_args (an esptool argument file, given as @FILE)
// and build/flasher_args.json (--from). The CLI reads the files and resolves the items
// (src/cli/flash_sources.cpp); the parsing lives here so the fuzz targets can reach it.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwprov::esp {

struct FlashItem {
  std::optional<std::uint32_t> address;  // ADDRESS FILE
  std::string partition;                 // NAME=FILE
  std::filesystem::path file;
};

struct FlashInputs {
  std::vector<FlashItem> items;
  // Flash parameters and chip found in an argument file or flasher_args.json ("" = not given).
  std::string flash_mode, flash_freq, flash_size, chip;
  bool needs_table() const;
};

// One word of the file list and the folder of the argument file it came from (empty for the
// command line): a relative file name is looked up from the current folder, then from there.
struct FlashWord {
  std::string text;
  std::filesystem::path folder;
};

// The words of an argument file: whitespace separated, "double" or 'single' quotes group.
// An unclosed quote is an Input error naming `origin`.
std::vector<std::string> split_argument_file(std::string_view text, const std::string& origin);

// ADDRESS FILE pairs, NAME=FILE items and --flash_mode/--flash_freq/--flash_size VALUE.
// Usage errors (they come from the command line or an argument file named on it) start with
// `command`.
FlashInputs parse_flash_words(const std::vector<FlashWord>& words, const char* command);

// ESP-IDF's flasher_args.json: flash_files (address -> path relative to the JSON's folder),
// flash_settings, extra_esptool_args.chip. Input errors name `json_file` and the field.
FlashInputs parse_flasher_args(std::string_view json, const std::filesystem::path& json_file);

}  // namespace fwprov::esp
