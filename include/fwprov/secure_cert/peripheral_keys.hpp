#pragma once
// Private keys that live in the chip instead of the partition: the RSA digital-signature (DS)
// peripheral's encrypted key block, and the ECDSA peripheral's raw eFuse key. Which chips have
// which peripheral and key sizes is one table (peripheral_keys.cpp).
#include <cstdint>
#include <string_view>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/pki/openssl_ptr.hpp"
#include "fwprov/secure_cert/tlv.hpp"

namespace fwprov::secure_cert {

// Throws a Usage error when `chip` is not one configure_esp_secure_cert.py supports.
void require_supported_chip(std::string_view chip);
// Throw Input errors naming what the chip supports.
void require_rsa_ds(std::string_view chip, unsigned key_bits);
void require_ecdsa_peripheral(std::string_view chip, unsigned key_bits);

inline constexpr std::size_t kHmacKeyBytes = 32;
inline constexpr std::size_t kDsIvBytes = 16;

// DS data TLV payload: i32 (bits/32 - 1), IV, then C = AES-256-CBC(HMAC-SHA256(hmac_key,
// 32 x 0xFF), IV) over Y || M || Rb || SHA-256(Y||M||Rb||M'||L||IV) || M' || L || 8 x 0x08,
// with Y, M, Rb little-endian and padded to the chip's largest DS key (ESP-IDF DS docs).
Bytes rsa_ds_data(const EVP_PKEY* rsa_key, ByteView hmac_key, ByteView iv, std::string_view chip);
// DS context TLV payload: u32 0, u8 eFuse key id, u8 0, u16 key bits.
Bytes rsa_ds_context(unsigned efuse_key_id, unsigned key_bits);
// Security config TLV payload: the eFuse block (key id + 4), then 39 zero bytes.
Bytes ecdsa_security_config(unsigned efuse_key_id);
// The private scalar, big-endian, padded to key_bits / 8 (ecdsa_key.bin for espefuse).
SecretBytes ecdsa_efuse_key(const EVP_PKEY* ec_key, unsigned key_bits, const std::string& origin);

}  // namespace fwprov::secure_cert
