#pragma once
// The `--virt` back end: espefuse's virtual eFuse file, driven through the controller model.
// update() applies espefuse's virtual-chip quirk (the unshifted value ORed into the mask) so
// the file stays byte-identical with espefuse's after every command (docs/efuse.md §6).
#include <filesystem>
#include <optional>

#include "fwprov/efuse/controller_model.hpp"
#include "fwprov/efuse/register_port.hpp"

namespace fwprov::efuse {

class VirtualPort : public RegisterPort {
 public:
  // EspefuseVirtual: update() as espefuse's virtual chip does it (keeps files byte-identical).
  // ReadModifyWrite: as on a chip (a --dry-run of a link session uses it).
  enum class UpdateStyle { EspefuseVirtual, ReadModifyWrite };
  explicit VirtualPort(ControllerModel& model, UpdateStyle style = UpdateStyle::EspefuseVirtual)
      : model_(model), style_(style) {}
  // Also answers the ESP32's APB_CTRL date register as v3 silicon (bit 31), like espefuse's
  // virtual chip, since the wafer version is calculated from it.
  std::uint32_t read(std::uint32_t address) override;
  void write(std::uint32_t address, std::uint32_t value, std::uint32_t /*delay_after_us*/) override {
    model_.write(address, value);
  }
  void update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) override;

 private:
  ControllerModel& model_;
  UpdateStyle style_;
};

// The file as espefuse treats it: a missing or empty file means a blank chip (all zeros);
// another size is refused (Input) rather than appended to as espefuse does.
struct VirtualFile {
  std::filesystem::path path;
  bool existed = false;  // false: fwprov creates it (espefuse does too, even for `summary`)
};

VirtualFile load_virtual_file(const std::filesystem::path& path, ControllerModel& model);
// Atomic replace (core's atomic output), so an interrupted run leaves the old file.
void save_virtual_file(const VirtualFile& file, const ControllerModel& model);

}  // namespace fwprov::efuse
