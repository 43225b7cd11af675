// The generator's validation rules (PartitionDefinition.verify, PartitionTable.verify,
// verify_size_fits), in its order, so the same problem is reported first.
#include <algorithm>
#include <fmt/core.h>

#include "fwprov/core/error.hpp"
#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/keywords.hpp"

namespace fwprov::partitions {
namespace {

SourceLocation where_of(const Partition& p, const std::string& file) {
  if (p.from_binary) return SourceLocation{file, 0, 0, fmt::format("row {}", p.line - 1)};
  return SourceLocation{file, p.line};
}

[[noreturn]] void invalid(const Partition& p, const std::string& file, const std::string& reason) {
  throw Error(ErrorKind::Input, where_of(p, file), "Partition " + p.name + " invalid: " + reason);
}

// "line 4" or "row 3": how a message points at a partition other than the located one.
std::string origin(const Partition& p) {
  return p.from_binary ? fmt::format("row {}", p.line - 1) : fmt::format("line {}", p.line);
}

std::uint32_t app_size_alignment(SecureBoot secure) {
  return secure == SecureBoot::V1 ? kAppSizeAlignSecureV1 : kAppSizeAlign;
}

bool is_type_keyword(const std::string& name) {
  for (const auto& [keyword, value] : type_keywords())
    if (keyword == name) return true;
  return false;
}

bool is_any_subtype_keyword(const std::string& name) {
  for (std::uint8_t type : {kTypeBootloader, kTypePartitionTable, kTypeApp, kTypeData})
    for (const auto& [keyword, value] : subtype_keywords(type))
      if (keyword == name) return true;
  return false;
}

void verify_partition(const Partition& p, const std::string& file, const TableOptions& options, Warnings& warnings) {
  const std::uint32_t offset_align = p.type == kTypeApp ? kAppOffsetAlign : kOtherOffsetAlign;
  if (p.offset % offset_align != 0) invalid(p, file, fmt::format("Offset 0x{:x} is not aligned to 0x{:x}", p.offset, offset_align));
  if (p.type == kTypeApp) {
    const std::uint32_t size_align = app_size_alignment(options.secure);
    if (p.size % size_align != 0) invalid(p, file, fmt::format("Size 0x{:x} is not aligned to 0x{:x}", p.size, size_align));
  }
  if (is_type_keyword(p.name)) {
    bool matches = false;
    for (const auto& [keyword, value] : type_keywords())
      if (keyword == p.name && value == p.type) matches = true;
    if (!matches)
      warnings.warn(where_of(p, file), fmt::format("Partition has name '{}' which is a partition type, but does not match "
                                                   "this partition's type (0x{:x}). Mistake in partition table?",
                                                   p.name, p.type));
  }
  if (is_any_subtype_keyword(p.name)) {
    bool matches = false;
    for (const auto& [keyword, value] : subtype_keywords(p.type))
      if (keyword == p.name && value == p.subtype) matches = true;
    if (!matches)
      warnings.warn(where_of(p, file),
                    fmt::format("Partition has name '{}' which is a partition subtype, but this partition has non-matching "
                                "type 0x{:x} and subtype 0x{:x}. Mistake in partition table?",
                                p.name, p.type, p.subtype));
  }
  if (p.type == kTypeData && (p.subtype == kDataOta || p.subtype == kDataCoredump) && p.readonly)
    invalid(p, file, fmt::format("'{}' partition of type {} and subtype {} is always read-write and cannot be read-only", p.name,
                                 p.type, p.subtype));
  if (p.type == kTypeData && p.subtype == kDataNvs && p.size < kNvsReadWriteMinSize && !p.readonly)
    invalid(p, file, fmt::format("'{}' partition of type {} and subtype {} of this size (0x{:x}) must be flagged as 'readonly' "
                                 "(the size of read/write NVS has to be at least 0x{:x})",
                                 p.name, p.type, p.subtype, p.size, kNvsReadWriteMinSize));
}

void verify_single_ota_data(const PartitionTable& table, std::uint8_t subtype, const char* label, const std::string& file) {
  std::vector<const Partition*> found;
  for (const auto& p : table.partitions)
    if (p.type == kTypeData && p.subtype == subtype) found.push_back(&p);
  if (found.size() > 1) {
    std::string list;
    for (const auto* p : found) list += (list.empty() ? "" : ", ") + fmt::format("'{}' ({})", p->name, origin(*p));
    throw Error(ErrorKind::Input, where_of(*found[1], file),
                fmt::format("Found multiple {} partitions. Only one partition can be defined with type=\"data\"(1) and "
                            "subtype=\"{}\"({}). Found: {}",
                            label, subtype == kDataOta ? "ota" : "tee_ota", subtype, list));
  }
  if (found.size() == 1 && found[0]->size != kOtadataSize)
    throw Error(ErrorKind::Input, where_of(*found[0], file),
                fmt::format("{} partition must have size = 0x{:x} ('{}' has 0x{:x})", label, kOtadataSize, found[0]->name,
                            found[0]->size));
}

}  // namespace

void verify_table(const PartitionTable& table, const std::string& file, const TableOptions& options, Warnings& warnings) {
  // Accepted by the reference without a word; the binary keeps only the first 16 bytes.
  for (const auto& p : table.partitions)
    if (p.name.size() > kNameSize)
      warnings.warn(where_of(p, file), fmt::format("partition name '{}' is {} bytes long; only the first {} ('{}') are stored",
                                                   p.name, p.name.size(), kNameSize, p.name.substr(0, kNameSize)));
  if (options.verify) {
    for (const auto& p : table.partitions) verify_partition(p, file, options, warnings);

    // Unique names; the reference lists the offenders sorted by name first.
    std::vector<const Partition*> by_name;
    for (const auto& p : table.partitions) by_name.push_back(&p);
    std::stable_sort(by_name.begin(), by_name.end(), [](const Partition* a, const Partition* b) { return a->name < b->name; });
    for (std::size_t i = 1; i < by_name.size(); ++i) {
      if (by_name[i]->name != by_name[i - 1]->name) continue;
      std::string list;
      for (const auto* p : by_name)
        if (p->name == by_name[i]->name) list += (list.empty() ? "" : " and ") + origin(*p);
      throw Error(ErrorKind::Input, where_of(*by_name[i], file),
                  fmt::format("Partition names must be unique: '{}' is used at {}", by_name[i]->name, list));
    }

    std::vector<const Partition*> by_offset;
    for (const auto& p : table.partitions) by_offset.push_back(&p);
    std::stable_sort(by_offset.begin(), by_offset.end(), [](const Partition* a, const Partition* b) { return a->offset < b->offset; });
    const std::uint64_t first_free = std::uint64_t{options.table_offset} + kTableSectorSize;
    const Partition* last = nullptr;
    for (const auto* p : by_offset) {
      const bool special = (p->type == kTypeBootloader && p->subtype == 0) || (p->type == kTypePartitionTable && p->subtype == 0);
      if (p->offset < first_free && !special)
        throw Error(ErrorKind::Input, where_of(*p, file),
                    fmt::format("Partition offset 0x{:x} is below 0x{:x} (partition '{}')", p->offset, first_free, p->name));
      if (last != nullptr && p->offset < std::uint64_t{last->offset} + last->size)
        throw Error(ErrorKind::Input, where_of(*p, file),
                    fmt::format("Partition at 0x{:x} ('{}') overlaps 0x{:x}-0x{:x} ('{}', {})", p->offset, p->name, last->offset,
                                std::uint64_t{last->offset} + last->size - 1, last->name, origin(*last)));
      last = p;
    }
    verify_single_ota_data(table, kDataOta, "otadata", file);
    verify_single_ota_data(table, kDataTeeOta, "TEE otadata", file);
  }
  if (options.flash_size) {
    const std::uint64_t used = table.end_of_last();
    constexpr double mb = 1024.0 * 1024.0;
    if (*options.flash_size < used)
      throw Error(ErrorKind::Input, SourceLocation{file},
                  fmt::format("Partitions tables occupies {:.1f}MB of flash ({} bytes) which does not fit in configured flash "
                              "size {}MB. Change the flash size in menuconfig under the 'Serial Flasher Config' menu.",
                              static_cast<double>(used) / mb, used, *options.flash_size / (1024 * 1024)));
  }
}

}  // namespace fwprov::partitions
