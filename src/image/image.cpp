#include "fwprov/image/image.hpp"

#include <algorithm>
#include <fmt/core.h>

#include "fwprov/core/error.hpp"
#include "fwprov/image/format.hpp"

namespace fwprov::image {
namespace {

[[noreturn]] void fail(const std::string& name, std::size_t offset, const std::string& what) {
  throw Error(ErrorKind::Input, SourceLocation{name}, fmt::format("not a valid ESP image: {} (at byte offset 0x{:x})", what, offset));
}

}  // namespace

bool ParsedImage::digest_valid() const {
  return extended.hash_appended && stored_digest.size() == kDigestSize &&
         std::equal(stored_digest.begin(), stored_digest.end(), calculated_digest.begin());
}

std::size_t ParsedImage::image_end() const noexcept {
  return data_length + (extended.hash_appended ? stored_digest.size() : 0);
}

std::uint8_t calculate_checksum(ByteView data, const std::vector<Segment>& segments) {
  std::uint8_t checksum = kChecksumSeed;
  for (const auto& segment : segments)
    for (std::uint8_t byte : data.subspan(segment.data_offset, segment.length)) checksum ^= byte;
  return checksum;
}

ParsedImage parse_image(ByteView data, const std::string& name, bool limit_segments) {
  ParsedImage image;
  if (data.size() < kCommonHeaderSize) fail(name, 0, fmt::format("only {} bytes, shorter than the 8-byte header", data.size()));
  auto& h = image.header;
  h.magic = data[0];
  h.segment_count = data[kSegmentCountOffset];
  h.flash_mode = data[kFlashModeOffset];
  h.flash_size_freq = data[kFlashSizeFreqOffset];
  h.entry_point = load_u32le(&data[kEntryPointOffset]);
  if (h.magic != kImageMagic) fail(name, 0, fmt::format("magic byte is 0x{:02x}, expected 0x{:02x}", h.magic, kImageMagic));

  if (data.size() < kHeaderSize) fail(name, kCommonHeaderSize, "file ends inside the 16-byte extended header");
  auto& x = image.extended;
  const std::uint8_t* e = &data[kCommonHeaderSize];
  x.wp_pin = e[0];
  x.clk_drv = e[1] & 0x0F, x.q_drv = e[1] >> 4;
  x.d_drv = e[2] & 0x0F, x.cs0_drv = e[2] >> 4;
  x.hd_drv = e[3] & 0x0F, x.wp_drv = e[3] >> 4;
  x.chip_id = load_u16le(e + 4);
  x.min_rev = e[6];
  x.min_rev_full = load_u16le(e + 7);
  x.max_rev_full = load_u16le(e + 9);
  const std::uint8_t hash_flag = data[kHashAppendedOffset];
  if (hash_flag > 1) fail(name, kHashAppendedOffset, fmt::format("hash-appended byte is 0x{:02x}, must be 0 or 1", hash_flag));
  x.hash_appended = hash_flag == 1;

  std::size_t pos = kHeaderSize;
  for (unsigned index = 0; index < h.segment_count; ++index) {
    if (data.size() - pos < kSegmentHeaderSize) fail(name, pos, fmt::format("file ends inside the header of segment {}", index));
    Segment segment;
    segment.header_offset = pos;
    segment.load_address = load_u32le(&data[pos]);
    segment.length = load_u32le(&data[pos + 4]);
    segment.data_offset = pos + kSegmentHeaderSize;
    if (data.size() - segment.data_offset < segment.length)
      fail(name, pos, fmt::format("segment {} (load address 0x{:08x}) is 0x{:x} bytes long but only 0x{:x} remain", index,
                                  segment.load_address, segment.length, data.size() - segment.data_offset));
    pos = segment.data_offset + segment.length;
    image.segments.push_back(segment);
  }
  // Zero padding so that the checksum is the last byte of a 16-byte block.
  image.checksum_offset = pos + (kChecksumAlign - 1) - (pos % kChecksumAlign);
  if (image.checksum_offset >= data.size()) fail(name, pos, "file ends before the checksum byte");
  image.stored_checksum = data[image.checksum_offset];
  image.calculated_checksum = calculate_checksum(data, image.segments);
  image.data_length = image.checksum_offset + 1;
  if (x.hash_appended) {
    const std::size_t available = std::min(kDigestSize, data.size() - image.data_length);
    image.stored_digest.assign(data.begin() + static_cast<std::ptrdiff_t>(image.data_length),
                               data.begin() + static_cast<std::ptrdiff_t>(image.data_length + available));
    image.calculated_digest = sha256(data.first(image.data_length));
  }
  if (limit_segments && image.segments.size() > kMaxSegments)
    fail(name, kSegmentCountOffset, fmt::format("{} segments, at most {} allowed", image.segments.size(), kMaxSegments));
  return image;
}

}  // namespace fwprov::image
