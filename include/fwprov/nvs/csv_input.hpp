#pragma once
// The CSV front end of `nvs generate`: reads the reference's `key,type,encoding,value` files
// and feeds their rows, in order, into an ImageBuilder with the reference's row semantics
// (namespace rows, file rows, the hard-wired Wi-Fi extras). mfg feeds its per-device rows
// through the same RowWriter, so both produce the same bytes for the same rows.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/core/diagnostics.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/nvs/builder.hpp"

namespace fwprov::nvs {

// One data row. A field is nullopt when the row has fewer fields than the header.
struct InputRow {
  std::optional<std::string> key, type, encoding, value;
  SourceLocation where;  // file and line of the row
  // 1-based column of each field in its file (0 when unknown), for error messages.
  std::size_t key_column = 0, type_column = 0, encoding_column = 0, value_column = 0;
  // The row's last field opened a quote that the file never closes; like Python's csv
  // module, the field runs to the end of the file (RowWriter warns).
  bool unclosed_quote = false;
  // 1-based column of a field longer than kMaxCsvFieldCharacters (0: none): the reference's
  // csv module refuses it; RowWriter warns.
  std::size_t oversized_field_column = 0;
};

// Python's csv module refuses fields longer than this many characters (csv.field_size_limit()
// default), so the reference crashes on them.
inline constexpr std::size_t kMaxCsvFieldCharacters = 131072;

// Parses one CSV text like the reference: physical lines starting with '#' are dropped,
// CR LF / CR become LF, RFC-4180 quoting, columns found by header name (`key`, `type`,
// `encoding`, `value`; order free, extra columns ignored), empty lines skipped, fields not
// trimmed. Throws Input errors naming the file and line, also where the reference crashes:
// an empty first line (Python's DictReader takes it as an empty header), a UTF-8 byte-order
// mark before the header name `key` (the reference reads the file without removing it).
// Rows with a field longer than kMaxCsvFieldCharacters are marked: the reference crashes on
// them, RowWriter warns.
std::vector<InputRow> parse_input_csv(std::string_view text, const std::string& file_name);

struct RowOptions {
  // Relative paths in file rows resolve against this folder (empty: the working directory).
  std::filesystem::path base_dir;
  Warnings* warnings = nullptr;
  // Reads a file row's file (already resolved against base_dir); empty: read it from disk.
  // mfg passes a shared cache so a file used by every device is read once.
  std::function<std::string(const std::filesystem::path&)> read_file;
};

// Writes rows into a builder exactly as the reference's write_entry() does, one at a time.
class RowWriter {
 public:
  RowWriter(ImageBuilder& builder, RowOptions options);
  // Throws Input errors located at the row (line, column, key); a failed row leaves the
  // builder in an unspecified state, so callers discard the image.
  void add_row(const InputRow& row);
  // Convenience for in-memory callers (mfg, provision): one row from plain strings.
  void add(std::string_view key, std::string_view type, std::string_view encoding, std::string_view value, SourceLocation where = {});

 private:
  void write_value(const InputRow& row, const std::string& key, std::string_view encoding, std::string_view value, bool from_file);
  void write_hardwired_blob(const InputRow& row, const std::string& key, Bytes data);

  ImageBuilder& builder_;
  RowOptions options_;
  // Reference's Wi-Fi helpers: remembered ap.* texts and whether the sta.* extras were written.
  std::optional<std::string> ap_ssid_, ap_passwd_, ap_authmode_;
  bool wifi_extras_written_ = false;
};

// Reads CSV files into an image: `nvs generate` / `nvs encrypt` in one call.
struct GenerateOptions {
  BuildOptions build;
  std::filesystem::path base_dir;
  Warnings* warnings = nullptr;
};
Bytes generate_image(const std::vector<std::filesystem::path>& csv_files, const GenerateOptions& options);

}  // namespace fwprov::nvs
