#pragma once
// The NVS partition format: every layout constant in one place, named after what it means.
// See docs/nvs.md and ESP-IDF's nvs_flash "NVS internals" for the layout these describe.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fwprov/core/bytes.hpp"

namespace fwprov::nvs {

inline constexpr std::size_t kPageSize = 4096;
inline constexpr std::size_t kEntrySize = 32;
inline constexpr std::size_t kPageHeaderSize = 32;
inline constexpr std::size_t kBitmapOffset = 32;
inline constexpr std::size_t kBitmapSize = 32;
inline constexpr std::size_t kFirstEntryOffset = 64;
inline constexpr std::size_t kEntriesPerPage = 126;
inline constexpr std::size_t kMaxKeyLength = 15;  // the key field is 16 bytes, NUL-terminated

// Page header fields.
inline constexpr std::size_t kPageStateOffset = 0;
inline constexpr std::size_t kPageSeqOffset = 4;
inline constexpr std::size_t kPageVersionOffset = 8;
inline constexpr std::size_t kPageCrcOffset = 28;
inline constexpr std::uint32_t kPageStateUninitialized = 0xFFFFFFFF;
inline constexpr std::uint32_t kPageStateActive = 0xFFFFFFFE;
inline constexpr std::uint32_t kPageStateFull = 0xFFFFFFFC;
inline constexpr std::uint32_t kPageStateFreeing = 0xFFFFFFF8;
inline constexpr std::uint32_t kPageStateCorrupt = 0xFFFFFFF0;
inline constexpr std::uint8_t kPageVersion1 = 0xFF;
inline constexpr std::uint8_t kPageVersion2 = 0xFE;

// Entry state bitmap: two bits per slot.
inline constexpr std::uint8_t kSlotEmpty = 0b11;
inline constexpr std::uint8_t kSlotWritten = 0b10;
inline constexpr std::uint8_t kSlotErased = 0b00;

// Entry fields.
inline constexpr std::size_t kEntryNamespaceOffset = 0;
inline constexpr std::size_t kEntryTypeOffset = 1;
inline constexpr std::size_t kEntrySpanOffset = 2;
inline constexpr std::size_t kEntryChunkIndexOffset = 3;
inline constexpr std::size_t kEntryCrcOffset = 4;
inline constexpr std::size_t kEntryKeyOffset = 8;
inline constexpr std::size_t kEntryKeySize = 16;
inline constexpr std::size_t kEntryDataOffset = 24;
inline constexpr std::uint8_t kChunkIndexAny = 0xFF;

// Largest variable-length item of one page, in bytes (strings incl. NUL; v1 blobs).
inline constexpr std::size_t kMaxItemSizeV1 = 1984;
inline constexpr std::size_t kMaxStringSizeV2 = 4000;
// The largest v2 string that actually fits a page: the reference keeps one slot free
// (header + 124 data slots), so 3969..4000 bytes pass its length check but cannot be placed.
inline constexpr std::size_t kMaxPlaceableStringV2 = 3968;
// Partition sizes below this are read-only partitions (no reserved page).
inline constexpr std::size_t kMinReadWriteSize = 0x3000;

enum class Version : std::uint8_t { V1 = 1, V2 = 2 };
inline std::uint8_t page_version_byte(Version version) { return version == Version::V1 ? kPageVersion1 : kPageVersion2; }

enum class ItemType : std::uint8_t {
  U8 = 0x01,
  I8 = 0x11,
  U16 = 0x02,
  I16 = 0x12,
  U32 = 0x04,
  I32 = 0x14,
  U64 = 0x08,
  I64 = 0x18,
  String = 0x21,
  Blob = 0x41,       // version 1 single-page blob
  BlobData = 0x42,   // version 2 blob chunk
  BlobIndex = 0x48,  // version 2 blob index
  Any = 0xFF,
};

// Exactly the eight integer codes: the low nibble is a width of 1, 2, 4 or 8 bytes. Codes such
// as 0x0F or 0x19 are not integers (a width of 15 would read past the 32-byte entry).
inline bool is_integer_type(ItemType type) {
  auto code = static_cast<std::uint8_t>(type);
  std::uint8_t width = code & 0x0F;
  return (code & 0xE0) == 0 && (width == 1 || width == 2 || width == 4 || width == 8);
}
inline bool is_signed_integer(ItemType type) { return (static_cast<std::uint8_t>(type) & 0x10) != 0; }
inline std::size_t integer_width(ItemType type) { return static_cast<std::uint8_t>(type) & 0x0F; }

// "u8", "i16", "string", "blob", "blob_data", "blob_index"; "unknown" otherwise.
std::string_view type_name(ItemType type);
// Accepts the integer names u8..i64 only.
std::optional<ItemType> integer_type_from_name(std::string_view name);

// The NVS CRC-32: reflected 0xEDB88320 with initial register 0 and final inversion, i.e.
// zlib's crc32(0xFFFFFFFF, data). Not the common CRC-32 (check value 0xD202D277).
std::uint32_t nvs_crc32(ByteView data);
// CRC of an entry: bytes 0..3 followed by bytes 8..31.
std::uint32_t entry_crc32(const std::uint8_t* entry);

inline std::size_t slot_offset(std::size_t page, std::size_t slot) {
  return page * kPageSize + kFirstEntryOffset + slot * kEntrySize;
}

}  // namespace fwprov::nvs
