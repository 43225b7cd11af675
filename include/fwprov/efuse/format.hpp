#pragma once
// Constants of the eFuse controllers' command interface and of espefuse's burn sequence that
// are the same on every chip (docs/efuse.md §7). Per-chip offsets live in the chip tables.
#include <cstdint>

namespace fwprov::efuse::format {

inline constexpr std::uint32_t kConfProgram = 0x5A5A;  // CONF op code before a program command
inline constexpr std::uint32_t kConfRead = 0x5AA5;     // CONF op code before a read command
inline constexpr std::uint32_t kCmdRead = 0x1;
inline constexpr std::uint32_t kCmdProgram = 0x2;      // RS chips: | (block << 2)
inline constexpr std::uint32_t kCmdMask = 0x3;

// ESP32 timing for a 40 MHz crystal: DAC clock divider, CLK sel0, CLK sel1.
inline constexpr std::uint32_t kEsp32DacClkDiv = 80;
inline constexpr std::uint32_t kEsp32ClkSel0 = 160;
inline constexpr std::uint32_t kEsp32ClkSel1 = 255;
inline constexpr std::uint32_t kEsp32DacClkDivMask = 0xFF;
inline constexpr std::uint32_t kEsp32ClkSel0Mask = 0x00FF;
inline constexpr std::uint32_t kEsp32ClkSel1Mask = 0xFF00;
inline constexpr std::uint32_t kEsp32DecStatusMask = 0xFFF;
inline constexpr int kEsp32CodingSchemeWord = 6;  // block 0 word holding CODING_SCHEME (bits 0-1)
inline constexpr std::uint32_t kEsp32Coding34 = 1;

// RS chips' timing (40 MHz crystal only).
inline constexpr std::uint32_t kRsDacNum = 0xFF;
inline constexpr std::uint32_t kRsDacNumMask = 0x1FE00;
inline constexpr std::uint32_t kRsDacClkDiv = 0x28;
inline constexpr std::uint32_t kRsDacClkDivMask = 0xFF;
inline constexpr std::uint32_t kRsPwrOnNum = 0x3000;
inline constexpr std::uint32_t kRsPwrOnNumMask = 0x00FFFF00;
inline constexpr std::uint32_t kRsPwrOffNum = 0x190;
inline constexpr std::uint32_t kRsPwrOffNumMask = 0x0000FFFF;
inline constexpr std::uint32_t kRsReadDelayUs = 1000;  // after a read command
inline constexpr int kRsProgramWords = 8;              // PGM_DATA0..7
inline constexpr int kRsCheckWords = 3;                // CHECK_VALUE0..2

// espefuse reads each block back this many extra times after a burn, and retries a block
// whose bits did not all stick this many times in total.
inline constexpr int kExtraReads = 5;
inline constexpr int kBurnAttempts = 3;

}  // namespace fwprov::efuse::format
