#include "fwprov/nvs/csv_input.hpp"

#include <openssl/evp.h>

#include <array>

#include "fwprov/core/file_io.hpp"
#include "fwprov/core/csv.hpp"
#include "wifi_keys.hpp"
#include "fwprov/nvs/values.hpp"

namespace fwprov::nvs {
namespace {

// Drops comment lines ('#' as first character, like the reference's filter over physical
// lines) and normalises CR LF / CR to LF (Python's universal newlines). Returns the new text
// and, per line of it, the original line number.
std::string without_comment_lines(std::string_view text, std::vector<std::size_t>& original_line) {
  std::string out;
  out.reserve(text.size());
  std::size_t line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size() && text[end] != '\n' && text[end] != '\r') ++end;
    std::size_t next = end;
    if (next < text.size()) next += (text[next] == '\r' && next + 1 < text.size() && text[next + 1] == '\n') ? 2 : 1;
    if (text[i] != '#') {
      out.append(text.substr(i, end - i));
      // A last line without a line end stays without one: it matters to a quoted field
      // left open there, which Python's csv module runs to the end of the file.
      if (end < text.size()) out.push_back('\n');
      original_line.push_back(line);
    }
    ++line;
    i = next;
  }
  return out;
}

SourceLocation at(const InputRow& row, std::size_t column, const char* field) {
  SourceLocation where = row.where;
  where.column = column;
  where.field = field;
  return where;
}

// Builder errors carry no location; add the row's.
template <typename Fn>
void located(const InputRow& row, std::size_t column, const char* field, Fn&& fn) {
  try {
    fn();
  } catch (const Error& error) {
    if (!error.where().file.empty() || error.where().line != 0) throw;
    std::string message = error.message();
    if (row.key && message.find("'" + *row.key + "'") == std::string::npos) message = "key '" + *row.key + "': " + message;
    throw Error(error.kind(), at(row, column, field), message);
  }
}

constexpr std::array<std::string_view, 3> kApKeys = {"ap.ssid", "ap.passwd", "ap.authmode"};
using detail::is_ap_key;
using detail::is_sta_key;

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

// 1-based column of the first field longer than Python's csv field size limit (counted in
// characters, as Python does), 0 when none is.
std::size_t oversized_field_column(const std::vector<std::string>& fields) {
  for (std::size_t i = 0; i < fields.size(); ++i)
    if (fields[i].size() > kMaxCsvFieldCharacters && utf8_character_count(fields[i]) > kMaxCsvFieldCharacters) return i + 1;
  return 0;
}

}  // namespace

std::vector<InputRow> parse_input_csv(std::string_view text, const std::string& file_name) {
  // A byte-order mark is NOT removed: the reference opens the file as 'utf8', not 'utf-8-sig',
  // so the mark becomes part of the first header name (checked below).
  if (!is_valid_utf8(text)) {
    // Name the first line with a bad sequence.
    std::size_t line = 1, start = 0;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || text[i] == '\n') {
        if (!is_valid_utf8(text.substr(start, i - start))) break;
        ++line;
        start = i + 1;
      }
    }
    throw Error(ErrorKind::Input, SourceLocation{file_name, line}, "text is not valid UTF-8");
  }
  std::vector<std::size_t> original_line;
  std::string cleaned = without_comment_lines(text, original_line);
  CsvOptions csv_options;
  csv_options.accept_unclosed_quote = true;  // like Python's csv module
  auto rows = parse_csv(cleaned, file_name, csv_options);
  auto line_of = [&](std::size_t cleaned_line) {
    return cleaned_line >= 1 && cleaned_line <= original_line.size() ? original_line[cleaned_line - 1] : cleaned_line;
  };
  std::vector<InputRow> out;
  if (rows.empty()) return out;
  // csv.DictReader takes the first line as the header even when it is empty; every row
  // then lacks 'key' and the reference crashes (KeyError).
  if (cleaned.starts_with('\n'))
    throw Error(ErrorKind::Input, SourceLocation{file_name, line_of(1), 1, "key"},
                "the first line is empty, and the reference takes it as the header (then fails on every row); remove the empty line(s) before the header");

  // Header: by name, the last column of a name wins (like a dict built from the header).
  const auto& header = rows.front().fields;
  std::array<std::optional<std::size_t>, 4> columns;
  constexpr std::array<std::string_view, 4> kNames = {"key", "type", "encoding", "value"};
  for (std::size_t i = 0; i < header.size(); ++i)
    for (std::size_t k = 0; k < kNames.size(); ++k)
      if (header[i] == kNames[k]) columns[k] = i;
  bool starts_with_bom = !header.empty() && header.front().starts_with(kByteOrderMark);
  for (std::size_t k = 0; k < kNames.size(); ++k)
    if (!columns[k])
      // Located at the first column for a byte-order mark (it spoils that name), else after the last.
      throw Error(ErrorKind::Input, SourceLocation{file_name, line_of(rows.front().line), starts_with_bom ? 1 : header.size() + 1, std::string(kNames[k])},
                  "the header row has no '" + std::string(kNames[k]) + "' column (expected key,type,encoding,value)" +
                      (starts_with_bom ? "; the file starts with a UTF-8 byte-order mark, which the reference keeps as part of the first header name: save it without the mark" : ""));

  out.reserve(rows.size() - 1);
  for (std::size_t r = 1; r < rows.size(); ++r) {
    auto& fields = rows[r].fields;
    InputRow row;
    row.where = SourceLocation{file_name, line_of(rows[r].line)};
    auto take = [&](std::size_t k) -> std::optional<std::string> {
      std::size_t i = *columns[k];
      if (i >= fields.size()) return std::nullopt;
      return std::move(fields[i]);
    };
    row.oversized_field_column = oversized_field_column(fields);
    row.key_column = *columns[0] + 1;
    row.type_column = *columns[1] + 1;
    row.encoding_column = *columns[2] + 1;
    row.value_column = *columns[3] + 1;
    row.key = take(0);
    row.type = take(1);
    row.encoding = take(2);
    row.value = take(3);
    row.unclosed_quote = rows[r].unclosed_quote;
    out.push_back(std::move(row));
  }
  return out;
}

RowWriter::RowWriter(ImageBuilder& builder, RowOptions options) : builder_(builder), options_(std::move(options)) {}

void RowWriter::add(std::string_view key, std::string_view type, std::string_view encoding, std::string_view value, SourceLocation where) {
  InputRow row;
  row.key = std::string(key);
  row.type = std::string(type);
  row.encoding = std::string(encoding);
  row.value = std::string(value);
  row.where = std::move(where);
  add_row(row);
}

void RowWriter::write_hardwired_blob(const InputRow& row, const std::string& key, Bytes data) {
  located(row, row.key_column, "key", [&] { builder_.add_blob(key, data); });
}

void RowWriter::write_value(const InputRow& row, const std::string& key, std::string_view encoding, std::string_view value, bool from_file) {
  ValueContext context{at(row, row.value_column, "value"), at(row, row.encoding_column, "encoding"), key, options_.warnings};
  ConvertedValue converted = convert_value(encoding, value, from_file, context);
  located(row, row.value_column, "value", [&] {
    switch (converted.kind) {
      case ConvertedValue::Kind::Integer: builder_.add_integer(key, converted.integer_type, converted.integer_bits); break;
      case ConvertedValue::Kind::String: builder_.add_string(key, converted.bytes); break;
      case ConvertedValue::Kind::Blob: builder_.add_blob(key, converted.bytes); break;
    }
  });
}

void RowWriter::add_row(const InputRow& row) {
  if (!row.key) throw Error(ErrorKind::Input, at(row, row.key_column, "key"), "the row has no key field");
  const std::string& key = *row.key;
  if (utf8_character_count(key) > kMaxKeyLength)
    throw Error(ErrorKind::Input, at(row, row.key_column, "key"), "key '" + key + "' is longer than 15 characters");
  if (!is_ascii(key))
    throw Error(ErrorKind::Input, at(row, row.key_column, "key"),
                "key '" + key + "' is not ASCII (the reference writes a malformed entry for such keys)");
  auto warn = [&](std::size_t column, const char* field, std::string message) {
    if (options_.warnings != nullptr) options_.warnings->warn(at(row, column, field), std::move(message));
  };
  auto require = [&](const std::optional<std::string>& field, std::size_t column, const char* name) -> const std::string& {
    if (!field) throw Error(ErrorKind::Input, at(row, column, name), "key '" + key + "': the row has no " + name + " field");
    return *field;
  };
  const std::string type = row.type.value_or("");
  if (row.unclosed_quote)
    warn(row.key_column, "key", "key '" + key + "': a quoted field of this row is never closed; like the reference, it runs to the end of the file");
  // The reference crashes here (_csv.Error); fwprov reads the field, since `nvs decode --csv`
  // writes large blobs inline too, and warns (an error with --strict).
  if (row.oversized_field_column != 0)
    warn(row.oversized_field_column, "", "key '" + key + "': field longer than " + std::to_string(kMaxCsvFieldCharacters) +
                                             " characters, which the reference's CSV reader refuses (it fails); use a file row");

  // Reference: ap.ssid + ap.passwd + ap.authmode (not "0") known -> ap.pmk_info blob first.
  if (is_ap_key(key)) {
    auto& slot = key == kApKeys[0] ? ap_ssid_ : key == kApKeys[1] ? ap_passwd_ : ap_authmode_;
    if (key != kApKeys[2] || row.value != std::optional<std::string>("0")) slot = row.value;
    auto known = [](const std::optional<std::string>& v) { return v && !v->empty(); };
    if (known(ap_ssid_) && known(ap_passwd_) && known(ap_authmode_)) {
      Bytes info(100, 0);
      info.resize(132);
      if (PKCS5_PBKDF2_HMAC_SHA1(ap_passwd_->data(), static_cast<int>(ap_passwd_->size()),
                                 reinterpret_cast<const unsigned char*>(ap_ssid_->data()), static_cast<int>(ap_ssid_->size()), 4096, 32,
                                 info.data() + 100) != 1)
        throw Error(ErrorKind::Crypto, at(row, row.value_column, "value"), "PBKDF2 for ap.pmk_info failed");
      write_hardwired_blob(row, "ap.pmk_info", std::move(info));
    }
  }
  // Reference: sta.ssid / sta.pswd ignore the type column; the first one adds three blobs.
  if (is_sta_key(key)) {
    write_value(row, key, require(row.encoding, row.encoding_column, "encoding"), require(row.value, row.value_column, "value"), false);
    if (!wifi_extras_written_) {
      write_hardwired_blob(row, "sta.apinfo", Bytes(140, 0xFF));
      write_hardwired_blob(row, "sta.pmk", Bytes(32, 0x00));
      write_hardwired_blob(row, "sta.apsw", Bytes(2, 0x00));
      wifi_extras_written_ = true;
    }
    return;
  }

  if (type == "namespace") {
    bool created = false;
    located(row, row.key_column, "key", [&] { created = builder_.add_namespace(key); });
    // The reference writes index 255, but ESP-IDF's nvs_flash uses 255 as "any namespace" and
    // itself hands out only 1..254, so items of this namespace are not found on the device.
    if (created && builder_.current_namespace() == 255)
      warn(row.key_column, "key", "namespace '" + key + "' is the 255th: ESP-IDF allows 254 namespaces (index 255 means 'any namespace' on the device)");
    if (!created)
      warn(row.key_column, "key", "namespace '" + key + "' was already created; like the reference, following rows stay in namespace index " +
                                      std::to_string(builder_.current_namespace()) + " (it does not switch back)");
    return;
  }
  if (type != "data" && type != "file")
    warn(row.type_column, "type", "key '" + key + "': type '" + type + "' is not data, file or namespace; treated as data");
  if (builder_.namespace_count() == 0)
    warn(row.key_column, "key", "key '" + key + "' comes before any namespace row; it is stored in namespace index 0");
  const std::string& encoding = require(row.encoding, row.encoding_column, "encoding");
  // blob_fill/blob_sz_fill test `if value:` before using it: a missing value is padding only.
  static const std::string kNoValue;
  bool fill_encoding = encoding.starts_with("blob_fill") || encoding.starts_with("blob_sz_fill");
  const std::string& value = !row.value && fill_encoding && type != "file" ? kNoValue : require(row.value, row.value_column, "value");
  if (type == "file") {
    std::filesystem::path path(value);
    if (path.is_relative() && !options_.base_dir.empty()) path = options_.base_dir / path;
    std::string content;
    try {
      content = options_.read_file ? options_.read_file(path) : read_text_file(path);
    } catch (const Error& error) {
      throw Error(error.kind(), at(row, row.value_column, "value"), "key '" + key + "': file '" + path.string() + "': " + error.message());
    }
    write_value(row, key, encoding, content, true);
    return;
  }
  write_value(row, key, encoding, value, false);
}

Bytes generate_image(const std::vector<std::filesystem::path>& csv_files, const GenerateOptions& options) {
  ImageBuilder builder(options.build);
  RowWriter writer(builder, RowOptions{options.base_dir, options.warnings, {}});
  for (const auto& file : csv_files) {
    std::string text = read_text_file(file);
    for (const auto& row : parse_input_csv(text, file.string())) writer.add_row(row);
  }
  return builder.finish();
}

}  // namespace fwprov::nvs
