// ESP32-C3 eFuse controller (fact sheet docs/efuse.md §2, §3.2).
#include "chips.hpp"
#include "rs_chip_common.hpp"

namespace fwprov::efuse::chips {

ChipTable esp32c3_table() {
  ChipTable chip;
  chip.name = "esp32c3";
  chip.display_name = "ESP32-C3";
  chip.base = 0x60008800;
  chip.window_size = 0x200;
  chip.coding = CodingFamily::ReedSolomon;
  chip.regs = rs_chip_regs(0x1F0, 0x1F4);
  chip.regs.uart_date_address = 0x6000007C;  // UART0 date register (a harmless delay carrier)
  chip.blocks = rs_chip_blocks();
  chip.fields = {
#include "esp32c3_fields.inc"
  };
  chip.key_purposes = rs_chip_common_purposes();
  chip.postponed_fields = rs_chip_postponed_fields();
  chip.security = rs_chip_security();
  // A design error puts each block's fail bit one block further on (block n's at 4n+3);
  // the counts are in the usual places and BLOCK_SYS_DATA2 has no fail bit.
  chip.block_errors = rs_chip_block_errors();
  for (int block = 1; block <= 10; ++block) {
    auto& bits = chip.block_errors[static_cast<std::size_t>(block)];
    if (block == 10) {
      bits.fail_reg = 0;
      bits.fail_bit = -1;
    } else {
      bits.fail_reg = block <= 7 ? 0x1C0 : 0x1C4;
      bits.fail_bit = (4 * block + 3) % 32;
    }
  }
  chip.error_registers_read_once = false;
  return chip;
}

}  // namespace fwprov::efuse::chips
