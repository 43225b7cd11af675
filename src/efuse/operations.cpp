// espefuse's burn commands as staging steps (see operations.hpp). Messages name the eFuse,
// block or file and say what is wrong; every refusal happens before anything is staged for
// the command's later items too, because the CLI burns only after all staging succeeded.
#include "fwprov/efuse/operations.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "bits.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/pki/load.hpp"
#include "fwprov/sign/espsecure.hpp"
#include "fwprov/sign/key.hpp"
#include "fwprov/sign/secure_boot_chips.hpp"

namespace fwprov::efuse {

namespace {

// Refusals name the eFuse, block or purpose in the message itself; `what` is that name.
[[noreturn]] void refuse(const std::string& /*what*/, const std::string& message) {
  throw Error(ErrorKind::Input, message);
}

// A refusal about an input file: "FILE: message".
[[noreturn]] void refuse_file(const std::string& file, const std::string& message) {
  throw Error(ErrorKind::Input, SourceLocation(file), message);
}

std::uint64_t bit(int n) { return std::uint64_t{1} << n; }

// What espefuse prints for key bytes it does not show: "?? ?? ...".
std::string hidden_bytes(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += i ? " ??" : "??";
  return out;
}

const BlockDef& key_block(const Efuses& efuses, const std::string& name) {
  const BlockDef* block = efuses.chip().find_block(name);
  if (block == nullptr || block->index == 0) {
    std::string known;
    for (const auto& b : efuses.chip().blocks) {
      if (b.index == 0) continue;
      if (efuses.chip().coding == CodingFamily::ReedSolomon && b.key_purpose_field.empty()) continue;
      known += (known.empty() ? "" : ", ") + b.name;
      for (const auto& alias : b.aliases) known += "/" + alias;
    }
    refuse(name, "unknown key block '" + name + "' for " + efuses.chip().display_name + " (key blocks: " + known + ")");
  }
  return *block;
}

// A key block takes a key only once: refuse one that holds data, is protected or has a purpose.
void require_unused_key_block(const Efuses& efuses, const BlockDef& block) {
  if (!efuses.block_readable(block)) refuse(block.name, block.name + " is already in use (read-protected): refusing to burn a key into it");
  if (!efuses.block_writeable(block)) refuse(block.name, block.name + " is already in use (write-protected): refusing to burn a key into it");
  if (!efuses.block_empty(block)) refuse(block.name, block.name + " is already in use (it holds data): refusing to burn a key into it");
  if (!block.key_purpose_field.empty()) {
    const FieldDef& purpose = efuses.chip().field(block.key_purpose_field);
    const std::uint64_t current = efuses.value(purpose);
    if (current != 0) {
      const KeyPurposeDef* named = efuses.chip().find_purpose(static_cast<int>(current));
      refuse(block.name, block.name + " is already in use (" + purpose.name + " = " +
                             (named ? named->name : std::to_string(current)) + "): refusing to burn a key into it");
    }
  }
}

void stage_write_disable(Efuses& efuses, int wr_bit) {
  efuses.stage(efuses.chip().field("WR_DIS"), bit(wr_bit));
}

void stage_read_disable(Efuses& efuses, std::uint64_t mask) { efuses.stage(efuses.chip().field("RD_DIS"), mask); }

// S3's XTS_AES_256_KEY: one 64-byte key becomes two blocks with purposes _1 and _2.
std::vector<KeyRequest> split_virtual_purposes(const Efuses& efuses, std::vector<KeyRequest> keys) {
  std::vector<KeyRequest> out;
  for (auto& request : keys) {
    const KeyPurposeDef* purpose = efuses.chip().find_purpose(request.purpose);
    if (purpose == nullptr || purpose->value >= 0) {
      out.push_back(std::move(request));
      continue;
    }
    if (request.key.size() != 64) {
      refuse_file(request.origin, fmt::format("{} takes a 64-byte key file, this one has {} bytes", request.purpose,
                                              request.key.size()));
    }
    const BlockDef& first = key_block(efuses, request.block);
    const BlockDef* second = nullptr;
    for (const auto& b : efuses.chip().blocks) {
      if (b.index == first.index + 1 && !b.key_purpose_field.empty()) second = &b;
    }
    if (first.key_purpose_field.empty() || second == nullptr) {
      refuse(request.block, request.purpose + " needs two consecutive key blocks; " + first.name + " is not followed by one");
    }
    out.push_back({first.name, Bytes(request.key.begin(), request.key.begin() + 32), request.purpose + "_1", request.origin});
    out.push_back({second->name, Bytes(request.key.begin() + 32, request.key.end()), request.purpose + "_2", request.origin});
  }
  return out;
}

void require_distinct_blocks(const Efuses& efuses, const std::vector<KeyRequest>& keys) {
  std::set<int> seen;
  for (const auto& request : keys) {
    const BlockDef& block = key_block(efuses, request.block);
    if (!seen.insert(block.index).second) refuse(request.block, block.name + " is named twice in one command");
  }
}

void stage_esp32_key(Efuses& efuses, const KeyRequest& request, KeyProtection protection, bool digest, Notes& notes) {
  const BlockDef& block = key_block(efuses, request.block);
  require_unused_key_block(efuses, block);
  const auto size = static_cast<std::size_t>(efuses.data_bytes(block));
  if (request.key.size() != size) {
    refuse_file(request.origin, fmt::format("incorrect {} size {}: {} needs {} bytes ({} bits) of raw binary data",
                                            digest ? "digest" : "key file", request.key.size(), block.name, size, size * 8));
  }
  Bytes data = request.key;
  notes.push_back(" - " + block.name + " -> [" + hidden_bytes(data.size()) + "]");
  // Only the two key aliases store the key reversed (what the flash-encryption and
  // secure-boot-v1 hardware read); a block named by its number takes the bytes as they are.
  const bool key_alias = !digest && (request.block == "flash_encryption" || request.block == "secure_boot_v1");
  if (key_alias) {
    std::reverse(data.begin(), data.end());
    notes.push_back("\tReversing the byte order...");
  }
  efuses.stage_block(block, data);
  if (key_alias && protection.read_protect) {
    notes.push_back("\tDisabling read to key block...");
    stage_read_disable(efuses, bit(block.read_disable_bit));
  }
  if (protection.write_protect) {
    notes.push_back("\tDisabling write to key block...");
    stage_write_disable(efuses, block.write_disable_bit);
  }
}

void stage_purpose_key(Efuses& efuses, const KeyRequest& request, KeyProtection protection, bool digest, Notes& notes) {
  const ChipTable& chip = efuses.chip();
  const BlockDef& block = key_block(efuses, request.block);
  if (block.key_purpose_field.empty()) refuse(request.block, block.name + " is not a key block (it has no key purpose)");
  const KeyPurposeDef* purpose = chip.find_purpose(request.purpose);
  if (purpose == nullptr || purpose->value < 0) {
    std::string known;
    for (const auto& p : chip.key_purposes) known += (known.empty() ? "" : ", ") + p.name;
    refuse(request.purpose, "unknown key purpose '" + request.purpose + "' for " + chip.display_name + " (known: " + known + ")");
  }
  if (digest != purpose->digest) {
    refuse(request.purpose, digest ? "burn-key-digest needs a SECURE_BOOT_DIGESTn purpose, not " + purpose->name
                                   : purpose->name + " is a digest purpose: use burn-key-digest with the public key");
  }
  if (purpose->name.rfind("XTS_AES", 0) == 0 && block.key_purpose_field == "KEY_PURPOSE_5") {
    refuse(request.purpose, block.name + " cannot hold an XTS-AES key (hardware erratum of KEY_PURPOSE_5)");
  }
  require_unused_key_block(efuses, block);
  if (request.key.size() != 32) {
    refuse_file(request.origin, fmt::format("incorrect {} size {}: {} needs 32 bytes (256 bits) of raw binary data",
                                            digest ? "digest" : "key file", request.key.size(), block.name));
  }
  const FieldDef& purpose_field = chip.field(block.key_purpose_field);
  if (!efuses.writeable(purpose_field)) {
    refuse(block.key_purpose_field, block.key_purpose_field + " is write-protected: the purpose cannot be set");
  }
  Bytes data = request.key;
  notes.push_back(" - " + block.name + " -> [" + hidden_bytes(data.size()) + "]");
  if (purpose->reverse) {
    std::reverse(data.begin(), data.end());
    notes.push_back("\tReversing byte order for AES-XTS hardware peripheral...");
  }
  efuses.stage_block(block, data);
  if (purpose->value != 0) {
    notes.push_back("\t'" + purpose_field.name + "': 'USER' -> '" + purpose->name + "'.");
    efuses.stage(purpose_field, static_cast<std::uint64_t>(purpose->value));
  }
  // The purpose is always locked: a key whose purpose could still change is not protected.
  notes.push_back("\tDisabling write to '" + purpose_field.name + "'...");
  stage_write_disable(efuses, purpose_field.write_disable_bit);
  if (!digest && purpose->needs_read_protect && protection.read_protect) {
    notes.push_back("\tDisabling read to key block...");
    stage_read_disable(efuses, bit(block.read_disable_bit));
  }
  if (protection.write_protect) {
    notes.push_back("\tDisabling write to key block...");
    stage_write_disable(efuses, block.write_disable_bit);
  }
}

void stage_keys(Efuses& efuses, std::vector<KeyRequest> keys, KeyProtection protection, bool digest, Notes& notes) {
  if (keys.empty()) throw Error(ErrorKind::Usage, "no key given");
  keys = split_virtual_purposes(efuses, std::move(keys));
  require_distinct_blocks(efuses, keys);
  for (const auto& request : keys) {
    if (efuses.chip().coding == CodingFamily::Esp32) {
      stage_esp32_key(efuses, request, protection, digest, notes);
    } else {
      stage_purpose_key(efuses, request, protection, digest, notes);
    }
  }
}

std::uint64_t parse_number(const std::string& name, const std::string& text) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used, 0);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text.starts_with('-')) refuse(name, name + ": '" + text + "' is not a number");
  return value;
}

Bytes parse_hex_bytes(const std::string& name, const std::string& text) {
  std::string hex = text;
  const bool prefixed = hex.starts_with("0x") || hex.starts_with("0X");
  if (prefixed) hex = hex.substr(2);
  if (hex.empty() || hex.size() % 2 != 0 || !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); })) {
    refuse(name, name + ": '" + text + "' is not an even number of hex digits");
  }
  Bytes out;
  for (std::size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<std::uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  // "0x..." is a number: its last byte is the block's first (espefuse's rule).
  if (prefixed) std::reverse(out.begin(), out.end());
  return out;
}

const FieldDef& known_field(const Efuses& efuses, const std::string& name) {
  const FieldDef* field = efuses.chip().find_field(name);
  if (field == nullptr) {
    refuse(name, "unknown eFuse '" + name + "' for " + efuses.chip().display_name + " (`fwprov efuse summary` lists them)");
  }
  return *field;
}

Bytes parse_mac(const std::string& text) {
  Bytes mac;
  std::size_t i = 0;
  while (i < text.size()) {
    if (i + 2 > text.size() || !std::isxdigit(static_cast<unsigned char>(text[i])) ||
        !std::isxdigit(static_cast<unsigned char>(text[i + 1]))) {
      break;
    }
    mac.push_back(static_cast<std::uint8_t>(std::stoul(text.substr(i, 2), nullptr, 16)));
    i += 2;
    if (i == text.size()) break;
    if (text[i] != ':') {
      mac.clear();
      break;
    }
    ++i;
  }
  if (mac.size() != 6 || i != text.size()) refuse("MAC", "'" + text + "' is not a MAC address (six hex bytes separated by ':')");
  if ((mac[0] & 1U) != 0) refuse("MAC", "'" + text + "' is a multicast address (the first byte's lowest bit is set)");
  if (std::all_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b == 0; }) ||
      std::all_of(mac.begin(), mac.end(), [](std::uint8_t b) { return b == 0xFF; })) {
    refuse("MAC", "'" + text + "' is not a usable MAC address");
  }
  return mac;
}

}  // namespace

std::uint8_t mac_crc8(ByteView mac) {
  unsigned crc = 0;
  for (std::uint8_t byte : mac) {
    crc ^= byte;
    for (int i = 0; i < 8; ++i) crc = (crc & 1U) ? (crc >> 1) ^ 0x8CU : crc >> 1;
  }
  return static_cast<std::uint8_t>(crc);
}

Bytes secure_boot_key_digest(const std::string& pem_path, const ChipTable& chip, Notes& warnings) {
  const pki::PkeyPtr key = pki::load_public_key_file(pem_path);
  const sign::KeyInfo info = sign::key_info(key.get());
  sign::espsecure::sbv2_require_key(info, pem_path);
  // The one table of what each ROM verifies (sign/secure_boot_chips.hpp). A warning, not a
  // refusal: espefuse burns it, and the golden EC chains must stay identical.
  const auto support = sign::sbv2_chip_support(chip.name);
  if (support && !sign::sbv2_chip_accepts(*support, info)) {
    warnings.push_back(pem_path + ": " + info.describe() + " key, but the " + chip.display_name +
                       " ROM verifies secure boot v2 signatures with " + support->accepted() +
                       " only: a chip with this digest will not boot images signed with this key");
  }
  return sign::espsecure::sbv2_public_key_digest(key.get());
}

void stage_burn_key(Efuses& efuses, std::vector<KeyRequest> keys, KeyProtection protection, Notes& notes) {
  notes.push_back("Burn keys to blocks:");
  stage_keys(efuses, std::move(keys), protection, false, notes);
}

void stage_burn_key_digest(Efuses& efuses, std::vector<KeyRequest> digests, KeyProtection protection, Notes& notes) {
  if (efuses.chip().coding == CodingFamily::Esp32) {
    if (efuses.coding_34()) refuse("CODING_SCHEME", "burn-key-digest needs the 'None' coding scheme (this chip uses 3/4)");
    for (auto& request : digests) request.block = "BLOCK2";
  }
  protection.read_protect = false;  // a digest must stay readable for the ROM's check
  notes.push_back("Burn keys to blocks:");
  stage_keys(efuses, std::move(digests), protection, true, notes);
}

void stage_burn_efuse(Efuses& efuses, const std::vector<std::pair<std::string, std::string>>& assignments, Notes& notes) {
  if (assignments.empty()) throw Error(ErrorKind::Usage, "burn-efuse needs NAME VALUE pairs");
  std::set<std::string> seen;
  for (const auto& [name, text] : assignments) {
    const FieldDef& field = known_field(efuses, name);
    if (!seen.insert(field.name).second) refuse(name, field.name + " is named twice");
    if (field.calculated()) refuse(name, field.name + " is calculated from other eFuses and cannot be burned");
    if (!efuses.writeable(field)) refuse(name, field.name + " is write-protected: it cannot be changed");
    if (field.is_bytes()) {
      const Bytes data = parse_hex_bytes(field.name, text);
      if (data.size() * 8 != static_cast<std::size_t>(field.bits)) {
        refuse(name, fmt::format("{} is {} bits, the value has {} bits", field.name, field.bits, data.size() * 8));
      }
      const Bytes current = efuses.bytes(field);
      bool same = true;
      bool clears = false;
      for (std::size_t i = 0; i < data.size(); ++i) {
        same &= (current[i] & data[i]) == data[i];
        clears |= (current[i] & ~data[i]) != 0;
      }
      if (same) refuse(name, field.name + " already holds this value: nothing to burn");
      if (clears) refuse(name, field.name + ": the value would clear bits that are already burned (eFuse bits only go 0 -> 1)");
      efuses.stage_bytes(field, data);
      notes.push_back("\t'" + field.name + "' -> " + text);
      continue;
    }
    std::uint64_t value = 0;
    const KeyPurposeDef* purpose = field.kind == FieldKind::KeyPurpose ? efuses.chip().find_purpose(text) : nullptr;
    if (purpose != nullptr && purpose->value >= 0) {
      value = static_cast<std::uint64_t>(purpose->value);
    } else {
      value = parse_number(field.name, text);
    }
    if (field.is_bool() && value != 1) {
      refuse(name, field.name + " is one bit: the only value to burn is 1 (given " + text + ")");
    }
    if (field.bits < 64 && value >= bit(field.bits)) {
      refuse(name, fmt::format("{}: {} does not fit in {} bits", field.name, text, field.bits));
    }
    if (value == 0) refuse(name, field.name + ": 0 burns nothing");
    const std::uint64_t current = efuses.value(field);
    if ((current & value) == value) refuse(name, field.name + " already holds " + text + ": nothing to burn");
    if ((current & ~value) != 0 && field.name != "WR_DIS" && field.name != "RD_DIS") {
      refuse(name, fmt::format("{}: {} would clear bits that are already burned (current 0x{:x}; eFuse bits only go 0 -> 1)",
                               field.name, text, current));
    }
    efuses.stage(field, value);
    notes.push_back("\t'" + field.name + "' -> " + text);
  }
}

void stage_burn_custom_mac(Efuses& efuses, const std::string& text, Notes& notes) {
  const Bytes mac = parse_mac(text);
  const FieldDef& field = efuses.chip().field("CUSTOM_MAC");
  if (!efuses.writeable(field)) refuse("CUSTOM_MAC", "CUSTOM_MAC is write-protected: it cannot be set");
  const Bytes current = efuses.bytes(field);
  if (current == mac) refuse("CUSTOM_MAC", "CUSTOM_MAC already holds " + text + ": nothing to burn");
  if (std::any_of(current.begin(), current.end(), [](std::uint8_t b) { return b != 0; })) {
    refuse("CUSTOM_MAC", "CUSTOM_MAC is already set to another address: it cannot be changed");
  }
  efuses.stage_bytes(field, mac);
  // ESP32 keeps a CRC and a version beside the MAC; the newer chips have neither.
  if (const FieldDef* crc = efuses.chip().find_field("CUSTOM_MAC_CRC")) efuses.stage(*crc, mac_crc8(mac));
  if (const FieldDef* version = efuses.chip().find_field("MAC_VERSION")) efuses.stage(*version, 1);
  notes.push_back("\t'CUSTOM_MAC' -> " + text);
}

void stage_write_protect(Efuses& efuses, const std::vector<std::string>& names, Notes& notes) {
  if (names.empty()) throw Error(ErrorKind::Usage, "write-protect-efuse needs eFuse names");
  std::uint64_t staged = 0;
  for (const auto& name : names) {
    int wr_bit = -1;
    std::string shown = name;
    if (const FieldDef* field = efuses.chip().find_field(name)) {
      wr_bit = field->write_disable_bit;
      shown = field->name;
    } else if (const BlockDef* block = efuses.chip().find_block(name)) {
      wr_bit = block->write_disable_bit;
      shown = block->name;
    } else {
      known_field(efuses, name);  // throws the unknown-name error
    }
    if (wr_bit < 0) refuse(name, shown + " has no write-protection bit");
    if (((efuses.value("WR_DIS") | staged) >> wr_bit) & 1U) refuse(name, shown + " is already write-protected (WR_DIS bit " + std::to_string(wr_bit) + ")");
    if (!efuses.writeable(efuses.chip().field("WR_DIS"))) refuse(name, "WR_DIS is itself write-protected: no more protection bits can be set");
    staged |= bit(wr_bit);
    notes.push_back("Permanently write-disabling eFuse " + shown + " (WR_DIS bit " + std::to_string(wr_bit) + ")");
  }
  efuses.stage(efuses.chip().field("WR_DIS"), staged);
}

void stage_read_protect(Efuses& efuses, const std::vector<std::string>& names, Notes& notes) {
  if (names.empty()) throw Error(ErrorKind::Usage, "read-protect-efuse needs eFuse names");
  const ChipTable& chip = efuses.chip();
  std::uint64_t staged = 0;
  for (const auto& name : names) {
    std::uint64_t mask = 0;
    std::string shown = name;
    const BlockDef* block = chip.find_block(name);
    const FieldDef* field = block ? nullptr : chip.find_field(name);
    if (block != nullptr) {
      shown = block->name;
      if (block->read_disable_bit >= 0) mask = bit(block->read_disable_bit);
    } else if (field != nullptr) {
      shown = field->name;
      mask = field->read_disable_mask;
      block = &chip.blocks.at(static_cast<std::size_t>(field->block));
      if (mask == 0 && block->read_disable_bit >= 0 && field->block != 0) mask = bit(block->read_disable_bit);
    } else {
      known_field(efuses, name);
    }
    if (mask == 0) refuse(name, shown + " cannot be read-protected (it has no RD_DIS bit)");
    if (((efuses.value("RD_DIS") | staged) & mask) == mask) refuse(name, shown + " is already read-protected");
    if (block != nullptr && !block->key_purpose_field.empty()) {
      // Only keys the hardware uses without software reading them may be hidden.
      const auto value = static_cast<int>(efuses.value(chip.field(block->key_purpose_field)));
      const KeyPurposeDef* purpose = chip.find_purpose(value);
      if (purpose == nullptr || !purpose->needs_read_protect) {
        refuse(name, block->name + " must be readable (" + block->key_purpose_field + " = " +
                         (purpose ? purpose->name : std::to_string(value)) + "): refusing to read-protect it");
      }
    }
    if (chip.coding == CodingFamily::Esp32 && block != nullptr && block->index == 2 && efuses.value("ABS_DONE_1") != 0) {
      refuse(name, "BLOCK2 holds the secure boot v2 digest (ABS_DONE_1 is set): the ROM must read it, refusing to read-protect it");
    }
    if (!efuses.writeable(chip.field("RD_DIS"))) refuse(name, "RD_DIS is write-protected: no more read protection can be set");
    staged |= mask;
    notes.push_back("Permanently read-disabling eFuse " + shown);
  }
  efuses.stage(chip.field("RD_DIS"), staged);
}

void stage_burn_block_data(Efuses& efuses, const std::vector<std::pair<std::string, Bytes>>& blocks, std::size_t offset,
                           Notes& notes) {
  if (blocks.empty()) throw Error(ErrorKind::Usage, "burn-block-data needs BLOCK FILE pairs");
  std::set<int> seen;
  for (const auto& [name, data] : blocks) {
    const BlockDef* block = efuses.chip().find_block(name);
    if (block == nullptr) refuse(name, "unknown block '" + name + "' for " + efuses.chip().display_name);
    if (!seen.insert(block->index).second) refuse(name, block->name + " is named twice");
    const auto size = static_cast<std::size_t>(efuses.data_bytes(*block));
    if (offset + data.size() > size) {
      refuse(name, fmt::format("{} bytes at offset {} do not fit {} ({} bytes)", data.size(), offset, block->name, size));
    }
    if (!efuses.block_writeable(*block)) refuse(name, block->name + " is write-protected");
    efuses.stage_block(*block, data, offset);
    notes.push_back(fmt::format("[{:02}] {:20} size={:02} bytes, offset={:02}", block->index, block->name, data.size(), offset));
  }
}

}  // namespace fwprov::efuse
