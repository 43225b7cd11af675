// eFuse controller of fwprov-sim (see efuse_controller.hpp).
#include "efuse_controller.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "fwprov/core/atomic_output.hpp"
#include "fwprov/core/file_io.hpp"
#include "fwprov/efuse/chip_table.hpp"
#include "fwprov/efuse/coding.hpp"
#include "fwprov/efuse/format.hpp"

namespace fwprov::sim {

namespace {
std::filesystem::path fuses_file(const std::filesystem::path& file) { return file.string() + ".fuses"; }
}  // namespace

SimEfuse::SimEfuse(const std::string& chip, std::filesystem::path file)
    : model_(efuse::chip_table(chip)), file_(std::move(file)) {
  std::error_code ec;
  if (std::filesystem::exists(file_, ec)) {
    const Bytes data = read_file(file_);
    if (!data.empty()) model_.load_image(data, file_.string());
  }
  // A loaded state's read-protected blocks are unknown (zeros): the read registers are all we have.
  for (const auto& block : model_.chip().blocks) fuses_.emplace_back(static_cast<std::size_t>(block.words), 0);
  remember_fuses({});
  save();
}

bool SimEfuse::simulates(const std::string& chip) {
  const auto names = efuse::chip_names();
  return std::find(names.begin(), names.end(), chip) != names.end();
}

std::string SimEfuse::simulated_chips() {
  std::string list;
  for (const auto& name : efuse::chip_names()) list += (list.empty() ? "" : ", ") + name;
  return list;
}

void SimEfuse::write(std::uint32_t address, std::uint32_t value, std::uint32_t mask) {
  const std::uint32_t old = model_.read(address);
  const std::uint32_t now = (old & ~mask) | (value & mask);
  const Programmed programmed = about_to_program(address - model_.chip().base, now);
  model_.write(address, now);
  // Any command refreshes the fuse array from the read registers: block 0 of the RS chips
  // (never read-protected) is burned without program data to keep, and shows up there.
  if (programmed.empty() && address - model_.chip().base != model_.chip().regs.cmd) return write_file_atomic(file_, model_.image());
  remember_fuses(programmed);
  save();
}

bool SimEfuse::block_write_protected(const efuse::BlockDef& block) const {
  if (block.write_disable_bit < 0) return false;
  const efuse::FieldDef& wr_dis = model_.chip().field("WR_DIS");
  const std::uint32_t word = model_.reg(model_.chip().blocks[0].read_offset + static_cast<std::uint32_t>(wr_dis.word) * 4);
  return ((word >> (wr_dis.pos + block.write_disable_bit)) & 1U) != 0;
}

// The data a command written to `offset` burns, taken from the program registers before the
// model clears them; a block write-protected before the command keeps its bits. Block 0 is
// left to its read registers (it is never read-protected whole).
SimEfuse::Programmed SimEfuse::about_to_program(std::uint32_t offset, std::uint32_t command) const {
  const efuse::ChipTable& chip = model_.chip();
  Programmed programmed;
  if (offset != chip.regs.cmd) return programmed;
  auto words_at = [&](std::uint32_t first, int count) {
    std::vector<std::uint32_t> words(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) words[static_cast<std::size_t>(i)] = model_.reg(first + static_cast<std::uint32_t>(i) * 4);
    return words;
  };
  if (chip.coding == efuse::CodingFamily::ReedSolomon) {
    if ((command & efuse::format::kCmdProgram) == 0) return programmed;
    const int index = static_cast<int>((command >> 2) & 0xF);
    if (index <= 0 || index >= static_cast<int>(chip.blocks.size())) return programmed;
    const efuse::BlockDef& block = chip.blocks[static_cast<std::size_t>(index)];
    if (!block_write_protected(block)) programmed.emplace_back(index, words_at(0, block.words));
  } else if (command == efuse::format::kCmdRead) {
    const bool coding_34 = (model_.reg(chip.blocks[0].read_offset + efuse::format::kEsp32CodingSchemeWord * 4) & 0x3) ==
                           efuse::format::kEsp32Coding34;
    for (const auto& block : chip.blocks) {
      if (block.index == 0 || block_write_protected(block)) continue;
      auto words = words_at(block.write_offset, block.words);
      if (coding_34) {
        std::array<std::uint32_t, 8> coded{};
        std::copy_n(words.begin(), 8, coded.begin());
        const auto decoded = efuse::decode_34(coded);
        if (!decoded) continue;  // the model refuses it
        words.assign(decoded->begin(), decoded->end());
      }
      programmed.emplace_back(block.index, std::move(words));
    }
  }
  return programmed;
}

void SimEfuse::remember_fuses(const Programmed& programmed) {
  const efuse::ChipTable& chip = model_.chip();
  for (const auto& [index, words] : programmed) {
    for (std::size_t i = 0; i < words.size() && i < fuses_[static_cast<std::size_t>(index)].size(); ++i)
      fuses_[static_cast<std::size_t>(index)][i] |= words[i];
  }
  for (const auto& block : chip.blocks)
    for (int i = 0; i < block.words; ++i)
      fuses_[static_cast<std::size_t>(block.index)][static_cast<std::size_t>(i)] |=
          model_.reg(block.read_offset + static_cast<std::uint32_t>(i) * 4);
}

// Both files: the register window (espefuse's virtual file) and the fuse array beside it.
void SimEfuse::save() const {
  write_file_atomic(file_, model_.image());
  std::string text;
  for (const auto& block : model_.chip().blocks) {
    text += block.name + " ";
    for (std::uint32_t word : fuses_[static_cast<std::size_t>(block.index)])
      for (int b = 0; b < 4; ++b) text += fmt::format("{:02x}", (word >> (8 * b)) & 0xFF);
    text += "\n";
  }
  write_file_atomic(fuses_file(file_), Bytes(text.begin(), text.end()));
}

}  // namespace fwprov::sim
