#pragma once
// What ESP32-C3, -S3 and -C6 share (their fact-sheet tables are identical here): the block map
// of the RS-coded controller and the key purposes every one of them has. Each chip file adds
// its own base address, registers, fields and extra purposes.
#include "fwprov/efuse/chip_table.hpp"

namespace fwprov::efuse::chips {

inline std::vector<BlockDef> rs_chip_blocks() {
  // name, aliases, index, rd offset, program window (shared), words, WR_DIS bit, RD_DIS bit, purpose
  return {
      {"BLOCK0", {}, 0, 0x02C, 0x000, 6, -1, -1, ""},
      {"MAC_SPI_8M_0", {"BLOCK1"}, 1, 0x044, 0x000, 6, 20, -1, ""},
      {"BLOCK_SYS_DATA", {"BLOCK2"}, 2, 0x05C, 0x000, 8, 21, -1, ""},
      {"BLOCK_USR_DATA", {"BLOCK3"}, 3, 0x07C, 0x000, 8, 22, -1, ""},
      {"BLOCK_KEY0", {"BLOCK4"}, 4, 0x09C, 0x000, 8, 23, 0, "KEY_PURPOSE_0"},
      {"BLOCK_KEY1", {"BLOCK5"}, 5, 0x0BC, 0x000, 8, 24, 1, "KEY_PURPOSE_1"},
      {"BLOCK_KEY2", {"BLOCK6"}, 6, 0x0DC, 0x000, 8, 25, 2, "KEY_PURPOSE_2"},
      {"BLOCK_KEY3", {"BLOCK7"}, 7, 0x0FC, 0x000, 8, 26, 3, "KEY_PURPOSE_3"},
      {"BLOCK_KEY4", {"BLOCK8"}, 8, 0x11C, 0x000, 8, 27, 4, "KEY_PURPOSE_4"},
      {"BLOCK_KEY5", {"BLOCK9"}, 9, 0x13C, 0x000, 8, 28, 5, "KEY_PURPOSE_5"},
      {"BLOCK_SYS_DATA2", {"BLOCK10"}, 10, 0x15C, 0x000, 8, 29, 6, ""},
  };
}

// Registers at the same offsets on all three; WR_TIM_CONF1/2 are set by each chip.
inline ControllerRegs rs_chip_regs(std::uint32_t wr_tim_conf1, std::uint32_t wr_tim_conf2) {
  ControllerRegs regs;
  regs.conf = 0x1CC;
  regs.cmd = 0x1D4;
  regs.dac_conf = 0x1E8;
  regs.wr_tim_conf1 = wr_tim_conf1;
  regs.wr_tim_conf2 = wr_tim_conf2;
  regs.rd_repeat_err0 = 0x17C;
  regs.rd_rs_err0 = 0x1C0;
  regs.rd_rs_err1 = 0x1C4;
  regs.check_value0 = 0x020;
  return regs;
}

// Error flags of blocks 1-10: a 3-bit count per block (4 bits apart) with the fail bit above
// it, blocks 1-8 in RD_RS_ERR0, 9-10 in RD_RS_ERR1.
inline std::vector<BlockErrorBits> rs_chip_block_errors() {
  std::vector<BlockErrorBits> errors(11);
  for (int block = 1; block <= 10; ++block) {
    const std::uint32_t reg = block <= 8 ? 0x1C0 : 0x1C4;
    const int shift = 4 * ((block - 1) % 8);
    errors[static_cast<std::size_t>(block)] = {reg, shift + 3, reg, shift};
  }
  return errors;
}

// name, value, digest, stored reversed, needs read protection
inline std::vector<KeyPurposeDef> rs_chip_common_purposes() {
  return {
      {"USER", 0, false, false, false},
      {"RESERVED", 1, false, false, false},
      {"XTS_AES_128_KEY", 4, false, true, true},
      {"HMAC_DOWN_ALL", 5, false, false, true},
      {"HMAC_DOWN_JTAG", 6, false, false, true},
      {"HMAC_DOWN_DIGITAL_SIGNATURE", 7, false, false, true},
      {"HMAC_UP", 8, false, false, true},
      {"SECURE_BOOT_DIGEST0", 9, true, false, false},
      {"SECURE_BOOT_DIGEST1", 10, true, false, false},
      {"SECURE_BOOT_DIGEST2", 11, true, false, false},
  };
}

// Block-0 fields held back to a second program cycle: protections and the fields that cut the
// tool off the chip or switch security on.
inline std::vector<std::string> rs_chip_postponed_fields() {
  return {"WR_DIS", "RD_DIS", "ENABLE_SECURITY_DOWNLOAD", "DIS_DOWNLOAD_MODE", "SPI_BOOT_CRYPT_CNT",
          "SECURE_BOOT_EN"};
}

// Flash encryption and secure boot v2 on these chips: an XTS-AES-128 key in a key block
// (purpose XTS_AES_128_KEY), SPI_BOOT_CRYPT_CNT, and in release mode no manual encryption
// from download mode (flash-encryption.md §4.2); the digest in another key block.
inline SecurityFuses rs_chip_security() {
  SecurityFuses security;
  security.xts = true;
  security.key_block = "BLOCK_KEY0";
  security.key_purpose = "XTS_AES_128_KEY";
  security.crypt_counter = "SPI_BOOT_CRYPT_CNT";
  security.release_fields = {"DIS_DOWNLOAD_MANUAL_ENCRYPT"};
  security.digest_block = "BLOCK_KEY1";
  security.digest_purpose = "SECURE_BOOT_DIGEST0";
  return security;
}

}  // namespace fwprov::efuse::chips
