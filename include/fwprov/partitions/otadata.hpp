#pragma once
// OTA data partition images: the blank image the ESP-IDF build flashes, "boot from slot N"
// images exactly as ESP-IDF's otatool.py writes them, and reading which slot would boot.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/partitions/table.hpp"

namespace fwprov::partitions {

enum class OtaState : std::uint32_t {
  New = 0,
  PendingVerify = 1,
  Valid = 2,
  Invalid = 3,
  Aborted = 4,
  Undefined = 0xFFFFFFFF,
};
std::string ota_state_name(std::uint32_t state);  // "new", ..., "undefined", or "0x..." when unknown

// esp_ota_select_entry_t, the first 32 bytes of each 4 KiB sector.
struct OtaSelectEntry {
  std::uint32_t seq = 0xFFFFFFFF;
  std::array<std::uint8_t, kOtaSeqLabelSize> label{};
  std::uint32_t state = 0xFFFFFFFF;
  std::uint32_t crc = 0xFFFFFFFF;

  bool empty() const noexcept { return seq == kOtaSeqEmpty; }
  bool crc_valid() const noexcept;
  // What otatool accepts as a base: not empty and CRC ok (state ignored).
  bool valid_for_otatool() const noexcept { return !empty() && crc_valid(); }
  // What the bootloader accepts: also not INVALID or ABORTED.
  bool valid_for_bootloader() const noexcept;
};

// crc32_le(0xFFFFFFFF, seq as 4 LE bytes), the value stored in bytes 28-31.
std::uint32_t ota_seq_crc(std::uint32_t seq);

// gen_empty_partition.py: `size` bytes of 0xFF.
Bytes blank_otadata(std::size_t size = kOtadataSize);

// The app partitions ota_0, ota_1, ... up to the first missing subtype (what both the
// bootloader and otatool count as the OTA slots).
std::vector<const Partition*> ota_slots(const PartitionTable& table);

// otatool.py's slot list: for ota_0, ota_1, ... the first row in table order whose subtype is
// 0x10 + i, of ANY type (otatool does not look at the type), up to the first missing one. The
// same as ota_slots() unless a non-app row has a subtype 0x10-0x1F.
std::vector<const Partition*> otatool_ota_slots(const PartitionTable& table);

// Slot index in otatool_ota_slots() for a partition name ("ota_1") or a slot number ("1");
// throws Error(Usage) naming the slots.
std::size_t resolve_ota_slot(const PartitionTable& table, const std::string& target);

struct SetBootResult {
  Bytes data;              // the new 0x2000 bytes
  std::size_t entry = 0;   // the sector/entry that was written
  std::uint32_t seq = 0;
};

// otatool.py switch_ota_partition on `current` (exactly 0x2000 bytes): pick the valid entry
// with the larger seq as base, compute the smallest seq >= base that maps to `slot`, write
// seq and CRC into the other sector (the label and state bytes there are kept, unless
// `state` is given: then it is written too, for rollback-enabled firmware).
SetBootResult set_boot_slot(ByteView current, std::size_t slot, std::size_t slot_count,
                            std::optional<std::uint32_t> state = std::nullopt);

struct OtadataStatus {
  std::array<OtaSelectEntry, 2> entries;
  std::optional<std::size_t> active_entry;  // which entry the bootloader uses
  std::optional<std::size_t> boot_slot;     // ota_N index; nullopt: factory or first slot
  bool boots_factory = false;               // no valid entry and the table has a factory app
  std::size_t slot_count = 0;
};

// Reads both entries (data must hold two 4 KiB sectors) and applies the bootloader's rules.
OtadataStatus read_otadata(ByteView data, const PartitionTable& table, const std::string& file_name);

}  // namespace fwprov::partitions
