#include "fwprov/provision/storage.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/file_io.hpp"
#include "fwprov/nvs/builder.hpp"
#include "fwprov/provision/placeholders.hpp"
#include "template_names.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

// File rows name in-memory data through this prefix; RowWriter hands the "path" back to our
// read_file callback, which never goes to the disk for it.
constexpr std::string_view kMemoryPrefix = "fwprov-memory:";

SourceLocation value_at(const nvs::InputRow& row) {
  SourceLocation where = row.where;
  where.column = row.value_column;
  where.field = row.key.value_or("");
  return where;
}

bool is_file_row(const nvs::InputRow& row) { return row.type && *row.type == "file"; }

// The single placeholder a file row's value consists of, if it is exactly one.
std::optional<std::string> whole_placeholder(const std::string& value) {
  if (value.size() < 3 || value.front() != '{' || value.back() != '}') return std::nullopt;
  std::string name = value.substr(1, value.size() - 2);
  if (name.find_first_of("{}") != std::string::npos) return std::nullopt;
  return name;
}

std::set<std::string> data_names(const RunPlan& plan) {
  std::set<std::string> names = subject_placeholders();
  if (plan.values)
    for (const auto& column : plan.values->header) names.insert(column);
  return names;
}

std::set<std::string> memory_names(const RunPlan& plan) {
  std::set<std::string> names;
  if (plan.recipe.credentials.mode != CredentialMode::None) names.insert({"device_cert", "device_key"});
  if (plan.recipe.credentials.mode == CredentialMode::Issue) names.insert("ca_cert");
  for (const auto& [name, der] : plan.files_der) names.insert(name);
  return names;
}

}  // namespace

void check_storage_template(const RunPlan& plan) {
  auto text_names = data_names(plan);
  auto binary_names = memory_names(plan);
  for (const auto& row : plan.storage_rows) {
    if (row.key) check_placeholders(*row.key, text_names, row.where);
    if (!row.value) continue;
    auto where = value_at(row);
    if (is_file_row(row)) {
      if (auto name = whole_placeholder(*row.value); name && binary_names.count(*name)) continue;
      for (const auto& name : placeholder_names(*row.value, where))
        if (binary_names.count(name) || credential_placeholders().count(name))
          throw Error(ErrorKind::Input, where, fmt::format("{{{}}} must be the whole value of a file row", name));
    } else {
      for (const auto& name : placeholder_names(*row.value, where))
        if (binary_names.count(name) || credential_placeholders().count(name))
          throw Error(ErrorKind::Input, where,
                      fmt::format("{{{}}} is binary data: use it in a file row (type file, encoding binary)", name));
    }
    std::set<std::string> allowed = text_names;
    check_placeholders(*row.value, allowed, where);
  }
}

std::map<std::string, std::string> device_values(const RunPlan& plan, const DeviceIdentity& identity) {
  std::map<std::string, std::string> values;
  if (!plan.values) return values;
  const auto& table = *plan.values;
  const std::string& match = plan.recipe.storage.match;
  std::size_t column = std::find(table.header.begin(), table.header.end(), match) - table.header.begin();
  const std::string& wanted = match == "mac" ? identity.mac : identity.serial;
  for (const auto& row : table.rows) {
    std::string field = row[column];
    if (match == "mac") std::transform(field.begin(), field.end(), field.begin(), [](unsigned char c) { return std::tolower(c); });
    if (field != wanted) continue;
    for (std::size_t i = 0; i < table.header.size(); ++i) values[table.header[i]] = row[i];
    return values;
  }
  throw Error(ErrorKind::Input, SourceLocation(table.file, 0, 0, match), fmt::format("no row for {} {}", match, wanted));
}

Bytes build_storage_image(const RunPlan& plan, const DeviceIdentity& identity, const DeviceCredentials& credentials, Warnings* warnings) {
  const Recipe& recipe = plan.recipe;
  auto values = device_values(plan, identity);
  auto lookup = [&](const std::string& name) -> std::optional<std::string> {
    if (name == "serial") return identity.serial;
    if (name == "mac") return identity.mac;
    if (name == "chip") return identity.chip;
    if (auto it = values.find(name); it != values.end()) return it->second;
    return std::nullopt;
  };
  // RowWriter reads file rows as text, so the DER passes through short-lived std::strings here
  // (not wiped: RowWriter owns the copy); the bytes never reach the disk.
  auto memory = [&](std::string_view name) -> std::optional<std::string> {
    auto text = [](ByteView bytes) { return std::string(bytes.begin(), bytes.end()); };
    if (name == "device_cert" && credentials.present) return text(credentials.certificate_der);
    if (name == "device_key" && credentials.present) return text(credentials.private_key_der.view());
    if (name == "ca_cert" && plan.ca) return text(plan.ca->certificate_der);
    if (auto it = plan.files_der.find(std::string(name)); it != plan.files_der.end()) return text(it->second);
    return std::nullopt;
  };

  nvs::ImageBuilder builder(nvs::build_options(plan.storage_slot->capacity, recipe.storage.version == 1 ? nvs::Version::V1 : nvs::Version::V2));
  nvs::RowOptions row_options;
  row_options.warnings = warnings;
  row_options.read_file = [&](const fs::path& path) -> std::string {
    std::string text = path.string();
    if (text.rfind(kMemoryPrefix, 0) == 0) {
      auto data = memory(std::string_view(text).substr(kMemoryPrefix.size()));
      if (!data) throw Error(ErrorKind::Internal, "storage: no in-memory data for " + text);
      return *data;
    }
    return read_text_file(path.is_absolute() ? path : recipe.dir / path);
  };
  nvs::RowWriter writer(builder, row_options);
  for (const auto& template_row : plan.storage_rows) {
    nvs::InputRow row = template_row;
    if (row.key) row.key = expand(*row.key, lookup, row.where);
    if (row.value) {
      if (is_file_row(row)) {
        if (auto name = whole_placeholder(*row.value); name && memory(*name)) {
          row.value = std::string(kMemoryPrefix) + *name;
          writer.add_row(row);
          continue;
        }
      }
      row.value = expand(*row.value, lookup, value_at(row));
    }
    writer.add_row(row);
  }
  return builder.finish();
}

}  // namespace fwprov::provision
