#pragma once
// Reads an NVS partition image back into pages, entries and logical items (namespaces,
// integers, strings, blobs with their v2 chunks assembled). Robust against damaged images:
// everything that does not add up is recorded as a Problem with page and slot instead of
// throwing, so `nvs check` can list it and `nvs decode` can still show the rest.
// Encrypted images are decrypted first (crypt.hpp: decrypt_image_in_place).
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/nvs/format.hpp"

namespace fwprov::nvs {

struct Problem {
  std::size_t page = 0;
  std::optional<std::size_t> slot;  // nullopt: the page as a whole
  std::string message;
};

struct PageInfo {
  std::size_t index = 0;  // position in the image
  bool blank = false;     // never initialised (all 0xFF)
  std::uint32_t state = kPageStateUninitialized;
  std::uint32_t sequence = 0;
  std::uint8_t version = 0;
  bool header_crc_ok = false;
  std::size_t used_slots = 0;  // slots not in the empty state
};

struct EntryInfo {
  std::size_t page = 0, slot = 0;
  std::uint8_t ns = 0;
  ItemType type = ItemType::Any;
  std::uint8_t span = 0;
  std::uint8_t chunk_index = kChunkIndexAny;
  std::string key;
  const std::uint8_t* raw = nullptr;  // the 32 entry bytes (inside the image passed in)
  ByteView data;                      // string / blob payload that follows the entry
};

struct Item {
  std::uint8_t ns = 0;
  std::string namespace_name;  // empty for namespace index 0 or an undefined index
  std::string key;
  ItemType type = ItemType::Any;  // integer type, String, Blob (v1) or BlobIndex (v2 blob)
  std::uint64_t integer_bits = 0;
  Bytes data;                     // String (incl. NUL if stored) / blob bytes
  std::size_t page = 0, slot = 0; // first entry (v2: chunk 0 when present)
  std::size_t chunk_count = 0;    // v2 blobs

  bool is_integer() const { return is_integer_type(type); }
  bool is_blob() const { return type == ItemType::Blob || type == ItemType::BlobIndex; }
  std::int64_t signed_value() const;  // integers, sign-extended from their width
};

struct NamespaceInfo {
  std::string name;
  std::uint8_t index = 0;
  std::size_t page = 0, slot = 0;
};

struct DecodedImage {
  std::vector<PageInfo> pages;
  std::vector<EntryInfo> entries;       // every readable entry, physical order
  std::vector<NamespaceInfo> namespaces;  // definitions, physical order
  std::vector<Item> items;              // logical values in the order they were written
  std::vector<Problem> problems;        // structural problems found while reading
  std::vector<EntryInfo> unknown_entries;  // CRC-valid entries of a type code fwprov does not know
  std::size_t trailing_bytes = 0;       // image size not a multiple of 4096
  std::size_t bad_entry_crcs = 0;       // entries skipped for a CRC mismatch (all of them: encrypted?)

  std::string namespace_name(std::uint8_t index) const;
};

// `image` must outlive the result (entries point into it).
DecodedImage read_image(ByteView image);

// Everything read_image found plus consistency checks: duplicate keys, items in undefined
// namespaces, v2 blob index vs chunks. Sorted by page and slot.
std::vector<Problem> check_image(const DecodedImage& decoded);

}  // namespace fwprov::nvs
