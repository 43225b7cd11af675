#pragma once
// The check bits eFuse blocks are programmed with (fact sheet docs/efuse.md §5): ESP32's 3/4
// scheme and the RS(44,32) Reed-Solomon code of the newer chips.
#include <array>
#include <cstdint>
#include <optional>
#include <span>

namespace fwprov::efuse {

// 24 data bytes (register order) -> the 8 words written to an ESP32 block's program registers.
std::array<std::uint32_t, 8> encode_34(std::span<const std::uint8_t, 24> data);
// The inverse; nullopt when a group's XOR or weighted-popcount byte does not match.
std::optional<std::array<std::uint32_t, 6>> decode_34(std::span<const std::uint32_t, 8> coded);

// The 12 parity bytes of RS(44,32) over GF(2^8)/0x11D for 32 message bytes (register order).
std::array<std::uint8_t, 12> rs_parity(std::span<const std::uint8_t, 32> message);

}  // namespace fwprov::efuse
