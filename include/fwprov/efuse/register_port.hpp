#pragma once
// The one way the burn engine reaches an eFuse controller: 32-bit register reads and writes at
// absolute addresses. Back ends: the virtual controller (espefuse's virtual file), the device
// over the serial loader (LoaderPort), and the tracing wrapper used by --dry-run and the tests.
#include <cstdint>
#include <string>
#include <vector>

namespace fwprov::efuse {

class RegisterPort {
 public:
  virtual ~RegisterPort() = default;
  virtual std::uint32_t read(std::uint32_t address) = 0;
  // delay_after_us: the device must not be spoken to for that long after this write (the
  // ROM loader checks eFuse registers after a read command).
  virtual void write(std::uint32_t address, std::uint32_t value, std::uint32_t delay_after_us = 0) = 0;
  // Set the bits of `mask` to `value` (espefuse's update_reg; the value is given unshifted,
  // as espefuse calls it, and each back end applies it the way its target does).
  virtual void update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) = 0;
  // Word `n` of block 0; a separate call only so traces can show it as espefuse logs it.
  virtual std::uint32_t read_block0_word(std::uint32_t address, int /*n*/) { return read(address); }
};

// Forwards to another port and records every access in espefuse's trace notation
// (`W addr = value [delay_after_us N]`, `U addr |= (value & mask)`, `R addr -> value`,
// `RE wordN -> value`). With forward_writes false, writes are recorded but not performed.
class TracingPort : public RegisterPort {
 public:
  explicit TracingPort(RegisterPort& inner) : inner_(inner) {}
  std::uint32_t read(std::uint32_t address) override;
  void write(std::uint32_t address, std::uint32_t value, std::uint32_t delay_after_us = 0) override;
  void update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) override;
  std::uint32_t read_block0_word(std::uint32_t address, int n) override;

  const std::vector<std::string>& lines() const { return lines_; }
  std::vector<std::string> write_lines() const;  // only W and U lines

 private:
  RegisterPort& inner_;
  std::vector<std::string> lines_;
};

}  // namespace fwprov::efuse
