#pragma once
// One flashable file from several images, as esptool v5 `merge-bin` makes it: raw (0xFF in
// the gaps, optional --pad-to-size, output starting at --target-offset), Intel HEX (gaps left
// out, 16-byte records, extended linear address records) or UF2 (512-byte blocks with the
// chip's family id, an MD5 extension unless disabled, per-file block numbering). Files at
// the chip's bootloader offset get the flash parameters patched as write-flash does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/image/chips.hpp"
#include "fwprov/image/flash_params.hpp"

namespace fwprov::image {

enum class MergeFormat { Raw, Hex, Uf2 };

struct MergeInput {
  std::uint32_t address = 0;
  std::string name;  // for messages
  Bytes data;
};

struct MergeOptions {
  const Chip* chip = nullptr;  // required
  MergeFormat format = MergeFormat::Raw;
  FlashParams params;          // all keep: no header changes
  std::uint32_t target_offset = 0;                // raw: the flash address of output byte 0
  std::optional<std::uint32_t> pad_to_size;       // raw: 0xFF up to this flash address
  std::optional<std::uint32_t> chunk_size;        // UF2: data bytes per block
  bool uf2_md5 = true;                            // UF2: MD5 checksum extension
};

struct MergeResult {
  Bytes output;
  std::vector<std::string> warnings;  // e.g. "bootloader.bin at 0x1000 is not a valid ESP32 image"
};

// Throws Usage errors for overlapping inputs (esptool's sector-granular check), an input
// before --target-offset, a UF2 chunk size that does not fit a block, and no inputs.
MergeResult merge_images(std::vector<MergeInput> inputs, const MergeOptions& options);

// Intel HEX text for (address, bytes) segments, as Python's intelhex writes it.
std::string intel_hex(const std::vector<std::pair<std::uint32_t, ByteView>>& segments);

}  // namespace fwprov::image
