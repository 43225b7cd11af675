#include "fwprov/core/utf8.hpp"

namespace fwprov {

bool is_valid_utf8(std::string_view text, std::size_t* bad_at) {
  auto byte = [&](std::size_t i) -> unsigned { return static_cast<unsigned char>(text[i]); };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned lead = byte(i);
    std::size_t extra = 0;
    unsigned low = 0x80, high = 0xBF;  // allowed range of the first continuation byte
    bool starts_character = true;
    if (lead < 0x80) extra = 0;
    else if (lead >= 0xC2 && lead <= 0xDF) extra = 1;
    else if (lead >= 0xE0 && lead <= 0xEF) extra = 2, low = lead == 0xE0 ? 0xA0 : 0x80, high = lead == 0xED ? 0x9F : 0xBF;
    else if (lead >= 0xF0 && lead <= 0xF4) extra = 3, low = lead == 0xF0 ? 0x90 : 0x80, high = lead == 0xF4 ? 0x8F : 0xBF;
    else starts_character = false;  // 0x80-0xC1 and 0xF5-0xFF never start a character
    bool ok = starts_character && text.size() - i > extra;
    for (std::size_t k = 1; ok && k <= extra; ++k)
      ok = k == 1 ? byte(i + 1) >= low && byte(i + 1) <= high : (byte(i + k) & 0xC0) == 0x80;
    if (!ok) {
      if (bad_at != nullptr) *bad_at = i;
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::size_t utf8_character_count(std::string_view text) {
  std::size_t count = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;  // every byte but continuations
  return count;
}

}  // namespace fwprov
