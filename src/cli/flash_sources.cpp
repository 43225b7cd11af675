#include "flash_sources.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <sstream>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/format.hpp"

namespace fwprov::cli {
namespace fs = std::filesystem;

namespace {

std::optional<std::uint32_t> flash_address_of(const std::string& text) {
  auto value = parse_size(text);
  if (!value || *value > 0xFFFFFFFFu) return std::nullopt;
  return static_cast<std::uint32_t>(*value);
}

// Words of an argument file: whitespace separated, "double" or 'single' quotes group.
std::vector<std::string> argument_file_words(const fs::path& file) {
  std::string text = read_text_file(file);
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
  if (quote != 0) throw Error(ErrorKind::Input, SourceLocation(file.string()), "a quote is not closed");
  if (in_word) words.push_back(std::move(word));
  return words;
}

std::string describe_names(const partitions::PartitionTable& table) {
  std::string names;
  for (const auto& partition : table.partitions) names += (names.empty() ? "" : ", ") + partition.name;
  return names;
}

}  // namespace

bool FlashInputs::needs_table() const {
  for (const auto& item : items)
    if (!item.partition.empty()) return true;
  return false;
}

FlashInputs parse_flash_items(const std::vector<std::string>& tokens, const char* command) {
  FlashInputs inputs;
  // (token, folder of the argument file it came from)
  std::vector<std::pair<std::string, fs::path>> words;
  for (const auto& token : tokens) {
    if (token.size() > 1 && token[0] == '@') {
      fs::path file = token.substr(1);
      for (auto& word : argument_file_words(file)) words.emplace_back(std::move(word), file.parent_path());
    } else {
      words.emplace_back(token, fs::path());
    }
  }
  auto locate = [](const std::string& name, const fs::path& folder) {
    fs::path path = name;
    std::error_code ec;
    if (!folder.empty() && path.is_relative() && !fs::exists(path, ec) && fs::exists(folder / path, ec)) return folder / path;
    return path;
  };
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
      *target = words[++i].first;
      continue;
    }
    if (auto eq = word.find('='); eq != std::string::npos && eq > 0 && !flash_address_of(word.substr(0, eq))) {
      inputs.items.push_back({std::nullopt, word.substr(0, eq), locate(word.substr(eq + 1), folder)});
      continue;
    }
    auto address = flash_address_of(word);
    if (!address)
      throw Error(ErrorKind::Usage, fmt::format("{}: '{}' is neither an address (0x10000) nor NAME=FILE (ota_0=app.bin)", command, word));
    if (i + 1 >= words.size()) throw Error(ErrorKind::Usage, fmt::format("{}: address {} has no FILE after it (ADDRESS FILE pairs)", command, word));
    inputs.items.push_back({address, "", locate(words[i + 1].first, words[i + 1].second)});
    ++i;
  }
  if (inputs.items.empty())
    throw Error(ErrorKind::Usage, fmt::format("{} needs ADDRESS FILE pairs or NAME=FILE items, e.g. 0x1000 bootloader.bin "
                                              "or storage=storage.bin --table partitions.csv",
                                              command));
  return inputs;
}

FlashInputs load_flasher_args(const fs::path& json_file) {
  const std::string where = json_file.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(read_text_file(json_file));
  } catch (const nlohmann::json::parse_error& error) {
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

partitions::PartitionTable load_partition_table_file(const fs::path& file, std::uint32_t table_offset, const WarningSink& sink) {
  partitions::TableOptions options;
  options.table_offset = table_offset;
  Warnings warnings(sink);
  return partitions::load_table(read_file(file), file.string(), options, warnings);
}

partitions::PartitionTable parse_device_partition_table(ByteView bytes, std::uint32_t table_offset, const WarningSink& sink) {
  const std::string name = fmt::format("the partition table read from the device at 0x{:X}", table_offset);
  if (!partitions::looks_binary(bytes))
    throw Error(ErrorKind::Input, SourceLocation(name),
                "no partition table there (no AA 50 entry); give --table FILE or --partition-table-offset");
  partitions::TableOptions options;
  options.table_offset = table_offset;
  Warnings warnings(sink);
  return partitions::parse_binary_table(bytes, name, options, warnings);
}

const partitions::Partition& find_partition(const partitions::PartitionTable& table, const std::string& name) {
  if (const auto* partition = table.find(name)) return *partition;
  throw Error(ErrorKind::Input, fmt::format("no partition named '{}' in the table (it has: {})", name, describe_names(table)));
}

std::vector<esp::WriteRequest> resolve_flash_items(const FlashInputs& inputs, const partitions::PartitionTable* table,
                                                   const WarningSink& warnings) {
  std::vector<esp::WriteRequest> requests;
  for (const auto& item : inputs.items) {
    if (item.partition.empty()) {
      requests.push_back({*item.address, item.file});
      if (table == nullptr || !warnings) continue;
      std::error_code ec;
      auto size = fs::file_size(item.file, ec);
      if (ec) continue;  // planning reports the missing file
      std::uint64_t end = static_cast<std::uint64_t>(*item.address) + size;
      for (const auto& partition : table->partitions) {
        bool starts_inside = *item.address > partition.offset && *item.address < partition.end();
        bool runs_past = *item.address >= partition.offset && *item.address < partition.end() && end > partition.end();
        if (starts_inside || runs_past)
          warnings({SourceLocation(item.file.string()),
                    fmt::format("written at 0x{:X}..0x{:X}, but partition '{}' spans 0x{:X}..0x{:X}", *item.address, end,
                                partition.name, partition.offset, partition.end())});
      }
      continue;
    }
    if (table == nullptr) throw Error(ErrorKind::Internal, "partition name without a table");
    const auto& partition = find_partition(*table, item.partition);
    std::error_code ec;
    auto size = fs::file_size(item.file, ec);
    if (ec) throw Error(ErrorKind::Io, SourceLocation(item.file.string()), "cannot read the file: " + ec.message());
    if (size > partition.size)
      throw Error(ErrorKind::Input, SourceLocation(item.file.string()),
                  fmt::format("{} bytes do not fit partition '{}' ({} bytes at 0x{:X})", size, partition.name, partition.size,
                              partition.offset));
    requests.push_back({partition.offset, item.file});
  }
  return requests;
}

}  // namespace fwprov::cli
