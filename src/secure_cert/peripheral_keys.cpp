// RSA DS and ECDSA peripheral key material (docs/secure-cert.md, "DS modes").
#include "fwprov/secure_cert/peripheral_keys.hpp"

#include <fmt/core.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <memory>
#include <vector>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/error.hpp"

namespace fwprov::secure_cert {
namespace {

struct ChipPeripherals {
  std::string_view chip;
  std::vector<unsigned> rsa_ds_bits;     // empty: no RSA DS peripheral
  std::vector<unsigned> ecdsa_key_bits;  // empty: no ECDSA peripheral
};

// configure_esp_secure_cert.py 2.6.1's supported targets and key sizes.
const std::array<ChipPeripherals, 10>& chip_table() {
  static const std::array<ChipPeripherals, 10> table = {{
      {"esp32", {}, {}},
      {"esp32s2", {1024, 2048, 3072, 4096}, {}},
      {"esp32s3", {1024, 2048, 3072, 4096}, {}},
      {"esp32c3", {1024, 2048, 3072}, {}},
      {"esp32c6", {1024, 2048, 3072}, {}},
      {"esp32h2", {1024, 2048, 3072}, {256}},
      {"esp32p4", {1024, 2048, 3072, 4096}, {256}},
      {"esp32c5", {1024, 2048, 3072, 4096}, {256, 384}},
      {"esp32c61", {}, {192, 256}},
      {"esp32s31", {1024, 2048, 3072, 4096}, {256, 384}},
  }};
  return table;
}

const ChipPeripherals& chip_entry(std::string_view chip) {
  for (const auto& entry : chip_table())
    if (entry.chip == chip) return entry;
  std::string names;
  for (const auto& entry : chip_table()) names += (names.empty() ? "" : ", ") + std::string(entry.chip);
  throw Error(ErrorKind::Usage, SourceLocation{{}, 0, 0, "--target_chip"}, fmt::format("target chip '{}' is not one of {}", chip, names));
}

std::string list(const std::vector<unsigned>& values) {
  std::string text;
  for (unsigned v : values) text += (text.empty() ? "" : ", ") + std::to_string(v);
  return text;
}

using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_clear_free)>;
using BnCtxPtr = std::unique_ptr<BN_CTX, decltype(&BN_CTX_free)>;

BnPtr key_number(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw Error(ErrorKind::Crypto, std::string("cannot read RSA key parameter ") + name);
  return BnPtr(bn, BN_clear_free);
}

void append_le(Bytes& out, const BIGNUM* n, std::size_t bytes) {
  const std::size_t at = out.size();
  out.resize(at + bytes);
  if (BN_bn2lebinpad(n, out.data() + at, static_cast<int>(bytes)) < 0) throw Error(ErrorKind::Internal, "DS parameter wider than the chip's DS key");
}

}  // namespace

void require_supported_chip(std::string_view chip) { chip_entry(chip); }

void require_rsa_ds(std::string_view chip, unsigned key_bits) {
  const auto& entry = chip_entry(chip);
  if (entry.rsa_ds_bits.empty()) throw Error(ErrorKind::Input, fmt::format("{} has no RSA DS peripheral", chip));
  if (std::find(entry.rsa_ds_bits.begin(), entry.rsa_ds_bits.end(), key_bits) == entry.rsa_ds_bits.end())
    throw Error(ErrorKind::Input, fmt::format("{}'s DS peripheral does not take RSA-{} keys (it takes {})", chip, key_bits, list(entry.rsa_ds_bits)));
}

void require_ecdsa_peripheral(std::string_view chip, unsigned key_bits) {
  const auto& entry = chip_entry(chip);
  if (entry.ecdsa_key_bits.empty()) throw Error(ErrorKind::Input, fmt::format("{} has no ECDSA peripheral", chip));
  if (std::find(entry.ecdsa_key_bits.begin(), entry.ecdsa_key_bits.end(), key_bits) == entry.ecdsa_key_bits.end())
    throw Error(ErrorKind::Input, fmt::format("{}'s ECDSA peripheral does not take {}-bit keys (it takes {})", chip, key_bits, list(entry.ecdsa_key_bits)));
}

Bytes rsa_ds_data(const EVP_PKEY* rsa_key, ByteView hmac_key, ByteView iv, std::string_view chip) {
  if (hmac_key.size() != kHmacKeyBytes) throw Error(ErrorKind::Crypto, fmt::format("the DS HMAC key has {} bytes, it must have 32", hmac_key.size()));
  if (iv.size() != kDsIvBytes) throw Error(ErrorKind::Internal, "DS IV must be 16 bytes");
  const unsigned bits = static_cast<unsigned>(EVP_PKEY_get_bits(rsa_key));
  require_rsa_ds(chip, bits);
  const auto& sizes = chip_entry(chip).rsa_ds_bits;
  const std::size_t width = *std::max_element(sizes.begin(), sizes.end()) / 8;

  BnCtxPtr ctx(BN_CTX_new(), BN_CTX_free);
  BnPtr d = key_number(rsa_key, OSSL_PKEY_PARAM_RSA_D);
  BnPtr n = key_number(rsa_key, OSSL_PKEY_PARAM_RSA_N);
  // Rb = 2^(2*bits) mod n, the Montgomery constant; M' = -n^-1 mod 2^32.
  BnPtr rb(BN_new(), BN_clear_free);
  BnPtr r2(BN_new(), BN_clear_free);
  if (!ctx || !rb || !r2 || BN_set_bit(r2.get(), static_cast<int>(2 * bits)) != 1 || BN_mod(rb.get(), r2.get(), n.get(), ctx.get()) != 1)
    throw Error(ErrorKind::Crypto, "cannot compute the DS Montgomery constant");
  Bytes modulus_le(static_cast<std::size_t>(BN_num_bytes(n.get())));
  BN_bn2lebinpad(n.get(), modulus_le.data(), static_cast<int>(modulus_le.size()));
  const std::uint32_t low = load_u32le(modulus_le.data());
  std::uint32_t inverse = low;  // Newton: each step doubles the correct low bits (n is odd)
  for (int i = 0; i < 5; ++i) inverse *= 2u - low * inverse;
  const std::uint32_t m_prime = 0u - inverse;
  const std::uint32_t length = bits / 32 - 1;

  Bytes numbers;
  append_le(numbers, d.get(), width);
  append_le(numbers, n.get(), width);
  append_le(numbers, rb.get(), width);
  Bytes digest_input = numbers;
  append_u32le(digest_input, m_prime);
  append_u32le(digest_input, length);
  append(digest_input, iv);
  const Sha256 md = sha256(digest_input);
  Bytes plain = numbers;
  plain.insert(plain.end(), md.begin(), md.end());
  append_u32le(plain, m_prime);
  append_u32le(plain, length);
  plain.insert(plain.end(), 8, 0x08);
  OPENSSL_cleanse(digest_input.data(), digest_input.size());
  OPENSSL_cleanse(numbers.data(), numbers.size());

  std::array<std::uint8_t, 32> aes_key{};
  const std::array<std::uint8_t, 32> ff = [] { std::array<std::uint8_t, 32> a{}; a.fill(0xFF); return a; }();
  unsigned int aes_key_length = 0;
  if (HMAC(EVP_sha256(), hmac_key.data(), static_cast<int>(hmac_key.size()), ff.data(), ff.size(), aes_key.data(), &aes_key_length) == nullptr)
    throw Error(ErrorKind::Crypto, "HMAC-SHA256 failed");
  Bytes cipher(plain.size());
  EVP_CIPHER_CTX* cctx = EVP_CIPHER_CTX_new();
  int written = 0;
  const bool ok = cctx != nullptr && EVP_EncryptInit_ex(cctx, EVP_aes_256_cbc(), nullptr, aes_key.data(), iv.data()) == 1 &&
                  EVP_CIPHER_CTX_set_padding(cctx, 0) == 1 &&
                  EVP_EncryptUpdate(cctx, cipher.data(), &written, plain.data(), static_cast<int>(plain.size())) == 1 &&
                  static_cast<std::size_t>(written) == plain.size();
  EVP_CIPHER_CTX_free(cctx);
  OPENSSL_cleanse(aes_key.data(), aes_key.size());
  OPENSSL_cleanse(plain.data(), plain.size());
  if (!ok) throw Error(ErrorKind::Crypto, "AES-256-CBC failed while encrypting the DS key block");

  Bytes out;
  append_u32le(out, length);  // i32 in the tool; never negative for real keys
  append(out, iv);
  append(out, cipher);
  return out;
}

Bytes rsa_ds_context(unsigned efuse_key_id, unsigned key_bits) {
  Bytes out;
  append_u32le(out, 0);
  out.push_back(static_cast<std::uint8_t>(efuse_key_id));
  out.push_back(0);
  append_u16le(out, static_cast<std::uint16_t>(key_bits));
  return out;
}

Bytes ecdsa_security_config(unsigned efuse_key_id) {
  Bytes out(40, 0);
  out[0] = static_cast<std::uint8_t>(efuse_key_id + 4);  // BLOCK_KEY0 is eFuse block 4
  return out;
}

SecretBytes ecdsa_efuse_key(const EVP_PKEY* ec_key, unsigned key_bits, const std::string& origin) {
  if (EVP_PKEY_get_base_id(ec_key) != EVP_PKEY_EC) throw Error(ErrorKind::Crypto, SourceLocation{origin}, "the ECDSA peripheral needs an EC private key");
  if (static_cast<unsigned>(EVP_PKEY_get_bits(ec_key)) != key_bits)
    throw Error(ErrorKind::Crypto, SourceLocation{origin}, fmt::format("key is {}-bit, --priv_key_algo says ECDSA {}", EVP_PKEY_get_bits(ec_key), key_bits));
  BIGNUM* priv = nullptr;
  if (EVP_PKEY_get_bn_param(ec_key, OSSL_PKEY_PARAM_PRIV_KEY, &priv) != 1) throw Error(ErrorKind::Crypto, SourceLocation{origin}, "cannot read the EC private scalar");
  BnPtr scalar(priv, BN_clear_free);
  Bytes out(key_bits / 8);
  if (BN_bn2binpad(scalar.get(), out.data(), static_cast<int>(out.size())) < 0) throw Error(ErrorKind::Crypto, SourceLocation{origin}, "EC scalar wider than the key size");
  return SecretBytes(std::move(out));
}

}  // namespace fwprov::secure_cert
