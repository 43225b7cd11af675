// ESP-IDF's flash_args and flasher_args.json, parsed (include/fwprov/esp/flash_args.hpp).
#include "fwprov/esp/flash_args.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cctype>

#include "fwprov/core/error.hpp"
#include "fwprov/core/numbers.hpp"

namespace fwprov::esp {
namespace fs = std::filesystem;

namespace {

std::optional<std::uint32_t> flash_address_of(std::string_view text) {
  auto value = parse_size(text);
  if (!value || *value > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

fs::path locate(const std::string& name, const fs::path& folder) {
  fs::path path = name;
  std::error_code ec;
  if (!folder.empty() && path.is_relative() && !fs::exists(path, ec) && fs::exists(folder / path, ec)) return folder / path;
  return path;
}

}  // namespace

bool FlashInputs::needs_table() const {
  for (const auto& item : items)
    if (!item.partition.empty()) return true;
  return false;
}

std::vector<std::string> split_argument_file(std::string_view text, const std::string& origin) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote != 0) {
      if (c == quote) quote = 0; else word += c;
      continue;
    }
    if (c == '"' || c == '\'') { quote = c; in_word = true; continue; }
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
      continue;
    }
    word += c;
    in_word = true;
  }
  if (quote != 0) throw Error(ErrorKind::Input, SourceLocation(origin), "a quote is not closed");
  if (in_word) words.push_back(std::move(word));
  return words;
}

FlashInputs parse_flash_words(const std::vector<FlashWord>& words, const char* command) {
  FlashInputs inputs;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto& [word, folder] = words[i];
    if (word.rfind("--", 0) == 0) {
      std::string option = word;
      for (char& c : option) if (c == '-') c = '_';
      std::string* target = option == "__flash_mode" ? &inputs.flash_mode
                            : option == "__flash_freq" ? &inputs.flash_freq
                            : option == "__flash_size" ? &inputs.flash_size : nullptr;
      if (target == nullptr || i + 1 >= words.size())
        throw Error(ErrorKind::Usage, fmt::format("{}: '{}' is not allowed among the files (argument files may hold "
                                                  "--flash_mode/--flash_freq/--flash_size VALUE and ADDRESS FILE pairs)",
                                                  command, word));
      *target = words[++i].text;
      continue;
    }
    if (auto eq = word.find('='); eq != std::string::npos && eq > 0 && !flash_address_of(std::string_view(word).substr(0, eq))) {
      inputs.items.push_back({std::nullopt, word.substr(0, eq), locate(word.substr(eq + 1), folder)});
      continue;
    }
    auto address = flash_address_of(word);
    if (!address)
      throw Error(ErrorKind::Usage, fmt::format("{}: '{}' is neither an address (0x10000) nor NAME=FILE (ota_0=app.bin)", command, word));
    if (i + 1 >= words.size()) throw Error(ErrorKind::Usage, fmt::format("{}: address {} has no FILE after it (ADDRESS FILE pairs)", command, word));
    inputs.items.push_back({address, "", locate(words[i + 1].text, words[i + 1].folder)});
    ++i;
  }
  if (inputs.items.empty())
    throw Error(ErrorKind::Usage, fmt::format("{} needs ADDRESS FILE pairs or NAME=FILE items, e.g. 0x1000 bootloader.bin "
                                              "or storage=storage.bin --table partitions.csv",
                                              command));
  return inputs;
}

FlashInputs parse_flasher_args(std::string_view json, const fs::path& json_file) {
  const std::string where = json_file.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& error) {  // parse_error, and out_of_range for a number too large (1e999)
    throw Error(ErrorKind::Input, SourceLocation(where), std::string("not valid JSON: ") + error.what());
  }
  auto field = [&](const char* name) { return SourceLocation(where, 0, 0, name); };
  if (!doc.is_object() || !doc.contains("flash_files") || !doc["flash_files"].is_object() || doc["flash_files"].empty())
    throw Error(ErrorKind::Input, field("flash_files"), "missing or empty: expected {\"0x1000\": \"bootloader/bootloader.bin\", ...}");
  FlashInputs inputs;
  const fs::path folder = json_file.parent_path();
  for (const auto& [key, value] : doc["flash_files"].items()) {
    auto address = flash_address_of(key);
    if (!address) throw Error(ErrorKind::Input, field("flash_files"), fmt::format("'{}' is not a flash address", key));
    if (!value.is_string() || value.get<std::string>().empty())
      throw Error(ErrorKind::Input, field("flash_files"), fmt::format("the file for {} must be a path string", key));
    inputs.items.push_back({address, "", folder / value.get<std::string>()});
  }
  if (doc.contains("flash_settings")) {
    const auto& settings = doc["flash_settings"];
    if (!settings.is_object()) throw Error(ErrorKind::Input, field("flash_settings"), "must be an object");
    for (auto [name, target] : {std::pair{"flash_mode", &inputs.flash_mode}, std::pair{"flash_freq", &inputs.flash_freq},
                                std::pair{"flash_size", &inputs.flash_size}}) {
      if (!settings.contains(name)) continue;
      if (!settings[name].is_string()) throw Error(ErrorKind::Input, field("flash_settings"), fmt::format("{} must be a string", name));
      *target = settings[name].get<std::string>();
    }
  }
  if (doc.contains("extra_esptool_args") && doc["extra_esptool_args"].is_object() && doc["extra_esptool_args"].contains("chip")) {
    const auto& chip = doc["extra_esptool_args"]["chip"];
    if (!chip.is_string()) throw Error(ErrorKind::Input, field("extra_esptool_args.chip"), "must be a string");
    inputs.chip = chip.get<std::string>();
  }
  return inputs;
}

}  // namespace fwprov::esp
