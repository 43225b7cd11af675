#include "fwprov/nvs/mfg.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "fwprov/core/file_io.hpp"

#include "fwprov/core/csv.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/nvs/csv_input.hpp"

namespace fwprov::nvs {
namespace {

constexpr std::string_view kEncodings[] = {"string", "binary", "hex2bin", "base64", "u8", "i8", "u16", "u32", "i32", "u64", "i64"};

bool blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; });
}

// mfg_gen reads its files in text mode (universal newlines): CR LF and a lone CR are LF,
// also inside quoted values.
std::string with_lf_line_ends(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r') {
      out.push_back(text[i]);
      continue;
    }
    out.push_back('\n');
    if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
  }
  return out;
}

// mfg_gen removes whitespace-only lines first; blanking them keeps the line numbers right.
std::string without_blank_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!blank(line)) out.append(line);
    if (end < text.size()) out.push_back('\n');
    start = end + 1;
  }
  return out;
}

// Python's f"{value:0{digits}}": the sign counts towards the width, zeros go after it.
std::string zero_padded(std::int64_t value, unsigned digits) {
  std::string sign = value < 0 ? "-" : "";
  std::string text = std::to_string(value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value));
  if (sign.size() + text.size() < digits) text.insert(0, digits - sign.size() - text.size(), '0');
  return sign + text;
}

bool is_config_key(const MfgInput& input, std::string_view name) {
  return std::any_of(input.config.begin(), input.config.end(), [&](const MfgConfigRow& row) { return !row.is_namespace && row.key == name; });
}

[[noreturn]] void wrong_field_count(const std::string& config_name, std::size_t line, std::size_t count) {
  throw Error(ErrorKind::Input, SourceLocation{config_name, line},
              "a config row has 3 fields, key,type,encoding (plus REPEAT); this one has " + std::to_string(count));
}

// One config row. Type and encoding are checked at positions 2 and 3 of the row as written,
// REPEAT still in place, like mfg_gen.py's verify_datatype_encoding ("k,data,REPEAT,u8" fails).
MfgConfigRow read_config_row(CsvRow& row, const std::string& config_name) {
  auto& fields = row.fields;
  MfgConfigRow config;
  config.line = row.line;
  config.is_namespace = std::find(fields.begin(), fields.end(), "namespace") != fields.end();
  if (fields.size() < (config.is_namespace ? 2u : 3u)) wrong_field_count(config_name, row.line, fields.size());
  const std::string& type = fields[1];
  if (type != "namespace" && type != "data" && type != "file")
    throw Error(ErrorKind::Input, SourceLocation{config_name, row.line, 2, "type"},
                "key '" + fields[0] + "': type '" + type + "' is not namespace, data or file");
  if (!config.is_namespace && std::find(std::begin(kEncodings), std::end(kEncodings), fields[2]) == std::end(kEncodings))
    throw Error(ErrorKind::Input, SourceLocation{config_name, row.line, 3, "encoding"},
                "key '" + fields[0] + "': encoding '" + fields[2] +
                    "' is not one mfg accepts (string binary hex2bin base64 u8 i8 u16 u32 i32 u64 i64; no i16, like mfg_gen.py)");
  auto repeat = std::find(fields.begin(), fields.end(), "REPEAT");
  if (repeat != fields.end()) {
    config.repeat = true;
    fields.erase(repeat);
  }
  if (fields.size() != 3) wrong_field_count(config_name, row.line, fields.size());
  config.key = fields[0];
  config.type = fields[1];
  config.encoding = fields[2];
  config.fields = std::move(fields);
  return config;
}

// mfg_gen.py's verify_keys_exist: the header names that are config keys, in header order,
// must start with the config keys in config order (so duplicates must match too). Also
// records each key's column, searching on from the previous key's.
void check_config_keys_in_header(MfgInput& input) {
  std::vector<std::string_view> header_keys;
  for (const auto& name : input.header)
    if (is_config_key(input, name)) header_keys.push_back(name);
  std::size_t matched = 0;
  std::size_t next_column = 0;
  for (auto& config : input.config) {
    if (config.is_namespace) continue;
    if (matched >= header_keys.size() || header_keys[matched] != config.key) {
      bool in_header = std::find(input.header.begin(), input.header.end(), config.key) != input.header.end();
      throw Error(ErrorKind::Input, SourceLocation{input.config_name, config.line, 1, "key"},
                  "key '" + config.key + "' has no column in " + input.values_name +
                      (in_header ? " after the previous key's column (columns must follow the config order, each config key once per column)" : ""));
    }
    ++matched;
    auto found = std::find(input.header.begin() + static_cast<std::ptrdiff_t>(next_column), input.header.end(), config.key);
    config.value_column = static_cast<std::size_t>(found - input.header.begin());
    next_column = config.value_column + 1;
  }
}

// mfg_gen.py's set_repeat_value: the REPEAT keys (namespace rows included, in config order)
// are matched against the header from left to right; each match copies the first device's
// value into that column of every later device. A REPEAT key that is not the next header
// match (e.g. a namespace name) stops the matching there, as in the reference.
void apply_repeat(MfgInput& input) {
  std::vector<std::string_view> repeat_keys;
  for (const auto& config : input.config)
    if (config.repeat) repeat_keys.push_back(config.key);
  if (repeat_keys.empty()) return;
  if (input.devices.empty())
    throw Error(ErrorKind::Input, SourceLocation{input.values_name, 1}, "REPEAT needs at least one device row (mfg_gen.py fails without one)");
  std::vector<std::size_t> columns;
  std::size_t next_key = 0;
  for (std::size_t column = 0; column < input.header.size() && next_key < repeat_keys.size(); ++column)
    if (input.header[column] == repeat_keys[next_key]) {
      columns.push_back(column);
      ++next_key;
    }
  for (std::size_t d = 1; d < input.devices.size(); ++d)
    for (std::size_t column : columns) input.devices[d][column] = input.devices[0][column];
}

}  // namespace

std::string python_csv_row(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out.push_back(',');
    const std::string& field = fields[i];
    bool quote = field.find_first_of(",\"\r\n") != std::string::npos || (fields.size() == 1 && field.empty());
    if (!quote) {
      out += field;
      continue;
    }
    out.push_back('"');
    for (char c : field) {
      if (c == '"') out.push_back('"');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out += "\r\n";
  return out;
}

MfgInput parse_mfg_input(std::string_view config_text, const std::string& config_name, std::string_view values_text,
                         const std::string& values_name) {
  MfgInput input;
  input.config_name = config_name;
  input.values_name = values_name;
  CsvOptions csv_options;
  csv_options.accept_unclosed_quote = true;  // like Python's csv module
  auto config_rows = parse_csv(without_blank_lines(with_lf_line_ends(config_text)), config_name, csv_options);
  auto value_rows = parse_csv(without_blank_lines(with_lf_line_ends(values_text)), values_name, csv_options);
  if (config_rows.empty()) throw Error(ErrorKind::Input, SourceLocation{config_name, 1}, "the config file is empty (or holds only blank lines)");
  if (value_rows.empty()) throw Error(ErrorKind::Input, SourceLocation{values_name, 1}, "the values file is empty (or holds only blank lines)");

  for (auto& row : config_rows) input.config.push_back(read_config_row(row, config_name));

  input.header = std::move(value_rows.front().fields);
  check_config_keys_in_header(input);
  for (std::size_t r = 1; r < value_rows.size(); ++r) {
    if (value_rows[r].fields.size() != input.header.size())
      throw Error(ErrorKind::Input, SourceLocation{values_name, value_rows[r].line},
                  "the row has " + std::to_string(value_rows[r].fields.size()) + " fields, the header has " + std::to_string(input.header.size()));
    input.devices.push_back(std::move(value_rows[r].fields));
    input.device_lines.push_back(value_rows[r].line);
  }
  apply_repeat(input);
  return input;
}

namespace {

// Files named by many devices (a CA certificate, a shared blob) are read once per batch.
class FileCache {
 public:
  std::string read(const std::filesystem::path& path) {
    {
      std::lock_guard lock(mutex_);
      auto found = files_.find(path.string());
      if (found != files_.end()) return found->second;
    }
    std::string content = read_text_file(path);
    std::lock_guard lock(mutex_);
    return files_.emplace(path.string(), std::move(content)).first->second;
  }

 private:
  std::mutex mutex_;
  std::unordered_map<std::string, std::string> files_;
};

std::string device_name(const MfgInput& input, const MfgOptions& options, std::size_t index) {
  const auto& values = input.devices[index];
  std::string id = std::to_string(index + 1);
  if (options.fileid) {
    // Reference quirk: the first (column, value) pair holding the name anywhere wins.
    for (std::size_t c = 0; c < input.header.size(); ++c)
      if (input.header[c] == *options.fileid || values[c] == *options.fileid) {
        id = values[c];
        break;
      }
  }
  std::string name = options.prefix + "-" + (options.prefix_num ? zero_padded(options.prefix_num->first + static_cast<std::int64_t>(index), options.prefix_num->second) + "-" : "") + id;
  if (name.find('/') != std::string::npos || name.find('\0') != std::string::npos)
    throw Error(ErrorKind::Input, SourceLocation{input.values_name, input.device_lines[index]},
                "file name '" + name + "' for this device contains '/'; choose another --fileid column or prefix");
  return name;
}

// mfg_gen.py stops at a device whose files already exist, so two devices with one name fail.
void check_unique_names(const MfgInput& input, const std::vector<std::string>& names) {
  std::unordered_map<std::string_view, std::size_t> first_device;
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto [found, inserted] = first_device.emplace(names[i], i);
    if (!inserted)
      throw Error(ErrorKind::Input, SourceLocation{input.values_name, input.device_lines[i]},
                  "this device's files would be named '" + names[i] + "', like those of the device on line " +
                      std::to_string(input.device_lines[found->second]) + " (mfg_gen.py stops there: the file already exists); use a --fileid column with unique values");
  }
}

// mfg_gen.py's add_data_to_file: each config key takes the value of the next (column, value)
// pair that holds the key anywhere -- normally its column name, but (quirk, kept with a
// warning) an earlier column whose VALUE equals the key name matches first.
std::vector<std::size_t> value_columns_of_device(const MfgInput& input, std::size_t index, Warnings& warnings) {
  const auto& values = input.devices[index];
  const SourceLocation where{input.values_name, input.device_lines[index]};
  std::vector<std::size_t> columns(input.config.size(), 0);
  std::size_t next = 0;
  for (std::size_t k = 0; k < input.config.size(); ++k) {
    const auto& key = input.config[k].key;
    if (input.config[k].is_namespace) continue;
    while (next < input.header.size() && input.header[next] != key && values[next] != key) ++next;
    if (next == input.header.size()) throw Error(ErrorKind::Input, where, "key '" + key + "' has no value in this row");
    if (input.header[next] != key)
      warnings.warn(SourceLocation{input.values_name, input.device_lines[index], next + 1},
                    "column '" + input.header[next] + "' holds the text '" + key + "', so like mfg_gen.py key '" + key +
                        "' takes this value instead of the one in its own column");
    columns[k] = next++;
  }
  return columns;
}

MfgDevice build_device(const MfgInput& input, const MfgOptions& options, std::size_t index, std::string name, Warnings& warnings, FileCache& cache) {
  const auto& values = input.devices[index];
  MfgDevice device;
  device.name = std::move(name);
  auto columns = value_columns_of_device(input, index, warnings);

  device.csv = "key,type,encoding,value\r\n";
  std::vector<std::size_t> row_first_line;  // per config row: its first line in device.csv
  std::size_t line = 2;
  for (std::size_t k = 0; k < input.config.size(); ++k) {
    // The config row as written (REPEAT removed), then the value or an empty field.
    std::vector<std::string> fields = input.config[k].fields;
    fields.push_back(input.config[k].is_namespace ? std::string() : values[columns[k]]);
    std::string row = python_csv_row(fields);
    row_first_line.push_back(line);
    line += static_cast<std::size_t>(std::count(row.begin(), row.end(), '\n'));
    device.csv += row;
  }

  BuildOptions build = options.build;
  if (options.keygen) build.keys = random_keys();
  ImageBuilder builder(build);
  RowWriter writer(builder, RowOptions{options.base_dir, &warnings, [&cache](const std::filesystem::path& path) { return cache.read(path); }});
  // The image comes from the per-device CSV exactly as `nvs generate` would read it.
  // The per-device CSV is never written: an error in it is reported where its bytes came from,
  // the values file's row and column (or the config file's line for a namespace row).
  std::vector<InputRow> rows;
  try {
    rows = parse_input_csv(device.csv, device.name + ".csv");
  } catch (const Error& error) {
    if (error.where().file != device.name + ".csv" || error.where().line < 2) throw;
    auto after = std::upper_bound(row_first_line.begin(), row_first_line.end(), error.where().line);
    if (after == row_first_line.begin()) throw;
    std::size_t k = static_cast<std::size_t>(after - row_first_line.begin()) - 1;
    if (input.config[k].is_namespace)
      throw Error(error.kind(), SourceLocation{input.config_name, input.config[k].line}, error.message());
    throw Error(error.kind(),
                SourceLocation{input.values_name, input.device_lines[index], columns[k] + 1, input.header[columns[k]]},
                error.message());
  }
  bool aligned = rows.size() == input.config.size();
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (aligned) {
      // Report problems where the user can fix them: the values file (or config for namespaces).
      const auto& config = input.config[k];
      if (config.is_namespace) {
        rows[k].where = SourceLocation{input.config_name, config.line};
        rows[k].key_column = 1;
      } else {
        rows[k].where = SourceLocation{input.values_name, input.device_lines[index]};
        rows[k].key_column = rows[k].type_column = rows[k].encoding_column = rows[k].value_column = columns[k] + 1;
      }
    }
    writer.add_row(rows[k]);
  }
  device.image = builder.finish();
  if (build.keys && options.keygen) device.key_file = key_file_bytes(*build.keys);
  return device;
}

}  // namespace

std::vector<MfgDevice> build_mfg_batch(const MfgInput& input, const MfgOptions& options) {
  if (options.fileid && std::find(input.header.begin(), input.header.end(), *options.fileid) == input.header.end())
    throw Error(ErrorKind::Input, SourceLocation{input.values_name, 1}, "--fileid column '" + *options.fileid + "' is not in the header");
  partition_geometry(options.build.partition_size);  // size errors before any work

  std::size_t count = input.devices.size();
  std::vector<std::string> names(count);
  for (std::size_t i = 0; i < count; ++i) names[i] = device_name(input, options, i);
  check_unique_names(input, names);
  std::vector<MfgDevice> devices(count);
  std::vector<Warnings> warnings(count);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  FileCache cache;
  auto work = [&] {
    for (std::size_t i; !failed && (i = next++) < count;) {
      try {
        devices[i] = build_device(input, options, i, names[i], warnings[i], cache);
      } catch (...) {
        errors[i] = std::current_exception();
        failed = true;
      }
    }
  };
  unsigned jobs = std::max(1u, std::min<unsigned>(options.jobs, static_cast<unsigned>(std::max<std::size_t>(count, 1))));
  std::vector<std::thread> threads;
  for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(work);
  work();
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < count; ++i) {
    if (options.warnings != nullptr)
      for (const auto& warning : warnings[i].all()) options.warnings->warn(warning.where, warning.message);
    if (errors[i]) std::rethrow_exception(errors[i]);
  }
  return devices;
}

}  // namespace fwprov::nvs
