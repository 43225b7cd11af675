// ESP32-C6 eFuse controller (fact sheet docs/efuse.md §2, §3.2).
#include "chips.hpp"
#include "rs_chip_common.hpp"

namespace fwprov::efuse::chips {

ChipTable esp32c6_table() {
  ChipTable chip;
  chip.name = "esp32c6";
  chip.display_name = "ESP32-C6";
  chip.base = 0x600B0800;
  chip.window_size = 0x200;
  chip.coding = CodingFamily::ReedSolomon;
  chip.regs = rs_chip_regs(0x1F0, 0x1F4);
  chip.regs.uart_date_address = 0x6000007C;  // UART0 date register (a harmless delay carrier)
  chip.blocks = rs_chip_blocks();
  chip.fields = {
#include "esp32c6_fields.inc"
  };
  chip.key_purposes = rs_chip_common_purposes();
  chip.postponed_fields = rs_chip_postponed_fields();
  chip.security = rs_chip_security();
  chip.block_errors = rs_chip_block_errors();
  return chip;
}

}  // namespace fwprov::efuse::chips
