#pragma once
// The connected chip's revision against what the run needs of it: every [images] image's
// revision range (esptool's rule, as `flash write` checks it) and, when [security] burns a
// secure boot v2 digest, the first revision whose ROM has secure boot v2 (ESP32: v3.0).
#include "fwprov/provision/pipeline.hpp"
#include "fwprov/provision/plan.hpp"

namespace fwprov::provision {

// Throws a Device error naming the image (or secure boot v2) and both revisions; before the
// ledger allocates a serial, so a refused board uses none.
void check_device_revision(const RunPlan& plan, const ChipIdentity& chip);

}  // namespace fwprov::provision
