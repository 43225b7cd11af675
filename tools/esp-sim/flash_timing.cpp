#include "flash_timing.hpp"

namespace fwprov::sim {

double FlashTiming::sector_erase_seconds() const { return options_.enabled ? options_.sector_erase_ms / 1000.0 : 0.0; }

double FlashTiming::block_erase_seconds() const { return options_.enabled ? options_.block_erase_ms / 1000.0 : 0.0; }

double FlashTiming::erase_seconds(std::uint32_t offset, std::uint32_t length) const {
  if (!options_.enabled || length == 0) return 0.0;
  std::uint64_t at = offset / kSector * kSector;
  std::uint64_t end = (static_cast<std::uint64_t>(offset) + length + kSector - 1) / kSector * kSector;
  double seconds = 0.0;
  while (at < end) {
    if (at % kBlock == 0 && at + kBlock <= end) {
      seconds += block_erase_seconds();
      at += kBlock;
    } else {
      seconds += sector_erase_seconds();
      at += kSector;
    }
  }
  return seconds;
}

double FlashTiming::program_seconds(std::uint64_t pages) const {
  return options_.enabled ? static_cast<double>(pages) * options_.page_program_ms / 1000.0 : 0.0;
}

double FlashTiming::read_seconds(std::uint64_t bytes) const {
  if (!options_.enabled || options_.read_bytes_per_second <= 0) return 0.0;
  return static_cast<double>(bytes) / options_.read_bytes_per_second;
}

}  // namespace fwprov::sim
