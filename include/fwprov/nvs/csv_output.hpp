#pragma once
// Turns a decoded image back into a `key,type,encoding,value` CSV that regenerates the same
// bytes with `nvs generate` (same size and version). Blobs are written inline as hex2bin, or
// to files with extract_dir. Entries the generator adds by itself (the Wi-Fi extras) are left
// out, and ap.* values are written with the blob_fill encodings their PMK was computed from.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/nvs/reader.hpp"

namespace fwprov::nvs {

struct CsvExportOptions {
  // Blobs (and strings that cannot be inline text) go to files in this folder; the CSV
  // names them by this path, so generate from the same working directory (or --base-dir).
  std::optional<std::filesystem::path> extract_dir;
};

struct ExtractedFile {
  std::filesystem::path path;
  Bytes data;
};

struct CsvExport {
  std::string csv;
  std::vector<ExtractedFile> files;
  // Why regenerating from this CSV would not give the same image (empty when it will).
  std::vector<std::string> notes;
};

CsvExport export_csv(const DecodedImage& decoded, const CsvExportOptions& options);

// RFC-4180 quoting as Python's csv writer does (QUOTE_MINIMAL), plus quoting a first field
// that starts with '#' so it is not read as a comment line.
std::string csv_field(std::string_view text, bool first_field = false);

}  // namespace fwprov::nvs
