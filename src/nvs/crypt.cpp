#include "fwprov/nvs/crypt.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include "fwprov/core/error.hpp"
#include "fwprov/nvs/format.hpp"

namespace fwprov::nvs {
namespace {

std::string openssl_reason() {
  unsigned long last = 0;
  for (unsigned long code; (code = ERR_get_error()) != 0;) last = code;
  const char* reason = last != 0 ? ERR_reason_error_string(last) : nullptr;
  return reason != nullptr ? reason : "unknown OpenSSL error";
}

}  // namespace

struct SlotCipher::State {
  EVP_CIPHER_CTX* ctx = nullptr;
  ~State() { EVP_CIPHER_CTX_free(ctx); }
};

SlotCipher::SlotCipher(const XtsKeys& keys, bool encrypt) : state_(std::make_unique<State>()) {
  keys.require_distinct_halves("encryption keys");
  state_->ctx = EVP_CIPHER_CTX_new();
  if (state_->ctx == nullptr ||
      EVP_CipherInit_ex(state_->ctx, EVP_aes_256_xts(), nullptr, keys.bytes.data(), nullptr, encrypt ? 1 : 0) != 1)
    throw Error(ErrorKind::Crypto, "cannot set up AES-256-XTS: " + openssl_reason());
}

SlotCipher::~SlotCipher() = default;

void SlotCipher::apply(std::uint8_t* slots, std::size_t count, std::uint64_t first_offset) {
  // One XTS data unit per 32-byte slot: the tweak (IV) is the slot's partition offset.
  std::uint8_t tweak[16] = {};
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t offset = first_offset + i * kEntrySize;
    for (int b = 0; b < 8; ++b) tweak[b] = static_cast<std::uint8_t>(offset >> (8 * b));
    int written = 0;
    std::uint8_t* slot = slots + i * kEntrySize;
    if (EVP_CipherInit_ex(state_->ctx, nullptr, nullptr, nullptr, tweak, -1) != 1 ||
        EVP_CipherUpdate(state_->ctx, slot, &written, slot, static_cast<int>(kEntrySize)) != 1 || written != static_cast<int>(kEntrySize))
      throw Error(ErrorKind::Crypto, "AES-256-XTS failed: " + openssl_reason());
  }
}

void decrypt_image_in_place(Bytes& image, const XtsKeys& keys) {
  SlotCipher cipher(keys, false);
  std::size_t pages = image.size() / kPageSize;
  for (std::size_t page = 0; page < pages; ++page) {
    std::uint8_t* base = image.data() + page * kPageSize;
    if (load_u32le(base + kPageStateOffset) == kPageStateUninitialized) continue;
    const std::uint8_t* bitmap = base + kBitmapOffset;
    // Runs of non-empty slots go through the cipher together.
    std::size_t slot = 0;
    while (slot < kEntriesPerPage) {
      auto state = [&](std::size_t s) { return (bitmap[s / 4] >> (2 * (s % 4))) & 3; };
      if (state(slot) == kSlotEmpty) {
        ++slot;
        continue;
      }
      std::size_t end = slot;
      while (end < kEntriesPerPage && state(end) != kSlotEmpty) ++end;
      cipher.apply(base + kFirstEntryOffset + slot * kEntrySize, end - slot, slot_offset(page, slot));
      slot = end;
    }
  }
}

}  // namespace fwprov::nvs
