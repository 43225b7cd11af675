#pragma once
// A whole esp_secure_cert partition from its entries, as configure_esp_secure_cert.py
// --skip_flash builds it: DS TLVs first, then the entries in order, then the integrity TLV;
// with secure signing also the signed layout (docs/secure-cert.md).
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/pki/passphrase.hpp"
#include "fwprov/secure_cert/entries.hpp"
#include "fwprov/secure_cert/signature_tlv.hpp"

namespace fwprov::secure_cert {

struct SigningKeyFile {
  const EVP_PKEY* key = nullptr;
  std::string origin;
};

struct GenerateRequest {
  std::vector<EntrySpec> entries;
  std::filesystem::path csv_folder;  // second place relative `file` paths are looked up
  std::string target_chip = "esp32c3";
  pki::PassphraseSource key_passphrase;  // for encrypted private keys (--pwd)
  // RSA DS: the eFuse HMAC key when no entry names an efuse_key file; empty: a new random one.
  ByteView hmac_key;
  std::optional<SigningScheme> signing_scheme;  // set: --secure-sign
  std::vector<SigningKeyFile> signing_keys;
};

struct GenerateResult {
  Bytes partition;                        // esp_secure_cert.bin
  std::optional<Bytes> signed_partition;  // esp_secure_cert_signed.bin (--secure-sign)
  std::optional<SecretBytes> ecdsa_key;   // ecdsa_key.bin for the ECDSA peripheral
  std::optional<SecretBytes> new_hmac_key;  // RSA DS key generated here: burn it, keep it secret
};

GenerateResult generate_partition(const GenerateRequest& request);

}  // namespace fwprov::secure_cert
