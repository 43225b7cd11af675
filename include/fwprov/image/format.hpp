#pragma once
// Every constant of the ESP firmware image format (esptool bin_image.py, ESP-IDF
// esp_app_format.h) has its home here. ESP32 encodings unless a name says otherwise.
#include <cstddef>
#include <cstdint>

namespace fwprov::image {

inline constexpr std::uint8_t kImageMagic = 0xE9;
inline constexpr std::size_t kCommonHeaderSize = 8;     // magic, segment count, mode, size|freq, entry
inline constexpr std::size_t kExtendedHeaderSize = 16;  // bytes 8..23
inline constexpr std::size_t kHeaderSize = kCommonHeaderSize + kExtendedHeaderSize;
inline constexpr std::size_t kSegmentHeaderSize = 8;    // load address, data length
inline constexpr std::size_t kMaxSegments = 16;         // esptool's verify(): more is "not a valid image"
inline constexpr std::uint8_t kChecksumSeed = 0xEF;
inline constexpr std::size_t kChecksumAlign = 16;       // the checksum is the last byte of a 16-byte block
inline constexpr std::size_t kDigestSize = 32;          // appended SHA-256

// Offsets inside the header.
inline constexpr std::size_t kSegmentCountOffset = 1;
inline constexpr std::size_t kFlashModeOffset = 2;
inline constexpr std::size_t kFlashSizeFreqOffset = 3;
inline constexpr std::size_t kEntryPointOffset = 4;
inline constexpr std::size_t kHashAppendedOffset = 23;  // extended-header byte 15

inline constexpr std::uint8_t kWpPinDisabled = 0xEE;

// Where the ROM loads the second-stage bootloader from; esptool patches only files written here.
inline constexpr std::uint32_t kEsp32BootloaderOffset = 0x1000;

// esp_app_desc_t (first bytes of the first DROM segment of an app).
inline constexpr std::uint32_t kAppDescMagic = 0xABCD5432;
inline constexpr std::size_t kAppDescSize = 256;
// esp_bootloader_desc_t (first bytes of a bootloader's DRAM segment).
inline constexpr std::uint8_t kBootloaderDescMagic = 0x50;
inline constexpr std::size_t kBootloaderDescSize = 80;

}  // namespace fwprov::image
