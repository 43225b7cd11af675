#pragma once
// [security] of a recipe (docs/provision.md): flash encryption with a key made per device in
// memory, and a secure boot v2 public-key digest. The chip's choices (scheme, key block and
// purpose, counter, release-mode fields) come from the efuse chip table's SecurityFuses.
//
// Per device: make_flash_key() -> encrypt_regions() before the writes; stage_security() on
// the device's eFuses before the first write (every refusal happens while nothing is written),
// Efuses::burn() after the last write (a failed write leaves the key block free for a retry).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fwprov/core/digest.hpp"
#include "fwprov/core/secret.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/efuses.hpp"
#include "fwprov/partitions/table.hpp"
#include "fwprov/provision/recipe.hpp"

namespace fwprov::provision {

struct Region;

// What prepare_run() settles once per run.
struct SecurityPlan {
  const efuse::ChipTable* chip = nullptr;  // the device.chip's eFuse table
  bool flash_encryption = false;
  std::string key_block;            // block name/alias the key goes to
  std::size_t key_bytes = 32;       // key file size (ESP32 with 3/4 coding: 24, found per device)
  std::optional<Bytes> secure_boot_digest;  // SHA-256 of the public key block
  std::string secure_boot_key;      // the file it came from
  std::string digest_block;
};

// Checks the recipe's [security] against the chip table and loads the secure boot key (an EC
// key for a chip whose ROM verifies RSA-3072 only is refused, exit 5). Input errors name the
// recipe key.
SecurityPlan prepare_security(const Recipe& recipe);

// ESP-IDF's rule (flash-encryption.md §4.1): the bootloader, the partition table, app
// partitions, otadata, tee_ota and nvs_keys, and partitions flagged `encrypted` are encrypted;
// NVS data stays plain.
bool must_encrypt(const std::string& target, const partitions::PartitionTable& table);

// One device's flash encryption key, as its key file would hold it.
struct DeviceFlashKey {
  SecretBytes key;
  Sha256 sha256{};  // what the ledger keeps (never the key)
};
DeviceFlashKey make_flash_key(const SecurityPlan& plan, const efuse::Efuses& fuses);

// Encrypts every region with `encrypt` set, in place, at its own flash address (padded to 16
// bytes with 0xFF first); the precompressed copy is dropped and the SHA-256 recomputed.
void encrypt_regions(std::vector<Region>& regions, const SecurityPlan& plan, const DeviceFlashKey& key);

// Stages every eFuse [security] burns (Input error, nothing staged, when the chip refuses
// one: a key block in use, a counter already set, ...). `key` may be null (no encryption).
void stage_security(const SecurityPlan& plan, SecurityMode mode, efuse::Efuses& fuses, const DeviceFlashKey* key,
                    std::vector<std::string>& notes);

// The ledger's and report's record: key SHA-256, blocks, mode, digest (public).
nlohmann::json security_record(const SecurityPlan& plan, SecurityMode mode, const DeviceFlashKey* key,
                               const std::vector<std::string>& encrypted_targets);

}  // namespace fwprov::provision
