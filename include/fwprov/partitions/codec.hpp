#pragma once
// Reading and writing partition tables exactly like gen_esp32part.py: CSV in (with
// auto-placement of blank offsets), binary out (entries, MD5 row, 0xFF padding to 0xC00),
// binary in, CSV out (the reference's bin2csv text), and the validation rules.
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/partitions/table.hpp"

namespace fwprov::partitions {

// Parses CSV text and fills in blank offsets and negative sizes. Input errors name
// `file_name` and the physical line. Environment variables ($VAR, ${VAR}) are expanded
// like the reference does.
PartitionTable parse_csv_table(std::string_view text, const std::string& file_name, const TableOptions& options);

// Parses a binary table (rows until an all-0xFF row; MD5 row checked unless options.md5 is
// off). Unknown flag bits produce a warning and are dropped.
PartitionTable parse_binary_table(ByteView data, const std::string& file_name, const TableOptions& options,
                                  Warnings& warnings);

// True when the data starts with the entry magic AA 50 (the reference's binary test).
bool looks_binary(ByteView data);

// Per-row and whole-table rules (unless options.verify is off), then the flash-size check
// (always, when options.flash_size is set). Name-looks-like-a-keyword findings are warnings.
void verify_table(const PartitionTable& table, const std::string& file_name, const TableOptions& options,
                  Warnings& warnings);

// 0xC00 bytes: entries in table order, MD5 row unless options.md5 is off, 0xFF padding.
Bytes encode_table(const PartitionTable& table, const std::string& file_name, const TableOptions& options);

// The reference's CSV rendering ("# ESP-IDF Partition Table" header, compact rows).
std::string to_reference_csv(const PartitionTable& table);
std::string to_reference_csv_row(const Partition& partition);

// Either format: binary when it starts with AA 50, else UTF-8 CSV. Runs verify_table.
PartitionTable load_table(ByteView data, const std::string& file_name, const TableOptions& options, Warnings& warnings);

}  // namespace fwprov::partitions
