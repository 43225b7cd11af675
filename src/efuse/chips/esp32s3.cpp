// ESP32-S3 eFuse controller (fact sheet docs/efuse.md §2, §3.2, §3.3). Differs from C3/C6 in
// WR_TIM_CONF1/2 (one register later) and the 256-bit XTS purposes.
#include "chips.hpp"
#include "rs_chip_common.hpp"

namespace fwprov::efuse::chips {

ChipTable esp32s3_table() {
  ChipTable chip;
  chip.name = "esp32s3";
  chip.display_name = "ESP32-S3";
  chip.base = 0x60007000;
  chip.window_size = 0x200;
  chip.coding = CodingFamily::ReedSolomon;
  chip.regs = rs_chip_regs(0x1F4, 0x1F8);
  chip.regs.uart_date_address = 0x60000080;  // UART0 date register (a harmless delay carrier)
  chip.blocks = rs_chip_blocks();
  chip.fields = {
#include "esp32s3_fields.inc"
  };
  chip.key_purposes = rs_chip_common_purposes();
  // A 64-byte XTS key goes into two blocks: first half purpose 2, second half purpose 3;
  // XTS_AES_256_KEY names the pair (value -1: never stored).
  chip.key_purposes.push_back({"XTS_AES_256_KEY_1", 2, false, true, true});
  chip.key_purposes.push_back({"XTS_AES_256_KEY_2", 3, false, true, true});
  chip.key_purposes.push_back({"XTS_AES_256_KEY", -1, false, true, true});
  chip.postponed_fields = rs_chip_postponed_fields();
  chip.security = rs_chip_security();
  chip.block_errors = rs_chip_block_errors();
  return chip;
}

}  // namespace fwprov::efuse::chips
