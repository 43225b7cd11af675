#pragma once
// Mass manufacturing: one NVS image per device from a config CSV (namespaces, keys, types,
// encodings) and a values CSV (one row per device), byte-identical to ESP-IDF's mfg_gen.py.
// Every device is built in memory (in parallel) before anything is written, so a bad value in
// any row fails the whole batch with a message naming the values file, row and column.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/diagnostics.hpp"
#include "fwprov/nvs/builder.hpp"
#include "fwprov/nvs/keys.hpp"

namespace fwprov::nvs {

struct MfgConfigRow {
  std::string key;
  std::string type;      // namespace, data or file (as written)
  std::string encoding;  // as written (may be anything on namespace rows)
  // The row's fields without its REPEAT marker: the per-device CSV repeats them verbatim
  // (plus the value, or an empty field for namespace rows), like mfg_gen.py.
  std::vector<std::string> fields;
  bool is_namespace = false;  // mfg_gen.py: any field of the row is "namespace"
  bool repeat = false;   // REPEAT: every device uses the first device's value
  std::size_t line = 0;  // in the config file
  std::size_t value_column = 0;  // 0-based column in the values file (data/file rows)
};

struct MfgInput {
  std::string config_name, values_name;  // for messages
  std::vector<MfgConfigRow> config;
  std::vector<std::string> header;                // values file header
  std::vector<std::vector<std::string>> devices;  // values rows, REPEAT already applied
  std::vector<std::size_t> device_lines;          // line of each values row
};

// Reads and validates both files like mfg_gen.py: universal newlines, whitespace-only lines
// removed; config rows have exactly 3 fields (4 with REPEAT); types file/data/namespace;
// encodings string binary hex2bin base64 u8 i8 u16 u32 i32 u64 i64 (no i16); config keys appear
// as values columns in the same order; every values row has as many fields as the header;
// REPEAT needs a first device row. Throws Input errors.
MfgInput parse_mfg_input(std::string_view config_text, const std::string& config_name, std::string_view values_text,
                         const std::string& values_name);

struct MfgOptions {
  BuildOptions build;                   // size, version, keys for --inputkey
  std::string prefix;
  std::optional<std::string> fileid;    // values column naming each device's files
  std::optional<std::pair<std::int64_t, unsigned>> prefix_num;  // START (may be negative, as in Python), DIGITS
  bool keygen = false;                  // random keys per device
  std::filesystem::path base_dir;       // for file rows (default: working directory)
  unsigned jobs = 1;
  Warnings* warnings = nullptr;         // shared; collected in device order
};

struct MfgDevice {
  std::string name;       // "<prefix>-[<counter>-]<id>"
  std::string csv;        // the per-device CSV (CR LF line ends, as the reference writes it)
  Bytes image;
  std::optional<Bytes> key_file;  // with keygen
};

// Builds every device; throws the first failing device's error (by row order).
std::vector<MfgDevice> build_mfg_batch(const MfgInput& input, const MfgOptions& options);

// Python csv.writer quoting (QUOTE_MINIMAL), one row with CR LF.
std::string python_csv_row(const std::vector<std::string>& fields);

}  // namespace fwprov::nvs
