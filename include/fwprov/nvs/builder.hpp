#pragma once
// Builds NVS partition images byte-identical to Espressif's nvs_partition_gen.py from typed
// values in memory. The CSV front end (csv_input.hpp) and the mfg batch sit on top of this;
// provision can call it directly:
//
//   nvs::ImageBuilder builder(nvs::build_options(0x6000, nvs::Version::V2));
//   builder.add_namespace("creds");
//   builder.add_blob("P11_Cert", cert_der);
//   builder.add_string("thing", nvs::string_bytes("device-42"));   // adds the NUL
//   builder.add_integer("retries", nvs::ItemType::U8, 3);
//   Bytes image = builder.finish();
//
// Items are placed exactly where the reference places them (pages filled in order, never
// revisited; strings never end in slot 125; v2 blobs split into chunks + index). Errors are
// fwprov::Error of kind Input without a file location; callers that know the source line
// catch and re-throw with it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/nvs/format.hpp"
#include "fwprov/nvs/keys.hpp"

namespace fwprov::nvs {

struct BuildOptions {
  std::uint64_t partition_size = 0;   // bytes; multiple of 4096, at least 4096
  Version version = Version::V2;
  std::optional<XtsKeys> keys;        // set: every written slot is XTS-encrypted
};

inline BuildOptions build_options(std::uint64_t partition_size, Version version = Version::V2, std::optional<XtsKeys> keys = std::nullopt) {
  BuildOptions options;
  options.partition_size = partition_size;
  options.version = version;
  options.keys = keys;
  return options;
}

// How a partition size is used: sizes of 0x3000 and more reserve their last page; smaller
// ones (0x1000, 0x2000) are read-only partitions where every page is usable and the image
// holds only the pages actually started.
struct Geometry {
  std::size_t usable_pages = 0;
  std::size_t total_pages = 0;
  bool read_only = false;
};
// Throws Usage error for a size that is 0 or not a multiple of 4096.
Geometry partition_geometry(std::uint64_t partition_size);

// The bytes of an NVS string value: the text plus its NUL terminator.
Bytes string_bytes(std::string_view text);

class ImageBuilder {
 public:
  explicit ImageBuilder(BuildOptions options);

  const BuildOptions& options() const noexcept { return options_; }
  const Geometry& geometry() const noexcept { return geometry_; }

  // A new name gets the next index (1, 2, ...) and a U8 entry in namespace 0. Items added
  // afterwards belong to the most recently *created* namespace (0 before the first one).
  // Reference quirk kept: a name that already exists writes nothing and does NOT switch
  // back to it; returns false in that case.
  bool add_namespace(std::string_view name);
  std::uint8_t current_namespace() const noexcept { return current_namespace_; }
  std::size_t namespace_count() const noexcept { return namespace_count_; }

  // `value` holds the integer's bits (two's complement, truncated to the type's width);
  // range checks are the caller's (see values.hpp).
  void add_integer(std::string_view key, ItemType type, std::uint64_t value);
  // Stored exactly as given (type 0x21): pass string_bytes(text) for a normal string.
  // Limits: v1 1984 bytes; v2 3968 bytes (3969..4000 pass the reference's length check but
  // crash it, so they are refused here with a clear message).
  void add_string(std::string_view key, ByteView bytes);
  // v1: one 0x41 item (at most 1984 bytes). v2: 0x42 chunks + 0x48 index, any size that fits.
  void add_blob(std::string_view key, ByteView data);

  // Finishes the image: the last started page stays ACTIVE, the remaining pages and the
  // reserved last page are blank (0xFF). Encrypts the written slots when keys were given.
  Bytes finish();

 private:
  void start_page();
  void ensure_slots_available();
  std::uint8_t* begin_entry(std::uint8_t ns, ItemType type, std::uint8_t span, std::uint8_t chunk_index, std::string_view key);
  void commit_entry(std::uint8_t* entry);
  void write_data_slots(ByteView data);
  void write_variable_item(std::string_view key, ItemType type, ByteView data);
  void write_blob_chunks(std::string_view key, ByteView data);
  void mark_written(std::size_t slot);

  BuildOptions options_;
  Geometry geometry_;
  Bytes image_;
  std::size_t pages_started_ = 0;
  std::size_t page_ = 0;       // index of the current page (valid when pages_started_ > 0)
  std::size_t next_slot_ = 0;  // next free slot of the current page
  std::uint8_t current_namespace_ = 0;
  std::size_t namespace_count_ = 0;
  std::vector<std::string> namespace_names_;
  std::vector<std::uint8_t> slots_used_;  // per started page, for encryption
  bool finished_ = false;
};

}  // namespace fwprov::nvs

namespace fwprov::nvs {

// A partition size as the reference reads it (a Python integer literal: 0x6000, 24576,
// 0o..., 0b..., '_' between digits) plus the suffixes K and M (x1024, x1048576; uppercase
// only, so "12k" is refused rather than guessed). Throws Usage error when unparsable.
std::uint64_t parse_partition_size(std::string_view text);

}  // namespace fwprov::nvs
