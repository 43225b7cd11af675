#pragma once
// How long the simulated SPI NOR flash is busy. Defaults are the typical times of the
// Winbond W25Q32JV (the part the simulator's RDID reports, EF 40 16); docs/esp-sim.md cites
// the datasheet table. The flash contents themselves change instantly (FlashFile); this only
// says how long the chip would be busy, so the Session can hold replies back.
#include <cstdint>

namespace fwprov::sim {

struct FlashTimingOptions {
  bool enabled = true;
  double sector_erase_ms = 45.0;  // 4 KiB sector erase, tSE typical
  double block_erase_ms = 150.0;  // 64 KiB block erase, tBE2 typical
  double page_program_ms = 0.7;   // 256-byte page program, tPP typical
  double read_bytes_per_second = 10e6;  // SPI read at 40 MHz, 2 data lines (DIO): for MD5
};

class FlashTiming {
 public:
  static constexpr std::uint32_t kSector = 0x1000;
  static constexpr std::uint32_t kBlock = 0x10000;
  static constexpr std::uint32_t kPage = 0x100;

  explicit FlashTiming(FlashTimingOptions options = {}) : options_(options) {}
  bool enabled() const noexcept { return options_.enabled; }

  // Erasing the sectors that cover [offset, offset+length), with 64 KiB block erases
  // wherever a whole aligned block is inside the range (what the ROM and stubs do).
  double erase_seconds(std::uint32_t offset, std::uint32_t length) const;
  double sector_erase_seconds() const;
  double block_erase_seconds() const;
  // Programming `pages` 256-byte pages (a partly written page costs a whole program cycle).
  double program_seconds(std::uint64_t pages) const;
  double read_seconds(std::uint64_t bytes) const;

 private:
  FlashTimingOptions options_;
};

}  // namespace fwprov::sim
