#pragma once
// Parsing an ESP firmware image (app or bootloader) the way esptool's ESP32FirmwareImage
// loader does: common and extended header, segments, checksum, optional appended SHA-256.
// Nothing is validated beyond what is needed to find the parts; the *_valid() helpers say
// whether the stored checksum and digest match.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/digest.hpp"

namespace fwprov::image {

struct CommonHeader {
  std::uint8_t magic = 0;
  std::uint8_t segment_count = 0;
  std::uint8_t flash_mode = 0;       // byte 2
  std::uint8_t flash_size_freq = 0;  // byte 3: size high nibble, freq low nibble
  std::uint32_t entry_point = 0;
};

struct ExtendedHeader {
  std::uint8_t wp_pin = 0;
  std::uint8_t clk_drv = 0, q_drv = 0, d_drv = 0, cs0_drv = 0, hd_drv = 0, wp_drv = 0;
  std::uint16_t chip_id = 0;
  std::uint8_t min_rev = 0;          // legacy, major only
  std::uint16_t min_rev_full = 0;    // major*100 + minor
  std::uint16_t max_rev_full = 0;
  bool hash_appended = false;        // byte 23 (only 0 or 1 parse)
};

struct Segment {
  std::uint32_t load_address = 0;
  std::uint32_t length = 0;
  std::size_t header_offset = 0;  // file offset of the 8-byte segment header (esptool's "File offs")
  std::size_t data_offset = 0;    // file offset of the data
};

struct ParsedImage {
  CommonHeader header;
  ExtendedHeader extended;
  std::vector<Segment> segments;
  std::size_t checksum_offset = 0;     // position of the checksum byte (15 mod 16)
  std::uint8_t stored_checksum = 0;
  std::uint8_t calculated_checksum = 0;
  // Bytes [0, data_length) are the image proper (header to checksum) and what the appended
  // SHA-256 covers.
  std::size_t data_length = 0;
  Bytes stored_digest;                 // the up to 32 bytes after data_length (when hash_appended)
  Sha256 calculated_digest{};          // SHA-256 of [0, data_length) (when hash_appended)

  bool checksum_valid() const noexcept { return stored_checksum == calculated_checksum; }
  bool digest_valid() const;           // false when no digest is appended
  // data_length plus the digest, if any: where trailing data (e.g. of a merged binary) starts.
  std::size_t image_end() const noexcept;
  ByteView segment_data(ByteView file, const Segment& segment) const {
    return file.subspan(segment.data_offset, segment.length);
  }
};

// Throws Error(Input) naming the byte offset when the data is not a parseable image:
// shorter than the headers, magic not 0xE9, hash flag neither 0 nor 1, a segment running
// past the end, no checksum byte, more than 16 segments (write-flash's verify(); image-info
// lists such images, so `limit_segments` = false skips that rule). `name` names the file.
ParsedImage parse_image(ByteView data, const std::string& name = "image", bool limit_segments = true);

// XOR of every segment data byte, starting from 0xEF.
std::uint8_t calculate_checksum(ByteView data, const std::vector<Segment>& segments);

}  // namespace fwprov::image
