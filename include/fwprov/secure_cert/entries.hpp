#pragma once
// What goes into an esp_secure_cert partition, as configure_esp_secure_cert.py takes it: the
// --ca-cert/--device-cert/--private-key options and the rows of --esp_secure_cert_csv.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::secure_cert {

enum class DataType { File, String, Hex, Base64 };

// priv_key_type of a private key entry.
enum class KeyMode {
  None,             // not given: the tool cannot place the key (an error for key entries)
  Plaintext,        // the key in the partition
  RsaDs,            // RSA digital-signature peripheral: DS data + context instead of the key
  EcdsaPeripheral,  // key burned to eFuse; the TLV is flagged 0x08 (2.6.1 still stores the key)
};

struct EntrySpec {
  std::uint8_t type = 0;
  std::uint8_t subtype = 0;
  std::string value;  // a path for DataType::File, else the data itself
  DataType data_type = DataType::File;
  KeyMode key_mode = KeyMode::None;
  std::string algorithm;  // "RSA" / "ECDSA" (upper case), may be empty
  unsigned key_size = 0;
  std::optional<unsigned> efuse_id;
  std::string efuse_key_file;
  SourceLocation where;  // the CSV row, or the command-line option
};

// The CSV (header tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,
// efuse_id,efuse_key). Rows whose tlv_type starts with '#' are skipped; values are trimmed.
// Input errors name the file, line and column.
std::vector<EntrySpec> read_entries_csv(std::string_view text, const std::string& file_name);

// Refuses a (type, subtype) pair that is already in `entries` (the tool exits 255 there).
void add_entry(std::vector<EntrySpec>& entries, EntrySpec entry);

// The data bytes of a non-file entry (string, hex with spaces ignored, base64).
Bytes decode_inline_value(const EntrySpec& entry);

// Where a `file` entry's path points: relative paths resolve against the working directory, as
// the tool does, or else against `csv_folder` (so a CSV works from any directory).
std::filesystem::path resolve_entry_path(const EntrySpec& entry, const std::filesystem::path& csv_folder);

}  // namespace fwprov::secure_cert
