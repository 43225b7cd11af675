#pragma once
// The device back end: eFuse controller registers over the serial loader's READ_REG and
// WRITE_REG (docs/efuse.md §7). update() is a real read-modify-write with the value shifted
// into the mask, as espefuse does on a chip.
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/register_port.hpp"

namespace fwprov::esp {
class Loader;
}

namespace fwprov::efuse {

class LoaderPort : public RegisterPort {
 public:
  LoaderPort(esp::Loader& loader, const ChipTable& chip) : loader_(loader), chip_(chip) {}
  std::uint32_t read(std::uint32_t address) override;
  // delay_after_us: as espefuse, a second WRITE_REG group (mask 0 on the UART date
  // register) whose own delay makes the loader wait after the first write.
  void write(std::uint32_t address, std::uint32_t value, std::uint32_t delay_after_us) override;
  void update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) override;

 private:
  esp::Loader& loader_;
  const ChipTable& chip_;
};

// Value placed into a mask the way a register field is set: shifted to the mask's lowest bit.
std::uint32_t shifted_into_mask(std::uint32_t mask, std::uint32_t value);

}  // namespace fwprov::efuse
