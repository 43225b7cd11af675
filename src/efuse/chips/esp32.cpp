// ESP32 eFuse controller (fact sheet docs/efuse.md §2, §3.1): every block has its own program
// registers, blocks 1-3 follow the CODING_SCHEME field (none or 3/4), no key purposes.
#include "chips.hpp"

namespace fwprov::efuse::chips {

ChipTable esp32_table() {
  ChipTable chip;
  chip.name = "esp32";
  chip.display_name = "ESP32";
  chip.base = 0x3FF5A000;
  chip.window_size = 0x120;
  chip.coding = CodingFamily::Esp32;
  chip.regs.conf = 0x0FC;
  chip.regs.cmd = 0x104;
  chip.regs.clk = 0x0F8;
  chip.regs.dac_conf = 0x118;
  chip.regs.dec_status = 0x11C;
  chip.regs.apb_date_address = 0x3FF6607C;
  chip.regs.uart_date_address = 0x60000078;  // UART0 date register (a harmless delay carrier)  // APB_CTRL date: bit 31 tells ESP32 v3 from v2
  // name, aliases, index, rd offset, wr offset, words, WR_DIS bit, RD_DIS bit, purpose
  chip.blocks = {
      {"BLOCK0", {}, 0, 0x000, 0x01C, 7, -1, -1, ""},
      {"BLOCK1", {"flash_encryption"}, 1, 0x038, 0x098, 8, 7, 0, ""},
      {"BLOCK2", {"secure_boot_v1", "secure_boot_v2"}, 2, 0x058, 0x0B8, 8, 8, 1, ""},
      {"BLOCK3", {}, 3, 0x078, 0x0D8, 8, 9, 2, ""},
  };
  chip.fields = {
#include "esp32_fields.inc"
  };
  chip.postponed_fields = {"WR_DIS", "RD_DIS", "UART_DOWNLOAD_DIS", "ABS_DONE_1", "FLASH_CRYPT_CNT"};
  // Flash encryption: the AES-256 key (192 bits under 3/4 coding) in BLOCK1, the tweak
  // config the bootloader burns (0xF), FLASH_CRYPT_CNT; release mode closes encrypted and
  // decrypted flash access and the cache in download mode. Secure boot v2: BLOCK2.
  chip.security.xts = false;
  chip.security.key_block = "flash_encryption";
  chip.security.crypt_counter = "FLASH_CRYPT_CNT";
  chip.security.config = {{"FLASH_CRYPT_CONFIG", 0xF}};
  chip.security.release_fields = {"DISABLE_DL_ENCRYPT", "DISABLE_DL_DECRYPT", "DISABLE_DL_CACHE"};
  chip.security.digest_block = "BLOCK2";
  return chip;
}

}  // namespace fwprov::efuse::chips
