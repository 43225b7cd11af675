#include "fwprov/nvs/format.hpp"

#include <zlib.h>

#include <array>

namespace fwprov::nvs {

std::string_view type_name(ItemType type) {
  switch (type) {
    case ItemType::U8: return "u8";
    case ItemType::I8: return "i8";
    case ItemType::U16: return "u16";
    case ItemType::I16: return "i16";
    case ItemType::U32: return "u32";
    case ItemType::I32: return "i32";
    case ItemType::U64: return "u64";
    case ItemType::I64: return "i64";
    case ItemType::String: return "string";
    case ItemType::Blob: return "blob";
    case ItemType::BlobData: return "blob_data";
    case ItemType::BlobIndex: return "blob_index";
    case ItemType::Any: break;
  }
  return "unknown";
}

std::optional<ItemType> integer_type_from_name(std::string_view name) {
  static constexpr std::array<std::pair<std::string_view, ItemType>, 8> kNames{{
      {"u8", ItemType::U8}, {"i8", ItemType::I8}, {"u16", ItemType::U16}, {"i16", ItemType::I16},
      {"u32", ItemType::U32}, {"i32", ItemType::I32}, {"u64", ItemType::U64}, {"i64", ItemType::I64},
  }};
  for (const auto& [text, type] : kNames)
    if (text == name) return type;
  return std::nullopt;
}

// zlib's crc32 is table-driven and vectorised; the NVS variant is crc32 seeded with ~0.
std::uint32_t nvs_crc32(ByteView data) {
  uLong crc = 0xFFFFFFFFul;
  const std::uint8_t* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    auto chunk = static_cast<uInt>(std::min<std::size_t>(left, 1u << 30));
    crc = ::crc32(crc, p, chunk);
    p += chunk;
    left -= chunk;
  }
  return static_cast<std::uint32_t>(crc);
}

std::uint32_t entry_crc32(const std::uint8_t* entry) {
  uLong crc = ::crc32(0xFFFFFFFFul, entry, 4);
  crc = ::crc32(crc, entry + 8, 24);
  return static_cast<std::uint32_t>(crc);
}

}  // namespace fwprov::nvs
