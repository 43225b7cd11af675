#include "fwprov/nvs/reader.hpp"

#include "fwprov/core/encoding.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

namespace fwprov::nvs {
namespace {

bool all_ff(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != 0xFF) return false;
  return true;
}

std::uint8_t slot_state(const std::uint8_t* bitmap, std::size_t slot) { return (bitmap[slot / 4] >> (2 * (slot % 4))) & 3; }

bool known_type(std::uint8_t code) {
  auto type = static_cast<ItemType>(code);
  return is_integer_type(type) || type == ItemType::String || type == ItemType::Blob || type == ItemType::BlobData ||
         type == ItemType::BlobIndex;
}

bool is_variable(ItemType type) { return type == ItemType::String || type == ItemType::Blob || type == ItemType::BlobData; }

std::string hex32(std::uint32_t v) {
  char text[11];
  std::snprintf(text, sizeof text, "0x%08X", v);
  return text;
}

std::string entry_key(const std::uint8_t* entry) {
  const char* key = reinterpret_cast<const char*>(entry + kEntryKeyOffset);
  return std::string(key, strnlen(key, kEntryKeySize));
}

// Namespace definitions are U8 entries in namespace 0. Rows written before any namespace
// (a reference quirk) also land in namespace 0; they always come before the definitions,
// which the generator numbers 1, 2, 3, ... So the definitions are the longest tail of U8
// entries numbered 1..m; an earlier namespace-0 entry is a definition only when it is a U8
// whose value is not defined by that tail and is used by some item (device-written images
// number namespaces freely).
std::vector<bool> find_namespace_definitions(const std::vector<EntryInfo>& entries) {
  std::vector<std::size_t> ns0;
  std::array<bool, 256> used{};
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].ns == 0 && entries[i].type != ItemType::BlobData) ns0.push_back(i);
    if (entries[i].ns != 0) used[entries[i].ns] = true;
  }
  std::vector<bool> is_definition(entries.size(), false);
  auto is_u8 = [&](std::size_t k) { return entries[ns0[k]].type == ItemType::U8; };
  auto value = [&](std::size_t k) { return entries[ns0[k]].raw[kEntryDataOffset]; };
  // Longest tail whose values read 1, 2, ..., m.
  std::size_t start = ns0.size();
  for (std::size_t k = ns0.size(); k-- > 0;) {
    if (!is_u8(k)) break;
    bool sequential = true;
    for (std::size_t j = k; j < ns0.size() && sequential; ++j) sequential = is_u8(j) && value(j) == j - k + 1;
    if (sequential) start = k;
  }
  std::array<bool, 256> defined{};
  for (std::size_t k = start; k < ns0.size(); ++k) {
    is_definition[ns0[k]] = true;
    defined[value(k)] = true;
  }
  for (std::size_t k = 0; k < start; ++k)
    if (is_u8(k) && !defined[value(k)] && used[value(k)]) {
      is_definition[ns0[k]] = true;
      defined[value(k)] = true;
    }
  return is_definition;
}

struct ChunkKey {
  std::uint8_t ns;
  std::uint8_t chunk;
  std::string key;
  bool operator==(const ChunkKey&) const = default;
};
struct ChunkKeyHash {
  std::size_t operator()(const ChunkKey& k) const { return std::hash<std::string>()(k.key) ^ (std::size_t{k.ns} << 8 | k.chunk) * 0x9E3779B97F4A7C15ull; }
};

}  // namespace

std::int64_t Item::signed_value() const {
  std::size_t bits = integer_width(type) * 8;
  if (bits == 64) return static_cast<std::int64_t>(integer_bits);
  std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  std::uint64_t value = integer_bits & mask;
  if (is_signed_integer(type) && (value >> (bits - 1)) != 0) value |= ~mask;
  return static_cast<std::int64_t>(value);
}

std::string DecodedImage::namespace_name(std::uint8_t index) const {
  for (const auto& ns : namespaces)
    if (ns.index == index) return ns.name;
  return {};
}

DecodedImage read_image(ByteView image) {
  DecodedImage out;
  std::size_t page_count = image.size() / kPageSize;
  out.trailing_bytes = image.size() % kPageSize;
  out.pages.reserve(page_count);
  out.entries.reserve(page_count * 8);
  auto problem = [&](std::size_t page, std::optional<std::size_t> slot, std::string message) {
    out.problems.push_back(Problem{page, slot, std::move(message)});
  };

  for (std::size_t p = 0; p < page_count; ++p) {
    const std::uint8_t* base = image.data() + p * kPageSize;
    PageInfo info;
    info.index = p;
    info.state = load_u32le(base + kPageStateOffset);
    if (info.state == kPageStateUninitialized) {
      info.blank = all_ff(base, kPageSize);
      if (!info.blank) problem(p, std::nullopt, "page state is uninitialised (0xFFFFFFFF) but the page is not blank");
      out.pages.push_back(info);
      continue;
    }
    info.sequence = load_u32le(base + kPageSeqOffset);
    info.version = base[kPageVersionOffset];
    std::uint32_t stored_crc = load_u32le(base + kPageCrcOffset);
    std::uint32_t crc = nvs_crc32(ByteView(base + 4, 24));
    info.header_crc_ok = stored_crc == crc;
    if (!info.header_crc_ok) problem(p, std::nullopt, "page header CRC is " + hex32(stored_crc) + ", expected " + hex32(crc));
    if (info.state != kPageStateActive && info.state != kPageStateFull && info.state != kPageStateFreeing)
      problem(p, std::nullopt, "page state " + hex32(info.state) + " is not ACTIVE, FULL or FREEING");
    if (info.version != kPageVersion1 && info.version != kPageVersion2)
      problem(p, std::nullopt, "page format version byte 0x" + to_hex(ByteView(&info.version, 1)) + " is neither 0xFF (v1) nor 0xFE (v2)");

    const std::uint8_t* bitmap = base + kBitmapOffset;
    std::size_t slot = 0;
    bool seen_empty = false;
    while (slot < kEntriesPerPage) {
      std::uint8_t state = slot_state(bitmap, slot);
      if (state == kSlotEmpty) {
        seen_empty = true;
        ++slot;
        continue;
      }
      ++info.used_slots;
      if (state == 0b01) problem(p, slot, "entry state bits are 01, which no writer produces");
      if (seen_empty) problem(p, slot, "slot is in use after an empty slot (slots are written in order)");
      if (state == kSlotErased) {
        ++slot;
        continue;
      }
      const std::uint8_t* raw = base + kFirstEntryOffset + slot * kEntrySize;
      std::uint32_t stored = load_u32le(raw + kEntryCrcOffset);
      std::uint32_t expected = entry_crc32(raw);
      if (stored != expected) {
        ++out.bad_entry_crcs;
        problem(p, slot, "entry CRC is " + hex32(stored) + ", expected " + hex32(expected) + " (key '" + entry_key(raw) + "')");
        ++slot;
        continue;
      }
      EntryInfo entry;
      entry.page = p;
      entry.slot = slot;
      entry.ns = raw[kEntryNamespaceOffset];
      entry.type = static_cast<ItemType>(raw[kEntryTypeOffset]);
      entry.span = raw[kEntrySpanOffset];
      entry.chunk_index = raw[kEntryChunkIndexOffset];
      entry.key = entry_key(raw);
      entry.raw = raw;
      if (!known_type(raw[kEntryTypeOffset])) {
        problem(p, slot, "unknown entry type 0x" + to_hex(ByteView(raw + kEntryTypeOffset, 1)) + " (key '" + entry.key + "')");
        out.unknown_entries.push_back(std::move(entry));  // shown as unknown, never as a value
        ++slot;
        continue;
      }
      if (entry.span == 0 || slot + entry.span > kEntriesPerPage) {
        problem(p, slot, "span " + std::to_string(entry.span) + " runs past the end of the page (key '" + entry.key + "')");
        ++slot;
        continue;
      }
      if (is_variable(entry.type)) {
        std::size_t size = load_u16le(raw + kEntryDataOffset);
        std::size_t needed = 1 + (size + kEntrySize - 1) / kEntrySize;
        if (needed != entry.span) {
          problem(p, slot, "span " + std::to_string(entry.span) + " does not match data size " + std::to_string(size) + " (key '" + entry.key + "')");
        } else {
          entry.data = ByteView(raw + kEntrySize, size);
          std::uint32_t data_crc = nvs_crc32(entry.data);
          std::uint32_t stored_data_crc = load_u32le(raw + kEntryDataOffset + 4);
          if (data_crc != stored_data_crc)
            problem(p, slot, "data CRC is " + hex32(stored_data_crc) + ", expected " + hex32(data_crc) + " (key '" + entry.key + "')");
        }
      } else if (entry.span != 1) {
        problem(p, slot, "span " + std::to_string(entry.span) + " for a one-slot " + std::string(type_name(entry.type)) + " entry (key '" + entry.key + "')");
      }
      for (std::size_t k = 1; k < entry.span; ++k) {
        if (slot_state(bitmap, slot + k) == kSlotEmpty) {
          problem(p, slot + k, "data slot of key '" + entry.key + "' is marked empty in the bitmap");
        } else {
          ++info.used_slots;
        }
      }
      out.entries.push_back(std::move(entry));
      slot += out.entries.back().span;
    }
    out.pages.push_back(info);
  }

  // Namespaces, then logical items in write order.
  auto definitions = find_namespace_definitions(out.entries);
  std::array<bool, 256> defined{};
  for (std::size_t i = 0; i < out.entries.size(); ++i) {
    if (!definitions[i]) continue;
    const auto& e = out.entries[i];
    std::uint8_t index = e.raw[kEntryDataOffset];
    if (index == 0 || index == 0xFF) problem(e.page, e.slot, "namespace '" + e.key + "' has the invalid index " + std::to_string(index));
    if (defined[index]) problem(e.page, e.slot, "namespace index " + std::to_string(index) + " is defined twice ('" + e.key + "')");
    defined[index] = true;
    out.namespaces.push_back(NamespaceInfo{e.key, index, e.page, e.slot});
  }
  std::array<std::string, 256> names;
  for (const auto& ns : out.namespaces) names[ns.index] = ns.name;

  std::unordered_map<ChunkKey, std::vector<std::size_t>, ChunkKeyHash> chunks;
  for (std::size_t i = 0; i < out.entries.size(); ++i)
    if (out.entries[i].type == ItemType::BlobData) {
      const auto& e = out.entries[i];
      chunks[ChunkKey{e.ns, e.chunk_index, e.key}].push_back(i);
    }
  std::vector<bool> chunk_used(out.entries.size(), false);

  // Items are collected in entry order; a v2 blob is placed where its first chunk was written.
  std::vector<std::size_t> positions;  // entry index that places each item
  out.items.reserve(out.entries.size());
  positions.reserve(out.entries.size());
  for (std::size_t i = 0; i < out.entries.size(); ++i) {
    const auto& e = out.entries[i];
    if (definitions[i] || e.type == ItemType::BlobData) continue;
    Item item;
    item.ns = e.ns;
    item.namespace_name = names[e.ns];
    item.key = e.key;
    item.type = e.type;
    item.page = e.page;
    item.slot = e.slot;
    std::size_t position = i;
    if (is_integer_type(e.type)) {
      std::uint64_t bits = 0;
      for (std::size_t b = 0; b < integer_width(e.type); ++b) bits |= std::uint64_t{e.raw[kEntryDataOffset + b]} << (8 * b);
      item.integer_bits = bits;
    } else if (e.type == ItemType::String || e.type == ItemType::Blob) {
      item.data.assign(e.data.begin(), e.data.end());
    } else if (e.type == ItemType::BlobIndex) {
      std::uint32_t total = load_u32le(e.raw + kEntryDataOffset);
      std::size_t count = e.raw[kEntryDataOffset + 4];
      std::size_t start = e.raw[kEntryDataOffset + 5];
      item.chunk_count = count;
      item.data.reserve(total);
      bool complete = true;
      for (std::size_t c = 0; c < count; ++c) {
        auto found = chunks.find(ChunkKey{e.ns, static_cast<std::uint8_t>(start + c), e.key});
        std::optional<std::size_t> pick;
        if (found != chunks.end())
          for (auto candidate : found->second)
            if (!chunk_used[candidate] && candidate < i) {
              pick = candidate;
              break;
            }
        if (!pick) {
          problem(e.page, e.slot, "blob index of key '" + e.key + "' lists chunk " + std::to_string(start + c) + ", which is missing");
          complete = false;
          continue;
        }
        chunk_used[*pick] = true;
        if (c == 0) {
          position = *pick;
          item.page = out.entries[*pick].page;
          item.slot = out.entries[*pick].slot;
        }
        const auto& data = out.entries[*pick].data;
        item.data.insert(item.data.end(), data.begin(), data.end());
      }
      if (complete && item.data.size() != total)
        problem(e.page, e.slot, "blob index of key '" + e.key + "' says " + std::to_string(total) + " bytes, its chunks hold " + std::to_string(item.data.size()));
    }
    out.items.push_back(std::move(item));
    positions.push_back(position);
  }
  for (std::size_t i = 0; i < out.entries.size(); ++i)
    if (out.entries[i].type == ItemType::BlobData && !chunk_used[i])
      problem(out.entries[i].page, out.entries[i].slot, "blob chunk " + std::to_string(out.entries[i].chunk_index) + " of key '" + out.entries[i].key + "' belongs to no blob index");
  // Generated images are already in write order; sort only what is not (device-written images).
  if (!std::is_sorted(positions.begin(), positions.end())) {
    std::vector<std::size_t> order(positions.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return positions[a] < positions[b]; });
    std::vector<Item> sorted;
    sorted.reserve(order.size());
    for (auto k : order) sorted.push_back(std::move(out.items[k]));
    out.items = std::move(sorted);
  }
  return out;
}

}  // namespace fwprov::nvs
