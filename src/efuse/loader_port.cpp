// eFuse registers over the ROM loader / stub (esp library's public Loader API only).
#include "fwprov/efuse/loader_port.hpp"

#include <bit>

#include "fwprov/esp/loader.hpp"

namespace fwprov::efuse {

std::uint32_t shifted_into_mask(std::uint32_t mask, std::uint32_t value) {
  if (mask == 0) return 0;
  return (value << std::countr_zero(mask)) & mask;
}

std::uint32_t LoaderPort::read(std::uint32_t address) { return loader_.read_reg(address); }

void LoaderPort::write(std::uint32_t address, std::uint32_t value, std::uint32_t delay_after_us) {
  if (delay_after_us == 0 || chip_.regs.uart_date_address == 0) {
    loader_.write_reg(address, value);
    return;
  }
  const esp::Loader::RegisterWrite groups[] = {{address, value, 0xFFFFFFFF, 0},
                                               {chip_.regs.uart_date_address, 0, 0, delay_after_us}};
  loader_.write_regs(groups);
}

void LoaderPort::update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) {
  const std::uint32_t old = loader_.read_reg(address);
  loader_.write_reg(address, (old & ~mask) | shifted_into_mask(mask, value));
}

}  // namespace fwprov::efuse
