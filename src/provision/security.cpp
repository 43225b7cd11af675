// [security]: per-device flash encryption and the secure boot v2 digest (security.hpp).
#include "fwprov/provision/security.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "fwprov/core/encoding.hpp"
#include "fwprov/efuse/operations.hpp"
#include "fwprov/flashcrypt/flash_crypt.hpp"
#include "fwprov/flashcrypt/flash_key.hpp"
#include "fwprov/image/patch.hpp"
#include "fwprov/partitions/format.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/provision/plan.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/secure_boot_chips.hpp"

namespace fwprov::provision {
namespace {

SourceLocation security_key(const Recipe& recipe, const std::string& key) { return SourceLocation(recipe.file.string(), 0, 0, key); }

// The counter value a mode burns: one bit (development: the bootloader may turn it off again
// by burning a second bit) or every bit (release: it can never become even again).
std::string counter_value(const efuse::ChipTable& chip, SecurityMode mode) {
  const efuse::FieldDef& counter = chip.field(chip.security.crypt_counter);
  const std::uint64_t all = (std::uint64_t(1) << counter.bits) - 1;
  return fmt::format("0x{:X}", mode == SecurityMode::Release ? all : 1);
}

std::string_view mode_name(SecurityMode mode) { return mode == SecurityMode::Release ? "release" : "development"; }

}  // namespace

SecurityPlan prepare_security(const Recipe& recipe) {
  SecurityPlan plan;
  const SecuritySection& s = recipe.security;
  if (!s.present) return plan;
  plan.chip = &efuse::chip_table(recipe.device.chip);
  const efuse::SecurityFuses& fuses = plan.chip->security;
  plan.flash_encryption = s.flash_encryption == FlashEncryption::PerDevice;
  if (plan.flash_encryption) {
    plan.key_block = s.key_block.empty() ? fuses.key_block : s.key_block;
    const efuse::BlockDef* block = plan.chip->find_block(plan.key_block);
    if (!block) throw Error(ErrorKind::Input, security_key(recipe, "security.key_block"), fmt::format("{} has no eFuse block '{}'", plan.chip->display_name, plan.key_block));
    if (plan.chip->coding == efuse::CodingFamily::ReedSolomon && block->key_purpose_field.empty())
      throw Error(ErrorKind::Input, security_key(recipe, "security.key_block"), fmt::format("{} is not a key block (BLOCK_KEY0..5)", plan.key_block));
  }
  if (s.secure_boot_key) {
    const std::filesystem::path path = recipe.dir / *s.secure_boot_key;
    const pki::PkeyPtr key = [&] {
      try {
        return pki::load_public_key_file(path);
      } catch (const Error& error) {
        throw Error(error.kind(), s.secure_boot_where, error.what());
      }
    }();
    const sign::KeyInfo info = sign::key_info(key.get());
    sign::espsecure::sbv2_require_key(info, path.string());
    sign::sbv2_require_chip_accepts(recipe.device.chip, info, path.string());
    plan.secure_boot_digest = sign::espsecure::sbv2_public_key_digest(key.get());
    plan.secure_boot_key = path.string();
    plan.digest_block = s.digest_block.empty() ? fuses.digest_block : s.digest_block;
    if (!plan.chip->find_block(plan.digest_block))
      throw Error(ErrorKind::Input, security_key(recipe, "security.secure_boot_digest_block"),
                  fmt::format("{} has no eFuse block '{}'", plan.chip->display_name, plan.digest_block));
    if (plan.flash_encryption && plan.chip->find_block(plan.digest_block) == plan.chip->find_block(plan.key_block))
      throw Error(ErrorKind::Input, security_key(recipe, "security.secure_boot_digest_block"),
                  fmt::format("{} would hold both the flash encryption key and the secure boot digest", plan.digest_block));
  }
  return plan;
}

bool must_encrypt(const std::string& target, const partitions::PartitionTable& table) {
  if (target == "bootloader" || target == "partition-table") return true;
  const partitions::Partition* p = table.find(target);
  if (!p) return false;
  if (p->encrypted || p->type == partitions::kTypeApp) return true;
  if (p->type != partitions::kTypeData) return false;
  return p->subtype == partitions::kDataOta || p->subtype == partitions::kDataTeeOta || p->subtype == partitions::kDataNvsKeys;
}

DeviceFlashKey make_flash_key(const SecurityPlan& plan, const efuse::Efuses& fuses) {
  DeviceFlashKey made;
  // The ESP32 under 3/4 coding holds 192 key bits (flash-encryption.md §1: a 24-byte file).
  const std::size_t bytes = !plan.chip->security.xts && fuses.coding_34() ? 24 : plan.key_bytes;
  made.key = flashcrypt::generate_flash_key_file(bytes);
  made.sha256 = sha256(made.key.view());
  return made;
}

void encrypt_regions(std::vector<Region>& regions, const SecurityPlan& plan, const DeviceFlashKey& key) {
  const auto scheme = plan.chip->security.xts ? flashcrypt::Scheme::Xts : flashcrypt::Scheme::Esp32;
  const flashcrypt::FlashKey flash_key = flashcrypt::FlashKey::from_file_bytes(key.key.view(), scheme, "the device's flash encryption key");
  for (Region& region : regions) {
    if (!region.encrypt) continue;
    Bytes padded = image::pad_to(region.bytes, flashcrypt::kFlashCryptBlock);
    if (padded.size() > region.capacity)
      throw Error(ErrorKind::Input, fmt::format("{} padded to 16 bytes for encryption no longer fits {}", region.source, region.target));
    flashcrypt::FlashCryptRequest request;
    request.address = region.offset;
    request.input_name = region.target;
    region.bytes = flashcrypt::transform_flash(std::move(padded), flash_key, request).data;
    region.sha256 = sha256(region.bytes);
    region.compressed = {};
  }
}

namespace {

void stage_flash_encryption(const SecurityPlan& plan, SecurityMode mode, efuse::Efuses& fuses, const DeviceFlashKey& key,
                            std::vector<std::string>& notes) {
  const efuse::SecurityFuses& chip = plan.chip->security;
  if (fuses.value(chip.crypt_counter) != 0)
    throw Error(ErrorKind::Input, fmt::format("{} is already burned ({}): flash encryption was enabled on this chip before", chip.crypt_counter,
                                              fuses.value(chip.crypt_counter)));
  efuse::KeyRequest request{plan.key_block, key.key.bytes(), chip.key_purpose, "the device's flash encryption key"};
  efuse::stage_burn_key(fuses, {std::move(request)}, efuse::KeyProtection{true, true}, notes);
  std::vector<std::pair<std::string, std::string>> fields;
  for (const auto& [name, value] : chip.config) fields.emplace_back(name, fmt::format("0x{:X}", value));
  fields.emplace_back(chip.crypt_counter, counter_value(*plan.chip, mode));
  if (mode == SecurityMode::Release)
    for (const auto& name : chip.release_fields) fields.emplace_back(name, "1");
  efuse::stage_burn_efuse(fuses, fields, notes);
}

}  // namespace

void stage_security(const SecurityPlan& plan, SecurityMode mode, efuse::Efuses& fuses, const DeviceFlashKey* key,
                    std::vector<std::string>& notes) {
  // Flash encryption first: "already enabled on this chip" says more than a busy digest block.
  if (plan.flash_encryption) stage_flash_encryption(plan, mode, fuses, *key, notes);
  if (plan.secure_boot_digest) {
    efuse::KeyRequest digest{plan.digest_block, *plan.secure_boot_digest, plan.chip->security.digest_purpose, plan.secure_boot_key};
    efuse::stage_burn_key_digest(fuses, {digest}, efuse::KeyProtection{true, false}, notes);
  }
}

nlohmann::json security_record(const SecurityPlan& plan, SecurityMode mode, const DeviceFlashKey* key,
                               const std::vector<std::string>& encrypted_targets) {
  nlohmann::json record = nlohmann::json::object();
  if (plan.flash_encryption && key) {
    const bool xts = plan.chip->security.xts;
    record["flash_encryption"] = {{"scheme", xts ? (key->key.size() == 64 ? "XTS-AES-256" : "XTS-AES-128") : "ESP32 AES-256"},
                                  {"key_block", plan.key_block},
                                  {"key_purpose", plan.chip->security.key_purpose},
                                  {"key_sha256", to_hex(key->sha256)},
                                  {"mode", mode_name(mode)},
                                  {"encrypted", encrypted_targets}};
  }
  if (plan.secure_boot_digest)
    record["secure_boot"] = {{"digest_block", plan.digest_block},
                             {"digest_purpose", plan.chip->security.digest_purpose},
                             {"digest", to_hex(*plan.secure_boot_digest)},
                             {"key", plan.secure_boot_key}};
  return record;
}

}  // namespace fwprov::provision
