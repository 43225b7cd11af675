// PartitionTable -> the text the reference prints for a binary table (PartitionTable.to_csv).
#include <fmt/core.h>

#include "fwprov/partitions/codec.hpp"
#include "fwprov/partitions/keywords.hpp"

namespace fwprov::partitions {
namespace {

std::string size_text(std::uint32_t size) {
  if (size % 0x100000 == 0) return fmt::format("{}M", size / 0x100000);
  if (size % 0x400 == 0) return fmt::format("{}K", size / 0x400);
  return fmt::format("0x{:x}", size);
}

}  // namespace

std::string to_reference_csv_row(const Partition& p) {
  std::string flags;
  if (p.encrypted) flags = "encrypted";
  if (p.readonly) flags += flags.empty() ? "readonly" : ":readonly";
  return fmt::format("{},{},{},0x{:x},{},{}", p.name, type_name(p.type).value_or(std::to_string(p.type)),
                     subtype_name(p.type, p.subtype).value_or(std::to_string(p.subtype)), p.offset, size_text(p.size), flags);
}

std::string to_reference_csv(const PartitionTable& table) {
  std::string out = "# ESP-IDF Partition Table\n# Name, Type, SubType, Offset, Size, Flags\n";
  for (const auto& p : table.partitions) out += to_reference_csv_row(p) + "\n";
  return out;
}

}  // namespace fwprov::partitions
