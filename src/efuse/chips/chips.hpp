#pragma once
// One function per chip file; chip_table.cpp lists them.
#include "fwprov/efuse/chip_table.hpp"

namespace fwprov::efuse::chips {

ChipTable esp32_table();
ChipTable esp32c3_table();
ChipTable esp32s3_table();
ChipTable esp32c6_table();

}  // namespace fwprov::efuse::chips
