#pragma once
// Reading a golden partitions case folder: args.json -> TableOptions.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fwprov/core/file_io.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/partitions/table.hpp"
#include "test_support.hpp"

namespace fwprov::test {

inline partitions::TableOptions options_from_args(const std::filesystem::path& dir) {
  const auto args = nlohmann::json::parse(read_text_file(dir / "args.json"));
  partitions::TableOptions options;
  options.table_offset = static_cast<std::uint32_t>(parse_unsigned(args.at("offset").get<std::string>()).value());
  if (!args.at("flash_size").is_null()) options.flash_size = partitions::parse_flash_size_choice(args.at("flash_size").get<std::string>()).value();
  const auto& secure = args.at("secure");
  if (secure.is_string()) options.secure = secure.get<std::string>() == "v1" ? partitions::SecureBoot::V1 : partitions::SecureBoot::V2;
  options.md5 = !args.at("disable_md5").get<bool>();
  return options;
}

inline std::string direction_of(const std::filesystem::path& dir) {
  return nlohmann::json::parse(read_text_file(dir / "args.json")).at("direction").get<std::string>();
}

inline std::vector<std::filesystem::path> case_dirs(const std::string& folder) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(golden(folder)))
    if (entry.is_directory()) dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  return dirs;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

}  // namespace fwprov::test
