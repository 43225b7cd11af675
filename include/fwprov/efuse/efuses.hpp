#pragma once
// The host side of eFuse burning: the chip's current fuses as read through a RegisterPort, the
// bits staged for burning, and the burn itself in espefuse's order (blocks from the highest
// index down, block 0's protection and lock-out fields in a second program cycle), through
// the same register sequence espefuse uses (docs/efuse.md §7).
#include <cstdint>
#include <string>
#include <vector>

#include "fwprov/core/bytes.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/register_port.hpp"

namespace fwprov::efuse {

class Efuses {
 public:
  // Reads every block (and the coding-error registers) like espefuse does on connect.
  Efuses(const ChipTable& chip, RegisterPort& port);

  const ChipTable& chip() const { return chip_; }
  const BlockDef& block(int index) const { return chip_.blocks.at(static_cast<std::size_t>(index)); }

  // --- the fuses as read ---
  const std::vector<std::uint32_t>& words(int block_index) const { return read_.at(static_cast<std::size_t>(block_index)); }
  std::uint64_t value(const FieldDef& field) const;  // bool/uint fields (not calculated)
  std::uint64_t value(std::string_view field_name) const { return value(chip_.field(field_name)); }
  Bytes bytes(const FieldDef& field) const;          // bytes fields, register (memory) order
  bool readable(const FieldDef& field) const;
  bool writeable(const FieldDef& field) const;
  bool block_readable(const BlockDef& block) const;
  bool block_writeable(const BlockDef& block) const;
  bool block_empty(const BlockDef& block) const;
  bool coding_34() const { return coding_34_; }  // ESP32 blocks 1-3 use the 3/4 scheme
  int data_bytes(const BlockDef& block) const;     // usable bytes of a block under its coding

  // --- staging ---
  std::uint64_t staged_value(const FieldDef& field) const;
  void stage(const FieldDef& field, std::uint64_t value);
  void stage_bytes(const FieldDef& field, ByteView data);  // register order
  void stage_block(const BlockDef& block, ByteView data, std::size_t offset = 0);
  bool anything_staged() const;

  // Burns what is staged. Notes are espefuse-style progress lines for the CLI to show.
  // Errors: Input when a staged block conflicts with what is burned (write-protected, RS or
  // 3/4 coded data that cannot be added to), Mismatch when bits did not stick.
  void burn(std::vector<std::string>& notes);

  // Reads everything again (after a burn).
  void refresh();

  // The reads a summary adds: the APB date register (ESP32 wafer version) and the
  // coding-error registers. True when a block reports coding errors.
  bool check_for_summary();

 private:
  void connect_reads();
  std::vector<std::uint32_t> read_block(const BlockDef& block);
  void check_staged(const BlockDef& block, std::vector<std::string>& notes);
  void burn_block(const BlockDef& block, std::vector<std::string>& notes);
  std::vector<std::uint32_t> program_words(const BlockDef& block) const;
  void program_cycle(const BlockDef& block, const std::vector<std::uint32_t>& words);
  void esp32_program(const BlockDef& block, const std::vector<std::uint32_t>& words);
  void rs_program(const BlockDef& block, const std::vector<std::uint32_t>& words);
  void esp32_read_cycle();
  void rs_wait_idle();
  void rs_clear_program_registers();
  void rs_read_cycle();
  bool coding_errors(const BlockDef& block);
  std::vector<bool> read_rs_errors();  // per block: coding errors reported
  std::uint32_t address(std::uint32_t offset) const { return chip_.base + offset; }

  const ChipTable& chip_;
  RegisterPort& port_;
  bool coding_34_ = false;
  std::vector<std::vector<std::uint32_t>> read_;    // per block, as read
  std::vector<std::vector<std::uint32_t>> staged_;  // per block, bits to set
};

}  // namespace fwprov::efuse
