// Records register accesses in the notation of the golden register-trace.txt files.
#include <fmt/format.h>

#include "fwprov/efuse/register_port.hpp"

namespace fwprov::efuse {

std::uint32_t TracingPort::read(std::uint32_t address) {
  const std::uint32_t value = inner_.read(address);
  lines_.push_back(fmt::format("R 0x{:08x} -> 0x{:08x}", address, value));
  return value;
}

void TracingPort::write(std::uint32_t address, std::uint32_t value, std::uint32_t delay_after_us) {
  inner_.write(address, value, delay_after_us);
  if (delay_after_us != 0) {
    lines_.push_back(fmt::format("W 0x{:08x} = 0x{:08x} delay_after_us {}", address, value, delay_after_us));
  } else {
    lines_.push_back(fmt::format("W 0x{:08x} = 0x{:08x}", address, value));
  }
}

void TracingPort::update(std::uint32_t address, std::uint32_t mask, std::uint32_t value) {
  inner_.update(address, mask, value);
  lines_.push_back(fmt::format("U 0x{:08x} |= (0x{:x} & 0x{:08x})", address, value, mask));
}

std::uint32_t TracingPort::read_block0_word(std::uint32_t address, int n) {
  const std::uint32_t value = inner_.read_block0_word(address, n);
  lines_.push_back(fmt::format("RE word{} -> 0x{:08x}", n, value));
  return value;
}

std::vector<std::string> TracingPort::write_lines() const {
  std::vector<std::string> out;
  for (const auto& line : lines_) {
    if (line.starts_with("W ") || line.starts_with("U ")) out.push_back(line);
  }
  return out;
}

}  // namespace fwprov::efuse
