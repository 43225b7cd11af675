#include "aes_ecb.hpp"

#include <openssl/crypto.h>

#include <algorithm>
#include <climits>
#include <string>

#include "fwprov/core/error.hpp"

namespace fwprov::flashcrypt {
namespace {

[[noreturn]] void aes_failed(const char* what) {
  throw Error(ErrorKind::Crypto, std::string("OpenSSL AES failed: ") + what);
}

const char* ecb_name(std::size_t key_bytes) {
  switch (key_bytes) {
    case 16: return "AES-128-ECB";
    case 24: return "AES-192-ECB";
    case 32: return "AES-256-ECB";
    default: throw Error(ErrorKind::Internal, "AES key of " + std::to_string(key_bytes) + " bytes");
  }
}

}  // namespace

AesEcb::AesEcb(ByteView key, bool forward) : forward_(forward ? 1 : 0) {
  cipher_ = EVP_CIPHER_fetch(nullptr, ecb_name(key.size()), nullptr);
  ctx_ = EVP_CIPHER_CTX_new();
  rekeyed_ctx_ = EVP_CIPHER_CTX_new();
  if (cipher_ == nullptr || ctx_ == nullptr || rekeyed_ctx_ == nullptr) {
    release();
    aes_failed("no AES-ECB implementation");
  }
  if (EVP_CipherInit_ex2(ctx_, cipher_, key.data(), nullptr, forward_, nullptr) != 1 || EVP_CIPHER_CTX_set_padding(ctx_, 0) != 1 ||
      EVP_CipherInit_ex2(rekeyed_ctx_, cipher_, key.data(), nullptr, forward_, nullptr) != 1) {
    release();
    aes_failed("key setup");
  }
}

AesEcb::~AesEcb() { release(); }

void AesEcb::release() noexcept {
  EVP_CIPHER_CTX_free(ctx_);  // also cleanses the key schedule
  EVP_CIPHER_CTX_free(rekeyed_ctx_);
  EVP_CIPHER_free(cipher_);
  ctx_ = nullptr;
  rekeyed_ctx_ = nullptr;
  cipher_ = nullptr;
}

// A context with padding switched off re-applies that setting (an OSSL_PARAM round trip)
// on every key change, a third of the cost of a key change. So this context keeps EVP's
// default padding, which never adds bytes without EVP_CipherFinal (never called here); in
// the inverse direction it holds the last block back for the padding check, so one spare
// block is fed after the data and simply dropped by the next key change.
void AesEcb::run_with_key(const std::uint8_t* key, std::uint8_t* data, std::size_t bytes) {
  if (bytes > kMaxRekeyedRun || bytes % 16 != 0) throw Error(ErrorKind::Internal, "run_with_key: bad length");
  std::uint8_t buffer[kMaxRekeyedRun + 16] = {};
  std::copy(data, data + bytes, buffer);
  const int fed = static_cast<int>(bytes + (forward_ != 0 ? 0 : 16));
  int written = 0;
  if (EVP_CipherInit_ex2(rekeyed_ctx_, nullptr, key, nullptr, forward_, nullptr) != 1 ||
      EVP_CipherUpdate(rekeyed_ctx_, buffer, &written, buffer, fed) != 1 || static_cast<std::size_t>(written) != bytes)
    aes_failed("key change");
  std::copy(buffer, buffer + bytes, data);
  OPENSSL_cleanse(buffer, sizeof buffer);
}

void AesEcb::run(const std::uint8_t* in, std::uint8_t* out, std::size_t bytes) {
  constexpr std::size_t kChunk = static_cast<std::size_t>(INT_MAX) & ~std::size_t{15};
  while (bytes > 0) {
    const std::size_t n = bytes < kChunk ? bytes : kChunk;
    int written = 0;
    if (EVP_CipherUpdate(ctx_, out, &written, in, static_cast<int>(n)) != 1 || static_cast<std::size_t>(written) != n)
      aes_failed("block operation");
    in += n;
    out += n;
    bytes -= n;
  }
}

}  // namespace fwprov::flashcrypt
