#pragma once
// What esptool's write_flash sends for one file: the file padded with 0xFF to a multiple of
// 4 bytes and, when it is written at the chip's bootloader offset, its flash mode/frequency/
// size header bytes replaced and its appended SHA-256 recomputed (esptool v5
// _update_image_flash_params). The flash stage calls this for every file it writes.
#include <cstdint>
#include <string>

#include "fwprov/core/bytes.hpp"
#include "fwprov/image/flash_params.hpp"
#include "fwprov/image/format.hpp"

namespace fwprov::image {

enum class PatchOutcome {
  Patched,              // header bytes and/or digest rewritten (bytes may still equal the input,
                        // e.g. no digest and the same parameters)
  NotBootloaderOffset,  // written elsewhere: never touched
  AllKeep,              // mode, freq and size all "keep"
  TooShort,             // fewer than 8 bytes
  NoImageMagic,         // first byte is not 0xE9 (esptool warns)
  InvalidImage,         // starts with 0xE9 but does not parse (esptool warns)
};

struct PatchResult {
  Bytes bytes;                  // exactly what write_flash sends
  PatchOutcome outcome = PatchOutcome::NotBootloaderOffset;
  bool header_changed = false;  // bytes 2-3 changed ("Flash parameters set to 0x....")
  bool digest_updated = false;  // appended SHA-256 recomputed
  std::uint8_t flash_mode = 0;          // header byte 2 of the result
  std::uint8_t flash_size_freq = 0;     // header byte 3 of the result
  // Why the file was left alone (empty when Patched); `warn` when esptool prints it as a warning.
  std::string reason;
  bool warn = false;

  bool patched() const noexcept { return outcome == PatchOutcome::Patched; }
};

// `flash_offset`: where the file is written. `bootloader_offset`: the chip's (ESP32 0x1000;
// S2 0x1000; C3/S3/C2/C6/H2/C61 0x0; C5/P4 0x2000). Flash encryption's 32-byte padding is
// the caller's business (pad first; padding to 4 is then a no-op). Never throws for bad
// image contents: such files are sent unchanged, as esptool does.
PatchResult patch_flash_params(ByteView file, std::uint32_t flash_offset, const FlashParams& params,
                               std::uint32_t bootloader_offset = kEsp32BootloaderOffset);

// 0xFF padding to a multiple of `alignment` (esptool pad_to).
Bytes pad_to(ByteView data, std::size_t alignment, std::uint8_t fill = 0xFF);

}  // namespace fwprov::image
