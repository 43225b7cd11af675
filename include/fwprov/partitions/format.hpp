#pragma once
// Every constant of the ESP-IDF partition table format (gen_esp32part.py v6.0,
// esp_flash_partitions.h) and of the OTA data partition has its home here.
#include <cstddef>
#include <cstdint>

namespace fwprov::partitions {

inline constexpr std::size_t kEntrySize = 32;
inline constexpr std::uint8_t kEntryMagic[2] = {0xAA, 0x50};
inline constexpr std::uint8_t kMd5Magic[2] = {0xEB, 0xEB};     // MD5 row: EB EB, 14 x FF, 16-byte MD5
inline constexpr std::size_t kMd5DigestOffset = 16;
inline constexpr std::size_t kNameSize = 16;                   // no terminator when all 16 bytes are used
inline constexpr std::size_t kTableMaxLength = 0xC00;          // the generator's output size; content must be shorter
inline constexpr std::uint32_t kTableSectorSize = 0x1000;      // the table owns this much flash
inline constexpr std::uint32_t kDefaultTableOffset = 0x8000;

// Types.
inline constexpr std::uint8_t kTypeApp = 0x00;
inline constexpr std::uint8_t kTypeData = 0x01;
inline constexpr std::uint8_t kTypeBootloader = 0x02;
inline constexpr std::uint8_t kTypePartitionTable = 0x03;

// Subtypes used by rules.
inline constexpr std::uint8_t kAppFactory = 0x00;
inline constexpr std::uint8_t kAppOtaMin = 0x10;               // ota_0 .. ota_15
inline constexpr unsigned kAppOtaSlots = 16;
inline constexpr std::uint8_t kDataOta = 0x00;
inline constexpr std::uint8_t kDataNvs = 0x02;
inline constexpr std::uint8_t kDataCoredump = 0x03;
inline constexpr std::uint8_t kDataNvsKeys = 0x04;
inline constexpr std::uint8_t kDataUndefined = 0x06;
inline constexpr std::uint8_t kDataTeeOta = 0x90;

// Flag bits.
inline constexpr std::uint32_t kFlagEncrypted = 1u << 0;
inline constexpr std::uint32_t kFlagReadonly = 1u << 1;

// Alignment rules.
inline constexpr std::uint32_t kAppOffsetAlign = 0x10000;
inline constexpr std::uint32_t kOtherOffsetAlign = 0x1000;
inline constexpr std::uint32_t kAppSizeAlign = 0x1000;          // no secure boot, or secure boot v2
inline constexpr std::uint32_t kAppSizeAlignSecureV1 = 0x10000;
inline constexpr std::uint32_t kNvsReadWriteMinSize = 0x3000;
inline constexpr std::uint32_t kOtadataSize = 0x2000;

// OTA data partition (esp_ota_select_entry_t in each of two 4 KiB sectors).
inline constexpr std::size_t kOtaSectorSize = 0x1000;
inline constexpr std::size_t kOtaEntrySize = 32;
inline constexpr std::size_t kOtaSeqLabelSize = 20;
inline constexpr std::size_t kOtaStateOffset = 24;
inline constexpr std::size_t kOtaCrcOffset = 28;
inline constexpr std::uint32_t kOtaSeqEmpty = 0xFFFFFFFF;
inline constexpr std::uint32_t kOtaCrcSeed = 0xFFFFFFFF;        // esp_rom_crc32_le(UINT32_MAX, seq, 4)

}  // namespace fwprov::partitions
