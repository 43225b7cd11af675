#include "fwprov/image/patch.hpp"

#include <fmt/core.h>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/image/image.hpp"

namespace fwprov::image {

Bytes pad_to(ByteView data, std::size_t alignment, std::uint8_t fill) {
  Bytes out(data.begin(), data.end());
  if (alignment > 1 && out.size() % alignment != 0) out.resize(out.size() + alignment - out.size() % alignment, fill);
  return out;
}

PatchResult patch_flash_params(ByteView file, std::uint32_t flash_offset, const FlashParams& params,
                               std::uint32_t bootloader_offset) {
  PatchResult result;
  result.bytes = pad_to(file, 4);
  Bytes& image = result.bytes;
  auto unchanged = [&](PatchOutcome outcome, std::string reason, bool warn) {
    result.outcome = outcome;
    result.reason = std::move(reason);
    result.warn = warn;
    if (image.size() >= 4) result.flash_mode = image[kFlashModeOffset], result.flash_size_freq = image[kFlashSizeFreqOffset];
    return result;
  };
  // Same order of checks as esptool, so the same reason wins.
  if (image.size() < kCommonHeaderSize) return unchanged(PatchOutcome::TooShort, "shorter than an image header", false);
  if (flash_offset != bootloader_offset)
    return unchanged(PatchOutcome::NotBootloaderOffset,
                     fmt::format("written at 0x{:x}, not at the bootloader offset 0x{:x}", flash_offset, bootloader_offset),
                     false);
  if (params.all_keep()) return unchanged(PatchOutcome::AllKeep, "flash mode, frequency and size are all 'keep'", false);
  if (image[0] != kImageMagic)
    return unchanged(PatchOutcome::NoImageMagic,
                     fmt::format("image at 0x{:x} doesn't look like an image file (first byte 0x{:02x}, not 0xe9), "
                                 "so not changing any flash settings",
                                 flash_offset, image[0]),
                     true);
  ParsedImage parsed;
  try {
    parsed = parse_image(image);
  } catch (const Error& error) {
    return unchanged(PatchOutcome::InvalidImage,
                     fmt::format("image at 0x{:x} is not a valid ESP32 image ({}), so not changing any flash settings",
                                 flash_offset, error.message()),
                     true);
  }

  std::uint8_t mode = image[kFlashModeOffset];
  std::uint8_t freq = image[kFlashSizeFreqOffset] & 0x0F;
  std::uint8_t size = image[kFlashSizeFreqOffset] & 0xF0;
  if (params.mode) mode = *params.mode;
  if (params.freq) freq = *params.freq;
  if (params.size) size = *params.size;
  const std::uint8_t size_freq = static_cast<std::uint8_t>(size + freq);
  result.outcome = PatchOutcome::Patched;
  result.header_changed = image[kFlashModeOffset] != mode || image[kFlashSizeFreqOffset] != size_freq;
  image[kFlashModeOffset] = mode;
  image[kFlashSizeFreqOffset] = size_freq;
  result.flash_mode = mode;
  result.flash_size_freq = size_freq;

  if (parsed.extended.hash_appended) {
    // esptool rebuilds the file as image[:data_length] + digest + image[data_length + 32:], so
    // a digest cut short by the end of the file comes back whole.
    const Sha256 digest = sha256(ByteView(image).first(parsed.data_length));
    Bytes rebuilt(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(parsed.data_length));
    rebuilt.insert(rebuilt.end(), digest.begin(), digest.end());
    if (image.size() > parsed.data_length + kDigestSize)
      rebuilt.insert(rebuilt.end(), image.begin() + static_cast<std::ptrdiff_t>(parsed.data_length + kDigestSize), image.end());
    image = std::move(rebuilt);
    result.digest_updated = true;
  }
  return result;
}

}  // namespace fwprov::image
