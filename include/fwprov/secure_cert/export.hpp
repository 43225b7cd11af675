#pragma once
// `secure-cert parse`: a partition taken apart into files and a CSV that generates it again
// (configure_esp_secure_cert.py --parse_bin's esp_secure_cert_parsed_data/ layout).
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/secure_cert/tlv.hpp"

namespace fwprov::secure_cert {

struct ExportedFile {
  std::string path;  // relative to the output folder, e.g. "contents/cacert_0_0.pem"
  Bytes data;
  bool secret = false;  // private keys: written 0600
};

struct PartitionExport {
  ParsedPartition parsed;
  std::vector<ExportedFile> files;  // contents/..., esp_secure_cert_parsed.csv, tlv_entries_raw.txt
  std::size_t csv_rows = 0;
  std::vector<std::string> not_in_csv;  // TLVs the CSV cannot express (integrity, signatures, ...)
};

inline constexpr const char* kParsedCsvName = "esp_secure_cert_parsed.csv";
inline constexpr const char* kRawDumpName = "tlv_entries_raw.txt";

// Input error naming `origin` when the data does not start with a TLV or a TLV's CRC is wrong.
PartitionExport export_partition(ByteView partition, const std::string& origin);

}  // namespace fwprov::secure_cert
