#pragma once
// What differs between chips' eFuse controllers, as data: register offsets, blocks, fields, key
// purposes. One file per chip in src/efuse/chips/ fills one ChipTable; nothing else in the
// library names a chip.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fwprov::efuse {

// How a block's data is protected by check bits when it is programmed.
enum class CodingFamily {
  Esp32,        // CODING_SCHEME field: none or 3/4 on blocks 1-3 (block 0 never coded)
  ReedSolomon,  // RS(44,32) on blocks 1..n, block 0 stored redundantly by the hardware
};

struct BlockDef {
  std::string name;                  // espefuse's block name (BLOCK1, BLOCK_KEY0, ...)
  std::vector<std::string> aliases;  // flash_encryption, BLOCK4, ...
  int index = 0;
  std::uint32_t read_offset = 0;   // read registers, relative to the controller base
  std::uint32_t write_offset = 0;  // program registers (one shared window on RS chips)
  int words = 0;                   // data words as read (before any coding)
  int write_disable_bit = -1;      // WR_DIS bit guarding the whole block, -1: none
  int read_disable_bit = -1;       // RD_DIS bit hiding the block, -1: none
  std::string key_purpose_field;   // KEY_PURPOSE_n for key blocks, empty otherwise
};

// Fields whose displayed value is not the plain number / bytes.
enum class FieldKind {
  Plain,
  Mac,                  // MAC-style "aa:bb:..." with a CRC (ESP32) or "(OK)"
  KeyPurpose,           // shows the purpose name
  AdcVref,              // ESP32 ADC_VREF: signed 5-bit offset in mV from 1100
  CalcEsp32WaferMajor,  // calculated from CHIP_VER_REV1/2 and the APB date register
  CalcEsp32Package,     // CHIP_PACKAGE_4BIT << 3 | CHIP_PACKAGE
  CalcWaferMinor,       // WAFER_VERSION_MINOR_HI << 3 | WAFER_VERSION_MINOR_LO
  CalcPsramCapacity,    // PSRAM_CAP_3 << 2 | PSRAM_CAP
  CalcMacEui64,         // MAC with MAC_EXT inserted in the middle
};

struct ValueName {
  std::uint32_t value;
  std::string name;
};

struct FieldDef {
  std::string name;
  int block = 0;
  int word = 0;  // -1: calculated from other fields, no bits of its own
  int pos = 0;
  int bits = 0;
  std::string type;  // espefuse's "bool", "uint:N", "bytes:N"
  std::string category;
  std::string description;
  int write_disable_bit = -1;
  std::uint32_t read_disable_mask = 0;
  FieldKind kind = FieldKind::Plain;
  std::string alt_names;  // space separated
  std::vector<ValueName> value_names;

  bool calculated() const { return word < 0; }
  bool is_bytes() const { return type.rfind("bytes", 0) == 0; }
  bool is_bool() const { return type == "bool"; }
};

struct KeyPurposeDef {
  std::string name;
  int value = 0;         // -1: a virtual purpose that splits into two (S3 XTS_AES_256_KEY)
  bool digest = false;   // SECURE_BOOT_DIGESTn: burn-key-digest's purposes
  bool reverse = false;  // burn-key stores the key byte-reversed (AES-XTS peripheral order)
  bool needs_read_protect = false;
};

// Controller registers (offsets from the base) that the burn sequence touches.
struct ControllerRegs {
  std::uint32_t conf = 0;
  std::uint32_t cmd = 0;
  std::uint32_t dac_conf = 0;
  std::uint32_t clk = 0;          // ESP32 only
  std::uint32_t dec_status = 0;   // ESP32 only: 3/4 decoding errors
  std::uint32_t wr_tim_conf1 = 0;  // RS chips
  std::uint32_t wr_tim_conf2 = 0;
  std::uint32_t rd_repeat_err0 = 0;  // five words
  std::uint32_t rd_rs_err0 = 0;
  std::uint32_t rd_rs_err1 = 0;
  std::uint32_t check_value0 = 0;  // RS parity words after PGM_DATA0..7
  std::uint32_t apb_date_address = 0;  // absolute; ESP32's wafer version needs it, 0: none
  std::uint32_t uart_date_address = 0;  // absolute; target of the mask-0 WRITE_REG group that carries a post-write delay
};

// Where a block's coding-error flags live (RS chips; offsets from the base). Block 0 is
// checked through the RD_REPEAT_ERR words instead.
struct BlockErrorBits {
  std::uint32_t fail_reg = 0;  // 0: no fail bit
  int fail_bit = -1;
  std::uint32_t count_reg = 0;  // 0: no error count
  int count_shift = -1;         // 3-bit count at this shift
};

// What provisioning burns to turn on flash encryption with a host-made key and to record a
// secure boot v2 key digest (fact sheets flash-encryption.md §4, efuse.md §3-4): per chip, so
// the provisioning code has no per-chip branches.
struct SecurityFuses {
  bool xts = true;               // XTS-AES (32-byte key file: XTS-AES-128); else the ESP32 scheme
  std::string key_block;         // default block for the flash encryption key (name or alias)
  std::string key_purpose;       // burned with it; empty on ESP32 (the block's role is fixed)
  std::string crypt_counter;     // FLASH_CRYPT_CNT / SPI_BOOT_CRYPT_CNT: odd popcount = on
  std::vector<std::pair<std::string, std::uint64_t>> config;  // also burned (ESP32: FLASH_CRYPT_CONFIG 0xF)
  std::vector<std::string> release_fields;  // release mode: no encrypted/decrypted access from download mode
  std::string digest_block;      // default block for the secure boot v2 digest
  std::string digest_purpose;    // SECURE_BOOT_DIGEST0; empty on ESP32 (BLOCK2)
};

struct ChipTable {
  std::string name;          // "esp32", "esp32c3", ...
  std::string display_name;  // "ESP32", "ESP32-C3", ...
  std::uint32_t base = 0;    // controller base address
  std::uint32_t window_size = 0;  // register window = espefuse's virtual file size
  CodingFamily coding = CodingFamily::Esp32;
  ControllerRegs regs;
  std::vector<BlockDef> blocks;
  std::vector<FieldDef> fields;
  std::vector<KeyPurposeDef> key_purposes;  // empty on ESP32 (fixed block roles)
  std::vector<std::string> postponed_fields;  // block-0 fields burned in a second cycle
  std::vector<BlockErrorBits> block_errors;   // RS chips, indexed by block
  // How espefuse reads them: once per register and check (S3, C6), or the fail and count
  // register of every block in turn (C3, whose fail bits sit one block off).
  bool error_registers_read_once = true;
  SecurityFuses security;

  const BlockDef* find_block(std::string_view name_or_alias) const;
  const FieldDef* find_field(std::string_view name_or_alt) const;
  const FieldDef& field(std::string_view name) const;  // Internal error if missing
  const KeyPurposeDef* find_purpose(std::string_view name) const;
  const KeyPurposeDef* find_purpose(int value) const;
};

// The chips fwprov knows: "esp32", "esp32c3", "esp32s3", "esp32c6". Usage error otherwise.
const ChipTable& chip_table(std::string_view chip);
std::vector<std::string> chip_names();

}  // namespace fwprov::efuse
