// The device side of the eFuse register interface (see controller_model.hpp for what it models).
#include "fwprov/efuse/controller_model.hpp"

#include <algorithm>
#include <array>
#include <cstdio>

#include "bits.hpp"
#include "fwprov/core/error.hpp"
#include "fwprov/efuse/coding.hpp"
#include "fwprov/efuse/format.hpp"

namespace fwprov::efuse {

ControllerModel::ControllerModel(const ChipTable& chip) : chip_(chip), regs_(chip.window_size / 4, 0) {}

void ControllerModel::load_image(ByteView file, const std::string& origin) {
  if (file.size() != chip_.window_size) {
    throw Error(ErrorKind::Input, SourceLocation(origin),
                "not a " + chip_.display_name + " virtual eFuse file: " + std::to_string(file.size()) +
                    " bytes, expected " + std::to_string(chip_.window_size));
  }
  // Reversing the file gives the little-endian register dump.
  Bytes dump(file.rbegin(), file.rend());
  regs_ = bits::from_bytes(dump);
}

Bytes ControllerModel::image() const {
  Bytes dump = bits::to_bytes(regs_);
  std::reverse(dump.begin(), dump.end());
  return dump;
}

bool ControllerModel::owns(std::uint32_t address) const {
  return address >= chip_.base && address < chip_.base + chip_.window_size && (address % 4) == 0;
}

std::uint32_t ControllerModel::read(std::uint32_t address) const {
  if (!owns(address)) {
    throw Error(ErrorKind::Device, fmt_address_error(address));
  }
  return regs_[(address - chip_.base) / 4];
}

void ControllerModel::write(std::uint32_t address, std::uint32_t value) {
  if (!owns(address)) {
    throw Error(ErrorKind::Device, fmt_address_error(address));
  }
  const std::uint32_t offset = address - chip_.base;
  regs_[offset / 4] = value;
  if (offset != chip_.regs.cmd) return;
  if (chip_.coding == CodingFamily::Esp32) {
    if (value == format::kCmdProgram) {
      regs_[offset / 4] = 0;  // the program step itself is folded into the read below
    } else if (value == format::kCmdRead) {
      program_esp32();
      regs_[offset / 4] = 0;
    }
  } else {
    if ((value & format::kCmdProgram) != 0) {
      program_rs(static_cast<int>((value >> 2) & 0xF));
      regs_[offset / 4] = 0;
    } else if (value == format::kCmdRead) {
      regs_[offset / 4] = 0;
    }
  }
}

std::string ControllerModel::fmt_address_error(std::uint32_t address) const {
  char text[16];
  std::snprintf(text, sizeof text, "0x%08x", address);
  return std::string("register ") + text + " is outside the " + chip_.display_name + " eFuse controller";
}

bool ControllerModel::esp32_coding_34() const {
  const std::uint32_t scheme = regs_[static_cast<std::size_t>(format::kEsp32CodingSchemeWord)] & 0x3;
  return scheme == format::kEsp32Coding34;
}

int ControllerModel::read_words_count(const BlockDef& block) const {
  if (chip_.coding == CodingFamily::Esp32 && block.index != 0 && esp32_coding_34()) return block.words * 3 / 4;
  return block.words;
}

std::vector<std::uint32_t> ControllerModel::read_words(const BlockDef& block) const {
  std::vector<std::uint32_t> words(static_cast<std::size_t>(read_words_count(block)));
  for (std::size_t i = 0; i < words.size(); ++i) words[i] = regs_[block.read_offset / 4 + i];
  return words;
}

void ControllerModel::or_into_read(const BlockDef& block, const std::vector<std::uint32_t>& data) {
  for (std::size_t i = 0; i < data.size(); ++i) regs_[block.read_offset / 4 + i] |= data[i];
}

std::vector<std::uint32_t> ControllerModel::drop_write_protected(const BlockDef& block,
                                                                 std::vector<std::uint32_t> data) const {
  const FieldDef& wr_dis_field = chip_.field("WR_DIS");
  const std::uint64_t wr_dis =
      bits::get_range(read_words(chip_.blocks[0]), wr_dis_field.word * 32 + wr_dis_field.pos, wr_dis_field.bits);
  if (block.write_disable_bit >= 0 && ((wr_dis >> block.write_disable_bit) & 1U) != 0) {
    std::fill(data.begin(), data.end(), 0);
    return data;
  }
  for (const auto& field : chip_.fields) {
    if (field.calculated() || field.block != block.index || field.write_disable_bit < 0) continue;
    if (((wr_dis >> field.write_disable_bit) & 1U) == 0) continue;
    for (int i = 0; i < field.bits; ++i) bits::set(data, field.word * 32 + field.pos + i, false);
  }
  return data;
}

void ControllerModel::clear_program_registers() {
  if (chip_.coding == CodingFamily::Esp32) {
    for (const auto& block : chip_.blocks) {
      for (int i = 0; i < block.words; ++i) regs_[block.write_offset / 4 + static_cast<std::size_t>(i)] = 0;
    }
  } else {
    // Only PGM_DATA0..7: CHECK_VALUE keeps the last parity (visible in espefuse's files).
    for (int i = 0; i < format::kRsProgramWords; ++i) regs_[static_cast<std::size_t>(i)] = 0;
  }
}

void ControllerModel::zero_read_protected() {
  const FieldDef& rd_dis_field = chip_.field("RD_DIS");
  const std::uint64_t rd_dis =
      bits::get_range(read_words(chip_.blocks[0]), rd_dis_field.word * 32 + rd_dis_field.pos, rd_dis_field.bits);
  for (const auto& block : chip_.blocks) {
    std::vector<std::uint32_t> words = read_words(block);
    if (block.read_disable_bit >= 0 && ((rd_dis >> block.read_disable_bit) & 1U) != 0) {
      std::fill(words.begin(), words.end(), 0);
    } else {
      for (const auto& field : chip_.fields) {
        if (field.calculated() || field.block != block.index || (field.read_disable_mask & rd_dis) == 0) continue;
        for (int i = 0; i < field.bits; ++i) bits::set(words, field.word * 32 + field.pos + i, false);
      }
    }
    for (std::size_t i = 0; i < words.size(); ++i) regs_[block.read_offset / 4 + i] = words[i];
  }
}

void ControllerModel::program_esp32() {
  // Highest block first, like the hardware model espefuse uses: block 0 (with WR_DIS) last.
  for (auto it = chip_.blocks.rbegin(); it != chip_.blocks.rend(); ++it) {
    const BlockDef& block = *it;
    std::vector<std::uint32_t> data(static_cast<std::size_t>(block.words));
    for (std::size_t i = 0; i < data.size(); ++i) data[i] = regs_[block.write_offset / 4 + i];
    if (block.index != 0 && esp32_coding_34()) {
      std::array<std::uint32_t, 8> coded{};
      std::copy_n(data.begin(), 8, coded.begin());
      const auto decoded = decode_34(coded);
      if (!decoded) {
        throw Error(ErrorKind::Device, block.name + ": program registers fail the 3/4 coding check");
      }
      data.assign(decoded->begin(), decoded->end());
    }
    or_into_read(block, drop_write_protected(block, std::move(data)));
  }
  clear_program_registers();
  zero_read_protected();
}

void ControllerModel::program_rs(int block_index) {
  const auto found = std::find_if(chip_.blocks.begin(), chip_.blocks.end(),
                                  [&](const BlockDef& b) { return b.index == block_index; });
  if (found == chip_.blocks.end()) {
    throw Error(ErrorKind::Device, "program command for block " + std::to_string(block_index) + ", which " +
                                       chip_.display_name + " does not have");
  }
  const BlockDef& block = *found;
  std::vector<std::uint32_t> data(format::kRsProgramWords);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = regs_[i];
  if (block.index != 0) {
    const Bytes message = bits::to_bytes(data);
    const auto parity = rs_parity(std::span<const std::uint8_t, 32>(message.data(), 32));
    Bytes stored(12);
    for (std::size_t i = 0; i < 3; ++i) {
      const std::uint32_t word = regs_[chip_.regs.check_value0 / 4 + i];
      for (std::size_t b = 0; b < 4; ++b) stored[i * 4 + b] = static_cast<std::uint8_t>(word >> (8 * b));
    }
    if (!std::equal(parity.begin(), parity.end(), stored.begin())) {
      throw Error(ErrorKind::Device, block.name + ": CHECK_VALUE registers do not hold the RS(44,32) parity of the data");
    }
  }
  data.resize(static_cast<std::size_t>(block.words));  // block 0 and block 1 hold 6 words
  or_into_read(block, drop_write_protected(block, std::move(data)));
  clear_program_registers();
  zero_read_protected();
}

}  // namespace fwprov::efuse
