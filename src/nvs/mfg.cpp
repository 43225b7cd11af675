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

std::string zero_padded(std::uint64_t value, unsigned digits) {
  std::string text = std::to_string(value);
  if (text.size() < digits) text.insert(0, digits - text.size(), '0');
  return text;
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
  auto config_rows = parse_csv(without_blank_lines(config_text), config_name);
  auto value_rows = parse_csv(without_blank_lines(values_text), values_name);
  if (config_rows.empty()) throw Error(ErrorKind::Input, SourceLocation{config_name}, "the config file is empty");
  if (value_rows.empty()) throw Error(ErrorKind::Input, SourceLocation{values_name}, "the values file is empty");

  for (auto& row : config_rows) {
    auto& fields = row.fields;
    MfgConfigRow config;
    config.line = row.line;
    auto repeat = std::find(fields.begin(), fields.end(), "REPEAT");
    if (repeat != fields.end()) {
      config.repeat = true;
      fields.erase(repeat);
    }
    if (fields.size() != 3)
      throw Error(ErrorKind::Input, SourceLocation{config_name, row.line},
                  "a config row has 3 fields, key,type,encoding (plus REPEAT); this one has " + std::to_string(fields.size()));
    config.key = fields[0];
    config.type = fields[1];
    config.encoding = fields[2];
    if (config.type != "namespace" && config.type != "data" && config.type != "file")
      throw Error(ErrorKind::Input, SourceLocation{config_name, row.line, 2, "type"},
                  "key '" + config.key + "': type '" + config.type + "' is not namespace, data or file");
    bool is_namespace = std::find(fields.begin(), fields.end(), "namespace") != fields.end();
    if (!is_namespace && std::find(std::begin(kEncodings), std::end(kEncodings), config.encoding) == std::end(kEncodings))
      throw Error(ErrorKind::Input, SourceLocation{config_name, row.line, 3, "encoding"},
                  "key '" + config.key + "': encoding '" + config.encoding +
                      "' is not one mfg accepts (string binary hex2bin base64 u8 i8 u16 u32 i32 u64 i64; no i16, like mfg_gen.py)");
    if (is_namespace) config.type = "namespace";
    input.config.push_back(std::move(config));
  }

  input.header = std::move(value_rows.front().fields);
  // Config keys are columns of the values file, in the same relative order.
  std::size_t next_column = 0;
  for (auto& config : input.config) {
    if (config.type == "namespace") continue;
    auto found = std::find(input.header.begin() + static_cast<std::ptrdiff_t>(std::min(next_column, input.header.size())), input.header.end(), config.key);
    if (found == input.header.end())
      throw Error(ErrorKind::Input, SourceLocation{config_name, config.line, 1, "key"},
                  "key '" + config.key + "' has no column in " + values_name +
                      (std::find(input.header.begin(), input.header.end(), config.key) != input.header.end() ? " after the previous key's column (columns must follow the config order)" : ""));
    config.value_column = static_cast<std::size_t>(found - input.header.begin());
    next_column = config.value_column + 1;
  }
  for (std::size_t r = 1; r < value_rows.size(); ++r) {
    if (value_rows[r].fields.size() != input.header.size())
      throw Error(ErrorKind::Input, SourceLocation{values_name, value_rows[r].line},
                  "the row has " + std::to_string(value_rows[r].fields.size()) + " fields, the header has " + std::to_string(input.header.size()));
    input.devices.push_back(std::move(value_rows[r].fields));
    input.device_lines.push_back(value_rows[r].line);
  }
  // REPEAT: the first device's value is used for every device.
  for (const auto& config : input.config)
    if (config.repeat && config.type != "namespace")
      for (std::size_t d = 1; d < input.devices.size(); ++d) input.devices[d][config.value_column] = input.devices[0][config.value_column];
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

MfgDevice build_device(const MfgInput& input, const MfgOptions& options, std::size_t index, Warnings& warnings, FileCache& cache) {
  const auto& values = input.devices[index];
  MfgDevice device;
  std::string id = std::to_string(index + 1);
  if (options.fileid) {
    // Reference quirk: the first (column, value) pair holding the name anywhere wins.
    for (std::size_t c = 0; c < input.header.size(); ++c)
      if (input.header[c] == *options.fileid || values[c] == *options.fileid) {
        id = values[c];
        break;
      }
  }
  device.name = options.prefix + "-" + (options.prefix_num ? zero_padded(options.prefix_num->first + index, options.prefix_num->second) + "-" : "") + id;

  if (device.name.find('/') != std::string::npos || device.name.find('\0') != std::string::npos)
    throw Error(ErrorKind::Input, SourceLocation{input.values_name, input.device_lines[index]},
                "file name '" + device.name + "' for this device contains '/'; choose another --fileid column or prefix");

  device.csv = "key,type,encoding,value\r\n";
  for (const auto& config : input.config) {
    if (config.type == "namespace") device.csv += python_csv_row({config.key, "namespace", "", ""});
    else device.csv += python_csv_row({config.key, config.type, config.encoding, values[config.value_column]});
  }

  BuildOptions build = options.build;
  if (options.keygen) build.keys = random_keys();
  ImageBuilder builder(build);
  RowWriter writer(builder, RowOptions{options.base_dir, &warnings, [&cache](const std::filesystem::path& path) { return cache.read(path); }});
  // The image comes from the per-device CSV exactly as `nvs generate` would read it.
  auto rows = parse_input_csv(device.csv, device.name + ".csv");
  bool aligned = rows.size() == input.config.size();
  for (std::size_t k = 0; k < rows.size(); ++k) {
    if (aligned) {
      // Report problems where the user can fix them: the values file (or config for namespaces).
      const auto& config = input.config[k];
      if (config.type == "namespace") {
        rows[k].where = SourceLocation{input.config_name, config.line};
        rows[k].key_column = 1;
      } else {
        rows[k].where = SourceLocation{input.values_name, input.device_lines[index]};
        rows[k].key_column = rows[k].type_column = rows[k].encoding_column = rows[k].value_column = config.value_column + 1;
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
  std::vector<MfgDevice> devices(count);
  std::vector<Warnings> warnings(count);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  FileCache cache;
  auto work = [&] {
    for (std::size_t i; !failed && (i = next++) < count;) {
      try {
        devices[i] = build_device(input, options, i, warnings[i], cache);
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
