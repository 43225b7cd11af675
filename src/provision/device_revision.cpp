#include "device_revision.hpp"

#include <fmt/core.h>

#include "fwprov/core/error.hpp"
#include "fwprov/esp/target.hpp"
#include "fwprov/esp/write_plan.hpp"
#include "fwprov/sign/secure_boot_chips.hpp"

namespace fwprov::provision {

void check_device_revision(const RunPlan& plan, const ChipIdentity& chip) {
  const esp::Target* target = esp::target_by_name(chip.chip);
  if (!target) return;  // the chip check before this one names an unknown chip
  for (const auto& image : plan.images) {
    std::string why = esp::revision_problem(image.header, *target, chip.major_revision, chip.minor_revision);
    if (!why.empty()) throw Error(ErrorKind::Device, fmt::format("{}: {}", image.file, why));
  }
  if (plan.security.secure_boot_digest) {
    auto support = sign::sbv2_chip_support(chip.chip);
    const unsigned revision = chip.major_revision * 100 + chip.minor_revision;
    if (support && revision < support->min_revision)
      throw Error(ErrorKind::Device,
                  fmt::format("secure boot v2 needs an {} of revision v{}.{} or later (this chip is revision v{}.{}); nothing was burned",
                              target->display_name, support->min_revision / 100, support->min_revision % 100, chip.major_revision,
                              chip.minor_revision));
  }
}

}  // namespace fwprov::provision
