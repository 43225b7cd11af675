#pragma once
// What `flash write/verify` are asked to put where, from every spelling users bring:
// ADDRESS FILE pairs, NAME=FILE items resolved through a partition table (--table, or the
// table read from the device), @FILE argument files (ESP-IDF's build/flash_args), and
// ESP-IDF's build/flasher_args.json (--from).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/esp/flash_args.hpp"
#include "fwprov/esp/write_plan.hpp"
#include "fwprov/partitions/table.hpp"

namespace fwprov::cli {

using esp::FlashInputs;
using esp::FlashItem;

// Parses ADDRESS FILE pairs and NAME=FILE items; @FILE tokens are replaced by the file's
// whitespace-separated words (--flash_mode/--flash_freq/--flash_size X inside are taken as
// options; a relative path is looked up from the current folder, then from the file's folder).
FlashInputs parse_flash_items(const std::vector<std::string>& tokens, const char* command);

// ESP-IDF's flasher_args.json, read and parsed (esp::parse_flasher_args).
FlashInputs load_flasher_args(const std::filesystem::path& json_file);

// A partition table from a file (CSV or binary) or from the 0xC00 bytes read at its offset.
partitions::PartitionTable load_partition_table_file(const std::filesystem::path& file, std::uint32_t table_offset,
                                                     const WarningSink& warnings);
partitions::PartitionTable parse_device_partition_table(ByteView bytes, std::uint32_t table_offset, const WarningSink& warnings);

// Addresses for every item: a partition name must exist (else an Input error listing the
// names), its file must fit the partition (else an Input error). With a table, an explicit
// address that starts inside a partition but not at its start, or runs past its end, is
// reported through `warnings`.
std::vector<esp::WriteRequest> resolve_flash_items(const FlashInputs& inputs, const partitions::PartitionTable* table,
                                                   const WarningSink& warnings);

// One partition by name (read/erase NAME), with the same error as above.
const partitions::Partition& find_partition(const partitions::PartitionTable& table, const std::string& name);
// The result refers into `table`: a temporary table would leave it dangling (ASan found one).
const partitions::Partition& find_partition(partitions::PartitionTable&& table, const std::string& name) = delete;

}  // namespace fwprov::cli
