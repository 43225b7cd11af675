#pragma once
// XTS-AES-256 of NVS entry slots. Each written 32-byte slot is its own XTS data unit whose
// tweak is the slot's byte offset in the partition (16-byte little-endian).
#include <cstddef>
#include <memory>

#include "fwprov/core/bytes.hpp"
#include "fwprov/nvs/keys.hpp"

namespace fwprov::nvs {

class SlotCipher {
 public:
  // Throws Crypto error when OpenSSL refuses the keys (e.g. equal halves).
  SlotCipher(const XtsKeys& keys, bool encrypt);
  ~SlotCipher();
  SlotCipher(const SlotCipher&) = delete;
  SlotCipher& operator=(const SlotCipher&) = delete;

  // Transforms `count` consecutive slots in place; `slots` points at the first one, whose
  // offset in the partition is `first_offset`.
  void apply(std::uint8_t* slots, std::size_t count, std::uint64_t first_offset);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Transforms every slot of an image whose bitmap state is not "empty", on every initialised
// page (page headers, bitmaps and blank pages are never encrypted). Used by decrypt/decode.
void decrypt_image_in_place(Bytes& image, const XtsKeys& keys);

}  // namespace fwprov::nvs
