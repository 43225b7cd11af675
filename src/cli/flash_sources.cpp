#include "flash_sources.hpp"

#include <fmt/core.h>

#include <sstream>

#include "fwprov/core/error.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/format.hpp"

namespace fwprov::cli {
namespace fs = std::filesystem;

namespace {

std::string describe_names(const partitions::PartitionTable& table) {
  std::string names;
  for (const auto& partition : table.partitions) names += (names.empty() ? "" : ", ") + partition.name;
  return names;
}

}  // namespace

FlashInputs parse_flash_items(const std::vector<std::string>& tokens, const char* command) {
  std::vector<esp::FlashWord> words;
  for (const auto& token : tokens) {
    if (token.size() > 1 && token[0] == '@') {
      fs::path file = token.substr(1);
      for (auto& word : esp::split_argument_file(read_text_file(file), file.string())) words.push_back({std::move(word), file.parent_path()});
    } else {
      words.push_back({token, fs::path()});
    }
  }
  return esp::parse_flash_words(words, command);
}

FlashInputs load_flasher_args(const fs::path& json_file) { return esp::parse_flasher_args(read_text_file(json_file), json_file); }

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
