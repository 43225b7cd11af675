// 3/4 coding and RS(44,32), written from the fact sheet's description (docs/efuse.md §5).
#include "fwprov/efuse/coding.hpp"

#include <bit>

namespace fwprov::efuse {

namespace {

// One 6-byte group of the 3/4 scheme gets an XOR byte and a position-weighted popcount byte.
void group_check(const std::uint8_t* group, std::uint8_t& xor_byte, std::uint8_t& weight_byte) {
  unsigned x = 0;
  unsigned weight = 0;
  for (int i = 0; i < 6; ++i) {
    x ^= group[i];
    weight += static_cast<unsigned>(i + 1) * static_cast<unsigned>(std::popcount(group[i]));
  }
  xor_byte = static_cast<std::uint8_t>(x);
  weight_byte = static_cast<std::uint8_t>(weight);  // at most 6*8*21/... = 168: fits
}

// GF(2^8) with the field polynomial x^8+x^4+x^3+x^2+1.
struct GaloisField {
  std::array<std::uint8_t, 512> exp{};
  std::array<int, 256> log{};
  GaloisField() {
    unsigned x = 1;
    for (int i = 0; i < 255; ++i) {
      exp[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(x);
      log[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11D;
    }
    for (std::size_t i = 255; i < exp.size(); ++i) exp[i] = exp[i - 255];
  }
  std::uint8_t mul(std::uint8_t a, std::uint8_t b) const {
    if (a == 0 || b == 0) return 0;
    return exp[static_cast<std::size_t>(log[a] + log[b])];
  }
};

const GaloisField& gf() {
  static const GaloisField field;
  return field;
}

// g(x) = prod_{i=0..11} (x - alpha^i), highest degree first (13 coefficients, leading 1).
const std::array<std::uint8_t, 13>& rs_generator() {
  static const std::array<std::uint8_t, 13> generator = [] {
    std::array<std::uint8_t, 13> g{};
    g[0] = 1;
    int degree = 0;
    for (int i = 0; i < 12; ++i) {
      const std::uint8_t root = gf().exp[static_cast<std::size_t>(i)];
      // multiply by (x + root): new[j] = g[j] + root*g[j-1]
      for (int j = degree + 1; j >= 1; --j) {
        g[static_cast<std::size_t>(j)] ^= gf().mul(root, g[static_cast<std::size_t>(j - 1)]);
      }
      ++degree;
    }
    return g;
  }();
  return generator;
}

}  // namespace

std::array<std::uint32_t, 8> encode_34(std::span<const std::uint8_t, 24> data) {
  std::array<std::uint8_t, 32> coded{};
  for (int group = 0; group < 4; ++group) {
    const std::uint8_t* in = data.data() + group * 6;
    std::uint8_t* out = coded.data() + group * 8;
    for (int i = 0; i < 6; ++i) out[i] = in[i];
    group_check(in, out[6], out[7]);
  }
  std::array<std::uint32_t, 8> words{};
  for (std::size_t w = 0; w < 8; ++w) {
    words[w] = static_cast<std::uint32_t>(coded[w * 4]) | static_cast<std::uint32_t>(coded[w * 4 + 1]) << 8 |
               static_cast<std::uint32_t>(coded[w * 4 + 2]) << 16 | static_cast<std::uint32_t>(coded[w * 4 + 3]) << 24;
  }
  return words;
}

std::optional<std::array<std::uint32_t, 6>> decode_34(std::span<const std::uint32_t, 8> coded) {
  std::array<std::uint8_t, 32> bytes{};
  for (std::size_t w = 0; w < 8; ++w) {
    for (std::size_t b = 0; b < 4; ++b) bytes[w * 4 + b] = static_cast<std::uint8_t>(coded[w] >> (8 * b));
  }
  std::array<std::uint8_t, 24> data{};
  for (int group = 0; group < 4; ++group) {
    const std::uint8_t* in = bytes.data() + group * 8;
    std::uint8_t x = 0;
    std::uint8_t weight = 0;
    group_check(in, x, weight);
    if (x != in[6] || weight != in[7]) return std::nullopt;
    for (int i = 0; i < 6; ++i) data[static_cast<std::size_t>(group * 6 + i)] = in[i];
  }
  std::array<std::uint32_t, 6> words{};
  for (std::size_t w = 0; w < 6; ++w) {
    words[w] = static_cast<std::uint32_t>(data[w * 4]) | static_cast<std::uint32_t>(data[w * 4 + 1]) << 8 |
               static_cast<std::uint32_t>(data[w * 4 + 2]) << 16 | static_cast<std::uint32_t>(data[w * 4 + 3]) << 24;
  }
  return words;
}

std::array<std::uint8_t, 12> rs_parity(std::span<const std::uint8_t, 32> message) {
  // Long division of m(x)*x^12 by g(x); the first message byte is the highest power.
  const auto& g = rs_generator();
  std::array<std::uint8_t, 12> remainder{};
  for (std::uint8_t byte : message) {
    const std::uint8_t factor = static_cast<std::uint8_t>(byte ^ remainder[0]);
    for (std::size_t i = 0; i + 1 < remainder.size(); ++i) {
      remainder[i] = static_cast<std::uint8_t>(remainder[i + 1] ^ gf().mul(factor, g[i + 1]));
    }
    remainder[11] = gf().mul(factor, g[12]);
  }
  return remainder;
}

}  // namespace fwprov::efuse
