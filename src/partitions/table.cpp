#include "fwprov/partitions/table.hpp"

#include <algorithm>

namespace fwprov::partitions {

const Partition* PartitionTable::find(std::string_view name) const {
  for (const auto& p : partitions)
    if (p.name == name) return &p;
  return nullptr;
}

std::uint64_t PartitionTable::end_of_last() const {
  if (partitions.empty()) return 0;
  // Python sorted(reverse=True) is stable: among equal offsets the first row in file order wins.
  const Partition* last = &partitions.front();
  for (const auto& p : partitions)
    if (p.offset > last->offset) last = &p;
  return std::uint64_t{last->offset} + last->size;
}

std::optional<std::uint64_t> parse_flash_size_choice(std::string_view text) {
  for (unsigned mb : {1u, 2u, 4u, 8u, 16u, 32u, 64u, 128u})
    if (text == std::to_string(mb) + "MB") return std::uint64_t{mb} * 1024 * 1024;
  return std::nullopt;
}

}  // namespace fwprov::partitions
