#pragma once
// Which secure boot v2 signature keys each chip's ROM verifies: the one table keygen, sign and
// efuse burn-key-digest consult before producing something the chip would never boot.
#include <optional>
#include <string>
#include <string_view>

#include "fwprov/sign/key.hpp"

namespace fwprov::sign {

struct Sbv2ChipSupport {
  const char* chip;     // esptool's chip name: "esp32", "esp32c3", ...
  bool rsa3072;         // RSA-3072-PSS blocks
  bool ecdsa_p192;      // ECDSA blocks per curve
  bool ecdsa_p256;
  bool ecdsa_p384;
  unsigned min_revision;  // major*100+minor of the first revision whose ROM has secure boot v2
  std::string accepted() const;  // "RSA-3072", "ECDSA P-192 or P-256", ...
};

// nullopt for a chip the table does not know (callers then only warn).
std::optional<Sbv2ChipSupport> sbv2_chip_support(std::string_view chip);

// Whether `chip`'s ROM verifies a secure boot v2 block made with a key like `info`.
bool sbv2_chip_accepts(const Sbv2ChipSupport& support, const KeyInfo& info);

// Throws a Crypto error naming `origin` when `chip` is known and its ROM cannot verify the key,
// e.g. an EC key for the ESP32 (RSA-3072 only). Returns false when the chip is unknown.
bool sbv2_require_chip_accepts(std::string_view chip, const KeyInfo& info, const std::string& origin);

}  // namespace fwprov::sign
