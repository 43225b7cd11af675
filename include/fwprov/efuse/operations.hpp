#pragma once
// espefuse's burn commands as staging steps on an Efuses: each checks its request against the
// chip's table and current fuses, refuses (Input error, nothing staged) what cannot or should
// not be burned, and stages the bits. Efuses::burn() then burns them. Notes are
// espefuse-style progress lines (never key bytes).
#include <string>
#include <utility>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/efuse/efuses.hpp"

namespace fwprov::efuse {

struct KeyRequest {
  std::string block;    // block name or alias
  Bytes key;            // raw key (or digest) bytes as in the file
  std::string purpose;  // key purpose name; empty on ESP32
  std::string origin;   // file name, for messages
};

struct KeyProtection {
  bool write_protect = true;  // --no-write-protect / ESP32 --no-protect-key clear it
  bool read_protect = true;   // --no-read-protect / ESP32 --no-protect-key clear it
};

using Notes = std::vector<std::string>;

void stage_burn_key(Efuses& efuses, std::vector<KeyRequest> keys, KeyProtection protection, Notes& notes);

// The SHA-256 digest of a secure boot v2 public key into a key block (ESP32: BLOCK2, no
// purpose). `algorithm_note` receives a warning when the chip's ROM cannot verify that key type.
void stage_burn_key_digest(Efuses& efuses, std::vector<KeyRequest> digests, KeyProtection protection, Notes& notes);

void stage_burn_efuse(Efuses& efuses, const std::vector<std::pair<std::string, std::string>>& assignments, Notes& notes);
void stage_burn_custom_mac(Efuses& efuses, const std::string& mac, Notes& notes);
void stage_write_protect(Efuses& efuses, const std::vector<std::string>& names, Notes& notes);
void stage_read_protect(Efuses& efuses, const std::vector<std::string>& names, Notes& notes);
void stage_burn_block_data(Efuses& efuses, const std::vector<std::pair<std::string, Bytes>>& blocks, std::size_t offset,
                           Notes& notes);

// The secure boot v2 public-key digest of a PEM public key (or key pair) file. Crypto error for
// RSA keys other than 3072 bits; a warning in `notes` for an EC key on a chip whose ROM only
// verifies RSA-3072 (espefuse accepts it; the chip would never boot the image).
Bytes secure_boot_key_digest(const std::string& pem_path, const ChipTable& chip, Notes& warnings);

// CRC-8 of a MAC as the ESP32 ROM checks it (reflected, polynomial 0x8C, init 0).
std::uint8_t mac_crc8(ByteView mac);

}  // namespace fwprov::efuse
