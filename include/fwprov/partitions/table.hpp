#pragma once
// The partition table model and the generator options that change its rules.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fwprov/partitions/format.hpp"

namespace fwprov::partitions {

struct Partition {
  std::string name;           // as written; only the first 16 bytes reach the binary
  std::uint8_t type = 0;
  std::uint8_t subtype = 0;
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
  bool encrypted = false;
  bool readonly = false;
  // Where the row came from: a CSV line (1-based) or a binary row index (0-based) + 1.
  std::size_t line = 0;
  bool from_binary = false;

  std::uint32_t end() const noexcept { return offset + size; }  // one past the last byte
  std::uint32_t flags() const noexcept { return (encrypted ? kFlagEncrypted : 0) | (readonly ? kFlagReadonly : 0); }
};

struct PartitionTable {
  std::vector<Partition> partitions;

  const Partition* find(std::string_view name) const;
  // End of the partition with the highest offset (the reference's "flash size" of a table).
  std::uint64_t end_of_last() const;
};

enum class SecureBoot { None, V1, V2 };

// gen_esp32part.py options, with its defaults.
struct TableOptions {
  std::uint32_t table_offset = kDefaultTableOffset;  // --offset
  std::optional<std::uint64_t> flash_size;           // --flash-size (bytes); nullopt: no check
  SecureBoot secure = SecureBoot::None;              // --secure [v1|v2]
  bool md5 = true;                                   // !--disable-md5sum
  bool verify = true;                                // !--no-verify
  // Where `bootloader` rows go: their CSV offset/size are replaced, as the reference does.
  std::optional<std::uint32_t> primary_bootloader_offset;   // --primary-bootloader-offset
  std::optional<std::uint32_t> recovery_bootloader_offset;  // --recovery-bootloader-offset
};

// "1MB".."128MB" (the reference's choices) -> bytes; nullopt for anything else.
std::optional<std::uint64_t> parse_flash_size_choice(std::string_view text);

}  // namespace fwprov::partitions
