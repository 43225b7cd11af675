#pragma once
// AES in ECB mode through OpenSSL EVP (AES-NI where the CPU has it). Both flash encryption
// schemes are block-wise: every 16-byte block is one AES call with its own key or tweak, so
// ECB over many blocks at once is the fast primitive they are built from.
#include <openssl/evp.h>

#include <cstddef>
#include <cstdint>

#include "fwprov/core/bytes.hpp"

namespace fwprov::flashcrypt {

class AesEcb {
 public:
  // key.size() is 16, 24 or 32 (AES-128/192/256); forward = the AES cipher, otherwise its inverse.
  AesEcb(ByteView key, bool forward);
  ~AesEcb();
  AesEcb(const AesEcb&) = delete;
  AesEcb& operator=(const AesEcb&) = delete;

  // In place is allowed; bytes is a multiple of 16.
  void run(const std::uint8_t* in, std::uint8_t* out, std::size_t bytes);
  // New key (same size and direction), then up to kMaxRekeyedRun bytes in place: the ESP32
  // scheme changes key every 32 bytes, so this is its inner loop.
  static constexpr std::size_t kMaxRekeyedRun = 32;
  void run_with_key(const std::uint8_t* key, std::uint8_t* data, std::size_t bytes);

 private:
  void release() noexcept;
  EVP_CIPHER* cipher_ = nullptr;
  EVP_CIPHER_CTX* ctx_ = nullptr;
  EVP_CIPHER_CTX* rekeyed_ctx_ = nullptr;  // padding left on: see run_with_key
  int forward_;
};

}  // namespace fwprov::flashcrypt
