#include "fwprov/nvs/builder.hpp"

#include <algorithm>
#include <cstring>

#include "fwprov/core/error.hpp"
#include "fwprov/nvs/crypt.hpp"

namespace fwprov::nvs {
namespace {

std::string quoted(std::string_view key) { return "'" + std::string(key) + "'"; }

std::size_t data_slots_for(std::size_t bytes) { return (bytes + kEntrySize - 1) / kEntrySize; }

}  // namespace

Geometry partition_geometry(std::uint64_t size) {
  if (size % kPageSize != 0)
    throw Error(ErrorKind::Usage, "partition size " + std::to_string(size) + " is not a multiple of 4096");
  if (size < kPageSize)
    throw Error(ErrorKind::Usage, "partition size must be at least 0x1000 (read-only NVS) or 0x3000 (read/write NVS)");
  if (size > (std::uint64_t{1} << 32))
    throw Error(ErrorKind::Usage, "partition size " + std::to_string(size) + " is larger than 4 GiB");
  Geometry geometry;
  geometry.total_pages = static_cast<std::size_t>(size / kPageSize);
  geometry.read_only = size < kMinReadWriteSize;
  geometry.usable_pages = geometry.read_only ? geometry.total_pages : geometry.total_pages - 1;
  return geometry;
}

Bytes string_bytes(std::string_view text) {
  Bytes bytes(text.begin(), text.end());
  bytes.push_back(0);
  return bytes;
}

ImageBuilder::ImageBuilder(BuildOptions options) : options_(std::move(options)), geometry_(partition_geometry(options_.partition_size)) {
  if (options_.keys) options_.keys->require_distinct_halves("encryption keys");
  image_.assign(geometry_.total_pages * kPageSize, 0xFF);
  slots_used_.reserve(geometry_.usable_pages);
  start_page();  // like the reference, page 0 exists even when nothing is written
}

void ImageBuilder::start_page() {
  if (pages_started_ > 0) {
    std::uint8_t* header = image_.data() + page_ * kPageSize;
    if (load_u32le(header + kPageStateOffset) == kPageStateActive) store_u32le(header + kPageStateOffset, kPageStateFull);
  }
  if (pages_started_ >= geometry_.usable_pages)
    throw Error(ErrorKind::Input, "the data does not fit the partition (" + std::to_string(geometry_.usable_pages) +
                                      " usable pages of 4096 bytes); increase the size");
  page_ = pages_started_++;
  next_slot_ = 0;
  slots_used_.push_back(0);
  std::uint8_t* header = image_.data() + page_ * kPageSize;
  store_u32le(header + kPageStateOffset, kPageStateActive);
  store_u32le(header + kPageSeqOffset, static_cast<std::uint32_t>(page_));
  header[kPageVersionOffset] = page_version_byte(options_.version);
  store_u32le(header + kPageCrcOffset, nvs_crc32(ByteView(header + 4, 24)));
}

void ImageBuilder::mark_written(std::size_t slot) {
  // Only the lower bit of the pair is cleared: 11 (empty) -> 10 (written).
  std::uint8_t* bitmap = image_.data() + page_ * kPageSize + kBitmapOffset;
  bitmap[slot / 4] = static_cast<std::uint8_t>(bitmap[slot / 4] & ~(1u << (2 * (slot % 4))));
}

std::uint8_t* ImageBuilder::begin_entry(std::uint8_t ns, ItemType type, std::uint8_t span, std::uint8_t chunk_index, std::string_view key) {
  std::uint8_t* entry = image_.data() + slot_offset(page_, next_slot_);
  entry[kEntryNamespaceOffset] = ns;
  entry[kEntryTypeOffset] = static_cast<std::uint8_t>(type);
  entry[kEntrySpanOffset] = span;
  entry[kEntryChunkIndexOffset] = chunk_index;
  std::memset(entry + kEntryKeyOffset, 0, kEntryKeySize);
  std::memcpy(entry + kEntryKeyOffset, key.data(), key.size());
  return entry;  // payload bytes 24..31 are still 0xFF
}

void ImageBuilder::commit_entry(std::uint8_t* entry) {
  store_u32le(entry + kEntryCrcOffset, entry_crc32(entry));
  mark_written(next_slot_++);
  slots_used_.back() = static_cast<std::uint8_t>(next_slot_);
}

void ImageBuilder::write_data_slots(ByteView data) {
  std::uint8_t* out = image_.data() + slot_offset(page_, next_slot_);
  if (!data.empty()) std::memcpy(out, data.data(), data.size());  // the tail stays 0xFF
  std::size_t slots = data_slots_for(data.size());
  for (std::size_t i = 0; i < slots; ++i) mark_written(next_slot_++);
  slots_used_.back() = static_cast<std::uint8_t>(next_slot_);
}

void ImageBuilder::ensure_slots_available() {
  if (next_slot_ >= kEntriesPerPage) start_page();
}

static void check_key(std::string_view key) {
  if (key.size() > kMaxKeyLength)
    throw Error(ErrorKind::Input, "key " + quoted(key) + " is longer than 15 bytes");
  if (key.find('\0') != std::string_view::npos)
    throw Error(ErrorKind::Input, "key " + quoted(key) + " contains a NUL byte");
}

bool ImageBuilder::add_namespace(std::string_view name) {
  check_key(name);
  if (std::find(namespace_names_.begin(), namespace_names_.end(), name) != namespace_names_.end()) return false;
  if (namespace_count_ >= 255)
    throw Error(ErrorKind::Input, "namespace " + quoted(name) + " would be the 256th namespace; NVS allows 255");
  ensure_slots_available();
  auto index = static_cast<std::uint8_t>(++namespace_count_);
  std::uint8_t* entry = begin_entry(0, ItemType::U8, 1, kChunkIndexAny, name);
  entry[kEntryDataOffset] = index;
  commit_entry(entry);
  namespace_names_.emplace_back(name);
  current_namespace_ = index;
  return true;
}

void ImageBuilder::add_integer(std::string_view key, ItemType type, std::uint64_t value) {
  if (!is_integer_type(type)) throw Error(ErrorKind::Internal, "add_integer called with a non-integer type");
  check_key(key);
  ensure_slots_available();
  std::uint8_t* entry = begin_entry(current_namespace_, type, 1, kChunkIndexAny, key);
  std::size_t width = integer_width(type);
  for (std::size_t i = 0; i < width; ++i) entry[kEntryDataOffset + i] = static_cast<std::uint8_t>(value >> (8 * i));
  commit_entry(entry);
}

// Strings (both versions) and v1 blobs: header + data on one page, never ending in slot 125.
void ImageBuilder::write_variable_item(std::string_view key, ItemType type, ByteView data) {
  std::size_t span = 1 + data_slots_for(data.size());
  if (next_slot_ >= kEntriesPerPage || next_slot_ + span >= kEntriesPerPage) start_page();
  if (next_slot_ + span >= kEntriesPerPage)
    throw Error(ErrorKind::Input, "value of key " + quoted(key) + " (" + std::to_string(data.size()) + " bytes) cannot fit one page");
  std::uint8_t* entry = begin_entry(current_namespace_, type, static_cast<std::uint8_t>(span), kChunkIndexAny, key);
  store_u16le(entry + kEntryDataOffset, static_cast<std::uint16_t>(data.size()));
  store_u32le(entry + kEntryDataOffset + 4, nvs_crc32(data));
  commit_entry(entry);
  write_data_slots(data);
}

void ImageBuilder::add_string(std::string_view key, ByteView bytes) {
  check_key(key);
  std::size_t limit = options_.version == Version::V1 ? kMaxItemSizeV1 : kMaxStringSizeV2;
  if (bytes.size() > limit)
    throw Error(ErrorKind::Input, "string of key " + quoted(key) + " is " + std::to_string(bytes.size()) + " bytes (with NUL); the limit is " +
                                      std::to_string(limit));
  if (options_.version == Version::V2 && bytes.size() > kMaxPlaceableStringV2)
    throw Error(ErrorKind::Input, "string of key " + quoted(key) + " is " + std::to_string(bytes.size()) +
                                      " bytes (with NUL); no page can hold more than 3968 (the reference accepts up to 4000 and then crashes)");
  write_variable_item(key, ItemType::String, bytes);
}

void ImageBuilder::add_blob(std::string_view key, ByteView data) {
  check_key(key);
  if (options_.version == Version::V1) {
    if (data.size() > kMaxItemSizeV1)
      throw Error(ErrorKind::Input, "blob of key " + quoted(key) + " is " + std::to_string(data.size()) +
                                        " bytes; version 1 allows 1984 (use --version 2 for multi-page blobs)");
    write_variable_item(key, ItemType::Blob, data);
    return;
  }
  write_blob_chunks(key, data);
}

// Version 2: chunks fill each page up to its last slot, then an index entry follows.
void ImageBuilder::write_blob_chunks(std::string_view key, ByteView data) {
  ensure_slots_available();
  std::size_t offset = 0;
  std::size_t chunk_count = 0;
  for (;;) {
    std::size_t room = (kEntriesPerPage - next_slot_ - 1) * kEntrySize;
    std::size_t chunk = std::min(room, data.size() - offset);
    if (chunk_count >= 255)
      throw Error(ErrorKind::Input, "blob of key " + quoted(key) + " needs more than 255 chunks (" + std::to_string(data.size()) + " bytes)");
    ByteView piece = data.subspan(offset, chunk);
    std::uint8_t* entry = begin_entry(current_namespace_, ItemType::BlobData, static_cast<std::uint8_t>(1 + data_slots_for(chunk)),
                                      static_cast<std::uint8_t>(chunk_count), key);
    store_u16le(entry + kEntryDataOffset, static_cast<std::uint16_t>(chunk));
    store_u32le(entry + kEntryDataOffset + 4, nvs_crc32(piece));
    commit_entry(entry);
    write_data_slots(piece);
    ++chunk_count;
    offset += chunk;
    bool remaining = offset < data.size();
    if (remaining || room - chunk < kEntrySize) start_page();
    if (!remaining) break;
  }
  if (data.size() > UINT32_MAX) throw Error(ErrorKind::Input, "blob of key " + quoted(key) + " is larger than 4 GiB");
  std::uint8_t* entry = begin_entry(current_namespace_, ItemType::BlobIndex, 1, kChunkIndexAny, key);
  store_u32le(entry + kEntryDataOffset, static_cast<std::uint32_t>(data.size()));
  entry[kEntryDataOffset + 4] = static_cast<std::uint8_t>(chunk_count);
  entry[kEntryDataOffset + 5] = 0;  // chunk start
  commit_entry(entry);
}

Bytes ImageBuilder::finish() {
  if (finished_) throw Error(ErrorKind::Internal, "ImageBuilder::finish called twice");
  finished_ = true;
  if (options_.keys) {
    SlotCipher cipher(*options_.keys, true);
    for (std::size_t page = 0; page < pages_started_; ++page)
      cipher.apply(image_.data() + slot_offset(page, 0), slots_used_[page], slot_offset(page, 0));
  }
  if (geometry_.read_only) image_.resize(pages_started_ * kPageSize);
  return std::move(image_);
}

}  // namespace fwprov::nvs
