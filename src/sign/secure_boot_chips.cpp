// Secure boot v2 key types per chip ROM (ESP-IDF's secure boot v2 documentation, "Secure Boot
// v2 Supported Signing Schemes"; shared/docs/efuse.md: the ESP32, ESP32-S3 and ESP32-C3 ROMs
// verify RSA-3072 only). Chips not listed are unknown, not "anything goes".
#include "fwprov/sign/secure_boot_chips.hpp"

#include <array>
#include <vector>

#include "fwprov/core/error.hpp"

namespace fwprov::sign {
namespace {

// The ESP32 has secure boot v2 from revision v3.0 (ECO3) on; earlier ROMs know only v1
// (ESP-IDF's secure boot v2 documentation: "available for ESP32 v3.0 onwards").
constexpr std::array<Sbv2ChipSupport, 7> kSbv2Chips = {{
    // chip       RSA    P-192  P-256  P-384  from revision
    {"esp32", true, false, false, false, 300},
    {"esp32s2", true, false, false, false, 0},
    {"esp32s3", true, false, false, false, 0},
    {"esp32c3", true, false, false, false, 0},
    {"esp32c2", false, true, true, false, 0},
    {"esp32c6", true, true, true, false, 0},
    {"esp32h2", true, true, true, false, 0},
}};

}  // namespace

std::string Sbv2ChipSupport::accepted() const {
  std::vector<std::string> parts;
  if (rsa3072) parts.push_back("RSA-3072");
  std::string curves;
  for (auto [on, name] : {std::pair{ecdsa_p192, "P-192"}, {ecdsa_p256, "P-256"}, {ecdsa_p384, "P-384"}})
    if (on) curves += (curves.empty() ? "ECDSA " : " or ") + std::string(name);
  if (!curves.empty()) parts.push_back(curves);
  std::string text;
  for (const auto& part : parts) text += (text.empty() ? "" : " or ") + part;
  return text;
}

std::optional<Sbv2ChipSupport> sbv2_chip_support(std::string_view chip) {
  std::string name;
  for (char c : chip)
    if (c != '-' && c != '_') name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& entry : kSbv2Chips)
    if (name == entry.chip) return entry;
  return std::nullopt;
}

bool sbv2_chip_accepts(const Sbv2ChipSupport& support, const KeyInfo& info) {
  if (info.is_rsa()) return support.rsa3072 && info.bits == 3072;
  if (info.curve == "P-192") return support.ecdsa_p192;
  if (info.curve == "P-256") return support.ecdsa_p256;
  if (info.curve == "P-384") return support.ecdsa_p384;
  return false;
}

bool sbv2_require_chip_accepts(std::string_view chip, const KeyInfo& info, const std::string& origin) {
  const auto support = sbv2_chip_support(chip);
  if (!support) return false;
  if (!sbv2_chip_accepts(*support, info))
    throw Error(ErrorKind::Crypto, SourceLocation{origin},
                info.describe() + " key: the " + support->chip + " ROM verifies secure boot v2 signatures with " + support->accepted() +
                    " only; it would never boot an image signed with this key");
  return true;
}

}  // namespace fwprov::sign
