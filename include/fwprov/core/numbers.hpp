#pragma once
// Integer parsing for command-line sizes and addresses.
#include <cstdint>
#include <optional>
#include <string_view>

namespace fwprov {

// The largest flash any supported chip can have (esptool's largest --flash_size choice,
// 128MB). Every size or offset a user gives is bounded by it, so a typo such as 0xfffff000
// is an error instead of a 4 GB allocation.
inline constexpr std::uint64_t kMaxFlashBytes = std::uint64_t{128} << 20;

// "0x6000", "24576", "0o70", "0b101", "24K", "4M", "4MB", "1500K" (K = 1024).
std::optional<std::uint64_t> parse_size(std::string_view text);

// Strict unsigned integer with auto base (0x / 0o / 0b prefixes, else decimal); no suffixes.
std::optional<std::uint64_t> parse_unsigned(std::string_view text);

}  // namespace fwprov
