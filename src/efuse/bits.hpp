#pragma once
// Bit fields inside a block held as little-endian 32-bit words (bit n of the block is bit n%32
// of word n/32), the layout every eFuse table position refers to.
#include <cstdint>
#include <vector>

#include "fwprov/core/bytes.hpp"

namespace fwprov::efuse::bits {

inline bool get(const std::vector<std::uint32_t>& words, int bit) {
  const auto w = static_cast<std::size_t>(bit / 32);
  return w < words.size() && ((words[w] >> (bit % 32)) & 1U) != 0;
}

inline void set(std::vector<std::uint32_t>& words, int bit, bool on = true) {
  const auto w = static_cast<std::size_t>(bit / 32);
  if (w >= words.size()) return;
  if (on) {
    words[w] |= 1U << (bit % 32);
  } else {
    words[w] &= ~(1U << (bit % 32));
  }
}

inline std::uint64_t get_range(const std::vector<std::uint32_t>& words, int first, int count) {
  std::uint64_t value = 0;
  for (int i = 0; i < count && i < 64; ++i) {
    if (get(words, first + i)) value |= std::uint64_t{1} << i;
  }
  return value;
}

inline void set_range(std::vector<std::uint32_t>& words, int first, int count, std::uint64_t value) {
  for (int i = 0; i < count && i < 64; ++i) set(words, first + i, ((value >> i) & 1U) != 0);
}

inline Bytes to_bytes(const std::vector<std::uint32_t>& words) {
  Bytes out;
  out.reserve(words.size() * 4);
  for (std::uint32_t w : words) {
    for (int b = 0; b < 4; ++b) out.push_back(static_cast<std::uint8_t>(w >> (8 * b)));
  }
  return out;
}

inline std::vector<std::uint32_t> from_bytes(ByteView bytes) {
  std::vector<std::uint32_t> words((bytes.size() + 3) / 4, 0);
  for (std::size_t i = 0; i < bytes.size(); ++i) words[i / 4] |= static_cast<std::uint32_t>(bytes[i]) << (8 * (i % 4));
  return words;
}

inline bool all_zero(const std::vector<std::uint32_t>& words) {
  for (std::uint32_t w : words) {
    if (w != 0) return false;
  }
  return true;
}

}  // namespace fwprov::efuse::bits
