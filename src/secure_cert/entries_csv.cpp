// configure_esp_secure_cert.py's CSV: one TLV per row (docs/secure-cert.md, "CSV").
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>

#include "fwprov/core/csv.hpp"
#include "fwprov/core/encoding.hpp"
#include "fwprov/core/numbers.hpp"
#include "fwprov/secure_cert/entries.hpp"
#include "fwprov/secure_cert/tlv.hpp"

namespace fwprov::secure_cert {
namespace {

constexpr std::array<std::string_view, 9> kCsvColumns = {"tlv_type", "tlv_subtype", "data_value", "data_type", "priv_key_type",
                                                         "algorithm", "key_size", "efuse_id", "efuse_key"};

std::string trimmed(std::string_view text) {
  auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return std::string(text);
}

std::string upper(std::string text) {
  for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

unsigned small_number(const std::string& text, unsigned max, const SourceLocation& where, const char* what) {
  const auto value = parse_unsigned(text);
  if (!value || *value > max)
    throw Error(ErrorKind::Input, where, fmt::format("{} '{}' is not a number from 0 to {}", what, text, max));
  return static_cast<unsigned>(*value);
}

DataType parse_data_type(const std::string& text, const SourceLocation& where) {
  if (text == "file") return DataType::File;
  if (text == "string") return DataType::String;
  if (text == "hex") return DataType::Hex;
  if (text == "base64") return DataType::Base64;
  throw Error(ErrorKind::Input, where, "data_type '" + text + "' is not file, string, hex or base64");
}

KeyMode parse_key_mode(const std::string& text, const SourceLocation& where) {
  if (text.empty()) return KeyMode::None;
  if (text == "plaintext") return KeyMode::Plaintext;
  if (text == "rsa_ds") return KeyMode::RsaDs;
  if (text == "ecdsa_peripheral") return KeyMode::EcdsaPeripheral;
  throw Error(ErrorKind::Input, where, "priv_key_type '" + text + "' is not plaintext, rsa_ds or ecdsa_peripheral");
}

}  // namespace

std::vector<EntrySpec> read_entries_csv(std::string_view text, const std::string& file_name) {
  const auto rows = parse_csv(text, file_name);
  std::vector<EntrySpec> entries;
  if (rows.empty()) return entries;
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < rows.front().fields.size(); ++i) column.emplace(trimmed(rows.front().fields[i]), i);
  for (auto name : kCsvColumns)
    if (!column.count(std::string(name)))
      throw Error(ErrorKind::Input, SourceLocation{file_name, rows.front().line},
                  fmt::format("header has no '{}' column (expected {})", name, "tlv_type,tlv_subtype,data_value,data_type,priv_key_type,algorithm,key_size,efuse_id,efuse_key"));
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const CsvRow& row = rows[r];
    auto field = [&](std::string_view name) {
      const std::size_t index = column.at(std::string(name));
      return index < row.fields.size() ? trimmed(row.fields[index]) : std::string();
    };
    auto at = [&](std::string_view name) {
      return SourceLocation{file_name, row.line, column.at(std::string(name)) + 1, std::string(name)};
    };
    const std::string type_text = field("tlv_type");
    if (type_text.empty() && row.fields.size() <= 1) continue;  // blank line
    if (!type_text.empty() && type_text.front() == '#') continue;
    EntrySpec entry;
    if (auto named = tlv_type_from_name(type_text)) entry.type = *named;
    else entry.type = static_cast<std::uint8_t>(small_number(type_text, 255, at("tlv_type"), "tlv_type (a name or a number)"));
    entry.subtype = static_cast<std::uint8_t>(small_number(field("tlv_subtype"), kMaxSubtype, at("tlv_subtype"), "tlv_subtype"));
    entry.value = field("data_value");
    if (entry.value.empty()) throw Error(ErrorKind::Input, at("data_value"), "data_value is empty");
    const std::string data_type = field("data_type");
    if (data_type.empty()) throw Error(ErrorKind::Input, at("data_type"), "data_type is empty (file, string, hex or base64)");
    entry.data_type = parse_data_type(data_type, at("data_type"));
    entry.key_mode = parse_key_mode(lower(field("priv_key_type")), at("priv_key_type"));
    entry.algorithm = upper(field("algorithm"));
    // Only private key rows use these; on other rows (what --parse_bin writes for DS data) they
    // are informative and may hold anything numeric.
    const bool key_row = entry.type == tlv_type::kPrivKey;
    if (const std::string size = field("key_size"); !size.empty())
      entry.key_size = small_number(size, key_row ? 8192 : 0xFFFFFFFF, at("key_size"), "key_size");
    if (const std::string id = field("efuse_id"); !id.empty())
      entry.efuse_id = small_number(id, key_row ? 5 : 0xFFFFFFFF, at("efuse_id"), "efuse_id (the BLOCK_KEYn number)");
    entry.efuse_key_file = field("efuse_key");
    entry.where = SourceLocation{file_name, row.line};
    if (entry.data_type != DataType::File) decode_inline_value(entry);  // bad hex/base64 fails here, naming the row
    add_entry(entries, std::move(entry));
  }
  return entries;
}

void add_entry(std::vector<EntrySpec>& entries, EntrySpec entry) {
  for (const auto& existing : entries)
    if (existing.type == entry.type && existing.subtype == entry.subtype)
      throw Error(ErrorKind::Input, entry.where,
                  fmt::format("duplicate TLV: type {} subtype {} is already given{}", entry.type, entry.subtype,
                              existing.where.to_string().empty() ? "" : " by " + existing.where.to_string()));
  entries.push_back(std::move(entry));
}

Bytes decode_inline_value(const EntrySpec& entry) {
  switch (entry.data_type) {
    case DataType::String: return to_bytes(entry.value);
    case DataType::Hex: {
      std::string digits;
      for (char c : entry.value)
        if (!std::isspace(static_cast<unsigned char>(c))) digits += c;
      if (auto bytes = from_hex(digits)) return *bytes;
      throw Error(ErrorKind::Input, entry.where, "data_value is not hex (pairs of 0-9a-f, spaces allowed)");
    }
    case DataType::Base64:
      if (auto decoded = from_base64(entry.value, true)) return decoded->bytes;
      throw Error(ErrorKind::Input, entry.where, "data_value is not base64");
    case DataType::File: break;
  }
  throw Error(ErrorKind::Internal, "decode_inline_value on a file entry");
}

std::filesystem::path resolve_entry_path(const EntrySpec& entry, const std::filesystem::path& csv_folder) {
  const std::filesystem::path path(entry.value);
  if (path.is_absolute() || csv_folder.empty()) return path;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return path;
  const auto beside_csv = csv_folder / path;
  if (std::filesystem::exists(beside_csv, ec)) return beside_csv;
  return path;  // read_file names the missing file
}

}  // namespace fwprov::secure_cert
