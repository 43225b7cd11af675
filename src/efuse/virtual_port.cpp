// The virtual eFuse file back end.
#include "fwprov/efuse/virtual_port.hpp"

#include <system_error>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/efuse/loader_port.hpp"

namespace fwprov::efuse {

std::uint32_t VirtualPort::read(std::uint32_t address) {
  const auto& chip = model_.chip();
  if (chip.regs.apb_date_address != 0 && address == chip.regs.apb_date_address) return 0x80000000U;
  return model_.read(address);
}

void VirtualPort::update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) {
  // espefuse's virtual chip ORs `value & mask` without shifting the value into the mask.
  const std::uint32_t offset = address - model_.chip().base;
  if (style_ == UpdateStyle::ReadModifyWrite) {
    model_.write(address, (model_.reg(offset) & ~mask) | shifted_into_mask(mask, value));
    return;
  }
  model_.set_reg(offset, model_.reg(offset) | (value & mask));
}

VirtualFile load_virtual_file(const std::filesystem::path& path, ControllerModel& model) {
  VirtualFile file{path, false};
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists) return file;
  const Bytes data = read_file(path);
  if (data.empty()) return file;
  model.load_image(data, path.string());
  file.existed = true;
  return file;
}

void save_virtual_file(const VirtualFile& file, const ControllerModel& model) {
  const Bytes image = model.image();
  write_file_atomic(file.path, image);
}

}  // namespace fwprov::efuse
