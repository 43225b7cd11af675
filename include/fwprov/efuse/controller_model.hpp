#pragma once
// A behavioural model of an eFuse controller, the device side of the register interface: the
// register window plus what a program and a read command do to it. It models espefuse's
// virtual chip (docs/efuse.md §6): a program/read cycle ORs the checked, decoded program
// registers into the read registers (write-protected bits dropped), clears the program data
// registers and zeroes read-protected areas. The virtual back end (VirtualPort) and fwprov-sim
// both drive it, so a chain run over the link and one run on the file end in the same fuses.
#include <cstdint>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/efuse/chip_table.hpp"

namespace fwprov::efuse {

class ControllerModel {
 public:
  explicit ControllerModel(const ChipTable& chip);

  const ChipTable& chip() const { return chip_; }

  // espefuse's virtual eFuse file: the register window, little-endian, stored byte-reversed.
  // Input error (naming `origin`) when the size is not the chip's window size.
  void load_image(ByteView file, const std::string& origin);
  Bytes image() const;

  bool owns(std::uint32_t address) const;  // inside the register window
  std::uint32_t read(std::uint32_t address) const;
  void write(std::uint32_t address, std::uint32_t value);

  // Register at an offset from the base (no side effects).
  std::uint32_t reg(std::uint32_t offset) const { return regs_.at(offset / 4); }
  void set_reg(std::uint32_t offset, std::uint32_t value) { regs_.at(offset / 4) = value; }

 private:
  void program_esp32();
  void program_rs(int block);
  std::vector<std::uint32_t> read_words(const BlockDef& block) const;
  int read_words_count(const BlockDef& block) const;
  void or_into_read(const BlockDef& block, const std::vector<std::uint32_t>& data);
  std::vector<std::uint32_t> drop_write_protected(const BlockDef& block, std::vector<std::uint32_t> data) const;
  void clear_program_registers();
  void zero_read_protected();
  bool esp32_coding_34() const;
  std::string fmt_address_error(std::uint32_t address) const;

  const ChipTable& chip_;
  std::vector<std::uint32_t> regs_;
};

}  // namespace fwprov::efuse
