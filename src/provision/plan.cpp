#include "fwprov/provision/plan.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <future>

#include "fwprov/core/csv.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/esp/loader.hpp"
#include "fwprov/esp/target.hpp"
#include "fwprov/esp/write_plan.hpp"
#include "fwprov/image/image.hpp"
#include "fwprov/image/patch.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/otadata.hpp"
#include "fwprov/pki/convert.hpp"
#include "fwprov/provision/placeholders.hpp"
#include "fwprov/provision/secure_cert_partition.hpp"
#include "fwprov/provision/storage.hpp"
#include "template_names.hpp"

namespace fwprov::provision {
namespace {

namespace fs = std::filesystem;

// Runs `read`; an error gets the recipe key in front, so the message names file and key.
template <typename F>
auto at_key(const SourceLocation& where, F&& read) {
  try {
    return read();
  } catch (const Error& error) {
    SourceLocation located = where;
    std::string inner = error.where().to_string();
    throw Error(error.kind(), located, fmt::format("{}{}", inner.empty() ? "" : inner + ": ", error.message()));
  }
}

SourceLocation key_at(const Recipe& recipe, const std::string& key) { return SourceLocation(recipe.file.string(), 0, 0, key); }

partitions::PartitionTable load_partition_table(const Recipe& recipe, Bytes& binary, Warnings& warnings) {
  fs::path path = recipe.dir / recipe.partitions.table;
  return at_key(recipe.partitions.where, [&] {
    Bytes data = read_file(path);
    partitions::TableOptions options;
    options.table_offset = recipe.partitions.offset;
    if (recipe.device.flash_size != "keep") options.flash_size = partitions::parse_flash_size_choice(recipe.device.flash_size);
    auto table = partitions::load_table(data, path.string(), options, warnings);
    binary = partitions::looks_binary(data) ? data : partitions::encode_table(table, path.string(), options);
    return table;
  });
}

std::string size_words(std::uint64_t bytes) { return fmt::format("{} bytes (0x{:X})", bytes, bytes); }

// esptool's (and `fwprov flash write`'s) chip check, before any device: an image whose header
// names another chip would not boot. Files that are not images (data) are not checked. Returns
// the image's header (its revision range is checked per device), nullopt for data.
std::optional<image::ExtendedHeader> check_image_chip(ByteView data, const esp::Target& target, const std::string& name,
                                                      const SourceLocation& where) {
  image::ParsedImage parsed;
  try {
    parsed = image::parse_image(data, name);
  } catch (const Error&) {
    return std::nullopt;
  }
  if (std::string why = esp::chip_problem(parsed.extended, target); !why.empty())
    throw Error(ErrorKind::Input, where, fmt::format("{} {}", name, why));
  return parsed.extended;
}

}  // namespace

void check_region(const Region& region, const std::vector<Region>& others, const SourceLocation& where) {
  if (region.bytes.size() > region.capacity)
    throw Error(ErrorKind::Input, where,
                fmt::format("{} is {}, larger than {} ({} at 0x{:X})", region.source, size_words(region.bytes.size()),
                            region.target, size_words(region.capacity), region.offset));
  for (const auto& other : others) {
    std::uint64_t a_end = std::uint64_t(region.offset) + region.bytes.size(), b_end = std::uint64_t(other.offset) + other.bytes.size();
    if (region.offset < b_end && other.offset < a_end)
      throw Error(ErrorKind::Input, where,
                  fmt::format("0x{:X}..0x{:X} overlaps {} (0x{:X}..0x{:X})", region.offset, a_end, other.target, other.offset, b_end));
  }
}

RunPlan prepare_run(Recipe recipe, const PrepareOptions& options) {
  Warnings local_warnings;
  Warnings& warnings = options.warnings ? *options.warnings : local_warnings;
  RunPlan plan;
  plan.recipe = std::move(recipe);
  const Recipe& r = plan.recipe;

  const esp::Target* found = esp::target_by_name(r.device.chip);
  if (!found) throw Error(ErrorKind::Input, key_at(r, "device.chip"), fmt::format("unknown chip '{}'", r.device.chip));
  const esp::Target& target = *found;
  // The header codes are the chip's (the C6 writes 80m as 0x0, esptool's ROM divider work-around).
  plan.flash_params = at_key(key_at(r, "device.flash_mode"), [&] {
    return image::FlashParams::parse(r.device.flash_mode, r.device.flash_freq, r.device.flash_size, target.image_chip_id);
  });
  if (r.device.flash_size != "keep") plan.flash_size = static_cast<std::uint32_t>(*partitions::parse_flash_size_choice(r.device.flash_size));

  Bytes table_binary;
  plan.table = load_partition_table(r, table_binary, warnings);

  std::vector<Region> regions;
  Region table_region{"partition-table", r.partitions.offset, partitions::kTableSectorSize, image::pad_to(table_binary, 4),
                      (r.dir / r.partitions.table).string(), {}, {}, false};
  regions.push_back(std::move(table_region));

  for (const auto& entry : r.images) {
    Region region;
    region.target = entry.target;
    if (entry.target == "partition-table")
      throw Error(ErrorKind::Input, entry.where, "the partition table is flashed from partitions.table; remove this key");
    if (entry.target == "bootloader") {
      region.offset = r.partitions.bootloader_offset;
      region.capacity = r.partitions.offset - r.partitions.bootloader_offset;
    } else {
      const partitions::Partition* partition = plan.table.find(entry.target);
      if (!partition) {
        std::string names;
        for (const auto& p : plan.table.partitions) names += (names.empty() ? "" : ", ") + p.name;
        throw Error(ErrorKind::Input, entry.where,
                    fmt::format("no partition named '{}' in {} (it has: {}; plus bootloader)", entry.target,
                                r.partitions.table.string(), names));
      }
      if (r.storage.present && entry.target == r.storage.partition)
        throw Error(ErrorKind::Input, entry.where,
                    fmt::format("'{}' is the storage partition, built per device from storage.csv", entry.target));
      region.offset = partition->offset;
      region.capacity = partition->size;
    }
    if (entry.otadata_initial) {
      const partitions::Partition* partition = plan.table.find(entry.target);
      region.bytes = partitions::blank_otadata(partition->size);
      region.source = "generated";
    } else {
      fs::path path = r.dir / entry.file;
      region.source = path.string();
      Bytes data = at_key(entry.where, [&] { return read_file(path); });
      if (data.empty()) throw Error(ErrorKind::Input, entry.where, fmt::format("{} is empty", path.string()));
      if (auto header = check_image_chip(data, target, path.string(), entry.where)) plan.images.push_back({path.string(), *header});
      auto patched = image::patch_flash_params(data, region.offset, plan.flash_params, r.partitions.bootloader_offset);
      if (patched.warn) warnings.warn(entry.where, patched.reason);
      region.bytes = std::move(patched.bytes);
    }
    check_region(region, regions, entry.where);
    regions.push_back(std::move(region));
  }
  if (plan.flash_size)
    for (const auto& region : regions)
      if (std::uint64_t(region.offset) + region.bytes.size() > *plan.flash_size)
        throw Error(ErrorKind::Input, key_at(r, "device.flash_size"),
                    fmt::format("{} ends beyond the {} flash", region.target, r.device.flash_size));

  if (r.storage.present) {
    const partitions::Partition* partition = plan.table.find(r.storage.partition);
    if (!partition)
      throw Error(ErrorKind::Input, key_at(r, "storage.partition"),
                  fmt::format("no partition named '{}' in {}", r.storage.partition, r.partitions.table.string()));
    Region slot;
    slot.target = r.storage.partition;
    slot.offset = partition->offset;
    slot.capacity = partition->size;
    slot.source = "storage.csv";
    plan.storage_slot = std::move(slot);
    fs::path csv_path = r.dir / r.storage.csv;
    std::string csv = at_key(r.storage.where, [&] { return read_text_file(csv_path); });
    plan.storage_rows = nvs::parse_input_csv(csv, csv_path.string());
    if (r.storage.values) {
      fs::path values_path = r.dir / *r.storage.values;
      std::string text = at_key(key_at(r, "storage.values"), [&] { return read_text_file(values_path); });
      auto rows = parse_csv(text, values_path.string());
      if (rows.empty()) throw Error(ErrorKind::Input, SourceLocation(values_path.string(), 1), "empty values file (a header row is needed)");
      ValuesTable values;
      values.file = values_path.string();
      values.header = rows[0].fields;
      if (std::find(values.header.begin(), values.header.end(), r.storage.match) == values.header.end())
        throw Error(ErrorKind::Input, SourceLocation(values_path.string(), rows[0].line),
                    fmt::format("no '{}' column to match devices by (storage.match)", r.storage.match));
      for (const auto& name : values.header)
        if (name != r.storage.match && reserved_placeholders().count(name))
          throw Error(ErrorKind::Input, SourceLocation(values_path.string(), rows[0].line, 0, name),
                      fmt::format("column '{}' is a built-in placeholder; rename it", name));
      for (std::size_t i = 1; i < rows.size(); ++i) {
        if (rows[i].fields.size() != values.header.size())
          throw Error(ErrorKind::Input, SourceLocation(values_path.string(), rows[i].line),
                      fmt::format("{} fields, the header has {}", rows[i].fields.size(), values.header.size()));
        values.rows.push_back(rows[i].fields);
        values.lines.push_back(rows[i].line);
      }
      plan.values = std::move(values);
    }
  }

  for (const auto& file : r.files) {
    fs::path path = r.dir / file.file;
    pki::ConvertOptions convert;
    convert.to = pki::Encoding::Der;
    plan.files_der[file.name] = at_key(file.where, [&] { return pki::convert_file(path, convert).data; });
  }

  if (r.credentials.mode == CredentialMode::Issue) {
    const auto& c = r.credentials;
    std::string key = c.ca_key.string().rfind("pkcs11:", 0) == 0 ? c.ca_key.string() : (r.dir / c.ca_key).string();
    plan.ca = at_key(c.where, [&] { return load_factory_ca(r.dir / c.ca_cert, key, c.ca_passphrase); });
  }

  if (r.storage.present) {
    check_storage_template(plan);
    // A trial build with stand-in data finds encoding and size problems before any device.
    DeviceIdentity trial{format_serial(r.identity.serial, r.identity.first), "00:00:00:00:00:00", r.device.chip};
    DeviceCredentials stand_in;
    if (r.credentials.mode != CredentialMode::None) {
      stand_in.present = true;
      stand_in.certificate_der.assign(700, 0x30);
      stand_in.private_key_der = SecretBytes(Bytes(140, 0x30));
    }
    if (!plan.values) build_storage_image(plan, trial, stand_in, nullptr);
  }

  if (options.load_stub && !r.device.no_stub) {
    if (r.device.stub)
      plan.stub = at_key(key_at(r, "device.stub"), [&] { return esp::load_stub_json(r.dir / *r.device.stub); });
    else if (auto found = esp::find_stub(r.device.chip))  // the chip's first stub build (revision-specific builds: device.stub)
      plan.stub = esp::load_stub_json(*found);
  }

  plan.security = prepare_security(r);
  prepare_secure_cert(plan, regions);
  if (plan.security.flash_encryption)
    for (auto& region : regions) region.encrypt = must_encrypt(region.target, plan.table);

  std::sort(regions.begin(), regions.end(), [](const Region& a, const Region& b) { return a.offset < b.offset; });
  for (auto& region : regions) region.sha256 = sha256(region.bytes);
  plan.common = std::move(regions);
  if (options.compress)  // the bytes live in plan.common, which is not resized again
    for (auto& region : plan.common)
      if (!region.encrypt)  // encrypted per device: compressing the plain bytes would be wasted
        region.compressed = std::async(std::launch::async, esp::deflate_image, ByteView(region.bytes)).share();
  return plan;
}

}  // namespace fwprov::provision
