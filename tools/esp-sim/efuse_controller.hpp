#pragma once
// The simulated chip's eFuse controller: fwprov_efuse's controller model (the register window
// and what program/read commands do to it) behind READ_REG/WRITE_REG, persisted as an
// espefuse virtual eFuse file so tests can load a state and compare the result. Which chips
// have a controller, and where its registers are, comes from fwprov_efuse's chip tables: the
// ESP32's per-block program registers and the C3/S3/C6's shared PGM_DATA/CHECK_VALUE window
// with PGM_CMD/READ_CMD (block number in the command) are both the model's, not the sim's.
//
// Like a chip, it also remembers what the fuses physically hold, read-protected blocks
// included (the read registers show those as zeros): FILE.fuses, one line per block, "NAME
// HEX" with the block's bytes in register order. Only tests look at it (a host never can).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "fwprov/efuse/controller_model.hpp"

namespace fwprov::sim {

class SimEfuse {
 public:
  // `file`: loaded when it exists and is not empty (a blank chip otherwise); rewritten after
  // every register write that reaches the controller.
  SimEfuse(const std::string& chip, std::filesystem::path file);

  // The chips whose eFuse controller can be simulated (those with an eFuse chip table).
  static bool simulates(const std::string& chip);
  static std::string simulated_chips();  // "esp32, esp32c3, ..." for messages

  bool owns(std::uint32_t address) const { return model_.owns(address); }
  std::uint32_t read(std::uint32_t address) const { return model_.read(address); }
  // WRITE_REG semantics: only the bits of `mask` change.
  void write(std::uint32_t address, std::uint32_t value, std::uint32_t mask);

 private:
  using Programmed = std::vector<std::pair<int, std::vector<std::uint32_t>>>;  // block index, data words
  Programmed about_to_program(std::uint32_t offset, std::uint32_t command) const;
  void remember_fuses(const Programmed& programmed);
  bool block_write_protected(const efuse::BlockDef& block) const;
  void save() const;

  efuse::ControllerModel model_;
  std::filesystem::path file_;
  std::vector<std::vector<std::uint32_t>> fuses_;  // per block: what the fuses hold
};

}  // namespace fwprov::sim
