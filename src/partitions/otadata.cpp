#include "fwprov/partitions/otadata.hpp"

#include <algorithm>
#include <fmt/core.h>

#include "fwprov/core/crc32.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::partitions {
namespace {

OtaSelectEntry entry_at(ByteView data, std::size_t sector) {
  const std::uint8_t* p = data.data() + sector * kOtaSectorSize;
  OtaSelectEntry entry;
  entry.seq = load_u32le(p);
  std::copy_n(p + 4, kOtaSeqLabelSize, entry.label.begin());
  entry.state = load_u32le(p + kOtaStateOffset);
  entry.crc = load_u32le(p + kOtaCrcOffset);
  return entry;
}

}  // namespace

std::string ota_state_name(std::uint32_t state) {
  switch (state) {
    case 0: return "new";
    case 1: return "pending-verify";
    case 2: return "valid";
    case 3: return "invalid";
    case 4: return "aborted";
    case 0xFFFFFFFF: return "undefined";
    default: return fmt::format("0x{:08x}", state);
  }
}

std::uint32_t ota_seq_crc(std::uint32_t seq) {
  std::uint8_t bytes[4];
  store_u32le(bytes, seq);
  return crc32(bytes, kOtaCrcSeed);
}

bool OtaSelectEntry::crc_valid() const noexcept { return crc == ota_seq_crc(seq); }

bool OtaSelectEntry::valid_for_bootloader() const noexcept {
  return !empty() && crc_valid() && state != static_cast<std::uint32_t>(OtaState::Invalid) &&
         state != static_cast<std::uint32_t>(OtaState::Aborted);
}

Bytes blank_otadata(std::size_t size) { return Bytes(size, 0xFF); }

namespace {

// The rows for ota_0, ota_1, ... up to the first missing subtype; `app_only` is the
// bootloader's rule, otatool matches the subtype alone.
std::vector<const Partition*> consecutive_ota_rows(const PartitionTable& table, bool app_only) {
  std::vector<const Partition*> slots;
  for (unsigned slot = 0; slot < kAppOtaSlots; ++slot) {
    const Partition* found = nullptr;
    for (const auto& p : table.partitions)
      if ((!app_only || p.type == kTypeApp) && p.subtype == kAppOtaMin + slot) {
        found = &p;
        break;
      }
    if (found == nullptr) break;
    slots.push_back(found);
  }
  return slots;
}

}  // namespace

std::vector<const Partition*> ota_slots(const PartitionTable& table) { return consecutive_ota_rows(table, true); }
std::vector<const Partition*> otatool_ota_slots(const PartitionTable& table) { return consecutive_ota_rows(table, false); }

std::size_t resolve_ota_slot(const PartitionTable& table, const std::string& target) {
  const auto slots = otatool_ota_slots(table);
  std::string known;
  for (std::size_t i = 0; i < slots.size(); ++i) known += fmt::format("{}{} = '{}'", known.empty() ? "" : ", ", i, slots[i]->name);
  if (slots.empty()) throw Error(ErrorKind::Input, "the partition table has no OTA app partitions (ota_0, ota_1, ...)");
  for (std::size_t i = 0; i < slots.size(); ++i)
    if (slots[i]->name == target) return i;
  if (!target.empty() && std::all_of(target.begin(), target.end(), [](char c) { return c >= '0' && c <= '9'; }) && target.size() < 4) {
    const std::size_t slot = std::stoul(target);
    if (slot < slots.size()) return slot;
  }
  throw Error(ErrorKind::Usage, fmt::format("'{}' is not an OTA slot of this table (slots: {})", target, known));
}

SetBootResult set_boot_slot(ByteView current, std::size_t slot, std::size_t slot_count, std::optional<std::uint32_t> state) {
  if (current.size() != 2 * kOtaSectorSize)
    throw Error(ErrorKind::Input, fmt::format("otadata must be exactly 0x{:x} bytes (two 4 KiB sectors), got 0x{:x}",
                                              2 * kOtaSectorSize, current.size()));
  if (slot >= slot_count) throw Error(ErrorKind::Usage, fmt::format("slot {} does not exist ({} OTA slots)", slot, slot_count));
  const OtaSelectEntry first = entry_at(current, 0), second = entry_at(current, 1);
  std::optional<std::size_t> base;
  if (first.valid_for_otatool() && second.valid_for_otatool()) base = first.seq >= second.seq ? 0 : 1;
  else if (first.valid_for_otatool()) base = 0;
  else if (second.valid_for_otatool()) base = 1;

  const std::uint64_t target = slot + 1;
  std::uint64_t seq = target;
  if (base) {
    const std::uint64_t base_seq = (*base == 0 ? first : second).seq;
    seq = target % slot_count;
    while (seq < base_seq) seq += slot_count;  // smallest (target % N) + i*N that is >= base
  }
  if (seq >= kOtaSeqEmpty) throw Error(ErrorKind::Input, "the OTA sequence number would overflow (otadata holds 0xFFFFFFFE)");
  SetBootResult result;
  result.data.assign(current.begin(), current.end());
  result.entry = base == std::optional<std::size_t>{0} ? 1 : 0;
  result.seq = static_cast<std::uint32_t>(seq);
  std::uint8_t* p = result.data.data() + result.entry * kOtaSectorSize;
  store_u32le(p, result.seq);
  if (state) store_u32le(p + kOtaStateOffset, *state);
  store_u32le(p + kOtaCrcOffset, ota_seq_crc(result.seq));
  return result;
}

OtadataStatus read_otadata(ByteView data, const PartitionTable& table, const std::string& file) {
  if (data.size() < 2 * kOtaSectorSize)
    throw Error(ErrorKind::Input, SourceLocation{file},
                fmt::format("otadata is 0x{:x} bytes; it must hold two 4 KiB sectors (0x2000 bytes)", data.size()));
  OtadataStatus status;
  status.entries = {entry_at(data, 0), entry_at(data, 1)};
  status.slot_count = ota_slots(table).size();
  const bool valid0 = status.entries[0].valid_for_bootloader(), valid1 = status.entries[1].valid_for_bootloader();
  // bootloader_common_select_otadata(): entry 0 only when its seq is strictly larger, so a tie
  // goes to entry 1 (otatool's base choice, in set_boot_slot, breaks the tie the other way).
  if (valid0 && valid1) status.active_entry = status.entries[0].seq > status.entries[1].seq ? 0 : 1;
  else if (valid0) status.active_entry = 0;
  else if (valid1) status.active_entry = 1;
  if (status.active_entry && status.slot_count > 0) {
    status.boot_slot = (status.entries[*status.active_entry].seq - 1) % status.slot_count;
  } else {
    bool has_factory = false;
    for (const auto& p : table.partitions)
      if (p.type == kTypeApp && p.subtype == kAppFactory) has_factory = true;
    status.boots_factory = has_factory;
    if (!has_factory && status.slot_count > 0) status.boot_slot = 0;
  }
  return status;
}

}  // namespace fwprov::partitions
